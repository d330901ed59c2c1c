class ApplicationError(Exception):
    """A business rule refused an action. ``message`` is shown to the user as it is.

    ``extra`` carries structured detail (for example ``{"rule": "PA23 s.18"}``) for the API.
    """

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionDenied(ApplicationError):
    """The user may not do this; raised by services, which own the permission rules."""
