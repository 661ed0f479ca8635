"""Throughput benchmark: Argos's own path, our pipeline, and the CTranslate2 limit, on the same model and articles.

    .venv/bin/python -m bench.bench --package models/translate-en_ja-0_5.argosmodel

(a) argos     argostranslate.translate.apply_packaged_translation per paragraph, as
              LibreTranslate does (Argos's defaults: beam 4, batches of 32 tokens)
(b) pipeline  `translate run` on a fresh database, as a whole process
(c) limit     one CTranslate2 translate_batch over all sentences, sorted by length,
              in large token batches

Articles: the NTREX dev documents turned into pages in the journal layout (three
sentences a paragraph), plus the sample page. Each path runs in its own process;
peak memory is that process's maximum resident set. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from translator.text.journal import JST, Page, render_page
from translator.core.news import Block, BlockKind

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO.parent / "shared" / "corpus" / "dev" / "ntrex-dev.tsv"
SEED = REPO / "seeds" / "000_17be0e9bcba96c5a.txt"
PARAGRAPH_SENTENCES = 3


# -- articles -------------------------------------------------------------------


def write_pages(folder: Path, copies: int) -> int:
    """NTREX documents as journal pages (`copies` variants of each), plus the sample page."""
    with NTREX.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    documents: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        documents[row["doc_id"]].append(row["en"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SEED.name).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    count = 1
    for copy in range(copies):
        for number, (doc_id, sentences) in enumerate(documents.items()):
            # Copies differ in every sentence, so the model has real work for each.
            mark = f"In copy {copy}, " if copy else ""
            headline, body = mark + sentences[0], [mark + s for s in sentences[1:]]
            paragraphs = [
                " ".join(body[i : i + PARAGRAPH_SENTENCES]) for i in range(0, len(body), PARAGRAPH_SENTENCES)
            ]
            minute = copy * len(documents) + number
            published = datetime(2025, 3, 1 + minute // 1440 % 28, minute // 60 % 24, minute % 60, tzinfo=JST)
            page = Page(headline, published, tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs))
            (folder / f"ntrex-{copy:03d}-{doc_id}.txt").write_text(render_page(page), encoding="utf-8")
            count += 1
    return count


# -- measured processes -----------------------------------------------------------


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, dict]:
    """Run a worker; return its wall seconds and the JSON result it printed last."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    # Each worker reports its own peak (RUSAGE_CHILDREN would give the largest child so far).
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return seconds, json.loads(stdout.splitlines()[-1])


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_sentences(db: Path) -> dict[int, list[tuple[str, list[str]]]]:
    """Per article, its segments as (kind, sentences) from the pipeline's own store."""
    from translator.store import Store

    store = Store.open(db)
    articles = {}
    for article in store.articles("ja"):
        articles[article.id] = [(s.kind, list(s.sentences)) for s in store.blocks(article.id)]
    store.close()
    return articles


def worker_package(args: argparse.Namespace):
    """The installed package under test, with Argos imported as the engine imports it."""
    from translator.translation.engine import argos_environment
    from translator.translation.packages import installed

    with argos_environment(args.packages_dir, "cpu"):
        import argostranslate.translate  # noqa: F401  (Argos reads its settings on first import)
    return next(p for p in installed(args.packages_dir) if p.name == args.package_name)


def worker_argos(args: argparse.Namespace) -> dict:
    """(a) Argos's own path, paragraph by paragraph, with its default settings."""
    info = worker_package(args)
    import ctranslate2
    from argostranslate import settings
    from argostranslate.package import Package
    from argostranslate.translate import apply_packaged_translation

    class Sentencizer:  # Argos's own splitters download models; split as the pipeline does
        def split_sentences(self, text: str) -> list[str]:
            from translator.text.segment import split_sentences

            return split_sentences(text)

    package = Package(info.path)
    translator = ctranslate2.Translator(
        str(info.path / "model"), device="cpu", inter_threads=settings.inter_threads, intra_threads=args.threads
    )
    articles = worker_sentences(args.db)
    paragraphs = [" ".join(sentences) for segments in articles.values() for _, sentences in segments]
    sentences = sum(len(s) for segments in articles.values() for _, s in segments)
    started = time.perf_counter()
    for paragraph in paragraphs:
        apply_packaged_translation(package, paragraph, translator, Sentencizer(), 1)
    seconds = time.perf_counter() - started
    return {
        "sentences": sentences,
        "paragraphs": len(paragraphs),
        "seconds": seconds,
        "beam_size": settings.beam_size,
        "batch_size": settings.batch_size,
        "peak_mib": peak_mib(),
    }


def worker_limit(args: argparse.Namespace) -> dict:
    """(c) One translate_batch over every sentence, sorted by length, in large token batches."""
    info = worker_package(args)
    import ctranslate2
    from argostranslate.package import Package

    tokenizer = Package(info.path).tokenizer
    sentences = [s for segs in worker_sentences(args.db).values() for _, ss in segs for s in ss]
    tokens = sorted((tokenizer.encode(s) for s in sentences), key=len)
    translator = ctranslate2.Translator(str(info.path / "model"), device="cpu", intra_threads=args.threads)
    started = time.perf_counter()
    translator.translate_batch(
        tokens, max_batch_size=args.batch_tokens, batch_type="tokens", beam_size=args.beam_size
    )
    seconds = time.perf_counter() - started
    return {"sentences": len(sentences), "seconds": seconds, "peak_mib": peak_mib()}


def worker_run(args: argparse.Namespace) -> dict:
    """(b) what `translate run` does (App.translate_pending), in this process, so that its peak memory is this process's."""
    from translator.app import App

    started = time.perf_counter()
    report = App().translate_pending(threads=args.threads, beam_size=args.beam_size, batch_tokens=args.batch_tokens)
    seconds = time.perf_counter() - started
    return {"report": report.as_json(), "seconds": seconds, "peak_mib": peak_mib()}


# -- the benchmark ----------------------------------------------------------------


def pipeline_env(work: Path, packages_dir: Path, package_name: str) -> dict[str, str]:
    return {
        **os.environ,
        "TRANSLATE_DB": str(work / "news.db"),
        "TRANSLATE_PACKAGES_DIR": str(packages_dir),
        "TRANSLATE_MODELS_DIR": str(work / "no-models"),
        "TRANSLATE_PACKAGE": package_name,
    }


def run_pipeline(work: Path, pages: Path, packages_dir: Path, package_name: str, args: argparse.Namespace) -> dict:
    """Import, then time `translate run` (fresh database) and a second run with nothing to do."""
    env = pipeline_env(work, packages_dir, package_name)
    subprocess.run([sys.executable, "-m", "translator", "import", str(pages)], env=env, check=True, capture_output=True)
    worker = [sys.executable, "-m", "bench.bench", "worker", "run", "--threads", str(args.threads),
              "--beam-size", str(args.beam_size), "--batch-tokens", str(args.batch_tokens)]
    seconds, result = measured(worker, env)
    rerun_started = time.perf_counter()
    rerun = subprocess.run(
        [sys.executable, "-m", "translator", "run", "--json"], env=env, check=True, capture_output=True, text=True
    )
    rerun_seconds = time.perf_counter() - rerun_started
    report = result["report"]
    sentences = report["sentences"]
    return {
        "articles": report["articles"],
        "sentences": sentences,
        "sent_to_model": report["translated"],
        "seconds": seconds,
        "sentences_per_second": sentences / seconds,
        "peak_mib": result["peak_mib"],
        "rerun_seconds": rerun_seconds,
        "rerun_articles": json.loads(rerun.stdout)["articles"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "worker"])
    parser.add_argument("worker", nargs="?", choices=["argos", "limit", "run"])
    parser.add_argument("--package", type=Path, help="the .argosmodel to measure")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--beam-size", type=int, default=2, help="for (b) and (c); (a) uses Argos's default")
    parser.add_argument("--batch-tokens", type=int, default=2048, help="for (b) and (c)")
    parser.add_argument("--scale", type=int, default=16, help="copies of the NTREX documents for the memory check")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of (a), (b), (c); medians are reported")
    parser.add_argument("--load", type=int, default=0, help="busy processes beside the measurement (a fixed competing load)")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--packages-dir", type=Path)
    parser.add_argument("--package-name")
    args = parser.parse_args(argv)

    if args.mode == "worker":
        print(json.dumps({"argos": worker_argos, "limit": worker_limit, "run": worker_run}[args.worker](args)))
        return 0

    from translator.translation.packages import install

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    packages_dir = work / "packages"
    info = install(args.package, packages_dir)
    pages = work / "pages"
    articles = write_pages(pages, copies=1)
    report: dict = {
        "package": info.name,
        "articles": articles,
        "beam_size": args.beam_size,
        "batch_tokens": args.batch_tokens,
        "threads": args.threads,
        "cpus": os.cpu_count(),
        "load": args.load,
    }
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
    try:
        return _measure(args, report, work, pages, packages_dir, info)
    finally:
        for spinner in spinners:
            spinner.kill()


def _measure(args: argparse.Namespace, report: dict, work: Path, pages: Path, packages_dir: Path, info) -> int:
    """The rounds of (a), (b), (c), the scaled run, and the report printed."""

    # Rounds interleave the paths, so that drift in the machine's speed hits each alike;
    # each path's figure is its median round.
    beam4 = argparse.Namespace(**{**vars(args), "beam_size": 4})  # (b) at Argos's beam
    rounds: dict[str, list[dict]] = defaultdict(list)
    for n in range(args.repeat):
        rounds["b_pipeline"].append(run_pipeline(work / f"b{n}", pages, packages_dir, info.name, args))
        common = ["--db", str(work / f"b{n}" / "news.db"), "--packages-dir", str(packages_dir),
                  "--package-name", info.name, "--threads", str(args.threads),
                  "--beam-size", str(args.beam_size), "--batch-tokens", str(args.batch_tokens)]
        for name, worker in (("c_limit", "limit"), ("a_argos", "argos")):
            _, result = measured([sys.executable, "-m", "bench.bench", "worker", worker, *common])
            rounds[name].append({**result, "sentences_per_second": result["sentences"] / result["seconds"]})
        rounds["b_pipeline_beam4"].append(run_pipeline(work / f"b4-{n}", pages, packages_dir, info.name, beam4))
    for name, results in rounds.items():
        ordered = sorted(results, key=lambda r: r["seconds"])
        report[name] = {**ordered[len(ordered) // 2], "rounds_seconds": [round(r["seconds"], 1) for r in results]}

    scaled = work / "pages-scaled"
    report["scaled_articles"] = write_pages(scaled, copies=args.scale)
    report["b_pipeline_scaled"] = run_pipeline(work / "b-scaled", scaled, packages_dir, info.name, args)

    b, a, c = (report[k]["sentences_per_second"] for k in ("b_pipeline", "a_argos", "c_limit"))
    report["b_over_a"] = b / a
    report["b_over_c"] = b / c
    report["b_beam4_over_a"] = report["b_pipeline_beam4"]["sentences_per_second"] / a
    print(json.dumps(report, indent=2))
    print_table(report)
    return 0


def print_table(r: dict) -> None:
    rows = [
        ("(a) Argos per paragraph", r["a_argos"]),
        ("(b) translate run", r["b_pipeline"]),
        ("(b) translate run, beam 4", r["b_pipeline_beam4"]),
        ("(c) CTranslate2 limit", r["c_limit"]),
        (f"(b) {r['scaled_articles']} articles", r["b_pipeline_scaled"]),
    ]
    print(
        f"\n{r['package']}, {r['articles']} pages, beam {r['beam_size']}, {r['batch_tokens']}-token batches, "
        f"{r['threads']} threads on {r['cpus']} CPUs"
    )
    print(f"{'path':<30}{'sentences':>10}{'seconds':>10}{'sent/s':>10}{'peak MiB':>10}")
    for name, row in rows:
        print(f"{name:<30}{row['sentences']:>10}{row['seconds']:>10.1f}{row['sentences_per_second']:>10.1f}{row['peak_mib']:>10.0f}")
    print(f"medians of {len(r['a_argos']['rounds_seconds'])} rounds; the scaled run once")
    print(f"b/a = {r['b_over_a']:.2f}   b/c = {r['b_over_c']:.2f}   b/a at beam 4 = {r['b_beam4_over_a']:.2f}")
    print(f"re-run with nothing to do: {r['b_pipeline']['rerun_seconds']:.2f} s ({r['b_pipeline']['rerun_articles']} articles translated)")


if __name__ == "__main__":
    sys.exit(main())
