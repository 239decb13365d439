"""A citizen's own appointment page, its calendar file, confirming and cancelling, by link key."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import segno
from django.core import mail
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone
from icalendar import Calendar
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from amtstermin import urls as site_urls
from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, Document, Status
from amtstermin.core.notifications import links
from tests import factories
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

ROUTES = ["citizen:appointment", "citizen:calendar", "citizen:cancel", "citizen:confirm"]


def next_workday_0930(office) -> datetime:
    """A weekday 09:30 a week or more ahead, when the office's clerk works and it is no holiday."""
    day = timezone.localdate() + timedelta(days=7)
    holidays = office.location.holidays_between(day, day + timedelta(days=14))
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return berlin(day.year, day.month, day.day, 9, 30)


def book(office, *, items=None, now=None, start=None, **options) -> booking.Booked:
    """Two people apply for ID cards and register their move (the example of the issue)."""
    Document.objects.filter(name="Code Ihres digitalen Passbilds").update(
        note="oder Foto vor Ort, 6 €"
    )
    booked = booking.book(
        location=office.location,
        items=items or [Item(office.id_card, 2), Item(office.registration, 1)],
        start=start or next_workday_0930(office),
        contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
        channel=Channel.ONLINE,
        now=now or timezone.now(),
        **options,
    )
    if booked.appointment.status != Status.RESERVED:
        return booked
    # A hold is confirmed with the key from the mail, as the citizen does.
    return booking.Booked(booked.appointment, mailed_key())


def mailed_key() -> str:
    """The key in the confirmation link of the last mail sent."""
    body = mail.outbox[-1].body
    return re.search(r"/termin/bestaetigen/([^/\s]+)/", body).group(1)


def page_of(token: str, name: str = "citizen:appointment") -> str:
    return reverse(name, kwargs={"token": token})


def status_of(booked: booking.Booked) -> str:
    return Appointment.objects.get(pk=booked.appointment.pk).status


def comparable(content: bytes, token: str) -> str:
    """The page without its per-request CSRF token and its own address's key, to compare two."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    return page.replace(token, "KEY")


# The appointment page, in every state


def test_citizen_reads_everything_for_the_visit_on_the_appointment_page(client, office):
    booked = book(office)

    response = client.get(page_of(booked.token))

    assert response.status_code == 200
    assertContains(response, "<h1", count=1)
    assertContains(response, "Ihr Termin</h1>")
    assertContains(response, "Gebucht")
    assertContains(response, "2 × Personalausweis")
    assertContains(response, "1 × Anmeldung")
    assertContains(response, "09:30 Uhr")
    assertContains(response, "ca. 40 Min.")
    assertContains(response, "Bürgerbüro Mitte")
    assertContains(response, "Markt 1")
    assertContains(response, "Vorgangsnummer")
    assertContains(response, booked.appointment.reference)
    assertContains(response, "Wartenummer")
    assertContains(response, "A-001")
    assertContains(response, "2 × bisheriger Personalausweis")
    assertContains(response, "2 × Code Ihres digitalen Passbilds — oder Foto vor Ort, 6 €")
    assertContains(response, "1 × Wohnungsgeberbestätigung")
    assertContains(response, "92,00 €")
    assertContains(response, "Bitte kommen Sie um 09:25 Uhr, nicht früher")
    assertContains(response, page_of(booked.token, "citizen:calendar"))
    assertContains(response, page_of(booked.token, "citizen:cancel"))
    assertContains(response, f"/termin/verwalten/{booked.token}/verschieben/")
    assertContains(response, 'href="?druck=1"')


def test_booked_appointment_page_shows_a_check_in_qr_code_with_a_text_alternative(client, office):
    booked = book(office)

    response = client.get(page_of(booked.token))

    reference = booked.appointment.reference
    assertContains(response, '<svg aria-hidden="true"')
    assertContains(response, "<path", count=1)
    label = f"QR-Code für den Check-in, enthält Ihre Vorgangsnummer {reference}"
    assertContains(response, f'role="img" aria-label="{label}"')
    assertNotContains(response, "style=")
    # No QR decoder is installed, so the drawing is checked module by module against the code
    # segno makes for exactly this reference: any other content would differ in its modules.
    svg = re.search(r"<svg .*?</svg>", response.content.decode()).group(0)
    assert dark_modules(svg) == dark_modules_of(segno.make_qr(reference, error="m"))
    assert dark_modules(svg) != dark_modules_of(segno.make_qr(booked.token, error="m"))


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """The dark (row, column) modules an SVG path of horizontal strokes draws, quiet zone cut."""
    d = re.search(r' d="([^"]+)"', svg).group(1)
    tokens = re.findall(r"[MmHh]|-?\d+(?:\.\d+)?", d)
    x = y = 0.0
    dark = set()
    while tokens:
        command = tokens.pop(0)
        if command in "Mm":
            dx, dy = float(tokens.pop(0)), float(tokens.pop(0))
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
        else:
            length = float(tokens.pop(0))
            end = length if command == "H" else x + length
            dark |= {(int(y), column) for column in range(int(x), int(end))}
            x = end
    # The finder pattern's corner is always dark: it marks where the code begins.
    top, left = min(row for row, _ in dark), min(column for _, column in dark)
    return {(row - top, column - left) for row, column in dark}


def dark_modules_of(code: segno.QRCode) -> set[tuple[int, int]]:
    return {
        (row, column)
        for row, modules in enumerate(code.matrix)
        for column, module in enumerate(modules)
        if module
    }


def test_citizen_sees_a_success_heading_right_after_booking(client, office):
    booked = book(office)

    response = client.get(page_of(booked.token) + "?neu=1")

    assertContains(response, "<h1", count=1)
    assertContains(response, "Ihr Termin ist gebucht</h1>")
    assertContains(response, "<title>Ihr Termin ist gebucht – ")


def test_reserved_appointment_page_asks_for_confirmation_by_the_hold_time(client, office):
    held = book(office, require_confirmation=True)

    response = client.get(page_of(held.token) + "?neu=1")

    until = timezone.localtime(held.appointment.hold_expires_at).strftime("%H:%M")
    assertContains(response, "Ihr Termin ist vorgemerkt</h1>")
    assertContains(
        response,
        f"Bitte bestätigen Sie Ihren Termin über den Link in der E-Mail bis {until} Uhr.",
    )
    assertContains(response, "2 × bisheriger Personalausweis")
    assertNotContains(response, "<svg")  # no check-in before the booking is confirmed
    assertNotContains(response, "Ihr Termin ist gebucht")


@pytest.mark.parametrize("written_down", [False, True])
def test_expired_hold_shows_it_lapsed_and_offers_a_new_booking(client, office, written_down):
    two_hours_ago = timezone.now() - timedelta(hours=2)
    held = book(office, require_confirmation=True, now=two_hours_ago)
    if written_down:
        booking.expire_holds(now=timezone.now())
        assert status_of(held) == Status.EXPIRED

    response = client.get(page_of(held.token) + "?neu=1")

    assert response.status_code == 200
    assertContains(response, "Ihr Termin</h1>")
    assertContains(response, "Abgelaufen")
    assertContains(response, "nicht rechtzeitig bestätigt")
    assertContains(response, 'href="/termin/"')
    assertContains(response, "Neuen Termin buchen")
    assertNotContains(response, "bisheriger Personalausweis")  # nothing to bring any more
    assertNotContains(response, page_of(held.token, "citizen:cancel"))


def test_cancelled_appointment_page_says_so_and_offers_a_new_booking(client, office):
    booked = book(office)
    booking.cancel(appointment=booked.appointment, now=timezone.now(), channel=Channel.ONLINE)

    response = client.get(page_of(booked.token))

    assertContains(response, "Abgesagt")
    assertContains(response, "Dieser Termin wurde abgesagt.")
    assertContains(response, "Neuen Termin buchen")
    assertContains(response, booked.appointment.reference)
    assertNotContains(response, "<svg")
    assertNotContains(response, "bisheriger Personalausweis")
    assertNotContains(response, "Bitte kommen Sie um")
    assertNotContains(response, page_of(booked.token, "citizen:cancel"))


def test_past_appointment_page_says_it_can_no_longer_be_changed(client, office):
    last_month = timezone.now() - timedelta(days=30)
    past = book(office, now=last_month, start=next_workday_0930(office) - timedelta(days=21))

    response = client.get(page_of(past.token))

    assert response.status_code == 200
    assertContains(response, "Gebucht")
    assertContains(response, "hat bereits begonnen oder liegt in der Vergangenheit")
    assertContains(response, past.appointment.reference)
    assertNotContains(response, "Wir freuen uns auf Ihren Besuch")
    assertNotContains(response, "Bitte kommen Sie um")
    assertNotContains(response, page_of(past.token, "citizen:cancel"))
    assertNotContains(response, "/verschieben/")


def test_print_view_leaves_out_the_actions_and_links_back(client, office):
    booked = book(office)

    response = client.get(page_of(booked.token) + "?druck=1")

    assertContains(response, "<h1", count=1)
    assertContains(response, "Druckfunktion Ihres Browsers")
    assertContains(response, f'href="{page_of(booked.token)}"')
    assertContains(response, "<svg")
    assertContains(response, "2 × bisheriger Personalausweis")
    assertNotContains(response, page_of(booked.token, "citizen:cancel"))
    assertContains(response, "css/appointment.css")


def test_page_and_mail_tell_the_same_facts(client, office, mailoutbox):
    booked = book(office)
    [mail] = mailoutbox

    page = client.get(page_of(booked.token)).content.decode()

    for fact in (
        "Montag" if booked.appointment.local_start.weekday() == 0 else "",
        booked.appointment.local_start.strftime("%H:%M Uhr"),
        booked.appointment.reference,
        "A-001",
        "ca. 40 Min.",
        "92,00 €",
        "2 × Personalausweis",
        "2 × bisheriger Personalausweis",
        "2 × Code Ihres digitalen Passbilds — oder Foto vor Ort, 6 €",
        "1 × Wohnungsgeberbestätigung",
        "Bitte kommen Sie um 09:25 Uhr, nicht früher – so bleibt der Wartebereich frei.",
    ):
        assert fact in mail.body and fact in page


def test_appointment_page_follows_the_language_the_citizen_chose(client, office):
    booked = book(office)
    client.get(reverse("language", args=["en"]))

    response = client.get(page_of(booked.token))

    assertContains(response, "Reference number")
    assertContains(response, "Please come at 9:25 AM, not earlier")
    assertContains(response, "92.00 €")


@pytest.mark.parametrize("services", [1, 3])
def test_appointment_page_queries_do_not_grow_with_services(
    client, office, django_assert_num_queries, services
):
    third = factories.service(
        name="Reisepass",
        locations=[office.location],
        documents=[("Geburtsurkunde", "once"), ("bisheriger Personalausweis", "per_unit")],
    )
    office.clerk.skills.add(third)
    every = [Item(office.id_card, 2), Item(office.registration, 1), Item(third, 1)]
    booked = book(office, items=every[:services])

    # link key with appointment and location, items with services, documents, the opening time
    # for the arrival advice; the footer's legal pages (asked on a cold cache only: tests start
    # with an empty one)
    with django_assert_num_queries(5):
        response = client.get(page_of(booked.token))

    assert response.status_code == 200
    assertContains(response, "2 × Personalausweis")


# The calendar file


def test_calendar_file_is_an_icalendar_entry_in_berlin_time(client, office):
    booked = book(office)

    response = client.get(page_of(booked.token, "citizen:calendar"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="termin.ics"'
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.events
    start = booked.appointment.local_start
    assert calendar["METHOD"] == "PUBLISH"
    assert event.start == start and event.start.tzinfo.key == "Europe/Berlin"
    assert event.end == start + timedelta(minutes=40)
    assert event["STATUS"] == "CONFIRMED"
    assert event.uid.startswith(booked.appointment.reference + "@")
    assert f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}" in response.content.decode()
    assert event.start.astimezone(UTC) == booked.appointment.start


def test_calendar_file_keeps_the_wall_clock_in_summer_time(client, office):
    # Booked in June for July, so summer time holds whatever today's date is.
    summer = book(office, now=berlin(2026, 6, 29, 12, 0), start=berlin(2026, 7, 7, 9, 30))

    response = client.get(page_of(summer.token, "citizen:calendar"))

    [event] = Calendar.from_ical(response.content).events
    assert event.start == berlin(2026, 7, 7, 9, 30)
    assert event.start.astimezone(UTC).hour == 7  # CEST is UTC+2
    assert "DTSTART;TZID=Europe/Berlin:20260707T093000" in response.content.decode()
    assert "TZOFFSETTO:+0200" in response.content.decode()


def test_calendar_file_of_a_cancelled_appointment_removes_the_entry(client, office):
    booked = book(office)
    booking.cancel(appointment=booked.appointment, now=timezone.now(), channel=Channel.ONLINE)

    response = client.get(page_of(booked.token, "citizen:calendar"))

    calendar = Calendar.from_ical(response.content)
    [event] = calendar.events
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event.uid.startswith(booked.appointment.reference + "@")


def test_calendar_file_of_a_lapsed_hold_removes_the_entry(client, office):
    """Past its lifetime a hold is gone, even before expire_holds() has marked it."""
    held = book(office, require_confirmation=True, now=timezone.now() - timedelta(hours=2))

    response = client.get(page_of(held.token, "citizen:calendar"))

    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.events[0]["STATUS"] == "CANCELLED"
    assert status_of(held) == Status.RESERVED  # nothing written by a GET


# Links never change anything: mail scanners and link previews follow them with GET or HEAD


@pytest.mark.parametrize("method", ["get", "head"])
def test_following_every_link_without_a_button_changes_nothing(client, office, mailoutbox, method):
    held = book(office, require_confirmation=True)

    for name in ROUTES:
        response = getattr(client, method)(page_of(held.token, name))
        assert response.status_code == 200

    assert status_of(held) == Status.RESERVED
    assert len(mailoutbox) == 1  # only the request to confirm


@pytest.mark.parametrize("name", ["citizen:appointment", "citizen:calendar"])
def test_posting_to_a_page_without_a_button_is_refused(client, office, name):
    booked = book(office)

    response = client.post(page_of(booked.token, name))

    assert response.status_code == 405
    assert status_of(booked) == Status.BOOKED


# Cancelling


def test_cancel_link_only_asks_and_changes_nothing(client, office, mailoutbox):
    booked = book(office)

    response = client.get(page_of(booked.token, "citizen:cancel"))

    assert response.status_code == 200
    assertContains(response, "<h1", count=1)
    assertContains(response, "Termin absagen?</h1>")
    assertContains(response, f'method="post" action="{page_of(booked.token, "citizen:cancel")}"')
    assertContains(response, "Ja, Termin absagen")
    assertContains(response, booked.appointment.reference)
    assert status_of(booked) == Status.BOOKED
    assert len(mailoutbox) == 1  # only the booking mail


def test_citizen_cancels_and_gets_the_cancellation_mail(client, office, mailoutbox):
    booked = book(office)

    response = client.post(page_of(booked.token, "citizen:cancel"), follow=True)

    assertRedirects(response, page_of(booked.token))
    assert status_of(booked) == Status.CANCELLED
    assertContains(response, "Dieser Termin wurde abgesagt.")
    assertContains(response, "Neuen Termin buchen")
    _booked_mail, cancelled_mail = mailoutbox
    assert cancelled_mail.subject.startswith("Ihr Termin wurde abgesagt")
    assert cancelled_mail.to == ["erika@example.org"]


def test_cancelling_twice_is_harmless(client, office, mailoutbox):
    booked = book(office)
    client.post(page_of(booked.token, "citizen:cancel"))

    again = client.post(page_of(booked.token, "citizen:cancel"))
    asked_again = client.get(page_of(booked.token, "citizen:cancel"))

    assertRedirects(again, page_of(booked.token))
    assertRedirects(asked_again, page_of(booked.token))
    assert len(mailoutbox) == 2  # booked, cancelled: once


def test_citizen_cannot_cancel_a_past_appointment_and_is_told_why(client, office):
    last_month = timezone.now() - timedelta(days=30)
    past = book(office, now=last_month, start=next_workday_0930(office) - timedelta(days=21))
    assert past.appointment.start < timezone.now()

    asked = client.get(page_of(past.token, "citizen:cancel"))
    posted = client.post(page_of(past.token, "citizen:cancel"))

    for response in (asked, posted):
        assert response.status_code == 409
        assertContains(response, "Dieser Termin kann nicht mehr geändert werden.", status_code=409)
        assertContains(response, "<title>Fehler: ", status_code=409)
    assert status_of(past) == Status.BOOKED


def test_citizen_cannot_cancel_once_checked_in(client, office):
    booked = book(office)
    Appointment.objects.filter(pk=booked.appointment.pk).update(status=Status.CHECKED_IN)

    response = client.post(page_of(booked.token, "citizen:cancel"))

    assertContains(response, "Dieser Termin kann nicht mehr geändert werden.", status_code=409)
    assertContains(response, "eingecheckt", status_code=409)
    assert status_of(booked) == Status.CHECKED_IN


# Confirming a reserved hold (double opt-in)


def test_confirm_link_only_asks_and_changes_nothing(client, office, mailoutbox):
    held = book(office, require_confirmation=True)

    response = client.get(page_of(held.token, "citizen:confirm"))

    assert response.status_code == 200
    assertContains(response, "<h1", count=1)
    assertContains(response, "Bitte bestätigen Sie Ihren Termin</h1>")
    assertContains(response, f'method="post" action="{page_of(held.token, "citizen:confirm")}"')
    assertContains(response, "Termin bestätigen")
    assertContains(response, "2 × bisheriger Personalausweis")
    assert status_of(held) == Status.RESERVED
    assert len(mailoutbox) == 1  # only the request to confirm


def test_the_key_the_browser_got_at_booking_does_not_confirm(client, office):
    """Only the mailbox proves the address: a bot must not confirm with the page's own key."""
    browser_key = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=next_workday_0930(office),
        contact=booking.Contact(name="Bot", email="nobody@example.org"),
        channel=Channel.ONLINE,
        now=timezone.now(),
        require_confirmation=True,
    )

    response = client.post(page_of(browser_key.token, "citizen:confirm"))

    assert response.status_code == 404
    assert status_of(browser_key) == Status.RESERVED
    assert client.get(page_of(browser_key.token)).status_code == 200  # it still opens the page


def test_citizen_confirms_and_the_appointment_is_booked(client, office, mailoutbox):
    held = book(office, require_confirmation=True)

    response = client.post(page_of(held.token, "citizen:confirm"), follow=True)

    assertRedirects(response, page_of(held.token))
    assert status_of(held) == Status.BOOKED
    assertContains(response, "Ihr Termin ist bestätigt.")
    assertContains(response, "Gebucht")
    assert mailoutbox[-1].subject.startswith("Ihr Termin ist gebucht")

    again = client.post(page_of(held.token, "citizen:confirm"))
    reopened = client.get(page_of(held.token, "citizen:confirm"))

    assertRedirects(again, page_of(held.token))
    assertRedirects(reopened, page_of(held.token))
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_confirming_too_late_gets_a_friendly_page_to_book_again(client, office, method):
    held = book(office, require_confirmation=True, now=timezone.now() - timedelta(hours=2))

    response = getattr(client, method)(page_of(held.token, "citizen:confirm"))

    assert response.status_code == 410
    assertContains(response, "Die Frist zur Bestätigung ist abgelaufen</h1>", status_code=410)
    assertContains(response, "Bitte buchen Sie neu", status_code=410)
    assertContains(response, 'href="/termin/"', status_code=410)
    assertContains(response, "<title>Fehler: ", status_code=410)
    assert status_of(held) in {Status.RESERVED, Status.EXPIRED}


def test_confirming_a_cancelled_appointment_is_refused(client, office):
    held = book(office, require_confirmation=True)
    booking.cancel(appointment=held.appointment, now=timezone.now(), channel=Channel.ONLINE)

    response = client.post(page_of(held.token, "citizen:confirm"))

    assertContains(response, "Dieser Termin wurde abgesagt.", status_code=409)
    assert status_of(held) == Status.CANCELLED


# Link keys that open nothing, and keeping link keys private


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize(
    "token", ["wrong-key-that-never-existed", "x" * 101, "%C3%A4%22%3E%3Cb%3E", "-"]
)
def test_unknown_link_key_gets_the_same_not_found_page_everywhere(client, office, name, token):
    response = client.get(page_of(token, name))

    assert response.status_code == 404
    assertContains(response, "Dieser Link funktioniert nicht</h1>", status_code=404)
    assertContains(response, "<title>Fehler: ", status_code=404)
    assertContains(response, 'href="/termin/"', status_code=404)


@pytest.mark.parametrize("name", ["citizen:cancel", "citizen:confirm"])
def test_posting_with_an_unknown_link_key_changes_nothing(client, office, name):
    booked = book(office)

    response = client.post(page_of("wrong-key-that-never-existed", name))

    assert response.status_code == 404
    assert status_of(booked) == Status.BOOKED


def test_purged_appointment_looks_exactly_like_one_that_never_existed(client, office):
    booked = book(office)
    Appointment.objects.filter(pk=booked.appointment.pk).delete()  # as the retention purge does

    purged = client.get(page_of(booked.token))
    never_key = "wrong-key-that-never-existed"
    never = client.get(page_of(never_key))

    assert purged.status_code == never.status_code == 404
    assert comparable(purged.content, booked.token) == comparable(never.content, never_key)
    assertNotContains(purged, booked.appointment.reference, status_code=404)


@pytest.mark.parametrize("name", ROUTES)
def test_link_key_pages_are_not_indexed_cached_or_leaked_by_referer(client, office, name):
    held = book(office, require_confirmation=True)

    for token in (held.token, "wrong-key-that-never-existed", "x" * 101):
        response = client.get(page_of(token, name))

        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Referrer-Policy"] == "same-origin"
        assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {
            "private",
            "no-store",
        }
        if response["Content-Type"].startswith("text/html"):
            assertContains(
                response,
                '<meta name="robots" content="noindex, nofollow">',
                status_code=response.status_code,
            )
            assertContains(
                response,
                '<meta name="referrer" content="same-origin">',
                status_code=response.status_code,
            )


def test_a_key_with_a_slash_gets_the_site_not_found_page(client, office):
    booked = book(office)

    response = client.get(page_of(booked.token) + "weiter/")

    assertContains(response, "Seite nicht gefunden</h1>", status_code=404)
    assertNotContains(response, booked.appointment.reference, status_code=404)


# The site's own error pages (DEBUG is off in tests; override_settings says it for the reader)


def broken(request):
    raise RuntimeError("a bug the citizen must not see")


urlpatterns = [path("kaputt/", broken), *site_urls.urlpatterns]


@override_settings(DEBUG=False)
def test_unknown_address_gets_a_friendly_german_not_found_page(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assertContains(response, "<h1", count=1, status_code=404)
    assertContains(response, "Seite nicht gefunden</h1>", status_code=404)
    assertContains(response, "<title>Fehler: Seite nicht gefunden", status_code=404)
    assertContains(response, 'class="kern-btn kern-btn--primary" href="/"', status_code=404)
    assertContains(response, "kern.min.css", status_code=404)


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_server_error_gets_a_friendly_german_page_without_details():
    client = Client(raise_request_exception=False)

    response = client.get("/kaputt/")

    assert response.status_code == 500
    assertContains(response, '<html lang="de"', status_code=500)
    assertContains(response, "<title>Fehler: ", status_code=500)
    assertContains(response, "Es ist ein technischer Fehler aufgetreten</h1>", status_code=500)
    assertContains(response, 'class="kern-btn kern-btn--primary" href="/"', status_code=500)
    assertContains(response, "kern.min.css", status_code=500)
    assertNotContains(response, "RuntimeError", status_code=500)
    assertNotContains(response, "a bug", status_code=500)


def test_mail_paths_lead_to_the_pages(office):
    assert page_of("abc") == links.MANAGE_PATH.format(token="abc")
    assert page_of("abc", "citizen:confirm") == links.CONFIRM_PATH.format(token="abc")
    assert page_of("abc", "citizen:calendar") == links.CALENDAR_PATH.format(token="abc")


# In the waiting area


def test_a_checked_in_citizen_sees_their_place_in_the_queue(client, office):
    from amtstermin.core import visits

    first = book(office)
    second = book(office, start=first.appointment.start + timedelta(minutes=60))
    visits.check_in(first.appointment, now=first.appointment.start - timedelta(minutes=5))
    visits.check_in(second.appointment, now=second.appointment.start - timedelta(minutes=5))

    response = client.get(page_of(second.token))

    assertContains(
        response, f"Sie sind eingecheckt – Wartenummer {second.appointment.waiting_number}"
    )
    expected = timezone.localtime(second.appointment.start).strftime("%H:%M")
    assertContains(
        response, f"Sie sind Nummer 2, voraussichtlich gegen {expected} Uhr an der Reihe."
    )
    assertNotContains(response, "Verspätung")
