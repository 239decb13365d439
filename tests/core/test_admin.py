from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import accessibility, api_keys, booking, devices, online_requests
from amtstermin.core.items import Item
from amtstermin.core.models import (
    Absence,
    AccessibilityFeedback,
    AccessibilityStatement,
    ApiCall,
    Appointment,
    Channel,
    Closure,
    ContentPage,
    DeviceLink,
    Location,
    Notice,
    OnlineRequest,
    OpeningHours,
    RosterBlock,
    Service,
    SignLanguageVideo,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests import factories
from tests.conftest import berlin
from tests.office.logins import log_in_verified

CORE_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "core"),
    key=lambda model: model.__name__,
)
NOW = berlin(2026, 12, 7, 7, 0)  # a Monday
# Written only by their core modules (booking, online_requests, rosters), never by an admin form.
READ_ONLY = (
    Appointment,
    OnlineRequest,
    RosterBlock,
    Absence,
    Closure,
    AccessibilityFeedback,
    WebhookDelivery,
    ApiCall,
)


def book(office, name="Erika Mustermann", start=None, channel=Channel.PHONE) -> Appointment:
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=start or berlin(2026, 12, 7, 9, 0),
        contact=booking.Contact(name=name, email="erika@example.org"),
        channel=channel,
        now=NOW,
    ).appointment


def submit_online_request() -> OnlineRequest:
    return online_requests.submit(
        service=factories.service(mode=Service.Mode.ONLINE_REQUEST),
        kind=OnlineRequest.Kind.STEUER_ID,
        requester=online_requests.Requester(
            name="Erika Mustermann", email="erika@example.org", postal_address="Markt 3"
        ),
        data={"date_of_birth": "1975-06-30", "place_of_birth": "Köln"},
        now=NOW,
    ).request


def test_superuser_without_second_factor_is_sent_to_the_office_login(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/verwaltung/anmelden/?next=/admin/"
    assert "Anmeldung für die Verwaltung" in response.content.decode()


def test_admin_login_page_is_the_office_login(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/core/location/"})
    assert response["Location"] == "/verwaltung/anmelden/?next=/admin/core/location/"


def test_verified_login_without_admin_rights_gets_no_admin(client, django_user_model):
    log_in_verified(client, django_user_model.objects.create_user("clerk", password="x"))
    response = client.get(reverse("admin:core_location_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_every_model_a_town_configures_is_registered():
    names = {model.__name__ for model in CORE_MODELS}
    assert names == {
        "AccessibilityFeedback",
        "AccessibilityStatement",
        "Absence",
        "ApiCall",
        "ApiKey",
        "Appointment",
        "Closure",
        "ContentPage",
        "Department",
        "DeviceLink",
        "Document",
        "Location",
        "Notice",
        "OnlineRequest",
        "RosterBlock",
        "Service",
        "SignLanguageVideo",
        "StaffMember",
        "WebhookDelivery",
        "WebhookEndpoint",
    }


@pytest.mark.parametrize("model", CORE_MODELS, ids=lambda model: model.__name__)
def test_superuser_opens_list_and_add_page(admin_client, office, model):
    book(office)
    name = model._meta.model_name
    assert admin_client.get(reverse(f"admin:core_{name}_changelist")).status_code == 200
    add = admin_client.get(reverse(f"admin:core_{name}_add"))
    assert add.status_code == (403 if model in READ_ONLY else 200)


@pytest.mark.parametrize("model", CORE_MODELS, ids=lambda model: model.__name__)
def test_superuser_opens_change_page(admin_client, office, model):
    book(office)
    office.clerk.absences.create(start=NOW, end=NOW + timedelta(days=1))
    office.location.closures.create(
        start=NOW, end=NOW + timedelta(hours=4), reason="Betriebsausflug"
    )
    devices.issue(office.location, DeviceLink.Kind.DISPLAY, "Wartebereich", now=NOW)
    submit_online_request()
    ContentPage.objects.create(kind=ContentPage.Kind.LEGAL_NOTICE, title="Impressum", body="…")
    Notice.objects.create(title="Am 24.12. geschlossen")
    AccessibilityStatement.objects.create(prepared_on=NOW.date(), reviewed_on=NOW.date())
    accessibility.submit_feedback(
        name="", email="", page="", message="Barriere", language="de", now=NOW
    )
    SignLanguageVideo.objects.create(
        title="Unsere Seite in Gebärdensprache", video="gebaerdensprache/x.mp4", description="…"
    )
    hook = WebhookEndpoint.objects.create(
        department=office.id_card.department,
        name="OK.EWO",
        url="https://ewo.example.org/hooks",
        events=["appointment.booked"],
    )
    WebhookDelivery.objects.create(
        endpoint=hook, event_id="evt_1", event_type="booked", payload="{}", created_at=NOW
    )
    key = api_keys.create(
        name="OK.EWO", department=office.id_card.department, locations=[], access="read", now=NOW
    ).key
    api_keys.record_call(key, method="GET", path="/api/v1/staff/requests", status=200, now=NOW)
    row = model.objects.first()
    url = reverse(f"admin:core_{model._meta.model_name}_change", args=[row.pk])
    assert admin_client.get(url).status_code == 200


def test_superuser_finds_appointment_by_reference(admin_client, office):
    wanted = book(office, name="Erika Mustermann")
    other = book(office, name="Max Beispiel", start=berlin(2026, 12, 8, 9, 0))
    url = reverse("admin:core_appointment_changelist")
    response = admin_client.get(url, {"q": wanted.reference})
    assertContains(response, wanted.reference)
    assertNotContains(response, other.reference)


def test_superuser_finds_appointment_by_reference_read_out_without_dashes(admin_client, office):
    wanted = book(office)
    typed = wanted.reference.replace("-", "").lower()
    response = admin_client.get(reverse("admin:core_appointment_changelist"), {"q": typed})
    assertContains(response, wanted.reference)


def test_superuser_finds_appointment_by_name(admin_client, office):
    wanted = book(office, name="Erika Mustermann")
    response = admin_client.get(reverse("admin:core_appointment_changelist"), {"q": "Musterm"})
    assertContains(response, wanted.reference)


def test_superuser_cannot_add_appointment(admin_client, office):
    response = admin_client.post(reverse("admin:core_appointment_add"), {"name": "Erika"})
    assert response.status_code == 403
    assert not Appointment.objects.exists()


def test_superuser_cannot_change_appointment_status(admin_client, office):
    appointment = book(office)
    url = reverse("admin:core_appointment_change", args=[appointment.pk])
    page = admin_client.get(url)
    assertNotContains(page, 'name="status"')
    response = admin_client.post(url, {"status": "cancelled"})
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_superuser_cannot_delete_appointment(admin_client, office):
    appointment = book(office)
    url = reverse("admin:core_appointment_delete", args=[appointment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Appointment.objects.filter(pk=appointment.pk).exists()


def test_appointment_list_costs_the_same_queries_for_one_and_three_rows(admin_client, office):
    url = reverse("admin:core_appointment_changelist")
    book(office)
    admin_client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    for hour in (10, 11):
        book(office, start=berlin(2026, 12, 7, hour, 0))
    with CaptureQueriesContext(connection) as three:
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 3
    assert len(three) == len(one)


def block_form(block: RosterBlock, **changes) -> dict:
    fields = ("staff", "location", "weekday", "start_time", "end_time", "valid_from")
    data = {name: getattr(block, name) for name in fields}
    data.update(staff=block.staff_id, location=block.location_id, online_bookable="on")
    return {**data, "valid_until": "", **changes}


def test_superuser_cannot_change_a_roster_block_bypassing_the_handover(admin_client, office):
    """An admin save would end a clerk's hours without handing over or mailing anyone
    (core/rosters.py does both): the admin only shows rosters."""
    erika = book(office)
    block = RosterBlock.objects.get(staff=office.clerk, weekday=0)
    url = reverse("admin:core_rosterblock_change", args=[block.pk])

    page = admin_client.get(url)
    response = admin_client.post(url, block_form(block, start_time="10:00"))

    assertNotContains(page, 'name="start_time"')
    assertContains(page, "Hier können sie nur angesehen werden.")
    assertContains(page, f'href="{reverse("office:rosters")}"')
    assert response.status_code == 403
    block.refresh_from_db()
    assert block.start_time.hour == 8
    erika.refresh_from_db()
    assert (erika.staff, erika.status) == (office.clerk, "booked")


def test_superuser_cannot_add_a_roster_block(admin_client, office):
    response = admin_client.post(
        reverse("admin:core_rosterblock_add"),
        {**block_form(RosterBlock.objects.first(), weekday=5)},
    )
    assert response.status_code == 403
    assert not RosterBlock.objects.filter(weekday=5).exists()


def test_superuser_cannot_add_or_delete_an_absence(admin_client, office):
    absence = office.clerk.absences.create(start=NOW, end=NOW + timedelta(days=1))
    added = admin_client.post(
        reverse("admin:core_absence_add"),
        {"staff": office.clerk.pk, "start_0": "08.12.2026", "start_1": "08:00", "reason": "leave"},
    )
    deleted = admin_client.post(
        reverse("admin:core_absence_delete", args=[absence.pk]), {"post": "yes"}
    )
    assert (added.status_code, deleted.status_code) == (403, 403)
    assert list(Absence.objects.all()) == [absence]


def test_superuser_cannot_close_a_location_in_the_admin(admin_client, office, mailoutbox):
    book(office)
    mailoutbox.clear()
    response = admin_client.post(
        reverse("admin:core_closure_add"),
        {
            "location": office.location.pk,
            "start_0": "07.12.2026",
            "start_1": "08:00",
            "end_0": "07.12.2026",
            "end_1": "12:00",
            "reason": "Betriebsausflug",
        },
    )
    assert response.status_code == 403
    assert not Closure.objects.exists()
    assert mailoutbox == []


def test_closure_list_points_to_the_office_roster_pages(admin_client, office):
    response = admin_client.get(reverse("admin:core_closure_changelist"))
    assertContains(response, "Dienstpläne, Abwesenheiten und Schließungen werden auf den")
    assertContains(response, f'href="{reverse("office:rosters")}"')
    assertNotContains(response, reverse("admin:core_closure_add"))


def test_staff_member_page_shows_the_roster_without_changing_it(admin_client, office):
    block = RosterBlock.objects.get(staff=office.clerk, weekday=0)
    url = reverse("admin:core_staffmember_change", args=[office.clerk.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    roster = {
        "roster-TOTAL_FORMS": 1,
        "roster-INITIAL_FORMS": 1,
        "roster-0-id": block.pk,
        "roster-0-staff": office.clerk.pk,
        **{f"roster-0-{k}": v for k, v in block_form(block, end_time="18:00").items()},
        "roster-0-DELETE": "on",
    }

    page = admin_client.get(url)
    response = admin_client.post(url, {**data, **roster})

    assertNotContains(page, 'name="roster-0-start_time"')
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.end_time.hour == 12


def location_form(client, location: Location) -> tuple[str, dict]:
    """The location's change page and its fields as the browser sends them back unchanged."""
    url = reverse("admin:core_location_change", args=[location.pk])
    form = client.get(url).context["adminform"].form
    shown = {name: form[name].value() for name in form.fields}
    # An unticked box and an empty field are left out, like a browser does.
    data = {
        name: value for name, value in shown.items() if value is not None and value is not False
    }
    return url, {
        **data,
        "counters-TOTAL_FORMS": 0,
        "counters-INITIAL_FORMS": 0,
        "opening_hours-TOTAL_FORMS": 0,
        "opening_hours-INITIAL_FORMS": 0,
    }


def test_location_form_offers_every_setting_of_a_location(admin_client, office):
    url = reverse("admin:core_location_change", args=[office.location.pk])
    form = admin_client.get(url).context["adminform"].form
    settings = {
        field.name
        for field in Location._meta.concrete_fields
        if field.editable and not field.primary_key
    }
    # Translated fields appear once per language (name_de, name_en …), not by their own name.
    assert settings - set(form.fields) == {"name", "directions"}


def test_superuser_sets_the_check_in_rules_of_a_location(admin_client, office):
    url, data = location_form(admin_client, office.location)
    rules = {"check_in_early_minutes": 30, "late_tolerance_minutes": 5, "late_rule": "rebook"}

    response = admin_client.post(url, {**data, **rules})

    assert response.status_code == 302
    location = Location.objects.get(pk=office.location.pk)
    assert (location.check_in_early_minutes, location.late_tolerance_minutes) == (30, 5)
    assert location.late_rule == "rebook"


def test_a_mistyped_time_zone_is_refused_before_it_breaks_the_location(admin_client, office):
    url, data = location_form(admin_client, office.location)

    response = admin_client.post(url, {**data, "time_zone": "Europe/Berlim"})

    assert response.status_code == 200
    assert "time_zone" in response.context["adminform"].form.errors
    assert Location.objects.get(pk=office.location.pk).time_zone == "Europe/Berlin"


def test_superuser_enters_official_opening_hours_and_citizens_see_them_at_once(
    admin_client, client, office
):
    before = client.get(reverse("citizen:start"))  # the rostered hours, now cached
    version = Location.objects.get(pk=office.location.pk).version
    url, data = location_form(admin_client, office.location)
    hours = {
        "opening_hours-TOTAL_FORMS": 2,
        "opening_hours-0-weekday": 1,
        "opening_hours-0-opens": "09:30",
        "opening_hours-0-closes": "12:15",
        "opening_hours-1-weekday": 3,
        "opening_hours-1-opens": "14:00",
        "opening_hours-1-closes": "17:45",
    }

    response = admin_client.post(url, {**data, **hours})

    assert response.status_code == 302
    assert OpeningHours.objects.filter(location=office.location).count() == 2
    # LocationAdmin is a ChangesCapacity: save_related bumps the version after the inlines.
    assert Location.objects.get(pk=office.location.pk).version > version
    assertContains(before, "08:00–12:00")
    after = client.get(reverse("citizen:start"))
    assertContains(after, "09:30–12:15")
    assertContains(after, "14:00–17:45")
    assertNotContains(after, "08:00–12:00")


def test_superuser_is_told_in_german_when_the_hours_close_before_they_open(admin_client, office):
    url, data = location_form(admin_client, office.location)
    hours = {
        "opening_hours-TOTAL_FORMS": 1,
        "opening_hours-0-weekday": 0,
        "opening_hours-0-opens": "12:00",
        "opening_hours-0-closes": "08:00",
    }

    response = admin_client.post(url, {**data, **hours})

    assert response.status_code == 200
    assertContains(response, "Die Schließzeit muss nach der Öffnungszeit liegen.")
    assert not OpeningHours.objects.exists()


def test_location_page_says_empty_opening_hours_fall_back_to_the_rosters(admin_client, office):
    response = admin_client.get(reverse("admin:core_location_change", args=[office.location.pk]))

    assertContains(response, "Öffnungszeiten")
    assertContains(response, "Leer lassen, um die Zeiten aus den Dienstplänen anzuzeigen.")
