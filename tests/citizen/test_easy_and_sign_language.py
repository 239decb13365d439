"""Leichte Sprache and German Sign Language (BITV 2.0 § 4, Anlage 2) as citizens find them."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.models import ContentPage, SignLanguageVideo

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32  # enough of a file for the view to send


@pytest.fixture(autouse=True)
def default_language():
    # modeltranslation stores `title=` in the active language's column: keep it German.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def video(name="erklaerung.mp4", data=MP4) -> SignLanguageVideo:
    return SignLanguageVideo.objects.create(
        title="Amtstermin in Gebärdensprache",
        video=SimpleUploadedFile(name, data),
        description="Im Video erklärt eine Gebärden-Dolmetscherin die Termin-Buchung.",
    )


def test_every_page_links_leichte_sprache_and_sign_language_in_german(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    header = response.content.decode().split("</header>", 1)[0]
    assert 'href="/leichte-sprache/" lang="de"' in header
    assert 'href="/gebaerdensprache/" lang="de"' in header
    assert "kern-icon--easy-language" in header and "kern-icon--sign-language" in header
    assert "Leichte Sprache</span>" in header and "Gebärdensprache</span>" in header


def test_the_start_page_offers_both_explanations(client):
    response = client.get("/")

    main = response.content.decode().split('<main id="main"', 1)[1]
    assert 'href="/gebaerdensprache/"' in main and 'href="/leichte-sprache/"' in main


def test_the_easy_language_page_is_in_leichte_sprache_whatever_the_visitor_chose(client):
    ContentPage.objects.create(
        kind=ContentPage.Kind.EASY_LANGUAGE,
        title="Schwere Sprache",
        body="Amtsdeutsch.",
        title_de_x_ls="Leichte Sprache",
        body_de_x_ls="## Termin buchen\n\nSo geht die Termin-Buchung.",
    )

    response = client.get("/leichte-sprache/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Language"] == "de-x-ls"
    assertContains(response, '<html lang="de-x-ls"', html=False)
    assertContains(response, "<span>Leichte Sprache</span></h1>", html=False)
    assertContains(response, "So geht die Termin-Buchung.")
    assertNotContains(response, "Amtsdeutsch")
    assertContains(response, 'href="/sprache/de-x-ls/?next=/"', html=False)


def test_a_page_not_written_in_leichte_sprache_shows_german_marked_as_german(client):
    ContentPage.objects.create(
        kind=ContentPage.Kind.EASY_LANGUAGE, title="Informationen", body="Nur auf Deutsch."
    )

    response = client.get("/leichte-sprache/")

    assertContains(response, '<span lang="de">Informationen</span>', html=False)
    assertContains(response, '<div class="amt-content amt-prose" lang="de">', html=False)


def test_without_a_page_the_built_in_text_is_shown(client):
    response = client.get("/leichte-sprache/")

    assert response.status_code == 200
    assertContains(response, '<html lang="de-x-ls"', html=False)
    assertContains(response, "<ol>", html=False)
    assertContains(response, 'href="/sprache/de-x-ls/?next=/"', html=False)
    assertContains(response, 'href="/gebaerdensprache/"', html=False)


def test_the_easy_language_page_links_the_accessibility_statement_once_it_exists(client):
    ContentPage.objects.create(kind=ContentPage.Kind.ACCESSIBILITY, title="B", body="B")

    response = client.get("/leichte-sprache/")

    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>")[0]
    assert 'href="/barrierefreiheit/"' in main


def test_the_sign_language_page_says_a_video_is_coming_while_none_is_uploaded(client):
    response = client.get("/gebaerdensprache/")

    assert response.status_code == 200
    assertContains(response, "kern-icon--sign-language")
    assertNotContains(response, "<video")
    assertContains(response, 'href="/leichte-sprache/"', html=False)


def test_the_sign_language_page_plays_the_newest_video_with_its_text(client, media):
    video(name="alt.webm")
    newest = video()

    response = client.get("/gebaerdensprache/")

    url = f"/gebaerdensprache/video/{newest.pk}/"
    assertContains(
        response, '<video class="amt-sign-video__player" controls preload="none">', html=False
    )
    assertContains(response, f'<source src="{url}" type="video/mp4">', html=False)
    assertContains(response, f'href="{url}?download=1"', html=False)
    assertContains(response, "erklärt eine Gebärden-Dolmetscherin")


def test_the_video_is_sent_inline_for_the_player(client, media):
    shown = video()

    response = client.get(f"/gebaerdensprache/video/{shown.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == MP4


def test_the_video_downloads_as_an_attachment(client, media):
    shown = video(name="erklaerung.webm")

    response = client.get(f"/gebaerdensprache/video/{shown.pk}/?download=1")
    response.close()  # a streamed file stays open until its response is closed

    assert response["Content-Type"] == "video/webm"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="erklaerung.webm"' in response["Content-Disposition"]


@pytest.mark.parametrize("pk", ["999999", "abc", "..%2F..%2Fsettings.py", "99999999999999999999"])
def test_an_unknown_video_is_not_found(client, media, pk):
    video()

    assert client.get(f"/gebaerdensprache/video/{pk}/").status_code == 404


def test_a_video_whose_file_is_gone_is_not_found(client, media):
    gone = video()
    (media / gone.video.name).unlink()

    assert client.get(f"/gebaerdensprache/video/{gone.pk}/").status_code == 404


def test_only_mp4_and_webm_can_be_uploaded(media):
    text = SignLanguageVideo(
        title="Text", video=SimpleUploadedFile("erklaerung.txt", b"hello"), description="x"
    )

    with pytest.raises(ValidationError) as refused:
        text.full_clean()

    assert "video" in refused.value.message_dict
