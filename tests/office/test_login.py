"""Staff log in with password and authenticator app, enrol at their first login, keep recovery
codes for a lost phone, and are locked out after five wrong passwords."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from amtstermin.office import second_factor
from tests.fixtures.transactions import deferred_sqlite_transactions
from tests.office.logins import PASSWORD, app_code, authenticator, user_for

LOGIN = "/verwaltung/anmelden/"
OVERVIEW = "/verwaltung/"


@pytest.fixture
def clerk(colleague):
    """Sabine Kowalski's login, with her authenticator app set up."""
    user = user_for(colleague, username="skowalski")
    authenticator(user)
    return user


def password(client, username="skowalski", secret=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": secret}, **extra)


def wrong_code(device) -> str:
    """Six digits the app shows at no time near now (it accepts the codes next to the current)."""
    return f"{(int(app_code(device)) + 500_000) % 1_000_000:06d}"


def test_german_paths_of_the_login_steps():
    assert reverse("office:login") == LOGIN
    assert reverse("office:verify") == "/verwaltung/anmelden/code/"
    assert reverse("office:enrol") == "/verwaltung/anmelden/einrichten/"
    assert reverse("office:logout") == "/verwaltung/abmelden/"


def test_clerk_logs_in_with_password_and_app_code(client, clerk):
    response = password(client)
    assertRedirects(response, f"/verwaltung/anmelden/code/?next={OVERVIEW}")
    page = client.get(response["Location"])
    assertContains(page, "Code eingeben")
    assertContains(page, "skowalski")

    response = client.post(
        response["Location"], {"code": app_code(clerk.totpdevice_set.get()), "next": OVERVIEW}
    )

    assertRedirects(response, OVERVIEW)
    overview = client.get(OVERVIEW)
    assertContains(overview, "Übersicht")
    assertContains(overview, "Sabine Kowalski")
    assertContains(overview, "Sachbearbeitung")
    assertContains(overview, "Bürgerbüro Mitte")


def test_password_alone_opens_no_office_page(client, clerk):
    password(client)
    response = client.get(OVERVIEW)
    assertRedirects(
        response, f"/verwaltung/anmelden/code/?next={OVERVIEW}", fetch_redirect_response=False
    )


def test_wrong_password_is_refused_in_german_without_echoing_it(client, clerk):
    response = password(client, secret="Falsch-123456")
    assert response.status_code == 422
    assertContains(response, "Fehler:", status_code=422)
    assertContains(response, "Benutzername oder Passwort ist falsch.", status_code=422)
    assertNotContains(response, "Falsch-123456", status_code=422)
    assert "_auth_user_id" not in client.session


def test_wrong_app_code_is_refused_and_keeps_the_office_closed(client, clerk):
    password(client)
    device = clerk.totpdevice_set.get()
    response = client.post(reverse("office:verify"), {"code": wrong_code(device)})
    assertContains(response, "Dieser Code ist nicht gültig.", status_code=422)
    assert client.get(OVERVIEW).status_code == 302


def test_right_code_right_after_a_wrong_one_is_asked_again_after_a_pause(client, clerk):
    password(client)
    device = clerk.totpdevice_set.get()
    client.post(reverse("office:verify"), {"code": wrong_code(device)})

    response = client.post(reverse("office:verify"), {"code": app_code(device)})

    assertContains(response, "Warten Sie 1 Sekunde, dann versuchen Sie es erneut.", status_code=422)
    assert client.get(OVERVIEW).status_code == 302


def test_app_code_works_only_once(client, clerk):
    code = app_code(clerk.totpdevice_set.get())
    password(client)
    assert client.post(reverse("office:verify"), {"code": code}).status_code == 302
    client.post(reverse("office:logout"))
    password(client)
    response = client.post(reverse("office:verify"), {"code": code})
    assert response.status_code == 422


def test_external_next_is_ignored(client, clerk):
    password(client)
    code = app_code(clerk.totpdevice_set.get())
    response = client.post(
        reverse("office:verify"), {"code": code, "next": "https://evil.example/"}
    )
    assertRedirects(response, OVERVIEW)


def test_code_step_without_password_sends_to_login(client):
    response = client.get(reverse("office:verify"))
    assertRedirects(response, f"{LOGIN}?next={OVERVIEW}")


def test_first_login_enrols_the_app_and_shows_ten_recovery_codes_once(client, colleague):
    user_for(colleague, username="skowalski")
    response = password(client)
    assertRedirects(
        response, f"/verwaltung/anmelden/code/?next={OVERVIEW}", fetch_redirect_response=False
    )
    response = client.get(response["Location"])
    assertRedirects(response, f"/verwaltung/anmelden/einrichten/?next={OVERVIEW}")

    page = client.get(response["Location"])
    assertContains(page, "Authenticator-App einrichten")
    assertContains(page, "<svg", count=1)
    device = TOTPDevice.objects.get(user__username="skowalski", confirmed=False)
    secret = page.context["secret"]
    assert secret.replace(" ", "") in page.content.decode().replace(" ", "")
    # The app gets the same key from the QR code and from the text.
    assert client.get(reverse("office:enrol")).context["secret"] == secret
    assert client.get(OVERVIEW).status_code == 302

    proven = client.post(reverse("office:enrol"), {"code": app_code(device), "next": OVERVIEW})
    assertRedirects(proven, f"/verwaltung/anmelden/einrichten/?next={OVERVIEW}")
    assert client.get(OVERVIEW).status_code == 302  # not before the own password
    done = client.post(proven["Location"], new_password("Eigenes-Passwort-77"))

    assertContains(done, "Ihre Wiederherstellungscodes")
    assertContains(done, "nur jetzt")
    codes = done.context["codes"]
    assert len(set(codes)) == 10
    for code in codes:
        assertContains(done, f"<code>{code}</code>", html=False)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(OVERVIEW).status_code == 200
    # Enrolled: the page never offers a second app to someone with only the password.
    assertRedirects(
        client.get(reverse("office:enrol")),
        f"/verwaltung/anmelden/code/?next={OVERVIEW}",
        fetch_redirect_response=False,
    )


def new_password(secret: str, again: str = "") -> dict[str, str]:
    return {"new_password1": secret, "new_password2": again or secret, "next": OVERVIEW}


def enrolled_to_the_password_step(client, colleague):
    user = user_for(colleague, username="skowalski")
    password(client)
    client.get(reverse("office:enrol"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("office:enrol"), {"code": app_code(device)})
    return user, device


def test_first_login_replaces_the_given_password_before_any_office_page(client, colleague):
    user, device = enrolled_to_the_password_step(client, colleague)
    page = client.get(reverse("office:enrol"))
    assertContains(page, "Eigenes Passwort festlegen")
    assertContains(page, 'type="password"', count=2)

    client.post(reverse("office:enrol"), new_password("Eigenes-Passwort-77"))

    user.refresh_from_db()
    assert not user.check_password(PASSWORD)
    assert user.check_password("Eigenes-Passwort-77")
    assert client.get(OVERVIEW).status_code == 200  # the session survived its password change


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (PASSWORD, PASSWORD, "Wählen Sie ein anderes Passwort als das, das Sie bekommen haben."),
        ("Eigenes-Passwort-77", "Eigenes-Passwort-78", "Die beiden Passwörter"),
        ("12345678", "12345678", "Dieses Passwort ist zu üblich."),
    ],
)
def test_first_login_refuses_the_given_or_a_weak_password(
    client, colleague, first, second, message
):
    user, device = enrolled_to_the_password_step(client, colleague)

    response = client.post(reverse("office:enrol"), new_password(first, second))

    assertContains(response, message, status_code=422)
    assertContains(response, "<title>Fehler:", status_code=422)
    assertNotContains(response, first, status_code=422)
    device.refresh_from_db()
    assert not device.confirmed  # left here, the next login starts the enrolment again
    assert client.get(OVERVIEW).status_code == 302


def test_enrolment_with_a_wrong_code_confirms_nothing(client, colleague):
    user_for(colleague, username="skowalski")
    password(client)
    client.get(reverse("office:enrol"))
    device = TOTPDevice.objects.get(user__username="skowalski")
    response = client.post(reverse("office:enrol"), {"code": wrong_code(device)})

    assertContains(response, "Dieser Code ist nicht gültig.", status_code=422)
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()
    assert client.get(OVERVIEW).status_code == 302


def test_enrolment_code_with_a_typo_is_explained_and_costs_no_try(client, colleague):
    user_for(colleague, username="skowalski")
    password(client)
    client.get(reverse("office:enrol"))

    response = client.post(reverse("office:enrol"), {"code": "12345"})

    assertContains(response, "Geben Sie die 6 Ziffern ein, die die App anzeigt.", status_code=422)
    device = TOTPDevice.objects.get(user__username="skowalski")
    assert device.throttling_failure_count == 0


def test_recovery_code_logs_in_once_instead_of_the_app(client, clerk):
    password(client)
    client.get(reverse("office:verify"))
    first, *_ = second_factor.replace_recovery_codes(clerk)

    response = client.post(reverse("office:verify"), {"code": first.upper()})
    assertRedirects(response, OVERVIEW)
    client.post(reverse("office:logout"))

    password(client)
    response = client.post(reverse("office:verify"), {"code": first})
    assertContains(response, "Dieser Code ist nicht gültig.", status_code=422)
    assert StaticToken.objects.count() == 9


def test_fifth_wrong_password_locks_the_login_with_a_german_page(client, clerk):
    for _attempt in range(4):
        assert password(client, secret="Falsch-123456").status_code == 422

    locked = password(client, secret="Falsch-123456")

    assert locked.status_code == 429
    assertContains(locked, "Anmeldung gesperrt", status_code=429)
    assertContains(locked, "5-mal", status_code=429)
    assertContains(locked, "15 Minuten", status_code=429)
    # Even the right password is refused while locked.
    assert password(client).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, clerk):
    for _attempt in range(5):
        password(client, secret="Falsch-123456")
    # Someone guessing elsewhere does not lock the clerk out at her own desk.
    response = password(client, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, clerk):
    for _attempt in range(5):
        password(client, secret="Falsch-123456")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert password(client).status_code == 302


def test_logout_needs_a_post_and_ends_the_session(client, clerk):
    password(client)
    client.post(reverse("office:verify"), {"code": app_code(clerk.totpdevice_set.get())})
    assert client.get(reverse("office:logout")).status_code == 405
    assert client.get(OVERVIEW).status_code == 200

    response = client.post(reverse("office:logout"), follow=True)

    assertContains(response, "Sie wurden abgemeldet.")
    assert client.get(OVERVIEW).status_code == 302


def logged_in(client, clerk) -> None:
    password(client)
    client.post(reverse("office:verify"), {"code": app_code(clerk.totpdevice_set.get())})


def test_staff_session_ends_after_thirty_idle_minutes(client, clerk, clock):
    logged_in(client, clerk)
    for _request in range(3):  # each request starts the 30 minutes again
        clock.now += timedelta(minutes=29)
        assert client.get(OVERVIEW).status_code == 200

    clock.now += timedelta(minutes=31)

    response = client.get(OVERVIEW)
    assertRedirects(response, f"{LOGIN}?next={OVERVIEW}")


def test_citizens_booking_in_progress_outlives_thirty_idle_minutes(client, office, clock):
    client.post(reverse("citizen:services"), {f"service-{office.id_card.pk}": 1})
    clock.now += timedelta(hours=3)

    calendar = client.get(reverse("citizen:day"))

    assertContains(calendar, "Personalausweis")
    assertContains(calendar, "Tag wählen")


def test_each_enrolling_session_gets_its_own_secret(client, colleague):
    """Someone else with the password never learns the secret the clerk's app confirms."""
    user_for(colleague, username="skowalski")
    intruder = client.__class__()
    password(intruder)
    theirs = intruder.get(reverse("office:enrol")).context["secret"]
    password(client)
    ours = client.get(reverse("office:enrol")).context["secret"]
    assert client.get(reverse("office:enrol")).context["secret"] == ours  # same on reload
    assert ours != theirs

    device = TOTPDevice.objects.get(user__username="skowalski", confirmed=False)
    assert second_factor.secret(device) == ours
    client.post(reverse("office:enrol"), {"code": app_code(device)})
    client.post(reverse("office:enrol"), new_password("Eigenes-Passwort-77"))

    assert second_factor.secret(second_factor.authenticator(device.user)) == ours
    assert intruder.get(OVERVIEW).status_code == 302


GUESSES = 25


def guess_at_once(user, code: str) -> tuple[int, list[str]]:
    """GUESSES threads send `code` together; returns how many were checked, and the outcomes."""
    barrier = threading.Barrier(GUESSES)
    real_check = TOTPDevice.verify_token
    checked = []

    def counting_check(device, token):
        checked.append(token)
        # A check that takes a moment, as on a busy server: without the lock every guess that
        # passed the barrier is inside one by then, even when this machine runs them one by one.
        time.sleep(0.05)
        return real_check(device, token)

    def guess(_number):
        try:
            barrier.wait()
            return "accepted" if second_factor.verify(user, code) else "refused"
        except second_factor.Throttled:
            return "throttled"
        except Exception as error:  # SQLite without its guard: "database is locked"
            return f"error: {type(error).__name__}"
        finally:
            connections.close_all()

    with mock.patch.object(TOTPDevice, "verify_token", counting_check):
        with ThreadPoolExecutor(GUESSES) as pool:
            outcomes = list(pool.map(guess, range(GUESSES)))
    return len(checked), outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("threads")
def test_parallel_wrong_codes_are_checked_one_at_a_time(clerk):
    checked, outcomes = guess_at_once(clerk, wrong_code(clerk.totpdevice_set.get()))

    assert checked == 1
    assert sorted(set(outcomes)) == ["refused", "throttled"]
    assert clerk.totpdevice_set.get().throttling_failure_count == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("threads")
def test_without_the_lock_parallel_wrong_codes_are_all_checked(clerk):
    """Proves the test above can fail: django-otp's own throttle lets parallel guesses through."""
    # SQLite's BEGIN IMMEDIATE would serialise the guesses too; PostgreSQL has nothing else.
    sqlite = connection.vendor == "sqlite"
    with (
        mock.patch.object(second_factor, "_locked", lambda device: device),
        deferred_sqlite_transactions() if sqlite else nullcontext(),
    ):
        checked, outcomes = guess_at_once(clerk, wrong_code(clerk.totpdevice_set.get()))

    assert checked > 1, outcomes
