"""The access decorator for pages that act for a business (see ``core.web`` for the policy)."""

from core.web import access_required
from suppliers.selectors import businesses_of_member


def _businesses(user):
    businesses = businesses_of_member(user=user)
    return businesses if businesses else None  # one query; the view reuses the fetched rows


business_member_required = access_required(
    _businesses, refused_template="suppliers/no_business.html", pass_as="businesses"
)
business_member_required.__doc__ = """Signed in and a member of at least one business (else a
403 page saying how to add one); the view receives ``businesses=``, the user's businesses by
name, already fetched (a queryset: iterate it, count it or filter it)."""
