"""Desk speed: the side-by-side page of a long article, and saving an edit, in a large database.

    .venv/bin/python bench/desk.py [--articles 10000] [--sentences 60] [--rounds 40]

Builds a temporary database of `--articles` machine-translated articles (each a
headline and two paragraphs of three sentences; the one measured has
`--sentences` sentences, a few of them edited and reviewed, and an audit trail),
then times through the Flask application, request handling included (session,
CSRF check, store opened per request, read model, template):

- page: GET /desk/articles/ID (budget 100 ms);
- save: POST of an edit as the desk's script sends it, answered with the new
  table row (budget 50 ms);
- list: GET /desk/ (the first 100 of all articles; no budget, for reference).

Prints one JSON object: the median and 95th percentile of each, in milliseconds,
and whether the medians are within budget. The server (waitress) is not in the
timing; it adds its own parsing and socket time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from translator.editorial import editing
from translator.app import App
from translator.text.journal import JST
from translator.core.news import Block, BlockKind, Hypothesis, Origin, TranslatedSentence, sentence_hash
from translator.store import Store
from translator.web import create_app

BUDGET_MS = {"page": 100.0, "save": 50.0}


def blocks(article: int, sentences: int) -> list[Block]:
    """A headline and paragraphs of three sentences, `sentences` in all, every sentence distinct."""
    headline = f"Story {article}: officials meet as talks on the budget resume"
    body = [
        f"Sentence {i} of story {article} says the ministers met on Friday to discuss the plan in detail."
        for i in range(1, sentences)
    ]
    paragraphs = [body[start : start + 3] for start in range(0, len(body), 3)]
    return [Block(BlockKind.HEADLINE, headline, (headline,))] + [
        Block(BlockKind.PARAGRAPH, " ".join(p), tuple(p)) for p in paragraphs
    ]


def build(path: Path, articles: int, sentences: int) -> int:
    """The database; returns the id of the article to measure (the newest)."""
    store = Store.open(path)
    start = datetime(2025, 1, 1, tzinfo=JST)
    with store.transaction():
        for n in range(articles):
            count = sentences if n == articles - 1 else 7
            article_blocks = blocks(n, count)
            content_hash = f"hash-{n}"
            article_id = store.write_article(
                None,
                headline=article_blocks[0].text,
                published=(start + timedelta(minutes=10 * n)).isoformat(),
                full_page=True,
                content_hash=content_hash,
                source=None,
                blocks=article_blocks,
            )
            store.save_translation(
                article_id,
                "ja",
                [
                    TranslatedSentence(s, Hypothesis(f"訳{len(s)}:{s}", False, -0.5), Origin.MACHINE)
                    for b in article_blocks
                    for s in b.sentences
                ],
                package="bench",
                package_version="1",
                source_hash=content_hash,
            )
    target = articles
    for i, sentence in enumerate(store.source_sentences(target)[1:11]):
        editing.edit_sentence(store, target, "ja", sentence_hash(sentence), f"編集{i}の訳文。", "Bench")
    store.close()
    return target


def timed(call, rounds: int) -> list[float]:
    call()  # warm up: templates compiled, caches filled
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered), 2), "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "news.db"
        started = time.perf_counter()
        target = build(db, args.articles, args.sentences)
        built_s = time.perf_counter() - started
        os.environ["TRANSLATE_DB"] = str(db)
        client = create_app(App()).test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/desk/editor").text).group(1)
        client.post("/desk/editor", data={"name": "Bench", "csrf_token": token})

        def page() -> None:
            assert client.get(f"/desk/articles/{target}").status_code == 200

        sentence = blocks(target - 1, args.sentences)[5].sentences[1]
        saves = iter(range(10**9))

        def save() -> None:
            response = client.post(
                f"/desk/articles/{target}/sentences/{sentence_hash(sentence)}",
                data={"text": f"保存{next(saves)}回目の訳文。", "row": "1"},
                headers={"X-CSRFToken": token, "X-Requested-With": "fetch"},
            )
            assert response.status_code == 200

        def listing() -> None:
            assert client.get("/desk/").status_code == 200

        results = {name: summary(timed(call, args.rounds)) for name, call in (("page", page), ("save", save), ("list", listing))}
        html = client.get(f"/desk/articles/{target}").text
    print(
        json.dumps(
            {
                "articles": args.articles,
                "sentences_on_page": html.count('<tr class="sentence'),
                "build_s": round(built_s, 1),
                "rounds": args.rounds,
                **results,
                "within_budget": {name: results[name]["median_ms"] < budget for name, budget in BUDGET_MS.items()},
                "python": sys.version.split()[0],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
