""" "How many of which service": one number field per service, named "service-<pk>", 0 or empty
meaning not wanted. The booking wizard, the desk booking and the walk-in ticket all ask it, with
the same limits and messages; the core decides what can be booked."""

from django import forms
from django.utils.translation import gettext_lazy as _

from amtstermin.core.items import Item
from amtstermin.core.models import Service


class ServiceQuantities(forms.Form):
    too_many = _("“%(name)s” can be booked at most %(max)s times per appointment.")

    def __init__(self, *args, services: list[Service], initial_quantities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = services
        initial = initial_quantities or {}
        for service in services:
            name = {"name": service.name}
            self.fields[self.field_name(service)] = forms.IntegerField(
                label=service.name,
                min_value=0,
                max_value=service.max_quantity,
                initial=initial.get(str(service.pk), 0),
                required=False,
                error_messages={
                    "invalid": _("Enter a whole number for “%(name)s”.") % name,
                    "min_value": _("The number for “%(name)s” cannot be negative.") % name,
                    "max_value": self.too_many % {**name, "max": service.max_quantity},
                },
            )

    @staticmethod
    def field_name(service: Service) -> str:
        return f"service-{service.pk}"

    def rows(self) -> list[tuple[Service, forms.BoundField]]:
        """(service, bound field) pairs in the catalogue's order, for the template."""
        return [(service, self[self.field_name(service)]) for service in self.services]

    def quantities(self) -> dict[str, int]:
        """Every service's number by its id (as text, the session's key), 0 if not wanted."""
        return {
            str(service.pk): self.cleaned_data.get(self.field_name(service)) or 0
            for service in self.services
        }

    def items(self) -> list[Item]:
        """The services wanted, with their numbers."""
        return [
            Item(service, quantity)
            for service in self.services
            if (quantity := self.cleaned_data.get(self.field_name(service)))
        ]
