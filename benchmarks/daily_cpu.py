#!/usr/bin/env python
"""Daily plans measured in CPU time, for a machine too loaded for wall clocks.

    python benchmarks/daily_cpu.py              # profiles + load.py's 48 requests
    python benchmarks/daily_cpu.py --sr28       # also all of SR28 (meals=None)
    python benchmarks/daily_cpu.py --repeats 3

On the shared 2-core VM the load average ran at 8-18 while other sessions ran
their suites, and a plan's wall time was 3-7x its CPU time. CPU time (this
process and HiGHS's threads, ``time.process_time``) moves far less with the
load, so this script reports it, split into HiGHS (``HighsBackend.solve``),
model building (``formulate`` + ``HighsBackend.load``) and the rest (request,
targets, ``build_problem``, assembly), plus the number of solves per plan and
the wall time beside it. Writes ``benchmarks/daily_cpu_latest.md``.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from load import requests  # noqa: E402
from run import PROFILES, SR28_DIR, WOMAN  # noqa: E402

_acc: collections.defaultdict[str, float] = collections.defaultdict(float)


def _wrap(owner: Any, name: str, key: str) -> None:
    """Add the CPU seconds of ``owner.name`` to ``_acc[key]`` (and count calls)."""
    inner: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            _acc[key] += time.process_time() - began
            _acc[key + "_calls"] += 1

    setattr(owner, name, timed)


def instrument() -> None:
    from mealplan import _guided_start, _optimiser
    from mealplan._backend_highs import HighsBackend

    _wrap(HighsBackend, "solve", "solve")
    _wrap(HighsBackend, "load", "load")
    _wrap(_optimiser, "formulate", "formulate")
    _wrap(_guided_start, "formulate", "formulate")


def one(request: dict[str, Any], table: Any) -> dict[str, Any]:
    import mealplan

    _acc.clear()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    try:
        p = mealplan.plan(request, foods=table)
        status = p.status.value
        gap = p.gap
    except mealplan.MealPlanError as exc:
        status, gap = type(exc).__name__, None
    cpu = time.process_time() - cpu0
    build = _acc["formulate"] + _acc["load"]
    return {
        "cpu": cpu,
        "wall": time.perf_counter() - wall0,
        "solve": _acc["solve"],
        "build": build,
        "other": cpu - _acc["solve"] - build,
        "solves": _acc["solve_calls"],
        "status": status,
        "gap": gap,
    }


def med(rows: Sequence[dict[str, Any]], key: str) -> float:
    values: list[float] = [r[key] for r in rows]
    return statistics.median(values)


def ms(x: float) -> str:
    return f"{x * 1000:,.0f} ms"


def load_text() -> str:
    one_, five, fifteen = os.getloadavg()
    return f"{one_:.1f} / {five:.1f} / {fifteen:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--sr28", action="store_true", help="also all of SR28, meals=None")
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "daily_cpu_latest.md"
    )
    args = ap.parse_args(argv)

    import mealplan

    instrument()
    table = mealplan.load_foods()
    mealplan.plan({"person": WOMAN}, foods=table)  # warm-up (banner, caches)
    began = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = [
        f"# Daily plans in CPU time ({began})",
        "",
        "`python benchmarks/daily_cpu.py`: CPU time of this process and HiGHS's threads "
        "(medians); wall time beside it. Load average (1/5/15 min) at the start: "
        f"{load_text()}, on 2 cores.",
        "",
        "## The benchmark's daily profiles (bundled table, default options)",
        "",
        "| profile | CPU | HiGHS | build | other | solves | wall | status | gap |",
        "|---|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for name, req in PROFILES.items():
        rows = [one(dict(req), table) for _ in range(args.repeats)]
        last = rows[-1]
        gap = "-" if last["gap"] is None else f"{last['gap'] * 100:.2f} %"
        lines.append(
            f"| {name} | {ms(med(rows, 'cpu'))} | {ms(med(rows, 'solve'))} | "
            f"{ms(med(rows, 'build'))} | {ms(med(rows, 'other'))} | "
            f"{last['solves']} | {ms(med(rows, 'wall'))} | {last['status']} | {gap} |"
        )
        print(lines[-1], flush=True)
    lines += ["", f"Load after the profiles: {load_text()}.", ""]

    batch = requests(48)
    rows = [one({**r, "time_limit": 60.0}, table) for r in batch]
    cpus = sorted(r["cpu"] for r in rows)
    walls = sorted(r["wall"] for r in rows)
    slow = sorted(range(len(rows)), key=lambda i: -rows[i]["cpu"])[:5]
    lines += [
        "## load.py's 48 one-day requests, in this process (time limit 60 s)",
        "",
        f"CPU p50 {ms(cpus[len(cpus) // 2])}, p95 {ms(cpus[int(len(cpus) * 0.95)])}, "
        f"max {ms(cpus[-1])}; wall p50 {ms(walls[len(walls) // 2])}, "
        f"p95 {ms(walls[int(len(walls) * 0.95)])}. Solves per plan: "
        f"{dict(sorted(collections.Counter(r['solves'] for r in rows).items()))}.",
        "",
        "Slowest five (CPU): "
        + "; ".join(
            f"{batch[i]['person']['age']} {batch[i]['person']['sex']} "
            f"{batch[i]['diet']} {ms(rows[i]['cpu'])} ({rows[i]['solves']} solves)"
            for i in slow
        )
        + ".",
        "",
        f"Load after: {load_text()}.",
        "",
    ]
    print("\n".join(lines[-8:]), flush=True)

    if args.sr28 and SR28_DIR.is_dir():
        sr28 = mealplan.FoodTable.from_sr28(SR28_DIR)
        req = {"person": WOMAN, "meals": None, "time_limit": 60.0}
        r = one(req, sr28)
        gap = "-" if r["gap"] is None else f"{r['gap'] * 100:.2f} %"
        lines += [
            "## All 8,789 SR28 foods, one day, meals=None",
            "",
            f"CPU {ms(r['cpu'])} (HiGHS {ms(r['solve'])}, build {ms(r['build'])}, "
            f"other {ms(r['other'])}), {r['solves']} solves, wall {ms(r['wall'])}; "
            f"status {r['status']}, gap {gap}. Load after: {load_text()}.",
            "",
        ]
        print(lines[-2], flush=True)
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
