"""The queue's forms: they only parse input; amtstermin/core/online_requests.py decides."""

from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from amtstermin.core.models import Service


class ActionForm(forms.Form):
    """One form for the request page: the button pressed names the action; the core checks
    the text (required, length) so its German refusal is the one the clerk reads."""

    ACTIONS = [
        ("claim", _("Take on")),
        ("answer", _("Answer")),
        ("reject", _("Reject")),
        ("note", _("Save note")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    text = forms.CharField(required=False, strip=False)


# The queue's views of the requests; "open" is what a clerk works through, so it is the default.
SHOWS = [
    ("open", _("Open requests")),
    ("mine", _("Taken on by me")),
    ("closed", _("Closed requests")),
    ("all", _("All requests")),
]


@dataclass(frozen=True)
class Filters:
    """What the queue shows: a view, perhaps one service, perhaps a search."""

    show: str = "open"
    service: Service | None = None
    search: str = ""

    def query(self) -> dict[str, str]:
        """The filters as GET parameters, for the page links (defaults left out)."""
        query = {}
        if self.show != "open":
            query["status"] = self.show
        if self.service is not None:
            query["service"] = str(self.service.pk)
        if self.search:
            query["q"] = self.search
        return query


class QueueForm(forms.Form):
    """The queue's filters from the address. A wrong value (an unknown view, another
    department's service) is dropped, not refused: the page then shows the default for it."""

    status = forms.ChoiceField(label=_("Show"), choices=SHOWS, required=False)
    service = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False)
    q = forms.CharField(label=_("Reference number or name"), max_length=120, required=False)

    def __init__(self, data, *, services: QuerySet[Service]):
        super().__init__(data)
        self.fields["service"].queryset = services

    def filters(self) -> Filters:
        self.is_valid()  # keeps the fields that are valid in cleaned_data
        data = self.cleaned_data
        return Filters(
            show=data.get("status") or "open",
            service=data.get("service"),
            search=" ".join((data.get("q") or "").split()),
        )
