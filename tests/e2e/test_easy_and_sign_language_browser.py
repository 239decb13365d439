"""The header's Leichte Sprache and Gebärdensprache links on a phone, a small phone and a
desktop: visible, inside the screen, with no sideways scrolling; the two pages pass axe."""

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from amtstermin.core.models import SignLanguageVideo

pytestmark = pytest.mark.browser

WIDTHS = (320, 390, 1280)
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_links_fit_every_screen(transactional_db, live_server, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/")

    header = page.locator("header.amt-header")
    for name in ("Leichte Sprache", "Gebärdensprache"):
        link = header.get_by_role("link", name=name)
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, name
        assert box["height"] >= 24, name  # WCAG 2.5.8: a target of at least 24 px
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SCREENSHOTS:
        header.screenshot(path=str(Path(SCREENSHOTS) / f"header-{width}.png"))


def test_the_easy_language_and_sign_language_pages_pass_axe(
    transactional_db, live_server, page, axe, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    SignLanguageVideo.objects.create(
        title="Erklärung",
        video=SimpleUploadedFile("erklaerung.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 32),
        description="Eine Dolmetscherin erklärt die Termin-Buchung.",
    )
    for path in ("/leichte-sprache/", "/gebaerdensprache/"):
        page.goto(live_server.url + path)
        axe(page)
