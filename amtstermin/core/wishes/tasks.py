"""The wish-list's background work: serve a location's queue after a change freed time."""

from django.utils import timezone
from django_tasks import task

from ..models import Location
from . import matching


@task()
def serve_wishes(*, location_id: int) -> int:
    """Offer the location's free time to its waiting wishes (wishes/matching.py)."""
    location = Location.objects.filter(pk=location_id).first()
    return matching.serve(location, now=timezone.now()) if location else 0
