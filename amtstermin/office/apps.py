from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class OfficeConfig(AppConfig):
    default = True
    name = "amtstermin.office"
    label = "office"


class SecondFactorAdminConfig(admin_apps.AdminConfig):
    """Django's admin, but its site asks for the second factor (see admin_site.py)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "amtstermin.office.admin_site.SecondFactorAdminSite"
