from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "amtstermin.api"
    label = "api"
    verbose_name = "API"
