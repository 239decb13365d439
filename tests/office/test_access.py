"""Every office URL refuses anonymous users, users without the second factor, logins without an
active staff member, and staff of other departments (403/404, nothing of theirs in the page,
nothing changed by a POST).

The URLs are read from the resolver, so a page added later is checked without editing this file.
Each points at the Einwohnermeldewesen's objects: its citizen's appointment, or, for the online
request pages, its citizen's online request.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from amtstermin.core import online_requests
from amtstermin.core.models import OnlineRequest, Service, StaffMember
from amtstermin.office.requests import views as request_views
from tests import factories
from tests.conftest import berlin
from tests.office import role_urls
from tests.office.logins import log_in_verified, user_for

# The login steps are the office's only doors without a login.
LOGIN_STEPS = {"login", "verify", "enrol", "logout"}


def _patterns(resolver: URLResolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


OFFICE = sorted(
    _patterns(get_resolver().namespace_dict["office"][1]), key=lambda pattern: pattern.name
)
GUARDED = [pattern for pattern in OFFICE if pattern.name not in LOGIN_STEPS]


def test_the_login_steps_exempted_here_are_office_urls():
    assert LOGIN_STEPS <= {pattern.name for pattern in OFFICE}
    assert GUARDED, "no guarded office page found"


@pytest.fixture
def application(citizen) -> OnlineRequest:
    """Max Antragsteller's Melderegisterauskunft at the citizen's department, still open."""
    service = factories.service(
        name="Melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        department=citizen.items.get().service.department,
    )
    return online_requests.submit(
        service=service,
        kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        requester=online_requests.Requester(
            name="Max Antragsteller", email="max@example.org", postal_address="Markt 3"
        ),
        # A last name found nowhere else, so that no page shows it by chance ("Muster"stadt).
        data=factories.melderegister_data(first_name="Gesine", last_name="Gesucht"),
        now=berlin(2026, 12, 1, 8, 0),
    ).request


def _is_request_page(pattern: URLPattern) -> bool:
    """An online request page: its `reference` is an online request's, not an appointment's."""
    return pattern.callback.__module__ == request_views.__name__


def _url(pattern: URLPattern, citizen, application) -> str:
    """The page's URL pointed at the other department's objects (their citizen's appointment,
    or their online request on the online request pages)."""
    samples = {
        "appointment_id": citizen.pk,
        "location_id": citizen.location_id,
        "department_id": citizen.items.get().service.department_id,
        "reference": application.reference if _is_request_page(pattern) else citizen.reference,
        "day": citizen.start.date().isoformat(),
    }
    names = list(pattern.pattern.converters)
    missing = [name for name in names if name not in samples]
    assert not missing, f"office:{pattern.name}: add a sample for {missing} to _url()"
    return reverse(f"office:{pattern.name}", kwargs={name: samples[name] for name in names})


def _redirected_to(response, name: str, url: str) -> bool:
    """True if `response` sends the browser to office:`name`, coming back to `url` afterwards."""
    target = urlsplit(response["Location"])
    return (
        response.status_code == 302
        and target.path == reverse(f"office:{name}")
        and parse_qs(target.query) == {"next": [url]}
    )


# What a POST carries: on a request page, the action that would change the request if the page
# let the visitor in.
CLAIM = {"action": "claim"}


def _send(client, method: str, url: str):
    return client.get(url) if method == "get" else client.post(url, CLAIM)


def test_the_online_request_pages_are_recognised():
    names = {pattern.name for pattern in GUARDED if _is_request_page(pattern)}
    assert {"requests", "request_detail"} <= names


by_page = pytest.mark.parametrize("pattern", GUARDED, ids=lambda pattern: pattern.name)
by_method = pytest.mark.parametrize("method", ["get", "post"])


@by_page
@by_method
def test_anonymous_user_is_sent_to_the_login(client, citizen, application, pattern, method):
    url = _url(pattern, citizen, application)
    assert _redirected_to(_send(client, method, url), "login", url)


@by_page
@by_method
def test_user_without_second_factor_is_sent_to_the_code_step(
    client, citizen, application, colleague, pattern, method
):
    client.force_login(user_for(colleague))
    url = _url(pattern, citizen, application)
    assert _redirected_to(_send(client, method, url), "verify", url)


@by_page
@by_method
def test_login_without_staff_member_is_refused(client, citizen, application, pattern, method):
    log_in_verified(client, user_for(username="nur-ein-login"))
    response = _send(client, method, _url(pattern, citizen, application))
    assert response.status_code == 403
    assert citizen.name not in response.content.decode()
    assert application.name not in response.content.decode()


@by_page
@by_method
def test_inactive_staff_member_is_refused(client, citizen, application, colleague, pattern, method):
    colleague.active = False
    colleague.save()
    log_in_verified(client, user_for(colleague))
    response = _send(client, method, _url(pattern, citizen, application))
    assert response.status_code == 403
    assert citizen.name not in response.content.decode()
    assert application.name not in response.content.decode()


@by_page
@by_method
def test_staff_of_another_department_sees_nothing_of_it(
    client, citizen, application, stranger, pattern, method
):
    log_in_verified(client, user_for(stranger))
    url = _url(pattern, citizen, application)
    response = _send(client, method, url)
    if pattern.pattern.converters:
        assert response.status_code in (403, 404)
    body = response.content.decode()
    secrets = (
        citizen.name,
        citizen.reference,
        citizen.location.name,
        citizen.items.get().service.department.name,
        application.name,
        application.reference,
        application.data["last_name"],
    )
    # What the URL holds the visitor typed themselves; a page may echo it (a "back" link).
    for secret in (secret for secret in secrets if secret not in url):
        assert secret not in body, f"office:{pattern.name} shows {secret!r}"
    application.refresh_from_db()
    assert (application.status, application.claimed_by, application.staff_notes) == (
        OnlineRequest.Status.SUBMITTED,
        None,
        "",
    )


@pytest.mark.parametrize(
    "pattern",
    [pattern for pattern in GUARDED if _is_request_page(pattern)],
    ids=lambda pattern: pattern.name,
)
def test_clerk_of_the_department_opens_the_online_request_pages(
    client, citizen, application, colleague, pattern
):
    """The other side of the test above: the sampled request is real, so a 404 there is the
    department scope at work, not an unknown reference."""
    log_in_verified(client, user_for(colleague))
    response = client.get(_url(pattern, citizen, application))
    assert response.status_code == 200
    assert application.reference in response.content.decode()
    assert application.name in response.content.decode()


def test_overview_lists_only_the_clerks_own_department_and_location(client, citizen, stranger):
    log_in_verified(client, user_for(stranger))
    response = client.get(reverse("office:overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Standesamt Nord" in body and "Paul Fremd" in body
    assert "Bürgerbüro Mitte" not in body and "Einwohnermeldewesen" not in body


def test_administrator_overview_lists_every_department_and_location(client, citizen, stranger):
    stranger.role = StaffMember.Role.ADMINISTRATOR
    stranger.save()
    log_in_verified(client, user_for(stranger))
    response = client.get(reverse("office:overview"))
    body = response.content.decode()
    for name in ("Standesamt Nord", "Bürgerbüro Mitte", "Standesamt", "Einwohnermeldewesen"):
        assert name in body


@pytest.mark.urls("tests.office.role_urls")
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (StaffMember.Role.CLERK, 403),
        (StaffMember.Role.TEAM_LEAD, 200),
        (StaffMember.Role.ADMINISTRATOR, 200),
    ],
)
@pytest.mark.parametrize("url", role_urls.LEAD_PAGES)
def test_page_for_team_leads_refuses_clerks(client, colleague, role, status, url):
    colleague.role = role
    colleague.save()
    log_in_verified(client, user_for(colleague))
    response = client.get(url)
    assert response.status_code == status
