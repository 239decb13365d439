"""The office's list of feedback on barriers: team leads and administrators answer it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import accessibility
from amtstermin.core.models import StaffMember
from tests.conftest import berlin
from tests.office.logins import log_in_verified, user_for

NOW = berlin(2026, 12, 4, 15, 0)
URL = "/verwaltung/barrierefreiheit/"


def report(*, now=NOW, email="erika@example.org", message="Der Kalender geht nicht."):
    return accessibility.submit_feedback(
        name="Erika Mustermann",
        email=email,
        page="/termin/",
        message=message,
        language="de",
        now=now,
    )


@pytest.fixture
def lead(client, colleague) -> StaffMember:
    colleague.role = StaffMember.Role.TEAM_LEAD
    colleague.save()
    log_in_verified(client, user_for(colleague))
    return colleague


def test_the_url_is_the_office_page():
    assert reverse("office:accessibility_feedback") == URL


def test_lead_sees_open_feedback_by_due_date_and_overdue_in_words(client, lead, mailoutbox):
    report(now=berlin(2026, 11, 2, 9, 0), message="Alte Barriere")
    report(message="Neue Barriere")

    response = client.get(URL)

    body = response.content.decode()
    assert body.index("Alte Barriere") < body.index("Neue Barriere")
    assertContains(response, "Überfällig: die Antwort war fällig am 16. November 2026")
    assertContains(response, "Fällig bis 18. Dezember 2026")
    assertContains(response, 'href="mailto:erika@example.org"')


def test_lead_answers_and_the_item_leaves_the_list(client, lead, mailoutbox):
    feedback = report()
    mailoutbox.clear()

    response = client.post(URL, {"feedback": feedback.pk, "text": "Ist behoben."}, follow=True)

    assertContains(response, "Ihre Antwort ist gespeichert")
    assertContains(response, "Es gibt keine offenen Rückmeldungen.")
    feedback.refresh_from_db()
    assert (feedback.answer, feedback.answered_by) == ("Ist behoben.", lead)
    [mail] = mailoutbox
    assert mail.to == ["erika@example.org"] and "Ist behoben." in mail.body


@pytest.mark.parametrize("text", ["", "x" * 5001, "a\x00b"])
def test_bad_answer_is_shown_at_its_field(client, lead, mailoutbox, text):
    feedback = report()

    response = client.post(URL, {"feedback": feedback.pk, "text": text})

    assert response.status_code in (400, 422)
    if response.status_code == 422:
        assertContains(response, f'href="#answer-{feedback.pk}"', status_code=422)
    feedback.refresh_from_db()
    assert feedback.answered_at is None


def test_answering_an_answered_or_unknown_item_is_refused(client, lead, mailoutbox):
    feedback = report()
    accessibility.answer(feedback=feedback, actor=lead, text="Erledigt.", now=NOW)

    for pk in (feedback.pk, "999999", "²", ""):
        response = client.post(URL, {"feedback": pk, "text": "Nochmal."})
        assertContains(response, "bereits beantwortet", status_code=422)
    feedback.refresh_from_db()
    assert feedback.answer == "Erledigt."


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (StaffMember.Role.CLERK, 403),
        (StaffMember.Role.TEAM_LEAD, 200),
        (StaffMember.Role.ADMINISTRATOR, 200),
    ],
)
def test_only_leads_and_administrators_open_the_page(client, colleague, mailoutbox, role, status):
    feedback = report()
    colleague.role = role
    colleague.save()
    log_in_verified(client, user_for(colleague))

    assert client.get(URL).status_code == status
    response = client.post(URL, {"feedback": feedback.pk, "text": "Von der Sachbearbeitung."})
    assert response.status_code in (status, 302)
    if status == 403:
        assertNotContains(response, "Erika", status_code=403)
        feedback.refresh_from_db()
        assert feedback.answered_at is None


def test_overview_links_the_page_with_the_count_for_leads_only(client, lead, mailoutbox):
    report()
    report()

    assertContains(
        client.get(reverse("office:overview")), "Rückmeldungen zur Barrierefreiheit</a> (2 offen)"
    )
    lead.role = StaffMember.Role.CLERK
    lead.save()
    assertNotContains(client.get(reverse("office:overview")), URL)


def test_the_list_reads_as_many_queries_for_one_row_as_for_three(client, lead, mailoutbox):
    report()
    client.get(URL)  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    report()
    report()
    with CaptureQueriesContext(connection) as three:
        client.get(URL)

    assert len(one) == len(three)
