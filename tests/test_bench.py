"""The benchmark's articles are real pages in the journal layout."""

import csv
import math
from collections import Counter

import pytest

from translator.text.importer import page_files, read_page
from translator.text.journal import parse_page

from .conftest import SEED

from bench import bench


@pytest.mark.skipif(not bench.NTREX.is_file(), reason="the shared corpus is not beside this checkout")
def test_ntrex_documents_become_pages(tmp_path):
    count = bench.write_pages(tmp_path, copies=2)
    pages = [read_page(path) for path in page_files([tmp_path])]
    with bench.NTREX.open(encoding="utf-8", newline="") as file:
        sentences = Counter(row["doc_id"] for row in csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert count == len(pages) == 1 + 2 * len(sentences)
    assert len({(p.published, p.headline) for p in pages}) == len(pages)  # all distinct articles
    # Each document: its first sentence the headline, the rest three to a paragraph.
    per_copy = sum(math.ceil((n - 1) / bench.PARAGRAPH_SENTENCES) for n in sentences.values())
    seed = parse_page(SEED.read_text(encoding="utf-8"))
    assert sum(len(p.body) for p in pages) == len(seed.body) + 2 * per_copy
