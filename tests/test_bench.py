"""The benchmarks' inputs and outputs: NTREX documents as real pages in the journal layout, MBR's outputs as lines."""

import csv
import json
import math
from collections import Counter

import pytest

from translator.text.importer import page_files, read_page
from translator.text.journal import parse_page

from .conftest import SEED

from bench import bench, mbr
from models.recipe.evaluate import read_dev, score


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


@pytest.mark.skipif(not mbr.NTREX.is_file(), reason="the shared corpus is not beside this checkout")
def test_mbr_writes_the_outputs_it_scored_line_by_line(tmp_path, capsys):
    """bench.mbr --out: line k of each file is dev sentence k, and the files give the printed scores."""
    settings = ["beam2", "beam4-mbr4"]
    assert mbr.main(["--limit", "4", "--threads", "1", "--settings", ",".join(settings), "--out", str(tmp_path)]) == 0
    references = read_dev(mbr.NTREX)[1][:4]
    assert (tmp_path / "references.txt").read_text(encoding="utf-8").splitlines() == references
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["setting"] for row in rows] == settings
    for row in rows:
        lines = (tmp_path / f"{row['setting']}.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 4 and all(lines)
        assert score(lines, references) == {"chrF": row["chrF"], "BLEU": row["BLEU"]}
