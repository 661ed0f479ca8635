"""`translate run` on the sample page: CTranslate2's threads and OpenMP's wait policy, idle and beside a busy process.

    .venv/bin/python -m bench.threads --rounds 5 --load 1

Each round runs every setting once, in turn (alternating, so that drift in the
machine hits each alike), as a whole process on a fresh copy of one imported
database: `translate run --json` on the sample page (71 sentences, beam 4). A
setting is TRANSLATE_THREADS (0: all cores) and OMP_WAIT_POLICY (ACTIVE: GNU
OpenMP's threads spin while they wait; PASSIVE: they sleep). `--load N` keeps N
other processes busy (a Python loop each) through the whole measurement: a
newsroom server runs the desk, imports and the batch together. Reports each
setting's median wall and CPU seconds and sentences per second.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds"
SETTINGS = {
    "threads 0, ACTIVE": {"TRANSLATE_THREADS": "0", "OMP_WAIT_POLICY": "ACTIVE"},
    "threads 0, PASSIVE": {"TRANSLATE_THREADS": "0", "OMP_WAIT_POLICY": "PASSIVE"},
    "threads 1, ACTIVE": {"TRANSLATE_THREADS": "1", "OMP_WAIT_POLICY": "ACTIVE"},
    "threads 1, PASSIVE": {"TRANSLATE_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"},
    "default": {},
}


def translate(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translator", *args], env=env, cwd=REPO, capture_output=True, text=True, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--load", type=int, default=0, help="busy processes beside the runs")
    parser.add_argument("--settings", default=";".join(SETTINGS), help="names from SETTINGS, separated by ;")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-threads-"))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TRANSLATE_", "OMP_"))}
    base.update(TRANSLATE_DB=str(work / "seed.db"), TRANSLATE_PACKAGES_DIR=str(work / "packages"),
                TRANSLATE_MODELS_DIR=str(REPO / "models"))
    translate("import", str(SEED), env=base)
    translate("models", "list", env=base)  # install the package once, outside the timing
    names = args.settings.split(";")
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in names}
    try:
        for n in range(args.rounds):
            for name in names:
                db = work / f"{n}-{name.replace(' ', '').replace(',', '-')}.db"
                shutil.copy(work / "seed.db", db)
                env = {**base, **SETTINGS[name], "TRANSLATE_DB": str(db)}
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                run = translate("run", "--json", env=env)
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                results[name].append((wall, cpu, json.loads(run.stdout)["sentences"]))
    finally:
        for spinner in spinners:
            spinner.kill()
        shutil.rmtree(work, ignore_errors=True)
    report = {}
    for name, rows in results.items():
        wall = statistics.median(r[0] for r in rows)
        report[name] = {
            "median_wall_s": round(wall, 2),
            "median_cpu_s": round(statistics.median(r[1] for r in rows), 2),
            "sentences_per_second": round(rows[0][2] / wall, 1),
            "walls": [round(r[0], 1) for r in rows],
        }
    print(json.dumps({"load": args.load, "rounds": args.rounds, "cpus": os.cpu_count(), "settings": report}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
