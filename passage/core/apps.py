from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "passage.core"
    label = "core"
