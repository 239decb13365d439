"""Issue 6, item 4: a new department and a new location are data, never code.

The town's pilot is running: the Bürgerbüro Mitte with its department Einwohnermeldewesen
(Personalausweis, Anmeldung), a clerk with her roster, counter and login, the administrator's
login and staff record, a visit finished this morning and an appointment booked for tomorrow.
The test writes that much straight into the database, as it stands.

From then on every step is an HTTP request as a browser sends it, through the Django admin's
forms and the office's pages; the test only reads the database. The administrator opens the
Bürgerbüro Nord in another district with three counters and a call display, offers the
Bürgerbüro's services there too (the "offered at" of each service's change form), gives Nord
a clerk of the Einwohnermeldewesen and enters his roster, and creates the department Standesamt
with two services at Nord and logins and staff records for its team lead and clerk; the team
lead enters their rosters. Then Nord's morning runs: a citizen books a Personalausweis online
and now has to choose between Mitte and Nord, another books a Geburtsurkunde (offered at Nord
only, so no choice), a caller gets an Anmeldung zur Eheschließung by phone; both citizens are
checked in, called to Nord's counters and served.

Throughout, the pilot stays untouched and the two departments stay apart: each clerk sees only
their own department's citizens, Nord's statistics count Nord's visits only, and Mitte's
statistics and the pilot's appointments read exactly as before the change.

The clock stands on Monday 7 December 2026 (no public holiday in NRW) and moves through the
morning as the test goes on.
"""

import re
from base64 import b32decode
from datetime import datetime
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import booking, captcha, visits
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, Counter, Service, StaffMember
from tests import factories
from tests.citizen.conftest import solved_captcha
from tests.conftest import berlin
from tests.office.logins import PASSWORD, app_code, authenticator, user_for

MONDAY = "2026-12-07"
ADMINISTRATOR = "cricher"
PILOT_CLERK = "pschulz"
NORD_CLERK = "mdemir"
TEAM_LEAD = "hberger"
CLERK = "tyilmaz"
MITTE_ADDRESS = "Bürgerbüro Mitte, Markt 1, 12345 Musterstadt"
NORD_ADDRESS = "Bürgerbüro Nord, Nordring 5, 12349 Musterstadt-Nordviertel"


NOW = berlin(2026, 12, 7, 8, 20)  # a Monday morning that the test moves forward


class MondayClock:
    def __init__(self, clock) -> None:
        self.clock = clock

    def set(self, hour: int, minute: int = 0) -> None:
        self.clock.now = berlin(2026, 12, 7, hour, minute)


@pytest.fixture(name="monday")
def monday_clock(clock, monkeypatch, settings) -> MondayClock:
    # The citizen's browser solves the bot check in microseconds instead of half a second.
    monkeypatch.setattr(captcha, "COST", 2)
    monkeypatch.setattr(captcha, "COUNTER_MIN", 5)
    monkeypatch.setattr(captcha, "COUNTER_MAX", 50)
    # The story's staff stay logged in all morning between their steps; the end of a staff
    # session after idle minutes is tested in tests/office/test_login.py.
    settings.STAFF_IDLE_MINUTES = 8 * 60
    return MondayClock(clock)


@pytest.fixture
def administrator(db, django_user_model):
    """The installation's first login (manage.py createsuperuser)."""
    return django_user_model.objects.create_superuser(ADMINISTRATOR, password=PASSWORD)


@pytest.fixture
def pilot(office, administrator) -> SimpleNamespace:
    """The pilot as it stands at 08:20 on Monday, made directly in the database.

    The Bürgerbüro Mitte (tests/conftest.py's `office`) with its department Einwohnermeldewesen
    and clerk Petra Schulz (Mon–Fri 08–12, Schalter 1). Maria Schneider's Personalausweis at
    08:00 is done (checked in 07:52, called 08:00, done 08:14); Klaus Becker's is booked for
    tomorrow 09:00. Petra and the administrator set up their authenticator apps long ago.
    """
    department = office.id_card.department
    department.name, department.slug = "Einwohnermeldewesen", "einwohnermeldewesen"
    department.save()
    mitte, clerk = office.location, office.clerk
    clerk.name = "Petra Schulz"
    clerk.save()
    clerk.locations.set([mitte])
    counter = Counter.objects.create(location=mitte, name="Schalter 1")
    factories.staff(
        department_=department,
        name="Claudia Richter",
        role=StaffMember.Role.ADMINISTRATOR,
        user=administrator,
    )

    def booked_by_phone(name: str, start: datetime) -> Appointment:
        with booking.without_mail():
            return booking.book(
                location=mitte,
                items=[Item(office.id_card)],
                start=start,
                contact=booking.Contact(name=name, email="buerger@example.org"),
                channel=Channel.PHONE,
                now=berlin(2026, 12, 4, 15, 0),  # the Friday before
            ).appointment

    served = booked_by_phone("Maria Schneider", berlin(2026, 12, 7, 8, 0))
    visits.check_in(served, now=berlin(2026, 12, 7, 7, 52))
    called = visits.call_next(clerk, counter, now=berlin(2026, 12, 7, 8, 0))
    visits.finish(called, now=berlin(2026, 12, 7, 8, 14))
    tomorrow = booked_by_phone("Klaus Becker", berlin(2026, 12, 8, 9, 0))
    return SimpleNamespace(
        mitte=mitte.pk,
        department=department.pk,
        id_card=office.id_card.pk,
        registration=office.registration.pk,
        clerk_app=authenticator(user_for(clerk, PILOT_CLERK)),
        administrator_app=authenticator(administrator),
        appointments=[served.pk, tomorrow.pk],
    )


# Logging in


def log_in(username: str, *, next_page: str = "/verwaltung/") -> Client:
    """A browser of `username` after their first office login: the password, then setting up
    the authenticator app, which takes the key shown on the page typed in."""
    browser = Client()
    response = browser.post(
        reverse("office:login"),
        {"username": username, "password": PASSWORD, "next": next_page},
        follow=True,
    )
    step = response.redirect_chain[-1][0]
    assert step == f"{reverse('office:enrol')}?next={next_page}", step
    assertContains(response, "Authenticator-App einrichten")
    key = re.search(r'class="amt-office-secret">([A-Z2-7 ]+)<', response.content.decode())[1]
    code = f"{totp(b32decode(key.replace(' ', ''))):06d}"  # what the app shows now
    response = browser.post(step, {"code": code}, follow=True)
    assertContains(response, "Eigenes Passwort festlegen")  # the given one is replaced at once
    own = {"new_password1": PASSWORD[::-1], "new_password2": PASSWORD[::-1]}
    response = browser.post(step, own)
    assertContains(response, "Wiederherstellungscodes")
    return browser


def log_in_with_app(username: str, app: TOTPDevice, *, next_page: str = "/verwaltung/") -> Client:
    """A browser of `username`, whose authenticator app is set up: the password, then its code."""
    browser = Client()
    login = {"username": username, "password": PASSWORD, "next": next_page}
    response = browser.post(reverse("office:login"), login)
    assert response.url == f"{reverse('office:verify')}?next={next_page}", response.url
    response = browser.post(response.url, {"code": app_code(app)})
    assert response.url == next_page, response.url
    return browser


# The Django admin


def inline_forms(prefix: str, rows: list[dict]) -> dict:
    """An inline formset as the admin's page posts it: management form plus one entry a row."""
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{name}": value for name, value in row.items()})
    return data


def admin_add(admin: Client, model: str, data: dict) -> int:
    """Fill in the admin's add form of `model` ("core.location") and save; the new row's id.

    "Save and continue editing" leads to the new row's change page, whose address names it.
    """
    url = reverse(f"admin:{model.replace('.', '_')}_add")
    assert admin.get(url).status_code == 200
    response = admin.post(url, {**data, "_continue": "1"})
    assert response.status_code == 302, form_errors(response)
    return int(re.fullmatch(r"/admin/[a-z]+/[a-z]+/(\d+)/change/", response.url)[1])


def admin_change(admin: Client, model: str, pk: int, changes: dict) -> None:
    """Open the admin's change page of a row, change some fields and save.

    The browser sends back every field as the page shows it filled in (the inlines' rows too),
    with `changes` typed over it.
    """
    url = reverse(f"admin:{model.replace('.', '_')}_change", args=[pk])
    page = admin.get(url)
    assert page.status_code == 200
    data = shown_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(shown_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(shown_values(form))
    response = admin.post(url, {**data, **changes, "_save": "1"})
    assert response.status_code == 302, form_errors(response)


def shown_values(form) -> dict:
    """What a browser sends for `form` as the page shows it: an unticked box sends nothing."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = str(value)
    return data


def form_errors(response) -> str:
    """What the admin's page says is wrong (the form's and each inline's errors)."""
    if response.context is None or "adminform" not in response.context:
        return f"{response.status_code}: {response.content.decode()[:2000]}"
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors += [inline.formset.non_form_errors(), *inline.formset.errors]
    return repr([error for error in errors if error])


def open_location(admin: Client) -> int:
    """The Bürgerbüro Nord with its booking and check-in rules and three counters: two for the
    Bürgerbüro, one for the Standesamt."""
    return admin_add(
        admin,
        "core.location",
        {
            "name_de": "Bürgerbüro Nord",
            "name_en": "Citizens' Office North",
            "slug": "buergerbuero-nord",
            "street": "Nordring 5",
            "postcode": "12349",
            "city": "Musterstadt-Nordviertel",
            "directions_de": "Bus 12 bis Nordplatz, Eingang neben der Stadtbücherei.",
            "email": "nord@musterstadt.example",
            "phone": "02381 17-500",
            "time_zone": "Europe/Berlin",
            "federal_state": "NW",
            "slot_minutes": 5,
            "horizon_days": 42,
            "min_notice_minutes": 60,
            "requires_email_confirmation": "on",
            "hold_minutes": 30,
            "rerelease_minutes": 15,
            "wish_offer_minutes": 120,
            "max_online_per_email": 2,
            "reminder_hours": 24,
            "waiting_prefix": "N",
            "check_in_early_minutes": 20,
            "late_tolerance_minutes": 10,
            "late_rule": "serve",
            **inline_forms("opening_hours", []),  # left empty: the rosters tell the hours
            **inline_forms(
                "counters",
                [
                    {"name": "Schalter 1", "active": "on"},
                    {"name": "Schalter 2", "active": "on"},
                    {"name": "Standesamt 1", "active": "on"},
                ],
            ),
        },
    )


def set_up_call_display(admin: Client, location: int) -> str:
    """A device link for the waiting room's screen; its address is shown once, after saving."""
    link = {"location": location, "kind": "display", "name": "Wartebereich Nord", "_save": "1"}
    saved = admin.post(reverse("admin:core_devicelink_add"), link, follow=True)
    return re.search(r"http://testserver(/anzeige/[^/\s<]+/)", saved.content.decode())[1]


def as_configured(services: list[int]) -> list[dict]:
    """Everything of `services` but where they are offered, their documents included. An empty
    text is empty, whether the database holds it as NULL (a row made in code, as the pilot's)
    or as "" (saved through a form)."""
    rows = (
        Service.objects.filter(pk__in=services)
        .order_by("pk", "document_rules__position", "document_rules__document")
        .values(
            *(field.attname for field in Service._meta.concrete_fields),
            "document_rules__document",
            "document_rules__rule",
            "document_rules__position",
        )
    )
    return [{name: "" if value is None else value for name, value in row.items()} for row in rows]


def offer_also_at(admin: Client, service: int, locations: list[int]) -> None:
    """The service's change form with `locations` chosen under "offered at"."""
    admin_change(admin, "core.service", service, {"locations": locations})


def create_department(admin: Client) -> int:
    """The Standesamt."""
    return admin_add(
        admin,
        "core.department",
        {
            "name_de": "Standesamt",
            "name_en": "Registry office",
            "slug": "standesamt",
            "description_de": "Geburt, Eheschließung, Sterbefall: Urkunden und Beurkundungen.",
            "position": 2,
        },
    )


def create_services(admin: Client, department: int, location: int) -> tuple[int, int]:
    """The marriage notice (60 minutes) and the birth certificate (15), both at `location`."""
    identity = admin_add(
        admin,
        "core.document",
        {"name_de": "Personalausweis oder Reisepass", "name_en": "Identity card or passport"},
    )
    common = {
        "department": department,
        "mode": "appointment",
        "request_kind": "",
        "locations": [location],
        "active": "on",
        "additional_minutes": 0,
    }
    marriage = admin_add(
        admin,
        "core.service",
        {
            **common,
            "name_de": "Anmeldung zur Eheschließung",
            "name_en": "Notice of intended marriage",
            "slug": "anmeldung-eheschliessung",
            "description_de": "Beide Verlobte melden die Eheschließung gemeinsam an.",
            "life_situation_de": "Heiraten",
            "synonyms": "Heirat, Hochzeit, Trauung, Aufgebot",
            "position": 1,
            "duration_minutes": 60,
            "max_quantity": 1,
            "fee": "60.00",
            "legal_basis": "§ 12 PStG",
            **inline_forms(
                "document_rules", [{"document": identity, "rule": "per_unit", "position": 0}]
            ),
        },
    )
    birth = admin_add(
        admin,
        "core.service",
        {
            **common,
            "name_de": "Geburtsurkunde",
            "name_en": "Birth certificate",
            "slug": "geburtsurkunde",
            "description_de": "Urkunde über eine Geburt in Musterstadt.",
            "life_situation_de": "Familie",
            "synonyms": "Urkunde, Geburt, Abstammung",
            "position": 2,
            "duration_minutes": 15,
            "max_quantity": 5,
            "fee": "12.00",
            **inline_forms(
                "document_rules", [{"document": identity, "rule": "once", "position": 0}]
            ),
        },
    )
    return marriage, birth


def add_staff_member(admin: Client, username: str, **record) -> int:
    """A login (the admin's user form) and its staff record (department, skills, role, places)."""
    user = admin_add(
        admin,
        "auth.user",
        {
            "username": username,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    return add_staff_record(admin, user, **record)


def add_staff_record(admin: Client, user: int, *, name, department, role, skills, locations):
    """The staff record of a login: what the back office lets them see and do."""
    return admin_add(
        admin,
        "core.staffmember",
        {
            "user": user,
            "name": name,
            "department": department,
            "skills": skills,
            "role": role,
            "locations": locations,
            "active": "on",
            **inline_forms("roster", []),  # rosters are entered on the office pages
        },
    )


# The office


def enter_roster_block(lead: Client, location: int, staff: int, start: str, end: str) -> None:
    """A Monday block from today on, as a team lead enters it: check the effect, then save."""
    url = reverse("office:roster_block", args=[location])
    block = {
        "staff": staff,
        "weekday": 0,
        "start_time": start,
        "end_time": end,
        "valid_from": MONDAY,
        "valid_until": "",
        "online_bookable": "on",
    }
    preview = lead.post(url, block)
    assertContains(preview, "Prüfen: Neuer Dienstplanblock")
    saved = lead.post(url, {**block, "confirm": "1"}, follow=True)
    assertContains(saved, "Die Änderung ist gespeichert.")


def book_online(
    citizen: Client,
    service: int,
    *,
    what: str,
    name: str,
    email: str,
    mailoutbox,
    choose: int | None = None,
) -> str:
    """The booking wizard from services to the confirmation link, for 10:00 at Nord; the
    reference number. `choose` is the location picked where the wizard asks for one; without
    it, the service must have only one place, so that the wizard leaves the step out."""
    response = citizen.post(reverse("citizen:services"), {f"service-{service}": 1}, follow=True)
    if choose is not None:
        assert response.redirect_chain[-1][0] == reverse("citizen:location")
        assertContains(response, "Zu welchem Standort möchten Sie kommen?")
        assertContains(response, MITTE_ADDRESS)
        assertContains(response, NORD_ADDRESS)
        response = citizen.post(reverse("citizen:location"), {"location": choose}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("citizen:day")
    assertContains(response, "Bürgerbüro Nord")
    times = citizen.get(reverse("citizen:time"), {"tag": MONDAY})
    ten = berlin(2026, 12, 7, 10, 0).isoformat()
    assertContains(times, f'name="start" value="{ten}"')
    chosen = citizen.post(f"{reverse('citizen:time')}?tag={MONDAY}", {"start": ten})
    assert chosen.status_code == 302
    contact = {
        "name": name,
        "email": email,
        "phone": "02381 123456",
        "language": "de",
        "consent": "on",
        "altcha": solved_captcha(),
    }
    assert citizen.post(reverse("citizen:contact"), contact).status_code == 302
    review = citizen.get(reverse("citizen:review"))
    assertContains(review, what)
    assertContains(review, "Bürgerbüro Nord<br>Nordring 5<br>12349 Musterstadt-Nordviertel")
    key = re.search(r'name="key" value="([^"]+)"', review.content.decode())[1]
    citizen.post(reverse("citizen:review"), {"key": key})
    [mail] = [mail for mail in mailoutbox if mail.to == [email]]
    assert mail.subject.startswith("Bitte bestätigen Sie Ihren Termin: ")
    confirm = re.search(r"/termin/bestaetigen/[^/\s]+/", mail.body)[0]
    confirmed = citizen.post(confirm, follow=True)
    assertContains(confirmed, "Ihr Termin ist bestätigt.")
    return re.search(r"Vorgangsnummer: ([0-9A-Z-]+)", mail.body)[1]


def book_by_phone(clerk: Client, location: int, service: int) -> str:
    """The desk booking form for a caller at 11:00; the reference number read out to them."""
    url = reverse("office:desk_book", args=[location])
    wanted = {f"service-{service}": 1, "tag": MONDAY}
    form = clerk.get(url, wanted)
    eleven = berlin(2026, 12, 7, 11, 0).isoformat()
    assertContains(form, f'name="start" value="{eleven}"')
    contact = {"channel": "phone", "name": "Jonas Weber", "phone": "02381 654321"}
    key = re.search(r'name="key" value="([^"]+)"', form.content.decode())[1]
    booking = {**wanted, **contact, "start": eleven, "language": "de", "key": key}
    booked = clerk.post(url, booking, follow=True)
    assertContains(booked, "Termin gebucht")
    assertContains(booked, "1 × Anmeldung zur Eheschließung")
    return booked.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[1]


def search_at_desk(clerk: Client, location: int, reference: str) -> HttpResponse:
    """The desk's search for a reference number."""
    return clerk.get(reverse("office:desk_search", args=[location]), {"q": reference})


def check_in(clerk: Client, location: int, reference: str) -> HttpResponse:
    """At the desk: find the appointment by its reference number and check the citizen in."""
    found = search_at_desk(clerk, location, reference)
    assertContains(found, "1 Termin gefunden")
    action = re.search(r'action="(/verwaltung/[^"]+/einchecken/\d+/)"', found.content.decode())[1]
    return clerk.post(action, {"q": reference}, follow=True)


def work_at_counter(clerk: Client, location: int, counter: str) -> None:
    """The counter page first asks where the clerk sits today."""
    choose = clerk.get(reverse("office:counter", args=[location]), follow=True)
    assertContains(choose, "An welchem Schalter im Bürgerbüro Nord arbeiten Sie?")
    page = choose.content.decode()
    choice = re.search(rf'value="(\d+)" id="([^"]+)">\s*<label [^>]*for="\2">{counter}<', page)
    response = clerk.post(reverse("office:counter_choose", args=[location]), {"counter": choice[1]})
    assert response.status_code == 302


def call_next(clerk: Client, location: int) -> HttpResponse:
    """Press "call next"; the counter page afterwards."""
    return clerk.post(reverse("office:call_next", args=[location]), follow=True)


def finish_visit(clerk: Client, location: int, counter_page: HttpResponse) -> HttpResponse:
    """Press "Done" for the person at the counter."""
    visit = re.search(r'name="visit" value="(\d+)"', counter_page.content.decode())[1]
    action = {"visit": visit, "action": "finish"}
    return clerk.post(reverse("office:visit_action", args=[location]), action, follow=True)


def statistics_csv(browser: Client, location: int, period: str = "day") -> str:
    """The statistics download of `location` for Monday or its week."""
    url = reverse("office:statistics_csv", args=[location])
    response = browser.get(url, {"period": period, "day": MONDAY})
    assert response.status_code == 200
    return response.content.decode()


def figure_rows(csv: str) -> set[str]:
    """The CSV's rows up to the figure's value (the period before follows in further columns)."""
    return {";".join(line.split(";")[:6]) for line in csv.split("\r\n")}


def as_it_stands(appointments: list[int]) -> list[dict]:
    """What citizens' appointments say: when, where, with whom, in which state."""
    found = Appointment.objects.filter(pk__in=appointments).order_by("pk")
    return list(found.values("start", "end", "location", "staff", "status", "waiting_number"))


def test_administrator_extends_the_pilot_by_a_standesamt_at_a_new_location_and_keeps_it_apart(
    monday, pilot, mailoutbox
):
    # 08:20 Mitte has served its first citizen. The administrator logs in and, before changing
    # anything, keeps what the pilot's statistics (Monday, and the week with tomorrow's
    # booking) and its appointments say.
    admin = log_in_with_app(ADMINISTRATOR, pilot.administrator_app, next_page="/admin/")
    mitte_day = statistics_csv(admin, pilot.mitte)
    mitte_week = statistics_csv(admin, pilot.mitte, "week")
    served = "Bürgerbüro Mitte;07.12.2026;07.12.2026;Bearbeitete Besuche;Personalausweis;1"
    assert served in mitte_day
    assert "Bürgerbüro Mitte;07.12.2026;13.12.2026;Buchungen;Telefon;2" in figure_rows(mitte_week)
    appointments = as_it_stands(pilot.appointments)

    # She opens the Bürgerbüro Nord with its counters and call display and offers the
    # Bürgerbüro's services there too; a clerk of the Einwohnermeldewesen works there, Mondays
    # 08–12 (she enters his roster herself on the office's roster page).
    nord = open_location(admin)
    call_display = set_up_call_display(admin, nord)
    pilot_services = [pilot.id_card, pilot.registration]
    before = as_configured(pilot_services)
    for service in pilot_services:
        offer_also_at(admin, service, [pilot.mitte, nord])
    assert as_configured(pilot_services) == before
    murat = add_staff_member(
        admin,
        NORD_CLERK,
        name="Murat Demir",
        department=pilot.department,
        role="clerk",
        skills=[pilot.id_card, pilot.registration],
        locations=[nord],
    )
    enter_roster_block(admin, nord, murat, "08:00", "12:00")

    # She creates the Standesamt with its two services at Nord, and its team lead and clerk.
    standesamt = create_department(admin)
    marriage, birth = create_services(admin, standesamt, nord)
    hanna = add_staff_member(
        admin,
        TEAM_LEAD,
        name="Hanna Berger",
        department=standesamt,
        role="team_lead",
        skills=[marriage, birth],
        locations=[nord],
    )
    tobias = add_staff_member(
        admin,
        CLERK,
        name="Tobias Yilmaz",
        department=standesamt,
        role="clerk",
        skills=[birth],
        locations=[nord],
    )

    # 08:40 The team lead logs in for the first time, sets up her authenticator app and enters
    # her team's Monday rosters at Nord. Her week lists her team, not the Bürgerbüro's clerk.
    monday.set(8, 40)
    team_lead = log_in(TEAM_LEAD)
    week = team_lead.get(reverse("office:rosters"), follow=True)
    assertContains(week, "Dienstplan – Bürgerbüro Nord")
    enter_roster_block(team_lead, nord, hanna, "08:00", "12:00")
    enter_roster_block(team_lead, nord, tobias, "08:00", "12:00")
    week = team_lead.get(reverse("office:roster_week", args=[nord]))
    assertContains(week, "Hanna Berger")
    assertContains(week, "Tobias Yilmaz")
    assertNotContains(week, "Murat Demir")
    assertNotContains(week, "Petra Schulz")

    # 08:50 Lena Hoffmann books a Personalausweis online: two places offer it now, she picks
    # Nord. Erika Mustermann books a Geburtsurkunde, offered at Nord only: no choice to make.
    # Both for 10:00. Jonas Weber calls the Standesamt's clerk, who books him the marriage
    # notice for 11:00: it goes to the team lead, skilled for it.
    monday.set(8, 50)
    id_card = book_online(
        Client(),
        pilot.id_card,
        what="Personalausweis",
        name="Lena Hoffmann",
        email="lena@example.org",
        mailoutbox=mailoutbox,
        choose=nord,
    )
    certificate = book_online(
        Client(),
        birth,
        what="Geburtsurkunde",
        name="Erika Mustermann",
        email="erika@example.org",
        mailoutbox=mailoutbox,
    )
    registry_desk = log_in(CLERK)
    by_phone = book_by_phone(registry_desk, nord, marriage)
    assert Appointment.objects.get(reference=id_card).staff_id == murat
    assert Appointment.objects.get(reference=certificate).staff_id == tobias
    assert Appointment.objects.get(reference=by_phone).staff_id == hanna

    # Each department's people see their own citizens at Nord, and nobody else's.
    citizen_office_desk = log_in(NORD_CLERK)
    day_plan = registry_desk.get(reverse("office:day_plan", args=[nord]))
    assertContains(day_plan, "Erika Mustermann")
    assertContains(day_plan, "Jonas Weber")
    assertNotContains(day_plan, "Lena Hoffmann")
    day_plan = citizen_office_desk.get(reverse("office:day_plan", args=[nord]))
    assertContains(day_plan, "Lena Hoffmann")
    assertNotContains(day_plan, "Erika Mustermann")
    assertNotContains(day_plan, "Jonas Weber")
    assertContains(search_at_desk(registry_desk, nord, id_card), "0 Termine gefunden")
    # The Standesamt does not work at Mitte: its pages there do not exist for them.
    overview = registry_desk.get(reverse("office:overview"))
    assertContains(overview, "<li>Standesamt</li>", html=True)
    assertContains(overview, "Bürgerbüro Nord")
    assertNotContains(overview, "Bürgerbüro Mitte")
    assertNotContains(overview, "Einwohnermeldewesen")
    for page in ("office:day_plan", "office:counter_queue", "office:desk_search"):
        response = registry_desk.get(reverse(page, args=[pilot.mitte]))
        assert response.status_code == 404
        assertNotContains(response, "Maria Schneider", status_code=404)
    tomorrows_plan = reverse("office:day_plan", args=[pilot.mitte])
    assert team_lead.get(tomorrows_plan, {"tag": "2026-12-08"}).status_code == 404

    # 09:42 Erika and Lena come early; Nord lets citizens check in 20 minutes ahead. Each is
    # checked in by their own department's clerk and waits in their own queue. Both share
    # Nord's waiting numbers, given out at booking: Lena booked first.
    monday.set(9, 42)
    checked_in = check_in(registry_desk, nord, certificate)
    assertContains(checked_in, "Erika Mustermann ist eingecheckt, Wartenummer N-002.")
    monday.set(9, 45)
    checked_in = check_in(citizen_office_desk, nord, id_card)
    assertContains(checked_in, "Lena Hoffmann ist eingecheckt, Wartenummer N-001.")
    queue = registry_desk.get(reverse("office:counter_queue", args=[nord]))
    assertContains(queue, "N-002")
    assertContains(queue, "1 × Geburtsurkunde")
    assertNotContains(queue, "N-001")
    assertNotContains(queue, "Personalausweis")
    queue = citizen_office_desk.get(reverse("office:counter_queue", args=[nord]))
    assertContains(queue, "N-001")
    assertContains(queue, "1 × Personalausweis")
    assertNotContains(queue, "N-002")
    assertNotContains(queue, "Geburtsurkunde")

    # 10:00 Each clerk calls the next of theirs to their counter; the screen shows both calls.
    monday.set(10, 0)
    work_at_counter(registry_desk, nord, "Standesamt 1")
    at_registry = call_next(registry_desk, nord)
    assertContains(at_registry, "N-002 ist zu Standesamt 1 aufgerufen.")
    assertContains(at_registry, "Erika Mustermann")
    assertNotContains(at_registry, "Lena Hoffmann")
    work_at_counter(citizen_office_desk, nord, "Schalter 1")
    at_counter = call_next(citizen_office_desk, nord)
    assertContains(at_counter, "N-001 ist zu Schalter 1 aufgerufen.")
    assertContains(at_counter, "Lena Hoffmann")
    board = Client().get(call_display)
    assertContains(board, '<p class="amt-call__number">N-001</p>')
    assertContains(board, "Schalter 1</p>")
    assertContains(board, '<span class="amt-call__number">N-002</span>')
    assertContains(board, "Standesamt 1</span>")

    # 10:10 Lena is done, 10:12 Erika.
    monday.set(10, 10)
    assertContains(finish_visit(citizen_office_desk, nord, at_counter), "N-001 ist erledigt.")
    monday.set(10, 12)
    assertContains(finish_visit(registry_desk, nord, at_registry), "N-002 ist erledigt.")

    # The pilot's clerk at Mitte works on as before: her day plan holds her citizen and nobody
    # of Nord or the Standesamt, and Nord is none of her business.
    monday.set(10, 30)
    pilot_desk = log_in_with_app(PILOT_CLERK, pilot.clerk_app)
    day_plan = pilot_desk.get(reverse("office:day_plan", args=[pilot.mitte]))
    assertContains(day_plan, "Maria Schneider")
    for someone in ("Lena Hoffmann", "Erika Mustermann", "Jonas Weber"):
        assertNotContains(day_plan, someone)
    assert pilot_desk.get(reverse("office:day_plan", args=[nord])).status_code == 404

    # The portal lists the new services; search finds them by name and search word. The start
    # page names both places; the Personalausweis is still booked at Mitte, or at Nord.
    citizen = Client()
    catalogue = citizen.get(reverse("citizen:portal"))
    assertContains(catalogue, "Anmeldung zur Eheschließung")
    assertContains(catalogue, "Geburtsurkunde")
    assertContains(catalogue, "Personalausweis")
    found = citizen.get(reverse("citizen:portal"), {"q": "Hochzeit"})
    assertContains(found, "Anmeldung zur Eheschließung")
    assertNotContains(found, "Geburtsurkunde")
    found = citizen.get(reverse("citizen:portal"), {"q": "Geburt"})
    assertContains(found, "1 Dienstleistung für „Geburt“ gefunden.")
    service_page = citizen.get(reverse("citizen:portal_service", args=["geburtsurkunde"]))
    for fact in ("Standesamt", "12,00 €", "ca. 15 Min.", "Personalausweis oder Reisepass"):
        assertContains(service_page, fact)
    assertContains(service_page, f'href="{reverse("citizen:services")}?dienst={birth}"')
    assertContains(service_page, "Termin buchen")
    start = citizen.get(reverse("citizen:start"))
    assertContains(start, "Bürgerbüro Mitte")
    assertContains(
        start, '<span dir="ltr">Nordring 5</span><br><span dir="ltr">12349 Musterstadt-Nordviertel'
    )
    citizen.post(reverse("citizen:services"), {f"service-{pilot.id_card}": 1})
    where = citizen.get(reverse("citizen:location"))
    assertContains(where, MITTE_ADDRESS)
    assertContains(where, NORD_ADDRESS)

    # 12:30 The statistics of Nord count Nord's morning only: not Maria's visit at Mitte.
    monday.set(12, 30)
    statistics = admin.get(reverse("office:statistics_location", args=[nord]))
    assertContains(statistics, "Statistik Bürgerbüro Nord</h1>")
    assertContains(statistics, "2 von 2 Eingecheckten")
    assertContains(statistics, '<th class="kern-table__header" scope="row">Geburtsurkunde</th>')
    figures = statistics_csv(admin, nord)
    for row in (
        "Buchungen;online;2",
        "Buchungen;Telefon;1",
        "Eingecheckt;;2",
        "Bearbeitete Besuche;Geburtsurkunde;1",
        "Bearbeitungszeit, Median (Min.);Geburtsurkunde;12,0",
        "Bearbeitete Besuche;Personalausweis;1",
        "Bearbeitungszeit, Median (Min.);Personalausweis;10,0",
    ):
        assert f"Bürgerbüro Nord;07.12.2026;07.12.2026;{row}" in figure_rows(figures)
    # The Standesamt's team lead reads her department's figures at Nord, and none of Mitte.
    own = statistics_csv(team_lead, nord)
    for row in ("Buchungen;online;1", "Buchungen;Telefon;1", "Eingecheckt;;1"):
        assert f"Bürgerbüro Nord;07.12.2026;07.12.2026;{row}" in figure_rows(own)
    assert "Personalausweis" not in own
    assert team_lead.get(reverse("office:statistics_csv", args=[pilot.mitte])).status_code == 404

    # Mitte's figures and appointments read exactly as before the change.
    assert statistics_csv(admin, pilot.mitte) == mitte_day
    assert statistics_csv(admin, pilot.mitte, "week") == mitte_week
    assert as_it_stands(pilot.appointments) == appointments
