#!/usr/bin/env python
"""Bounded load test of ``mealplan serve`` on loopback.

    python benchmarks/load.py                      # 1, 4 and 16 clients
    python benchmarks/load.py --requests 48 --workers 2 --out DIR

Starts the server (``--workers`` solver processes), warms it up, then for
each level of concurrency sends the same fixed list of one-day requests
(people of different ages, sexes, life stages and diets, so no two are
alike) from that many client threads, each with its own connection. Reports
p50/p95/max latency and throughput per level, the errors (any answer but a
200 plan or diagnosis) and the lost requests (sent but unanswered, or answered
for someone else: every answer's request must echo what was sent). The
reference is the same requests planned by ``mealplan.plan()`` in this process,
one after another, measured in the same run. The machine's cores and load
average are recorded, since a shared machine changes everything.

Goal (issue 14): p95 < 300 ms for a day at 4 clients, 0 errors, nothing lost.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.serving import running_server  # noqa: E402

LEVELS = (1, 4, 16)
DIETS = ("omnivore", "vegetarian", "pescatarian", "vegan")


def requests(n: int) -> list[dict[str, Any]]:
    """N distinct one-day requests (ages 19-80, both sexes, four diets)."""
    out = []
    for i in range(n):
        sex = "female" if i % 2 == 0 else "male"
        person: dict[str, Any] = {"age": 19 + (i * 7) % 62, "sex": sex}
        if sex == "female" and i % 10 == 4 and person["age"] < 45:
            person.update(pregnancy=True, trimester=2)
        out.append({"person": person, "diet": DIETS[(i // 2) % 4]})
    return out


def server_timing(header: str) -> dict[str, float]:
    """The server's Server-Timing header as {name: ms}, e.g. solve and wait."""
    out: dict[str, float] = {}
    for metric in header.split(","):
        name, _, rest = metric.strip().partition(";")
        if rest.startswith("dur="):
            out[name] = float(rest[4:])
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def run_level(url: str, batch: list[dict[str, Any]], clients: int) -> dict[str, Any]:
    todo = list(enumerate(batch))
    lock = threading.Lock()
    latencies: list[float] = []
    timings: list[dict[str, float]] = []
    errors: list[str] = []
    answered: dict[int, int] = {}

    def client() -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            while True:
                with lock:
                    if not todo:
                        return
                    index, body = todo.pop(0)
                began = time.perf_counter()
                try:
                    r = c.post("/v1/plans", json=body)
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"{index}: {type(exc).__name__}")
                    continue
                seconds = time.perf_counter() - began
                with lock:
                    latencies.append(seconds)
                    timings.append(server_timing(r.headers.get("server-timing", "")))
                    if r.status_code != 200:
                        errors.append(f"{index}: HTTP {r.status_code}")
                        continue
                    data = r.json()
                    answer = data.get(data.get("kind", ""), {})
                    echoed = answer.get("request", {}).get("person", {})
                    if data["kind"] == "plan" and echoed.get("age") != float(
                        body["person"]["age"]
                    ):
                        errors.append(f"{index}: answered for someone else")
                        continue
                    answered[index] = answered.get(index, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    lost = [i for i in range(len(batch)) if answered.get(i) != 1]
    split = {
        f"{part}_{q}_ms": round(percentile([t[part] for t in timings], p), 1)
        for part in ("solve", "wait")
        for q, p in (("p50", 0.50), ("p95", 0.95))
        if all(part in t for t in timings)
    }
    return {
        **split,
        "clients": clients,
        "requests": len(batch),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "throughput_per_s": round(len(batch) / wall, 2),
        "errors": errors,
        "lost": len(lost) - len(errors),
    }


def reference(batch: list[dict[str, Any]]) -> float:
    """Median seconds of plan() in this process for the same requests."""
    import mealplan

    table = mealplan.load_foods()
    mealplan.plan(batch[0], table)  # warm-up
    times = []
    for body in batch:
        began = time.perf_counter()
        # A request the solver cannot finish in time (SolverError, seen at
        # load 18) is timed as it is, like the server's answer to it.
        with contextlib.suppress(mealplan.InfeasiblePlanError, mealplan.SolverError):
            mealplan.plan(body, table)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def machine() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "loadavg_1_5_15": [round(x, 2) for x in load],
        "python": sys.version.split()[0],
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        ).stdout.strip(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=48, help="per level (48)")
    parser.add_argument("--workers", type=int, default=2, help="solver processes")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results"))
    args = parser.parse_args()
    batch = requests(args.requests)
    before = machine()
    ref = reference(batch)
    rows = []
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with running_server(
        out,
        "--workers",
        str(args.workers),
        "--queue",
        "64",
    ) as server:
        with httpx.Client(base_url=server.url, timeout=120) as c:  # warm-up
            for body in batch[: 2 * args.workers]:
                c.post("/v1/plans", json=body)
        for clients in LEVELS:
            rows.append(run_level(server.url, batch, clients))
    after = machine()
    ref_after = reference(batch)  # the machine's load drifts: measure it twice
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "workers": args.workers,
        "machine_before": before,
        "machine_after": after,
        "reference_plan_median_ms": round(ref * 1000, 1),
        "reference_plan_median_ms_after": round(ref_after * 1000, 1),
        "levels": rows,
    }
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"load-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"mealplan serve, {args.workers} solver workers, {args.requests} one-day "
        f"requests per level; {before['cores']} cores, load average "
        f"{before['loadavg_1_5_15']} before, {after['loadavg_1_5_15']} after."
    )
    print(
        f"Reference: plan() in-process, one at a time: median {ref * 1000:.0f} ms "
        f"before the load, {ref_after * 1000:.0f} ms after.\n"
    )
    print(
        "| clients | p50 ms | p95 ms | max ms | req/s | p50 / plan() | "
        "solve p50/p95 ms | wait p50/p95 ms | errors | lost |"
    )
    print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        print(
            f"| {r['clients']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{r['max_ms']:.0f} | {r['throughput_per_s']:.1f} | "
            f"{r['p50_ms'] / (ref * 1000):.2f} | "
            f"{r.get('solve_p50_ms', math.nan):.0f} / {r.get('solve_p95_ms', math.nan):.0f} | "
            f"{r.get('wait_p50_ms', math.nan):.0f} / {r.get('wait_p95_ms', math.nan):.0f} | "
            f"{len(r['errors'])} | {r['lost']} |"
        )
    bad = any(r["errors"] or r["lost"] for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
