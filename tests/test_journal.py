"""The journal layout both ways: pages parse as the desk writes them, and render back unchanged."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.core.errors import PageFormatError
from translator.text.cleaning import clean_line
from translator.text.journal import JST, MAX_LINE_CHARS, MAX_LINES, Headline, Page, parse_page, render_article, render_page
from translator.core.news import ArticleView, Block, BlockKind

from .conftest import SEED

BREADCRUMB = "HOME > AFP-JIJI PRESS NEWS JOURNAL > Article"


def test_seed_page_parses():
    page = parse_page(SEED.read_text(encoding="utf-8"))
    assert page.headline == "Mexico says won't accept US 'invasion' in fight against cartels"
    assert page.published == datetime(2025, 2, 21, 18, 38, tzinfo=JST)
    assert page.published.isoformat() == "2025-02-21T18:38:00+09:00"
    assert len(page.body) == 29
    assert page.body[0] == Block(
        BlockKind.PARAGRAPH,
        "Mexico's president warned the United States on Thursday her country would never tolerate "
        "an invasion of its national sovereignty and vowed fresh legal action against US gunmakers "
        "after Washington designated cartels as terrorist organizations.",
    )
    assert [b.text for b in page.body if b.kind == "subheading"] == [
        "'Eligible for drone strikes'?",
        "Mexico adjusting strategy",
    ]
    assert len(page.sidebar) == 42
    assert page.sidebar[1].headline == "Spain's ex-football boss Luis Rubiales fined over forced kiss"
    assert page.sidebar[-1].published == datetime(2025, 2, 13, 19, 5, tzinfo=JST)


def test_scrape_noise_does_not_change_the_page():
    clean = SEED.read_text(encoding="utf-8")
    lines = clean.splitlines()
    noisy = "\ufeff" + "\r\n\r\n".join(line + "  " for line in lines) + "\r\n"
    assert parse_page(noisy) == parse_page(clean)
    assert parse_page(noisy).content_hash == parse_page(clean).content_hash


def test_text_is_kept_as_written():
    parsed = parse_page(f"{BREADCRUMB}\n“Curly” quotes — stay\nHe said: “It’s fine.”  Twice.\n(2025/02/21 18:38)\n")
    assert parsed.headline == "“Curly” quotes — stay"
    assert parsed.body == (Block(BlockKind.PARAGRAPH, "He said: “It’s fine.”  Twice."),)


def test_sidebar_year_comes_from_the_page():
    text = (
        f"{BREADCRUMB}\nNew year page\nBody.\n(2025/01/02 09:00)\n"
        "- 01/02 08:00 Same day\n- 01/01 23:00 Day before\n- 12/31 22:00 Last year\n"
    )
    published = [entry.published for entry in parse_page(text).sidebar]
    assert published == [
        datetime(2025, 1, 2, 8, 0, tzinfo=JST),
        datetime(2025, 1, 1, 23, 0, tzinfo=JST),
        datetime(2024, 12, 31, 22, 0, tzinfo=JST),
    ]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "missing the breadcrumb line ('HOME > ...') at the top"),
        ("Just some text\nwith lines\n", "missing the breadcrumb line ('HOME > ...') at the top"),
        ("HOME > X > Article\nHeadline\nBody.\n", "missing the timestamp line '(YYYY/MM/DD HH:MM)'"),
        ("HOME > X > Article\n(2025/02/21 18:38)\n", "missing the headline"),
        ("HOME > X > Article\nHeadline\n(2025/02/21 18:38)\n", "missing the article body"),
        (
            "HOME > X > Article\nHeadline\n- Only a subheading -\n(2025/02/21 18:38)\n",
            "missing the article body (only subheadings)",
        ),
        (
            "HOME > X > Article\nHeadline\nBody.\n(2025/02/30 18:38)\n",
            "timestamp 2025/02/30 18:38 is not a valid date",
        ),
        ("HOME > X > Article\n\nBody.\nMore.\n(2025/02/21 18:38)\n", "missing the headline: line 2, after the breadcrumb, is blank"),
        (
            "HOME > X > Article\n\u00a0\nBody.\nMore.\n(2025/02/21 18:38)\n",
            "missing the headline: line 2, after the breadcrumb, is blank",
        ),
        (
            "HOME > X > Article\n&nbsp;\u200b\nBody.\nMore.\n(2025/02/21 18:38)\n",
            "missing the headline: line 2, after the breadcrumb, is blank",
        ),
        (  # double-spaced: the blank lines are layout, but there are two where the headline goes
            "HOME > X > Article\n\n\n\nBody.\n\nMore.\n\n(2025/02/21 18:38)\n",
            "missing the headline: line 2, after the breadcrumb, is blank",
        ),
        (
            "HOME > X > Article\nHeadline\nBody.\n(2025/02/21 18:38)\n" + "x" * (MAX_LINE_CHARS + 1) + "\n",
            f"line 5 is {MAX_LINE_CHARS + 1:,} characters long, over the limit of {MAX_LINE_CHARS:,} for one line",
        ),
        ("\n" * MAX_LINES, f"{MAX_LINES + 1:,} lines, over the limit of {MAX_LINES:,} for a page"),
    ],
    ids=lambda value: value[:60] if isinstance(value, str) else None,
)
def test_not_a_page(text, problem):
    with pytest.raises(PageFormatError) as raised:
        parse_page(text, "bad.txt")
    assert str(raised.value) == f"bad.txt: {problem}"


def test_a_sidebar_entry_with_an_impossible_date_is_left_out_with_a_warning():
    text = (
        f"{BREADCRUMB}\nPage\nBody.\n(2025/03/01 10:00)\n"
        "- 02/29 10:00 No February 29 in 2025\n- 02/28 09:00 Kept\n- 13/01 09:00 No month 13\n"
    )
    page = parse_page(text, "p.txt")
    assert page.sidebar == (Headline("Kept", datetime(2025, 2, 28, 9, 0, tzinfo=JST)),)
    assert page.warnings == (
        "line 5: sidebar entry left out, its date 2025/02/29 does not exist",
        "line 7: sidebar entry left out, its date 2024/13/01 does not exist",
    )


def test_text_after_the_timestamp_that_is_no_sidebar_entry_is_left_out_with_a_warning():
    text = (
        f"{BREADCRUMB}\nHeadline\nBody.\n(2025/02/21 18:38)\nClick Here for Japanese TranslationX\n"
        "- 02/21 18:00 Entry\nCopyright AFP-JIJI. All rights reserved.\n- 02/21 17:00 Second entry\n"
    )
    page = parse_page(text)
    assert page.body == (Block(BlockKind.PARAGRAPH, "Body."),)
    assert [entry.headline for entry in page.sidebar] == ["Entry", "Second entry"]
    assert page.warnings == ("line 7: left out, not a sidebar entry: 'Copyright AFP-JIJI. All rights reserved.'",)


def test_lines_are_cleaned_and_the_repairs_kept():
    text = (
        f"{BREADCRUMB}\nProcter &amp; Gamble shares fall\nThe company&#8217;s chief quit.\n\u200b\n"
        "Talks\u00a0ended.\n(2025/03/01 10:30)\n- 03/01 10:00 Minister\u00e2\u20ac\u2122s aide resigns\n"
    )
    page = parse_page(text)
    assert page.headline == "Procter & Gamble shares fall"
    assert page.body == (Block(BlockKind.PARAGRAPH, "The company’s chief quit."), Block(BlockKind.PARAGRAPH, "Talks ended."))
    assert page.sidebar[0].headline == "Minister’s aide resigns"
    assert [(r.line, r.block, r.entry, r.cleaned.original, r.cleaned.repairs) for r in page.repairs] == [
        (2, 0, None, "Procter &amp; Gamble shares fall", ("html-entities",)),
        (3, 1, None, "The company&#8217;s chief quit.", ("html-entities",)),
        (4, None, None, "\u200b", ("invisible-characters",)),  # a blank line now: no block
        (5, 2, None, "Talks\u00a0ended.", ("spaces",)),
        (7, None, 0, "- 03/01 10:00 Minister\u00e2\u20ac\u2122s aide resigns", ("mojibake",)),  # the line as it was
    ]


def test_control_characters_never_reach_the_page():
    page = parse_page(f"{BREADCRUMB}\nHead\x1b[2Jline\x07\nBody\u202e text\x9b.\n(2025/03/01 10:30)\n")
    # U+009B is read as the Windows-1252 byte it was (cleaning.clean_line)
    assert (page.headline, page.body[0].text) == ("Headline", "Body text›.")


def test_the_sample_page_renders_back_byte_for_byte():
    text = SEED.read_text(encoding="utf-8")
    assert not text.endswith("\n")  # the sample lacks a final line end; render_page writes one
    assert render_page(parse_page(text)) == text + "\n"


# Words that cannot be mistaken for layout: no line breaks, no '- ... -', no '(...)' stamps;
# and clean as clean_line leaves them, alone and as a subheading's or sidebar's line ("Ã©" would
# be repaired to "é"; "Â" before the space of "- ... -" is a mojibake no-break space).
_words = st.lists(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8), min_size=1, max_size=6)
_line = _words.map(" ".join).filter(
    lambda line: all(clean_line(t).text == t for t in (line, f"- {line} -", f"- 01/01 00:00 {line}"))
)
_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda t: t.replace(second=0, microsecond=0, tzinfo=JST)
)


@st.composite
def pages(draw) -> Page:
    published = draw(_times)
    kinds = draw(st.lists(st.sampled_from([BlockKind.PARAGRAPH, BlockKind.SUBHEADING]), min_size=1, max_size=6))
    kinds[draw(st.integers(0, len(kinds) - 1))] = BlockKind.PARAGRAPH  # a body needs a paragraph
    body = tuple(Block(kind, draw(_line)) for kind in kinds)
    # Sidebar entries lie within the year before the page (their year is inferred from it).
    ages = draw(st.lists(st.integers(0, 364 * 24 * 60), max_size=5))
    sidebar = tuple(Headline(draw(_line), published - timedelta(minutes=age)) for age in ages)
    return Page(draw(_line), published, body, sidebar)


@given(pages())
def test_parse_inverts_render(page: Page):
    assert parse_page(render_page(page)) == page


def test_render_article_in_the_journal_layout():
    view = ArticleView(
        7, "ja", "見出し", "2025-02-21T18:38:00+09:00",
        (Block(BlockKind.PARAGRAPH, "本文。"), Block(BlockKind.SUBHEADING, "小見出し")), "/articles/7/en",
    )
    assert render_article(view) == "見出し\n\n本文。\n\n- 小見出し -\n\n(2025/02/21 18:38)\nEnglish original: /articles/7/en"
    english = ArticleView(7, "en", "Headline", "2025-02-21T18:38:00+09:00", (Block(BlockKind.PARAGRAPH, "Body."),), None)
    assert render_article(english).endswith("\n(2025/02/21 18:38)\nClick Here for Japanese Translation: (pending)")
    known_by_its_headline = ArticleView(8, "en", "Headline", "2025-02-21T18:38:00+09:00", (), None, full_page=False)
    assert render_article(known_by_its_headline) == "Headline\n\n(2025/02/21 18:38)"
