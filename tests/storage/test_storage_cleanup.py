"""Temporary folders do not outlive their process (issue 38): removed when the block ends, on an error, on SIGTERM
(also when a server such as uvicorn catches the signal first and raises it again once it has shut down, as the
dashboard's does), and at exit."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ctsim.storage import stop_cleanly, temporary_folder

# A child that makes a temporary folder, says where, and waits to be stopped. With SERVER, it behaves as uvicorn's
# Server.run does: its own handler catches SIGTERM, and once "shut down" it restores the previous handler and
# raises the signal again.
CHILD = textwrap.dedent("""
    import signal, sys, time
    from ctsim.storage import temporary_folder

    SERVER = {server}
    with temporary_folder("ctsim-test-cleanup-") as folder:
        (folder / "asset.js").write_text("x")
        print(folder, flush=True)
        if SERVER:
            caught = []
            previous = signal.signal(signal.SIGTERM, lambda s, f: caught.append(s))
            while not caught:
                time.sleep(0.01)
            signal.signal(signal.SIGTERM, previous)
            signal.raise_signal(signal.SIGTERM)
        time.sleep(30)
    print("not reached", flush=True)
""")


def test_the_folder_goes_when_the_block_ends_or_fails():
    with temporary_folder("ctsim-test-") as folder:
        (folder / "a").write_text("x")
        assert folder.is_dir() and oct(folder.stat().st_mode)[-3:] == "700", "a private folder"
    assert not folder.exists()
    with pytest.raises(RuntimeError), temporary_folder("ctsim-test-") as failing:
        raise RuntimeError("boom")
    assert not failing.exists()


@pytest.mark.parametrize("server", [False, True], ids=["plain", "like-uvicorn"])
def test_sigterm_removes_the_folder_and_exits_143(server):
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(server=server)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        folder = Path(child.stdout.readline().strip())
        assert folder.is_dir(), "the child made its folder"
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 128 + signal.SIGTERM, f"exit status 143 as for SIGTERM: {err}"
    assert not folder.exists(), "the temporary folder is removed on SIGTERM"
    assert "not reached" not in out and "Traceback" not in err, err


def test_a_handler_someone_else_installed_is_kept():
    mine = signal.getsignal(signal.SIGTERM)

    def theirs(signum, frame):  # pragma: no cover - never called
        pass

    signal.signal(signal.SIGTERM, theirs)
    try:
        assert stop_cleanly() is False, "another program's SIGTERM handler is not replaced"
        assert signal.getsignal(signal.SIGTERM) is theirs
    finally:
        signal.signal(signal.SIGTERM, mine)
