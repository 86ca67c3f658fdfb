"""Where uploaded files live: one small interface, the local filesystem by default.

Views and services only ever call :func:`get_storage` and the four methods of
:class:`Storage`, so an S3-compatible store can be added (a class with the same methods,
chosen by ``STORAGE_BACKEND``) without touching them.

Keys are ``<prefix>/<random hex>[.<ext>]``: generated here, never derived from a user's
filename, so a name like ``../../etc/passwd`` can never reach the filesystem.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from flask import Flask, current_app

#: A key is one or more lower-case path segments, then a random name; nothing else.
KEY_RE = re.compile(r"^(?:[a-z0-9_-]{1,40}/){1,3}[0-9a-f]{32}(?:\.[a-z0-9]{1,8})?$")
PREFIX_RE = re.compile(r"^(?:[a-z0-9_-]{1,40}/){0,2}[a-z0-9_-]{1,40}$")


class StorageError(Exception):
    """A key that is malformed or does not exist."""


@runtime_checkable
class Storage(Protocol):
    def save(self, stream: BinaryIO, *, prefix: str, suffix: str = "") -> str:
        """Store the stream's bytes (from its current position) under a new random key."""

    def open(self, key: str) -> BinaryIO:
        """A readable binary file object for ``key`` (the caller closes it)."""

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""

    def size(self, key: str) -> int:
        """The stored size in bytes."""


def new_key(prefix: str, suffix: str = "") -> str:
    if not PREFIX_RE.match(prefix):
        raise StorageError(f"invalid storage prefix {prefix!r}")
    suffix = suffix.lower().lstrip(".")
    if suffix and not re.fullmatch(r"[a-z0-9]{1,8}", suffix):
        raise StorageError(f"invalid suffix {suffix!r}")
    return f"{prefix}/{secrets.token_hex(16)}" + (f".{suffix}" if suffix else "")


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise StorageError("invalid storage key")
    return key


class LocalStorage:
    """Files under one root directory (``UPLOAD_FOLDER``, by default ``instance/uploads``).

    The root is outside ``static/``: nothing here is served except through views that check
    permissions and set safe headers.
    """

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if self.root not in path.parents:
            raise StorageError("invalid storage key")
        return path

    def save(self, stream: BinaryIO, *, prefix: str, suffix: str = "") -> str:
        key = new_key(prefix, suffix)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        tmp = path.with_name(path.name + ".part")
        try:
            with open(tmp, "xb") as out:
                shutil.copyfileobj(stream, out, 1024 * 1024)
            os.chmod(tmp, 0o640)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError as exc:
            raise StorageError("no such file") from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError as exc:
            raise StorageError("no such file") from exc


#: ``STORAGE_BACKEND`` value → factory taking the app. Add e.g. ``"s3"`` here.
BACKENDS = {
    "local": lambda app: LocalStorage(app.config["UPLOAD_FOLDER"]),
}


def get_storage(app: Flask | None = None) -> Storage:
    """The configured store (``STORAGE_BACKEND``, default ``local``), one per app."""
    app = app or current_app._get_current_object()
    storage = app.extensions.get("wid_storage")
    if storage is None:
        backend = app.config.get("STORAGE_BACKEND", "local")
        try:
            factory = BACKENDS[backend]
        except KeyError as exc:
            raise RuntimeError(f"unknown STORAGE_BACKEND {backend!r}") from exc
        storage = factory(app)
        app.extensions["wid_storage"] = storage
    return storage


def delete_quietly(key: str | None) -> None:
    """Delete a stored file if there is one; a missing or malformed key is only logged."""
    if not key:
        return
    try:
        get_storage().delete(key)
    except StorageError:
        current_app.logger.warning("could not delete %s", key)
