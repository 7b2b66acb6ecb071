#!/usr/bin/env python
"""What the LP relaxation's gap is made of, on the days whose gap test fails.

    python benchmarks/bound_gap.py --only 11,27,45
    python benchmarks/bound_gap.py --only 19 --panel full --time-limit 120

For each of ``benchmarks/load.py``'s one-day requests named: the LP bound
(what the guided start's gap test compares plans with), HiGHS's root bound of
the full MILP after its presolve and cuts (node limit 1), and the optimum (or
best plan and bound at the time limit) of the model with only some columns
integer:

- ``y-int``: only the ``y`` binaries (portions continuous);
- ``v-int``: only the portions (``v`` and whole-unit columns; ``y`` continuous);
- ``y-int cap+1``: as ``y-int`` with ``max_foods`` one higher;
- ``y-int -<block>``: as ``y-int`` without that block's rows.

When ``y-int`` is near the MILP's plans and ``v-int`` near the LP, the gap is
the binaries' fractions; the drops and the cap show which rows make them
costly. One JSON line per measure on stdout, the load average beside. Run it
niced: each MILP may use its whole time limit.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from load import requests  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="11", help="comma-separated day numbers")
    ap.add_argument("--panel", default="")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument(
        "--drop",
        default="max_foods,meal_part,one_meal",
        help="blocks to drop one at a time from the y-int model",
    )
    args = ap.parse_args()

    import mealplan
    from mealplan._arrays import Block, Model
    from mealplan._backend import SolveOptions
    from mealplan._backend_highs import HighsBackend
    from mealplan._deadline import Deadline
    from mealplan._formulation import formulate
    from mealplan._planner import parse_request, resolve_targets
    from mealplan._problem import build_problem

    def lp_bound(model: Model) -> float | None:
        relaxed = dataclasses.replace(
            model, integrality=np.zeros_like(model.integrality)
        )
        backend = HighsBackend()
        backend.load(relaxed)
        return backend.solve(
            Deadline(60), SolveOptions(presolve=False, interruptible=False)
        ).objective

    def milp(model: Model, nodes: int | None = None) -> dict[str, Any]:
        backend = HighsBackend()
        backend.load(model)
        cpu = time.process_time()
        result = backend.solve(
            Deadline(args.time_limit),
            SolveOptions(mip_gap=1e-4, abs_gap=0.0, node_limit=nodes),
        )
        return {
            "plan": result.objective,
            "bound": result.bound,
            "cpu": round(time.process_time() - cpu, 2),
            "time_limited": result.time_limited,
        }

    def only(model: Model, mask: np.ndarray) -> Model:
        return dataclasses.replace(model, integrality=model.integrality & mask)

    def without(model: Model, block: Block) -> Model:
        keep = [r for r, b in enumerate(model.row_block) if b is not block]
        starts, ends = model.indptr[keep], model.indptr[np.array(keep) + 1]
        pieces = [np.arange(s, e) for s, e in zip(starts, ends, strict=True)]
        at = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(len(keep) + 1, dtype=np.int32)
        np.cumsum(ends - starts, out=indptr[1:])
        return dataclasses.replace(
            model,
            indptr=indptr,
            indices=model.indices[at],
            data=model.data[at],
            row_lower=model.row_lower[keep],
            row_upper=model.row_upper[keep],
            row_block=tuple(model.row_block[r] for r in keep),
            row_group=tuple(model.row_group[r] for r in keep),
        )

    table = mealplan.load_foods()
    for i in [int(x) for x in args.only.split(",")]:
        req: dict[str, Any] = dict(requests(48)[i])
        if args.panel:
            req["panel"] = args.panel
        parsed = parse_request(req)
        problem = build_problem(parsed, resolve_targets(parsed, table), table)
        model = formulate(problem)
        y = np.zeros(model.num_cols, dtype=bool)
        y[model.y_cols[model.y_cols >= 0]] = True
        who = f"{i} {req['person']['age']} {req['person']['sex']} {req['diet']}"

        def emit(measure: str, lp: float | None, who: str = who, **found: Any) -> None:
            line = {"day": who, "panel": args.panel or "limits", "measure": measure}
            line["lp"] = lp
            line.update(found)
            line["load"] = round(os.getloadavg()[0], 1)
            print(json.dumps(line), flush=True)

        lp = lp_bound(model)
        emit("root (node limit 1)", lp, **milp(model, nodes=1))
        emit("y-int", lp, **milp(only(model, y)))
        emit("v-int", lp, **milp(only(model, ~y)))
        if problem.max_foods is not None:
            wider = formulate(
                dataclasses.replace(problem, max_foods=problem.max_foods + 1)
            )
            wy = np.zeros(wider.num_cols, dtype=bool)
            wy[wider.y_cols[wider.y_cols >= 0]] = True
            emit("y-int cap+1", lp_bound(wider), **milp(only(wider, wy)))
        for name in filter(None, args.drop.split(",")):
            dropped = without(only(model, y), Block(name))
            emit(f"y-int -{name}", lp_bound(dropped), **milp(dropped))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
