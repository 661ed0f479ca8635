"""The article pages on the server: routes at the link template's addresses, rendered by site/pages.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import flask

from ..core.errors import ConfigError, PageNotFound
from ..core.languages import SOURCE_LANG, TARGET_LANG
from ..editorial import publish
from ..site.pages import LANGS, STATIC, Site, article_page, render_article, render_index
from . import store as request_store
from . import translate_app

INDEX_PATHS = {SOURCE_LANG: "/", TARGET_LANG: f"/{TARGET_LANG}/"}


def route_rule(template: str) -> str:
    """The link template's path as a Flask rule: '/articles/{id}/{lang}' → '/articles/<int:article_id>/<any(en, ja):lang>'.

    A template may name a host ('https://news.example/{lang}/{id}.html'); the
    server answers at its path.

    :raises ConfigError: when {id} and {lang} are not both in the path.
    """
    parts = urlsplit(template)
    if "{id}" not in parts.path or "{lang}" not in parts.path or "{" in parts.netloc + parts.query + parts.fragment:
        raise ConfigError(f"to serve the pages, the link template needs {{id}} and {{lang}} in its path: {template!r}")
    return parts.path.replace("{id}", "<int:article_id>").replace("{lang}", f"<any({', '.join(LANGS)}):lang>")


@dataclass(frozen=True)
class ServedUrls:
    """Addresses on the server: articles at the link template's path, indexes at INDEX_PATHS."""

    template: str
    static: str

    def article(self, article_id: int, lang: str) -> str:
        return urlsplit(publish.link(self.template, article_id, lang)).path

    def index(self, lang: str) -> str:
        return INDEX_PATHS[lang]

    def asset(self, name: str) -> str:
        return self.static + name


# The pages' stylesheet is the site package's, served at /static/pages/.
blueprint = flask.Blueprint("pages", __name__, static_folder=STATIC, static_url_path="/static/pages")


@blueprint.record_once
def _article_route(state: Any) -> None:
    # The rule follows the settings of the App the Flask application was made for.
    template = state.app.extensions["translate_app"].config.link_template
    state.add_url_rule(route_rule(template), "article", article)


def _urls() -> ServedUrls:
    return ServedUrls(translate_app().config.link_template, flask.url_for("pages.static", filename=""))


def article(article_id: int, lang: str) -> str:
    """An article's page in `lang`; 404 where there is none."""
    store = request_store()
    site = Site.load(store, around=article_id)
    return render_article(article_page(store.aligned_article(article_id, TARGET_LANG), lang, site), _urls())


@blueprint.get(INDEX_PATHS[SOURCE_LANG])
def home() -> str:
    """The English index, the site's front door."""
    return render_index(Site.load(request_store()), SOURCE_LANG, _urls())


@blueprint.get(INDEX_PATHS[TARGET_LANG])
def japanese_home() -> str:
    """The Japanese index."""
    return render_index(Site.load(request_store()), TARGET_LANG, _urls())


@blueprint.errorhandler(PageNotFound)
def _no_page(error: PageNotFound) -> tuple[str, int]:
    return flask.render_template("error.html", message=str(error)), 404
