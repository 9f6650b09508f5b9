"""What a server process does once, after loading the project and before serving requests."""

import gc


def freeze_loaded_objects() -> None:
    """Load the URLconf (and with it every view, form and model), then take everything loaded so far out of the
    garbage collector's rounds (``gc.freeze``): a full collection otherwise walks the ~150,000 objects of the
    loaded code on top of a request's own. The board of a peak day makes ~10,000 objects a request, enough to set
    off such a collection on every other poll (~40 ms each; docs/benchmarks.md). Frozen objects are still freed
    by reference counting; only cycles among them are left alone, and code loaded at start-up holds none that
    would be let go."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 -- imports the views
    gc.collect()
    gc.freeze()
