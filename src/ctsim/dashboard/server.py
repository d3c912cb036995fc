"""Starting the dashboard: ``ctsim dashboard`` serves the Solara page on 127.0.0.1:8765, with no internet needed.

The server listens on this computer only unless ``--host`` is given; every request passes :class:`.guard.Guard`
(the ``Host`` must name this server, a websocket's ``Origin`` must be this server's page, new sessions are refused
beyond a cap), a closed tab's session is freed within :data:`CULL_TIMEOUT`, and an exercise's state lives in the
folder given by ``--work`` (nothing else is written).

Solara's front end (Vue app, fonts, RequireJS) comes from the ``solara-assets`` package and the Vega builds its
Altair widget asks for from this package's ``assets/`` (see ``assets/README.md`` for why); :func:`offline_cdn` lays
both out in one folder and Solara's CDN route serves it. Solara's usage telemetry is switched off, so the page makes
no request beyond the server it came from. This module imports nothing heavy, so that ``ctsim --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ctsim.storage import Terminated, stop_cleanly, temporary_folder

from .settings import (
    DEFAULT_MAX_SESSIONS,
    DEFAULT_RUNS,
    DEFAULT_WORK,
    MAX_RUNS,
    MAX_SESSIONS_SETTING,
    RUNS_SETTING,
    WORK_SETTING,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
CULL_TIMEOUT = "2m"  # a closed tab's session (its models) is freed this long after its browser disconnects
MAP_FILE = Path(__file__).parent / "assets" / "map" / "pak.topo.json"
APP = "ctsim.dashboard.app"
ASSETS = Path(__file__).parent / "assets" / "vega"
# Where Solara's Altair widget asks for each shipped Vega build (see assets/README.md).
WIDGET_FILES = {
    "vega@5/build/vega.min.js": "vega.min.js",
    "vega-lite@5/build/vega-lite.min.js": "vega-lite.min.js",
    "vega-embed@6/build/vega-embed.min.js": "vega-embed.min.js",
}


class ServerError(RuntimeError):
    """The dashboard cannot start; the message says what to do."""


def solara_assets_dir() -> Path:
    """Where ``solara-assets`` installed its CDN files (``<prefix>/share/solara/cdn``)."""
    for prefix in (sys.prefix, sys.base_prefix):
        path = Path(prefix) / "share" / "solara" / "cdn"
        if path.is_dir():
            return path
    raise ServerError("the offline front-end files are missing: install the locked packages with 'make install' "
                      "(the solara-assets package provides them)")


def offline_cdn(folder: Path) -> Path:
    """Fill ``folder`` with links to every front-end file the page loads and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    links = {source.name: source for source in solara_assets_dir().iterdir()}
    links.update({path: ASSETS / name for path, name in WIDGET_FILES.items()})
    links["ctsim-map/pak.topo.json"] = MAP_FILE  # the provinces under the district map (geo.MAP_URL)
    for relative, source in links.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.is_dir():
            shutil.rmtree(target)
        target.symlink_to(source, target_is_directory=source.is_dir())
    return folder


def configure(cdn: Path, runs: int | None = None, max_sessions: int = DEFAULT_MAX_SESSIONS,
              work: str | Path = DEFAULT_WORK) -> None:
    """Set Solara's and the page's settings through environment variables (read when Solara is first imported)."""
    if runs is not None:
        os.environ[RUNS_SETTING] = str(runs)
    os.environ[MAX_SESSIONS_SETTING] = str(max_sessions)
    os.environ[WORK_SETTING] = str(Path(work).resolve())
    os.environ["SOLARA_APP"] = APP
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no calls home from a classroom
    os.environ["SOLARA_ASSETS_PROXY"] = "True"  # serve /_solara/cdn from the folder below
    os.environ["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(cdn)
    os.environ["SOLARA_MODE"] = "production"  # no hot reload, no developer tracebacks in the page
    # A closed tab's session (and its models) is dropped minutes after its browser disconnects, not Solara's default
    # day: a day of classes would otherwise keep every trainee's models in memory. A tab that loses the network
    # for less than this finds its session again.
    os.environ["SOLARA_KERNEL_CULL_TIMEOUT"] = CULL_TIMEOUT


def check_free(host: str, port: int) -> None:
    """Raise :class:`ServerError` when ``host:port`` cannot be listened on (say, another dashboard holds it)."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as exc:
        raise ServerError(f"cannot listen on {host}:{port} ({exc.strerror}): another program (another dashboard?) "
                          f"may hold the port, or the address is not one of this computer's; choose another with "
                          f"--port or --host") from None


def host_names(host: str, allowed: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The names the server answers for besides the loopback's: ``--host``, ``--allow-host`` and, when it listens
    on the network, this computer's own name."""
    import socket

    names = [host, *allowed]
    if host in ("0.0.0.0", "::"):
        names += [socket.gethostname(), f"{socket.gethostname()}.local"]
    return names


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, quiet: bool = False, runs: int | None = None,
          max_sessions: int = DEFAULT_MAX_SESSIONS, work: str | Path = DEFAULT_WORK,
          allowed: list[str] | tuple[str, ...] = ()) -> None:
    """Serve the dashboard until interrupted."""
    check_free(host, port)
    # The offline CDN copy lives in a private temporary folder, removed when the server stops: at Ctrl-C, at SIGTERM
    # (stop_cleanly, also for `python -m ctsim.dashboard.server`, which tests and benchmarks spawn) and at exit.
    stop_cleanly()
    with temporary_folder("ctsim-dashboard-cdn-") as cdn:
        configure(offline_cdn(cdn), runs, max_sessions, work)
        import uvicorn  # after configure: Solara reads its settings on import
        from solara.server.starlette import app

        from .guard import Guard

        # Team pages hold no models, so the server admits more tabs than the page's cap on sessions with models.
        guarded = Guard(app, port, host_names(host, allowed), max_kernels=3 * max_sessions + 16)
        config = uvicorn.Config(guarded, host=host, port=port, log_level="warning")
        server = uvicorn.Server(config)
        if not quiet:
            print(f"ctsim dashboard: open http://{host}:{port}/ in a browser (Ctrl+C stops it)", flush=True)
        server.run()


def free_port() -> int:
    """A free TCP port on the loopback."""
    import socket

    with socket.socket() as s:
        s.bind((DEFAULT_HOST, 0))
        return s.getsockname()[1]


def spawn(port: int | None = None, timeout: float = 60.0, args: list[str] | tuple[str, ...] = ()
          ) -> tuple[subprocess.Popen, str]:
    """Start the dashboard in a child process on the loopback and wait until it answers (tests, benchmarks).

    Returns:
        The process (stop it with ``terminate()``) and the page's URL.

    Raises:
        ServerError: when the server exits or does not answer within ``timeout`` seconds.
    """
    import time
    import urllib.request

    port = free_port() if port is None else port
    proc = subprocess.Popen([sys.executable, "-m", "ctsim.dashboard.server", "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://{DEFAULT_HOST}:{port}/"
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if proc.poll() is not None:
            raise ServerError(f"the dashboard server exited: {proc.stdout.read()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise ServerError(f"the dashboard server did not answer within {timeout:.0f} s")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``ctsim dashboard`` on the CLI's subcommands."""
    parser = sub.add_parser("dashboard", help="serve the trainers' dashboard in a browser (works offline)")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this computer only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a further host name trainees may type in the address (repeatable; IP addresses and "
                             "this computer's name are always accepted)")
    parser.add_argument("--max-sessions", type=int, default=DEFAULT_MAX_SESSIONS,
                        help=f"browser tabs running models at once (default {DEFAULT_MAX_SESSIONS}); a closed tab's "
                             f"models are freed {CULL_TIMEOUT.replace('m', ' minutes')} after it closes")
    parser.add_argument("--runs", type=int, default=None,
                        help=f"runs of the policy and of the status quo stepped together (default {DEFAULT_RUNS}; "
                             "more gives narrower intervals and slower months)")
    parser.add_argument("--work", default=DEFAULT_WORK,
                        help=f"folder for exercises (their state on disk; default {DEFAULT_WORK})")
    return parser


def main(args: argparse.Namespace) -> int:
    """Run ``ctsim dashboard``; returns the exit status."""
    problems = []
    if not 1 <= args.port <= 65535:
        problems.append(f"--port must be between 1 and 65535; got {args.port}")
    if not 1 <= args.max_sessions <= 1000:
        problems.append(f"--max-sessions must be between 1 and 1000; got {args.max_sessions}")
    if args.runs is not None and not 2 <= args.runs <= MAX_RUNS:
        problems.append(f"--runs must be between 2 and {MAX_RUNS}; got {args.runs}")
    if problems:
        print(f"ctsim: error: {problems[0]}", file=sys.stderr)
        return 2
    try:
        serve(args.host, args.port, runs=args.runs, max_sessions=args.max_sessions, work=args.work,
              allowed=args.allow_host)
    except ServerError as exc:
        print(f"ctsim: error: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Terminated):
        pass
    return 0


if __name__ == "__main__":  # python -m ctsim.dashboard.server [--host H] [--port P]
    _parser = argparse.ArgumentParser(prog="python -m ctsim.dashboard.server")
    _sub = _parser.add_subparsers(dest="command", required=True)
    add_parser(_sub)
    sys.exit(main(_parser.parse_args(["dashboard", *sys.argv[1:]])))
