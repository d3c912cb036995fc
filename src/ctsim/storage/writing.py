"""Writing outputs safely: every file through a temporary name and a rename, never through a link, never over anything
but a regular file; fresh timestamped folders that never overwrite an earlier result; whole folders written under a
temporary name and renamed once complete (:func:`staged_folder`), so a disk error or a kill leaves no half-written
run folder.

**What "safely" means here.** A results folder may hold things ctsim did not put there: a symbolic link planted as
``batch.lock`` or ``.batch.json.tmp``, a FIFO or a device named as ``--out``. So, for every file ctsim writes:

- the final name is checked with ``lstat`` (not following a link) just before the rename: it must hold nothing or a
  regular file, and anything else (a symbolic link, a folder, a FIFO, a device, a socket) stops the write with one
  line (:class:`OutputError`, exit status 2) and is left untouched;
- the temporary name (``.NAME.tmp`` beside it) is created fresh with ``O_CREAT | O_EXCL | O_NOFOLLOW``, which never
  follows a link and never opens what is already there: a regular file left there by a killed write is removed and
  replaced, anything else stops the write the same way;
- the temporary file is checked again (``lstat``) before it is renamed over the final name, and the rename happens
  inside the one folder opened at the start (``dir_fd``), so a folder swapped in the meantime is not written to;
- a file ctsim changes in place (the batch lock) is opened with ``O_NOFOLLOW`` and must be a regular file with no
  other hard link;
- an error while writing names the file being written (a full disk says which file did not fit).

The folder a user names may itself be reached through a link (a ``results`` link to a larger disk is a choice, not
an attack); the folders ctsim makes inside it (:func:`ensure_folder`) must be real folders.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from ctsim.inputs import InputError, excerpt_path
from ctsim.storage.cleanup import forget, track

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_DIR_FD = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd and os.stat in os.supports_dir_fd


class OutputError(InputError):
    """An output ctsim will not write, because something other than a regular file stands at its name (or a folder
    it needs is not a folder). One line naming the file; the command line exits with status 2."""


def kind_of(mode: int) -> str:
    """What a file mode describes, in words (``"a symbolic link"``, ``"a FIFO (named pipe)"``, ...)."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def refusal(path: Path, mode: int, wanted: str = "a regular file") -> OutputError:
    """The one-line refusal to write at ``path``, where ``mode`` describes what stands there."""
    return OutputError(f"{excerpt_path(path)}: is {kind_of(mode)}, not {wanted}; ctsim writes only where nothing or "
                       f"{wanted} is, never through a link or into a device, FIFO or folder: remove it or choose "
                       f"another name")


def check_replaceable(path: str | Path) -> None:
    """Raise :class:`OutputError` unless ``path`` holds nothing or a regular file (checked without following a
    link)."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise refusal(path, info.st_mode)


@contextmanager
def _folder(path: Path) -> Iterator[int | None]:
    """The folder holding ``path``, opened once (None where the platform has no ``dir_fd`` calls)."""
    if not _DIR_FD:
        yield None
        return
    fd = os.open(path.parent, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        yield fd
    finally:
        os.close(fd)


def _lstat(path: Path, folder: int | None) -> os.stat_result | None:
    try:
        return os.stat(path.name if folder is not None else path, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _name(path: Path, folder: int | None) -> str | Path:
    return path.name if folder is not None else path


def _create(tmp: Path, folder: int | None) -> int:
    """Create ``tmp`` afresh, never following or opening what is there; a regular file there (left by a write that
    was killed) is removed first."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    for _ in range(3):
        try:
            return os.open(_name(tmp, folder), flags, 0o666, dir_fd=folder)
        except FileExistsError:
            info = _lstat(tmp, folder)
            if info is not None and not stat.S_ISREG(info.st_mode):
                raise refusal(tmp, info.st_mode) from None
            with suppress(FileNotFoundError):
                os.unlink(_name(tmp, folder), dir_fd=folder)
    raise OutputError(f"{excerpt_path(tmp)}: keeps reappearing; another program is writing in this folder")


def _commit(path: str | Path, fill: Callable[[Path, int], object]) -> Path:
    """Create the temporary file, let ``fill(tmp, fd)`` write it, check it and the final name, rename."""
    path = Path(path)
    with _folder(path) as folder:
        info = _lstat(path, folder)
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise refusal(path, info.st_mode)
        tmp = path.with_name(f".{path.name}.tmp")
        fd = _create(tmp, folder)
        try:
            try:
                fill(tmp, fd)
            finally:
                os.close(fd)
            written = _lstat(tmp, folder)
            if written is None or not stat.S_ISREG(written.st_mode):
                raise OutputError(f"{excerpt_path(tmp)}: the file being written was replaced by another program; "
                                  f"nothing was written to {excerpt_path(path)}")
            info = _lstat(path, folder)  # again: what stands there now is what the rename replaces
            if info is not None and not stat.S_ISREG(info.st_mode):
                raise refusal(path, info.st_mode)
            os.rename(_name(tmp, folder), _name(path, folder), src_dir_fd=folder, dst_dir_fd=folder)
        except OSError as exc:
            with suppress(OSError):
                os.unlink(_name(tmp, folder), dir_fd=folder)
            if exc.filename is None or str(exc.filename) == str(tmp):
                exc.filename = str(path)  # name the file being written, not "output" nor its temporary name
            raise
        except BaseException:
            with suppress(OSError):
                os.unlink(_name(tmp, folder), dir_fd=folder)
            raise
    return path


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary path beside ``path``, then rename it to ``path``.

    ``tmp`` (``.NAME.tmp``) is a regular file ctsim has just created (never a link); ``path`` must hold nothing or a
    regular file. Returns ``path``.

    Raises:
        OutputError: when a link, folder, FIFO, device or socket stands at ``path`` or at its temporary name (it is
            left untouched).
        OSError: a disk error, naming ``path``.
    """
    return _commit(path, lambda tmp, fd: write(tmp))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, through the file descriptor ctsim created (see :func:`atomic_write`)."""
    def fill(tmp: Path, fd: int) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]

    return _commit(path, fill)


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`write_bytes`)."""
    return write_bytes(path, text.encode("utf-8"))


def write_new(path: str | Path, text: str) -> Path:
    """Create ``path`` holding ``text`` (UTF-8); it must not exist yet (``O_CREAT | O_EXCL``, so nothing there is
    followed or replaced). A write that fails removes the file it began.

    Raises:
        FileExistsError: when anything (a file, a link, a folder) stands at ``path``.
    """
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o666)
    try:
        view = memoryview(text.encode("utf-8"))
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        with suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)
    return path


def ensure_folder(path: str | Path) -> Path:
    """Create the folder ``path`` (its parent must exist) or check that it is one: a real folder, not a link to
    one, since ctsim made it and a link there was put by someone else.

    Raises:
        OutputError: when something else stands there.
    """
    path = Path(path)
    with suppress(FileExistsError):
        os.mkdir(path)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise refusal(path, info.st_mode, "a folder")
    return path


def open_in_place(path: str | Path, mode: int = 0o644) -> int:
    """Open (creating it if needed) a file ctsim changes in place, for reading and writing, without following a
    link: it must be a regular file with no other hard link (so nothing else is changed through it).

    Raises:
        OutputError: when a link, folder, FIFO, device or socket stands there, or the file has other hard links.
    """
    path = Path(path)
    flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags, mode)
    except OSError:
        info = None
        with suppress(OSError):
            info = os.lstat(path)
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise refusal(path, info.st_mode) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
        os.close(fd)
        if stat.S_ISREG(info.st_mode):
            raise OutputError(f"{excerpt_path(path)}: has {info.st_nlink - 1} other hard link(s), so changing it "
                              f"would change another file; remove it (ctsim makes a new one)")
        raise refusal(path, info.st_mode)
    return fd


def check_new_file(path: str | Path, option: str) -> Path:
    """Check a file a user names (``--out FILE``) before anything is computed: its folder must exist (it is not
    created), and the name must hold nothing or a regular file.

    Raises:
        OutputError: naming the option, the file and what would be valid.
    """
    path = Path(path)
    where = excerpt_path(path)
    if path.name in ("", ".", ".."):
        raise OutputError(f"option '{option}' = {where}: give a file name, such as brief.html")
    try:
        folder = os.stat(path.parent)
    except FileNotFoundError:
        raise OutputError(f"option '{option}' = {where}: the folder {excerpt_path(path.parent)} does not exist; "
                          f"create it first (ctsim does not create folders for a file you name)") from None
    except OSError as exc:
        raise OutputError(f"option '{option}' = {where}: cannot use the folder {excerpt_path(path.parent)} "
                          f"({exc.strerror})") from None
    if not stat.S_ISDIR(folder.st_mode):
        raise OutputError(f"option '{option}' = {where}: {excerpt_path(path.parent)} is not a folder")
    try:
        check_replaceable(path)
    except OutputError as exc:
        raise OutputError(f"option '{option}' = {exc}") from None
    return path


def _fresh_name(base: str | Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = Path(base) / stamp
    k = 1
    while os.path.lexists(folder):  # a link (even a dangling one) counts as taken: it is never written through
        k += 1
        folder = Path(base) / f"{stamp}-{k}"
    return folder


@contextmanager
def staged_folder(base: str | Path) -> Iterator[tuple[Path, list[Path]]]:
    """Write a new ``base/<UTC timestamp>`` folder in a temporary folder beside it and rename it into place once
    the block ends without error; on any error (a full or read-only disk, Ctrl-C, SIGTERM where ctsim's handler is
    installed: :func:`ctsim.storage.cleanup.stop_cleanly`) the temporary folder is removed, and it is removed at exit
    if the process ends another way.

    Yields ``(tmp, final)``: write into ``tmp``; after the block ``final[0]`` is the folder's name.
    """
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=base))
    track(tmp)
    final: list[Path] = []
    try:
        yield tmp, final
        target = _fresh_name(base)
        os.rename(tmp, target)  # atomic: the folder appears whole or not at all
        final.append(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        forget(tmp)
