"""The demo's contracts and lots: what they are (``catalogue``) and how they are built (``step``)."""

from demo.contracts.step import seed

__all__ = ["seed"]
