"""Staff edit the legal pages, the start-page text and notices in the Django admin."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.models import ContentPage, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def imprint_form(**fields) -> dict[str, str]:
    return {
        "kind": ContentPage.Kind.LEGAL_NOTICE,
        "title_de": "Impressum",
        "title_en": "Legal notice",
        "body_de": "# Anbieter\n\nStadt Musterstadt, Markt 1",
        "body_en": "",
        **fields,
    }


def test_administrator_writes_the_imprint_and_citizens_read_it(admin_client, client):
    response = admin_client.post(reverse("admin:core_contentpage_add"), imprint_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    imprint = ContentPage.objects.get()

    change = reverse("admin:core_contentpage_change", args=[imprint.pk])
    response = admin_client.post(
        change, imprint_form(body_de="# Anbieter\n\nStadt Musterstadt, **Rathausplatz 2**")
    )
    assert response.status_code == 302

    page = client.get("/impressum/")
    assertContains(page, '<h2 class="kern-heading-medium">Anbieter</h2>', html=False)
    assertContains(page, "Stadt Musterstadt, <strong>Rathausplatz 2</strong>")
    assertNotContains(page, "Markt 1")
    # The footer of every page links it now (the cached lookup was forgotten on save).
    assertContains(page, '<a class="kern-link kern-link--small" href="/impressum/">Impressum</a>')


def test_change_page_previews_the_sanitised_text_and_explains_the_markdown(admin_client):
    imprint = ContentPage.objects.create(
        kind=ContentPage.Kind.LEGAL_NOTICE,
        title="Impressum",
        body="## Kontakt\n\n<script>alert(1)</script> [x](javascript:alert(2))",
    )

    response = admin_client.get(reverse("admin:core_contentpage_change", args=[imprint.pk]))

    assertContains(response, '<h2 class="kern-heading-medium">Kontakt</h2>', html=False)
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, 'href="javascript')
    assertContains(response, "Markdown")
    assertContains(response, "Vorschau (Englisch)")


def test_german_text_is_required_and_english_is_optional(admin_client):
    response = admin_client.post(
        reverse("admin:core_contentpage_add"), imprint_form(body_de="", title_de="")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"title_de", "body_de"}
    assert not ContentPage.objects.exists()


def test_second_page_of_the_same_kind_is_refused(admin_client):
    ContentPage.objects.create(kind=ContentPage.Kind.LEGAL_NOTICE, title="Impressum", body="…")

    response = admin_client.post(reverse("admin:core_contentpage_add"), imprint_form())

    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    assert ContentPage.objects.count() == 1


def test_administrator_posts_a_notice_for_the_start_page(admin_client, client):
    response = admin_client.post(
        reverse("admin:core_notice_add"),
        {
            "title_de": "Am 24.12. geschlossen",
            "title_en": "Closed on 24 December",
            "body_de": "Ab dem 27.12. sind wir wieder für Sie da.",
            "body_en": "",
            "level": "warning",
            "position": "0",
            "shown_from_0": "",
            "shown_from_1": "",
            "shown_until_0": "",
            "shown_until_1": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    assertContains(client.get("/"), "Am 24.12. geschlossen")


def test_a_notice_ending_before_it_starts_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        reverse("admin:core_notice_add"),
        {
            "title_de": "Umbau",
            "level": "info",
            "position": "0",
            "shown_from_0": "2026-12-20",
            "shown_from_1": "08:00",
            "shown_until_0": "2026-12-19",
            "shown_until_1": "08:00",
        },
    )

    assert response.status_code == 200
    assertContains(response, "Ein Hinweis muss enden, nachdem er beginnt.")
    assert not Notice.objects.exists()
