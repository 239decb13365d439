from .accessibility import AccessibilityFeedback, AccessibilityStatement, SignLanguageVideo
from .api_key import ApiCall, ApiKey
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
from .calendar_feed import CalendarFeed
from .catalog import Document, RequestKind, Service, ServiceDocument
from .content import ContentPage, Notice
from .online_request import OnlineRequest, OnlineRequestEvent, OnlineRequestToken
from .opening_hours import OpeningHours
from .organisation import FEDERAL_STATES, Counter, Department, Location, public_holidays
from .staff import Absence, Closure, RosterBlock, StaffMember
from .visit import DeviceLink, Visit, VisitEvent, VisitItem
from .webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .wish import Wish, WishItem, WishOffer, WishToken

__all__ = [
    "ApiCall",
    "ApiKey",
    "AccessibilityFeedback",
    "AccessibilityStatement",
    "SignLanguageVideo",
    "CHANGEABLE",
    "FEDERAL_STATES",
    "HOLDING",
    "Absence",
    "AccessToken",
    "Appointment",
    "AppointmentEvent",
    "AppointmentItem",
    "CalendarFeed",
    "Channel",
    "Closure",
    "ContentPage",
    "Counter",
    "Department",
    "DeviceLink",
    "Document",
    "Location",
    "Notice",
    "OnlineRequest",
    "OnlineRequestEvent",
    "OnlineRequestToken",
    "OpeningHours",
    "RosterBlock",
    "SentMessage",
    "RequestKind",
    "Service",
    "ServiceDocument",
    "StaffMember",
    "Status",
    "Visit",
    "VisitEvent",
    "VisitItem",
    "WaitingNumberCounter",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "Wish",
    "WishItem",
    "WishOffer",
    "WishToken",
    "public_holidays",
]
