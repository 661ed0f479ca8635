"""Peak memory and time of reading one very long article: `review`, `show`, `show --json`, the served page.

    .venv/bin/python -m bench.long_page [--page ../shared/cases/max_line_paragraph.txt] [--work DIR [--reuse]]

The page (by default issue 25's case: one paragraph of 262 KB, 5,656 sentences,
just under the import limit) is imported into a fresh database and translated by
a stand-in engine, not the model: each sentence's "Japanese" is made-up CJK text
half its length, ending in 。 (so QA finds no loop or length fault to flag, and
what is measured is the read and the rendering, not the model). The translation
is published by the run (publish policy `current`).

Each measured command then runs alone in its own process, and its peak resident
memory is that process's own (`ru_maxrss` from `os.wait4`); the time is the
process's wall time, start-up (about 0.4 s of imports) included:

- `translate list` (one line: what starting the command costs, to compare);
- `translate review 1 --width 160`, `translate show 1` (Japanese), `translate show 1 --lang en`,
  `translate show 1 --json`;
- the served Japanese and English pages, `GET /articles/1/ja` and `/articles/1/en`
  through the web face's Flask application (test client, one process each).

The stand-in translation (`translate` below) is measured the same way, for the
read it does when it rechecks the article's QA flags; the model's own cost is not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO.parent / "shared" / "cases" / "max_line_paragraph.txt"
# `translate` as `python -m translator` from the checkout: the same command, and the checkout's
# code wherever the environment's editable install points (to measure another branch's copy).
TRANSLATE = [sys.executable, "-m", "translator"]

# Run in a child process: import and translate with the stand-in engine.
_TRANSLATE = """
import sys
from translator.app import App
from translator.core.news import Hypothesis

class StandIn:
    package, package_version = "stand-in", "1"

    def translate(self, sentences):
        return [Hypothesis(japanese(s), False, -1.0) for s in sentences]

def japanese(sentence):
    # Made-up CJK text, half the English's length: no repeats, no Latin letters.
    return "".join(chr(0x4E00 + (ord(c) * 7 + i * 13) % 5000) for i, c in enumerate(sentence[: len(sentence) // 2])) + "。"

App(engine_factory=lambda config: StandIn()).translate_pending()
"""

# Run in a child process: one page through the web face.
_SERVE = """
import sys, time
from translator.app import App
from translator.web import create_app

client = create_app(App()).test_client()
started = time.perf_counter()
response = client.get(sys.argv[1])
assert response.status_code == 200, response.status_code
print(f"{len(response.data)} bytes in {time.perf_counter() - started:.2f} s")
"""


def measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run `argv`; its wall seconds, its own peak RSS in MiB, and the last line of its output."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{text[-2000:]}")
    lines = text.strip().splitlines()
    return seconds, usage.ru_maxrss / 1024, f"{len(text):,} characters" if len(lines) > 1 else (lines or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", type=Path, default=PAGE, help="the page file (default: issue 25's case)")
    parser.add_argument("--work", type=Path, help="folder for the database (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="keep the database already in --work (skip import and translation)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "TRANSLATE_DB": str(work / "long.db"),
            "TRANSLATE_MODELS_DIR": str(work / "models"),
            "TRANSLATE_PUBLISH_POLICY": "current",
        }
        python = sys.executable
        steps = []
        if not (args.reuse and (work / "long.db").exists()):
            (work / "long.db").unlink(missing_ok=True)
            steps += [
                ("import", [*TRANSLATE, "import", str(args.page)]),
                ("translate (stand-in engine)", [python, "-c", _TRANSLATE]),
            ]
        steps += [
            ("list (start-up, to compare)", [*TRANSLATE, "list"]),
            ("review --width 160", [*TRANSLATE, "review", "1", "--width", "160"]),
            ("show (Japanese)", [*TRANSLATE, "show", "1"]),
            ("show --lang en", [*TRANSLATE, "show", "1", "--lang", "en"]),
            ("show --json", [*TRANSLATE, "show", "1", "--json"]),
            ("served /articles/1/ja", [python, "-c", _SERVE, "/articles/1/ja"]),
            ("served /articles/1/en", [python, "-c", _SERVE, "/articles/1/en"]),
        ]
        print(f"{args.page.name}: {args.page.stat().st_size:,} bytes")
        print(f"{'command':<30} {'wall s':>7} {'peak MiB':>9}  output")
        for label, argv in steps:
            seconds, mib, output = measured(argv, env)
            print(f"{label:<30} {seconds:>7.2f} {mib:>9.0f}  {output}", flush=True)


if __name__ == "__main__":
    main()
