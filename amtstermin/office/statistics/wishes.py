"""The wish-list's section of the statistics page: per service, the wishes left in the period,
the share served, the median wait from verification to an accepted offer, the offers declined
and lapsed (core/wishes/statistics.py defines each)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from amtstermin.core.models import Department, Location
from amtstermin.core.statistics import Period
from amtstermin.core.wishes import statistics

from .charts import bar_chart, percent
from .figures import Section


def section(location: Location, period: Period, *, departments: list[Department] | None) -> Section:
    rows = statistics.figures(location, period.first, period.last, departments=departments)
    return Section(
        "wishes",
        _("Wish-list"),
        bar_chart(
            [
                (row.service.name, row.served_share, percent(row.served_share), False)
                for row in rows
            ],
            full=1,
        ),
        [
            _("Service"),
            _("Wishes left"),
            _("Served"),
            _("Median wait until accepted"),
            _("Offers declined"),
            _("Offers lapsed"),
        ],
        [
            [
                row.service.name,
                str(row.left),
                percent(row.served_share),
                hours(row.median_hours),
                str(row.declined),
                str(row.lapsed),
            ]
            for row in rows
        ],
        note=_(
            "Wishes whose email was confirmed (or taken by phone) in this period, and the share "
            "of them booked by now; the bars show that share."
        ),
    )


def hours(value: float | None) -> str:
    if value is None:
        return "–"
    return _("%(hours)s h") % {"hours": number_format(round(value, 1), 1)}
