import pytest
import wcwidth

from translator.errors import TranslationUnavailable
from translator.importer import save_page
from translator.news import Hypothesis
from translator.pipeline import run
from translator.review import render_review

from .conftest import page, subheading


class JapaneseEngine:
    package, package_version = "fake", "1"

    def translate(self, sentences):
        return [Hypothesis("大統領は木曜日、記者会見でこう述べた。" * (1 + len(s) // 40)) for s in sentences]


@pytest.fixture
def reviewed(store):
    save_page(
        store,
        page("Headline here", ["First sentence is here. Second one follows it closely.", subheading("A subheading"), "Last paragraph."]),
    )
    run(store, lambda: JapaneseEngine(), lambda i, lang: f"/{i}/{lang}")
    return store


@pytest.mark.parametrize("width", [80, 160])
def test_columns_fit_and_align(reviewed, width):
    lines = render_review(reviewed, 1, width).splitlines()
    assert all(wcwidth.width(line) <= width for line in lines)
    left = (width - 3) // 2
    rows = [line for line in lines[1:] if not line.startswith("──")]
    # every row has the separator at the same column, counted in terminal cells
    assert all(wcwidth.width(line.split("│")[0]) == left + 1 for line in rows)


def test_markers_and_sentences(reviewed):
    lines = render_review(reviewed, 1, 80).splitlines()
    assert lines[0] == "Article 1 · 2025/02/21 18:38 · ja by fake 1"
    markers = [line.split(" ")[1] + (" " + line.split(" ")[2] if line.startswith("── ¶") else "") for line in lines if line.startswith("──")]
    assert markers == ["headline", "¶ 1", "subheading", "¶ 2"]
    para = lines[lines.index(next(l for l in lines if l.startswith("── ¶ 1"))) + 1 :]
    assert para[0].startswith("First sentence is here.")
    assert para[1].rstrip() == " " * 38 + " │"  # the gap between two sentences
    assert para[2].startswith("Second one follows it closely.")
    assert all(wcwidth.width(line) == 80 for line in lines if line.startswith("──"))


def test_needs_a_current_translation(store):
    save_page(store, page("Headline", ["Body."]))
    with pytest.raises(TranslationUnavailable):
        render_review(store, 1, 80)
