"""A citizen reads everything about their appointment in the language they booked in: mails,
the calendar entry, the manage page, and the reminder after they switched the site to another."""

from django.urls import reverse

from amtstermin.core.notifications.tasks import send_appointment_mail  # noqa: F401 (outbox)
from tests.core.test_mail_content import (  # noqa: F401  (site: an autouse fixture)
    book,
    calendar_of,
    html_of,
    site,
    subject_of,
    text_of,
    token_in,
)
from tests.core.test_reminders import remind


def test_a_booking_in_turkish_is_turkish_everywhere(office, smtp_server, client):
    booked = book(office, language="tr")

    [mail] = smtp_server.messages
    assert subject_of(mail) == "Randevunuz alındı: Pazartesi, 07 Aralık 2026, saat 09:30"
    assert '<html lang="tr" dir="ltr">' in html_of(mail)
    assert "İşlem numarası" in text_of(mail)  # reference number
    assert str(calendar_of(mail).events[0]["SUMMARY"]).startswith("Randevu: ")

    page = client.get(reverse("citizen:appointment", args=[booked.token]))
    assert '<html lang="tr"' in page.content.decode()

    client.get(reverse("language", args=["pl"]))  # later the citizen reads the site in Polish
    assert '<html lang="pl"' in client.get(reverse("citizen:start")).content.decode()
    remind(booked.appointment)
    reminder = smtp_server.messages[-1]
    assert '<html lang="tr" dir="ltr">' in html_of(reminder)
    assert "Pazartesi" in text_of(reminder)


def test_a_booking_in_arabic_gets_a_right_to_left_mail(office, smtp_server):
    book(office, language="ar")

    [mail] = smtp_server.messages
    assert '<html lang="ar" dir="rtl">' in html_of(mail)
    assert "الاثنين" in text_of(mail)  # Monday
