"""The web face's foundation: the server, its safety rules, and a real browser reaching it."""

from __future__ import annotations

import pytest

from translator.app import App
from translator.core.errors import ConfigError
from translator.web import CSP, create_app
from translator.web.server import answered_hosts, check_binding, is_loopback


@pytest.mark.parametrize(
    "host, loopback",
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False), ("192.168.1.4", False), ("desk.example", False)],
)
def test_loopback(host: str, loopback: bool):
    assert is_loopback(host) is loopback


def test_off_loopback_needs_a_token():
    with pytest.raises(ConfigError, match="set an access token with --token or TRANSLATE_TOKEN"):
        check_binding("0.0.0.0", None)
    with pytest.raises(ConfigError, match="allowed hosts open the desk to other names: set an access token"):
        check_binding("127.0.0.1", None, ("desk.example",))
    check_binding("0.0.0.0", "s3cret")
    check_binding("127.0.0.1", None)


@pytest.mark.parametrize(
    ("host", "allowed", "answered"),
    [("127.0.0.1", None, ()), ("0.0.0.0", None, ()), ("10.0.0.5", None, ("10.0.0.5",)),
     ("0.0.0.0", ("desk.example",), ("desk.example",)), ("10.0.0.5", ("desk.example",), ("desk.example", "10.0.0.5"))],
)
def test_the_server_answers_loopback_names_and_the_names_it_is_given(host, allowed, answered):
    assert answered_hosts(host, allowed) == answered


def test_token_is_required_then_kept_in_a_cookie():
    with App().store(create=True):  # the front door is the index of the articles
        pass
    client = create_app(App(), token="s3cret").test_client()
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    response = client.get("/?token=s3cret")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200  # the cookie now carries it
    assert create_app(App(), token="s3cret").test_client().get("/", headers={"X-Translate-Token": "s3cret"}).status_code == 200


def test_every_response_forbids_external_resources():
    response = create_app(App()).test_client().get("/")
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_post_without_csrf_token_is_refused():
    web = create_app(App())

    @web.post("/probe")
    def probe() -> str:
        return "changed"

    assert web.test_client().post("/probe").status_code == 400


def test_cli_serve_refuses_a_public_address_without_token():
    from click.testing import CliRunner

    from translator.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: serving on 0.0.0.0 exposes the desk beyond this machine: set an access token "
        "with --token or TRANSLATE_TOKEN (or serve on 127.0.0.1)\n"
    )


def test_a_real_browser_reaches_the_server(live_server, page):
    with App().store(create=True):
        pass
    url = live_server(App())
    page.goto(url + "/")
    assert page.inner_text("h1") == "Latest articles"


def test_each_thread_keeps_its_store_until_the_database_file_is_replaced(tmp_path):
    from translator.store import opened
    from translator.text.importer import save_page

    from .conftest import page

    db = App().config.db
    with App().store(create=True) as store:
        save_page(store, page("First story", ["Body."]))
    client = create_app(App()).test_client()
    assert "First story" in client.get("/").text
    # A restore while the desk runs: the old file goes, another takes its name (a new inode).
    for file in db.parent.glob(db.name + "*"):
        file.unlink()
    with opened(db, create=True) as store:
        save_page(store, page("Restored story", ["Body."]))
    listed = client.get("/").text
    assert "Restored story" in listed and "First story" not in listed


def test_a_read_only_store_serves_one_request(monkeypatch):
    """An immutable store never sees a later write: it is not kept past its request."""
    import sqlite3

    import translator.web as web_module

    with App().store(create=True):
        pass
    real_open, stores = web_module.Store.open, []

    def open_immutable(path, **options):
        store = real_open(path, **options)
        store.immutable = True
        stores.append(store)
        return store

    monkeypatch.setattr(web_module.Store, "open", open_immutable)
    client = create_app(App()).test_client()
    assert client.get("/").status_code == 200 and client.get("/ja/").status_code == 200
    assert len(stores) == 2
    for store in stores:
        with pytest.raises(sqlite3.ProgrammingError):  # closed
            store.db.execute("select 1")
