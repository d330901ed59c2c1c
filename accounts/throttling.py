def axes_username(request, credentials) -> str:
    """Count failed logins per normalised email, so changing letter case does not reset the count."""
    from accounts.models import normalise_email

    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalise_email(raw)
