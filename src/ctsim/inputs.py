"""Checks on everything a user hands to ctsim: files, names used in paths, numbers, nesting, and error text.

Every file the command line reads goes through :func:`read_input`: it must be a regular file (not a FIFO, a device
or a folder) no larger than a cap, read with a bounded read even when the system reports a size of 0 (``/proc``
files). Names that become parts of paths go through :func:`plain_name`, and every output folder through
:func:`inside`, which proves it lies under the folder the user chose. :func:`one_line` turns any message into one
printable line of bounded length, and :func:`excerpt` quotes user input briefly, so that an error never echoes a
file's contents, a terminal escape sequence or a megabyte of text.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 1_000_000  # scenario, experiment and study files: the library's largest is about 3 kB
MAX_POINTS_BYTES = 50_000_000  # a points file (CSV or Parquet) of a design
MAX_DEPTH = 20  # tables and arrays nested deeper than this are a mistake, not a design
MAX_NAME = 100  # characters in a name used in a path
MAX_MESSAGE = 600  # characters in an error message: room for a chain of three files named by full paths
MAX_EXCERPT = 40  # characters of user input quoted in a message
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class InputError(ValueError):
    """A mistake in something the user handed to ctsim (a file, a key, an option): the message names the file and
    the key and says what would be valid. The command line prints it as one line and exits with status 2.

    The message is always one printable line of bounded length (:func:`one_line`): control characters in quoted
    user input are escaped and a giant value is cut.
    """

    def __init__(self, message: object = "") -> None:
        super().__init__(one_line(str(message)))


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` as one printable line of at most ``limit`` characters: control characters (newlines, escape
    sequences, NUL) are written as ``\\n``, ``\\x1b`` and so on, trailing white space is dropped."""
    out = []
    for ch in str(text).rstrip():
        if ch.isprintable():
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        if sum(map(len, out)) > limit:
            break
    line = "".join(out)
    return line if len(line) <= limit else line[: limit - 3] + "..."


def excerpt(value: Any, limit: int = MAX_EXCERPT) -> str:
    """A short, printable quotation of a user's value for an error message (``repr`` cut to ``limit``)."""
    if isinstance(value, str | bytes) and len(value) > 4 * limit:
        value = value[: 4 * limit]  # repr of a giant string costs time and memory for nothing
    try:
        text = repr(value) if not isinstance(value, list | dict) else _short_repr(value, limit)
    except RecursionError:
        text = f"<{type(value).__name__} nested too deeply>"
    return one_line(text, limit)


def _short_repr(value: Any, limit: int) -> str:
    if depth(value) > MAX_DEPTH:
        return f"<{type(value).__name__} nested too deeply>"
    if isinstance(value, list) and len(value) > limit:
        return repr(value[:limit])[:-1] + ", ...]"
    if isinstance(value, dict) and len(value) > limit:
        return f"<table of {len(value)} keys>"
    return repr(value)


def depth(value: Any, limit: int = MAX_DEPTH + 1) -> int:
    """How deeply tables and arrays nest in ``value`` (0 for a scalar), counted without recursion and at most
    ``limit``."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            level += 1
            deepest = max(deepest, level)
            if deepest >= limit:
                return deepest
            stack.extend((child, level) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def check_table(where: str, data: dict, error: type[Exception]) -> None:
    """Reject what no ctsim file holds: nesting deeper than :data:`MAX_DEPTH` and numbers that are not finite
    (``nan``, ``inf``), naming the key."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        item, key, level = stack.pop()
        if level > MAX_DEPTH:
            raise error(f"{where}: key '{excerpt_key(key)}' nests tables or arrays more than {MAX_DEPTH} deep")
        if isinstance(item, float) and not math.isfinite(item):
            raise error(f"{where}: key '{excerpt_key(key)}' = {item} is not a finite number; give a number such "
                        f"as 0.5")
        if isinstance(item, dict):
            stack.extend((v, f"{key}.{k}" if key else str(k), level + 1) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{key}[{i}]", level + 1) for i, v in enumerate(item))


def suggest(name: str, valid: list[str]) -> str:
    """The end of an "unknown name" message: the closest valid name, or the list of valid ones."""
    close = difflib.get_close_matches(str(name)[:100], valid, n=1)
    return f"; did you mean '{close[0]}'?" if close else f"; valid keys: {', '.join(valid)}"


def check_keys(where: str, table: dict, valid: tuple[str, ...] | list[str], error: type[Exception],
               at: str = "") -> None:
    """Refuse any key of ``table`` that is not in ``valid``, naming it (``at.key`` inside the table ``at``) and the
    closest valid key."""
    for key in table:
        if key not in valid:
            name = f"{at}.{excerpt_key(str(key))}" if at else excerpt_key(str(key))
            raise error(f"{where}: unknown key '{name}'{suggest(str(key), list(valid))}")


def excerpt_key(key: str, limit: int = 80) -> str:
    """A key for an error message: printable, at most ``limit`` characters."""
    return one_line(key, limit)


def read_input(path: Path, what: str, error: type[Exception], cap: int = MAX_FILE_BYTES,
               follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes, or ``error`` with one line naming the file.

    Opened without blocking (a FIFO does not hang the command) and checked with ``fstat`` on the open file, so what
    is checked is what is read; the read itself is bounded, since ``/proc`` files report a size of 0. With
    ``follow_links=False`` a symbolic link at the file's name is refused (``O_NOFOLLOW``): files ctsim wrote itself
    are never links.
    """
    where = excerpt_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(f"{where}: file not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_links:
            raise error(f"{where}: is a symbolic link; give the {what} itself") from None
        raise error(f"{where}: cannot read {what} ({_reason(exc)})") from None
    except ValueError as exc:
        raise error(f"{where}: cannot read {what} ({_reason(exc)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{where}: not a regular file; give the path of a {what}")
        if info.st_size > cap:
            raise error(f"{where}: {what} of {info.st_size:,} bytes is larger than the limit of {cap:,} bytes")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise error(f"{where}: {what} is larger than the limit of {cap:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{where}: cannot read {what} ({_reason(exc)})") from None
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


def excerpt_path(path: Any, limit: int = 160) -> str:
    """A path for an error message: printable and at most ``limit`` characters (its end kept: the file name)."""
    text = one_line(str(path), 10 * limit)
    return text if len(text) <= limit else "..." + text[-(limit - 3):]


REACHED = " (reached through "


def reached_through(message: str, where: str, key: str, limit: int = 260) -> str:
    """An error met in a file another one led to, with the way it was reached: ``message`` (shortened to ``limit``
    characters, its own chain of files kept whole so every file in it stays named) then ``(reached through WHERE: key
    'KEY')``. The chain's length is bounded by the inputs that build it (MAX_CHAIN files of extends, one design)."""
    head, sep, chain = str(message).partition(REACHED)
    return f"{one_line(head, limit)}{sep}{one_line(chain, 10 * limit)}{REACHED}{where}: key '{key}')"


def check_path_text(where: str, key: str, value: str, error: type[Exception], limit: int = 1000) -> None:
    """A path given in a file: no NUL byte, no control character, at most ``limit`` characters."""
    if len(value) > limit:
        raise error(f"{where}: key '{key}' is a path of {len(value):,} characters; at most {limit} are allowed")
    if any(not ch.isprintable() for ch in value):
        raise error(f"{where}: key '{key}' = {excerpt(value)} holds a control character; give a plain file path")


def is_plain_name(value: Any) -> bool:
    """True when ``value`` can be used as one folder or file name: letters, digits, ``_``, ``.``, ``-``, starting
    with a letter, a digit or ``_`` (so never ``.``, ``..``, a hidden name or an option such as ``-rf``), no
    separator, at most :data:`MAX_NAME` characters."""
    return isinstance(value, str) and len(value) <= MAX_NAME and _PLAIN.fullmatch(value) is not None


def plain_name(where: str, key: str, value: Any, error: type[Exception]) -> str:
    """``value`` if it can be used as one folder name (:func:`is_plain_name`), else ``error`` naming the key."""
    if not is_plain_name(value):
        raise error(f"{where}: key '{key}' = {excerpt(value)} may hold only letters, digits, _ . - (a plain name of "
                    f"at most {MAX_NAME} characters, not starting with a dot; no folder separators)")
    return value


def inside(root: Path, path: Path, where: str, error: type[Exception]) -> Path:
    """``path`` if it lies under ``root`` once both are resolved (symbolic links and ``..`` followed)."""
    base = Path(root).resolve()
    target = Path(path).resolve()
    if target != base and base not in target.parents:
        raise error(f"{where}: output path {excerpt_path(target)} would lie outside the output folder "
                    f"{excerpt_path(base)}")
    return path


_ASCII_INT = re.compile(r"[+-]?[0-9]{1,30}")
_ASCII_FLOAT = re.compile(r"[+-]?([0-9]{1,30}(\.[0-9]{0,30})?|\.[0-9]{1,30})([eE][+-]?[0-9]{1,4})?")


def ascii_int(text: str) -> int:
    """A command-line whole number written with the digits 0-9 (an ``argparse`` type). Python's ``int`` also takes
    other scripts' digits (``'١٢٣'``), underscores and surrounding blanks; a seed or a count is typed plainly."""
    if not _ASCII_INT.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{excerpt(text)} is not a whole number written with the digits 0-9")
    return int(text)


def ascii_float(text: str) -> float:
    """A command-line number written with the digits 0-9, a point and an exponent (an ``argparse`` type)."""
    if not _ASCII_FLOAT.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{excerpt(text)} is not a number written with the digits 0-9")
    return float(text)


def whole_number(where: str, key: str, value: Any, low: int, high: int, error: type[Exception]) -> int:
    """``value`` if it is a whole number (not a bool) in ``[low, high]``; else ``error`` naming the file and key."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{where}: key '{excerpt_key(key)}' must be a whole number; got {excerpt(value)}")
    if not low <= value <= high:
        raise error(f"{where}: key '{excerpt_key(key)}' = {value} is outside the valid range [{low}, {high}]")
    return value
