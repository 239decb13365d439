"""The ALTCHA proof of work for API clients: a challenge to solve, sent back with a reservation."""

from django.utils import timezone
from ninja import Router

from amtstermin.core import captcha, limits

router = Router(tags=["captcha"])


@router.get(
    "/captcha/challenge",
    response=dict,
    summary="A new ALTCHA challenge (solve it, send the payload as `altcha`)",
)
def challenge(request):
    """The same challenge the booking page's widget gets: solving it takes about a second of
    computing; the solution counts once and for five minutes."""
    client = limits.client_network(request)
    return captcha.challenge(now=timezone.now(), client=client)
