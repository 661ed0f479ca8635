"""The editors' desk: the article list, English and Japanese side by side, edit, approve, publish.

Server-rendered pages; every change is a form POST (CSRF token), so the desk
works without JavaScript. static/desk.js adds keyboard navigation and saves
in place: it posts the same forms with fetch and the X-CSRFToken header, and
the server answers with the updated table row (`X-Requested-With: fetch`).

Editors name themselves once per browser: the name is kept in the signed
session cookie and is required before any page of the desk; every change is
recorded under it (editing.py). The model is loaded once per server process,
on the first request for alternatives, and shared under a lock.

Reads go through the store's read model (aligned_article, editorial_articles,
audit_trail), writes through editing.py and terminology.py (the glossary);
nothing here writes SQL.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
import threading
from pathlib import Path
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import flask
from flask_wtf.csrf import generate_csrf
from rapidfuzz.distance import Indel

from ..editorial import editing, memory, terminology
from ..quality.post_editing import post_edit
from ..app import App
from ..core.languages import SOURCE_LANG, TARGET_LANG
from ..text.cleaning import terminal_safe
from ..core.errors import EditorialError, GlossaryError, SentenceNotFound, TranslateError
from ..text.journal import JST
from ..core.news import AlignedArticle, AlignedBlock, BlockKind, EditorialStatus, Hypothesis, SentencePair
from . import store, translate_app

blueprint = flask.Blueprint("desk", __name__, url_prefix="/desk")

PAGE_SIZE = 100  # articles per page of the list
ALTERNATIVES = 5  # hypotheses offered for a sentence
_WORDS = re.compile(r"\s+|[^\s]+")


class SharedEngine:
    """The App's engine, built on first use and then reused by every request of this process.

    A lock serialises the calls: one CTranslate2 model, one sentence at a time.
    """

    def __init__(self, app: App):
        self._app = app
        self._lock = threading.Lock()
        self._engine: Any = None

    def alternatives(self, sentence: str, n: int) -> list[Hypothesis]:
        """:raises PackageError: / NoPackageError: when no model can be loaded."""
        with self._lock:
            if self._engine is None:
                self._engine = self._app.engine()
            return self._engine.alternatives(sentence, n)


@blueprint.record_once
def _share_engine_and_stores(state: flask.blueprints.BlueprintSetupState) -> None:
    state.app.extensions["desk_engine"] = SharedEngine(state.app.extensions["translate_app"])


def diff(old: str, new: str, unit: str = "word") -> list[tuple[str, str]]:
    """`old` → `new` as (op, text) runs, op one of "same", "del", "ins"; by words (English) or characters.

    The alignment is rapidfuzz's Indel (longest common subsequence, in C++: a
    page shows dozens of these); between two unchanged runs the deleted text
    comes before the inserted.
    """
    split = _WORDS.findall if unit == "word" else list
    a, b = split(old), split(new)
    runs: list[tuple[str, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def changed() -> None:
        if deleted:
            runs.append(("del", "".join(deleted)))
        if inserted:
            runs.append(("ins", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            changed()
            runs.append(("same", "".join(a[op.src_start : op.src_end])))
        else:
            deleted.extend(a[op.src_start : op.src_end])
            inserted.extend(b[op.dest_start : op.dest_end])
    changed()
    return runs


def _editor() -> str | None:
    return flask.session.get("editor")


def _is_fetch() -> bool:
    return flask.request.headers.get("X-Requested-With") == "fetch"


def _local(target: str | None) -> str:
    """`target` if it is a path within the desk (no open redirect), else the list."""
    if target and target.startswith("/desk/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return flask.url_for("desk.articles")


@blueprint.before_request
def require_editor() -> Any:
    if flask.request.endpoint in ("desk.editor", "desk.set_editor") or _editor():
        return None
    if _is_fetch() or flask.request.method != "GET":
        return flask.render_template("error.html", message="Set your editor name first (reload the page)."), 403
    return flask.redirect(flask.url_for("desk.editor", next=flask.request.full_path.rstrip("?")))


@blueprint.errorhandler(SentenceNotFound)
def sentence_not_found(error: SentenceNotFound) -> tuple[str, int]:
    return flask.render_template("error.html", message=str(error)), 404


@blueprint.errorhandler(EditorialError)
def editorial_error(error: EditorialError) -> tuple[str, int]:
    return flask.render_template("error.html", message=str(error)), 409


@blueprint.app_template_filter("jst")
def _jst(moment: str) -> str:
    """ISO 8601 in any zone (articles: +09:00; editors' actions: UTC) → '2025/02/21 18:38 JST'."""
    return datetime.fromisoformat(moment).astimezone(JST).strftime("%Y/%m/%d %H:%M JST")


@blueprint.get("/editor")
def editor() -> str:
    return flask.render_template("desk/editor.html", name=_editor() or "", next=_local(flask.request.args.get("next")))


@blueprint.post("/editor")
def set_editor() -> Any:
    try:
        name = editing.editor_name(flask.request.form.get("name", ""))
    except EditorialError as error:
        page = flask.render_template("desk/editor.html", name="", next=_local(flask.request.form.get("next")), error=str(error))
        return page, 400
    flask.session["editor"] = name
    return flask.redirect(_local(flask.request.form.get("next")))


@blueprint.get("/")
def articles() -> str:
    """The article list, newest first, filtered by ?status= (an EditorialStatus), PAGE_SIZE a page."""
    wanted = flask.request.args.get("status")
    status = EditorialStatus(wanted) if wanted in set(EditorialStatus) else None
    page = max(flask.request.args.get("page", 1, type=int) or 1, 1)
    db = store()
    rows = db.editorial_articles(TARGET_LANG, status, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return flask.render_template(
        "desk/articles.html",
        rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        page=page,
        status=status,
        counts=db.editorial_counts(TARGET_LANG),
        statuses=list(EditorialStatus),
    )


def _numbered(article: AlignedArticle) -> list[tuple[str, AlignedBlock, list[tuple[int, SentencePair]]]]:
    """Each block with its label ('Headline', 'Paragraph 3', 'Subheading') and its pairs,
    numbered 1.. through the article (the row numbers the page shows)."""
    numbered, n, paragraphs = [], 0, 0
    for block in article.blocks:
        if block.kind == BlockKind.PARAGRAPH:
            paragraphs += 1
            label = f"Paragraph {paragraphs}"
        else:
            label = block.kind.value.capitalize()
        rows = []
        for pair in block.pairs:
            n += 1
            rows.append((n, pair))
        numbered.append((label, block, rows))
    return numbered


@blueprint.get("/articles/<int:article_id>")
def article(article_id: int) -> str:
    aligned = store().aligned_article(article_id, TARGET_LANG, SOURCE_LANG)
    pairs = aligned.pairs
    return flask.render_template(
        "desk/article.html",
        article=aligned,
        blocks=_numbered(aligned),
        need_review=[n for n, pair in enumerate(pairs, 1) if pair.needs_review],
        remaining=len(editing.remaining_sentences(aligned)),
        edited=sum(pair.edited_by is not None for pair in pairs),
        numbers={pair.source_hash: n for n, pair in reversed(list(enumerate(pairs, 1)))},
        audit=store().audit_trail(article_id, TARGET_LANG),
        **_row_context(article_id),
    )


def _row_context(article_id: int) -> dict[str, Any]:
    """What every sentence row needs besides its pair, made once a page (url_for and the
    token cost more than the rest of a row)."""
    prefix = flask.url_for("desk.edit", article_id=article_id, source_hash="-").removesuffix("-")
    return {"csrf": generate_csrf(), "sentences": prefix, "diff": diff}


def _row(article_id: int, source_hash: str, number: int | None) -> tuple[AlignedArticle, int, SentencePair]:
    """The sentence with this hash: the one at row `number` if that is it, else its first row.

    :raises SentenceNotFound: when the article has no such sentence (any more).
    """
    aligned = store().aligned_article(article_id, TARGET_LANG, SOURCE_LANG)
    pairs = aligned.pairs
    if number is not None and 0 < number <= len(pairs) and pairs[number - 1].source_hash == source_hash:
        return aligned, number, pairs[number - 1]
    for n, pair in enumerate(pairs, 1):
        if pair.source_hash == source_hash:
            return aligned, n, pair
    raise SentenceNotFound(article_id, source_hash)


def article_state(article: AlignedArticle) -> dict[str, Any]:
    """What the article page's header shows about the article, which a save in place changes:
    {"status", "status_label", "edited", "remaining", "need_review": [row numbers], "ja_headline"}."""
    pairs = article.pairs
    headline = article.headline.pairs[0].target if article.headline.pairs else None
    return {
        "status": article.editorial_status.value,
        "status_label": article.editorial_status.label,
        "edited": sum(pair.edited_by is not None for pair in pairs),
        "remaining": len(editing.remaining_sentences(article)),
        "need_review": [n for n, pair in enumerate(pairs, 1) if pair.needs_review],
        "ja_headline": headline,
    }


def _after_sentence_change(article_id: int, source_hash: str) -> Any:
    """The updated row for fetch, with the article's new header state (header X-Article-State,
    JSON: desk.js updates the status, the counters and the Approve button with it); otherwise
    back to the row in the article page."""
    aligned, number, pair = _row(article_id, source_hash, flask.request.form.get("row", type=int))
    if _is_fetch():
        response = flask.make_response(
            flask.render_template("desk/_row.html", article=aligned, n=number, pair=pair, **_row_context(article_id))
        )
        # ASCII JSON: a header carries no raw non-ASCII text.
        response.headers["X-Article-State"] = json.dumps(article_state(aligned), ensure_ascii=True)
        return response
    return flask.redirect(flask.url_for("desk.article", article_id=article_id, _anchor=f"s{number}"))


@blueprint.post("/articles/<int:article_id>/sentences/<source_hash>")
def edit(article_id: int, source_hash: str) -> Any:
    via = flask.request.form.get("via", editing.Via.TYPED)
    editing.edit_sentence(
        store(),
        article_id,
        TARGET_LANG,
        source_hash,
        flask.request.form.get("text", ""),
        _editor() or "",
        editing.Via(via) if via in set(editing.Via) else editing.Via.TYPED,
    )
    return _after_sentence_change(article_id, source_hash)


@blueprint.post("/articles/<int:article_id>/sentences/<source_hash>/review")
def review(article_id: int, source_hash: str) -> Any:
    seen = flask.request.form.get("text")  # the row's text box: a review confirms what the editor saw
    editing.mark_reviewed(store(), article_id, TARGET_LANG, source_hash, _editor() or "", seen=seen)
    return _after_sentence_change(article_id, source_hash)


@blueprint.get("/articles/<int:article_id>/sentences/<source_hash>")
def sentence(article_id: int, source_hash: str) -> str:
    """One sentence with the model's alternatives and similar translation-memory entries to take."""
    aligned, number, pair = _row(article_id, source_hash, flask.request.args.get("row", type=int))
    problem = None
    try:
        raw = flask.current_app.extensions["desk_engine"].alternatives(pair.source, ALTERNATIVES)
    except TranslateError as error:
        raw, problem = [], str(error)
    # Post-edited as the batch saves its output (the glossary, news style), so they honour the glossary.
    glossary = store().glossary()
    headline = next(b.kind for b in aligned.blocks if any(p is pair for p in b.pairs)).headline_style
    alternatives: list[Hypothesis] = []
    for hypothesis in raw:
        text = post_edit(pair.source, hypothesis.text, glossary, headline=headline)
        if text not in {alternative.text for alternative in alternatives}:
            alternatives.append(dataclasses.replace(hypothesis, text=text))
    matches = memory.similar(store(), pair.source, TARGET_LANG)
    return flask.render_template(
        "desk/sentence.html",
        article=aligned,
        n=number,
        pair=pair,
        alternatives=alternatives,
        problem=problem,
        matches=[(match, memory.differences(pair.source, match.text, glossary)) for match in matches],
        diff=diff,
    )


@blueprint.post("/articles/<int:article_id>/approve")
def approve(article_id: int) -> Any:
    accept = flask.request.form.get("accept_remaining", 0, type=int) or 0
    editing.approve(store(), article_id, TARGET_LANG, _editor() or "", accept_remaining=accept)
    return flask.redirect(flask.url_for("desk.article", article_id=article_id))


@blueprint.post("/articles/<int:article_id>/publish")
def publish(article_id: int) -> Any:
    template = translate_app().config.link_template
    editing.publish(store(), article_id, TARGET_LANG, _editor() or "", template=template, source_lang=SOURCE_LANG)
    return flask.redirect(flask.url_for("desk.article", article_id=article_id))


@blueprint.post("/articles/<int:article_id>/unpublish")
def unpublish(article_id: int) -> Any:
    editing.unpublish(store(), article_id, TARGET_LANG, _editor() or "")
    return flask.redirect(flask.url_for("desk.article", article_id=article_id))


# The glossary (terminology.py): the same entries `translate glossary` keeps. ------------------


def _glossary_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    entries = store().glossary()
    return flask.render_template("desk/glossary.html", entries=entries, error=error), status


def _back_to_glossary(done: str, *warnings: str) -> Any:
    """After a change: the glossary page again (a GET, so reloading it changes nothing), saying what was
    done, then each warning."""
    flask.flash(done)
    for warning in warnings:
        flask.flash(f"Warning: {warning}")
    return flask.redirect(flask.url_for("desk.glossary"))


@blueprint.get("/glossary")
def glossary() -> tuple[str, int]:
    """Every glossary entry, with forms to add, change, remove, import and export."""
    return _glossary_page()


@blueprint.post("/glossary")
def add_term() -> Any:
    """Add a term, or change the one with the same English; the page again with what happened."""
    form = flask.request.form
    try:
        entry, change, done = terminology.add_term(
            store(), form.get("english", ""), form.get("japanese", ""), form.get("note", "")
        )
    except GlossaryError as error:
        return _glossary_page(error=str(error), status=400)
    return _back_to_glossary(f"{change.capitalize()}: {entry.english} → {entry.japanese}{done.summary()}")


@blueprint.post("/glossary/remove")
def remove_term() -> Any:
    try:
        entry, done = terminology.remove_term(store(), flask.request.form.get("english", ""))
    except GlossaryError as error:
        return _glossary_page(error=str(error), status=404)
    return _back_to_glossary(f"Removed: {entry.english} → {entry.japanese}{done.summary()}")


@blueprint.post("/glossary/import")
def import_glossary() -> Any:
    """Add the terms of an uploaded CSV or TBX file (by its name's ending); a file with an error changes nothing."""
    upload = flask.request.files.get("file")
    if upload is None or not upload.filename:
        return _glossary_page(error="Choose a CSV or TBX file to import.", status=400)
    name = terminal_safe(upload.filename)  # shown, never used as a path (it may hold anything, a NUL included)
    suffix = ".tbx" if upload.filename.lower().endswith(".tbx") else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        # terminology reads files by path and names the path in its errors: those name the upload instead.
        path = Path(folder) / f"upload{suffix}"
        upload.save(path)
        try:
            report = terminology.import_glossary(store(), path, replace=bool(flask.request.form.get("replace")))
        except GlossaryError as error:
            return _glossary_page(error=str(error).replace(str(path), name), status=400)
    return _back_to_glossary(report.summary(name), *report.warnings(name))


@blueprint.get("/glossary.<any(csv, tbx):fmt>")
def export_glossary(fmt: str) -> flask.Response:
    """The glossary as a file to download (the format `translate glossary import` reads)."""
    text, _ = terminology.export_glossary(store(), fmt)
    mimetype = "text/csv" if fmt == "csv" else "application/x-tbx+xml"
    return flask.Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=glossary.{fmt}"},
    )
