"""Clarification questions: asking (business members only, open lots only), answering (officers
of the lot's institution only), publishing with the asker anonymised, and the officer pages."""

import pytest
from django.urls import reverse

from anchors.models import Question
from anchors.services import question_answer, question_ask
from core.exceptions import ApplicationError, PermissionDenied
from core.models import OutboundEmail
from suppliers.models import BusinessMember
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, QuestionFactory, officer_of
from tests.matching.factories import close_lot, matching_business, open_lot
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def member_of(business, user=None):
    user = user or UserFactory()
    BusinessMember.objects.create(business=business, user=user, role=BusinessMember.Role.OWNER)
    return user


def ask_url(lot) -> str:
    return reverse("opportunities:ask", args=[lot.pk])


def answer_url(question) -> str:
    return reverse("opportunities:answer", args=[question.pk])


def questions_url(lot) -> str:
    return reverse("opportunities:officer_questions", args=[lot.pk])


# Services -------------------------------------------------------------------------------------


def test_member_asks_a_question():
    lot = open_lot()
    business = matching_business()
    user = member_of(business)

    question = question_ask(actor=user, business=business, lot=lot, text="  Is it term time only? ")

    assert question.text == "Is it term time only?"
    assert question.business == business
    assert question.asked_by == user
    assert not question.is_answered


def test_non_member_cannot_ask_for_a_business():
    with pytest.raises(PermissionDenied):
        question_ask(actor=UserFactory(), business=matching_business(), lot=open_lot(), text="Hi?")


def test_no_questions_on_a_closed_lot():
    business = matching_business()

    with pytest.raises(ApplicationError, match="closed"):
        question_ask(
            actor=member_of(business), business=business, lot=close_lot(open_lot()), text="Hi?"
        )


def test_officer_of_another_institution_cannot_answer():
    question = QuestionFactory(lot=open_lot(), business=matching_business())

    with pytest.raises(PermissionDenied):
        question_answer(actor=officer_of(InstitutionFactory()), question=question, answer="Yes.")
    question.refresh_from_db()
    assert not question.is_answered


def test_answer_is_published_and_the_asker_is_emailed():
    lot = open_lot()
    question = QuestionFactory(lot=lot, business=matching_business())

    question_answer(actor=officer_of(lot.contract.institution), question=question, answer="Yes.")

    assert list(Question.objects.published()) == [question]
    email = OutboundEmail.objects.get(kind="question_answered")
    assert email.to == question.asked_by.email
    assert "Yes." in email.body_text
    assert f"/opportunities/{lot.pk}/" in email.body_text


# Asking on the opportunity page ---------------------------------------------------------------


def test_member_asks_from_the_page_and_sees_the_confirmation(client):
    lot = open_lot()
    business = matching_business()
    client.force_login(member_of(business))

    response = client.post(ask_url(lot), {"text": "Do you need halal meals?"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("opportunities:detail", args=[lot.pk])
    assert (
        f"Your question has been sent to {lot.contract.institution.name}. The answer will be "
        "published here for everyone, without your name." in response.content.decode()
    )
    assert Question.objects.get().business == business


def test_member_of_several_businesses_must_choose_one_of_theirs(client):
    lot = open_lot()
    user = member_of(BusinessFactory(name="Alpha Catering"))
    beta = BusinessFactory(name="Beta Cleaning")
    member_of(beta, user=user)
    someone_elses = BusinessFactory(name="Gamma Ltd")
    client.force_login(user)

    missing = client.post(ask_url(lot), {"text": "Which schools?"})
    tampered = client.post(ask_url(lot), {"text": "Which schools?", "business": someone_elses.pk})
    chosen = client.post(ask_url(lot), {"text": "Which schools?", "business": beta.pk})

    assert "Choose the business that is asking." in missing.content.decode()
    assert "Choose one of your businesses." in tampered.content.decode()
    assert chosen.status_code == 302
    assert Question.objects.get().business == beta


def test_empty_and_oversized_questions_are_refused_with_an_error_summary(client):
    lot = open_lot()
    client.force_login(member_of(matching_business()))

    empty = client.post(ask_url(lot), {"text": "   "})
    oversized = client.post(ask_url(lot), {"text": "x" * 2001})

    assert "There is a problem" in empty.content.decode()
    assert "Enter your question." in empty.content.decode()
    assert 'href="#id_text"' in empty.content.decode()
    assert "at most 2000 characters" in oversized.content.decode()
    assert "<title>Error: " in oversized.content.decode()
    assert not Question.objects.exists()


def test_asking_about_a_closed_lot_shows_the_reason(client):
    lot = close_lot(open_lot())
    client.force_login(member_of(matching_business()))

    response = client.post(ask_url(lot), {"text": "Still time?"})

    assert response.status_code == 200
    assert "This opportunity has closed" in response.content.decode()
    assert not Question.objects.exists()


def test_anonymous_is_sent_to_sign_in_and_non_members_are_refused(client):
    lot = open_lot()

    anonymous = client.post(ask_url(lot), {"text": "Hi?"})
    client.force_login(UserFactory())
    outsider = client.post(ask_url(lot), {"text": "Hi?"})

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    assert outsider.status_code == 403
    assert not Question.objects.exists()


def test_asking_about_a_draft_or_missing_lot_is_404(client):
    client.force_login(member_of(matching_business()))

    assert client.post(ask_url(open_lot(published=False)), {"text": "Hi?"}).status_code == 404
    assert client.post("/opportunities/999999/ask/", {"text": "Hi?"}).status_code == 404
    assert client.get(ask_url(open_lot())).status_code == 405


def test_ask_form_has_csrf_protection(client):
    lot = open_lot()
    user = member_of(matching_business())
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(user)

    assert (
        "csrfmiddlewaretoken"
        in csrf_client.get(reverse("opportunities:detail", args=[lot.pk])).content.decode()
    )
    assert csrf_client.post(ask_url(lot), {"text": "Hi?"}).status_code == 403
    assert not Question.objects.exists()


# The public page: published answers, asker anonymised ----------------------------------------


def test_public_page_shows_answered_questions_without_the_asker(client):
    lot = open_lot()
    business = BusinessFactory(name="Zebra Kitchens Unlimited")
    answered = QuestionFactory(
        lot=lot, business=business, text="Can we subcontract the deliveries?"
    )
    question_answer(
        actor=officer_of(lot.contract.institution), question=answered, answer="Yes, with notice."
    )
    QuestionFactory(lot=lot, business=business, text="An unanswered question")

    html = client.get(reverse("opportunities:detail", args=[lot.pk])).content.decode()

    assert "Can we subcontract the deliveries?" in html
    assert "Yes, with notice." in html
    assert "An unanswered question" not in html
    assert "Zebra Kitchens Unlimited" not in html
    assert answered.asked_by.email not in html


# Officer pages --------------------------------------------------------------------------------


def test_officer_lists_questions_unanswered_first_with_who_asked(client, django_assert_num_queries):
    lot = open_lot()
    officer = officer_of(lot.contract.institution)
    business = BusinessFactory(name="Zebra Kitchens Unlimited")
    first = QuestionFactory(lot=lot, business=business, text="First, answered")
    question_answer(actor=officer, question=first, answer="Answered.")
    waiting = [QuestionFactory(lot=lot, business=business, text=f"Waiting {n}") for n in range(3)]
    client.force_login(officer)

    # session, user, lot, membership check, two for the navigation roles, questions
    with django_assert_num_queries(7):
        response = client.get(questions_url(lot))

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 unanswered" in html
    assert "Zebra Kitchens Unlimited" in html
    assert html.index("Waiting 0") < html.index("First, answered")
    assert answer_url(waiting[0]) in html
    assert 'Answer<span class="govuk-visually-hidden"> question 1</span>' in html
    assert "Change the answer" in html


def test_officer_questions_page_is_404_for_other_institutions_and_coordinators(client):
    lot = open_lot()
    QuestionFactory(lot=lot, business=matching_business())

    for user in [officer_of(InstitutionFactory()), CoordinatorFactory(), UserFactory()]:
        client.force_login(user)
        assert client.get(questions_url(lot)).status_code == 404
    assert client.get("/buyer/lots/999999/questions/").status_code == 404
    client.logout()
    assert client.get(questions_url(lot)).status_code == 302  # sign in first


def test_officer_answers_and_the_answer_is_published(client):
    lot = open_lot()
    question = QuestionFactory(lot=lot, business=matching_business())
    client.force_login(officer_of(lot.contract.institution))

    form = client.get(answer_url(question))
    response = client.post(answer_url(question), {"answer": "Yes, term time only."})

    assert "csrfmiddlewaretoken" in form.content.decode()
    assert response.status_code == 302
    assert response.url == questions_url(lot)
    question.refresh_from_db()
    assert question.answer == "Yes, term time only."
    public = client.get(reverse("opportunities:detail", args=[lot.pk])).content.decode()
    assert "Yes, term time only." in public


def test_officer_corrects_an_answer(client):
    lot = open_lot()
    officer = officer_of(lot.contract.institution)
    question = QuestionFactory(lot=lot, business=matching_business())
    question_answer(actor=officer, question=question, answer="Wrong.")
    client.force_login(officer)

    form = client.get(answer_url(question)).content.decode()
    client.post(answer_url(question), {"answer": "Right."})

    assert "Change the answer" in form
    assert "Wrong." in form  # the current answer fills the box
    question.refresh_from_db()
    assert question.answer == "Right."


def test_empty_and_oversized_answers_are_refused(client):
    lot = open_lot()
    question = QuestionFactory(lot=lot, business=matching_business())
    client.force_login(officer_of(lot.contract.institution))

    empty = client.post(answer_url(question), {"answer": ""})
    oversized = client.post(answer_url(question), {"answer": "x" * 5001})

    assert "Enter the answer." in empty.content.decode()
    assert "at most 5000 characters" in oversized.content.decode()
    question.refresh_from_db()
    assert not question.is_answered


def test_answer_page_is_404_for_another_institution(client):
    lot = open_lot()
    question = QuestionFactory(lot=lot, business=matching_business())

    for user in [officer_of(InstitutionFactory()), CoordinatorFactory()]:
        client.force_login(user)
        assert client.get(answer_url(question)).status_code == 404
        assert client.post(answer_url(question), {"answer": "Hijack"}).status_code == 404
    question.refresh_from_db()
    assert not question.is_answered
    assert client.get("/buyer/questions/999999/answer/").status_code == 404
