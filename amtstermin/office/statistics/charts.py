"""Horizontal bar charts drawn as SVG on the server, and the German numbers beside them.

Every bar carries its own label and value as text, so the chart never relies on colour, and the
page shows the same figures in a table next to it. Coordinates are whole numbers: a float would
be rendered with the German decimal comma inside an SVG attribute.
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

WIDTH = 340  # viewBox units: at phone width one unit is about one pixel, so labels stay legible
PLOT = 250  # the longest bar; the rest leaves room for the value after it
ROW = 44  # label line plus bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    top: int
    length: int
    muted: bool  # a yardstick (e.g. the average on file) beside a measured value

    @property
    def label_y(self) -> int:
        return self.top + 14

    @property
    def bar_y(self) -> int:
        return self.top + 20

    @property
    def value_x(self) -> int:
        return self.length + 6

    @property
    def value_y(self) -> int:
        return self.top + 34


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]

    width: int = WIDTH

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW


def bar_chart(rows: list[tuple[str, float | None, str, bool]], *, full: float = 0) -> Chart:
    """Rows of (label, value, value as text, muted); bars scale to the largest value, or to
    `full` (1 for shares, so 6 % never looks like a full bar)."""
    largest = full or max((value or 0 for _label, value, _text, _muted in rows), default=0)
    return Chart(
        [
            Bar(
                label,
                text,
                index * ROW,
                round(PLOT * (value or 0) / largest) if largest else 0,
                muted,
            )
            for index, (label, value, text, muted) in enumerate(rows)
        ]
    )


def minutes(value: float | None) -> str:
    if value is None:
        return "–"
    # Whole minutes (booked, rostered) stay whole; medians keep one decimal.
    places = 0 if isinstance(value, int) else 1
    # number_format cuts digits off (14.58 would read 14): round first.
    text = number_format(round(value, places), places, force_grouping=True)  # 1.200 Min.
    return _("%(minutes)s min") % {"minutes": text}


def percent(share: float | None) -> str:
    if share is None:
        return "–"
    return _("%(percent)s %%") % {"percent": number_format(round(share * 100), 0)}
