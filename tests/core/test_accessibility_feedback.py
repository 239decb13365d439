"""Feedback on barriers: submit (due date, mails), answer (scope, once) and the purge."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from amtstermin.core import accessibility, retention
from amtstermin.core.models import AccessibilityFeedback, AccessibilityStatement, StaffMember
from tests import factories
from tests.conftest import berlin

SITE = "https://termine.musterstadt.de"
# Late on a Friday evening in Berlin: already Saturday in UTC, the due date counts local days.
NOW = berlin(2026, 12, 4, 23, 30)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def statement(db):
    return AccessibilityStatement.objects.create(
        prepared_on=date(2026, 11, 1),
        reviewed_on=date(2026, 11, 30),
        contact_email="barrierefreiheit@musterstadt.example",
        reply_days=10,
    )


def submit(**fields):
    values = {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "page": "/termin/",
        "message": "Der Kalender lässt sich nicht mit der Tastatur bedienen.",
        "language": "de",
        "now": NOW,
    }
    return accessibility.submit_feedback(**{**values, **fields})


def lead(role=StaffMember.Role.TEAM_LEAD):
    return factories.staff(role=role, name="Lea Leitung")


def test_submit_stores_feedback_due_after_the_statements_reply_days(statement, mailoutbox):
    feedback = submit()

    assert feedback.due_on == date(2026, 12, 14)
    assert feedback.received_at == NOW and feedback.answered_at is None
    assert list(accessibility.open_feedback()) == [feedback]


def test_without_a_statement_feedback_is_due_in_fourteen_days(db, mailoutbox):
    assert submit().due_on == date(2026, 12, 18)
    # The citizen's acknowledgement only: no statement, so no contact to notify.
    assert [mail.to for mail in mailoutbox] == [["erika@example.org"]]


def test_citizen_and_contact_get_mails_in_their_languages(statement, smtp_server):
    submit(language="en")

    by_recipient = {str(mail["To"]): mail for mail in smtp_server.messages}
    citizen = by_recipient["erika@example.org"]
    office = by_recipient["barrierefreiheit@musterstadt.example"]
    assert "We have received your feedback" in str(citizen["Subject"])
    text = citizen.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Hello Erika Mustermann," in text and "14 December 2026" in text
    assert citizen.get_body(preferencelist=("html",)) is not None
    assert "Neue Rückmeldung zur Barrierefreiheit" in str(office["Subject"])
    office_text = office.get_body(preferencelist=("plain",)).get_content()
    assert "Tastatur" in office_text and f"{SITE}/verwaltung/barrierefreiheit/" in office_text
    assert str(office["Reply-To"]) == "erika@example.org"


def test_anonymous_feedback_notifies_only_the_contact(statement, mailoutbox):
    submit(name="", email="")

    [mail] = mailoutbox
    assert mail.to == ["barrierefreiheit@musterstadt.example"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"message": "   "}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"message": "Barriere\x00"}, "message"),
        ({"name": "Erika\x00"}, "name"),
        ({"email": "keine-adresse"}, "email"),
        ({"page": "/" * 301}, "page"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(statement, mailoutbox, fields, field):
    with pytest.raises(accessibility.FeedbackError) as refused:
        submit(**fields)

    assert refused.value.field == field
    assert not AccessibilityFeedback.objects.exists() and mailoutbox == []


def test_a_message_of_the_largest_size_is_taken(statement, mailoutbox):
    assert len(submit(message="x" * 5000).message) == 5000


@pytest.mark.parametrize("role", [StaffMember.Role.TEAM_LEAD, StaffMember.Role.ADMINISTRATOR])
def test_lead_answers_and_the_citizen_gets_the_answer_in_their_language(
    statement, mailoutbox, role
):
    feedback = submit(language="en")
    actor = lead(role)
    mailoutbox.clear()

    accessibility.answer(
        feedback=feedback, actor=actor, text="Wir haben es behoben.", now=NOW + timedelta(days=1)
    )

    feedback.refresh_from_db()
    assert (feedback.answered_by, feedback.answer) == (actor, "Wir haben es behoben.")
    assert feedback.answered_at == NOW + timedelta(days=1)
    [mail] = mailoutbox
    assert mail.to == ["erika@example.org"]
    assert mail.subject == "Our answer to your feedback on accessibility"
    assert "Wir haben es behoben." in mail.body
    assert list(accessibility.open_feedback()) == []


def test_clerk_may_not_answer(statement, mailoutbox):
    feedback = submit()

    with pytest.raises(PermissionDenied):
        accessibility.answer(feedback=feedback, actor=factories.staff(), text="Ok", now=NOW)

    feedback.refresh_from_db()
    assert feedback.answered_at is None


def test_answering_twice_is_refused(statement, mailoutbox):
    feedback = submit()
    actor = lead()
    accessibility.answer(feedback=feedback, actor=actor, text="Erledigt.", now=NOW)

    with pytest.raises(accessibility.AlreadyAnswered):
        accessibility.answer(feedback=feedback, actor=actor, text="Nochmal.", now=NOW)

    feedback.refresh_from_db()
    assert feedback.answer == "Erledigt."
    assert [mail.subject for mail in mailoutbox].count(
        "Unsere Antwort auf Ihre Rückmeldung zur Barrierefreiheit"
    ) == 1


@pytest.mark.parametrize("text", ["  ", "x" * 5001, "a\x00b"])
def test_empty_or_hostile_answer_is_refused(statement, mailoutbox, text):
    feedback = submit()

    with pytest.raises(accessibility.FeedbackError):
        accessibility.answer(feedback=feedback, actor=lead(), text=text, now=NOW)

    feedback.refresh_from_db()
    assert feedback.answered_at is None


def test_the_purge_erases_feedback_a_year_after_the_answer(statement, mailoutbox):
    answered = submit()
    accessibility.answer(feedback=answered, actor=lead(), text="Erledigt.", now=NOW)
    still_open = submit(name="Otto Offen")

    assert retention.purge(now=NOW + timedelta(days=300)).feedback == 0
    assert retention.purge(now=NOW + timedelta(days=367)).feedback == 1

    answered.refresh_from_db()
    still_open.refresh_from_db()
    assert (answered.name, answered.email, answered.message, answered.answer) == ("", "", "", "")
    assert answered.page == "/termin/" and answered.answered_at == NOW
    assert still_open.name == "Otto Offen"
