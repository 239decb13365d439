"""The staff API's authentication: `Authorization: Bearer <key>` (core/api_keys.py)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from amtstermin.core import api_keys
from amtstermin.core.models import ApiKey, StaffMember


class KeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return api_keys.find(token, now=timezone.now())


def key_of(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined]


def reader(request: HttpRequest) -> StaffMember:
    """The staff member the key acts as."""
    return key_of(request).staff


def writer(request: HttpRequest) -> StaffMember:
    """The staff member the key acts as; PermissionDenied (403) for a read-only key."""
    key = key_of(request)
    if not key.may_write:
        raise PermissionDenied
    return key.staff


def audit(get_response):
    """Middleware: every call the staff API answered for a key goes into its call log."""

    def handle(request: HttpRequest):
        response = get_response(request)
        key = getattr(request, "auth", None)
        if isinstance(key, ApiKey):
            api_keys.record_call(
                key,
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                now=timezone.now(),
            )
        return response

    return handle
