"""The command line: builds ``ctsim``'s parser from the command modules and dispatches; each command's options and
work live in its own module (:mod:`ctsim.commands`, :mod:`ctsim.report.command`, :mod:`ctsim.dashboard.server`).

Every user mistake ends in one line on standard error naming the file and the key, and exit status 2: a bad file,
a bad option, an unreadable input, a full or read-only disk, an output that is not a regular file. Ctrl-C ends with
one line and exit status 130; SIGTERM or SIGHUP unwind the same way (:func:`ctsim.storage.stop_cleanly`: temporary
folders removed, worker pools shut down) and end with one line and status 143 or 129. Messages are one printable
line of bounded length (:func:`ctsim.inputs.one_line`); set ``CTSIM_DEBUG=1`` to see the traceback of an unexpected
error instead of its one-line summary.
"""

from __future__ import annotations

import argparse
import os
import sys

from ctsim.commands import (
    batch,
    calibrate,
    compare,
    discover,
    evidence,
    forecast,
    levers,
    long_history,
    long_run,
    rank,
    run,
    sensitivity,
    validate,
    validate_model,
)
from ctsim.commands.options import os_error
from ctsim.dashboard import server as dashboard_server
from ctsim.inputs import InputError, one_line
from ctsim.provenance import version
from ctsim.report import command as report_command
from ctsim.storage.cleanup import Terminated, stop_cleanly

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 1
# In the order `ctsim --help` lists them: the main job first, then comparisons, experiments, the studies.
COMMANDS = (run, validate, compare, batch, levers, calibrate, validate_model, sensitivity, rank, discover, evidence,
            forecast, long_run, long_history)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as argparse does, but without the usage dump
        self.exit(EXIT_USAGE, one_line(f"ctsim: error: {message} (see 'ctsim --help')") + "\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: every command module adds its subcommand, and its handler is the default."""
    parser = _Parser(prog="ctsim", description="ctsim: an exploratory agent-based simulation of counterterrorism "
                                               "policy in Pakistan (not a forecaster).")
    parser.add_argument("--version", action="version", version=f"ctsim {version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in COMMANDS:
        module.add_parser(sub).set_defaults(handler=module.handle)
    report_command.add_parsers(sub)
    dashboard_server.add_parser(sub).set_defaults(handler=dashboard_server.main)
    return parser


# What a command interrupted partway keeps: batches and studies, and the ABC of calibrate --abc and forecast, pick up
# where they stopped when the same command is run again; the other commands leave nothing half-written behind.
RESUMES = {"batch": "the batch", "sensitivity": "the study's batch", "rank": "the study's runs", "forecast": "its ABC"}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    stop_cleanly()  # SIGTERM and SIGHUP unwind like Ctrl-C: every temporary folder and worker pool is cleaned up
    args = None
    try:
        args = build_parser().parse_args(argv)
        return _guarded(args)
    except KeyboardInterrupt:
        _error(f"interrupted (Ctrl-C){_resume(args)}", "ctsim")
        return EXIT_INTERRUPTED
    except Terminated as stop:
        _error(f"stopped ({stop.name}){_resume(args)}", "ctsim")
        return int(stop.code)
    except BrokenPipeError:  # output piped into head or similar: stop quietly
        sys.stderr.close()
        return 0


def _resume(args: argparse.Namespace | None) -> str:
    """The end of the interruption line: what resumes when the same command is run again (nothing, for most)."""
    command = getattr(args, "command", None)
    what = RESUMES.get(command) or ("its ABC" if command == "calibrate" and getattr(args, "abc", False) else None)
    return f"; {what} resumes where it stopped when the same command is run again" if what else ""


def _error(message: object, prefix: str = "ctsim: error") -> None:
    """Print one printable line of bounded length on standard error."""
    print(one_line(f"{prefix}: {message}"), file=sys.stderr)


def _guarded(args: argparse.Namespace) -> int:
    """Run the command; whatever goes wrong ends in one line."""
    try:
        handler = getattr(args, "handler", None)
        return handler(args) if handler is not None else report_command.dispatch(args)
    except InputError as exc:
        _error(exc)
        return EXIT_USAGE
    except OSError as exc:  # a full or read-only disk, a missing folder, permissions, an unreachable scheduler
        _error(os_error(exc))
        return EXIT_USAGE
    except MemoryError:
        _error("out of memory; reduce the design (samples, levels, replications) or the workers")
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback (CTSIM_DEBUG=1 shows it)
        if os.environ.get("CTSIM_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc} (please report it; CTSIM_DEBUG=1 shows the traceback)",
               "ctsim: internal error")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
