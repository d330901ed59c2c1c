"""Reads for the OCDS export: our published contracts with everything a release needs.

A fixed number of queries, whatever the number of contracts (pinned in
``tests/ocds/test_views.py``): contracts with their institutions, the contracts' CPV codes,
the lots with their awards and winning businesses, the lots' CPV codes, and the amendments
recorded in the audit trail.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q

from anchors.models import Award, Contract, Lot, LotCpv
from core.models import AuditEvent

AMENDED_VERB = "contract.amended"


def ocds_contracts(*, since: datetime | None = None) -> list[Contract]:
    """Contracts LocalLots publishes as OCDS releases, oldest publication first.

    Only our own contracts (``source == "locallots"``: imported notices are other publishers'
    data) that have been published, cancelled ones included (their release says so); drafts
    never. With ``since``, only those whose release changed at or after it: the contract
    itself (published, amended, cancelled), one of its lots or one of its awards.

    Each contract carries ``ocds_amendments``: its ``contract.amended`` audit events, oldest
    first.
    """
    contracts = (
        Contract.objects.filter(source=Contract.Source.LOCALLOTS, published_at__isnull=False)
        .select_related("institution")
        .prefetch_related(
            "cpv_codes",
            Prefetch(
                "lots",
                queryset=Lot.objects.select_related("award__business")
                .prefetch_related(
                    Prefetch(
                        "cpv_links",
                        queryset=LotCpv.objects.select_related("cpv_code").order_by("cpv_code"),
                    )
                )
                .order_by("number"),
            ),
        )
        .order_by("published_at", "pk")
    )
    if since is not None:
        changed_lots = Lot.objects.filter(contract=OuterRef("pk"), updated_at__gte=since)
        changed_awards = Award.objects.filter(lot__contract=OuterRef("pk"), updated_at__gte=since)
        contracts = contracts.filter(
            Q(updated_at__gte=since) | Exists(changed_lots) | Exists(changed_awards)
        )
    contracts = list(contracts)
    _attach_amendments(contracts)
    return contracts


def _attach_amendments(contracts: list[Contract]) -> None:
    """Set ``ocds_amendments`` on each contract in one query (none for an empty list).

    Filters the content type by app label and model name through the join, not through
    ``ContentType.objects.get_for_model``, whose per-process cache would make the query count
    depend on what ran before.
    """
    for contract in contracts:
        contract.ocds_amendments = []
    if not contracts:
        return
    by_id = {str(contract.pk): contract for contract in contracts}
    events = AuditEvent.objects.filter(
        verb=AMENDED_VERB,
        target_type__app_label=Contract._meta.app_label,
        target_type__model=Contract._meta.model_name,
        target_id__in=list(by_id),
    ).order_by("created_at", "pk")
    for event in events:
        by_id[event.target_id].ocds_amendments.append(event)
