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


def check_binding(host: str, token: str | None) -> None:
    """:raises ConfigError: when `host` is not loopback and no access token is set."""
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"serving on {host} exposes the desk beyond this machine: set an access token "
            "with --token or TRANSLATE_TOKEN (or serve on 127.0.0.1)"
        )


def make_server(app: App, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None, threads: int = 4):
    """A waitress server for the web face, bound and ready to `.run()`; port 0 picks a free port.

    :raises ConfigError: off loopback without a token, or when the address cannot be bound.
    """
    import waitress

    from . import create_app

    check_binding(host, token)
    try:
        return waitress.create_server(create_app(app, token=token), host=host, port=port, threads=threads, ident="translate")
    except (OSError, socket.gaierror) as error:
        raise ConfigError(f"cannot listen on {host}:{port} ({error.strerror or error})") from None
