"""Fault battery (issue 8): how `translate` behaves under concurrency, machine faults,
broken model packages and hostile input, counted, not asserted.

    .venv/bin/python -m bench.faults            # full run, about 10 minutes on 2 busy cores
    .venv/bin/python -m bench.faults --quick    # fewer trials and sizes, about 2 minutes
    .venv/bin/python -m bench.faults --only packages,input --json faults.json

The product is driven only through its command line (`translate ...` from the
checkout's .venv, each a real process) and its database file, so the same script
measures the code before and after a fix. Everything happens under one temporary
folder, removed at the end (tmpfs mounts are unmounted, even on Ctrl-C).

Per check it counts: trials, crashes (a Python traceback on stderr, or death by a
signal), articles translated twice, partial articles (a saved translation whose
sentences do not match its article's), hangs (a command stopped at its time
limit). "One-line error" means exit status non-zero, no traceback, and an
`Error: ...` line. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import termios
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

from models.recipe.synthetic import write_synthetic_corpus

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_17be0e9bcba96c5a.txt"
RECIPE = ("-m", "models.recipe")  # run from REPO
TINY_CONFIG = REPO / "models" / "recipe" / "configs" / "tiny.json"
CACHE = REPO / "bench" / "work" / "faults"

TRACEBACK = "Traceback (most recent call last)"
LOCKED = re.compile(r"database is locked", re.I)
# What a terminal acts on: C0 controls but tab and newline, DEL, C1 controls
# (U+009B is the one-byte CSI), bidi embeddings/overrides/isolates.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# -- running the product ----------------------------------------------------------------


@dataclass
class Outcome:
    """One finished command: how it ended, what it printed, its peak memory."""

    label: str
    rc: int | None
    seconds: float
    stdout: str
    stderr: str
    timed_out: bool = False
    peak_mib: float = 0.0

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.stderr

    @property
    def signalled(self) -> bool:
        return not self.timed_out and self.rc is not None and self.rc < 0

    @property
    def crashed(self) -> bool:
        return self.traceback or self.signalled

    @property
    def kind(self) -> str:
        """ok, error (one-line `Error:`), traceback, signal, hang, or other (non-zero, no Error: line)."""
        if self.timed_out:
            return "hang"
        if self.traceback:
            return "traceback"
        if self.signalled:
            return f"signal {-self.rc}"  # type: ignore[operator]
        if self.rc == 0:
            return "ok"
        if any(line.startswith("Error:") for line in self.stderr.splitlines()):
            return "error"
        return "other"

    def last_line(self) -> str:
        lines = [line for line in (self.stderr or self.stdout).splitlines() if line.strip()]
        return lines[-1][:160] if lines else ""

    def brief(self) -> dict:
        brief = {"label": self.label, "kind": self.kind, "rc": self.rc, "seconds": round(self.seconds, 2),
                 "peak_mib": round(self.peak_mib, 1), "last_line": self.last_line()}
        if self.kind != "ok":
            brief["stderr_tail"] = self.stderr.splitlines()[-8:]
        return brief


# Process groups of the commands started and not yet waited for: killed if the battery stops.
LIVE: set[int] = set()


class Terminal:
    """A pseudo-terminal whose output is copied into `file`: what a person at a terminal gets.

    Output post-processing is off, so a newline stays a newline (no carriage return added).
    """

    def __init__(self, file):
        self.master, self.slave = os.openpty()
        attributes = termios.tcgetattr(self.slave)
        attributes[1] &= ~termios.OPOST
        termios.tcsetattr(self.slave, termios.TCSANOW, attributes)
        self.thread = threading.Thread(target=self._copy, args=(file,), daemon=True)
        self.thread.start()

    def _copy(self, file) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                return
            if not data:
                return
            file.write(data)

    def close(self) -> None:
        self.thread.join(timeout=5)
        os.close(self.master)


class Running:
    """A started command; `finish` waits with wait4 so that the child's own peak RSS is known.

    `tty`: standard output and error are terminals (click strips ANSI sequences only
    when writing to something else), else files.
    """

    def __init__(self, label: str, argv: list[str], env: dict, cwd: Path, logs: Path, tty: bool = False):
        self.label = label
        logs.mkdir(parents=True, exist_ok=True)
        stem = logs / f"{time.monotonic_ns()}"
        self.out = open(f"{stem}.out", "w+b")
        self.err = open(f"{stem}.err", "w+b")
        self.terminals = [Terminal(self.out), Terminal(self.err)] if tty else []
        streams = [t.slave for t in self.terminals] or [self.out, self.err]
        self.started = time.monotonic()
        # Its own session, so a hang is killed with everything it started.
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=streams[0], stderr=streams[1], start_new_session=True)
        LIVE.add(self.proc.pid)
        for terminal in self.terminals:
            os.close(terminal.slave)

    def finish(self, deadline: float) -> Outcome:
        timed_out = False
        pause = 0.005
        while True:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() >= deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(self.proc.pid, 0)
                timed_out = True
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        seconds = time.monotonic() - self.started
        self.proc.returncode = rc = os.waitstatus_to_exitcode(status)
        LIVE.discard(self.proc.pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # leftovers of its session, if any
        for terminal in self.terminals:
            terminal.close()
        texts = []
        for file in (self.out, self.err):
            file.seek(0)
            texts.append(file.read().decode("utf-8", errors="replace"))
            file.close()
        return Outcome(self.label, None if timed_out else rc, seconds, texts[0], texts[1], timed_out,
                       usage.ru_maxrss / 1024)


class Product:
    """`translate` from the checkout's .venv, run as a subprocess against one site's folders."""

    def __init__(self, exe: Path, logs: Path):
        self.exe = exe
        self.logs = logs
        self.root = os.geteuid() == 0
        self.ran: list[Outcome] = []

    def env(self, site: Path, **extra: str) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRANSLATE_", "ARGOS_"))}
        env.update(
            TRANSLATE_DB=str(site / "db" / "news.db"),
            TRANSLATE_MODELS_DIR=str(site / "models"),
            TRANSLATE_PACKAGES_DIR=str(site / "packages"),
            TRANSLATE_THREADS="1",  # two cores, shared: one thread per process
            HOME=str(site / "home"),
            COLUMNS="100",
            LC_ALL="C.UTF-8",
        )
        env.update(extra)
        return env

    def argv(self, args: list[str], *, unprivileged: bool = False, memory_mib: int | None = None) -> list[str]:
        prefix: list[str] = []
        if unprivileged and self.root:
            # root ignores file modes: drop the capabilities that let it, keep uid 0.
            prefix += ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable",
                       "--inh-caps=-all", "--"]
        if memory_mib:
            prefix += ["prlimit", f"--as={memory_mib * 1024 * 1024}", "--"]
        return [*prefix, str(self.exe), *args]

    def start(self, site: Path, args: list[str], *, label: str = "", env: dict | None = None,
              unprivileged: bool = False, memory_mib: int | None = None, tty: bool = False) -> Running:
        return Running(label or " ".join(args), self.argv(args, unprivileged=unprivileged, memory_mib=memory_mib),
                       env or self.env(site), site, self.logs, tty)

    def __call__(self, site: Path, args: list[str], *, timeout: float = 60, **kwargs) -> Outcome:
        outcome = self.start(site, args, **kwargs).finish(time.monotonic() + timeout)
        self.ran.append(outcome)
        return outcome


# -- pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    breadcrumb: str
    headline: str
    body: list[str]
    link_field: str
    sidebar: list[str]

    @classmethod
    def read(cls, path: Path) -> "Seed":
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        stamp = next(i for i, line in enumerate(lines) if re.fullmatch(r"\(\d{4}/\d\d/\d\d \d\d:\d\d\)", line))
        rest = lines[stamp + 1 :]
        link = rest.pop(0) if rest and rest[0].startswith("Click Here") else ""
        return cls(lines[0], lines[1], lines[2:stamp], link, rest)

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.body if not line.startswith("- ")]

    def page(self, headline: str, body: list[str], minute: int = 0, sidebar: list[str] = (),
             stamp: str | None = None) -> str:
        """A page in the journal layout, published `minute` minutes after 2025/03/01 00:00."""
        when = stamp or (datetime(2025, 3, 1) + timedelta(minutes=minute)).strftime("%Y/%m/%d %H:%M")
        lines = [self.breadcrumb, headline, *body, f"({when})", self.link_field, *sidebar]
        return "\n".join(line for line in lines if line) + "\n"

    def copy(self, n: int, minute: int | None = None) -> str:
        """The seed article made distinct: every paragraph starts with 'In copy n, '."""
        body = [line if line.startswith("- ") else f"In copy {n}, {line}" for line in self.body]
        return self.page(f"{self.headline} (copy {n})", body, n if minute is None else minute)


def write_copies(seed: Seed, folder: Path, numbers: range, minute_offset: int = 0) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / f"copy-{n:04d}.txt").write_text(seed.copy(n, minute_offset + n), encoding="utf-8")
    return [f"{seed.headline} (copy {n})" for n in numbers]


# -- the model package --------------------------------------------------------------------

def good_package(python: Path, rebuild: bool) -> Path:
    """The recipe's tiny package, built once (about a minute) and kept in bench/work/faults/."""
    out = CACHE / "translate-en_ja-tiny.argosmodel"
    if out.is_file() and not rebuild:
        return out
    work = Path(tempfile.mkdtemp(prefix="faults-recipe-"))
    try:
        log("building the tiny package with `python -m models.recipe` (about a minute) ...")
        CACHE.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [str(python), *RECIPE, "all", "--config", str(TINY_CONFIG),
             "--corpus", str(write_synthetic_corpus(work / "corpus")), "--work", str(work / "work"),
             "--out", str(out), "--device", "cpu"],
            cwd=REPO, capture_output=True, text=True, timeout=900)
        if result.returncode:
            raise SystemExit(f"the recipe failed:\n{result.stderr[-3000:]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def read_zip(path: Path) -> tuple[str, dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    root = next(iter(members)).split("/")[0]
    return root, {name[len(root) + 1 :]: data for name, data in members.items()}


def write_zip(path: Path, root: str, members: dict[str, bytes], symlinks: dict[str, str] = {},
              raw_names: list[tuple[str, bytes]] = ()) -> Path:
    """An .argosmodel, stored (not deflated) so that byte offsets are predictable."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(f"{root}/{name}", data)
        for name, target in symlinks.items():
            info = zipfile.ZipInfo(f"{root}/{name}")
            info.create_system = 3  # Unix, so that the mode bits below mean a symlink
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
        for name, data in raw_names:
            archive.writestr(name, data)
    return path


def corrupt_member(path: Path, member: str) -> None:
    """Flip bytes in the middle of a stored member's data: the archive then fails its CRC check."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    with open(path, "r+b") as file:
        file.seek(info.header_offset + 26)
        name_length, extra_length = int.from_bytes(file.read(2), "little"), int.from_bytes(file.read(2), "little")
        middle = info.header_offset + 30 + name_length + extra_length + info.compress_size // 2
        file.seek(middle)
        data = file.read(64)
        file.seek(middle)
        file.write(bytes(b ^ 0xFF for b in data))


@dataclass
class Variant:
    name: str
    what: str
    file: Path
    installed_fault: bool = False  # the fault is made after a good install (corrupt metadata.json)


def broken_variants(good: Path, folder: Path, sentinel: str) -> list[Variant]:
    """Broken copies of the good package, each under its own name and a newer version,
    so that a product that does not check them would choose them over the good one."""
    root, members = read_zip(good)
    folder.mkdir(parents=True, exist_ok=True)

    def add(name: str, what: str, changes: dict[str, bytes | None] = {}, symlinks: dict[str, str] = {},
            raw: list[tuple[str, bytes]] = (), installed_fault: bool = False) -> Path:
        """`changes`: member → new bytes, or None to leave it out."""
        metadata = json.loads(members["metadata.json"])
        metadata["package_version"] = "0.0.2"
        changed = {**members, "metadata.json": json.dumps(metadata).encode()}
        for member, data in changes.items():
            if data is None:
                del changed[member]
            else:
                changed[member] = data
        package_root = f"{root}-{name}"
        path = write_zip(folder / f"{package_root}.argosmodel", package_root, changed, symlinks, raw)
        variants.append(Variant(name, what, path, installed_fault))
        return path

    variants: list[Variant] = []
    crc = add("crc", "zip member model/model.bin fails its CRC")
    corrupt_member(crc, f"{root}-crc/model/model.bin")
    add("spm", "sentencepiece.model is garbage", {"sentencepiece.model": b"not a sentencepiece model\n" * 40})
    add("badmeta", "installed metadata.json overwritten with '{ not json' after a good install",
        installed_fault=True)
    add("noconfig", "no model/config.json", {"model/config.json": None})
    add("novocab", "no model/shared_vocabulary.json", {"model/shared_vocabulary.json": None})
    model_bin = members["model/model.bin"]
    add("truncated", "model/model.bin cut to half its length", {"model/model.bin": model_bin[: len(model_bin) // 2]})
    add("symlink", "entry 'escape' is a symlink to ../../.., then a file through it",
        symlinks={"escape": "../../.."}, raw=[(f"{root}-symlink/escape/{sentinel}", b"escaped\n")])
    add("symlink-spm", "sentencepiece.model is a symlink entry to /etc/hostname",
        {"sentencepiece.model": None}, symlinks={"sentencepiece.model": "/etc/hostname"})
    add("dotdot", "an entry named PKG/../../../" + sentinel,
        raw=[(f"{root}-dotdot/../../../{sentinel}", b"escaped\n")])
    return variants


# -- reading the database file --------------------------------------------------------------


def db_query(db: Path, sql: str, params: tuple = ()) -> list[tuple] | None:
    """Rows, or None when the file or the schema does not allow the query."""
    if not db.exists():
        return None
    # Read-only first; on a full or read-only file system, where SQLite cannot make its
    # shared-memory file, as an immutable file (the processes under test have ended).
    for mode in ("mode=ro", "immutable=1"):
        try:
            connection = sqlite3.connect(f"file:{db}?{mode}", uri=True, timeout=10)
            try:
                return connection.execute(sql, params).fetchall()
            finally:
                connection.close()
        except sqlite3.Error:
            continue
    return None


# Written by the battery into a copy of the database, before the processes under test
# start: one row each time an article's translation is saved. The headline is always
# sentence (0, 0), so one insert of it is one save; the translations row is the fallback
# when the sentences table is named or shaped otherwise.
AUDIT_TRIGGERS = {
    "translated_sentences": [
        """create trigger _faults_audit_sentences after insert on translated_sentences
           when new.position = 0 and new.idx = 0
           begin insert into _faults_audit values (new.article_id, new.lang, julianday('now')); end""",
    ],
    "translations": [
        """create trigger _faults_audit_insert after insert on translations
           begin insert into _faults_audit values (new.article_id, new.lang, julianday('now')); end""",
        """create trigger _faults_audit_update after update on translations
           begin insert into _faults_audit values (new.article_id, new.lang, julianday('now')); end""",
    ],
}


def add_audit(db: Path) -> str | None:
    """Install the save audit; return which table it watches (None: neither could be watched)."""
    connection = sqlite3.connect(db)
    try:
        connection.execute("create table _faults_audit (article_id integer, lang text, at real)")
        for table, triggers in AUDIT_TRIGGERS.items():
            try:
                with connection:
                    for sql in triggers:
                        connection.execute(sql)
                return table
            except sqlite3.Error:
                continue
        return None
    finally:
        connection.close()


def run_report(outcome: "Outcome") -> dict:
    """`translate run --json`'s report from an outcome's standard output ({} when it printed none)."""
    try:
        return json.loads(outcome.stdout)
    except ValueError:
        return {}


def saves_per_article(db: Path) -> dict[int, int] | None:
    rows = db_query(db, "select article_id, count(*) from _faults_audit where lang = 'ja' group by article_id")
    return None if rows is None else dict(rows)


def partial_articles(db: Path) -> int | None:
    """Articles whose current Japanese does not have exactly their English sentences,
    plus translated sentences that belong to no translation."""
    rows = db_query(db, """
        select count(*) from translations t join articles a on a.id = t.article_id
        where t.lang = 'ja' and t.source_hash = a.content_hash and
          (select count(*) from translated_sentences s where s.article_id = t.article_id and s.lang = 'ja')
          != (select count(*) from sentences e where e.article_id = t.article_id)""")
    orphans = db_query(db, """
        select count(distinct s.article_id) from translated_sentences s
        left join translations t on t.article_id = s.article_id and t.lang = s.lang
        where s.lang = 'ja' and t.article_id is null""")
    if rows is None or orphans is None:
        return None
    return rows[0][0] + orphans[0][0]


def listed(product: Product, site: Path) -> list[dict] | None:
    """`translate list --json`, or None when it does not give a JSON array."""
    outcome = product(site, ["list", "--json"], timeout=60)
    try:
        articles = json.loads(outcome.stdout)
    except ValueError:
        return None
    return articles if isinstance(articles, list) else None


def article_id(product: Product, site: Path, headline: str) -> int | None:
    """The id of the article with this headline: from the database, else from `list --json`."""
    rows = db_query(site / "db" / "news.db", "select id from articles where headline = ?", (headline,))
    if rows:
        return rows[0][0]
    return next((a.get("id") for a in listed(product, site) or [] if a.get("headline") == headline), None)


def status_of(article: dict) -> str | None:
    return next((v for k, v in article.items() if k.endswith("status")), None)


# -- the battery ----------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the summary table."""

    section: str
    check: str
    trials: int = 0
    crashes: int = 0
    twice: int | None = None
    partial: int | None = None
    hangs: int = 0
    notes: str = ""
    detail: list = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        self.crashes += outcome.crashed
        self.hangs += outcome.timed_out


def safe(text: str) -> str:
    """`text` with the controls escaped: the battery's own output must not act on the terminal."""
    return RAW_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) <= 0xFF
                           else f"\\u{ord(m.group()):04x}", text)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {safe(message)}", file=sys.stderr, flush=True)


def kinds(outcomes: list[Outcome]) -> str:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


class SetupError(Exception):
    """A command that prepares a check failed: the check cannot run."""


def interrupt(*_: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so that mounts are released and the folder removed."""
    raise KeyboardInterrupt


class Battery:
    def __init__(self, args: argparse.Namespace, tmp: Path, product: Product, package: Path):
        self.args = args
        self.tmp = tmp
        self.product = product
        self.package = package
        self.seed = Seed.read(SEED)
        self.rng = random.Random(args.seed)
        self.sentinel = f"ESCAPED-{hashlib.sha1(str(tmp).encode()).hexdigest()[:10]}"
        self.mounts: list[Path] = []
        self.rows: list[Row] = []
        self.sites = 0

    # Sites: one database, models folder and packages folder each ------------------------

    def site(self, name: str, *, pages: int = 0, installed: bool = True, bundled: bool = True,
             translated: bool = False) -> Path:
        self.sites += 1
        site = self.tmp / f"{self.sites:03d}-{name}"
        (site / "models").mkdir(parents=True)
        (site / "home").mkdir()
        if bundled:
            shutil.copy(self.package, site / "models")
        if pages:
            write_copies(self.seed, site / "pages", range(1, pages + 1))
            self.must(site, ["import", str(site / "pages")])
        if installed:
            self.must(site, ["models", "list"])
        if translated:
            self.must(site, ["run"], timeout=300)
        return site

    def must(self, site: Path, args: list[str], timeout: float = 120) -> Outcome:
        outcome = self.product(site, args, timeout=timeout)
        if outcome.rc != 0:
            raise SetupError(f"setup failed: translate {' '.join(args)} ({outcome.kind}):\n{outcome.stderr[-2000:]}")
        return outcome

    def clone(self, template: Path, name: str) -> Path:
        self.sites += 1
        site = self.tmp / f"{self.sites:03d}-{name}"
        shutil.copytree(template, site, symlinks=True)
        return site

    @contextlib.contextmanager
    def tmpfs(self, path: Path, size: str) -> Iterator[Path]:
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
        self.mounts.append(path)
        try:
            yield path
        finally:
            self.unmount(path)

    def unmount(self, path: Path) -> None:
        if path in self.mounts:
            if subprocess.run(["umount", str(path)], capture_output=True).returncode:
                subprocess.run(["umount", "-l", str(path)], capture_output=True)
            self.mounts.remove(path)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        log(f"{row.section} / {row.check}: trials {row.trials}, crashes {row.crashes}, twice {row.twice}, "
            f"partial {row.partial}, hangs {row.hangs}; {row.notes}")
        return row

    # 1. Concurrent processes -------------------------------------------------------------

    def concurrency(self) -> None:
        quick = self.args.quick
        articles = 6 if quick else 12
        template = self.site("concurrency", pages=articles)
        cold = None if quick else self.site("concurrency-cold", pages=articles, installed=False)
        cases = [("2 × run", 2, template), ("3 × run", 3, template),
                 ("2 × run, package not yet installed", 2, cold)][: 2 if quick else 3]
        for check, processes, source in cases:
            trials = max(1, self.args.trials - (processes == 3) - (source is cold))
            row = Row("concurrency", check, notes="")
            locked = nonzero = claimed_twice = pending = 0
            twice_trials = 0
            audit = set()
            row.twice = row.partial = 0
            for trial in range(trials):
                site = self.clone(source, "run-x")
                db = site / "db" / "news.db"
                audit.add(add_audit(db))
                # Staggered starts hit different windows: all at once, or one inside the other's run.
                delays = [0.0] + [self.rng.uniform(0, 1.5) for _ in range(processes - 1)]
                running = []
                started = time.monotonic()
                for delay in sorted(delays):
                    time.sleep(max(0.0, started + delay - time.monotonic()))
                    running.append(self.product.start(site, ["run", "--json"], label=f"run +{delay:.2f}s"))
                deadline = time.monotonic() + self.args.timeout * 3
                outcomes = [r.finish(deadline) for r in running]
                self.product.ran += outcomes
                row.trials += 1
                for outcome in outcomes:
                    row.count(outcome)
                    locked += bool(LOCKED.search(outcome.stderr))
                    nonzero += outcome.rc != 0
                saves = saves_per_article(db)
                twice = None if saves is None else sum(count > 1 for count in saves.values())
                claimed = sum(run_report(o).get("articles", 0) for o in outcomes)
                claimed_twice += max(0, claimed - articles)
                partial = partial_articles(db)
                after = listed(self.product, site)
                left = None if after is None else sum(status_of(a) != "current" for a in after)
                pending += left or 0
                if twice is None:
                    row.twice = None
                elif row.twice is not None:
                    row.twice += twice
                    twice_trials += twice > 0
                row.partial = None if partial is None or row.partial is None else row.partial + partial
                row.detail.append({"trial": trial, "delays": [round(d, 2) for d in sorted(delays)],
                                   "outcomes": [o.brief() for o in outcomes], "saved_twice": twice,
                                   "articles_claimed": claimed, "partial": partial, "left_pending": left})
                shutil.rmtree(site, ignore_errors=True)
            row.notes = (f"{articles} articles/trial; {trials * processes} processes: {nonzero} exit≠0, "
                         f"{locked} 'database is locked'; trials with a double save {twice_trials}; "
                         f"articles in the summaries beyond the article count {claimed_twice}; left pending {pending}; "
                         f"audit on {'/'.join(sorted(str(a) for a in audit))}")
            self.add(row)

        # import beside run: pages left unimported
        for check, first in (("import beside run", "run"), ("2 × import", "import"))[: 1 if quick else 2]:
            trials = max(1, self.args.trials - 1)
            row = Row("concurrency", check, twice=None, partial=0)
            unimported = nonzero = locked = 0
            new = 20 if quick else 40
            for trial in range(trials):
                site = self.clone(template, "import-x")
                pages_a = site / "incoming-a"
                headlines = write_copies(self.seed, pages_a, range(1000, 1000 + new), minute_offset=2000)
                pages_b = site / "incoming-b"
                if first == "import":
                    headlines += write_copies(self.seed, pages_b, range(3000, 3000 + new), minute_offset=4000)
                delay = self.rng.uniform(0, 1.5)
                one = self.product.start(site, ["run"] if first == "run" else ["import", str(pages_b)])
                time.sleep(delay)
                two = self.product.start(site, ["import", str(pages_a)])
                deadline = time.monotonic() + self.args.timeout * 3
                outcomes = [one.finish(deadline), two.finish(deadline)]
                self.product.ran += outcomes
                row.trials += 1
                for outcome in outcomes:
                    row.count(outcome)
                    nonzero += outcome.rc != 0
                    locked += bool(LOCKED.search(outcome.stderr))
                after = listed(self.product, site)
                present = set() if after is None else {a.get("headline") for a in after if a.get("full_page")}
                missing = sum(h not in present for h in headlines)
                unimported += missing
                partial = partial_articles(site / "db" / "news.db")
                row.partial = None if partial is None or row.partial is None else row.partial + partial
                row.detail.append({"trial": trial, "delay": round(delay, 2), "outcomes": [o.brief() for o in outcomes],
                                   "pages_unimported": missing, "partial": partial})
                shutil.rmtree(site, ignore_errors=True)
            what = f"{new} new pages" if first == "run" else f"2 × {new} new pages"
            row.notes = (f"{what}/trial; pages left unimported {unimported}; {nonzero} exit≠0, "
                         f"{locked} 'database is locked'")
            self.add(row)

    # 2. Faults of the machine --------------------------------------------------------------

    COMMANDS = [["import", "{new}"], ["run"], ["show", "1", "--lang", "ja"], ["list"],
                ["review", "1", "--width", "100"], ["models", "list"]]

    def machine(self) -> None:
        quick = self.args.quick
        template = self.site("machine", pages=1, translated=not quick)  # show and review need it
        write_copies(self.seed, template / "pending", range(2, 3), minute_offset=100)
        self.must(template, ["import", str(template / "pending")])  # article 2: pending, for `run`
        write_copies(self.seed, template / "new", range(3, 4), minute_offset=200)

        # --quick: the commands that write, and one that only reads.
        chosen = [c for c in self.COMMANDS if not quick or c[0] in ("import", "run", "list", "models")]

        def commands(site: Path, *, unprivileged: bool = False, install: bool = False,
                     env: dict | None = None) -> tuple[list[Outcome], int | None]:
            outcomes = []
            for args in chosen + ([["models", "install", str(self.package)]] if install and not quick else []):
                args = [a.replace("{new}", str(site / "new")) for a in args]
                outcomes.append(self.product(site, args, timeout=self.args.timeout, unprivileged=unprivileged,
                                             env=env))
            return outcomes, partial_articles(site / "db" / "news.db")

        def record(check: str, outcomes: list[Outcome], partial: int | None) -> None:
            row = Row("machine", check, trials=len(outcomes), partial=partial)
            for outcome in outcomes:
                row.count(outcome)
            row.detail = [o.brief() for o in outcomes]
            tb = [o.label.split()[0] + (" " + o.label.split()[1] if o.label.startswith("models") else "")
                  for o in outcomes if o.crashed]
            row.notes = kinds(outcomes) + (f"; crashed: {', '.join(tb)}" if tb else "")
            self.add(row)

        site = self.clone(template, "control")
        record("control (no fault)", *commands(site, install=True))

        if self.product.root:
            for check, free_kib in (("disk full: database folder, 0 KiB free", 0),
                                    ("disk full: database folder, 48 KiB free", 48))[quick:]:
                site = self.clone(template, "diskfull")
                shutil.move(site / "db", site / "db-saved")
                with self.tmpfs(site / "db", "2m"):
                    for item in (site / "db-saved").iterdir():
                        shutil.copy2(item, site / "db")
                    fill(site / "db" / "filler", free_kib)
                    record(check, *commands(site))
            site = self.clone(template, "diskfull-packages")
            shutil.rmtree(site / "packages")
            with self.tmpfs(site / "packages", "2m"):
                fill(site / "packages" / ".filler", 0)
                record("disk full: packages folder (package not yet installed)", *commands(site, install=True))
            if not quick:
                site = self.clone(template, "rofs")
                shutil.move(site / "db", site / "db-saved")
                with self.tmpfs(site / "db", "16m"):
                    for item in (site / "db-saved").iterdir():
                        shutil.copy2(item, site / "db")
                    subprocess.run(["mount", "-o", "remount,ro", str(site / "db")], check=True)
                    record("read-only file system: database folder", *commands(site))
        else:
            self.add(Row("machine", "disk full / read-only file system", notes="skipped: needs root for tmpfs"))

        site = self.clone(template, "ro-file")
        (site / "db" / "news.db").chmod(0o444)
        record("read-only database file", *commands(site, unprivileged=True))
        if not quick:
            site = self.clone(template, "ro-folder")
            (site / "db").chmod(0o555)
            record("read-only database folder (file writable)", *commands(site, unprivileged=True))
            (site / "db").chmod(0o755)
        if not quick:
            site = self.clone(template, "ro-parent")
            shutil.rmtree(site / "db")
            (site / "nodb").mkdir(mode=0o555)
            env = self.product.env(site, TRANSLATE_DB=str(site / "nodb" / "sub" / "news.db"))
            record("no database yet, its folder not creatable", *commands(site, unprivileged=True, env=env))
            (site / "nodb").chmod(0o755)
        site = self.clone(template, "ro-packages")
        shutil.rmtree(site / "packages")
        (site / "packages").mkdir(mode=0o555)
        record("unwritable packages folder (package not yet installed)",
               *commands(site, unprivileged=True, install=True))
        (site / "packages").chmod(0o755)

    # 3. Broken model packages -------------------------------------------------------------

    def packages(self) -> None:
        variants = broken_variants(self.package, self.tmp / "variants", self.sentinel)
        good_root, _ = read_zip(self.package)
        base = self.site("packages", pages=1, installed=False, bundled=False)
        summary = Row("packages", "all variants", twice=None, partial=None)
        accepted, good_broken, escaped, symlinked = [], [], [], []
        for variant in variants:
            row = Row("packages", f"{variant.name}: {variant.what}")
            outcomes: list[Outcome] = []
            # (a) alone: install it, list, run.
            site = self.clone(base, f"pkg-{variant.name}")
            before = tree(self.tmp)
            if variant.installed_fault:
                install = self.product(site, ["models", "install", str(variant.file)], timeout=self.args.timeout)
                for metadata in (site / "packages").glob(f"{good_root}-{variant.name}/metadata.json"):
                    metadata.write_text("{ not json", encoding="utf-8")
            else:
                install = self.product(site, ["models", "install", str(variant.file)], timeout=self.args.timeout)
                if install.rc == 0:
                    accepted.append(variant.name)
            outcomes.append(install)
            if not self.args.quick:
                outcomes.append(self.product(site, ["models", "list"], timeout=self.args.timeout))
            outcomes.append(self.product(site, ["run"], timeout=self.args.timeout))
            # (b) in models/, beside the good package, with what (a) left installed.
            shutil.copy(variant.file, site / "models")
            shutil.copy(self.package, site / "models")
            if not self.args.quick:
                outcomes.append(self.product(site, ["models", "list"], timeout=self.args.timeout))
            run = self.product(site, ["run"], timeout=self.args.timeout)
            outcomes.append(run)
            # Translated now, or by a package (a) left working: either way the desk has its Japanese.
            works = run.rc == 0
            if not works:
                good_broken.append(variant.name)
            if not self.args.quick:
                # (c) alone in models/ of a fresh site: what `run` does on first use.
                fresh = self.clone(base, f"pkg-{variant.name}-bundled")
                shutil.copy(variant.file, fresh / "models")
                outcomes.append(self.product(fresh, ["models", "list"], timeout=self.args.timeout))
                outcomes.append(self.product(fresh, ["run"], timeout=self.args.timeout))
            # Anything written outside the package folders, and any symlink inside them.
            new_paths = tree(self.tmp) - before
            outside = sorted(p for p in new_paths if self.sentinel in p and f"/packages/{good_root}-" not in p)
            links = sorted(p for p in new_paths if "/packages/" in p and os.path.islink(p))
            if outside:
                escaped.append(variant.name)
            if links:
                symlinked.append(variant.name)
            row.trials = len(outcomes)
            for outcome in outcomes:
                row.count(outcome)
                summary.count(outcome)
            summary.trials += len(outcomes)
            row.detail = [o.brief() for o in outcomes]
            row.notes = (f"install: {install.kind}; good package works beside it: {'yes' if works else 'NO'}; "
                         f"{kinds(outcomes)}" + (f"; ESCAPED: {outside}" if outside else "")
                         + (f"; symlinks installed: {links}" if links else ""))
            self.add(row)
        summary.notes = (f"{len(variants)} variants; broken packages accepted by install: {len(accepted)} "
                         f"{accepted}; good package fails beside a broken one: {len(good_broken)} {good_broken}; "
                         f"escaped the package folder: {len(escaped)} {escaped}; symlinks installed: {symlinked}")
        self.add(summary)

    # 4. Hostile or odd input ----------------------------------------------------------------

    def hostile(self) -> None:
        self.control_characters()
        self.special_files()
        self.impossible_date()

    def control_characters(self) -> None:
        site = self.site("controls")
        hostile = {
            "clear screen": "\x1b[2J\x1b[H",
            "window title": "\x1b]0;owned\x07",
            "colour": "\x1b[31mred\x1b[0m",
            "8-bit CSI": "\x9b31m",
            "right-to-left override": "\u202e",
        }
        headline = "Minister quits " + "".join(hostile.values()) + " over row"
        body = [f"The minister said{code} he would go." for code in hostile.values()] + self.seed.paragraphs[:2]
        sidebar = ["- 02/28 09:00 Sidebar " + hostile["clear screen"] + " entry " + hostile["8-bit CSI"]]
        (site / "pages").mkdir()
        (site / "pages" / "hostile.txt").write_text(self.seed.page(headline, body, 10, sidebar), encoding="utf-8")
        # Not a page, so that the error names the file: the name carries ESC and BEL.
        evil = site / "pages-bad" / "evil\x1b]0;owned\x07\x1b[2J.txt"
        evil.parent.mkdir()
        evil.write_text("not a page\n", encoding="utf-8")
        setup = [self.product(site, ["import", str(site / "pages")]),
                 self.product(site, ["run"], timeout=self.args.timeout)]
        after = listed(self.product, site) or []
        article = next((a["id"] for a in after if a.get("full_page")), 1)
        sidebar_id = next((a["id"] for a in after if not a.get("full_page")), None)
        shown = [["import", str(evil)], ["list"], ["list", "--json"], ["show", str(article), "--lang", "en"],
                 ["show", str(article), "--lang", "ja"], ["show", str(article), "--json"],
                 ["show", str(article), "--lang", "en", "--json"], ["review", str(article), "--width", "100"],
                 *([["show", str(sidebar_id), "--lang", "en"]] if sidebar_id else [])]
        row = Row("input", "control characters in pages (ESC, OSC, U+009B, U+202E)")
        notes = []
        outcomes = list(setup)
        # Both ways: click strips ANSI sequences (not OSC, not C1) when output is not a terminal.
        for mode, tty in (("terminal", True), ("pipe", False))[: 1 if self.args.quick else 2]:
            leaks = []
            clear = 0
            for args in shown:
                label = "import <name with ESC, BEL>" if args[0] == "import" else " ".join(args)
                outcome = self.product(site, args, tty=tty, label=f"{label} ({mode})")
                outcomes.append(outcome)
                found = sorted({f"U+{ord(c):04X}" for c in RAW_CONTROL.findall(outcome.stdout + outcome.stderr)})
                if found:
                    leaks.append(f"{label}: {' '.join(found)}")
                clear += "\x1b[2J" in outcome.stdout + outcome.stderr
            notes.append(f"to a {mode}, {len(leaks)} of {len(shown)} commands print raw controls, {clear} the "
                         "whole clear-screen sequence (" + "; ".join(leaks) + ")")
        for outcome in outcomes:
            row.count(outcome)
        row.trials = len(outcomes)
        row.detail = [o.brief() for o in outcomes]
        row.notes = f"setup: {kinds(setup)}; " + "; ".join(notes)
        self.add(row)

    def special_files(self) -> None:
        site = self.site("special", installed=False)
        wait = self.args.special_timeout
        outcomes = []
        fifo = site / "fifo.txt"
        os.mkfifo(fifo)
        outcomes.append(self.product(site, ["import", str(fifo)], timeout=wait, label="import FIFO"))
        cap = self.args.memory_cap
        good = site / "good.txt"
        good.write_text(self.seed.copy(1), encoding="utf-8")
        control = self.product(site, ["import", str(good)], timeout=60, memory_mib=cap, label="import page (capped)")
        outcomes.append(self.product(site, ["import", "/dev/zero"], timeout=wait * 3, memory_mib=cap,
                                     label="import /dev/zero"))
        row = Row("input", "special files named on the command line", trials=len(outcomes))
        for outcome in outcomes:
            row.count(outcome)
        row.detail = [control.brief()] + [o.brief() for o in outcomes]
        row.notes = (f"FIFO: {outcomes[0].kind} ({outcomes[0].seconds:.1f} s); /dev/zero under a {cap} MiB "
                     f"address-space cap: {outcomes[1].kind} ({outcomes[1].seconds:.1f} s, "
                     f"{outcomes[1].last_line()[:70]!r}); a page under the same cap: {control.kind}")
        self.add(row)

        folder = site / "folder"
        folder.mkdir()
        (folder / "good.txt").write_text(self.seed.copy(2), encoding="utf-8")
        os.symlink(site / "nowhere", folder / "dangling.txt")
        os.mkfifo(folder / "fifo.txt")
        os.symlink("/dev/zero", folder / "zero-link.txt")
        os.symlink("loop.txt", folder / "loop.txt")
        specials = ["dangling.txt", "fifo.txt", "zero-link.txt", "loop.txt"]
        with contextlib.suppress(OSError):
            os.mknod(folder / "device.txt", stat.S_IFCHR | 0o644, os.makedev(1, 5))  # /dev/zero's numbers
            specials.append("device.txt")
        outcome = self.product(site, ["import", str(folder)], timeout=wait * 3, memory_mib=cap,
                               label="import folder of specials")
        after = listed(self.product, site) or []
        imported = any(a.get("headline") == f"{self.seed.headline} (copy 2)" for a in after)
        reported = [name for name in specials if name in outcome.stderr]
        row = Row("input", "folder with dangling link, FIFO, /dev/zero link, loop, device as *.txt", trials=1)
        row.count(outcome)
        row.detail = [outcome.brief()]
        row.notes = (f"{outcome.kind}; good page imported: {'yes' if imported else 'no'}; specials reported: "
                     f"{len(reported)} of {len(specials)} {reported}; silently skipped: "
                     f"{[n for n in specials if n not in reported]}")
        self.add(row)

    def impossible_date(self) -> None:
        site = self.site("date", installed=False)
        sidebar = list(self.seed.sidebar[:5])
        sidebar.insert(2, "- 02/29 10:00 Leap day headline that cannot exist in 2025")
        page = site / "leap.txt"
        page.write_text(self.seed.page(self.seed.headline, self.seed.body, stamp="2025/03/03 18:38",
                                       sidebar=sidebar), encoding="utf-8")
        outcome = self.product(site, ["import", str(page)])
        after = listed(self.product, site) or []
        article = any(a.get("full_page") and a.get("headline") == self.seed.headline for a in after)
        headlines = sum(not a.get("full_page") for a in after)
        row = Row("input", "one impossible sidebar date (02/29 on a 2025 page)", trials=1)
        row.count(outcome)
        row.detail = [outcome.brief()]
        row.notes = (f"{outcome.kind}: {outcome.last_line()[:90]!r}; article imported: "
                     f"{'yes' if article else 'NO'}; sidebar headlines imported {headlines} of 5 valid")
        self.add(row)

    # Slow paths and memory --------------------------------------------------------------------

    def slow_paths(self) -> None:
        sizes = self.args.sizes
        limit = self.args.size_timeout
        site = self.site("slow", installed=False)
        (site / "in").mkdir()
        tiny = site / "in" / "baseline.txt"
        tiny.write_text(self.seed.page("A short page", ["One sentence."], 1), encoding="utf-8")
        baseline = min(self.product(site, ["import", str(tiny)]).seconds for _ in range(2))
        text = " ".join(self.seed.paragraphs)
        times: list[tuple[int, Outcome]] = []
        for n, kib in enumerate(sizes):
            paragraph = (text * (kib * 1024 // len(text) + 1))[: kib * 1024].rsplit(" ", 1)[0]
            page = site / "in" / f"para-{kib}.txt"
            page.write_text(self.seed.page(f"One paragraph of {kib} KiB", [paragraph], 10 + n), encoding="utf-8")
            outcome = self.product(site, ["import", str(page)], timeout=limit, label=f"import {kib} KiB paragraph")
            times.append((kib, outcome))
            if outcome.timed_out:
                break
        self.add(growth_row("import of one paragraph of N KiB", times, baseline, limit))

        # review: one unbroken token; its translation written straight into the database,
        # so that the time measured is review's alone (the tiny model would take minutes on it).
        times = []
        import_times = []
        unmeasured = ""
        for n, kib in enumerate(sizes):
            token = "".join(hashlib.sha256(f"{kib}-{i}".encode()).hexdigest() for i in range(kib * 1024 // 64))
            page = site / "in" / f"token-{kib}.txt"
            headline = f"One token of {kib} KiB"
            page.write_text(self.seed.page(headline, [f"https://example.com/{token}"], 100 + n), encoding="utf-8")
            imported = self.product(site, ["import", str(page)], timeout=limit, label=f"import {kib} KiB token")
            import_times.append((kib, imported))
            article = article_id(self.product, site, headline)
            if imported.rc != 0 or imported.timed_out:
                break
            if article is None or not fake_translation(site / "db" / "news.db", article):
                unmeasured = f"; {kib} KiB: not measured (the translation could not be written into the database)"
                break
            outcome = self.product(site, ["review", str(article), "--width", "100"], timeout=limit,
                                   label=f"review {kib} KiB token")
            times.append((kib, outcome))
            if outcome.timed_out:
                break
        row = growth_row("review of one unbroken token of N KiB", times, baseline, limit)
        row.notes += unmeasured + "; its import: " + ", ".join(
            f"{k} KiB {o.kind} {o.seconds:.1f} s" for k, o in import_times)
        for _, outcome in import_times:
            row.count(outcome)
        row.trials += len(import_times)
        self.add(row)

    def memory(self) -> None:
        rows = []
        sizes = self.args.memory_sizes
        site = self.site("memory")
        row = Row("input", "peak memory, import + run of one article of N paragraphs")
        for n, count in enumerate(sizes):
            body = [f"In item {i}, {self.seed.paragraphs[i % len(self.seed.paragraphs)]}" for i in range(count)]
            page = site / f"long-{count}.txt"
            page.write_text(self.seed.page(f"An article of {count} paragraphs", body, 10 + n), encoding="utf-8")
            imported = self.product(site, ["import", str(page)], timeout=self.args.timeout * 2)
            run = self.product(site, ["run", "--json"], timeout=self.args.timeout * 6)
            for outcome in (imported, run):
                row.count(outcome)
            rows.append({"paragraphs": count, "sentences": run_report(run).get("sentences"),
                         "import": imported.brief(), "run": run.brief()})
        row.trials = 2 * len(rows)
        row.detail = rows
        row.notes = "; ".join(
            f"{r['paragraphs']} ¶ ({r['sentences']} sentences): import {r['import']['peak_mib']:.0f} MiB "
            f"{r['import']['seconds']:.1f} s, run {r['run']['peak_mib']:.0f} MiB {r['run']['seconds']:.1f} s"
            + ("" if r["run"]["kind"] == "ok" else f" [run {r['run']['kind']}]")
            for r in rows)
        self.add(row)


def growth_row(check: str, times: list[tuple[int, Outcome]], baseline: float, limit: float) -> Row:
    """Seconds per size, and the growth factor per doubling of (seconds - start-up baseline)."""
    row = Row("input", check, trials=len(times))
    parts = []
    previous = None
    for kib, outcome in times:
        row.count(outcome)
        if outcome.timed_out:
            parts.append(f"{kib} KiB >{limit:.0f} s (stopped)")
            break
        if outcome.rc != 0:
            parts.append(f"{kib} KiB {outcome.kind}")
            break
        work = outcome.seconds - baseline
        # Below a second of work the ratio is start-up noise, not growth.
        factor = f" ×{work / previous:.1f}" if previous and previous >= 1 else ""
        parts.append(f"{kib} KiB {outcome.seconds:.1f} s{factor}")
        previous = work
    row.detail = {"baseline_seconds": round(baseline, 2), "runs": [o.brief() for _, o in times]}
    row.notes = (f"start-up {baseline:.1f} s; " + ", ".join(parts)
                 + " (× per doubling of the size, start-up subtracted, from 1 s of work on)")
    return row


def fake_translation(db: Path, article: int) -> bool:
    """Mark `article` translated, its Japanese a copy of its English, as the schema allows."""
    try:
        connection = sqlite3.connect(db, timeout=10)
        with connection:
            connection.execute("delete from translated_sentences where article_id = ?", (article,))
            connection.execute("delete from translations where article_id = ?", (article,))
            connection.execute(
                """insert into translations (article_id, lang, package, package_version, translated_at,
                   source_hash, link, back_link)
                   select id, 'ja', 'fault-battery', '0', '2025-03-01T00:00:00+00:00', content_hash,
                   '/articles/' || id || '/ja', '/articles/' || id || '/en' from articles where id = ?""",
                (article,))
            connection.execute(
                """insert into translated_sentences (article_id, lang, position, idx, source, text)
                   select article_id, 'ja', position, idx, text, text from sentences where article_id = ?""",
                (article,))
        connection.close()
        return True
    except sqlite3.Error:
        return False


def fill(path: Path, free_kib: int) -> None:
    """Fill the file system holding `path`, then free `free_kib` KiB again."""
    chunk = b"\0" * 65536
    with open(path, "wb") as file:
        try:
            while True:
                file.write(chunk)
                file.flush()
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
        # Whatever a buffered write left behind, then free exactly what was asked.
        with contextlib.suppress(OSError):
            file.flush()
        size = os.fstat(file.fileno()).st_size
        if free_kib:
            os.ftruncate(file.fileno(), max(0, size - free_kib * 1024))


def tree(root: Path) -> set[str]:
    paths = set()
    for folder, dirs, files in os.walk(root):
        paths.update(os.path.join(folder, name) for name in dirs + files)
    return paths


def print_table(rows: list[Row]) -> None:
    def show(value: int | None) -> str:
        return "n/a" if value is None else str(value)

    header = f"{'check':<66} {'trials':>6} {'crash':>5} {'twice':>5} {'part.':>5} {'hangs':>5}"
    print("\n" + header)
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            print(f"-- {section} " + "-" * (len(header) - len(section) - 4))
        check = row.check if len(row.check) <= 66 else row.check[:63] + "..."
        print(f"{check:<66} {row.trials:>6} {row.crashes:>5} {show(row.twice):>5} {show(row.partial):>5} "
              f"{row.hangs:>5}")
        if row.notes:
            print(f"    {safe(row.notes)}")


SECTIONS = ("concurrency", "machine", "packages", "input", "slow", "memory")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer trials and sizes (about 2 minutes)")
    parser.add_argument("--trials", type=int, help="trials per concurrency case (default 4; --quick 2)")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        help="KiB sizes for the slow paths (default 16,32,64,128; --quick 8,16,32)")
    parser.add_argument("--size-timeout", type=float, help="seconds per size (default 40; --quick 8)")
    parser.add_argument("--memory-sizes", type=lambda s: [int(x) for x in s.split(",")],
                        help="paragraph counts for the memory check (default 250,500,1000,2000; --quick 200,800)")
    parser.add_argument("--memory-cap", type=int, default=1024, help="MiB of address space for /dev/zero imports")
    parser.add_argument("--timeout", type=float, default=60, help="seconds for one ordinary command")
    parser.add_argument("--special-timeout", type=float, help="seconds for a FIFO import (default 10; --quick 3)")
    parser.add_argument("--only", type=lambda s: s.split(","), default=list(SECTIONS),
                        help=f"comma-separated sections: {','.join(SECTIONS)}")
    parser.add_argument("--seed", type=int, default=8, help="random seed of the start delays")
    parser.add_argument("--translate", type=Path, default=REPO / ".venv" / "bin" / "translate",
                        help="the command under test (default: this checkout's .venv)")
    parser.add_argument("--package", type=Path, help="a good .argosmodel (default: the recipe's tiny one, cached)")
    parser.add_argument("--rebuild-package", action="store_true", help="build the tiny package again")
    parser.add_argument("--json", type=Path, help="write every result, with per-command detail, to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    quick = args.quick
    args.trials = args.trials or (2 if quick else 4)
    args.sizes = args.sizes or ([8, 16, 32] if quick else [16, 32, 64, 128])
    args.size_timeout = args.size_timeout or (8 if quick else 40)
    args.memory_sizes = args.memory_sizes or ([200, 800] if quick else [250, 500, 1000, 2000])
    args.special_timeout = args.special_timeout or (3 if quick else 10)
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if not args.translate.exists():
        parser.error(f"{args.translate} not found: set up the checkout's .venv first")

    started = time.monotonic()
    package = args.package or good_package(args.translate.parent / "python", args.rebuild_package)
    package_seconds = time.monotonic() - started
    tmp = Path(tempfile.mkdtemp(prefix="faults-"))
    product = Product(args.translate, tmp / ".logs")
    battery = Battery(args, tmp, product, package)
    signal.signal(signal.SIGTERM, interrupt)
    interrupted = False
    try:
        for section, method in (("concurrency", battery.concurrency), ("machine", battery.machine),
                                ("packages", battery.packages), ("input", battery.hostile),
                                ("slow", battery.slow_paths), ("memory", battery.memory)):
            if section in args.only:
                log(f"section {section} ...")
                try:
                    method()
                except Exception as error:  # one broken section must not hide the others
                    battery.add(Row(section, "SECTION FAILED", notes=f"{type(error).__name__}: {error}"[:2000]))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for group in LIVE:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        for mount in list(battery.mounts):
            battery.unmount(mount)
        if args.keep:
            log(f"kept {tmp}")
        else:
            for folder, dirs, _ in os.walk(tmp):  # modes set by the battery must not stop the cleanup
                for path in (os.path.join(folder, name) for name in dirs):
                    if not os.path.islink(path):
                        with contextlib.suppress(OSError):
                            os.chmod(path, 0o755)
            shutil.rmtree(tmp, ignore_errors=True)
    if interrupted:
        log("interrupted: the figures so far follow")

    seconds = time.monotonic() - started
    commands = product.ran
    print_table(battery.rows)
    print(f"\n{len(commands)} commands, {sum(o.crashed for o in commands)} crashed, "
          f"{sum(o.timed_out for o in commands)} hung; {seconds:.0f} s"
          + (f" (of which {package_seconds:.0f} s building the package)" if package_seconds > 5 else "")
          + f"; {'quick' if quick else 'full'} mode, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps({
            "mode": "quick" if quick else "full", "seconds": round(seconds, 1), "translate": str(args.translate),
            "package": str(package), "rows": [asdict(row) for row in battery.rows],
        }, ensure_ascii=True, indent=2), encoding="utf-8")
    return 130 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
