#!/usr/bin/env python
"""Which added panel minimums make the ``full`` panel slow, person by person.

``full`` adds to ``rda`` the minimums of the nutrients with only an AI at the
person's life stage (vitamin K, manganese, pantothenic acid, choline,
linoleic and alpha-linolenic acid) and the sodium AI as a floor. For each
person this plans, interleaved in one process (CPU: ``time.process_time``):
``rda``; ``rda`` plus one added minimum at a time (a caller's bound with the
AI's value); ``full``; ``full`` without one added minimum at a time (its
minimum overridden to 0). Read the ratios to ``rda`` and the load beside.

    python benchmarks/panel_bisect.py --people "29 male,35 male vegan"
    python benchmarks/panel_bisect.py --ways add --limit 10 --out FILE
    python benchmarks/panel_bisect.py --variants "limits,rda,full,full-choline"
    python benchmarks/panel_bisect.py --realism --variants "limits,full-choline"

``--variants`` replaces the bisection by named variants: a panel mode, then
``-name`` to drop that added minimum (a prefix of its column: ``choline``,
``sodium``) or ``+name`` to add one (``rda+choline``); the first variant is
the reference of the ratio column.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from panel_default import PEOPLE  # noqa: E402

import mealplan  # noqa: E402


def added(person: dict[str, Any], than: str = "rda") -> dict[str, float]:
    """Nutrient column -> minimum that ``full`` plans and ``than`` does not."""
    who = mealplan.Person(**person)
    rda = {b.nutrient: b.minimum for b in mealplan.targets_for(who, panel=than).bounds}
    full = mealplan.targets_for(who, panel="full").bounds
    return {
        b.nutrient: b.minimum
        for b in full
        if b.minimum is not None and rda.get(b.nutrient) is None
    }


def _load() -> tuple[float, ...]:
    return tuple(round(x, 1) for x in os.getloadavg())


def named(
    variant: str, base: dict[str, Any], extra: dict[str, float]
) -> dict[str, Any]:
    """The request of a named variant ("full-choline", "rda+sodium")."""
    mode, *changes = re.split(r"(?=[+-])", variant)
    bounds: dict[str, dict[str, float]] = {}
    for change in changes:
        for column, value in extra.items():
            if column.startswith(change[1:]):
                bounds[column] = {"minimum": value if change[0] == "+" else 0.0}
    return {**base, "panel": mode, "bounds": bounds}


def timed(body: dict[str, Any]) -> tuple[float, float, str]:
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        plan = mealplan.plan(body)
        gap = "-" if plan.gap is None else f"{plan.gap:.3f}"
        what = f"{plan.status.value}, gap {gap}"
    except mealplan.MealPlanError as exc:
        what = type(exc).__name__
    return time.process_time() - cpu, time.perf_counter() - wall, what


def main() -> None:
    """Print one Markdown row per plan."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="")
    parser.add_argument("--ways", default="add,drop")
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--variants", default="")
    parser.add_argument(
        "--realism",
        action="store_true",
        help="benchmarks/realism.py's one-day personas instead of panel_default's",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from realism import PERSONAS

    pool = (
        [(n, r) for n, r in PERSONAS if r.get("days", 1) == 1]
        if args.realism
        else PEOPLE
    )
    people = [
        p
        for p in pool
        if not args.people or any(p[0].startswith(x) for x in args.people.split(","))
    ]
    lines: list[str] = []

    def add(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    mealplan.plan({"person": {"age": 30, "sex": "female"}})  # warm caches
    add(f"load before: {_load()}")
    add("")
    add("| request | variant | CPU s | wall s | result | CPU / first variant |")
    add("|---|---|---|---|---|---|")
    for name, request in people:
        extra = added(request["person"])
        base = {**request, "time_limit": args.limit}
        runs: list[tuple[str, dict[str, Any]]] = [("rda", {**base, "panel": "rda"})]
        if args.variants:
            every = added(request["person"], "limits")
            runs = [(v, named(v, base, every)) for v in args.variants.split(",")]
        elif "add" in args.ways:
            runs += [
                (f"rda + {n}", {**base, "panel": "rda", "bounds": {n: {"minimum": v}}})
                for n, v in extra.items()
            ]
        if not args.variants:
            runs.append(("full", {**base, "panel": "full"}))
        if "drop" in args.ways and not args.variants:
            runs += [
                (
                    f"full - {n}",
                    {**base, "panel": "full", "bounds": {n: {"minimum": 0.0}}},
                )
                for n in extra
            ]
        ref = None
        for label, body in runs:
            cpu, wall, what = timed(body)
            ref = cpu if ref is None else ref
            add(
                f"| {name} | {label} | {cpu:.2f} | {wall:.2f} | {what} | {cpu / ref:.1f} |"
            )
    add("")
    add(f"load after: {_load()}")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
