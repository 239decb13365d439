"""The shapes of demo data: plain, frozen records a town file fills in."""

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal


@dataclass(frozen=True)
class Text:
    """A text citizens read, in German (the default language) and English."""

    de: str
    en: str = ""


@dataclass(frozen=True)
class DepartmentSpec:
    slug: str
    name: Text
    description: Text = Text("")
    position: int = 0


@dataclass(frozen=True)
class DocumentSpec:
    """A document to bring; identified by its German name, shared by every service naming it."""

    name: Text
    note: Text = Text("")


@dataclass(frozen=True)
class Needs:
    """One document of a service and its quantity rule ("per_unit" or "once")."""

    document: DocumentSpec
    rule: str = "per_unit"


@dataclass(frozen=True)
class ServiceSpec:
    slug: str
    department: str  # DepartmentSpec.slug
    name: Text
    description: Text = Text("")
    life_situation: Text = Text("")
    synonyms: str = ""
    mode: str = "appointment"
    external_url: str = ""
    request_kind: str = ""  # the online form of a service done without a visit
    duration_minutes: int = 10
    additional_minutes: int = 0
    max_quantity: int = 1
    fee: Decimal = Decimal("0.00")
    fee_note: Text = Text("")
    legal_basis: str = ""
    leika_key: str = ""  # 14 digits of the federal Leistungskatalog
    documents: tuple[Needs, ...] = ()
    offered_here: bool = True  # False: another authority's service (shown as a link only)


@dataclass(frozen=True)
class Block:
    """A weekly roster block (weekday 0 = Monday)."""

    weekday: int
    start: time
    end: time
    online_bookable: bool = True


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    department: str  # DepartmentSpec.slug
    skills: tuple[str, ...]  # ServiceSpec.slug
    blocks: tuple[Block, ...]
    absent_this_week: bool = False
    role: str = "clerk"  # StaffMember.Role; every demo clerk works at the town's one location


@dataclass(frozen=True)
class LocationSpec:
    slug: str
    name: Text
    street: str
    postcode: str
    city: str
    federal_state: str
    directions: Text = Text("")
    email: str = ""
    phone: str = ""
    min_notice_minutes: int = 60
    requires_email_confirmation: bool = True
    hold_minutes: int = 30
    rerelease_minutes: int = 15
    waiting_prefix: str = "A"
    counters: tuple[str, ...] = ()
    # Official opening hours per weekday, shown on the start page; every roster block must lie
    # inside them.
    opening_hours: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """A kind of booking citizens make, with its relative frequency and quantity weights."""

    services: tuple[str, ...]  # ServiceSpec.slug
    weight: int
    quantities: tuple[int, ...] = (1,)  # weights of quantity 1, 2, 3 … for the first service


@dataclass(frozen=True)
class StatementSpec:
    """The accessibility statement's fields (core/models/accessibility.py); dates are the day of
    the first seed."""

    compliance: str  # AccessibilityStatement.Compliance
    known_gaps: Text  # Markdown
    method: str  # AccessibilityStatement.Method
    method_note: Text
    contact_email: str
    contact_phone: str = ""
    reply_days: int = 14


@dataclass(frozen=True)
class PageSpec:
    """A content page (core/models/content.py); `kind` is a ContentPage.Kind, body Markdown."""

    kind: str
    title: Text
    body: Text


@dataclass(frozen=True)
class NoticeSpec:
    """A start-page notice shown until removed; identified by its German title."""

    title: Text
    body: Text = Text("")
    level: str = "info"  # Notice.Level


@dataclass(frozen=True)
class Town:
    departments: tuple[DepartmentSpec, ...]
    location: LocationSpec
    services: tuple[ServiceSpec, ...]
    staff: tuple[StaffSpec, ...]
    requests: tuple[Request, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    phone_prefix: str
    admin_username: str
    admin_name: str  # the administrator's staff member, which sees every department
    admin_department: str  # DepartmentSpec.slug
    admin_password: str
    staff_password: str
    demo_totp_secret: str  # base32, as authenticator apps take it typed in
    # Device link keys, public like the passwords so a rerun can print the same addresses.
    demo_display_token: str
    demo_kiosk_token: str
    roster_valid_from: date
    pages: tuple[PageSpec, ...] = ()  # start-page text and legal pages
    notices: tuple[NoticeSpec, ...] = ()
    accessibility: StatementSpec | None = None  # the Erklärung zur Barrierefreiheit
