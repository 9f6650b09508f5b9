import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings.prod")
application = get_wsgi_application()

from passage.core.startup import freeze_loaded_objects  # noqa: E402  (needs the settings loaded above)

freeze_loaded_objects()
