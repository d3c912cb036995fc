"""The dashboard's server leaves nothing behind when it is stopped with SIGTERM (as tests, benchmarks and service
managers stop it): its offline copy of Solara's assets lives in a private temporary folder removed on the way out."""

from __future__ import annotations

import signal

import pytest

from ctsim.dashboard.server import spawn

pytestmark = pytest.mark.serial


def test_sigterm_removes_the_servers_temporary_folder(tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # the child's temporary folder, to look into afterwards
    proc, _ = spawn(args=["--work", str(tmp_path / "work")])
    try:
        assert [p.name for p in temporary.iterdir() if p.name.startswith("ctsim-dashboard-cdn-")], \
            "the running server keeps its assets in a temporary folder"
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code in (0, 128 + signal.SIGTERM, -signal.SIGTERM), code
    left = [p.name for p in temporary.iterdir() if p.name.startswith("ctsim-dashboard-cdn-")]
    assert not left, f"SIGTERM left {left} behind"
