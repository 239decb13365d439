from django.apps import AppConfig


class CitizenConfig(AppConfig):
    name = "amtstermin.citizen"
    label = "citizen"
