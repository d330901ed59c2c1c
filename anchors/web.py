"""The access decorator for the buyer pages (see ``core.web`` for the policy)."""

from anchors.selectors import institutions_for_user
from core.web import access_required


def _acts_for_an_institution(user) -> bool:
    return institutions_for_user(user=user).exists()


officer_required = access_required(
    _acts_for_an_institution, refused_template="anchors/no_institution.html"
)
officer_required.__doc__ = """Signed in, and an officer of an institution or a network
coordinator (who reads every institution's buyer pages and changes nothing); anyone else gets a
403 page saying how to join their institution. Another institution's records are then a 404
(``core.web.get_or_404`` with an ``anchors.selectors.*_for_buyer`` selector), and a change the
user may not make a 403 with the reason (``anchors.permissions.ensure_officer_of``)."""
