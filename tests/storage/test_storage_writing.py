"""Safe writing (issue 38): a file is written through a fresh temporary name and renamed only over a regular file
or nothing; a symbolic link, a FIFO or a folder at the final or the temporary name is refused with one line and left
untouched, its target unchanged. No real device is touched: FIFOs and links in a temporary folder stand in."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from ctsim.storage import (
    OutputError,
    atomic_write,
    check_new_file,
    ensure_folder,
    open_in_place,
    staged_folder,
    write_text,
)
from ctsim.storage.writing import write_new

SECRET = "the victim's content\n"


@pytest.fixture
def victim(tmp_path) -> Path:
    """A file outside the output folder that a planted link points at."""
    path = tmp_path / "victim.txt"
    path.write_text(SECRET)
    return path


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_and_a_regular_file_are_written_whole(out):
    target = out / "a.json"
    write_text(target, "one")
    assert target.read_text() == "one", "a new name gets the file"
    atomic_write(target, lambda tmp: tmp.write_text("two"))
    assert target.read_text() == "two", "a regular file is replaced"
    assert leftovers(out) == [], "no temporary name is left behind"


@pytest.mark.parametrize("what", ["link to a file", "dangling link", "fifo", "folder"])
def test_whatever_is_not_a_regular_file_at_the_final_name_is_refused_untouched(out, victim, what):
    target = out / "batch.json"
    if what == "link to a file":
        target.symlink_to(victim)
    elif what == "dangling link":
        target.symlink_to(out / "nowhere")
    elif what == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    before = os.lstat(target)
    with pytest.raises(OutputError) as err:
        write_text(target, "written")
    message = str(err.value)
    assert "\n" not in message and str(target) in message, "one line naming the file"
    assert victim.read_text() == SECRET, "the link's target is unchanged"
    assert not (out / "nowhere").exists(), "a dangling link's target is not created"
    after = os.lstat(target)
    assert (after.st_ino, stat.S_IFMT(after.st_mode)) == (before.st_ino, stat.S_IFMT(before.st_mode)), \
        "what stood there is left as it was"
    assert leftovers(out) == [], "no temporary file is left behind"


@pytest.mark.parametrize("what", ["link", "fifo", "folder"])
def test_a_link_fifo_or_folder_planted_at_the_temporary_name_is_refused(out, victim, what):
    target = out / "batch.json"
    target.write_text("the old description")
    tmp = out / ".batch.json.tmp"
    if what == "link":
        tmp.symlink_to(victim)
    elif what == "fifo":
        os.mkfifo(tmp)
    else:
        tmp.mkdir()
    with pytest.raises(OutputError, match=r"\.batch\.json\.tmp: is a"):
        write_text(target, "the new description")
    assert victim.read_text() == SECRET, "the planted link's target is not written through"
    assert target.read_text() == "the old description", "the final file is untouched"


def test_a_regular_temporary_file_left_by_a_killed_write_is_replaced(out):
    (out / ".a.txt.tmp").write_text("half a file")
    write_text(out / "a.txt", "whole")
    assert (out / "a.txt").read_text() == "whole" and leftovers(out) == []


def test_a_writer_that_fails_leaves_no_temporary_file_and_the_error_names_the_file(out):
    target = out / "part-000001.parquet"

    def full_disk(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "Error writing bytes to file")  # as pyarrow raises it: no file name

    with pytest.raises(OSError) as err:
        atomic_write(target, full_disk)
    assert err.value.filename == str(target), "the error names the file being written, not 'output'"
    assert not target.exists() and leftovers(out) == []

    from ctsim.commands.options import os_error

    phrase = os_error(err.value)
    assert phrase.startswith(str(target)) and "No space left on device" in phrase and "free some space" in phrase


def test_a_file_changed_in_place_is_never_reached_through_a_link_or_a_hard_link(out, victim):
    lock = out / "batch.lock"
    lock.symlink_to(victim)
    with pytest.raises(OutputError, match="symbolic link"):
        open_in_place(lock)
    lock.unlink()
    os.link(victim, lock)
    with pytest.raises(OutputError, match="hard link"):
        open_in_place(lock)
    lock.unlink()
    os.mkfifo(lock)
    with pytest.raises(OutputError, match="FIFO"):
        open_in_place(lock)
    lock.unlink()
    os.close(open_in_place(lock))
    assert lock.is_file() and victim.read_text() == SECRET


def test_folders_ctsim_makes_inside_an_output_folder_are_real_folders(out, tmp_path):
    assert ensure_folder(out / "parts").is_dir() and ensure_folder(out / "parts").is_dir(), "made, then accepted"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "monthly").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputError, match="monthly: is a symbolic link, not a folder"):
        ensure_folder(out / "monthly")


def test_a_file_the_user_names_needs_an_existing_folder_and_a_regular_file_or_nothing(out, victim, tmp_path):
    assert check_new_file(out / "brief.html", "--out") == out / "brief.html"
    with pytest.raises(OutputError, match="does not exist; create it first"):
        check_new_file(tmp_path / "missing" / "brief.html", "--out")
    assert not (tmp_path / "missing").exists(), "no folder is created"
    os.mkfifo(out / "fifo")
    (out / "link").symlink_to(victim)
    for name, kind in (("fifo", "FIFO"), ("link", "symbolic link")):
        with pytest.raises(OutputError, match=kind):
            check_new_file(out / name, "--out")
    with pytest.raises(OutputError, match="give a file name"):
        check_new_file(Path("."), "--out")
    with pytest.raises(OutputError, match="a folder"):
        check_new_file(out, "--out")


def test_a_new_file_is_never_written_over_or_through_anything(out, victim):
    (out / "taken.toml").symlink_to(victim)
    with pytest.raises(FileExistsError):
        write_new(out / "taken.toml", "x")
    assert victim.read_text() == SECRET
    assert write_new(out / "fresh.toml", "y").read_text() == "y"


def test_a_staged_folder_never_takes_a_name_held_by_a_dangling_link(tmp_path, monkeypatch):
    from ctsim.storage import writing

    base = tmp_path / "results"
    base.mkdir()
    stamp = "20260101-000000"
    monkeypatch.setattr(writing, "datetime", type("Fixed", (), {"now": staticmethod(
        lambda tz=None: type("T", (), {"strftime": lambda self, f: stamp})())}))
    (base / stamp).symlink_to(tmp_path / "nowhere")
    with staged_folder(base) as (folder, final):
        (folder / "a.txt").write_text("x")
    assert final[0].name == f"{stamp}-2" and (final[0] / "a.txt").is_file(), "the link's name is skipped"
    assert not (tmp_path / "nowhere").exists() and not any(p.name.startswith(".partial-") for p in base.iterdir())
