"""Serving the web face with waitress, on loopback unless an access token guards it."""

from __future__ import annotations

import ipaddress
import socket

from ..app import App
from ..core.errors import ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`; False for every other name or address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None, allowed_hosts: tuple[str, ...] = ()) -> None:
    """:raises ConfigError: when `host` is not loopback and no access token is set, or
    allowed host names are given without a token (they would expose the desk)."""
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"serving on {host} exposes the desk beyond this machine: set an access token "
            "with --token or TRANSLATE_TOKEN (or serve on 127.0.0.1)"
        )
    if allowed_hosts and not token:
        raise ConfigError("allowed hosts open the desk to other names: set an access token with --token or TRANSLATE_TOKEN")


def answered_hosts(host: str, allowed_hosts: tuple[str, ...] | None) -> tuple[str, ...]:
    """The host names the server answers to besides loopback: the allowed ones, and the address it
    listens on when that is one host (not 0.0.0.0 or ::, which stand for every address)."""
    listening = () if is_loopback(host) or host in ("0.0.0.0", "::", "") else (host.lower(),)
    return tuple(dict.fromkeys((*(allowed_hosts or ()), *listening)))


def make_server(
    app: App,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    threads: int = 4,
    allowed_hosts: tuple[str, ...] | None = None,
):
    """A waitress server for the web face, bound and ready to `.run()`; port 0 picks a free port.

    It answers requests for loopback host names and `answered_hosts(host, allowed_hosts)` only.

    :raises ConfigError: off loopback without a token, or when the address cannot be bound.
    """
    import waitress

    from . import create_app

    check_binding(host, token, allowed_hosts or ())
    web = create_app(app, token=token, allowed_hosts=answered_hosts(host, allowed_hosts))
    try:
        return waitress.create_server(web, host=host, port=port, threads=threads, ident="translate")
    except (OSError, socket.gaierror) as error:
        raise ConfigError(f"cannot listen on {host}:{port} ({error.strerror or error})") from None
