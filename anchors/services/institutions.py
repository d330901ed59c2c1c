from django.db import transaction

from anchors.models import Institution, Membership
from anchors.permissions import ensure_admin_of, ensure_coordinator
from core.services import audit_event_record


@transaction.atomic
def institution_create(
    *,
    actor,
    name: str,
    slug: str,
    kind: str,
    threshold_class: str,
    reservation_regime: str,
    home_area_name: str = "",
    county_name: str = "",
    website: str = "",
) -> Institution:
    """Coordinators add anchor institutions to the network."""
    ensure_coordinator(actor)
    institution = Institution(
        name=name.strip(),
        slug=slug,
        kind=kind,
        threshold_class=threshold_class,
        reservation_regime=reservation_regime,
        home_area_name=home_area_name,
        county_name=county_name,
        website=website,
    )
    institution.full_clean()
    institution.save()
    audit_event_record(actor=actor, verb="institution.created", target=institution)
    return institution


@transaction.atomic
def membership_add(
    *, actor, institution: Institution, user, role: str = Membership.Role.OFFICER
) -> Membership:
    """Make ``user`` an officer (or admin) of ``institution``; done by its admins or a coordinator."""
    ensure_admin_of(actor, institution)
    membership, created = Membership.objects.get_or_create(
        institution=institution, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role", "updated_at"])
    audit_event_record(
        actor=actor,
        verb="institution.member_added",
        target=institution,
        summary={"user": user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, institution: Institution, user) -> None:
    ensure_admin_of(actor, institution)
    deleted, _ = Membership.objects.filter(institution=institution, user=user).delete()
    if deleted:
        audit_event_record(
            actor=actor,
            verb="institution.member_removed",
            target=institution,
            summary={"user": user.email},
        )
