from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "passage.core"
    label = "core"

    def ready(self):
        from . import db  # noqa: F401  (registers the pk__any_of lookup)
