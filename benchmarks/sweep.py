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
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

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
    # stderr to a file, not a pipe: a long run's progress lines would fill a
    # pipe nobody reads until the end and block the CLI.
    log = plans.with_name("batch-stderr.txt")
    with log.open("a", encoding="utf-8") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, text=True)
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
    table = mealplan.load_foods()
    by_id = {r["id"]: r for r in requests}
    seen: Counter[str] = Counter()
    status: Counter[str] = Counter()
    violations: list[str] = []
    mismatched = 0
    errors: Counter[str] = Counter()
    # (kind, days) -> [results, worker seconds]; read line by line: the
    # output of 10,000 requests is over 100 MB.
    spent: dict[tuple[str, int], list[float]] = {}
    with plans.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            result = mealplan.BatchResult.model_validate_json(line)
            seen[result.id] += 1
            status[result.status.value] += 1
            days = int(by_id.get(result.id, {}).get("days", 1))
            cell = spent.setdefault((_kind(result), days), [0, 0.0])
            cell[0] += 1
            cell[1] += result.seconds or 0.0
            if result.error is not None:
                errors[f"{result.status.value}: {result.error.type}"] += 1
            if result.plan is None:
                continue
            body = {k: v for k, v in by_id[result.id].items() if k != "id"}
            if result.plan.request != mealplan.parse_request(body):
                mismatched += 1
            try:
                check_plan(result.plan, table)
            except AssertionError as exc:
                violations.append(f"{result.id}: {str(exc)[:200]}")
    return {
        "status": dict(status),
        "errors": dict(errors),
        "violations": len(violations),
        "violation_examples": violations[:5],
        "plans_of_another_request": mismatched,
        "lost": sum(1 for rid in by_id if rid not in seen),
        "duplicated": sum(1 for n in seen.values() if n > 1),
        "unknown_ids": sum(1 for rid in seen if rid not in by_id),
        "time_by_kind": [
            {"kind": k, "days": d, "results": int(n), "worker_seconds": round(t, 1)}
            for (k, d), (n, t) in sorted(spent.items())
        ],
    }


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


def _commit() -> str:
    """The code a slice ran on (slices of one sweep may span commits)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def _start(args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """Make a new sweep folder with its seeded requests and settings."""
    rng = random.Random(args.seed)
    reqs = [
        profile(rng, i, args.quick_requests, args.first_plan, args.time_limit)
        for i in range(args.n)
    ]
    folder = args.out / f"sweep-{time.strftime('%Y%m%dT%H%M%S')}-n{args.n}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "requests.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in reqs), encoding="utf-8"
    )
    settings = {
        "n": args.n,
        "workers": args.workers,
        "seed": args.seed,
        "quick_requests": args.quick_requests,
        "first_plan": args.first_plan,
        "time_limit": args.time_limit,
        "slices": [],
    }
    return folder, settings


def main(argv: list[str] | None = None) -> int:
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
    args = ap.parse_args(argv)
    if args.resume is not None:
        folder = args.resume
        settings = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
        if "--workers" in (argv if argv is not None else sys.argv[1:]):
            settings["workers"] = args.workers
    else:
        folder, settings = _start(args)
    requests_file, plans_file = folder / "requests.jsonl", folder / "plans.jsonl"
    with requests_file.open(encoding="utf-8") as f:
        reqs = [json.loads(line) for line in f if line.strip()]
    load = os.getloadavg()
    run = run_batch(requests_file, plans_file, settings["workers"], args.stop_after)
    settings["slices"].append(
        {
            "started_load": load,
            "commit": _commit(),
            "workers": settings["workers"],
            **{k: v for k, v in run.items() if k != "parent_rss_mb_samples"},
        }
    )
    (folder / "sweep.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
    check = verify(reqs, plans_file)
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
        **run,
        **check,
    }
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2), encoding="utf-8"
    )
    st = check["status"]
    n = settings["n"]
    print(
        f"Sweep of {n} random profiles, {settings['workers']} workers, seed "
        f"{settings['seed']} (load average {load[0]:.1f} at start of this slice); "
        f"files in {folder}\n"
    )
    if done < n:
        print(
            f"PARTIAL: {done} of {n} requests done after {len(slices)} slice(s); "
            f"go on with: python benchmarks/sweep.py --resume {folder}\n"
        )
    print("| measure | value |")
    print("|---|---:|")
    for key in ("planned", "infeasible", "invalid", "failed"):
        print(f"| {key} | {st.get(key, 0)} |")
    print(f"| violations (tests/checks.py) | {check['violations']} |")
    print(f"| plan of another request | {check['plans_of_another_request']} |")
    print(f"| lost (not planned yet, while partial) | {check['lost']} |")
    print(f"| duplicated | {check['duplicated']} |")
    rate = done / seconds if seconds else 0.0
    print(
        f"| wall time, {len(slices)} slice(s) | {seconds:.0f} s ({rate:.2f} requests/s) |"
    )
    print(
        f"| this slice: wall / lines added | {run['seconds']:.0f} s / {run['lines_added']} |"
    )
    print(
        f"| peak memory, CLI process | {max(s['parent_peak_mb'] for s in slices):.0f} MB |"
    )
    print(
        f"| peak memory, largest worker | {max(s['worker_peak_mb'] for s in slices):.0f} MB |"
    )
    print(f"| exit status of this slice | {run['exit']} |")
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
        and check["duplicated"] == 0
        and (check["lost"] == 0 or not complete)
        and check["plans_of_another_request"] == 0
        else 1
    )


if __name__ == "__main__":
    raise SystemExit(main())
