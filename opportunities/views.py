"""Public pages (home, search, opportunity detail) and clarification questions.

Thin views: parse input, call a selector or service, shape the context. Access and refusals
follow ``core.web``: lots the public may not see (drafts, cancelled contracts) are 404, and so
are another institution's questions.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from anchors.models import Lot
from anchors.permissions import membership_of
from anchors.selectors import lot_questions_public, question_get_for_officer
from anchors.services import question_answer, question_ask
from core.web import SERVICE_ERRORS, apply_service_errors, get_or_404, money, money_both
from matching.selectors import matches_for_user
from ocds import presenters as imported
from opportunities import presenters, selectors
from opportunities.forms import AnswerForm, QuestionForm
from suppliers.selectors import businesses_of_member
from suppliers.web import business_member_required


def home(request):
    figures = selectors.home_figures()
    context = {
        "figures": figures,
        "open_lots": f"{figures.open_lots:,}",
        "open_value": money(figures.open_value),
        "hyper_local_lots": f"{figures.hyper_local_lots:,}",
        "businesses": f"{figures.businesses:,}",
        "latest": [_result_row(lot) for lot in figures.latest_hyper_local],
    }
    return render(request, "opportunities/home.html", context)


def search(request):
    lots, filterset = selectors.opportunity_search(params=request.GET)
    page = Paginator(lots, selectors.SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": filterset.form,
        "page_obj": page,
        "count": page.paginator.count,
        "count_text": _count_text(page.paginator.count),
        "results": [_result_row(lot) for lot in page.object_list],
    }
    return render(request, "opportunities/search.html", context)


def _result_row(lot: Lot) -> dict:
    """A result row; an imported opportunity's also says where it came from."""
    return imported.listing(lot, presenters.result_row(lot))


def _count_text(count: int) -> str:
    return f"{count:,} opportunit{'y' if count == 1 else 'ies'}"


def detail(request, lot_id: int):
    lot = get_or_404(selectors.opportunity_get, lot_id=lot_id)
    return _render_detail(request, lot, question_form=None)


def _render_detail(request, lot: Lot, *, question_form: QuestionForm | None):
    user = request.user
    businesses = list(businesses_of_member(user=user))
    if question_form is None and businesses and lot.is_open:
        question_form = QuestionForm(businesses=businesses)
    match = None
    if businesses:
        match = matches_for_user(user=user).filter(lot=lot).first()
    context = {
        "lot": lot,
        "contract": lot.contract,
        "institution": lot.contract.institution,
        "value": money_both(lot.value, vat_exempt=lot.contract.vat_exempt),
        "delivery": imported.delivery_words(lot, presenters.delivery_words(lot)),
        "source": imported.source(lot),
        "suitability": imported.suitability_labels(lot),
        "target": presenters.target_words(lot),
        "reservation": presenters.reservation_sentences(lot),
        "codes": [link.cpv_code for link in lot.cpv_links.all()],
        "certifications": list(lot.required_certifications.all()),
        "questions": list(lot_questions_public(lot=lot)),
        "find_a_tender_url": presenters.find_a_tender_url(lot),
        "awarded": hasattr(lot, "award"),
        "is_member": bool(businesses),
        "is_officer": membership_of(user, lot.contract.institution) is not None,
        "match": match,
        "question_form": question_form,
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': request.path})}",
    }
    return render(request, "opportunities/detail.html", context)


@require_POST
@business_member_required
def ask(request, lot_id: int, *, businesses):
    lot = get_or_404(selectors.opportunity_get, lot_id=lot_id)
    form = QuestionForm(request.POST, businesses=businesses)
    if form.is_valid():
        try:
            question_ask(
                actor=request.user,
                business=form.cleaned_data["business"],
                lot=lot,
                text=form.cleaned_data["text"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Your question has been sent to {lot.contract.institution.name}. The answer "
                "will be published here for everyone, without your name.",
            )
            return redirect("opportunities:detail", lot_id=lot.pk)
    return _render_detail(request, lot, question_form=form)


# Officer pages ------------------------------------------------------------------------------


@login_required
def officer_questions(request, lot_id: int):
    lot, questions = get_or_404(selectors.officer_lot_questions, user=request.user, lot_id=lot_id)
    return render(
        request, "opportunities/officer_questions.html", {"lot": lot, "questions": questions}
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, pk: int):
    question = get_or_404(question_get_for_officer, user=request.user, question_id=pk)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial={"answer": question.answer},
    )
    if request.method == "POST" and form.is_valid():
        try:
            question_answer(
                actor=request.user, question=question, answer=form.cleaned_data["answer"]
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Your answer is published on the opportunity page for every business to read.",
            )
            return redirect("opportunities:officer_questions", lot_id=question.lot_id)
    context = {"question": question, "lot": question.lot, "form": form}
    return render(request, "opportunities/answer.html", context)
