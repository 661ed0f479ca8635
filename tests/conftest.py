"""Shared fixtures: every test gets its own database and package folder, and no network."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Iterable

import pytest

from models.recipe.synthetic import write_synthetic_corpus
from translator.core import settings
from translator.text.journal import JST, Headline, Page, render_page
from translator.core.news import Block, BlockKind, Hypothesis
from translator.store import Store

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_17be0e9bcba96c5a.txt"
RECIPE = ("-m", "models.recipe")  # run from REPO
TINY_CONFIG = REPO / "models" / "recipe" / "configs" / "tiny.json"
BUNDLED = sorted((REPO / "models").glob("*.argosmodel"))  # the shipped model (models/README.md)
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
# Failing inputs handed with the issues (../shared/cases/), copied here as tests.
CASES = Path(__file__).parent / "data" / "cases"


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every setting at a temporary folder and make any network use fail loudly."""
    for setting in settings.SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.setenv("TRANSLATE_DB", str(tmp_path / "db" / "news.db"))
    monkeypatch.setenv("TRANSLATE_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def loopback_only(host: object) -> None:
        if not (isinstance(host, str) and (host == "localhost" or host.startswith("127.") or host == "::1")):
            raise AssertionError(f"network access attempted: {host!r}")

    def connect(sock: socket.socket, address: object) -> None:
        loopback_only(address[0] if isinstance(address, tuple) else address)
        real_connect(sock, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        loopback_only(host)
        return real_getaddrinfo(host, *args, **kwargs)

    # Loopback stays open for the web tests' own server; anything else fails loudly.
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return tmp_path


@pytest.fixture
def store(tmp_path: Path):
    store = Store.open(tmp_path / "db" / "news.db")
    yield store
    store.close()


class FakeEngine:
    """Stands in for a model: '<訳>' + English, and a record of every call.

    Sentences in `truncated` come back marked as cut at the length limit, those in
    `empty` as ''. Call number `fail_on_call` raises `failure` (by default as if
    Ctrl-C were pressed). `stream` yields `step` sentences a step (None: all in one).
    `safer()` is one FakeEngine (its calls kept apart) writing '<再訳>' + English,
    cutting those in `safer_truncated`.
    """

    package = "fake-en_ja"
    package_version = "1.0"

    def __init__(
        self,
        fail_on_call: int | None = None,
        truncated: Iterable[str] = (),
        empty: Iterable[str] = (),
        step: int | None = None,
        safer_truncated: Iterable[str] = (),
        label: str = "<訳>",
        failure: BaseException = KeyboardInterrupt(),
    ):
        self.calls: list[list[str]] = []
        self.fail_on_call = fail_on_call
        self.failure = failure
        self.truncated = set(truncated)
        self.empty = set(empty)
        self.step = step
        self.label = label
        self.safer_truncated = set(safer_truncated)
        self._safer: FakeEngine | None = None

    def translate(self, sentences):
        self.calls.append(list(sentences))
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise self.failure
        return [
            Hypothesis(f"{self.label}{s}" if s.strip() and s not in self.empty else "", s in self.truncated, -1.0)
            for s in sentences
        ]

    def stream(self, sentences):
        size = self.step or max(len(sentences), 1)
        for start in range(0, len(sentences), size):
            yield list(enumerate(self.translate(sentences[start : start + size]), start))

    def safer(self) -> "FakeEngine":
        if self._safer is None:
            self._safer = FakeEngine(truncated=self.safer_truncated, step=self.step, label="<再訳>")
        return self._safer

    def alternatives(self, sentence, n):
        """The first is what `translate` gives ('<訳>' + English); then '<訳2>' + English, '<訳3>' + English, ..."""
        self.calls.append([sentence])
        if not sentence.strip():
            return [Hypothesis("")]
        best = Hypothesis(f"<訳>{sentence}", sentence in self.truncated, -1.0)
        return [best] + [Hypothesis(f"<訳{i}>{sentence}", False, -1.0 - i) for i in range(2, n + 1)]

    @property
    def sentences_seen(self) -> list[str]:
        return [s for call in self.calls for s in call]


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


def jst(*parts: int) -> datetime:
    """A time in Japan time, as the journal gives it: jst(2025, 2, 21, 18, 38)."""
    return datetime(*parts, tzinfo=JST)


def subheading(text: str) -> Block:
    return Block(BlockKind.SUBHEADING, text)


def page(
    headline: str,
    body: Iterable[str | Block] = ("Body.",),
    published: datetime = jst(2025, 2, 21, 18, 38),
    sidebar: Iterable[tuple[datetime, str]] = (),
) -> Page:
    """A Page: strings in `body` are paragraphs; sidebar entries are (time, headline)."""
    blocks = tuple(b if isinstance(b, Block) else Block(BlockKind.PARAGRAPH, b) for b in body)
    return Page(headline, published, blocks, tuple(Headline(h, when) for when, h in sidebar))


def page_text(*args, **kwargs) -> str:
    """The same page in the journal's layout, as a file holds it."""
    return render_page(page(*args, **kwargs))


def make_archive(path: Path, root: str = "translate-en_ja-1_0", files: dict | None = None, **metadata) -> Path:
    """A minimal .argosmodel (not a working model): `files` replace or (None) remove members."""
    meta = {"package_version": "1.0", "from_code": "en", "to_code": "ja", **metadata}
    files = {
        "metadata.json": json.dumps(meta),
        "model/model.bin": "weights",
        "sentencepiece.model": "spm",
        **(files or {}),
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            if data is not None:
                archive.writestr(f"{root}/{name}" if root else name, data)
    return path


def repack(
    source: Path,
    path: Path,
    root: str | None = None,
    files: dict | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    **metadata,
) -> Path:
    """A copy of the package `source` (e.g. the tiny real one) at `path`, changed as asked.

    `root` renames its top folder; `files` replace members (bytes, or a function of the old
    bytes) or (None) remove them, by path inside the folder; `metadata` updates metadata.json.
    """
    with zipfile.ZipFile(source) as archive:
        members = {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
        old_root = archive.namelist()[0].split("/", 1)[0]
    if metadata:
        members["metadata.json"] = json.dumps({**json.loads(members["metadata.json"]), **metadata}).encode()
    for name, change in (files or {}).items():
        if change is None:
            members.pop(name, None)
        else:
            members[name] = change(members[name]) if callable(change) else change
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(f"{root or old_root}/{name}", data)
    return path


def run_recipe(corpus: Path, work: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *RECIPE, "all", "--config", str(TINY_CONFIG), "--corpus", str(corpus),
         "--work", str(work), "--out", str(out), "--device", "cpu"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )


@pytest.fixture(scope="session")
def tiny_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Argos package made by the recipe from the synthetic corpus (real CTranslate2 model)."""
    root = tmp_path_factory.mktemp("recipe")
    out = root / "translate-en_ja-tiny.argosmodel"
    result = run_recipe(write_synthetic_corpus(root / "corpus"), root / "work", out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


# The web face ------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def live_server(tmp_path: Path):
    """Start the web face (waitress, a free port on 127.0.0.1) for an App; yields its base URL.

    Use: `url = live_server(App(engine_factory=...))`; the server stops after the test.
    """
    servers = []

    def start(app, token: str | None = None) -> str:
        from translator.web.server import make_server

        server = make_server(app, "127.0.0.1", 0, token)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.effective_port}"

    yield start
    for server, thread in servers:
        server.close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; skipped where no system browser is installed.

    Playwright's own browser download does not work on these machines, so it is
    pointed at the system's chromium (`apt-get install chromium`; .ci/run does).
    """
    if CHROMIUM is None:
        pytest.skip("no system chromium: `apt-get install chromium` to run the browser tests")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(name="page")
def browser_page(browser):
    """A fresh browser page (own cookies), closed after the test.

    Named `page` for tests; the function has another name so that it does not
    hide the `page()` helper above, which test modules import.
    """
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    yield page
    context.close()


# The article pages ---------------------------------------------------------------

# The sample page's first sidebar headline, which a page of its own completes in `bilingual_app`.
SPAIN = "Spain's ex-football boss Luis Rubiales fined over forced kiss"


@pytest.fixture
def bilingual_app(fake_engine: FakeEngine, tmp_path: Path):
    """An App whose database holds two full pages, translated (FakeEngine) and published.

    Article 1 is the sample page (18:38); article 2 is its sidebar's first
    headline (18:37), completed by a page of its own; 3 to 42 are headline-only.
    """
    from translator.app import App
    from translator.text.importer import import_paths

    app = App(flags={"publish_policy": "current"}, engine_factory=lambda config: fake_engine)
    spain = tmp_path / "spain.txt"
    spain.write_text(
        page_text(SPAIN, ["Spain's former football chief was fined.", subheading("Appeal"), "He said he would appeal."], jst(2025, 2, 21, 18, 37)),
        encoding="utf-8",
    )
    with app.store(create=True) as store:
        import_paths(store, [SEED, spain])
    app.translate_pending()
    return app


def parse_html(text: str):
    """Parse a page as HTML5 with html5lib, raising on any parse error; an ElementTree root, plain tag names."""
    import html5lib

    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
