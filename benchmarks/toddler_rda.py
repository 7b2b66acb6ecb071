#!/usr/bin/env python
"""Toddler days under the RDAs, and load.py's 48 days: the slow tail of one-day solves.

    python benchmarks/toddler_rda.py                       # main vs box, both tables
    python benchmarks/toddler_rda.py --settings main       # the baseline alone
    python benchmarks/toddler_rda.py --grid toddlers --dishes off

Plans, in this process (``mealplan.plan``: HiGHS runs in this process, so
``time.process_time`` counts its threads too):

- ``toddlers``: every toddler day, ages 1, 2 and 3 x both sexes x omnivore,
  vegetarian, pescatarian and vegan, under ``panel: "rda"`` (what ``auto``
  plans from age 4, and would plan at 1-3 with ``AUTO_RDA_FROM_AGE = 1``);
- ``load``: benchmarks/load.py's 48 one-day requests (adults, ``auto``),

on the bundled table without dishes and with the FNDDS dishes
(``load_foods(dishes=True)``), each day under every setting one right after
the other (interleaved, so machine load hits them alike). A setting is a set
of the optimiser's tail constants (see ``SETTINGS``): ``main`` is the code
before the CPU box (no stall on the widest restriction, no CPU box).

Per day: CPU and wall seconds, status, objective, gap, whether the request's
clock or the box stopped the search. Per setting: CPU median, p95, max; the
objective change per day against the first setting (the quality cost). The
load average is printed beside the numbers: on the shared 2-core VM wall
time moves 2-4x with it. Writes ``benchmarks/toddler_rda_latest.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from load import requests  # noqa: E402

DIETS = ("omnivore", "vegetarian", "pescatarian", "vegan")

# Optimiser constants per setting; a name the code does not have is skipped
# (so ``main`` runs on the code before the box too).
SETTINGS: dict[str, dict[str, Any]] = {
    "main": {
        "ONE_DAY_BOX_CPU_SECONDS": None,
        "_WIDE_STALL_SECONDS": None,
        "_GAP_TESTS_CPU_SECONDS": None,
    },
    "box": {},  # the code's own values
    "b0.5": {
        "ONE_DAY_BOX_CPU_SECONDS": 0.5,
        "_WIDE_STALL_SECONDS": 0.25,
        "_GAP_TESTS_CPU_SECONDS": 2.0,
    },
    "b1": {
        "ONE_DAY_BOX_CPU_SECONDS": 1.0,
        "_WIDE_STALL_SECONDS": 0.5,
        "_GAP_TESTS_CPU_SECONDS": 2.0,
    },
    "b2": {
        "ONE_DAY_BOX_CPU_SECONDS": 2.0,
        "_WIDE_STALL_SECONDS": 1.0,
        "_GAP_TESTS_CPU_SECONDS": 2.0,
    },
    "b1t": {
        "ONE_DAY_BOX_CPU_SECONDS": 1.0,
        "_WIDE_STALL_SECONDS": 0.5,
        "_GAP_TESTS_CPU_SECONDS": None,
    },
}


def toddler_days() -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            f"{age}y {sex} {diet}",
            {"person": {"age": age, "sex": sex}, "diet": diet, "panel": "rda"},
        )
        for age in (1, 2, 3)
        for sex in ("female", "male")
        for diet in DIETS
    ]


def load_days() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for i, r in enumerate(requests(48)):
        p = r["person"]
        who = f"#{i} {p['age']}y {p['sex']}{' pregnant' if p.get('pregnancy') else ''}"
        out.append((f"{who} {r['diet']}", r))
    return out


def apply(values: dict[str, Any], own: dict[str, Any]) -> None:
    import solver_knobs

    for name, value in own.items():
        solver_knobs.set_everywhere(name, values.get(name, value))


def one(request: dict[str, Any], table: Any) -> dict[str, Any]:
    import mealplan

    cpu0, wall0 = time.process_time(), time.perf_counter()
    try:
        p = mealplan.plan(request, foods=table)
        status, objective, gap = p.status.value, p.objective_value, p.gap
        notes = " ".join(p.notes)
        stopped = (
            "box" if "time box" in notes else "clock" if "time limit (" in notes else ""
        )
    except mealplan.MealPlanError as exc:
        status, objective, gap, stopped = type(exc).__name__, None, None, ""
    return {
        "cpu": time.process_time() - cpu0,
        "wall": time.perf_counter() - wall0,
        "status": status,
        "objective": objective,
        "gap": gap,
        "stopped": stopped,
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * q))]


def load_text() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.1f} / {b:.1f} / {c:.1f}"


def _cell(r: dict[str, Any]) -> str:
    obj = "-" if r["objective"] is None else f"{r['objective']:.3f}"
    gap = "" if r["gap"] is None else f", gap {r['gap'] * 100:.0f} %"
    stop = f", {r['stopped']}" if r["stopped"] else ""
    return f"{r['cpu']:.2f} / {r['wall']:.2f} s, {r['status']} {obj}{gap}{stop}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--settings", default="main,box")
    ap.add_argument("--grid", default="toddlers,load")
    ap.add_argument("--dishes", default="off,on")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--only", default="", help="a substring of the day's name")
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "toddler_rda_latest.md"
    )
    args = ap.parse_args(argv)

    import solver_knobs

    import mealplan

    own = {
        name: solver_knobs.get(name)
        for values in SETTINGS.values()
        for name in values
        if solver_knobs.has(name)
    }
    names = args.settings.split(",")
    began = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = [
        f"# Toddler days under the RDAs and load.py's 48 days ({began})",
        "",
        f"`python benchmarks/toddler_rda.py --settings {args.settings} --grid "
        f"{args.grid} --dishes {args.dishes} --time-limit {args.time_limit:g}`; "
        f"settings {', '.join(f'{n} {SETTINGS[n] or own}' for n in names)}. "
        f"Interleaved per day. Cells: CPU / wall, status, objective, gap, what "
        f"stopped the search. Load average (1/5/15 min) at the start: "
        f"{load_text()}, on 2 cores.",
        "",
    ]
    summary: list[str] = []
    for dishes in args.dishes.split(","):
        table = mealplan.load_foods(dishes=dishes == "on")
        apply({}, own)
        mealplan.plan({"person": {"age": 35, "sex": "female"}}, foods=table)  # warm-up
        for grid in args.grid.split(","):
            days = toddler_days() if grid == "toddlers" else load_days()
            days = [(n, r) for n, r in days if args.only in n]
            if not days:
                continue
            lines += [
                f"## {grid}, dishes {dishes}",
                "",
                "| day | " + " | ".join(names) + " |",
                "|---|" + "---|" * len(names),
            ]
            rows: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
            for who, request in days:
                req = {**request, "time_limit": args.time_limit}
                for n in names:
                    apply(SETTINGS[n], own)
                    rows[n].append(one(req, table))
                cells = " | ".join(_cell(rows[n][-1]) for n in names)
                lines.append(f"| {who} | {cells} |")
                print(lines[-1], f"load {os.getloadavg()[0]:.1f}", flush=True)
            apply({}, own)
            lines.append("")
            for n in names:
                cpu = [r["cpu"] for r in rows[n]]
                wall = [r["wall"] for r in rows[n]]
                plans = sum(r["objective"] is not None for r in rows[n])
                stops = [r["stopped"] for r in rows[n]]
                line = (
                    f"- {grid}, dishes {dishes}, **{n}**: {plans} of {len(cpu)} "
                    f"planned ({stops.count('clock')} at the clock, "
                    f"{stops.count('box')} at the box); CPU p50 {pct(cpu, 0.5):.2f}, "
                    f"p95 {pct(cpu, 0.95):.2f}, max {max(cpu):.2f} s, sum "
                    f"{sum(cpu):.1f} s; wall p50 {pct(wall, 0.5):.2f}, p95 "
                    f"{pct(wall, 0.95):.2f}, max {max(wall):.2f} s"
                )
                if n != names[0]:
                    base = rows[names[0]]
                    diffs = [
                        (r["objective"] - b["objective"], who)
                        for r, b, (who, _) in zip(rows[n], base, days, strict=True)
                        if r["objective"] is not None and b["objective"] is not None
                    ]
                    worse = [f"{w} +{d:.3f}" for d, w in diffs if d > 1e-6]
                    better = sum(d < -1e-6 for d, _ in diffs)
                    line += (
                        f"; objective vs {names[0]}: {len(worse)} worse "
                        f"({', '.join(worse) or '-'}), {better} better"
                    )
                lines.append(line + ".")
                summary.append(lines[-1])
            lines += [f"- Load after: {load_text()}.", ""]
            print("\n".join(lines[-len(names) - 2 :]), flush=True)
            args.out.write_text("\n".join(lines))
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
