"""The access decorator for the network coordinators' pages (see ``core.web`` for the policy)."""

from core.web import access_required


def _is_coordinator(user) -> bool:
    # The coordinator part of ``accounts.roles.user_roles``, without its membership queries.
    return user.is_active and user.is_coordinator


coordinator_required = access_required(
    _is_coordinator, refused_template="accounts/coordinators_only.html"
)
coordinator_required.__doc__ = """Signed in and a network coordinator; anyone else signed in
gets a 403 page saying these pages are the coordinators'."""
