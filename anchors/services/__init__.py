"""Writes on the buyer side, one module per sub-domain; import from here."""

from anchors.services.awards import award_record
from anchors.services.contracts import (
    contract_amend,
    contract_cancel,
    contract_create,
    contract_publish,
    contract_update,
)
from anchors.services.institutions import institution_create, membership_add, membership_remove
from anchors.services.lots import (
    lot_configure,
    lot_set_reservation,
    lot_set_target_area,
    lot_update,
)
from anchors.services.questions import question_answer, question_ask
from anchors.services.splitting import (
    LotDraft,
    contract_split_into_lots,
    propose_by_district,
    propose_by_value_cap,
    propose_even_split,
)

__all__ = [
    "LotDraft",
    "award_record",
    "contract_amend",
    "contract_cancel",
    "contract_create",
    "contract_publish",
    "contract_split_into_lots",
    "contract_update",
    "institution_create",
    "lot_configure",
    "lot_set_reservation",
    "lot_set_target_area",
    "lot_update",
    "membership_add",
    "membership_remove",
    "propose_by_district",
    "propose_by_value_cap",
    "propose_even_split",
    "question_answer",
    "question_ask",
]
