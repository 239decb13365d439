from django.apps import AppConfig


class DisplayConfig(AppConfig):
    name = "amtstermin.display"
    label = "display"
