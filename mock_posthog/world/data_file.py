"""The store's file: TinyDB's JSON layout, read once at start and written atomically (a
temporary file, flush, rename), so that a kill at any moment leaves either the old file or
the new one, never half of one."""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import stat
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import orjson
from tinydb.storages import Storage

Record = dict[str, Any]
Rows = dict[str, Record]  # a table: documents keyed by their id, as text


class DataFileError(Exception):
    """The data file cannot be used; it is left untouched."""


class AtomicJSONStorage(Storage):
    """Keeps the data in memory; `save` writes the whole file atomically when a path is set."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path = None if path is None else usable_path(path)
        self.memory: dict[str, Rows] = {}
        if path is not None and path.exists():
            self.memory = read_data_file(path) or {}
        if path is not None:
            _remove_unfinished_saves(path)

    def read(self) -> dict[str, Rows] | None:
        return self.memory

    def write(self, data: dict[str, Rows]) -> None:
        self.memory = data

    def save(self, content: bytes | Sequence[bytes]) -> None:
        if self.path is not None:
            write_atomically(self.path, content)


def usable_path(path: Path) -> Path:
    """The file the state is written to: a symlink's target (a save renames over the target,
    so the link stays a link), once it is known to be a regular file or a new one in a
    writable directory. Checked with stat, which opens nothing: a FIFO would hang a read."""
    target = path.resolve() if path.is_symlink() else path.absolute()
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise DataFileError(f"{path}: cannot use it ({_reason(error)})") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise DataFileError(f"{path} is {_kind(mode)}, not a regular file")
    folder = target.parent
    if not folder.is_dir():
        raise DataFileError(f"{path}: its directory {folder} does not exist")
    # Saves write a file beside it and rename it over the old one.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataFileError(f"{path}: its directory {folder} is not writable{_by_whom()}")
    if mode is not None and not os.access(target, os.R_OK):
        raise DataFileError(f"{path}: cannot read it (permission denied)")
    return target


def _by_whom() -> str:
    """Who needs write access, and how to run as the directory's owner: in a container the
    user is the image's, and the directory often a bind mount owned by the host's user."""
    uid, gid = os.getuid(), os.getgid()
    return (
        f" by uid {uid} (gid {gid}), which this process runs as; give uid {uid} write access "
        f"to it (chown {uid} on the host), or run the container as its owner with "
        '--user "$(stat -c %u:%g DIRECTORY)"'
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def lock(path: Path) -> IO[str]:
    """Hold `path` for this process: an exclusive flock on a lock file beside it, released
    by the kernel when the process ends however it ends (a SIGKILLed server never blocks the
    next start). The lock file keeps the holder's PID, for the message of the next one.
    Keep the returned file open for as long as the data file is in use."""
    holder = path.with_name(f".{path.name}.lock")
    try:
        stream = open(holder, "a+", encoding="utf-8")  # noqa: SIM115  (held for the server's life)
    except OSError as error:
        raise DataFileError(
            f"{path}: cannot create its lock file {holder} ({_reason(error)})"
        ) from None
    try:
        fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        stream.seek(0)
        pid = stream.read().strip() or "unknown"
        stream.close()
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise DataFileError(
                f"{path} is in use by another mock-posthog server (PID {pid}); "
                "one server per data file"
            ) from None
        raise DataFileError(f"{path}: cannot lock it ({_reason(error)})") from None
    stream.seek(0)
    stream.truncate()
    stream.write(str(os.getpid()))
    stream.flush()
    return stream


def read_data_file(path: Path) -> dict[str, Rows] | None:
    """The file's tables; None for a file of zero bytes, which TinyDB reads as empty."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise DataFileError(f"{path}: cannot read it ({_reason(error)})") from None
    if not content:
        return None
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as error:
        raise DataFileError(f"{path} is not a TinyDB JSON file: {error}") from None
    if not _is_tinydb_shape(data):
        raise DataFileError(
            f"{path} is not a TinyDB JSON file: expected an object of tables, "
            "each an object of documents keyed by their numeric id"
        )
    return data


def _is_tinydb_shape(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(table, dict)
        and all(key.isdigit() and isinstance(doc, dict) for key, doc in table.items())
        for table in data.values()
    )


def _unfinished_save_prefix(path: Path) -> str:
    return f".{path.name}.saving."


def _remove_unfinished_saves(path: Path) -> None:
    """Temporary files of saves that a kill interrupted before their rename."""
    for leftover in path.parent.glob(_unfinished_save_prefix(path) + "*"):
        try:
            leftover.unlink(missing_ok=True)
        except OSError as error:
            raise DataFileError(
                f"{path}: cannot remove {leftover.name}, left by an interrupted save "
                f"({_reason(error)})"
            ) from None


def write_atomically(path: Path, content: bytes | Sequence[bytes]) -> None:
    """Write the new content beside `path`, then rename it over `path`: a kill at any moment
    leaves the old file or the new one.

    The content goes into a spare file: the file a rename replaced the save before, which
    keeps a second name so that the rename does not free its blocks (on ext4, milliseconds
    for a file of a few megabytes) and so that overwriting it in place allocates nothing.
    Every file beside `path` carries the prefix of unfinished saves, so what a kill leaves
    is cleared at the next start. Saves to one path take turns."""
    spare, turn = _spare_of(path)
    with turn:
        try:
            descriptor, target = os.open(spare, os.O_WRONLY), spare
        except FileNotFoundError:
            prefix = _unfinished_save_prefix(path)
            descriptor, name = tempfile.mkstemp(prefix=prefix, dir=path.parent)
            target = Path(name)
        kept = spare.with_name(spare.name + ".next")
        try:
            with os.fdopen(descriptor, "wb") as stream:
                for part in [content] if isinstance(content, bytes) else content:
                    stream.write(part)
                stream.truncate()
                stream.flush()
            keeping = _second_name(path, kept)
            os.replace(target, path)
        except BaseException:
            for leftover in (target, kept, spare):
                leftover.unlink(missing_ok=True)
            raise
        if keeping:
            try:
                os.replace(kept, spare)  # the old file is the next save's spare
            except OSError:
                kept.unlink(missing_ok=True)


_spares: dict[Path, tuple[Path, threading.Lock]] = {}
_spares_lock = threading.Lock()


def _spare_of(path: Path) -> tuple[Path, threading.Lock]:
    """This process's spare file for `path`, and the lock its saves take turns with."""
    with _spares_lock:
        if path not in _spares:
            name = f"{_unfinished_save_prefix(path)}spare-{os.getpid()}-{secrets.token_hex(4)}"
            _spares[path] = (path.parent / name, threading.Lock())
        return _spares[path]


def _second_name(path: Path, name: Path) -> bool:
    """Link `name` to `path`; False when there is no file yet, or no hard links here."""
    try:
        os.link(path, name)
    except OSError:
        return False
    return True
