"""The demo town: complete, repeatable, realistic, and booked through the booking core."""

from base64 import b32decode
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtstermin.core import statistics
from amtstermin.core.demo.musterstadt import MUSTERSTADT
from amtstermin.core.items import Item, documents_to_bring
from amtstermin.core.models import (
    Absence,
    AccessibilityStatement,
    AccessToken,
    Appointment,
    AppointmentEvent,
    AppointmentItem,
    Channel,
    Closure,
    ContentPage,
    Counter,
    Department,
    Document,
    Location,
    Notice,
    OpeningHours,
    RosterBlock,
    Service,
    ServiceDocument,
    StaffMember,
    Status,
    Visit,
)
from amtstermin.core.scheduling import availability, capacity
from tests.conftest import berlin
from tests.fixtures.clock import ticking_from

# A Thursday morning: the office is open, so the demo's today has a queue and calls.
NOW = berlin(2026, 12, 3, 10, 30)

# Every test here, even one that needs no rows, is a database test: pytest-django runs database
# tests first, and a module-scoped seed would otherwise be built twice.
pytestmark = pytest.mark.django_db

MODELS = [
    Department,
    Location,
    Counter,
    OpeningHours,
    Service,
    Document,
    ServiceDocument,
    StaffMember,
    RosterBlock,
    Absence,
    Closure,
    Appointment,
    AppointmentItem,
    AppointmentEvent,
    AccessToken,
    TOTPDevice,
    get_user_model(),
    ContentPage,
    Notice,
]


@dataclass(frozen=True)
class Runs:
    first_output: str
    second_output: str
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    version_after_first: int
    version_after_second: int


def _seed() -> tuple[str, dict[str, int], int]:
    out = StringIO()
    call_command("seed_demo", "--i-know-this-is-a-demo", stdout=out)
    counts = {model.__name__: model.objects.count() for model in MODELS}
    return out.getvalue(), counts, Location.objects.get(slug="buergerbuero").version


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seed once for the whole module (it books about a thousand appointments), twice over."""
    with django_db_blocker.unblock(), ticking_from(NOW):
        try:
            first, counts_first, version_first = _seed()
            second, counts_second, version_second = _seed()
            yield Runs(first, second, counts_first, counts_second, version_first, version_second)
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def location(demo, db) -> Location:
    return Location.objects.get(slug="buergerbuero")


def test_second_run_changes_nothing(demo):
    assert demo.counts_after_second == demo.counts_after_first
    assert demo.version_after_second == demo.version_after_first


def test_first_run_prints_the_demo_logins_with_their_authenticator_key(demo):
    lines = demo.first_output.splitlines()
    expected = ["admin / Rathaus-Demo-2026"] + [
        f"clerk{number} / Buergerbuero-Demo-2026" for number in range(1, 7)
    ]
    for start in expected:
        [line] = [line for line in lines if line.strip().startswith(start)]
        assert f"Authenticator-Schlüssel {MUSTERSTADT.demo_totp_secret}" in line
    assert "/verwaltung/anmelden/" in demo.first_output


@pytest.mark.parametrize(
    ("username", "role"),
    [("admin", "Administration"), ("clerk1", "Sachbearbeitung"), ("clerk6", "Teamleitung")],
)
def test_each_login_is_printed_with_its_role(demo, username, role):
    [line] = [line for line in demo.first_output.splitlines() if f" {username} / " in line]
    assert f": {role}, " in line
    assert StaffMember.objects.get(user__username=username).get_role_display() == role


def test_the_printed_display_and_kiosk_links_open_their_screens(demo, client):
    lines = demo.second_output.splitlines()  # a rerun prints the same working addresses
    [display] = [line.split(": ", 1)[1] for line in lines if "Aufrufanzeige: http" in line]
    [kiosk] = [line.split(": ", 1)[1] for line in lines if "Check-in-Terminal: http" in line]
    assert display.startswith(f"{settings.SITE_URL}/") and kiosk.startswith(settings.SITE_URL)

    board = client.get(display.removeprefix(settings.SITE_URL))
    assert board.status_code == 200
    assert "Bürgerbüro Musterstadt" in board.text
    assert client.get(kiosk.removeprefix(settings.SITE_URL)).status_code == 200


def test_eight_past_weeks_give_the_statistics_real_figures(location):
    today = location.local_date(timezone.now())
    for weeks_ago in range(1, 8):  # the eighth week back begins on a Thursday
        figures = statistics.compute(
            location, statistics.Period.week(today - timedelta(weeks=weeks_ago)), now=NOW
        )
        assert figures.total_bookings >= 20, weeks_ago
        assert figures.bookings[Channel.WALK_IN] >= 3, weeks_ago
        assert figures.waiting_appointments.count >= 20, weeks_ago
        assert 1 <= figures.waiting_appointments.median < 30, weeks_ago
        assert figures.usage.used_minutes > 0, weeks_ago
    eight_weeks = statistics.compute(
        location,
        statistics.Period(today - timedelta(weeks=8), today - timedelta(days=1), "week"),
        now=NOW,
    )
    assert 0.03 <= eight_weeks.no_show_rate <= 0.15
    assert eight_weeks.waiting_walk_ins.median is not None
    assert 0.7 <= eight_weeks.punctuality < 1
    assert sum(timing.processing.count > 0 for timing in eight_weeks.services) >= 5


def test_this_morning_some_were_served_some_wait_and_one_was_just_called(location):
    today = Visit.objects.filter(location=location, waiting_day=location.local_date(NOW))
    assert today.filter(state=Visit.State.DONE).count() >= 5
    assert today.filter(state=Visit.State.WAITING).exists()
    assert today.filter(state=Visit.State.CALLED).exists()
    assert not today.filter(checked_in_at__gt=NOW).exists()
    # Nothing in the past stays half done: every earlier visit was called and finished.
    earlier = Visit.objects.filter(location=location, waiting_day__lt=location.local_date(NOW))
    assert set(earlier.values_list("state", flat=True)) == {Visit.State.DONE}


def test_a_code_from_the_printed_key_passes_every_demo_logins_second_factor(location):
    code = f"{totp(b32decode(MUSTERSTADT.demo_totp_secret)):06d}"
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert sorted(device.user.username for device in devices) == [
        "admin",
        *(f"clerk{number}" for number in range(1, 7)),
    ]
    for device in devices:
        assert device.verify_token(code), device.user.username


def test_musterstadt_has_one_buergerbuero_with_four_counters_in_nrw(location):
    assert Location.objects.count() == 1
    assert location.name == "Bürgerbüro Musterstadt"
    assert location.federal_state == "NW"
    assert location.requires_email_confirmation
    assert (location.hold_minutes, location.rerelease_minutes) == (30, 15)
    assert location.min_notice_minutes == 60
    assert location.waiting_prefix == "A"
    assert list(location.counters.filter(active=True).values_list("name", flat=True)) == [
        "Schalter 1",
        "Schalter 2",
        "Schalter 3",
        "Schalter 4",
    ]


def test_buergerbuero_has_official_opening_hours_for_the_public(location):
    hours = location.opening_hours.values_list("weekday", "opens", "closes")
    assert [(weekday, f"{opens:%H:%M}", f"{closes:%H:%M}") for weekday, opens, closes in hours] == [
        (0, "08:00", "12:00"),
        (1, "08:00", "12:00"),
        (1, "14:00", "18:00"),
        (2, "08:00", "12:00"),
        (3, "08:00", "12:00"),
        (3, "14:00", "16:00"),
        (4, "08:00", "12:00"),
    ]


def test_about_twelve_services_are_bookable_and_two_work_without_a_visit(location):
    assert Service.objects.bookable().offered_at(location).count() == 12
    assert Service.objects.get(slug="melderegisterauskunft").mode == "online_request"
    county = Service.objects.get(slug="kfz-zulassung")
    assert county.mode == "external_link" and county.external_url.startswith("https://")
    assert county.department.slug == "kreis-musterland"
    assert not county.locations.exists()


@pytest.mark.parametrize(
    ("slug", "minutes", "additional", "fee"),
    [
        ("personalausweis", 15, 10, "46.00"),
        ("reisepass", 15, 10, "70.00"),
        ("vorlaeufiger-personalausweis", 10, 10, "10.00"),
        ("abholung-ausweis-reisepass", 5, 2, "0.00"),
        ("anmeldung", 15, 5, "0.00"),
        ("ummeldung", 10, 5, "0.00"),
        ("abmeldung", 5, 2, "0.00"),
        ("meldebescheinigung", 5, 2, "10.00"),
        ("fuehrungszeugnis", 10, 0, "13.00"),
        ("beglaubigung", 5, 2, "5.00"),
        ("verlustmeldung", 10, 5, "0.00"),
        ("uebermittlungssperre", 5, 2, "0.00"),
        ("melderegisterauskunft", 5, 0, "10.00"),
    ],
)
def test_service_times_and_fees_follow_domain_facts(location, slug, minutes, additional, fee):
    service = Service.objects.get(slug=slug)
    assert (service.duration_minutes, service.additional_minutes) == (minutes, additional)
    assert service.fee == Decimal(fee)


def test_reduced_and_extra_fees_are_told_in_the_fee_notes(location):
    assert Service.objects.get(slug="personalausweis").fee_note_de == "27,60 € unter 24 Jahren"
    passport = Service.objects.get(slug="reisepass").fee_note_de
    assert "37,50 €" in passport and "22,00 €" in passport and "32,00 €" in passport


def test_services_have_german_and_english_names(location):
    for service in Service.objects.all():
        assert service.name_de and service.name_en and service.name_de != service.name_en


def test_every_service_has_its_own_valid_leika_key(location):
    keys = list(Service.objects.values_list("leika_key", flat=True))

    for service in Service.objects.all():
        service.full_clean()  # validate_leika_key among the field validators
    assert all(len(key) == 14 for key in keys) and len(set(keys)) == len(keys)
    assert Service.objects.get(slug="personalausweis").leika_key == "99102013104000"


def test_no_childrens_passport_is_offered(location):
    assert not Service.objects.filter(name_de__icontains="kinderreisepass").exists()
    assert not Service.objects.filter(name_en__icontains="child").exists()


def test_photo_is_digital_and_listed_once_per_person_across_services(location):
    id_card = Service.objects.get(slug="personalausweis")
    passport = Service.objects.get(slug="reisepass")
    listed = documents_to_bring([Item(id_card, 2), Item(passport, 1)])
    photos = [document for document in listed if "Passbild" in document.name]
    assert len(photos) == 1 and photos[0].count == 2
    assert "vor Ort, 6,00 €" in photos[0].note
    assert Document.objects.filter(name_de="Code Ihres digitalen Passbilds").count() == 1


def test_registration_needs_the_landlords_confirmation_once_and_an_id_per_person(location):
    listed = documents_to_bring([Item(Service.objects.get(slug="anmeldung"), 3)])
    counts = {document.name: document.count for document in listed}
    assert counts == {"Wohnungsgeberbestätigung": 1, "Personalausweis oder Reisepass": 3}


def test_six_staff_members_with_logins_two_of_them_generalists(location):
    bookable = set(Service.objects.bookable().values_list("pk", flat=True))
    staff = list(
        StaffMember.objects.exclude(role=StaffMember.Role.ADMINISTRATOR)
        .select_related("user")
        .prefetch_related("skills")
    )
    assert len(staff) == 6
    generalists = [m for m in staff if {s.pk for s in m.skills.all()} == bookable]
    assert len(generalists) == 2
    for member in staff:
        assert member.user.check_password(MUSTERSTADT.staff_password)
        assert not member.user.is_staff  # the back office, not the Django admin
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(MUSTERSTADT.admin_password)


def test_five_clerks_and_a_team_lead_work_at_the_buergerbuero_and_admin_sees_all(location):
    roles = dict(StaffMember.objects.values_list("user__username", "role"))
    assert roles == {
        **{f"clerk{number}": "clerk" for number in range(1, 6)},
        "clerk6": "team_lead",
        "admin": "admin",
    }
    for member in StaffMember.objects.all():
        assert list(member.locations.all()) == [location]
    administrator = StaffMember.objects.get(user__username="admin")
    assert not administrator.skills.exists() and not administrator.roster.exists()


def test_demo_passwords_pass_the_password_validators(location):
    for user in get_user_model().objects.all():
        password = MUSTERSTADT.admin_password if user.is_superuser else MUSTERSTADT.staff_password
        validate_password(password, user)


def test_some_roster_blocks_are_kept_back_for_phone_and_walk_ins(location):
    kept_back = RosterBlock.objects.filter(location=location, online_bookable=False)
    assert 3 <= kept_back.count() < RosterBlock.objects.count() / 2


def test_absent_clerk_is_on_leave_all_this_week_without_appointments(location):
    today = location.local_date(timezone.now())
    monday = today - timedelta(days=today.weekday())
    [absence] = Absence.objects.all()
    assert absence.start == location.local_day_start(monday)
    assert absence.end == location.local_day_start(monday + timedelta(days=5))
    assert absence.reason == Absence.Reason.LEAVE
    during = Appointment.objects.holding().filter(
        staff=absence.staff, start__lt=absence.end, end__gt=absence.start
    )
    assert not during.exists()


def test_demo_bookings_fill_a_third_of_the_online_capacity(location):
    now = timezone.now()
    free_with_bookings = _online_free_units(location, now=now)
    Visit.objects.all().delete()  # rolled back after the test
    Appointment.objects.all().delete()
    free_without = _online_free_units(location, now=now)
    share = 1 - free_with_bookings / free_without
    assert 0.25 <= share <= 0.5


def test_demo_bookings_are_booked_online_and_by_phone_through_the_core(location):
    appointments = Appointment.objects.filter(location=location)
    assert appointments.count() > 300
    upcoming = appointments.filter(start__gt=timezone.now() + timedelta(hours=1))
    assert set(upcoming.values_list("status", flat=True)) == {Status.BOOKED}
    past = appointments.filter(start__lt=location.local_day_start(location.local_date(NOW)))
    assert set(past.values_list("status", flat=True)) <= {Status.DONE, Status.NO_SHOW}
    assert set(appointments.values_list("channel", flat=True)) == {Channel.ONLINE, Channel.PHONE}
    assert not appointments.filter(items__isnull=True).exists()
    assert not appointments.filter(events__isnull=True).exists()
    assert not appointments.filter(channel=Channel.ONLINE, email="").exists()
    assert not appointments.exclude(email="").exclude(email__endswith="@example.org").exists()


def test_no_staff_member_holds_two_appointments_at_once(location):
    rows = Appointment.objects.holding().order_by("staff_id", "start")
    for before, after in pairwise(rows.values_list("staff_id", "start", "end")):
        if before[0] == after[0]:
            assert before[2] <= after[1], (before, after)


def test_roster_lies_within_opening_hours_and_never_needs_more_than_four_counters():
    opening = MUSTERSTADT.location.opening_hours
    counters = len(MUSTERSTADT.location.counters)
    for member in MUSTERSTADT.staff:
        for block in member.blocks:
            assert any(
                start <= block.start and block.end <= end for start, end in opening[block.weekday]
            ), (member.name, block)
    for weekday in opening:
        for hour in range(24):
            for minute in (0, 30):
                present = sum(
                    any(
                        block.weekday == weekday
                        and block.start.hour * 60 + block.start.minute
                        <= hour * 60 + minute
                        < block.end.hour * 60 + block.end.minute
                        for block in member.blocks
                    )
                    for member in MUSTERSTADT.staff
                )
                assert present <= counters, (weekday, hour, minute)


def test_every_skill_and_request_names_an_offered_service():
    offered = {service.slug for service in MUSTERSTADT.services if service.offered_here}
    for member in MUSTERSTADT.staff:
        assert set(member.skills) <= offered
    for request in MUSTERSTADT.requests:
        assert set(request.services) <= offered


def _online_free_units(location: Location, *, now) -> int:
    """Free online-bookable units from the minimum notice to the end of the horizon."""
    window = availability.window(location, channel=Channel.ONLINE, now=now)
    loaded = capacity.load(location, window.first, window.last, channel=Channel.ONLINE, now=now)
    total = 0
    for grid in loaded.grids:
        allowed = availability.allowed_starts(grid, window.earliest, location.slot_minutes)
        total += sum((staff.free & allowed).bit_count() for staff in loaded.staff_days[grid.day])
    return total


def test_demo_has_a_start_text_legal_pages_a_statement_and_a_current_notice(location):
    pages = {page.kind: page for page in ContentPage.objects.all()}
    assert set(pages) == {"start", "legal_notice", "privacy", "easy_language"}
    assert AccessibilityStatement.objects.get().known_gaps_de
    for page in pages.values():
        assert page.title_de and page.title_en and page.body_de and page.body_en
    for kind in ("legal_notice", "privacy"):
        assert "Musterstadt ist eine erfundene Stadt" in pages[kind].body_de
        assert "Musterstadt is a fictional town" in pages[kind].body_en
    assert pages["legal_notice"].title_de == "Impressum"
    # Written in Leichte Sprache: its Leichte Sprache column holds the German text itself.
    assert pages["easy_language"].body_de_x_ls == pages["easy_language"].body_de
    assert "## So buchen Sie einen Termin" in pages["easy_language"].body_de
    [notice] = Notice.objects.current(timezone.now())
    assert notice.title_de and notice.title_en and notice.body_de and notice.body_en


def test_refuses_a_live_system_without_debug_or_the_demo_flag(db, settings):
    settings.DEBUG = False
    logins = get_user_model().objects.count()
    with pytest.raises(CommandError, match="nur mit DEBUG=1 oder mit --i-know-this-is-a-demo"):
        call_command("seed_demo", stdout=StringIO())
    assert get_user_model().objects.count() == logins


def test_runs_without_the_flag_in_debug_mode(demo, db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo-Zugänge:" in out.getvalue()
