#!/usr/bin/env python
"""Toddler days: 'limits', the default 'auto' (limits and iron's RDA), 'rda'.

    python benchmarks/toddler_iron.py [--time-limit 30] [--out FILE]

Every toddler day (ages 1, 2 and 3 x both sexes x four diets) planned under
the three panel settings one right after the other (interleaved, so a
change in the machine's load hits all three alike), on the default table.
Reports each day's CPU, status and objective, its iron against the 7 mg RDA
and which panel minimums it misses, then the CPU median, p95, max and sum per
setting. Session 13 (issue 12) made 'auto' plan iron's RDA at ages 1-3;
this is the measurement that decision rests on.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import mealplan  # noqa: E402
from mealplan._panel import panel_bounds  # noqa: E402

SETTINGS: dict[str, dict[str, Any]] = {
    "limits": {"panel": "limits"},
    "auto (limits + iron)": {},
    "rda": {"panel": "rda"},
}
DIETS = ("omnivore", "vegetarian", "pescatarian", "vegan")


def _days() -> list[dict[str, Any]]:
    return [
        {"person": {"age": age, "sex": sex}, "diet": diet}
        for age in (1, 2, 3)
        for sex in ("female", "male")
        for diet in DIETS
    ]


def _short(plan: mealplan.MealPlan) -> list[str]:
    """The panel minimums the plan's first day misses, with their share."""
    assert plan.request.person is not None
    refs = {b.nutrient: b for b in panel_bounds(plan.request.person, [])}
    out = []
    for total in plan.days[0].totals:
        ref = refs.get(total.nutrient)
        if ref is None or not ref.minimum or total.amount >= ref.minimum * 0.999:
            continue
        out.append(f"{total.nutrient} {100 * total.amount / ref.minimum:.0f}%")
    return out


def _one(request: dict[str, Any]) -> tuple[float, str, float | None, list[str]]:
    began = time.process_time()
    try:
        plan = mealplan.plan(request)
    except mealplan.MealPlanError as exc:
        return time.process_time() - began, type(exc).__name__, None, []
    cpu = time.process_time() - began
    iron = plan.days[0].total("iron_mg").amount
    return cpu, f"{plan.status.value} {plan.objective_value:.3f}", iron, _short(plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    mealplan.plan({"person": {"age": 2, "sex": "female"}})  # warm the caches
    lines = [
        f"# `benchmarks/toddler_iron.py --time-limit {args.time_limit:g}`",
        "",
        f"Load average at the start: {os.getloadavg()}, on {os.cpu_count()} cores. "
        "Cells: CPU s, status and objective, iron mg (RDA 7 mg).",
        "",
        "| day | " + " | ".join(SETTINGS) + " |",
        "|---|" + "---|" * len(SETTINGS),
    ]
    cpu: dict[str, list[float]] = {name: [] for name in SETTINGS}
    short_iron: dict[str, int] = dict.fromkeys(SETTINGS, 0)
    missed: dict[str, list[str]] = {name: [] for name in SETTINGS}
    for day in _days():
        cells = []
        for name, extra in SETTINGS.items():
            seconds, status, iron, short = _one(
                {**day, "time_limit": args.time_limit, **extra}
            )
            cpu[name].append(seconds)
            if iron is not None and iron < 7.0 * 0.999:
                short_iron[name] += 1
            missed[name] += [s.split()[0] for s in short]
            shown = "-" if iron is None else f"{iron:.1f}"
            cells.append(f"{seconds:.2f} s, {status}, iron {shown}")
        who = day["person"]
        lines.append(
            f"| {who['age']}y {who['sex']} {day['diet']} | " + " | ".join(cells) + " |"
        )
        print(lines[-1], flush=True)
    lines += ["", "| setting | CPU median | p95 | max | sum | days short of iron |"]
    lines.append("|---|--:|--:|--:|--:|--:|")
    for name, values in cpu.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        lines.append(
            f"| {name} | {statistics.median(values):.2f} | {p95:.2f} | "
            f"{max(values):.2f} | {sum(values):.1f} | {short_iron[name]} |"
        )
    lines.append("")
    for name, names in missed.items():
        counts = {n: names.count(n) for n in sorted(set(names))}
        shown = ", ".join(f"{n} {c}" for n, c in counts.items()) or "none"
        lines.append(f"- {name}: days short of a panel minimum, by nutrient: {shown}.")
    lines.append("")
    lines.append(f"Load average at the end: {os.getloadavg()}.")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
