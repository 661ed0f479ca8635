"""Static export benchmark: `translate publish` on N articles, then again after one article changed.

    .venv/bin/python -m bench.site --articles 10000

The database is made directly through the store (no engine, no sentence
splitter, to keep set-up short): N articles shaped like the sample page (its
headline and 29 blocks, 30 sentences, each article's text marked with its number), each
with a Japanese translation ('訳' + the English sentence) published as
`translate run` would. Then, timed, each as `export_site` on the same folder:

  cold       the first export into an empty folder
  unchanged  a re-run with nothing changed
  body       one article's body changed and translated again (its two pages change)
  headline   the newest article's headline changed and translated again (its pages,
             both indexes and the sidebars it appears in change)
  unpublish  one article's English changed, not yet translated (its Japanese page goes)

and the served pages of the newest article, English and Japanese (Flask test client, warm).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from translator.editorial import publish
from translator.text.importer import article_blocks
from translator.text.journal import content_hash, parse_page
from translator.core.news import Block, BlockKind, Hypothesis, Origin, TranslatedSentence
from translator.site.export import export_site
from translator.store import Store

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_17be0e9bcba96c5a.txt"
TEMPLATE = "/articles/{id}/{lang}"


class Articles:
    """N articles shaped like the sample page, article `number` (1..N) published `N - number` minutes before it."""

    def __init__(self, count: int):
        page = parse_page(SEED.read_text(encoding="utf-8"))
        self.count = count
        self.newest = page.published
        self.blocks = article_blocks(page)  # split into sentences once, here

    def write(self, store: Store, article_id: int | None, number: int, *, headline: str = "", body: str = "", translate: bool = True) -> int:
        """Write article `number` (marks change its headline or body text) and, with `translate`, its translation."""
        published = self.newest - timedelta(minutes=self.count - number)
        head, body_tag = f"[{number}{headline}] ", f"[{number}{body}] "
        blocks = [Block(BlockKind.HEADLINE, head + self.blocks[0].text, (head + self.blocks[0].text,))]
        blocks += [Block(b.kind, body_tag + b.text, tuple(body_tag + s for s in b.sentences)) for b in self.blocks[1:]]
        digest = content_hash(blocks[0].text, published, blocks[1:])
        article_id = store.write_article(
            article_id,
            headline=blocks[0].text,
            published=published.isoformat(),
            full_page=True,
            content_hash=digest,
            source="bench",
            blocks=blocks,
        )
        if translate:
            sentences = sorted({s for b in blocks for s in b.sentences})
            store.save_translation(
                article_id,
                "ja",
                (TranslatedSentence(s, Hypothesis("訳" + s), Origin.MACHINE) for s in sentences),
                package="bench",
                package_version="1",
                source_hash=digest,
            )
        return article_id


def timed(store: Store, folder: Path) -> tuple[float, float, object]:
    """Wall and CPU seconds of one export (this machine is shared: CPU time is the steadier figure)."""
    wall, cpu = time.perf_counter(), time.process_time()
    report = export_site(store, folder)
    return time.perf_counter() - wall, time.process_time() - cpu, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, help="how many articles (default 10,000)")
    parser.add_argument("--work", type=Path, help="folder for the database and the site (default: a temporary one)")
    args = parser.parse_args()
    articles = Articles(args.articles)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-site-"))
    shutil.rmtree(work / "site", ignore_errors=True)
    (work / "news.db").unlink(missing_ok=True)

    started = time.perf_counter()
    store = Store.open(work / "news.db")
    with store.transaction():
        ids = [articles.write(store, None, number) for number in range(1, articles.count + 1)]
        publish.publish_current(store, TEMPLATE)
    print(f"set-up: {articles.count:,} articles, {sum(1 for _ in store.db['sentences'].rows):,} sentences, "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    folder = work / "site"
    rows = []

    def step(name: str, change=None) -> None:
        if change:
            with store.transaction():
                change()
                publish.publish_current(store, TEMPLATE)
        wall, cpu, report = timed(store, folder)
        rows.append((name, wall, cpu, len(report.written), len(report.removed), report.unchanged))

    middle, newest = ids[len(ids) // 2], ids[-1]
    step("cold")
    step("unchanged")
    middle_number = len(ids) // 2 + 1
    step("body", lambda: articles.write(store, middle, middle_number, body=" changed"))
    step("headline", lambda: articles.write(store, newest, articles.count, headline=" changed"))
    step("unpublish", lambda: articles.write(store, middle, middle_number, body=" changed again", translate=False))

    from translator.app import App
    from translator.web import create_app

    client = create_app(App(flags={"db": str(work / "news.db")})).test_client()
    served_ms = {}
    for lang in ("en", "ja"):
        client.get(f"/articles/{newest}/{lang}")
        started, cpu = time.perf_counter(), time.process_time()
        served = [client.get(f"/articles/{newest}/{lang}").status_code for _ in range(5)]
        served_ms[lang] = ((time.perf_counter() - started) * 200, (time.process_time() - cpu) * 200)  # ms per page
        assert served == [200] * 5, served
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())

    print(f"{articles.count:,} articles, {size / 2**20:.0f} MiB of site in {folder}")
    print(f"{'export':<10} {'wall s':>8} {'CPU s':>8} {'written':>8} {'removed':>8} {'unchanged':>10}")
    for name, wall, cpu, written, removed, unchanged in rows:
        print(f"{name:<10} {wall:>8.2f} {cpu:>8.2f} {written:>8,} {removed:>8,} {unchanged:>10,}")
    for lang, name in (("en", "English"), ("ja", "Japanese")):
        wall, cpu = served_ms[lang]
        print(f"served {name} page of the newest article: {wall:.0f} ms wall, {cpu:.0f} ms CPU")
    store.close()


if __name__ == "__main__":
    main()
