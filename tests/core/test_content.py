"""Staff texts: Markdown rendered safely, notices shown for their time, pages looked up once."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import IntegrityError, transaction
from django.utils.safestring import SafeString

from amtstermin.core import content
from amtstermin.core.content import render_markdown
from amtstermin.core.models import ContentPage, Notice
from tests.conftest import berlin

NOW = berlin(2026, 12, 20, 12, 0)


def test_markdown_becomes_kern_styled_html_below_the_pages_own_heading():
    html = render_markdown(
        "# Verantwortlich\n\nDie **Stadt** *Musterstadt*.\n\n## Kontakt\n\n- Markt 1\n- 12345"
    )

    assert isinstance(html, SafeString)
    assert '<h2 class="kern-heading-medium">Verantwortlich</h2>' in html
    assert '<h3 class="kern-heading-small">Kontakt</h3>' in html
    assert "<h1" not in html
    assert '<p class="kern-body">Die <strong>Stadt</strong> <em>Musterstadt</em>.</p>' in html
    assert '<ul class="kern-list kern-list--bullet">\n<li>Markt 1</li>' in html


def test_texts_highest_heading_sits_just_below_the_pages_title_whatever_its_level():
    assert render_markdown("## Kontakt").startswith('<h2 class="kern-heading-medium">Kontakt')
    assert render_markdown("### Kontakt").startswith("<h2")
    assert render_markdown("# Hinweis", top_heading=3).startswith("<h3")


def test_heading_levels_follow_one_another_without_a_gap_and_stop_at_h6():
    html = render_markdown("# Eins\n\n### Drei\n\n# Eins\n\n###### Sechs")
    assert [tag for tag, _attributes in parsed(html)] == ["h2", "h3", "h2", "h4"]

    every = "\n\n".join("#" * level + f" Ebene {level}" for level in range(1, 7))
    assert [tag for tag, _ in parsed(render_markdown(every))] == [
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "h6",
    ]


def test_quotes_code_rules_line_breaks_and_tables_come_through():
    html = render_markdown(
        "> zitiert\n\n`§ 5 TMG`\n\nerste  \nzweite\n\n---\n\n"
        "| Tag | Zeit |\n|---|---|\n| Mo | 8–12 |"
    )

    assert "<blockquote>" in html and "<code>§ 5 TMG</code>" in html
    assert "erste<br>" in html
    assert '<hr class="kern-divider">' in html
    # (The sanitiser writes the attributes it adds in no fixed order.)
    assert ("th", [("class", "kern-table__header"), ("scope", "col")]) in [
        (tag, sorted(attributes)) for tag, attributes in parsed(html)
    ]
    assert '<td class="kern-table__cell">8–12</td>' in html


def test_external_links_get_noopener_and_noreferrer_and_own_pages_do_not():
    html = render_markdown(
        "[Land](https://www.land.nrw/) [Impressum](/impressum/) "
        "[Mail](mailto:post@musterstadt.example) [Telefon](tel:+492214710100)"
    )

    assert (
        '<a href="https://www.land.nrw/" rel="noopener noreferrer" class="kern-link">Land</a>'
        in html
    )
    assert '<a href="/impressum/" class="kern-link">Impressum</a>' in html
    assert '<a href="mailto:post@musterstadt.example" class="kern-link">Mail</a>' in html
    assert '<a href="tel:+492214710100" class="kern-link">Telefon</a>' in html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "Text <script>alert(1)</script> mehr",
        "<img src=x onerror=alert(1)>",
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        "[klick](javascript:alert(1))",
        "[klick](JaVaScRiPt:alert(1))",
        "[klick](java&#115;cript:alert(1))",
        "<javascript:alert(1)>",
        "[Bild](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[Bild](data:image/png;base64,iVBORw0KGgo=)",
        "![Bild](data:image/png;base64,iVBORw0KGgo=)",
        "![x](https://tracker.example/pixel.gif)",
        '<iframe src="https://example.org"></iframe>',
        '<div style="position:fixed">x</div>',
        "[x](vbscript:msgbox(1))",
        "[x](file:///etc/passwd)",
    ],
)
def test_nothing_that_runs_loads_or_tracks_comes_through(markdown):
    elements = parsed(render_markdown(markdown))

    for tag, attributes in elements:
        assert tag in {"p", "a", "strong", "em", "code"}, tag
        for name, value in attributes:
            assert name in {"class", "href", "rel"}, name
            if name == "href":
                assert value.split(":")[0] in {"https", "http"}, value


def parsed(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every element of `html` as a browser's parser finds it: (tag, attributes)."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown('<b>fett</b> <a href="https://example.org">x</a>')

    assert "&lt;b&gt;fett&lt;/b&gt;" in html
    assert "<b>" not in html and "<a " not in html


def test_a_link_to_a_forbidden_address_keeps_only_its_text():
    assert (
        render_markdown("[weiter](ftp://example.org/datei)") == '<p class="kern-body">weiter</p>\n'
    )


def test_sanitiser_alone_strips_what_markdown_would_never_make():
    cleaned = content.sanitise(
        '<h1>Titel</h1><p onmouseover="x()">Text</p><a href="javascript:x()" rel="opener">a</a>'
        '<a href="https://example.org" target="_blank">b</a><style>p{}</style>'
    )

    assert "<h1>" not in cleaned and "Titel" in cleaned
    assert "onmouseover" not in cleaned
    assert "javascript" not in cleaned and 'rel="opener"' not in cleaned
    assert "target" not in cleaned
    assert "<style" not in cleaned and "p{}" not in cleaned


def test_empty_text_renders_as_nothing():
    assert render_markdown("") == ""


# Notices


def notice(**fields) -> Notice:
    return Notice.objects.create(**{"title": "Am 24.12. geschlossen", **fields})


@pytest.mark.django_db
def test_notice_without_dates_is_current_until_removed():
    always = notice()

    assert list(Notice.objects.current(NOW)) == [always]
    assert always.is_current(NOW)


@pytest.mark.django_db
def test_notice_is_current_from_its_start_until_just_before_its_end():
    closing = notice(shown_from=NOW - timedelta(days=1), shown_until=NOW + timedelta(days=4))

    for moment, current in [
        (closing.shown_from - timedelta(seconds=1), False),
        (closing.shown_from, True),
        (NOW, True),
        (closing.shown_until - timedelta(seconds=1), True),
        (closing.shown_until, False),
    ]:
        assert Notice.objects.current(moment).exists() is current, moment
        assert closing.is_current(moment) is current, moment


@pytest.mark.django_db
def test_notices_not_yet_started_or_over_are_not_current():
    notice(title="kommt noch", shown_from=NOW + timedelta(hours=1))
    notice(title="vorbei", shown_until=NOW - timedelta(hours=1))
    shown = notice(title="läuft", shown_until=NOW + timedelta(hours=1))

    assert list(Notice.objects.current(NOW)) == [shown]


@pytest.mark.django_db
def test_a_notice_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        notice(shown_from=NOW, shown_until=NOW - timedelta(days=1))


# Content pages


@pytest.mark.django_db
def test_there_is_one_page_of_each_kind():
    ContentPage.objects.create(kind=ContentPage.Kind.PRIVACY, title="Datenschutz", body="…")

    with pytest.raises(IntegrityError), transaction.atomic():
        ContentPage.objects.create(kind=ContentPage.Kind.PRIVACY, title="Noch einmal", body="…")


@pytest.mark.django_db
def test_page_kinds_are_read_once_and_forgotten_when_a_page_is_saved_or_deleted(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        assert content.page_kinds() == frozenset()
        assert content.page_kinds() == frozenset()  # from the cache

    page = ContentPage.objects.create(kind=ContentPage.Kind.PRIVACY, title="Datenschutz", body="…")
    assert content.page_kinds() == {"privacy"}

    page.delete()
    assert content.page_kinds() == frozenset()


@pytest.mark.django_db(transaction=True)
def test_page_kinds_are_forgotten_again_after_the_commit():
    # A request that read the rows before the commit may have cached the old answer meanwhile.
    with transaction.atomic():
        ContentPage.objects.create(kind=ContentPage.Kind.PRIVACY, title="Datenschutz", body="…")
        content.cache.set(content.PAGE_KINDS_CACHE_KEY, [], 60)  # a stale reader, mid-commit

    assert content.page_kinds() == {"privacy"}
