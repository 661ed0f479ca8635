"""The editors' work on a translation: edit and review sentences, approve, publish, unpublish.

Every action is one write transaction holding the change and its audit-trail
row (Store.transaction: it waits for a batch run's article to commit
instead of failing). What belongs to a sentence is keyed by the hash of its
English (news.sentence_hash), so an edit stays with its sentence when the
English around it changes, and a changed sentence starts afresh.

The rules:
- An edit keeps the run's text beside it (sentence_translations is the run's;
  `edits` is the editors'), so `translate run` never overwrites an edit. Saving
  the run's own text removes the edit. A sentence cannot be saved empty, nor an
  empty one marked reviewed: no English sentence goes out without its Japanese.
  An edit withdraws the article's approval (approval is of a text, and the text
  changed) and counts as the sentence's review only when QA finds no error in
  it: an error on saved text needs its own confirmation (`mark_reviewed`). The
  article's QA flags are checked again in the same transaction
  (rechecks.recheck: style, numbers, names across the article). A review holds
  for the text it saw: when the text changes, the sentence is unreviewed again.
- The editors' work is based on one version of the English (article_reviews.
  base_hash): the one they first worked on, then the one they last approved.
  While the English differs from it, the article is stale, and its changed
  sentences must be reviewed before it can be approved again.
- Approving needs a current translation, no sentence needing review
  (SentencePair.needs_review: empty; or unreviewed and changed, cut short, or
  with a QA error, which the editor fixes or confirms as it is), and every
  other sentence reviewed or taken as it is in one explicit step that names
  their number; it puts the article's edited sentences into the translation
  memory.
- Publishing needs an approval that holds for the English as it is.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from enum import StrEnum

from . import rechecks
from ..core.errors import EditorialError
from ..core.news import AlignedArticle, AuditAction, Origin, Status
from .publish import publish_article, withdraw
from ..store import Store
from ..core.wording import count

EDITOR_NAME_MAX = 60
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


class Via(StrEnum):
    """Where an edit's text came from, as the audit trail records it."""

    TYPED = "typed"
    ALTERNATIVE = "alternative"  # one of the model's N best hypotheses
    MEMORY = "memory"  # a translation memory entry


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def editor_name(name: str) -> str:
    """An editor's name as the audit trail records it: stripped, 1 to EDITOR_NAME_MAX characters.

    :raises EditorialError: when it is empty, too long, or holds control or
        formatting characters (which could disguise one name as another).
    """
    name = name.strip()
    if not name:
        raise EditorialError("an editor name is required")
    if len(name) > EDITOR_NAME_MAX:
        raise EditorialError(f"an editor name has at most {EDITOR_NAME_MAX} characters")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise EditorialError("an editor name cannot hold control or formatting characters")
    return name


def sentence_text(text: str) -> str:
    """An edited sentence as saved: one line (line breaks become spaces), without surrounding spaces."""
    return _LINE_BREAKS.sub(" ", text).strip()


def edit_sentence(
    store: Store, article_id: int, lang: str, source_hash: str, text: str, editor: str, via: Via = Via.TYPED
) -> bool:
    """Save an editor's text for a sentence (made one line by `sentence_text`); True if the text changed.

    A saved text counts as the sentence's review only when QA finds no error in
    it: an error on the text an editor (or a memory suggestion) wrote still needs
    its own confirmation (`mark_reviewed`), since a save is no sign that anyone saw
    the error (issue 24: a suggestion's "1.2%" for "2.5 percent" was saved, counted
    as reviewed, and published). Saving the text already shown, without an error,
    only marks the sentence reviewed; saving the run's own text removes the edit.
    Every change is in the audit trail with the text before and after.

    :raises ArticleNotFound: / SentenceNotFound: for a wrong article or sentence.
    :raises EditorialError: for empty text or an unusable editor name.
    """
    editor, text = editor_name(editor), sentence_text(text)
    if not text:
        raise EditorialError("a sentence's Japanese cannot be empty: every English sentence needs its translation")
    with store.transaction():
        source, content_hash = store.sentence_source(article_id, source_hash)
        run_text, edit_text = store.sentence_texts(article_id, lang, source_hash)
        before = edit_text if edit_text is not None else run_text
        at = _now()
        changed = text != before
        store.base_review_on(article_id, lang, content_hash, withdraw_approval=changed)
        if changed:
            store.clear_review(article_id, lang, source_hash)  # what was confirmed is not this text
            if text == run_text:
                store.drop_edit(article_id, lang, source_hash)
            else:
                store.save_edit(article_id, lang, source_hash, source, text, editor, at)
            store.add_audit(
                article_id, lang, editor, AuditAction.EDIT, content_hash, at,
                via=via, source_hash=source_hash, before=before, after=text,
            )
            flags = rechecks.recheck(store, article_id, lang, changed={source_hash}).get(source_hash, ())
        else:
            flags = store.flags(article_id, lang).get(source_hash, ())
        if not any(flag.is_error for flag in flags):
            newly_reviewed = store.record_review(article_id, lang, source_hash, editor, at, text=text)
            if newly_reviewed and not changed:
                store.add_audit(article_id, lang, editor, AuditAction.REVIEW, content_hash, at, source_hash=source_hash)
    return changed


def mark_reviewed(
    store: Store, article_id: int, lang: str, source_hash: str, editor: str, *, seen: str | None = None
) -> bool:
    """Confirm a sentence as it is; True if it was not reviewed before (then it is in the audit trail).

    `seen`: the Japanese the editor had before them (the desk's text box). A review
    confirms that text only: when the saved text differs (the editor typed without
    saving, or the batch or a glossary change rewrote it since the page loaded),
    nothing is confirmed.

    :raises ArticleNotFound: / SentenceNotFound: for a wrong article or sentence.
    :raises EditorialError: for a sentence without Japanese, a `seen` text that is not
        the saved one, or an unusable editor name.
    """
    editor = editor_name(editor)
    with store.transaction():
        _, content_hash = store.sentence_source(article_id, source_hash)
        run_text, edit_text = store.sentence_texts(article_id, lang, source_hash)
        if not (edit_text or run_text):
            raise EditorialError("a sentence without Japanese cannot be marked reviewed: write its translation")
        at = _now()
        shown = edit_text if edit_text is not None else run_text
        if seen is not None and sentence_text(seen) != sentence_text(shown):
            raise EditorialError(
                "not marked reviewed: the Japanese in the box is not the saved text "
                "(save it first, or reload the page to see the saved one)"
            )
        if not store.record_review(article_id, lang, source_hash, editor, at, text=shown):
            return False
        store.base_review_on(article_id, lang, content_hash, withdraw_approval=False)
        store.add_audit(article_id, lang, editor, AuditAction.REVIEW, content_hash, at, source_hash=source_hash)
    return True


def approve(store: Store, article_id: int, lang: str, editor: str, *, accept_remaining: int = 0) -> AlignedArticle:
    """Approve the article's translation; returns the article approved.

    Approval means every sentence was seen: edited, or reviewed one by one, or
    taken as it is in this one explicit step, which names how many it takes:
    `accept_remaining` must equal the number of sentences no one has reviewed
    (the desk's button says "Approve the 26 remaining sentences as they are"), so
    an editor never approves sentences they were not told about. The step is in
    the audit trail (ACCEPT, with the count), and each sentence it took keeps
    that it was taken so (not reviewed on its own) for as long as its text stays
    the same: the public page states how many (Approval.accepted), also after a
    later edit and approval again. Approval bases the editors' work on the English
    as it is (the article is no longer stale) and keeps its edited sentences in
    the translation memory. Approving an approved article changes nothing.

    :raises ArticleNotFound: for a wrong article.
    :raises EditorialError: while the translation is missing or stale; while a
        sentence needs review (SentencePair.needs_review: empty; or unreviewed
        and changed since the editors' English, cut at the length limit, or
        with a QA error: these are never taken in bulk); when `accept_remaining`
        is not the number of unreviewed sentences; or for an unusable editor name.
    """
    editor = editor_name(editor)
    with store.transaction():
        article = store.aligned_article(article_id, lang)
        if article.status != Status.CURRENT:
            what = "does not exist yet" if article.status == Status.MISSING else "is out of date (the English changed)"
            raise EditorialError(f"article {article_id} cannot be approved: its translation {what}: run `translate run`")
        pending = len({pair.source_hash for pair in article.pairs if pair.needs_review})
        if pending:
            raise EditorialError(
                f"article {article_id} cannot be approved: {count(pending, 'sentence')} "
                f"still {'needs' if pending == 1 else 'need'} review (empty, or changed, cut short, or with a QA error)"
            )
        if article.approval is not None:
            return article
        unseen = remaining_sentences(article)
        if len(unseen) != accept_remaining:
            one = len(unseen) == 1
            raise EditorialError(
                f"article {article_id} cannot be approved: {count(len(unseen), 'sentence')} "
                f"{'has' if one else 'have'} not been reviewed: review {'it' if one else 'them'}, or approve "
                f"the {count(len(unseen), 'remaining sentence')} as {'it is' if one else 'they are'}"
                + (f" (the page asked about {accept_remaining}: reload it)" if accept_remaining else "")
            )
        content_hash, at = store.content_hash(article_id), _now()
        if unseen:
            shown = {pair.source_hash: pair.target or "" for pair in article.pairs}
            for source_hash in unseen:
                store.record_review(article_id, lang, source_hash, editor, at, text=shown[source_hash], accepted=True)
            store.add_audit(article_id, lang, editor, AuditAction.ACCEPT, content_hash, at, after=str(len(unseen)))
        store.record_approval(article_id, lang, content_hash, editor, at)
        store.remember(
            lang,
            ((pair.source, pair.target) for pair in article.pairs if pair.origin == Origin.EDITED and pair.target),
            editor=editor,
            article_id=article_id,
            at=at,
        )
        store.add_audit(article_id, lang, editor, AuditAction.APPROVE, content_hash, at)
        return store.aligned_article(article_id, lang)


def remaining_sentences(article: AlignedArticle) -> list[str]:
    """The hashes of the article's sentences that no one has edited or reviewed, in reading order, once each:
    what approval would take as they are (approve's `accept_remaining` is their number)."""
    return list(dict.fromkeys(pair.source_hash for pair in article.pairs if not pair.reviewed))


def publish(store: Store, article_id: int, lang: str, editor: str, *, template: str, source_lang: str = "en") -> bool:
    """Make the approved translation live (the English page's link to it too); True if it was not live.

    :raises ArticleNotFound: for a wrong article.
    :raises EditorialError: unless an approval holds for the English as it is;
        or for an unusable editor name.
    """
    editor = editor_name(editor)
    with store.transaction():
        article = store.aligned_article(article_id, lang)
        if article.approval is None:
            raise EditorialError(f"article {article_id} cannot be published: approve its translation first")
        if lang in article.links:
            return False
        publish_article(store, article_id, template, source_lang, lang)
        store.add_audit(article_id, lang, editor, AuditAction.PUBLISH, store.content_hash(article_id), _now())
    return True


def unpublish(store: Store, article_id: int, lang: str, editor: str) -> bool:
    """Take the translation's page offline, its link kept for later; True if it was published (not withdrawn).

    :raises ArticleNotFound: for a wrong article.
    :raises EditorialError: for an unusable editor name.
    """
    editor = editor_name(editor)
    with store.transaction():
        content_hash = store.content_hash(article_id)
        found = store.publication(article_id, lang)
        if found is None or found.withdrawn_at is not None:
            return False
        withdraw(store, article_id, lang)
        store.add_audit(article_id, lang, editor, AuditAction.UNPUBLISH, content_hash, _now())
    return True
