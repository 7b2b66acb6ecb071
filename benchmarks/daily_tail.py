#!/usr/bin/env python
"""The daily plan's slow tail: load.py's 48 one-day requests, two settings interleaved.

    python benchmarks/daily_tail.py                  # 48 requests, limit 60 s
    python benchmarks/daily_tail.py --only 27 --time-limit 10
    python benchmarks/daily_tail.py --profiles       # run.py's daily profiles,
                                                     # the man of 22, first plans

Each request is planned twice in this process, one setting right after the
other, so machine load hits both alike: "before" as the code was (the gap
test on the LP support, then on the support + 60 foods, then that restriction
without the cutoff; ``_guided_start._WIDEN_STRUCTURED_FIRST = 0``), "after" with
the gap test on the support + 30 foods instead of + 60. (Session 5 compared the cutoff tests' node limit the same way.) For each it records CPU time (this
process and HiGHS's threads), wall time (from the call, so the request's
own set-up counts), the number of solves, the status and the objective, and
flags any request whose plan got worse. The load average is written beside
the numbers: on the shared 2-core VM wall time moves 2-4x with it. Writes
``benchmarks/daily_tail_latest.md``.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from load import requests  # noqa: E402

_solves: collections.Counter[str] = collections.Counter()


def _count_solves() -> None:
    from mealplan._backend_highs import HighsBackend

    inner: Callable[..., Any] = HighsBackend.solve

    def counted(*args: Any, **kwargs: Any) -> Any:
        _solves["n"] += 1
        return inner(*args, **kwargs)

    HighsBackend.solve = counted  # type: ignore[method-assign]


def one(request: dict[str, Any], table: Any, first: int) -> dict[str, Any]:
    import solver_knobs

    import mealplan

    solver_knobs.set_everywhere("_WIDEN_STRUCTURED_FIRST", first)
    _solves.clear()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    try:
        p = mealplan.plan(request, foods=table)
        status, objective = p.status.value, p.objective_value
    except mealplan.MealPlanError as exc:
        status, objective = type(exc).__name__, None
    return {
        "cpu": time.process_time() - cpu0,
        "wall": time.perf_counter() - wall0,
        "solves": _solves["n"],
        "status": status,
        "objective": objective,
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def load_text() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.1f} / {b:.1f} / {c:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--only", type=str, default="", help="indices, e.g. 3,27")
    ap.add_argument(
        "--profiles",
        action="store_true",
        help="run.py's daily profiles and the man of 22, each also as a first "
        "plan (mip_gap 1), instead of load.py's requests",
    )
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "daily_tail_latest.md"
    )
    args = ap.parse_args(argv)

    import solver_knobs

    import mealplan

    after_first = solver_knobs.get("_WIDEN_STRUCTURED_FIRST")
    _count_solves()
    table = mealplan.load_foods()
    mealplan.plan({"person": {"age": 35, "sex": "female"}}, foods=table)  # warm-up
    batch = requests(48)
    items = [
        (str(i), f"{r['person']['age']} {r['person']['sex']}", r["diet"], r)
        for i, r in enumerate(batch)
    ]
    if args.profiles:
        from run import PROFILES

        named = {**PROFILES, "vegetarian man 22": batch[27]}
        items = [
            (kind, name, r.get("diet", "omnivore"), {**r, **extra})
            for name, r in named.items()
            for kind, extra in (("best", {}), ("first", {"mip_gap": 1.0}))
        ]
    elif args.only:
        items = [items[int(i)] for i in args.only.split(",")]
    began = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = [
        f"# The daily tail: load.py's one-day requests, before/after ({began})",
        "",
        f"`python benchmarks/daily_tail.py --time-limit {args.time_limit:g}`; "
        "before: gap test on the support, then the support + 60 foods; after: "
        f"on the support, then + {after_first}. Interleaved per request. Load average "
        f"(1/5/15 min) at the start: {load_text()}, on 2 cores.",
        "",
        "| # | person | diet | CPU before | CPU after | wall before | wall after "
        "| solves | objective before | objective after |",
        "|--:|---|---|--:|--:|--:|--:|---|--:|--:|",
    ]
    rows: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    worse: list[str] = []
    for i, who, diet, request in items:
        req = {**request, "time_limit": args.time_limit}
        b = one(req, table, 0)
        a = one(req, table, after_first)
        rows["before"].append(b)
        rows["after"].append(a)
        ob, oa = b["objective"], a["objective"]
        if (oa is None and ob is not None) or (
            oa is not None and ob is not None and oa > ob + 1e-6
        ):
            worse.append(f"{i} ({who})")

        def obj(x: float | None, status: str) -> str:
            return status if x is None else f"{x:.3f} ({status})"

        lines.append(
            f"| {i} | {who} | {diet} | "
            f"{b['cpu'] * 1000:,.0f} ms | {a['cpu'] * 1000:,.0f} ms | "
            f"{b['wall'] * 1000:,.0f} ms | {a['wall'] * 1000:,.0f} ms | "
            f"{b['solves']} / {a['solves']} | {obj(ob, b['status'])} | "
            f"{obj(oa, a['status'])} |"
        )
        print(lines[-1], f"load {os.getloadavg()[0]:.1f}", flush=True)
    lines.append("")
    for key in ("before", "after"):
        cpu = [r["cpu"] * 1000 for r in rows[key]]
        wall = [r["wall"] * 1000 for r in rows[key]]
        lines.append(
            f"- **{key}**: CPU p50 {pct(cpu, 0.5):,.0f} ms, p95 {pct(cpu, 0.95):,.0f} "
            f"ms, max {max(cpu):,.0f} ms; wall p50 {pct(wall, 0.5):,.0f} ms, p95 "
            f"{pct(wall, 0.95):,.0f} ms, max {max(wall):,.0f} ms."
        )
    lines += [
        f"- Plans worse after: {worse or 'none'}.",
        f"- Load after: {load_text()}.",
        "",
    ]
    print("\n".join(lines[-5:]), flush=True)
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
