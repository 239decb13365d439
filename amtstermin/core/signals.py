"""Catalogue and location edits bump the versions of the locations they touch.

A cached calendar or wizard page is keyed by its location's version; a service deactivated, made
longer or withdrawn from a location must not be offered from a cache for another minute.
"""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import Location, Service


@receiver(post_save, sender=Location)
def location_saved(sender, instance: Location, created: bool, **kwargs) -> None:
    # Horizon, notice or slot size changed in the admin: the cached pages are out of date.
    if not created:
        instance.bump_version()


@receiver(post_save, sender=Service)
def service_saved(sender, instance: Service, created: bool, **kwargs) -> None:
    if not created:
        Location.objects.filter(services=instance).update(version=F("version") + 1)


@receiver(m2m_changed, sender=Service.locations.through)
def service_locations_changed(sender, instance, action: str, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if isinstance(instance, Service):
        locations = Location.objects.filter(services=instance)
        if pk_set:
            locations = Location.objects.filter(pk__in=pk_set) | locations
    else:  # changed from the location's side
        locations = Location.objects.filter(pk=instance.pk)
    Location.objects.filter(pk__in=locations.values("pk")).update(version=F("version") + 1)
