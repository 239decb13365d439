"""Everything a citizen must know about one appointment, worded once for mails and pages alike.

Emails and the citizen's appointment page both render a `Summary`, so the two can never
disagree about a time, a fee or a document. Texts and times follow the active language; times
are always the location's wall clock, whatever zone is active.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Max, Min, Prefetch, Q, prefetch_related_objects
from django.utils import formats
from django.utils.translation import gettext as _

from .items import DocumentToBring, Item, documents_to_bring, total_fee
from .models import Appointment, AppointmentItem, Location, Status

# Coming early fills the waiting area; five minutes is enough to find the way and sit down.
ARRIVE_BEFORE = timedelta(minutes=5)
# Nothing is brought to an appointment that no longer takes place.
WITHDRAWN = (Status.CANCELLED, Status.EXPIRED)

ITEMS = Prefetch("items", queryset=AppointmentItem.objects.select_related("service"))


@dataclass(frozen=True)
class Summary:
    appointment: Appointment
    location: Location
    # What the appointment is like now: a hold past its lifetime counts as expired even before
    # expire_holds() has written that down.
    status: str
    status_label: str
    items: list[Item]
    services: list[str]  # "2 × Personalausweis"
    start: datetime  # the location's wall clock
    end: datetime
    when: str  # "Montag, 7. Dezember 2026, 09:30 Uhr"
    duration_minutes: int
    duration: str  # "ca. 40 Min."
    documents: list[DocumentToBring]
    document_lines: list[str]  # "2 × Code Ihres digitalen Passbilds — oder Foto vor Ort, 6 €"
    total_fee: Decimal
    fee: str  # "92,00 €" or "gebührenfrei"
    fee_notes: list[tuple[str, str]]  # (service name, note) for fees that vary
    arrival: str  # "09:25"
    arrival_advice: str  # the whole sentence around `arrival`
    hold_until: str | None  # a reserved hold's deadline ("08:30"), even once passed; else None
    has_begun: bool  # its start has passed: no arrival advice, no changes online
    reference: str
    waiting_number: str

    @property
    def is_withdrawn(self) -> bool:
        return self.status in WITHDRAWN


def summarize(appointment: Appointment, *, now: datetime) -> Summary:
    """The facts of `appointment` as the citizen reads them; raises nothing.

    Three queries at most, whatever the number of services: the items (skipped when the caller
    prefetched them with ITEMS), the documents (skipped once the appointment is withdrawn) and
    the opening time for the arrival advice.
    """
    location = appointment.location
    items = items_of(appointment)
    status = appointment.status
    if appointment.is_stale_hold(now=now):
        status = Status.EXPIRED
    start = appointment.start.astimezone(location.zone)
    end = appointment.end.astimezone(location.zone)
    documents = [] if status in WITHDRAWN else documents_to_bring(items)
    fee = total_fee(items)
    arrival = formats.time_format(arrival_time(location, start))
    hold_until = None
    if appointment.status == Status.RESERVED and appointment.hold_expires_at:
        hold_until = formats.time_format(appointment.hold_expires_at.astimezone(location.zone))
    return Summary(
        appointment=appointment,
        location=location,
        status=status,
        status_label=str(Status(status).label),
        items=items,
        services=[_count_line(item.quantity, item.service.name) for item in items],
        start=start,
        end=end,
        when=when(start),
        duration_minutes=appointment.duration_minutes,
        duration=_("about %(minutes)s min.") % {"minutes": appointment.duration_minutes},
        documents=documents,
        document_lines=[_document_line(document) for document in documents],
        total_fee=fee,
        fee=fee_text(fee),
        fee_notes=[
            (item.service.name, item.service.fee_note) for item in items if item.service.fee_note
        ],
        arrival=arrival,
        arrival_advice=_(
            "Please come at %(arrival)s, not earlier – this keeps the waiting area free."
        )
        % {"arrival": arrival},
        hold_until=hold_until,
        has_begun=appointment.start <= now,
        reference=appointment.reference,
        waiting_number=appointment.waiting_number,
    )


def arrival_time(location: Location, start: datetime) -> datetime:
    """When to come for `start` (the location's wall clock): ARRIVE_BEFORE ahead, but never
    before the doors open. The official opening hours around `start` decide; where none cover
    it, the earliest roster block around it. One query."""
    day, moment = start.date(), start.time()
    around = Location.objects.filter(pk=location.pk).aggregate(
        opens=Max(
            "opening_hours__opens",
            filter=Q(
                opening_hours__weekday=day.weekday(),
                opening_hours__opens__lte=moment,
                opening_hours__closes__gt=moment,
            ),
        ),
        roster=Min(
            "roster__start_time",
            filter=Q(
                roster__weekday=day.weekday(),
                roster__start_time__lte=moment,
                roster__end_time__gt=moment,
                roster__valid_from__lte=day,
            )
            & (Q(roster__valid_until__isnull=True) | Q(roster__valid_until__gte=day)),
        ),
    )
    arrival = start - ARRIVE_BEFORE
    opens = around["opens"] or around["roster"]
    if opens is None:
        return arrival
    return max(arrival, datetime.combine(day, opens, tzinfo=start.tzinfo))


def items_of(appointment: Appointment) -> list[Item]:
    """The booked services with quantities; one query unless the caller prefetched ITEMS."""
    prefetch_related_objects([appointment], ITEMS)
    return [Item(row.service, row.quantity) for row in appointment.items.all()]


def when(moment: datetime) -> str:
    """E.g. "Montag, 7. Dezember 2026, 09:30 Uhr" in the active language, on `moment`'s clock."""
    day = _("%(weekday)s, %(date)s") % {
        "weekday": formats.date_format(moment, "l"),
        "date": formats.date_format(moment, "DATE_FORMAT"),
    }
    return _("%(date)s at %(time)s") % {"date": day, "time": formats.time_format(moment)}


def _count_line(count: int, name: str) -> str:
    return f"{count} × {name}"


def _document_line(document: DocumentToBring) -> str:
    line = _count_line(document.count, document.name)
    return f"{line} — {document.note}" if document.note else line


def fee_text(fee: Decimal) -> str:
    if not fee:
        return _("free of charge")
    return _("%(fee)s €") % {"fee": formats.number_format(fee, decimal_pos=2)}
