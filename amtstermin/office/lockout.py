"""Who django-axes counts failed logins for (settings.AXES_*)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amtstermin.core.limits import client_address


def client_ip(request: HttpRequest) -> str | None:
    """The client as the rate limits see it (proxies, IPv6 /64), as one address or None.

    Axes stores an IP address, not a network: an IPv6 client counts by its /64's first address,
    so hopping between addresses of one network does not reset the count.
    """
    address = client_address(request).partition("/")[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # no usable REMOTE_ADDR (a unix socket): count by username alone
        return None


def locked_out(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """The lockout page (settings.AXES_LOCKOUT_CALLABLE), in the office's look and language."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "office/locked_out.html", context, status=429)
