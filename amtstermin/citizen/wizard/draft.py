"""The booking a citizen is putting together, kept in the server-side session between steps.

Nothing a step decided travels in hidden fields: a tampered form can only ask again, and every
step re-checks what it reads here against the database (services still offered, time still free).
"""

import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.http import HttpRequest

from amtstermin.core import captcha, inputs
from amtstermin.core.items import Item
from amtstermin.core.models import Location, Service

# The catalogue's order, grouped for {% regroup %}: department, then life situation. Chosen
# services are listed in the same order everywhere.
CATALOGUE = (
    "department__position",
    "department__name",
    "department_id",
    "life_situation",
    "position",
    "name",
)
SESSION_KEY = "booking_draft"
# The last booking this session made, so a double click on "Verbindlich buchen" that arrives after
# the draft was cleared still lands on the booked page instead of an empty wizard.
BOOKED_KEY = "booking_done"


@dataclass
class Draft:
    quantities: dict[str, int] = field(default_factory=dict)  # service pk (as str) → quantity
    location: int | None = None
    several_locations: bool = False  # whether the location step is part of the way
    start: str | None = None  # ISO instant in UTC
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = ""
    # When the ALTCHA proof of work was verified (ISO instant). It vouches for one chosen time
    # while a challenge lives (captcha.still_counts); without it the booking is only held.
    proven_at: str | None = None
    # Whether this browser has solved a proof (its JavaScript runs): asked to solve again when a
    # new time drops the proof, rather than silently only held.
    solves_proofs: bool = False
    # Makes "Verbindlich buchen" idempotent: a double click books once.
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def has_contact(self) -> bool:
        return bool(self.name and self.email)

    def start_at(self) -> datetime | None:
        return datetime.fromisoformat(self.start) if self.start else None

    def proven(self, *, now: datetime) -> bool:
        verified = datetime.fromisoformat(self.proven_at) if self.proven_at else None
        return captcha.still_counts(verified, now)

    def choose(self, start: datetime | None) -> None:
        """Another time (or none): a proof given for the time before counts no more."""
        new = start.isoformat() if start else None
        if new != self.start:
            self.start, self.proven_at = new, None

    def items(self, *, at: Location | None = None) -> list[Item]:
        """The chosen services that are still bookable (at `at`, if given), in catalogue order."""
        wanted = {int(pk): quantity for pk, quantity in self.quantities.items() if quantity > 0}
        services = Service.objects.bookable().filter(pk__in=wanted)
        if at is not None:
            services = services.offered_at(at)
        return [
            Item(service, min(wanted[service.pk], service.max_quantity))
            for service in services.order_by(*CATALOGUE)
        ]

    def wanted(self) -> int:
        return sum(1 for quantity in self.quantities.values() if quantity > 0)

    def place(self) -> Location | None:
        return Location.loaded(self.location) if self.location else None


def load(request: HttpRequest) -> Draft:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return Draft()
    try:
        return Draft(**stored)
    except TypeError:  # a session written by an older release: start again
        return Draft()


def save(request: HttpRequest, draft: Draft) -> None:
    request.session[SESSION_KEY] = asdict(draft)


def finish(request: HttpRequest, draft: Draft, token: str) -> None:
    """Forget the draft; remember which booking its key made."""
    request.session.pop(SESSION_KEY, None)
    request.session[BOOKED_KEY] = {"key": draft.key, "token": token}


def booked_token(request: HttpRequest, key: str) -> str | None:
    done = request.session.get(BOOKED_KEY)
    if isinstance(done, dict) and key and done.get("key") == key:
        return done.get("token")
    return None


def parse_day(value: str | None) -> date | None:
    return inputs.parse_date(value)
