"""Command line: ``ctsim run``, ``validate``, ``compare``, ``levers`` and ``batch``.

Every user mistake ends in one line on standard error naming the file and the key, and exit status 2: a bad file,
a bad option, an unreadable input, a full or read-only disk. Ctrl-C ends with one line and exit status 130. Messages
are one printable line of bounded length (:func:`ctsim.inputs.one_line`); set ``CTSIM_DEBUG=1`` to see the
traceback of an unexpected error instead of its one-line summary.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

import pandas as pd

import ctsim
from ctsim.dashboard import server as dashboard_server
from ctsim.experiments.executors import KINDS as EXECUTORS
from ctsim.inputs import excerpt_path, one_line
from ctsim.scenarios.files import MAX_MONTHS, MAX_REPLICATIONS, MAX_SEED, ScenarioError, load_scenario, resolve_scenario

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 1
DRY_RUN_HELP = "check everything and print what would run (count, time); run nothing, create nothing"
POINT_HELP = ("use the point calibration (calibration.json) in every replication instead of one posterior draw per "
              "replication (posterior.json, the default): deterministic, for speed and debugging")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as argparse does, but without the usage dump
        self.exit(EXIT_USAGE, one_line(f"ctsim: error: {message} (see 'ctsim --help')") + "\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = _Parser(prog="ctsim", description="ctsim: an exploratory agent-based simulation of counterterrorism "
                                               "policy in Pakistan (not a forecaster).")
    parser.add_argument("--version", action="version", version=f"ctsim {ctsim.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a scenario and write its results")
    run.add_argument("scenario", type=Path, help="scenario file (TOML)")
    run.add_argument("--seed", type=int, help="override the scenario's seed")
    run.add_argument("--months", type=int, help="override the scenario's horizon")
    run.add_argument("--out", type=Path, default=Path("results"), help="results folder (default: results)")
    run.add_argument("--point", action="store_true", help=POINT_HELP)
    run.add_argument("--no-chart", action="store_true", help="skip the PNG chart")
    validate = sub.add_parser("validate", help="check scenario, experiment and study files without running them")
    validate.add_argument("scenarios", type=Path, nargs="+",
                          help="scenario, experiment or sensitivity study files (TOML; the kind is read from the "
                               "content)")
    compare = sub.add_parser("compare", help="compare scenarios against the first, over replications")
    compare.add_argument("scenarios", type=Path, nargs="+", help="scenario files; the first is the reference")
    compare.add_argument("--replications", type=int, help="runs per scenario (default: the reference's "
                                                               "run.replications)")
    compare.add_argument("--seed", type=int, help="root seed of the replications (default: the reference's)")
    compare.add_argument("--months", type=int, help="common horizon (default: the scenarios' own)")
    compare.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    compare.add_argument("--out", type=Path, default=Path("results"), help="results folder (default: results)")
    compare.add_argument("--point", action="store_true", help=POINT_HELP)
    compare.add_argument("--report", action="store_true", help="also write the policy brief (brief.html in the "
                                                               "results folder; see ctsim report)")
    batch = sub.add_parser("batch", help="run an experiment's design (resumable); or --status DIR")
    batch.add_argument("experiment", type=Path, nargs="?", help="experiment file (TOML)")
    batch.add_argument("--status", type=Path, metavar="DIR", help="show done, failed and pending runs of a batch")
    batch.add_argument("--out", type=Path, help="batch folder (default: results/batch/<experiment name>)")
    batch.add_argument("--executor", choices=EXECUTORS, default="processes",
                       help="where runs execute (default: local processes, one per core)")
    batch.add_argument("--workers", type=int, help="local worker processes (default: one per core)")
    batch.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask scheduler")
    batch.add_argument("--dask-local", type=int, metavar="N", help="start a Dask LocalCluster of N workers")
    batch.add_argument("--retry-failed", action="store_true", help="rerun runs recorded as failed")
    batch.add_argument("--task-seconds", type=float, default=1.0, help="target seconds per task (default 1)")
    batch.add_argument("--max-in-flight", type=int, help="tasks submitted at once (default: 2 x workers)")
    batch.add_argument("--point", action="store_true", help=POINT_HELP)
    batch.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    cal = sub.add_parser("calibrate", help="fit the free parameters to 2022-2024 and write the fit report; --abc: the "
                                           "posterior draws runs use")
    cal.add_argument("--history", type=Path,
                     help="history scenario file (default: the library's history_2022_2024)")
    cal.add_argument("--replications", type=int, help="runs per candidate (default 3; with --check: the stored fit's)")
    cal.add_argument("--generations", type=int,
                     help="differential-evolution generations (default 25; with --check: the stored fit's)")
    cal.add_argument("--popsize", type=int, help="population per free parameter (default 8; with --check: the stored "
                                                 "fit's)")
    cal.add_argument("--seed", type=int, help="seed of the search and the replications (default 20220101; with "
                                              "--check: the stored fit's)")
    cal.add_argument("--executor", choices=EXECUTORS, default="processes")
    cal.add_argument("--workers", type=int, help="local worker processes (default: one per core)")
    cal.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="evaluate on this Dask scheduler")
    cal.add_argument("--dask-local", type=int, metavar="N", help="evaluate on a Dask LocalCluster of N workers")
    cal.add_argument("--time-budget", type=float, metavar="SECONDS",
                     help="stop after this long (the result then depends on the machine's speed)")
    cal.add_argument("--output", type=Path, help="where to store the result (default: the packaged "
                                                  "src/ctsim/data/calibration.json; with --abc: "
                                                  "src/ctsim/data/posterior.json)")
    cal.add_argument("--report", type=Path, default=Path("docs/validation.md"), help="fit report to write")
    cal.add_argument("--warm-start", action="store_true",
                     help="put the stored calibration's values in the search's first population (after a model "
                          "change, so the search starts from the last fit; stored with the result, so --check "
                          "reruns it)")
    cal.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    cal.add_argument("--check", action="store_true",
                     help="rerun the fit (with --abc: the posterior draws) with the stored settings and compare it "
                          "with the stored result, writing nothing")
    from ctsim.analysis.abc_command import add_arguments as add_abc_arguments

    add_abc_arguments(cal)
    check = sub.add_parser("validate-model", help="rerun the pattern checks and print a pass/fail table")
    check.add_argument("--replications", type=int, default=6, help="replications per scenario (default 6)")
    check.add_argument("--report", type=Path, help="also rewrite this fit report (e.g. docs/validation.md) with "
                                                   "the fit and the pattern checks")
    check.add_argument("--robustness", action="store_true",
                       help="also rerun every check with each assumed uncertainty at the low and the high end of its "
                            "plausible range (one at a time); with --report, stored beside it as "
                            "pattern_robustness.csv and summarised in the report")
    check.add_argument("--factors", metavar="NAME[,NAME...]",
                       help="robustness: only these uncertainties (default: every assumed one)")
    check.add_argument("--posterior", type=int, metavar="N",
                       help="also rerun every check with each of the first N stored posterior draws (20 is a good "
                            "start); with --report, stored beside it as pattern_posterior.csv and summarised in the "
                            "report")
    check.add_argument("--workers", type=int,
                       help="robustness or posterior: worker processes (default: one per core)")
    check.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    sens = sub.add_parser("sensitivity", help="rank the levers' effects (Morris or Sobol, through the batch runner)")
    sens.add_argument("study", type=Path, help="sensitivity study file (TOML)")
    sens.add_argument("--out", type=Path, help="folder (default: results/sensitivity/<study name>)")
    sens.add_argument("--executor", choices=EXECUTORS, default="processes")
    sens.add_argument("--workers", type=int, help="local worker processes (default: one per core)")
    sens.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask scheduler")
    sens.add_argument("--dask-local", type=int, metavar="N", help="start a Dask LocalCluster of N workers")
    sens.add_argument("--retry-failed", action="store_true", help="rerun runs recorded as failed")
    sens.add_argument("--point", action="store_true", help=POINT_HELP)
    sens.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    levers = sub.add_parser("levers", help="list the policy levers and the exogenous uncertainties")
    levers.add_argument("--markdown", action="store_true", help="print Markdown tables (as in docs/levers.md)")
    from ctsim.report.command import add_parsers  # ctsim report RESULTS_DIR, ctsim new NAME

    add_parsers(sub)
    dashboard_server.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return _guarded(args)
    except KeyboardInterrupt:
        _error("interrupted (Ctrl-C); a batch resumes when the same command is run again", "ctsim")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into head or similar: stop quietly
        sys.stderr.close()
        return 0


def _error(message: object, prefix: str = "ctsim: error") -> None:
    """Print one printable line of bounded length on standard error."""
    print(one_line(f"{prefix}: {message}"), file=sys.stderr)


def _os_error(exc: OSError) -> str:
    where = excerpt_path(exc.filename) if exc.filename else "output"
    reason = exc.strerror or type(exc).__name__
    hint = {errno.ENOSPC: "free some space or choose another folder with --out",
            errno.EROFS: "choose a writable folder with --out",
            errno.EACCES: "check the permissions or choose another folder with --out",
            errno.EDQUOT: "free some space or choose another folder with --out"}.get(exc.errno or 0, "")
    return f"{where}: {reason}" + (f"; {hint}" if hint else "")


def _guarded(args: argparse.Namespace) -> int:
    """Run the command; whatever goes wrong ends in one line."""
    try:
        return _dispatch(args)
    except ScenarioError as exc:
        _error(exc)
        return EXIT_USAGE
    except OSError as exc:  # a full or read-only disk, a missing folder, permissions, an unreachable scheduler
        _error(_os_error(exc))
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


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command == "validate":
            return _validate(args.scenarios)
        if args.command == "levers":
            return _levers(args.markdown)
        if args.command == "compare":
            return _compare(args)
        if args.command == "batch":
            return _batch(args)
        if args.command == "calibrate":
            return _calibrate(args)
        if args.command == "validate-model":
            return _validate_model(args)
        if args.command == "sensitivity":
            return _sensitivity(args)
        if args.command in ("report", "new"):
            from ctsim.report.command import dispatch

            return dispatch(args)
        if args.command == "dashboard":
            return dashboard_server.main(args)
        return _run(args)
    except ScenarioError as exc:
        _error(exc)
        return EXIT_USAGE


def file_kind(path: Path) -> str:
    """``experiment``, ``study`` or ``scenario``, read from the file's top-level keys (a file that cannot be read
    or parsed counts as a scenario, whose loader then reports the problem)."""
    import tomllib

    from ctsim.inputs import read_input

    try:
        data = tomllib.loads(read_input(path, "TOML file", ScenarioError).decode("utf-8"))
    except (ScenarioError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return "scenario"
    if "scenarios" in data or "design" in data or "outputs" in data:
        return "experiment"
    if {"scenario", "method", "factors", "strata", "outcomes", "n", "second_order"} & set(data):
        return "study"
    return "scenario"


def _validate(paths: list[Path]) -> int:
    status = 0
    for path in paths:
        try:
            print(one_line(f"{path}: ok ({_validated(path)})"))
        except ScenarioError as exc:
            _error(exc)
            status = EXIT_USAGE
    return status


def _validated(path: Path) -> str:
    kind = file_kind(path) if path.is_file() else "scenario"
    if kind == "experiment":
        from ctsim.experiments.design import load_experiment

        experiment = load_experiment(path)
        return f"experiment {experiment.name}: {experiment.n_runs:,} runs of {experiment.months} months"
    if kind == "study":
        from ctsim.analysis.sensitivity_study import load_study

        study = load_study(path)
        return f"{study.method} study {study.name}: {study.runs:,} runs of {study.months} months"
    scenario = resolve_scenario(path)
    return f"scenario {scenario.name}: {scenario.months} months from {scenario.start}"


def _scheduler(where: object, address: str | None) -> None:
    """Check a --scheduler address before anything is created or contacted."""
    if address is None:
        return
    from ctsim.experiments.executors import check_scheduler

    try:
        check_scheduler(address)
    except ValueError as exc:
        raise ScenarioError(f"{where}: option '--scheduler' = {address!r}: {exc}") from None


def _levers(markdown: bool) -> int:
    from ctsim import docs
    from ctsim.declarations import registry

    if markdown:
        print("## Levers\n\n" + docs.levers_table() + "\n\n## Uncertainties\n\n" + docs.uncertainties_table())
        return 0
    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 70)
    for title, factors in (("Levers (policy choices)", registry.levers()),
                           ("Uncertainties (not under policy control)", registry.uncertainties())):
        table = pd.DataFrame([{
            "name": f.name, "type": f.kind, "default": f.default,
            "range / choices": ", ".join(map(str, f.levels)) if not f.is_numeric else f"[{f.low:g}, {f.high:g}]",
            "unit": f.unit, "meaning": _clip(f.meaning, 90)} for f in factors]).set_index("name")
        print(f"{title}\n{table.to_string()}\n")
    print(TRIGGER_SYNTAX)
    print("Details, mechanisms, provenance, schedules and trigger rules ([[trigger]]): docs/levers.md")
    return 0


TRIGGER_SYNTAX = """Trigger rules (a lever that answers the model's own outputs), in a scenario file:
  [[trigger]]
  name = "operations_surge"   # replaces an inherited rule of this name; name + `enabled = false` removes it
  when = "attacks"            # a declared output, or "change_of_government"; region = "..." for regional outputs
  window = 3                  # mean of the last 3 recorded months
  above = 100.0               # fire above this (or: below = ...)
  lever = "kinetic_intensity" # set this lever ...
  value = 0.9                 # ... to this value (ramp = N months for numeric levers)
  until_below = 80.0          # hold until the mean falls below this (or: until_above = ..., or months = N)
  cooldown = 3                # months before it may fire again
The history and the baseline inherit the reactive state's rules (scenarios/reactive_state.toml).
"""


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _bounded(where: object, option: str, value: int | None, low: int, high: int) -> None:
    """One line naming the file and the option when a numeric option lies outside the range the scenario format
    declares (the same bounds a scenario file's keys have)."""
    if value is not None and not low <= value <= high:
        raise ScenarioError(f"{where}: option '{option}' = {value} is outside [{low}, {high}]")


def _check_out(where: Path, out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(f"{where}: option '--out' = {excerpt_path(out)}: cannot create folder "
                            f"({_os_error(exc)})") from None


def _compare(args: argparse.Namespace) -> int:
    from ctsim.analysis.compare import compare, write
    from ctsim.experiments.parameter_sets import choose
    from ctsim.report.screen import compare_text

    scenarios = [resolve_scenario(path) for path in args.scenarios]
    first = args.scenarios[0]
    replications = scenarios[0].replications if args.replications is None else args.replications
    _bounded(first, "--replications", replications, 1, MAX_REPLICATIONS)
    _bounded(first, "--months", args.months, 1, MAX_MONTHS)
    _bounded(first, "--seed", args.seed, 0, MAX_SEED)
    if not 1 <= args.jobs <= 256:
        raise ScenarioError(f"{first}: option '--jobs' = {args.jobs} is outside [1, 256]")
    parameters = choose(args.point)
    _check_out(first, args.out)
    result = compare(scenarios, replications, seed=args.seed, months=args.months, jobs=args.jobs,
                     progress=sys.stderr.isatty(), parameters=parameters)
    folder = write(result, args.out)
    pd.set_option("display.width", 200)
    print(compare_text(result))
    print(f"\nresults written to {folder}")
    if args.report:
        from ctsim.report.command import report

        return report(folder)
    print(f"make a brief: ctsim report {folder}")
    return 0


def _batch(args: argparse.Namespace) -> int:
    if args.status is not None:
        from ctsim.experiments.results import status

        try:
            table = status(args.status)
        except FileNotFoundError as exc:
            raise ScenarioError(f"{exc}") from None
        print(f"batch {args.status}\n{table.to_string()}")
        return 0
    if args.experiment is None:
        raise ScenarioError("batch: give an experiment file, or --status DIR")
    from ctsim.experiments.batch import BatchOptions, default_folder, dry_run_text, run_batch
    from ctsim.experiments.design import load_experiment
    from ctsim.experiments.parameter_sets import choose

    experiment = load_experiment(args.experiment)
    experiment.parameters = choose(args.point)
    where = args.experiment
    for option, value, low in (("--workers", args.workers, 1), ("--dask-local", args.dask_local, 1),
                               ("--max-in-flight", args.max_in_flight, 1)):
        if value is not None and value < low:
            raise ScenarioError(f"{where}: option '{option}' = {value} must be at least {low}")
    if not 0 < args.task_seconds <= 3600:
        raise ScenarioError(f"{where}: option '--task-seconds' = {args.task_seconds} is outside (0, 3600]")
    _scheduler(where, args.scheduler)
    folder = args.out or default_folder(experiment)
    options = BatchOptions(executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                           dask_local=args.dask_local, retry_failed=args.retry_failed,
                           task_seconds=args.task_seconds, max_in_flight=args.max_in_flight,
                           progress=sys.stderr.isatty())
    if args.dry_run:
        print(dry_run_text(experiment, options, folder))
        print(experiment.parameters.label())
        return 0
    _check_out(where, folder.parent)
    try:
        summary = run_batch(experiment, folder, options)
    except OSError as exc:
        if args.scheduler and ("connect" in str(exc).lower() or "timed out" in str(exc).lower()):
            raise ScenarioError(f"{where}: option '--scheduler': cannot reach {args.scheduler} "
                                f"({type(exc).__name__})") from None
        raise
    print(summary)
    print(experiment.parameters.label())
    from ctsim.experiments.results import status

    print(status(folder).to_string())
    print(f"make a brief: ctsim report {folder}")
    return 0 if summary.failed == 0 else 1


def _calibrate(args: argparse.Namespace) -> int:
    import json

    from tqdm import tqdm

    from ctsim.analysis import calibration
    from ctsim.analysis.validation import write_report
    from ctsim.experiments.executors import ExecutorSpec, open_executor

    if args.abc:
        from ctsim.analysis.abc_command import run_command

        return run_command(args)
    history = load_scenario(args.history or calibration.HISTORY)
    where = args.history or calibration.HISTORY
    for option in ("population", "months", "work"):
        if getattr(args, option) is not None:
            raise ScenarioError(f"{where}: option '--{option}' needs --abc")
    if args.warm_start and args.check:
        raise ScenarioError(f"{where}: option '--warm-start' cannot go with --check (--check reruns the stored "
                            f"settings, warm start included)")
    # --check reruns exactly what was stored (its settings), unless an option says otherwise.
    stored_settings = (json.loads(calibration.CALIBRATION_FILE.read_text())["settings"]
                       if args.check and calibration.CALIBRATION_FILE.is_file() else {})
    for option, default in calibration.DEFAULT_SETTINGS.items():
        if getattr(args, option) is None:
            setattr(args, option, int(stored_settings.get(option, default)))
    start = stored_settings.get("start")
    if args.warm_start:
        start = calibration.stored_start(where)
    for option, value in (("--replications", args.replications), ("--generations", args.generations),
                          ("--popsize", args.popsize)):
        if not 1 <= value <= 1000:
            raise ScenarioError(f"{where}: option '{option}' = {value} is outside [1, 1000]")
    if args.time_budget is not None and args.time_budget <= 0:
        raise ScenarioError(f"{where}: option '--time-budget' = {args.time_budget} must be positive")
    _scheduler(where, args.scheduler)
    spec = ExecutorSpec(args.executor, args.workers, args.scheduler, args.dask_local)
    if args.dry_run:
        candidates = args.popsize * len(calibration.FREE) * (args.generations + 1)
        runs = candidates * args.replications
        print(f"calibrate: differential evolution over {len(calibration.FREE)} free parameters, up to "
              f"{candidates:,} candidates x {args.replications} replications = {runs:,} runs of the "
              f"{history.months}-month history ({history.name}) on {spec.resolved_kind}. Dry run: nothing was run "
              f"or written.")
        return 0
    bar = tqdm(total=args.generations + 1, desc="calibrate", unit="generation", disable=not sys.stderr.isatty())

    def progress(generation: int, best: float) -> None:
        bar.set_postfix(best_loss=f"{best:.3f}")
        bar.update()

    with open_executor(spec) as running:
        executor = None if spec.resolved_kind == "serial" else running.executor
        record = calibration.calibrate(history, replications=args.replications, seed=args.seed,
                                       generations=args.generations, popsize=args.popsize, executor=executor,
                                       time_budget=args.time_budget, progress=progress, start=start)
    bar.close()
    values = {name: spec["value"] for name, spec in record["free_parameters"].items()}
    if args.check:
        stored = json.loads(calibration.CALIBRATION_FILE.read_text())
        same = {k: v["value"] for k, v in stored["free_parameters"].items()} == values
        print(f"calibration {'reproduces' if same else 'DIFFERS FROM'} the stored one "
              f"({calibration.CALIBRATION_FILE}); loss {record['loss']:.4f} vs {stored['loss']:.4f}")
        return 0 if same else 1
    calibration.write(record, args.output or calibration.CALIBRATION_FILE)
    print(f"calibrated in {record['evaluations']} evaluations, loss {record['loss']:.4f}:")
    for name, value in values.items():
        print(f"  {name} = {value:.6g}")
    if args.output is None:
        write_report(record, history, args.report)
        print(f"fit report written to {args.report}")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from ctsim.analysis.sensitivity_study import analyse_study, load_study, summary_text, write_outputs
    from ctsim.experiments.batch import BatchOptions, dry_run_text, run_batch
    from ctsim.experiments.parameter_sets import choose
    from ctsim.experiments.results import load

    study = load_study(args.study)
    study.parameters = choose(args.point)
    _scheduler(args.study, args.scheduler)
    folder = args.out or Path("results") / "sensitivity" / study.name
    options = BatchOptions(executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                           dask_local=args.dask_local, retry_failed=args.retry_failed,
                           progress=sys.stderr.isatty())
    if args.dry_run:
        print(f"{study.method} study {study.name}: N = {study.n}, {len(study.factors)} factors (+ dummy), "
              f"{len(study.strata_levels())} stratum/strata, {study.replications} replication(s).")
        print(dry_run_text(study.experiment(), options, folder / "runs"))
        print(study.parameters.label())
        return 0
    _check_out(args.study, folder)
    summary = run_batch(study.experiment(), folder / "runs", options)
    print(summary)
    result = analyse_study(study, load(folder / "runs"))
    written = write_outputs(result, folder)
    print(summary_text(result))
    print(f"tables and charts: {folder} ({len(written)} files)")
    print(f"make a brief: ctsim report {folder}")
    return 0


def _validate_model(args: argparse.Namespace) -> int:
    from ctsim.analysis import patterns

    if not 2 <= args.replications <= 1000:
        raise ScenarioError(f"validate-model: option '--replications' = {args.replications} is outside [2, 1000]")
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise ScenarioError(f"validate-model: option '--workers' = {args.workers} is outside [1, 1024]")
    if args.factors and not args.robustness:
        raise ScenarioError("validate-model: option '--factors' needs '--robustness'")
    if args.workers and not (args.robustness or args.posterior is not None):
        raise ScenarioError("validate-model: option '--workers' needs '--robustness' or '--posterior'")
    if args.posterior is not None and not 1 <= args.posterior <= 10_000:
        raise ScenarioError(f"validate-model: option '--posterior' = {args.posterior} is outside [1, 10000] (the "
                            f"number of posterior draws to rerun the checks with; 20 is a good start)")
    parameter_set = None
    if args.posterior is not None:
        from ctsim.experiments.parameter_sets import choose

        parameter_set = choose(point=False)  # a one-line DrawsError (exit 2) when missing, unreadable or stale
    factors = [f.strip() for f in args.factors.split(",") if f.strip()] if args.factors else None
    if args.robustness:
        try:
            patterns.robustness_settings(factors)
        except KeyError as exc:
            raise ScenarioError(f"validate-model: option '--factors': {exc.args[0]}") from None
    if args.dry_run:
        settings = len(patterns.robustness_settings(factors)) if args.robustness else 1
        print(f"validate-model: {len(patterns.CHECKS)} pattern checks x {args.replications} replications"
              + (f", in {settings} robustness settings" if args.robustness else "")
              + (f", over {args.posterior} posterior draws" if args.posterior is not None else "")
              + (f"; report {args.report}" if args.report else "") + ". Dry run: nothing was run or written.")
        return 0
    table = patterns.run_checks(args.replications)
    for row in table.to_dict("records"):
        print(f"[{row['result']}] {row['pattern']}\n       measured:  {row['measured']}\n"
              f"       tolerance: {row['tolerance']}")
    robustness = None
    if args.robustness:
        robustness = patterns.robustness(args.replications, factors, args.workers, progress=sys.stderr.isatty(),
                                         calibrated=table)
        pd.set_option("display.width", 250)
        pd.set_option("display.max_rows", 500)
        print("\nRobustness: each assumed uncertainty at the ends of its plausible range, one at a time")
        print(patterns.robustness_matrix(robustness).to_string(index=False, na_rep=""))
        print()
        print(patterns.robustness_summary(robustness).to_string(index=False))
    over_posterior = None
    if parameter_set is not None:
        over_posterior = patterns.posterior_study(parameter_set.posterior, args.posterior, args.replications,
                                                  args.workers, progress=sys.stderr.isatty(), calibrated=table)
        over_posterior["posterior_sha256"] = parameter_set.manifest()["sha256"]
        print(f"\nPattern checks over the first {args.posterior} posterior draws ({parameter_set.label()})")
        print(patterns.posterior_summary(over_posterior).to_string(index=False, float_format="{:.2f}".format))
    if args.report is not None:
        import json

        from ctsim.analysis import calibration
        from ctsim.analysis.validation import POSTERIOR_PATTERNS_FILE, ROBUSTNESS_FILE, write_report

        if robustness is not None:
            robustness.to_csv(args.report.parent / ROBUSTNESS_FILE, index=False)
        if over_posterior is not None:
            over_posterior.to_csv(args.report.parent / POSTERIOR_PATTERNS_FILE, index=False)
        record = json.loads(calibration.CALIBRATION_FILE.read_text())
        write_report(record, load_scenario(calibration.HISTORY), args.report, patterns=table,
                     pattern_replications=args.replications)
        print(f"report written to {args.report}")
    return 0 if (table["result"] == "pass").all() else 1


def _run(args: argparse.Namespace) -> int:
    from ctsim.experiments.parameter_sets import choose
    from ctsim.figures.tables import run_summary
    from ctsim.scenarios.runner import run
    from ctsim.scenarios.writing import write_outputs

    scenario = resolve_scenario(args.scenario)
    _bounded(args.scenario, "--months", args.months, 1, MAX_MONTHS)
    _bounded(args.scenario, "--seed", args.seed, 0, MAX_SEED)
    if args.seed is not None and args.seed < 0:
        raise ScenarioError(f"{args.scenario}: option '--seed' = {args.seed} must be 0 or more")
    parameters = choose(args.point)
    _check_out(args.scenario, args.out)
    result = run(scenario, seed=args.seed, months=args.months, draw=parameters.values(0) or None)
    # a single run is replication 0: the first draw a comparison's or batch's replication 0 uses too
    result.parameters = {**parameters.manifest(1), **({"values": parameters.values(0)} if not args.point else {})}
    folder = write_outputs(result, args.out, chart=not args.no_chart)
    print(run_summary(result))
    print(f"\nresults written to {folder}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    pd.set_option("display.width", 200)
    sys.exit(main())
