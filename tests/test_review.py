import pytest
import wcwidth

from translator.errors import TranslationUnavailable
from translator.importer import save_page
from translator.news import Hypothesis
from translator.pipeline import run
from translator.review import render_review

from .conftest import journal_page as page, subheading


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
