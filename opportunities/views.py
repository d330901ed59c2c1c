from core.views import home

__all__ = ["home"]
