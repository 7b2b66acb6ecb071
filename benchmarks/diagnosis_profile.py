"""Per-solve profile of one diagnosis: what each HiGHS call is for, and its cost.

    python benchmarks/diagnosis_profile.py [--only TEXT] [--time-limit S]

For each case of ``benchmarks/diagnosis.py`` (or those whose name contains
``--only``) it plans the infeasible request and prints one line per HiGHS
solve: the part of the diagnosis that asked for it (the innermost frames of
the diagnosis's own modules), LP or MILP, columns x rows, the solve's wall
and CPU seconds (this process, HiGHS's threads included), its status, node
count and options (cutoff, node limit), then the totals per part. Nothing
is asserted; say the load (printed) beside any number taken from it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections import defaultdict
from pathlib import Path
from typing import Any

import mealplan

sys.path.insert(0, str(Path(__file__).parent))
from diagnosis import CASES

_MODULES = (
    "_advice",
    "_advice_budget",
    "_advice_supplements",
    "_relax",
    "_oracle",
    "_planner",
    "_diagnose",
    "_results",
    "_cover",
    "_conflict",
    "_safety",
    "_weekly",
    "_first",
)


def _purpose() -> str:
    """The innermost diagnosis frames that led to this solve (outermost first)."""
    names = []
    for frame in traceback.extract_stack()[:-3]:
        mod = Path(frame.filename).stem
        if "mealplan" in frame.filename and mod.startswith(_MODULES):
            names.append(f"{mod}.{frame.name}")
    # Drop plan()'s own frames before the diagnosis began.
    for k, name in enumerate(names):
        if name.endswith((".with_advice", ".diagnose")):
            names = names[k:]
            break
    return " > ".join(dict.fromkeys(names[-4:]))


def profile(request: dict[str, Any], table: mealplan.FoodTable) -> None:
    from mealplan._backend_highs import HighsBackend

    rows: list[tuple[str, str, int, int, float, float, str, int, str]] = []
    solve = HighsBackend.solve

    def wrapper(self: Any, deadline: Any, options: Any) -> Any:
        wall, cpu = time.monotonic(), time.process_time()
        result = solve(self, deadline, options)
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        model = self._model
        mip = bool(model.is_mip)
        nodes = max(int(self._h.getInfo().mip_node_count), 0) if mip else 0
        opts = []
        if options.cutoff is not None and mip:
            opts.append(f"cutoff={options.cutoff:.3g}")
        if options.node_limit is not None and mip:
            opts.append(f"nodes<={options.node_limit}")
        if mip:
            opts.append(f"gap={options.mip_gap:g}")
        rows.append(
            (
                _purpose(),
                "MILP" if mip else "LP",
                model.num_cols,
                model.num_rows,
                wall,
                cpu,
                result.solver_status,
                nodes,
                " ".join(opts),
            )
        )
        return result

    HighsBackend.solve = wrapper  # type: ignore[method-assign]
    began, cpu = time.monotonic(), time.process_time()
    try:
        mealplan.plan(request, table)
        print("  (planned)")
    except mealplan.InfeasiblePlanError as exc:
        d = exc.diagnosis
        assert d is not None
        print(
            "  conflicts:",
            [(c.constraint, c.proven) for c in d.conflicts],
            "suggestions:",
            [(s.description[:60], s.verified) for s in d.suggestions],
        )
    finally:
        HighsBackend.solve = solve  # type: ignore[method-assign]
    wall, cpu = time.monotonic() - began, time.process_time() - cpu
    parts: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for purpose, kind, cols, nrows, w, c, status, nodes, opts in rows:
        print(
            f"  {w:6.3f}s {c:6.3f}cpu {kind:4} {cols:5}x{nrows:<5} {status:22.22} "
            f"n={nodes:<5} {opts:28} {purpose}"
        )
        part = parts[purpose.split(" > ")[-1] if purpose else "?"]
        part[0] += 1
        part[1] += w
        part[2] += c
    print(f"  total: {wall:.2f} s wall, {cpu:.2f} s CPU, {len(rows)} solves")
    for name, (n, w, c) in sorted(parts.items(), key=lambda kv: -kv[1][2]):
        print(f"    {name:45} {int(n):3} solves {w:6.2f} s {c:6.2f} cpu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args()
    table = mealplan.load_foods()
    mealplan.plan({"person": {"age": 35, "sex": "female"}}, table)  # warm up
    for name, request in CASES.items():
        if args.only not in name:
            continue
        if args.time_limit is not None:
            request = {**request, "time_limit": args.time_limit}
        print(f"{name} (load {os.getloadavg()[0]:.1f})", flush=True)
        profile(request, table)


if __name__ == "__main__":
    main()
