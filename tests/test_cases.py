"""The handed inputs of issue 7 (../shared/cases/) that concern import, each with its right value.

The files' text is copied here (tests do not read ../shared). The splitter's cases are
in test_segment.py, the cp1252 input of `translate text` in test_cli.py.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from translator.app import App
from translator.text.cleaning import Cleaned
from translator.cli import cli
from translator.core.news import Status
from translator.store import Store

from .conftest import FakeEngine

HTML_ENTITIES = """HOME > AFP-JIJI PRESS NEWS JOURNAL > Article
Procter &amp; Gamble shares fall
Procter &amp; Gamble shares fell 3 percent on Friday.
The company&#8217;s chief said demand was &quot;soft&quot;.
&nbsp;
The talks ended.&nbsp;No deal was reached.
(2025/03/01 10:30)
Click Here for Japanese TranslationAFP-JIJI PRESS NEWS JOURNAL
"""

MOJIBAKE = (
    "HOME > AFP-JIJI PRESS NEWS JOURNAL > Article\n"
    "Minister\u00e2\u20ac\u2122s aide resigns\n"
    "The minister\u00e2\u20ac\u2122s aide resigned on Monday \u00e2\u20ac\u201d officials said the report was "
    "\u00e2\u20ac\u0153unfair\u00e2\u20ac\x9d.\n"
    "(2025/03/02 09:03)\n"
)

EMPTY_HEADLINE = """HOME > AFP-JIJI PRESS NEWS JOURNAL > Article

The council met on Monday. It approved the budget.
The mayor praised the vote.
(2025/03/02 09:00)
"""

CORRECTION_V1 = """HOME > AFP-JIJI PRESS NEWS JOURNAL > Article
Quake hits nothern Japan
A strong earthquake struck northern Japan on Monday.
No tsunami warning was issued.
(2025/03/03 08:00)
"""
CORRECTION_V2 = CORRECTION_V1.replace("nothern", "northern")


def invoke(*args: str, app: App | None = None):
    return CliRunner().invoke(cli, list(args), obj=app, catch_exceptions=False)


@pytest.fixture
def write(tmp_path: Path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def blocks(store: Store, article_id: int = 1) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(b.kind, b.text, b.sentences) for b in store.blocks(article_id)]


def test_html_entities(write, store):
    result = invoke("import", str(path := write("html_entities.txt", HTML_ENTITIES)))
    assert result.exit_code == 0
    assert result.stderr == (
        f"Note: {path}: text repaired: html-entities (lines 2-6), spaces (lines 5, 6)\n"
    )
    assert result.stdout == (
        "Imported 1 page (1 new, 0 updated, 0 unchanged) and 0 headline-only articles; 1 page with repaired text\n"
    )
    assert blocks(store) == [
        ("headline", "Procter & Gamble shares fall", ("Procter & Gamble shares fall",)),
        (
            "paragraph",
            "Procter & Gamble shares fell 3 percent on Friday.",
            ("Procter & Gamble shares fell 3 percent on Friday.",),
        ),
        (
            "paragraph",
            'The company’s chief said demand was "soft".',
            ('The company’s chief said demand was "soft".',),
        ),  # no empty paragraph for the &nbsp; line
        ("paragraph", "The talks ended. No deal was reached.", ("The talks ended.", "No deal was reached.")),
    ]
    assert store.repairs(1)[3] == Cleaned(
        "The talks ended. No deal was reached.", "The talks ended.&nbsp;No deal was reached.", ("html-entities", "spaces")
    )


def test_mojibake(write, store):
    result = invoke("import", str(path := write("mojibake_cp1252_as_utf8.txt", MOJIBAKE)))
    assert result.exit_code == 0
    assert result.stderr == f"Note: {path}: text repaired: mojibake (lines 2, 3)\n"
    assert blocks(store) == [
        ("headline", "Minister’s aide resigns", ("Minister’s aide resigns",)),
        (
            "paragraph",
            "The minister’s aide resigned on Monday — officials said the report was “unfair”.",
            ("The minister’s aide resigned on Monday — officials said the report was “unfair”.",),
        ),
    ]
    assert store.repairs(1)[0].original == "Minister\u00e2\u20ac\u2122s aide resigns"


def test_empty_headline(write, store):
    result = invoke("import", str(path := write("empty_headline.txt", EMPTY_HEADLINE)))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: missing the headline: line 2, after the breadcrumb, is blank\n"
    assert store.db["articles"].count == 0


def test_headline_correction(write, store):
    assert invoke("import", str(write("headline_correction_v1.txt", CORRECTION_V1))).exit_code == 0
    assert invoke("run", app=App(engine_factory=lambda config: FakeEngine())).exit_code == 0
    result = invoke("import", str(write("headline_correction_v2.txt", CORRECTION_V2)))
    assert result.stdout == "Imported 1 page (0 new, 1 updated, 0 unchanged) and 0 headline-only articles\n"
    [article] = store.articles("ja")
    assert (article.id, article.headline, article.status) == (1, "Quake hits northern Japan", Status.STALE)
    assert blocks(store)[0] == ("headline", "Quake hits northern Japan", ("Quake hits northern Japan",))
    result = invoke("show", "1")
    assert result.stderr == "Error: the ja translation of article 1 is out of date (the English changed): run `translate run`\n"
