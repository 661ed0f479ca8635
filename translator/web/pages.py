"""The article pages readers see (issue 11 fills these in): for now, the site's front door."""

from __future__ import annotations

import flask

blueprint = flask.Blueprint("pages", __name__)


@blueprint.get("/")
def home() -> flask.Response:
    return flask.render_template("error.html", message="translate")
