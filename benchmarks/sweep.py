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
of the CLI process and of its largest worker (sampled from /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import random
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


def profile(rng: random.Random, i: int, quick: bool) -> dict[str, Any]:
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


def run_batch(requests: Path, plans: Path, workers: int) -> dict[str, Any]:
    cmd = [
        str(BIN),
        "batch",
        str(requests),
        "-o",
        str(plans),
        "--workers",
        str(workers),
    ]
    began = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    parent_peak = worker_peak = 0
    parent_samples: list[tuple[float, int]] = []
    while proc.poll() is None:
        s = _status(proc.pid)
        if "VmHWM" in s:
            parent_peak = max(parent_peak, s["VmHWM"])
            parent_samples.append((time.monotonic() - began, s["VmRSS"]))
        for pid in _descendants(proc.pid):
            worker_peak = max(worker_peak, _status(pid).get("VmHWM", 0))
        time.sleep(1.0)
    stderr = proc.stderr.read() if proc.stderr else ""
    return {
        "exit": proc.returncode,
        "seconds": time.monotonic() - began,
        "parent_peak_mb": parent_peak / 1024,
        "worker_peak_mb": worker_peak / 1024,
        "parent_rss_mb_samples": [
            (round(t, 1), round(kb / 1024, 1)) for t, kb in parent_samples
        ],
        "stderr": stderr.strip()[-2000:],
    }


def verify(requests: list[dict[str, Any]], plans: Path) -> dict[str, Any]:
    table = mealplan.load_foods()
    by_id = {r["id"]: r for r in requests}
    seen: Counter[str] = Counter()
    status: Counter[str] = Counter()
    violations: list[str] = []
    mismatched = 0
    errors: Counter[str] = Counter()
    for line in plans.read_text(encoding="utf-8").splitlines():
        result = mealplan.BatchResult.model_validate_json(line)
        seen[result.id] += 1
        status[result.status.value] += 1
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
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument(
        "--quick-requests", action="store_true", help="1 day, 5 s limit (smoke runs)"
    )
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    reqs = [profile(rng, i, args.quick_requests) for i in range(args.n)]
    folder = args.out / f"sweep-{time.strftime('%Y%m%dT%H%M%S')}-n{args.n}"
    folder.mkdir(parents=True, exist_ok=True)
    requests_file, plans_file = folder / "requests.jsonl", folder / "plans.jsonl"
    requests_file.write_text(
        "".join(json.dumps(r) + "\n" for r in reqs), encoding="utf-8"
    )
    load = os.getloadavg()
    run = run_batch(requests_file, plans_file, args.workers)
    check = verify(reqs, plans_file)
    summary = {
        "n": args.n,
        "workers": args.workers,
        "seed": args.seed,
        "load_before": load,
        **run,
        **check,
    }
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2), encoding="utf-8"
    )
    st = check["status"]
    print(
        f"Sweep of {args.n} random profiles, {args.workers} workers, seed {args.seed} "
        f"(load average {load[0]:.1f} at start); files in {folder}\n"
    )
    print("| measure | value |")
    print("|---|---:|")
    for key in ("planned", "infeasible", "invalid", "failed"):
        print(f"| {key} | {st.get(key, 0)} |")
    print(f"| violations (tests/checks.py) | {check['violations']} |")
    print(f"| plan of another request | {check['plans_of_another_request']} |")
    print(f"| lost | {check['lost']} |")
    print(f"| duplicated | {check['duplicated']} |")
    print(
        f"| wall time | {run['seconds']:.0f} s ({args.n / run['seconds']:.2f} requests/s) |"
    )
    print(f"| peak memory, CLI process | {run['parent_peak_mb']:.0f} MB |")
    print(f"| peak memory, largest worker | {run['worker_peak_mb']:.0f} MB |")
    print(f"| exit status | {run['exit']} |")
    if check["errors"]:
        print(
            "\nerrors: "
            + ", ".join(f"{k} x{v}" for k, v in sorted(check["errors"].items()))
        )
    for example in check["violation_examples"]:
        print(f"violation: {example}")
    print(
        f"\nFull 10,000 at this rate: about {10000 / (args.n / run['seconds']) / 3600:.1f} h."
    )
    return (
        0
        if check["violations"] == 0 and check["lost"] == 0 and check["duplicated"] == 0
        else 1
    )


if __name__ == "__main__":
    raise SystemExit(main())
