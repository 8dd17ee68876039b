"""Atomic file writes: write a temp file beside the target, fsync, then rename over it.

Whatever goes wrong (the target is a directory, the name is too long, the disk is full, no permission),
the target is left as it was, the temp file is removed, and the error names the file and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ketamine_kg.errors import UserError

__all__ = ["atomic_output", "write_bytes_atomic", "write_text_atomic"]

_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space or write elsewhere",
    errno.EDQUOT: "the disk quota is exceeded; free some space or write elsewhere",
    errno.ENAMETOOLONG: "the name is longer than the file system allows; choose a shorter one",
    errno.EISDIR: "it is a directory; give the name of a file",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EROFS: "the file system is read-only; write elsewhere",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
}


def _temp_prefix(path: Path) -> str:
    """A temp-file prefix beside ``path``; short (a hash) when the name is long."""
    name = path.name
    if len(os.fsencode(name)) > 200:
        name = hashlib.sha1(os.fsencode(name)).hexdigest()[:16]
    return f".{name}."


def _write_error(path: Path, exc: OSError) -> UserError:
    advice = _ADVICE.get(exc.errno or 0, exc.strerror or str(exc))
    return UserError(f"cannot write {path}: {advice}")


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """Yield a binary file; on success it replaces ``path`` in one rename, on error ``path`` is untouched."""
    try:
        if path.is_dir():
            raise OSError(errno.EISDIR, "Is a directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _write_error(path, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_output(path) as handle:
        handle.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))
