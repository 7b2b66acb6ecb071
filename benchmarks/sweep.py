#!/usr/bin/env python
"""A random-profile sweep through ``mealplan batch``, every plan re-checked.

    python benchmarks/sweep.py --n 10000          # the full sweep (hours on 2 cores)
    python benchmarks/sweep.py --n 300 --workers 2
    python benchmarks/sweep.py --n 12 --quick-requests   # smoke run

Profiles (seeded): ages 1-90, both sexes, pregnancy (with a trimester) or
lactation for some women of 14-50, every diet, 0-3 allergies, a daily budget
for some, 1-3 days. They are written as JSON lines with ids and planned by the
real CLI in a subprocess (``mealplan batch requests.jsonl -o plans.jsonl``).

Then every output line is read back: every id must appear exactly once
(lost / duplicated), each plan is the plan of its own request (the request it
carries equals the input line), and each plan is re-checked against the food
table by ``tests/checks.py`` (violations). Reported: plans, diagnoses, bad
input, failures, violations, lost, duplicated, wall time, and the peak memory
of the CLI process and of its largest worker (sampled from /proc), and where
the workers' time went (each result's ``seconds``, by status and days).

In slices, across sessions. The 10,000-profile sweep takes about 16 h on a
busy 2-core machine, more than a session, so run it in slices that resume:

    python benchmarks/sweep.py --n 10000 --stop-after 5400     # first slice
    python benchmarks/sweep.py --resume benchmarks/results/sweep-...-n10000 \
        --stop-after 5400                                      # each next one

``--stop-after SECONDS`` interrupts the batch CLI (SIGINT, as Ctrl-C would)
after that long: it exits 130 leaving only whole lines. Ctrl-C on this
script does the same. ``--resume FOLDER`` re-reads the folder's seeded
``requests.jsonl`` and settings (``sweep.json``), reruns the same
``mealplan batch`` command on the same ``plans.jsonl`` (the CLI's own resume
skips the ids already there), and the report counts everything in the
output file, so after the last slice it is the whole sweep's report ("lost"
counts the requests not planned yet while the sweep is partial). Each
slice's wall time, lines added and peak memory are kept in ``sweep.json``
("slices"). Keep ``benchmarks/results`` between sessions (it is not in git):
copy the folder away and back if the machine may be replaced.

One commit per sweep. Later commits change the planner and the checker (a
rule added after a slice ran fails that slice's plans), so each slice
records the commit of the code it ran on, whether that code had uncommitted
changes, and which output lines it wrote. A slice refuses to start on
uncommitted changes (``--allow-dirty``) or on a commit other than the earlier
slices' (``--allow-mixed-commits``): run the sweep's slices from a checkout of
one commit. When commits are mixed anyway, the report re-checks each slice's
plans with the ``tests/checks.py`` and food table of the commit that made them
(``git archive`` of that commit's ``mealplan``, ``foods`` and ``tests`` into
``FOLDER/code/``, checked in a subprocess that imports them), and shows each
commit's lines and verdicts apart, under "MIXED COMMITS". Older sweeps'
slices, which recorded only their commit and line count, are attributed by
those counts in order.

    python benchmarks/sweep.py --resume FOLDER --report-only   # re-check, no slice
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CODE_ENV = "MEALPLAN_SWEEP_CODE"
"""Set by this script for its checker subprocesses: the folder holding an
earlier commit's ``mealplan``, ``foods`` and ``tests``, imported instead of
this tree's, so a slice's plans are checked by the code that made them."""
sys.path.insert(0, os.environ.get(CODE_ENV) or str(REPO))

import mealplan  # noqa: E402
from mealplan import Allergen, Diet  # noqa: E402
from tests.checks import check_plan  # noqa: E402

BIN = Path(sys.executable).parent / "mealplan"


def profile(
    rng: random.Random,
    i: int,
    quick: bool,
    first_plan: bool = False,
    time_limit: float | None = None,
) -> dict[str, Any]:
    """One random request."""
    age = rng.randint(1, 90)
    sex = rng.choice(["female", "male"])
    person: dict[str, Any] = {"age": age, "sex": sex}
    if sex == "female" and 14 <= age <= 50:
        stage = rng.random()
        if stage < 0.15:
            person["pregnancy"] = True
            person["trimester"] = rng.randint(1, 3)
        elif stage < 0.30:
            person["lactation"] = True
    request: dict[str, Any] = {
        "id": f"s{i:05d}",
        "person": person,
        "diet": rng.choice([d.value for d in Diet]),
        "allergies": rng.sample(sorted(a.value for a in Allergen), rng.randint(0, 3)),
        "days": rng.randint(1, 3),
    }
    if rng.random() < 0.3:
        request["budget_per_day"] = round(rng.uniform(3, 15), 2)
    if quick:
        request["days"] = 1
        request["time_limit"] = 5
    if first_plan:
        # Drawn after every random choice: the same seed gives the same people.
        request["mip_gap"] = 1
    if time_limit is not None:
        # A generous limit keeps a slice run beside other work from turning
        # a starved worker's request into a time-limit failure.
        request["time_limit"] = time_limit
    return request


def _status(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in {"VmHWM", "VmRSS", "PPid"}:
            out[key] = int(value.split()[0])
    return out


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            ppid = _status(int(entry.name)).get("PPid")
            if ppid is not None:
                children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            found.append(child)
            todo.append(child)
    return found


def _lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def run_batch(
    requests: Path, plans: Path, workers: int, stop_after: float | None = None
) -> dict[str, Any]:
    cmd = [
        str(BIN),
        "batch",
        str(requests),
        "-o",
        str(plans),
        "--workers",
        str(workers),
    ]
    before = _lines(plans)
    began = time.monotonic()
    # The CLI imports the same mealplan as this script (whose commit the
    # slice records), whatever tree the installed entry point points to.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(code_tree()), os.environ.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep),
    }
    # stderr to a file, not a pipe: a long run's progress lines would fill a
    # pipe nobody reads until the end and block the CLI.
    log = plans.with_name("batch-stderr.txt")
    with log.open("a", encoding="utf-8") as err:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=err, text=True, env=env
        )
        parent_peak = worker_peak = 0
        parent_samples: list[tuple[float, int]] = []
        stopped = False
        try:
            while proc.poll() is None:
                s = _status(proc.pid)
                if "VmHWM" in s:
                    parent_peak = max(parent_peak, s["VmHWM"])
                    parent_samples.append((time.monotonic() - began, s["VmRSS"]))
                for pid in _descendants(proc.pid):
                    worker_peak = max(worker_peak, _status(pid).get("VmHWM", 0))
                if (
                    stop_after is not None
                    and not stopped
                    and time.monotonic() - began >= stop_after
                ):
                    proc.send_signal(signal.SIGINT)  # whole lines, exit 130
                    stopped = True
                time.sleep(1.0)
        except KeyboardInterrupt:
            # Ctrl-C reached the CLI too (same process group): let it finish
            # its last whole line, then report what is in the file.
            proc.send_signal(signal.SIGINT)
            proc.wait()
            stopped = True
    stderr = log.read_text(encoding="utf-8").strip().splitlines()
    return {
        "exit": proc.returncode,
        "stopped": stopped,
        "lines_added": _lines(plans) - before,
        # Which output lines this slice wrote (0-based, end excluded): the
        # lines its commit's checker re-checks.
        "lines": [before, _lines(plans)],
        "seconds": time.monotonic() - began,
        "parent_peak_mb": parent_peak / 1024,
        "worker_peak_mb": worker_peak / 1024,
        "parent_rss_mb_samples": [
            (round(t, 1), round(kb / 1024, 1)) for t, kb in parent_samples
        ],
        "stderr": "\n".join(stderr[-3:])[-2000:],
    }


def _kind(result: mealplan.BatchResult) -> str:
    """What a result's time went into, for the time table."""
    if result.plan is not None:
        # "feasible": the solver stopped at its time limit with a plan.
        return f"planned ({result.plan.status.value})"
    if result.diagnosis is not None:
        return "infeasible (diagnosed)"
    assert result.error is not None
    return f"{result.status.value} ({result.error.type})"


def verify(requests: list[dict[str, Any]], plans: Path) -> dict[str, Any]:
    """Count every output line: statuses, errors, lost, duplicated, time.

    The plans themselves are re-checked per commit (:func:`check_slices`).
    """
    by_id = {r["id"]: r for r in requests}
    seen: Counter[str] = Counter()
    status: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    # (kind, days) -> [results, worker seconds]; read line by line: the
    # output of 10,000 requests is over 100 MB.
    spent: dict[tuple[str, int], list[float]] = {}
    for _, result in _results(plans):
        seen[result.id] += 1
        status[result.status.value] += 1
        days = int(by_id.get(result.id, {}).get("days", 1))
        cell = spent.setdefault((_kind(result), days), [0, 0.0])
        cell[0] += 1
        cell[1] += result.seconds or 0.0
        if result.error is not None:
            errors[f"{result.status.value}: {result.error.type}"] += 1
    return {
        "status": dict(status),
        "errors": dict(errors),
        "lost": sum(1 for rid in by_id if rid not in seen),
        "duplicated": sum(1 for n in seen.values() if n > 1),
        "unknown_ids": sum(1 for rid in seen if rid not in by_id),
        "time_by_kind": [
            {"kind": k, "days": d, "results": int(n), "worker_seconds": round(t, 1)}
            for (k, d), (n, t) in sorted(spent.items())
        ],
    }


def _results(
    plans: Path, spans: list[tuple[int, int]] | None = None
) -> Iterator[tuple[int, mealplan.BatchResult]]:
    """Yield (line number, result) of the output, or of the lines in ``spans``."""
    if not plans.exists():
        return
    with plans.open(encoding="utf-8") as lines:
        number = -1
        for line in lines:
            if not line.strip():
                continue
            number += 1
            if spans is None or any(a <= number < b for a, b in spans):
                yield number, mealplan.BatchResult.model_validate_json(line)


def check_lines(
    requests: list[dict[str, Any]], plans: Path, spans: list[tuple[int, int]]
) -> dict[str, Any]:
    """Re-check the plans on the output lines in ``spans`` with this code.

    "This code" is the ``mealplan``, food table and ``tests/checks.py`` this
    process imported: this tree's, or an earlier commit's in a checker
    subprocess (:data:`CODE_ENV`).
    """
    table = mealplan.load_foods()
    by_id = {r["id"]: r for r in requests}
    checked = mismatched = 0
    violations: list[str] = []
    # Per line: [id, violation or None, plan of another request]: what
    # benchmarks/sweep_ledger.py keeps of a slice once its folder is gone.
    verdicts: list[list[Any]] = []
    for _, result in _results(plans, spans):
        if result.plan is None or result.id not in by_id:
            continue
        checked += 1
        body = {k: v for k, v in by_id[result.id].items() if k != "id"}
        other = result.plan.request != mealplan.parse_request(body)
        mismatched += other
        violation = None
        try:
            check_plan(result.plan, table)
        except AssertionError as exc:
            violation = str(exc)[:200]
            violations.append(f"{result.id}: {violation}")
        verdicts.append([result.id, violation, other])
    return {
        "verdicts": verdicts,
        "checked": checked,
        # Which checker ran, so a caller can see it was the commit's own.
        "checker": str(Path(check_plan.__code__.co_filename).resolve()),
        "violations": len(violations),
        "violation_examples": violations[:5],
        "plans_of_another_request": mismatched,
    }


# ------------------------------------------------------- commits and slices

CODE_PATHS = ("mealplan", "foods", "tests")
"""What a slice's results and their check depend on: the planner, its
tables and the checker."""


def _git(*args: str, cwd: Path = REPO) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(cwd), *args],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def code_tree() -> Path:
    """The source tree of the ``mealplan`` this script imported."""
    return Path(mealplan.__file__).resolve().parents[1]


def code_state() -> dict[str, Any]:
    """The commit of the code a slice runs on, and whether it has changes.

    A slice made from uncommitted changes cannot be re-checked by its own
    code later: ``dirty`` says so (and a slice refuses to start on it unless
    asked).
    """
    tree = code_tree()
    commit = _git("rev-parse", "HEAD", cwd=tree)
    changes = _git("status", "--porcelain", "--", *CODE_PATHS, cwd=tree)
    return {"commit": commit or "?", "dirty": changes is None or bool(changes)}


@functools.cache
def full_commit(commit: str) -> str:
    """The full hash of ``commit`` (slices of older sweeps kept short ones)."""
    if commit == "?":
        return commit
    return _git("rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}") or commit


def other_commits(settings: dict[str, Any], state: dict[str, Any]) -> list[str]:
    """The earlier slices' commits that are not the code about to run."""
    here = full_commit(state["commit"])
    return sorted(
        {
            str(s.get("commit", "?"))
            for s in settings["slices"]
            if full_commit(str(s.get("commit", "?"))) != here
        }
    )


def slice_lines(slices: list[dict[str, Any]], total: int) -> list[tuple[str, int, int]]:
    """(commit, first line, end line) of each slice's output, in file order.

    Slices record their lines; older ones only how many they added, in order
    (the CLI appends). Lines no slice accounts for get the commit "?".
    """
    spans = []
    at = 0
    for s in slices:
        start, end = s["lines"] if "lines" in s else (at, at + s["lines_added"])
        spans.append((str(s.get("commit", "?")), start, end))
        at = max(at, end)
    if at < total:
        spans.append(("?", at, total))
    return spans


Checker = Callable[[str, list[tuple[int, int]]], dict[str, Any]]


def check_slices(
    requests: list[dict[str, Any]],
    folder: Path,
    settings: dict[str, Any],
    state: dict[str, Any],
    elsewhere: Checker | None = None,
) -> list[dict[str, Any]]:
    """Re-check every slice's plans with the code of the commit that made them.

    Slices of this code's commit (with no uncommitted changes here) are
    checked in this process; each other commit's by ``elsewhere`` (default:
    :func:`check_at_commit`, a subprocess importing that commit's code).
    Returns one row per commit, in the order the commits first ran.
    """
    plans = folder / "plans.jsonl"
    here = full_commit(state["commit"])
    groups: dict[str, list[tuple[int, int]]] = {}
    dirty: dict[str, bool] = {}
    spans = slice_lines(settings["slices"], _lines(plans))
    for s, (commit, start, end) in zip([*settings["slices"], {}], spans, strict=False):
        key = full_commit(commit)
        groups.setdefault(key, []).append((start, end))
        dirty[key] = dirty.get(key, False) or bool(s.get("dirty"))
    run_elsewhere = elsewhere or (
        lambda commit, part: check_at_commit(commit, folder, part)
    )
    rows = []
    for commit, part in groups.items():
        if commit == "?" or (commit == here and not state["dirty"]):
            result = check_lines(requests, plans, part)
            by = "this tree" + (
                " (lines of no recorded commit)" if commit == "?" else ""
            )
        else:
            by = f"its own commit's code ({commit[:7]})"
            try:
                result = run_elsewhere(commit, part)
            except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
                # E.g. a folder copied from a clone without that commit: its
                # lines stay unchecked, and the report says so (exit 1).
                by = f"NOT CHECKED: {str(exc).strip()[:200]}"
                result = {
                    "checked": 0,
                    "violations": 0,
                    "violation_examples": [],
                    "plans_of_another_request": 0,
                    "unchecked": True,
                    "verdicts": [],
                }
        rows.append(
            {
                "commit": commit,
                "slices": sum(1 for c, _, _ in spans if full_commit(c) == commit),
                "lines": sum(b - a for a, b in part),
                "spans": part,
                "made_from_uncommitted_changes": dirty[commit],
                "checked_by": by,
                **result,
            }
        )
    return rows


def check_at_commit(
    commit: str, folder: Path, spans: list[tuple[int, int]]
) -> dict[str, Any]:
    """Re-check ``spans`` with ``commit``'s mealplan, food table and checker.

    The commit's ``mealplan``, ``foods`` and ``tests`` are extracted once
    (``git archive``, no worktree or checkout) into ``FOLDER/code/COMMIT``
    and this script runs there with ``--check-lines`` in a subprocess that
    imports them instead of this tree's.
    """
    code = folder / "code" / commit[:12]
    if not code.is_dir():
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit, *CODE_PATHS],
            capture_output=True,
            check=True,
        ).stdout
        part = code.with_name(code.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(part, filter="data")
        part.rename(code)
    proc = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--check-lines",
            str(folder.resolve()),
            "--spans",
            json.dumps(spans),
        ],
        env={**os.environ, CODE_ENV: str(code.resolve())},
        cwd=code,  # nothing of this tree on the path
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        msg = f"the checker of commit {commit[:7]} failed: {tail[0]}"
        raise RuntimeError(msg)
    answer: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    if not Path(answer["checker"]).is_relative_to(code.resolve()):
        msg = f"the checker of commit {commit[:7]} ran {answer['checker']}, not its own"
        raise RuntimeError(msg)
    return answer


def _time_table(rows: list[dict[str, Any]]) -> None:
    total = sum(r["worker_seconds"] for r in rows) or 1.0
    print("\nWhere the workers' time went (each result's `seconds`):\n")
    print("| result | days | results | worker s | mean s | share |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in sorted(rows, key=lambda r: -r["worker_seconds"]):
        mean = r["worker_seconds"] / r["results"] if r["results"] else 0.0
        print(
            f"| {r['kind']} | {r['days']} | {r['results']} | {r['worker_seconds']:.0f} "
            f"| {mean:.1f} | {100 * r['worker_seconds'] / total:.0f} % |"
        )


def _start(args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """Make a new sweep folder with its seeded requests and settings."""
    rng = random.Random(args.seed)
    reqs = [
        profile(rng, i, args.quick_requests, args.first_plan, args.time_limit)
        for i in range(args.n)
    ]
    folder = args.out / f"sweep-{time.strftime('%Y%m%dT%H%M%S')}-n{args.n}"
    settings = {
        "n": args.n,
        "workers": args.workers,
        "seed": args.seed,
        "quick_requests": args.quick_requests,
        "first_plan": args.first_plan,
        "time_limit": args.time_limit,
        "slices": [],
        # Written by main() once the slice may run (then dropped from here).
        "requests": reqs,
    }
    return folder, settings


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument(
        "--quick-requests", action="store_true", help="1 day, 5 s limit (smoke runs)"
    )
    ap.add_argument(
        "--first-plan",
        action="store_true",
        help="ask each request for its first plan (mip_gap 1): every plan is "
        "still re-checked, optimality is not the sweep's question",
    )
    ap.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="each request's time limit (default: the request default, 10 s)",
    )
    ap.add_argument(
        "--resume",
        type=Path,
        metavar="FOLDER",
        help="go on with the sweep in FOLDER (its requests and settings; "
        "--workers may change)",
    )
    ap.add_argument(
        "--stop-after",
        type=float,
        metavar="SECONDS",
        help="interrupt the batch after SECONDS (resumable), then report",
    )
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="with --resume: run no slice, only re-check and report the folder",
    )
    ap.add_argument(
        "--allow-mixed-commits",
        action="store_true",
        help="resume on a commit other than the earlier slices' (each slice's "
        "plans are then re-checked by its own commit's code and table)",
    )
    ap.add_argument(
        "--allow-dirty",
        action="store_true",
        help="run a slice on uncommitted changes to mealplan/, foods/ or tests/ "
        "(its plans can then not be re-checked by the code that made them)",
    )
    # Internal: a checker subprocess of check_at_commit.
    ap.add_argument("--check-lines", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--spans", type=json.loads, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def refusal(
    settings: dict[str, Any], state: dict[str, Any], args: argparse.Namespace
) -> str | None:
    """Why a slice must not run on this code, or None when it may."""
    others = other_commits(settings, state)
    if others and not args.allow_mixed_commits:
        return (
            f"this sweep's earlier slices ran on commit(s) {', '.join(others)} and "
            f"the code here is {state['commit'][:7]}: a sweep's result is one "
            "commit's, so resume it from a checkout of that commit, start a new "
            "sweep here, or pass --allow-mixed-commits (each slice's plans are "
            "then re-checked by the code and table of its own commit)."
        )
    if state["dirty"] and not args.allow_dirty:
        return (
            "mealplan/, foods/ or tests/ have uncommitted changes: commit them "
            "first (a slice's plans are re-checked by the code of the commit "
            "that made them), or pass --allow-dirty."
        )
    return None


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.check_lines is not None:
        folder = args.check_lines
        with (folder / "requests.jsonl").open(encoding="utf-8") as f:
            reqs = [json.loads(line) for line in f if line.strip()]
        spans = [(int(a), int(b)) for a, b in args.spans]
        print(json.dumps(check_lines(reqs, folder / "plans.jsonl", spans)))
        return 0
    if args.report_only and args.resume is None:
        print("sweep.py: --report-only needs --resume FOLDER", file=sys.stderr)
        return 2
    state = code_state()
    if args.resume is not None:
        folder = args.resume
        settings = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
        if "--workers" in (argv if argv is not None else sys.argv[1:]):
            settings["workers"] = args.workers
    else:
        folder, settings = _start(args)
    if not args.report_only:
        why = refusal(settings, state, args)
        if why is not None:
            print(f"sweep.py: no slice run: {why}", file=sys.stderr)
            return 2
    requests_file, plans_file = folder / "requests.jsonl", folder / "plans.jsonl"
    if args.resume is None:
        folder.mkdir(parents=True, exist_ok=True)
        requests_file.write_text(
            "".join(json.dumps(r) + "\n" for r in settings.pop("requests")),
            encoding="utf-8",
        )
    with requests_file.open(encoding="utf-8") as f:
        reqs = [json.loads(line) for line in f if line.strip()]
    load = os.getloadavg()
    run: dict[str, Any] | None = None
    if not args.report_only:
        run = run_batch(requests_file, plans_file, settings["workers"], args.stop_after)
        settings["slices"].append(
            {
                "started_load": load,
                # The code this slice ran on: its plans are re-checked by it.
                "commit": state["commit"],
                "dirty": state["dirty"],
                "workers": settings["workers"],
                **{k: v for k, v in run.items() if k != "parent_rss_mb_samples"},
            }
        )
        (folder / "sweep.json").write_text(
            json.dumps(settings, indent=2), encoding="utf-8"
        )
    check = verify(reqs, plans_file)
    by_commit = check_slices(reqs, folder, settings, state)
    check["violations"] = sum(r["violations"] for r in by_commit)
    check["plans_of_another_request"] = sum(
        r["plans_of_another_request"] for r in by_commit
    )
    check["violation_examples"] = [
        f"[{r['commit'][:7]}] {e}" for r in by_commit for e in r["violation_examples"]
    ][:10]
    check["by_commit"] = by_commit
    check["unchecked_lines"] = sum(r["lines"] for r in by_commit if r.get("unchecked"))
    return report(folder, settings, load, run, check)


def report(
    folder: Path,
    settings: dict[str, Any],
    load: tuple[float, float, float],
    run: dict[str, Any] | None,
    check: dict[str, Any],
) -> int:
    """Write summary.json, print the report; return 0 when nothing is wrong."""
    slices = settings["slices"]
    seconds = sum(s["seconds"] for s in slices)
    done = sum(check["status"].values())
    summary = {
        "n": settings["n"],
        "workers": settings["workers"],
        "seed": settings["seed"],
        "load_before": load,
        "slices": len(slices),
        "seconds_all_slices": seconds,
        **(run or {}),
        **check,
    }
    # The per-line verdicts are for sweep_ledger.py, not for the summary.
    summary["by_commit"] = [
        {k: v for k, v in r.items() if k != "verdicts"} for r in check["by_commit"]
    ]
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2), encoding="utf-8"
    )
    st = check["status"]
    n = settings["n"]
    by_commit = check["by_commit"]
    print(
        f"Sweep of {n} random profiles, {settings['workers']} workers, seed "
        f"{settings['seed']} (load average {load[0]:.1f} now); files in {folder}\n"
    )
    if done < n:
        print(
            f"PARTIAL: {done} of {n} requests done after {len(slices)} slice(s); "
            f"go on with: python benchmarks/sweep.py --resume {folder}\n"
        )
    if len(by_commit) > 1:
        print(
            f"MIXED COMMITS: the slices ran on {len(by_commit)} commits; each "
            "slice's plans were re-checked by the checker and food table of its "
            "own commit (table below), so this is not one commit's result.\n"
        )
    print("| measure | value |")
    print("|---|---:|")
    for key in ("planned", "infeasible", "invalid", "failed"):
        print(f"| {key} | {st.get(key, 0)} |")
    print(
        f"| violations (tests/checks.py of each slice's commit) | {check['violations']} |"
    )
    print(f"| plan of another request | {check['plans_of_another_request']} |")
    print(f"| lost (not planned yet, while partial) | {check['lost']} |")
    print(f"| duplicated | {check['duplicated']} |")
    if check["unchecked_lines"]:
        print(
            f"| lines NOT re-checked (their commit's code unavailable) | {check['unchecked_lines']} |"
        )
    rate = done / seconds if seconds else 0.0
    print(
        f"| wall time, {len(slices)} slice(s) | {seconds:.0f} s ({rate:.2f} requests/s) |"
    )
    if run is not None:
        print(
            f"| this slice: wall / lines added | {run['seconds']:.0f} s / {run['lines_added']} |"
        )
    if slices:
        print(
            f"| peak memory, CLI process | {max(s['parent_peak_mb'] for s in slices):.0f} MB |"
        )
        print(
            f"| peak memory, largest worker | {max(s['worker_peak_mb'] for s in slices):.0f} MB |"
        )
    if run is not None:
        print(f"| exit status of this slice | {run['exit']} |")
    print("\nEach commit's lines, re-checked by that commit's code:\n")
    print(
        "| commit | slices | lines | plans checked | violations | plan of another request | checked by |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in by_commit:
        note = (
            " (made from uncommitted changes)"
            if r["made_from_uncommitted_changes"]
            else ""
        )
        print(
            f"| {r['commit'][:7]} | {r['slices']} | {r['lines']} | {r['checked']} "
            f"| {r['violations']} | {r['plans_of_another_request']} | {r['checked_by']}{note} |"
        )
    if check["errors"]:
        print(
            "\nerrors: "
            + ", ".join(f"{k} x{v}" for k, v in sorted(check["errors"].items()))
        )
    for example in check["violation_examples"]:
        print(f"violation: {example}")
    _time_table(check["time_by_kind"])
    if rate:
        print(f"\nFull 10,000 at this rate: about {10000 / rate / 3600:.1f} h.")
    complete = done >= n
    return (
        0
        if check["violations"] == 0
        and check["unchecked_lines"] == 0
        and check["duplicated"] == 0
        and (check["lost"] == 0 or not complete)
        and check["plans_of_another_request"] == 0
        else 1
    )


if __name__ == "__main__":
    raise SystemExit(main())
