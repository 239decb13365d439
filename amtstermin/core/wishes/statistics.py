"""The wish-list's figures of one location over a period, per service, for the office's
statistics page. Three queries whatever the range.

Definitions (tests/core/test_wishes_statistics.py spells them out with numbers):
- Left: wishes whose mailbox was proven (or that staff took by phone) in the period and that
  name this location among theirs; a wish for two services counts for each.
- Served: of those, the ones fulfilled by now (an accepted offer or placed by the office, at
  any of their locations); the share is served / left.
- Waited: from verification to the acceptance of an offer at this location, for offers
  accepted in the period; the median in hours.
- Declined and lapsed: offers of times at this location answered no, or left unanswered
  until the hold ended, in the period.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from ..models import Department, Location, Service, Wish, WishItem, WishOffer


@dataclass(frozen=True)
class WishFigures:
    service: Service
    left: int
    served: int
    median_hours: float | None  # verification to accepted offer
    declined: int
    lapsed: int

    @property
    def served_share(self) -> float | None:
        return self.served / self.left if self.left else None


def figures(
    location: Location,
    first,
    last,
    *,
    departments: Sequence[Department] | None = None,
) -> list[WishFigures]:
    """Per service with any figure: the wishes at `location` left from local day `first` to
    `last` (inclusive) and how they fared; only `departments`' services when given."""
    begin = location.local_day_start(first)
    end = location.local_day_start(last + timedelta(days=1))
    items = WishItem.objects.filter(
        wish__locations=location, wish__verified_at__gte=begin, wish__verified_at__lt=end
    )
    answered = WishOffer.objects.filter(
        appointment__location=location,
        decided_at__gte=begin,
        decided_at__lt=end,
        state__in=[WishOffer.State.ACCEPTED, WishOffer.State.DECLINED, WishOffer.State.LAPSED],
    )
    left: dict[int, int] = defaultdict(int)
    served: dict[int, int] = defaultdict(int)
    for service_id, status in items.values_list("service_id", "wish__status"):
        left[service_id] += 1
        served[service_id] += status == Wish.Status.FULFILLED
    waited: dict[int, list[float]] = defaultdict(list)
    declined: dict[int, int] = defaultdict(int)
    lapsed: dict[int, int] = defaultdict(int)
    rows = answered.values_list("state", "decided_at", "wish__verified_at", "wish__items__service")
    for state, decided_at, verified_at, service_id in rows:
        if state == WishOffer.State.ACCEPTED:
            if decided_at is None or verified_at is None:  # the filters exclude it
                continue
            waited[service_id].append((decided_at - verified_at).total_seconds() / 3600)
        elif state == WishOffer.State.DECLINED:
            declined[service_id] += 1
        else:
            lapsed[service_id] += 1
    ids = set(left) | set(waited) | set(declined) | set(lapsed)
    shown = Service.objects.all()
    if departments is not None:
        shown = shown.filter(department__in=departments)
    services = shown.in_bulk(ids)
    return sorted(
        (
            WishFigures(
                service=service,
                left=left[pk],
                served=served[pk],
                median_hours=median(waited[pk]) if waited[pk] else None,
                declined=declined[pk],
                lapsed=lapsed[pk],
            )
            for pk, service in services.items()
        ),
        key=lambda row: (row.service.name, row.service.pk),
    )
