"""The realistic synthetic demo loaded by ``make run`` (``manage.py demo_seed``). Synthetic data only."""

from .load import DEMO_MARKER, demo_is_loaded, load_demo

__all__ = ["DEMO_MARKER", "demo_is_loaded", "load_demo"]
