import pytest
import wcwidth
from hypothesis import example, given
from hypothesis import strategies as st

from translator.core.errors import TranslationUnavailable
from translator.text.importer import save_page
from translator.core.news import Hypothesis
from translator.translation.pipeline import run
from translator.site.review import render_review, wrap

from .conftest import page, subheading


class JapaneseEngine:
    """Long Japanese for long English, so that rows wrap; cuts sentences that mention 'cut'."""

    package, package_version = "fake", "1"

    def translate(self, sentences):
        return [Hypothesis("大統領は木曜日、記者会見でこう述べた。" * (1 + len(s) // 40), "cut" in s) for s in sentences]


@pytest.fixture
def reviewed(store):
    save_page(
        store,
        page("Headline here", ["First sentence is here. Second one follows it closely.", subheading("A subheading"), "Last paragraph."]),
    )
    run(store, JapaneseEngine)
    return store.aligned_article(1, "ja")


@pytest.mark.parametrize("width", [80, 160])
def test_columns_fit_and_align(reviewed, width):
    lines = render_review(reviewed, width).splitlines()
    assert all(wcwidth.width(line) <= width for line in lines)
    left = (width - 3) // 2
    rows = [line for line in lines[1:] if not line.startswith("──")]
    # every row has the separator at the same column, counted in terminal cells
    assert all(wcwidth.width(line.split("│")[0]) == left + 1 for line in rows)


def test_markers_and_sentences(reviewed):
    lines = render_review(reviewed, 80).splitlines()
    assert lines[0] == "Article 1 · 2025/02/21 18:38 · ja by fake 1"
    markers = [line.strip("─ ") for line in lines if line.startswith("──")]
    assert markers == ["headline", "¶ 1", "subheading", "¶ 2"]
    assert all(wcwidth.width(line) == 80 for line in lines if line.startswith("──"))
    first = lines.index(next(line for line in lines if line.startswith("── ¶ 1")))
    assert lines[first + 1 : first + 4] == [
        "First sentence is here.                │ 大統領は木曜日、記者会見でこう述べた。",
        "                                       │",  # the gap between two sentences
        "Second one follows it closely.         │ 大統領は木曜日、記者会見でこう述べた。",
    ]


def test_truncated_translations_are_marked(store):
    save_page(store, page("Headline", ["This one was cut. This one was not."]))
    run(store, JapaneseEngine)
    lines = render_review(store.aligned_article(1, "ja"), 80).splitlines()
    cut = lines.index(next(line for line in lines if line.startswith("This one was cut.")))
    assert lines[cut + 1] == " " * 38 + " │ (truncated at the length limit)"
    assert lines.count(" " * 38 + " │ (truncated at the length limit)") == 1


def test_needs_a_current_translation(store):
    save_page(store, page("Headline", ["Body."]))
    with pytest.raises(TranslationUnavailable, match="does not exist yet"):
        render_review(store.aligned_article(1, "ja"), 80)


# -- wrapping: what must hold whatever wcwidth's version (issue 25) ----------------------------

_PIECES = ["a", "b", "word", "-", "--", " ", "  ", "あ", "漢字", "e\u0301", "1", "—", "👍", "👨\u200d👩\u200d👧", "א", "。", "\u3000", "🇯🇵", "\u00a0"]


@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join), st.integers(1, 30))
@example("Procter-and-Gamble-shares-fell-sharply", 10)
@example("x" * 100, 7)
@example("漢" * 30, 5)
@example("あaa", 3)
def test_wrap_fits_the_width_loses_nothing_and_keeps_the_order(text, width):
    """No line wider than asked (but a lone grapheme wider than the whole line), every
    character but the spaces at line ends kept, in order; no empty line."""
    lines = wrap(text, width)
    assert all(wcwidth.width(line) <= width or len(list(wcwidth.iter_graphemes(line))) == 1 for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
    assert all(line.strip() for line in lines)


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Procter-and-Gamble-shares-fell-sharply", 10, ["Procter-", "and-", "Gamble-", "shares-", "fell-", "sharply"]),
        ("あaa", 3, ["あa", "a"]),
        ("漢字 ab", 1, ["漢", "字", "a", "b"]),
        ("the president met the minister", 12, ["the", "president", "met the", "minister"]),
    ],
)
def test_wrap_breaks_at_spaces_and_after_hyphens(text, width, lines):
    assert wrap(text, width) == lines


def test_an_unbroken_token_is_cut_to_the_width_and_nothing_lost():
    token = "x" * 5000 + "漢" * 3000
    lines = wrap(token, 38)
    assert "".join(lines) == token
    assert all(wcwidth.width(line) <= 38 for line in lines)
    # 11,000 columns: every line full (the x-to-漢 line too: 22 + 8 × 2), the last holds the rest
    assert [wcwidth.width(line) for line in lines] == [38] * 289 + [18]


def test_rows_with_right_to_left_text_keep_their_order(store):
    class HebrewEngine:
        package, package_version = "fake", "1"

        def translate(self, sentences):
            return [Hypothesis("שלום עולם" if "Hebrew" in s else "日本語", False) for s in sentences]

    save_page(store, page("Headline", ["A Hebrew line. A plain line."]))
    run(store, HebrewEngine)
    lines = render_review(store.aligned_article(1, "ja"), 80).splitlines()
    hebrew = next(line for line in lines if "שלום" in line)
    assert hebrew == "\u200eA Hebrew line." + " " * 24 + "\u200e │ \u200eשלום עולם"
    assert "A plain line." + " " * 25 + " │ 日本語" in lines  # rows without right-to-left text are unchanged
    assert all(wcwidth.width(line) <= 80 for line in lines)
