#!/usr/bin/env python
"""Why the whole DRI panel is slow under the meal structure: one row set at a time.

For each request (person x diet) and panel mode, builds the day's Problem
exactly as ``mealplan.plan`` does, then solves it with the product's
strategy (``mealplan._optimiser.solve``, default tolerance) in variants that
each remove one suspect:

* ``current``: the product's model;
* ``no-seed``: the structure's seeded preference (up to ``SEED_WEIGHT`` =
  0.3 per serving, per base food, a charge in the objective) removed; the
  seed only orders exact ties (the per-food tie-break); every variant keeps
  the product's tolerance (``abs_tolerance`` of the seeded model, 0.3);
* ``no-whole``: countable foods no longer in whole portions;
* ``no-max-foods``: the 12-foods-a-day cap removed;
* ``no-meal-caps``: the grams-per-meal and items-per-role caps removed;
* ``lexi``: the day without the seed charge first (its plan and its proven
  bound B), then one short pass (``LEXI_NODES`` nodes, started from that plan)
  with the seed charge back, over that plan's foods and the seeded LP's,
  under a row keeping the unseeded objective within the tolerance of B: the
  plan stays proven in the unseeded objective, the seed picks among such
  plans (another candidate design);
* ``thinned``: no seed charge; instead the seed keeps each base food with
  probability ``--keep`` (pins and likes always) and the day is planned
  within the kept foods, falling back to every food when that has no plan.
  A candidate design (not in the product): variety from a per-person menu
  instead of random prices.

It prints CPU seconds (``time.process_time``: HiGHS runs in this process),
wall seconds, status, objective, bound, whether the request's clock ran out,
each variant's median CPU ratio to ``limits``/``current`` over the same
requests, and the foods most shared between the plans (variety). Read
ratios, not seconds, and the load printed beside them.

    python benchmarks/panel_why.py                       # all variants, both modes
    python benchmarks/panel_why.py --variants current,no-seed --modes full
    python benchmarks/panel_why.py --out benchmarks/panel_why_latest.md
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import mealplan  # noqa: E402
from mealplan._arrays import Model  # noqa: E402
from mealplan._backend import SolveOptions  # noqa: E402
from mealplan._backend_highs import HighsBackend  # noqa: E402
from mealplan._deadline import Deadline  # noqa: E402
from mealplan._formulation import formulate  # noqa: E402
from mealplan._optimiser import (  # noqa: E402
    Solution,
    SolveStatus,
    solve,
)
from mealplan._planner import (  # noqa: E402
    parse_request,
    resolve_targets,
)
from mealplan._problem import Problem, Restrictions, build_problem  # noqa: E402
from mealplan._solution import abs_tolerance  # noqa: E402
from mealplan._sources import widen_variety_for_sole_sources  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
from day_grid import PANEL_REQUESTS, run_grid  # noqa: E402

VARIANTS = [
    "current",
    "no-seed",
    "no-whole",
    "no-max-foods",
    "no-meal-caps",
    "thinned",
    "lexi",
]
LEXI_NODES = 50
"""Branch-and-bound nodes the ``lexi`` variant's seeded pass may spend."""


def build(request: dict[str, Any], foods: Any, bans: tuple[str, ...] = ()) -> Problem:
    """Build the Problem ``plan()`` would solve for a one-day request."""
    req = parse_request(request)
    targets = resolve_targets(req, foods)
    wider, _ = widen_variety_for_sole_sources(req, targets, foods)
    return build_problem(
        req,
        targets,
        foods,
        restrictions=Restrictions(
            wider_days=tuple(sorted(wider.items())),
            bans=tuple((None, None, fid) for fid in bans),
        ),
    )


def unseeded(problem: Problem) -> Problem:
    """The problem without the seed charge; the seed orders exact ties."""
    s = problem.structure
    assert s is not None
    assert s.jitter is not None
    return dataclasses.replace(
        problem, tie=s.jitter, structure=dataclasses.replace(s, jitter=None)
    )


def variant(problem: Problem, name: str) -> Problem:
    s = problem.structure
    assert s is not None
    if name == "no-seed":
        return unseeded(problem)
    if name == "no-whole":
        return dataclasses.replace(
            problem, structure=dataclasses.replace(s, whole=None)
        )
    if name == "no-max-foods":
        return dataclasses.replace(problem, max_foods=None)
    if name == "no-meal-caps":
        return dataclasses.replace(
            problem, structure=dataclasses.replace(s, meal_caps=())
        )
    return problem


def thinned(
    request: dict[str, Any], foods: Any, problem: Problem, keep: float, limit: float
) -> Solution:
    """Plan within the seed's kept foods, else within every food (no seed charge)."""
    s = problem.structure
    assert s is not None
    assert s.jitter is not None
    kept = s.jitter < keep
    if s.like is not None:
        kept |= s.like > 0
    pinned = {f for f, _, _ in problem.pins}
    out = tuple(
        fid for i, fid in enumerate(problem.food_ids) if not kept[i] and i not in pinned
    )
    began = time.perf_counter()
    small = build(request, foods, bans=out)
    sol = solve(
        unseeded(small),
        time_limit=limit,
        mip_gap=1e-4,
        abs_gap=abs_tolerance(problem),
    )
    if sol.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return sol
    left = max(limit - (time.perf_counter() - began), 0.1)
    return solve(
        unseeded(problem), time_limit=left, mip_gap=1e-4, abs_gap=abs_tolerance(problem)
    )


def with_row(model: Model, coefs: np.ndarray, upper: float) -> Model:
    """Return ``model`` with one more row: ``coefs . x <= upper``."""
    nz = np.flatnonzero(coefs)
    return dataclasses.replace(
        model,
        indptr=np.append(model.indptr, model.indptr[-1] + len(nz)).astype(
            model.indptr.dtype
        ),
        indices=np.concatenate([model.indices, nz]).astype(model.indices.dtype),
        data=np.concatenate([model.data, coefs[nz]]),
        row_lower=np.append(model.row_lower, -np.inf),
        row_upper=np.append(model.row_upper, upper),
        row_block=(*model.row_block, model.row_block[0]),
        row_group=(*model.row_group, None),
    )


def lexi(problem: Problem, limit: float) -> tuple[Solution, float | None]:
    """The ``lexi`` variant; returns the plan and its unseeded objective."""
    began = time.perf_counter()
    tolerance = abs_tolerance(problem)
    real = unseeded(problem)
    first = solve(real, time_limit=limit, mip_gap=1e-4, abs_gap=tolerance)
    if not first.units or first.bound is None or first.objective is None:
        return first, first.objective
    budget = max(first.bound + tolerance, first.objective)
    relaxed = formulate(problem, relax=True)
    costs = formulate(real, relax=True).col_cost
    backend = HighsBackend()
    backend.load(with_row(relaxed, costs, budget))
    left = Deadline(max(limit - (time.perf_counter() - began), 0.1))
    lp = backend.solve(left, SolveOptions(presolve=False))
    foods = {f for (_, _, f) in first.units}
    if lp.x is not None:
        k = len(relaxed.keys)
        foods |= {
            int(f)
            for f, u in zip(relaxed.keys[:, 2], lp.x[:k], strict=True)
            if u > 1e-6
        }
    seeded = formulate(problem, foods=foods)
    model = with_row(seeded, formulate(real, foods=foods).col_cost, budget)
    backend = HighsBackend()
    backend.load(model)
    backend.set_start(model.start_vector(first.units))
    result = backend.solve(
        left,
        SolveOptions(mip_gap=1e-4, abs_gap=tolerance, node_limit=LEXI_NODES),
    )
    if result.x is None:
        return first, first.objective
    k = len(model.keys)
    units = {
        (int(d), int(m), int(f)): float(round(u))
        for (d, m, f), u in zip(model.keys.tolist(), result.x[:k].tolist(), strict=True)
        if u > 1e-6
    }
    real_objective = float(formulate(real, foods=foods).col_cost @ result.x)
    plan = Solution(
        first.status,
        units=units,
        objective=real_objective,
        bound=first.bound,
        time_limited=first.time_limited or result.time_limited,
    )
    return plan, real_objective


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--modes", default="limits,full")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--keep", type=float, default=0.5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    foods = mealplan.load_foods()
    mealplan.plan({"person": {"age": 35, "sex": "female"}}, foods)  # warm up
    eaten: dict[tuple[str, str], Counter[str]] = {}

    def run(base: Problem, body: dict[str, Any], name: str) -> tuple[Problem, Solution]:
        if name == "thinned":
            return base, thinned(body, foods, base, args.keep, args.time_limit)
        if name == "lexi":
            return base, lexi(base, args.time_limit)[0]
        # The seed's tolerance for every variant (without a seed charge
        # abs_tolerance would fall to 0.02).
        return base, solve(
            variant(base, name),
            time_limit=args.time_limit,
            mip_gap=1e-4,
            abs_gap=abs_tolerance(base),
        )

    def describe(
        who: str,
        body: dict[str, Any],
        mode: str,
        name: str,
        result: tuple[Problem, Solution],
    ) -> list[str]:
        base, sol = result
        ids = {base.food_ids[f] for (_, _, f) in sol.units}
        eaten.setdefault((mode, name), Counter()).update(ids)
        return [
            sol.status.value,
            "-" if sol.objective is None else f"{sol.objective:.3f}",
            "-" if sol.bound is None else f"{sol.bound:.3f}",
            "yes" if sol.time_limited else "no",
        ]

    grid = run_grid(
        PANEL_REQUESTS,
        args.modes.split(","),
        args.variants.split(","),
        time_limit=args.time_limit,
        columns="status | objective | bound | clock ran out",
        prepare=lambda body: build(body, foods),
        run=run,
        describe=describe,
    )
    lines = grid.lines
    lines.append("| panel | variant | median CPU s | median ratio to limits/current |")
    lines.append("|---|---|---|---|")
    for (mode, name), values in grid.cpu.items():
        ratio = grid.median_ratio((mode, name), ("limits", "current"))
        lines.append(f"| {mode} | {name} | {statistics.median(values):.2f} | {ratio} |")
    lines.append("")
    lines.append("Foods most shared between the plans (variety):")
    for (mode, name), counts in eaten.items():
        top = ", ".join(
            f"{fid} {n}/{len(PANEL_REQUESTS)}" for fid, n in counts.most_common(3)
        )
        lines.append(f"- {mode} {name}: {top}")
    grid.finish(args.out)


if __name__ == "__main__":
    main()
