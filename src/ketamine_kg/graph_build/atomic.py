"""Atomic writes: a file (temp file beside it, fsync, rename) or a whole folder of files (staging + swap).

Whatever goes wrong (the target is a directory, the name is too long, the disk is full, no permission),
the target is left as it was, the temp file is removed, and the error names the file and what to do.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

from ketamine_kg.errors import UserError
from ketamine_kg.processes import process_alive

__all__ = [
    "atomic_output",
    "check_replaceable",
    "recover_folder",
    "replace_folder_atomic",
    "write_bytes_atomic",
    "write_text_atomic",
]

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


_SIDE_NAME = re.compile(r"\.(?P<folder>.+)\.ketamine-kg-(?P<kind>new|old)-(?P<pid>\d+)-[^/]+")
_TEMP_FILE = re.compile(r"\..+\.tmp")  # what atomic_output leaves when a run is killed mid-file
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def replace_folder_atomic(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Make ``folder`` hold exactly ``files`` (relative name -> bytes), all of them or none.

    The files are written and fsynced in a staging folder beside ``folder``, which is then swapped in with
    one atomic exchange of the two folders (Linux ``renameat2``), so a reader, or a run killed at any
    moment, sees either the whole old set or the whole new set. Where the system cannot exchange, two
    renames leave the folder missing for a moment. Whatever a killed run leaves, the next run repairs
    (``recover_folder``). A folder holding files this function did not write is refused (``UserError``),
    never replaced.
    """
    target = folder.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_folder(target)
    check_replaceable(folder, files)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.ketamine-kg-new-{os.getpid()}-", dir=target.parent)
    )
    old = staging.with_name(staging.name.replace("-new-", "-old-", 1))  # used by the two-rename swap
    try:
        _fill(staging, files)
        if not target.exists():
            staging.rename(target)
        elif _exchange(staging, target):
            shutil.rmtree(staging)  # it now holds the old set
        else:
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old)
        _fsync_folder(target.parent)
    except BaseException:
        if old.is_dir() and not target.exists():  # interrupted between the two renames
            old.rename(target)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / name for name in files]


def recover_folder(target: Path) -> list[Path]:
    """Tidy what killed runs left beside ``target``; return the leftovers removed.

    If a run was killed between the two renames of the fallback swap, ``target`` is missing and its old
    set is put back first. Leftovers of runs still going (their process is alive) are not touched.
    """
    if not target.parent.is_dir():
        return []
    stale = []
    for path in sorted(target.parent.iterdir()):
        found = _SIDE_NAME.fullmatch(path.name)
        if (
            found
            and found["folder"] == target.name
            and path.is_dir()
            and not process_alive(int(found["pid"]))
        ):
            stale.append((found["kind"], path))
    olds = [path for kind, path in stale if kind == "old"]
    if olds and not target.exists():
        olds[-1].rename(target)
        stale = [(kind, path) for kind, path in stale if path != olds[-1]]
    for _, path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return [path for _, path in stale]


def check_replaceable(folder: Path, names: Iterable[str]) -> None:
    """Raise ``UserError`` unless ``folder`` is missing or holds only what a set of ``names`` holds (plus
    the temp files of killed single-file writes): only such a folder may be replaced as a whole."""
    target = folder.resolve()
    if target.exists() and not target.is_dir():
        raise UserError(f"{folder}: exists and is not a folder; outputs are written into a folder")
    if not target.is_dir():
        return
    ours = {Path(name).parts[0] for name in names}
    foreign = sorted(
        p.name for p in target.iterdir() if p.name not in ours and not _TEMP_FILE.fullmatch(p.name)
    )
    if foreign:
        raise UserError(
            f"{folder}: holds files that ketamine-kg did not write ({', '.join(foreign[:5])}"
            f"{', ...' if len(foreign) > 5 else ''}); the outputs replace the folder as a whole, "
            "so give them a folder of their own (e.g. --out out)"
        )


def _fill(staging: Path, files: Mapping[str, bytes]) -> None:
    """Write every file into ``staging``, durably, with ordinary permissions."""
    folders = {staging}
    for name, data in files.items():
        path = staging / name
        if staging not in path.resolve().parents:
            raise UserError(f"{name}: an output name must stay inside the output folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.update(p for p in path.parents if staging in p.parents or p == staging)
        with path.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        path.chmod(0o644)
    for path in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        path.chmod(0o755)
        _fsync_folder(path)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync_folder(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can fsync a folder
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
