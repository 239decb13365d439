"""Catalogue and location edits bump the versions of the locations they touch; staff texts
(content pages, notices) move the texts' version (core/content.py).

A location's bump also moves its bookings counter after the commit, which every cached calendar,
search and wizard page is checked against; a service deactivated, made longer or withdrawn from
a location must not be offered from a cache for another minute.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import content
from .models import AccessibilityStatement, ContentPage, Location, Notice, Service


@receiver(post_save, sender=Location)
def location_saved(sender, instance: Location, created: bool, **kwargs) -> None:
    # Horizon, notice or slot size changed in the admin: the cached pages are out of date.
    if not created:
        instance.bump_version()


@receiver(post_save, sender=Service)
def service_saved(sender, instance: Service, created: bool, **kwargs) -> None:
    if not created:
        Location.bump_versions(Location.objects.filter(services=instance))


@receiver(pre_delete, sender=Service)
def service_deleted(sender, instance: Service, **kwargs) -> None:
    # Before: the deletion takes the service's rows in Service.locations with it, unsignalled.
    Location.bump_versions(Location.objects.filter(services=instance))


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
    Location.bump_versions(Location.objects.filter(pk__in=locations.values("pk")))


@receiver([post_save, post_delete], sender=ContentPage)
@receiver([post_save, post_delete], sender=Notice)
@receiver([post_save, post_delete], sender=AccessibilityStatement)
def text_changed(sender, **kwargs) -> None:
    # The start page is cached under the texts' version (citizen/views.py): its welcome text,
    # notices and footer links (which legal pages exist) show at once.
    content.texts_changed()
