"""The SQLite store: the only package that runs SQL.

`Store` is one connection; each module here owns the tables of one subject.
"""

from .database import LEASE_SECONDS, Store, opened, store_error

__all__ = ["LEASE_SECONDS", "Store", "opened", "store_error"]
