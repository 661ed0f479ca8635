"""The benchmark's articles are real pages in the journal layout."""

import sys

import pytest

from translator.importer import page_files, read_page

from .conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import bench  # noqa: E402


@pytest.mark.skipif(not bench.NTREX.is_file(), reason="the shared corpus is not beside this checkout")
def test_ntrex_documents_become_pages(tmp_path):
    count = bench.write_pages(tmp_path, copies=2)
    pages = [read_page(path) for path in page_files([tmp_path])]
    assert count == len(pages) == 1 + 2 * 62
    assert len({(p.published, p.headline) for p in pages}) == len(pages)  # all distinct articles
    sentences = sum(len(p.body) for p in pages)
    assert sentences > 2 * 300
