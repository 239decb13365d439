"""Texts staff write in the admin (legal pages, start-page text, notices): Markdown made safe.

Markdown is parsed as CommonMark with raw HTML switched off, then the HTML is sanitised against
an allow-list, so only what a text needs comes through: no script, no event handler, no image,
no link to javascript: or data:. Only sanitised output is ever marked safe.
"""

import functools
from urllib.parse import urlsplit

import nh3
from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField, Value
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from . import counters
from .models.accessibility import AccessibilityStatement
from .models.content import PAGE_KINDS_CACHE_KEY, ContentPage

# A number pages showing these texts are cached under (the start page); see texts_version().
TEXTS_VERSION_CACHE_KEY = "content:texts-version"

# Another app server keeps its own in-process cache: a page created or removed there shows in
# the footer here within this many seconds. A shared cache (Redis) is told at once.
PAGE_KINDS_SECONDS = 60

TAGS = {
    *("h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote"),
    *("ul", "ol", "li", "strong", "em", "code", "pre", "a"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# KERN UX styles its own classes, not bare elements: each tag gets its class after cleaning.
KERN_CLASSES = {
    "h2": "kern-heading-medium",
    "h3": "kern-heading-small",
    "h4": "kern-title kern-title--small",
    "h5": "kern-title kern-title--small",
    "h6": "kern-title kern-title--small",
    "p": "kern-body",
    "ul": "kern-list kern-list--bullet",
    "ol": "kern-list kern-list--number",
    "a": "kern-link",
    "table": "kern-table",
    "thead": "kern-table__header",
    "tbody": "kern-table__body",
    "tr": "kern-table__row",
    "th": "kern-table__header",
    "td": "kern-table__cell",
    "hr": "kern-divider",
}
EXTERNAL_REL = "noopener noreferrer"

# CommonMark without raw HTML (typed tags come out as text), plus tables; no images: a town's
# text has no place to store them, and an image URL would let a reader's visit be tracked.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


# A pure function of its arguments, and the start page renders the same few texts on every
# visit: parsing and sanitising cost more than the rest of that page together.
@functools.lru_cache(maxsize=256)
def render_markdown(text: str, *, top_heading: int = 2) -> SafeString:
    """`text` as sanitised HTML, its headings below the page's own (see `_heading_levels`)."""
    tokens = _markdown.parse(text or "")
    levels = _heading_levels(tokens, top_heading)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = levels[token.tag]
        elif token.type == "inline" and token.children:
            token.children = _checked_links(token.children)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return mark_safe(sanitise(html))  # safe: sanitised on this very line


def _heading_levels(tokens: list, top_heading: int) -> dict[str, str]:
    """The tag each heading level used in the text is shown as.

    The page's title is its one <h1>, so the text's highest level becomes <h{top_heading}>
    whether the writer began with "#" or "##", and the levels used follow one another without
    a gap ("#" and "###" become h2 and h3): screen-reader users navigate by heading level.
    """
    used = sorted({token.tag for token in tokens if token.type == "heading_open"})
    return {tag: f"h{min(top_heading + rank, 6)}" for rank, tag in enumerate(used)}


def _checked_links(children: list) -> list:
    """Links to an allowed address, external ones with rel; any other link keeps only its text.

    (The sanitiser would drop such an address too, but leave an <a> that looks like a link.)
    """
    kept = []
    dropping = False
    for child in children:
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            scheme = urlsplit(href).scheme.lower()
            dropping = bool(scheme) and scheme not in URL_SCHEMES
            if dropping:
                continue
            if scheme in ("http", "https") or href.startswith("//"):
                child.attrSet("rel", EXTERNAL_REL)
        elif child.type == "link_close" and dropping:
            dropping = False
            continue
        kept.append(child)
    return kept


def sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and link schemes of `html`, then add KERN classes."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes={"a": {"href", "title"}},
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        set_tag_attribute_values={
            **{tag: {"class": classes} for tag, classes in KERN_CLASSES.items()},
            # A Markdown table has header cells in its first row only: column headers.
            "th": {"class": KERN_CLASSES["th"], "scope": "col"},
        },
        url_schemes=URL_SCHEMES,
        link_rel=None,  # set above, for external links only
        strip_comments=True,
    )


def page_kinds() -> frozenset[str]:
    """The kinds of content page that exist (cached: every page's footer asks)."""
    kinds = cache.get(PAGE_KINDS_CACHE_KEY)
    if kinds is None:
        # The accessibility statement also exists once the admin has filled in its fields
        # (citizen/content/views.py writes the page from them); one query for both.
        statement = (
            AccessibilityStatement.objects.annotate(
                kind=Value(ContentPage.Kind.ACCESSIBILITY.value, output_field=CharField())
            )
            .order_by()
            .values_list("kind", flat=True)
        )
        pages = ContentPage.objects.order_by().values_list("kind", flat=True)
        kinds = sorted(pages.union(statement))
        cache.set(PAGE_KINDS_CACHE_KEY, kinds, PAGE_KINDS_SECONDS)
    return frozenset(kinds)


def texts_version() -> int:
    """A number that moves whenever staff save or delete a content page, the accessibility
    statement or a notice (core/signals.py); a counter in the shared cache (core/counters.py)."""
    return counters.read(TEXTS_VERSION_CACHE_KEY)


def texts_changed() -> None:
    """Move texts_version now, for the rest of this transaction, and again after the commit: a
    request that read the old rows in between may have stored its page under the moved one."""
    counters.move(TEXTS_VERSION_CACHE_KEY)
    transaction.on_commit(lambda: counters.move(TEXTS_VERSION_CACHE_KEY))
