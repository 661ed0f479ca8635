"""The static export: the article pages in both languages as a folder any web server (or file://) can show.

Layout of the folder, every link relative so it works from anywhere:

    index.html                 the English index
    ja/index.html              the Japanese index
    articles/{id}/en.html      an article's English page (every article with a full page)
    articles/{id}/ja.html      its Japanese page (while the translation is up)
    static/pages.css           the stylesheet
    .translate-site.json       the manifest: each page's fingerprint, for the next run

Pages are files named .html, not folders of index.html, since a browser opens
no index.html by itself over file://. The pages are pages.py's, rendered
with relative addresses instead of the server's.

A re-run renders only the pages whose fingerprint changed: the fingerprint
covers everything a page shows (the article's text in both languages as
`Store.fingerprints` digests it, whether its translation is up and reviewed,
its sidebar's entries) and the renderer itself (templates, stylesheet, code).
A page is written only when its bytes differ, atomically (a reader never sees
half a page); pages of articles that left the site are removed. Nothing in the
output depends on when or where it was made: the same database gives the same
folder, byte for byte.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..core.languages import SOURCE_LANG, TARGET_LANG
from ..core.errors import SiteError
from ..store import Store
from . import pages

MANIFEST = ".translate-site.json"
STYLESHEET = "static/pages.css"
_STATIC = pages.STATIC
_TEMPLATES = Path(pages.__file__).parent / "templates" / "pages"


def article_path(article_id: int, lang: str) -> str:
    """Where an article's page in `lang` is in the folder: 'articles/1/ja.html'."""
    return f"articles/{article_id}/{lang}.html"


def index_path(lang: str) -> str:
    """Where the index of `lang` is in the folder: 'index.html' for English, 'ja/index.html'."""
    return "index.html" if lang == SOURCE_LANG else f"{lang}/index.html"


@dataclass(frozen=True)
class RelativeUrls:
    """Addresses relative to the page at `page` (a path in the folder, as `article_path` gives):
    up to the folder's root, then down ('../../articles/2/ja.html' from an article's page)."""

    page: str

    @functools.cached_property
    def _root(self) -> str:
        return "../" * self.page.count("/")

    def article(self, article_id: int, lang: str) -> str:
        return self._root + article_path(article_id, lang)

    def index(self, lang: str) -> str:
        return self._root + index_path(lang)

    def asset(self, name: str) -> str:
        return f"{self._root}static/{name}"


@dataclass(frozen=True)
class ExportReport:
    """What `export_site` did: the files (paths in the folder, sorted) it wrote and removed, and
    how many of the site's files it left as they were (the manifest not counted)."""

    folder: Path
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int


def export_site(store: Store, folder: Path) -> ExportReport:
    """Write (or bring up to date) the static site in `folder`, created if need be.

    Reads the store in one read transaction (a snapshot: it takes no write lock,
    so the batch and the desk save while it renders), so a batch run saving
    meanwhile is seen whole or not at all. Only files this export wrote before (listed in the
    manifest) are ever removed; other files in `folder` are left alone, and a
    folder without a manifest that already holds one of the site's files (an
    index.html of another site) is refused, not overwritten.

    :raises SiteError: when `folder` cannot be created or written, or is another site's.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        previous = _read_manifest(folder)
        with store.snapshot():
            site = pages.Site.load(store)
            planned = _fingerprints(site, store.fingerprints(TARGET_LANG))
            root = str(folder)
            if not (folder / MANIFEST).exists():  # not an export's folder: never overwrite someone's index.html
                foreign = sorted(path for path in planned if os.path.lexists(os.path.join(root, path)))
                if foreign:
                    raise SiteError(
                        f"{folder}: {foreign[0]} is there, and no export made it: export into a new or empty folder"
                    )
                _write(folder / MANIFEST, "{}\n")  # ours from now on, even if this export stops halfway
            stale = {
                path
                for path, print_ in planned.items()
                if previous.get(path) != print_ or not os.path.isfile(os.path.join(root, path))
            }
            written = sorted(path for path, html in _render(store, site, sorted(stale)) if _write(folder / path, html))
        removed = [path for path in sorted(set(previous) - set(planned)) if _remove(folder, path)]
        _write(folder / MANIFEST, json.dumps(planned, indent=0, sort_keys=True) + "\n")
    except OSError as error:
        raise SiteError(f"{folder}: cannot write the site ({error.strerror or error})") from None
    return ExportReport(folder, tuple(written), tuple(removed), len(planned) - len(written))


def _renderer() -> str:
    """A digest of what turns data into pages: templates, stylesheet and the code that fills them."""
    digest = hashlib.sha256()
    for path in sorted(_TEMPLATES.glob("*.html")) + [_STATIC / "pages.css", Path(pages.__file__), Path(__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _digest(*parts: str) -> str:
    """SHA-256 hex of parts that hold no newline (digests, ids, flags, JSON)."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _fingerprints(site: pages.Site, texts: dict[int, tuple[str, str | None]]) -> dict[str, str]:
    """Every file the site holds → a fingerprint of everything that file shows."""
    renderer = _renderer()
    planned = {STYLESHEET: renderer}
    for lang in pages.LANGS:
        listing = site.listings[lang]
        # One short token per listed article; a sidebar is a window on the listing.
        # The headline last: the fields before it hold no separator, so the token is unambiguous.
        tokens = [
            hashlib.sha256(f"{e.id}\x1f{e.published}\x1f{e.has_page}\x1f{e.headline}".encode()).hexdigest()[:32]
            for e in listing
        ]
        planned[index_path(lang)] = _digest(renderer, lang, *(t for t, e in zip(tokens, listing) if e.has_page))
        for at, entry in enumerate(listing):
            if not entry.has_page:
                continue
            english, translation = texts[entry.id]
            if lang == SOURCE_LANG:
                shows = [english, str(entry.id in site.live)]
            else:
                shows = [english, translation or "", str(site.live[entry.id])]
            sidebar = tokens[at + 1 : at + 1 + pages.SIDEBAR_SIZE]
            planned[article_path(entry.id, lang)] = _digest(renderer, lang, str(entry.id), *shows, *sidebar)
    return planned


def _render(store: Store, site: pages.Site, paths: Iterable[str]) -> Iterable[tuple[str, str]]:
    """(path, content) for each of `paths`; an article is read once for both its pages."""
    articles: dict[int, list[str]] = {}
    for path in paths:
        if path == STYLESHEET:
            yield path, (_STATIC / "pages.css").read_text(encoding="utf-8")
        elif path.startswith("articles/"):
            _, article_id, _ = path.split("/")
            articles.setdefault(int(article_id), []).append(path)
        else:
            lang = next(lang for lang in pages.LANGS if index_path(lang) == path)
            yield path, pages.render_index(site, lang, RelativeUrls(path))
    for article_id, article_paths in articles.items():
        article = store.aligned_article(article_id, TARGET_LANG)
        for path in article_paths:
            lang = posixpath.splitext(posixpath.basename(path))[0]
            yield path, pages.render_article(pages.article_page(article, lang, site), RelativeUrls(path))


def _write(path: Path, text: str) -> bool:
    """Write `text` to `path` unless the file holds it already; True when written.

    Written beside and renamed over, so a web server serving the folder never
    sends half a page.
    """
    data = text.encode()
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return True


def _remove(folder: Path, path: str) -> bool:
    """Remove a file an earlier export wrote, and the folders it leaves empty; True when removed."""
    target = (folder / path).resolve()
    root = folder.resolve()
    if root not in target.parents:  # a manifest edited by hand never reaches outside the folder
        return False
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    for parent in target.parents:
        if parent == root or any(parent.iterdir()):
            break
        parent.rmdir()
    return True


def _read_manifest(folder: Path) -> dict[str, str]:
    """The fingerprints the last export left, or {} when there is no usable manifest."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    return {path: print_ for path, print_ in manifest.items() if isinstance(path, str) and isinstance(print_, str)}
