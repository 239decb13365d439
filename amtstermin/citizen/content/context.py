"""The footer's links to the legal pages, set only for pages that exist: no dead links."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from amtstermin.core import content
from amtstermin.core.models import ContentPage

# Page kind → the context variable base.html's footer reads, and the page's URL name.
LINKS = {
    ContentPage.Kind.LEGAL_NOTICE: ("legal_notice_url", "citizen:legal_notice"),
    ContentPage.Kind.PRIVACY: ("privacy_url", "citizen:privacy"),
    ContentPage.Kind.ACCESSIBILITY: ("accessibility_url", "citizen:accessibility"),
}


def legal_pages(request: HttpRequest) -> dict[str, SimpleLazyObject]:
    """legal_notice_url, privacy_url and accessibility_url: a page's address once it exists.

    Lazy, so a page without the footer (office, display, admin) asks nothing; the lookup is
    cached (core/content.py), so one that has it asks the database once a minute at most.
    """
    kinds = SimpleLazyObject(content.page_kinds)
    return {
        variable: SimpleLazyObject(
            lambda kind=kind, name=name: reverse(name) if kind in kinds else ""
        )
        for kind, (variable, name) in LINKS.items()
    }
