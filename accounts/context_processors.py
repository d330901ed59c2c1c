from django.utils.functional import SimpleLazyObject

from accounts.roles import user_roles


def roles(request):
    """``roles``: the signed-in user's roles (officer, supplier, coordinator) for navigation.

    Lazy, so pages that never show navigation spend no query on it.
    """
    user = getattr(request, "user", None)
    return {
        "roles": SimpleLazyObject(
            lambda: {role.value for role in user_roles(user)} if user is not None else set()
        )
    }
