"""Loading a contract or lot for a buyer page: another institution's is a 404."""

from anchors import selectors
from anchors.models import Contract, Lot
from core.web import get_or_404


def contract_or_404(request, pk: int) -> Contract:
    return get_or_404(selectors.contract_get_for_buyer, user=request.user, contract_id=pk)


def lot_or_404(request, pk: int) -> Lot:
    return get_or_404(selectors.lot_get_for_buyer, user=request.user, lot_id=pk)
