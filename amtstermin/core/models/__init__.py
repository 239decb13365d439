from .appointment import (
    CHANGEABLE,
    HOLDING,
    AccessToken,
    Appointment,
    AppointmentEvent,
    AppointmentItem,
    Channel,
    SentMessage,
    Status,
    WaitingNumberCounter,
)
from .catalog import Document, Service, ServiceDocument
from .organisation import FEDERAL_STATES, Counter, Department, Location, public_holidays
from .staff import Absence, Closure, RosterBlock, StaffMember

__all__ = [
    "CHANGEABLE",
    "FEDERAL_STATES",
    "HOLDING",
    "Absence",
    "AccessToken",
    "Appointment",
    "AppointmentEvent",
    "AppointmentItem",
    "Channel",
    "Closure",
    "Counter",
    "Department",
    "Document",
    "Location",
    "RosterBlock",
    "SentMessage",
    "Service",
    "ServiceDocument",
    "StaffMember",
    "Status",
    "WaitingNumberCounter",
    "public_holidays",
]
