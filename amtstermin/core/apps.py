from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "amtstermin.core"
    label = "core"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the checks, connects receivers)
