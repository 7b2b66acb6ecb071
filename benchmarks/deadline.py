#!/usr/bin/env python
"""How far past its time limit a request runs: the deadline's margin, per kind.

    python benchmarks/deadline.py                    # every kind at 2, 5, 10 s
    python benchmarks/deadline.py --load 11          # with 11 busy loops beside it
    python benchmarks/deadline.py --kinds "day: default" "7 days" --limits 2

For each request kind (a default day, a hard day that reaches the full MILP,
a $4 budget day, 3, 7 and 28 days, a 7-day plan with the FNDDS dishes, an
infeasible day's and a week's diagnosis, one and three days over the whole
SR28 table) and each time limit it runs ``plan()`` once in this process and records the
wall time from the call minus the limit (the **overrun**: what a caller
waits beyond the limit they asked for), the CPU time (this process and
HiGHS's threads), the status, and every solver call that ran past the
request's deadline or past its own time limit (``--trace`` prints them), so
the cause of an overrun is named. ``--load N`` starts N busy-loop processes
beside it for the run (killed at the end), so the margin is measured under
load too; the load average is written beside the numbers. Tables are
loaded before the clock starts (the SR28 one takes a minute). Nothing is
asserted. Writes ``benchmarks/deadline_latest.md`` and ``.json`` (or
``--out``).

``--compare DIR`` measures before/after: DIR holds another tree of the
package (``git archive <commit> | tar -x -C DIR``); each kind runs in a child
process on DIR's code ("before") and then in one on this tree's ("after"),
kind by kind, so load hits both alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SR28_DIR = REPO.parent / "shared" / "data" / "usda-sr-legacy"
# Not imported from load.py: it puts this tree first on sys.path, and
# --compare must run the other tree's package.

ADULT = {"age": 35, "sex": "female"}

# name -> (request without time_limit, table: "bundled" | "dishes" | "sr28")
KINDS: dict[str, tuple[dict[str, Any], str]] = {
    "day: default": ({"person": ADULT}, "bundled"),
    # load.py's request 27 (daily_tail_latest.md): every restriction fails
    # the gap test and the full MILP runs to the clock.
    "day: hard (full MILP)": (
        {"person": {"age": 22, "sex": "male"}, "diet": "vegetarian"},
        "bundled",
    ),
    "day: $4 budget": ({"person": ADULT, "budget_per_day": 4.0}, "bundled"),
    "3 days": ({"person": ADULT, "days": 3}, "bundled"),
    "7 days": ({"person": ADULT, "days": 7}, "bundled"),
    "28 days": ({"person": ADULT, "days": 28}, "bundled"),
    "7 days, dishes": ({"person": ADULT, "days": 7}, "dishes"),
    "diagnosis: day": (
        {"person": ADULT, "diet": "vegan", "allow_fortified": False},
        "bundled",
    ),
    "diagnosis: week ($1)": (
        {"person": ADULT, "budget_per_day": 1.0, "days": 7},
        "bundled",
    ),
    "day: SR28 table": ({"person": ADULT}, "sr28"),
    # Models of 260,000 columns: builds of 1-5 s on a loaded machine, so one
    # is in flight at the deadline (the day's plan ends before it on a fast one).
    "3 days: SR28 table": ({"person": ADULT, "days": 3}, "sr28"),
}

LIMITS = (2.0, 5.0, 10.0)


def load_text() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.1f} / {b:.1f} / {c:.1f}"


def busy(n: int) -> list[subprocess.Popen[bytes]]:
    """Start ``n`` busy-loop processes (the caller kills them)."""
    code = "while True:\n    pass\n"
    return [
        subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL)
        for _ in range(n)
    ]


class Trace:
    """Every HiGHS call of one request: when it started and ended, its limit."""

    def __init__(self) -> None:
        self.calls: list[dict[str, float]] = []
        self.deadline_at = 0.0
        self.began = 0.0

    def install(self) -> Callable[[], None]:
        from mealplan._backend_highs import HighsBackend

        inner: Callable[..., Any] = HighsBackend.solve
        trace = self

        def traced(backend: Any, deadline: Any, options: Any) -> Any:
            t0 = time.monotonic()
            mip = bool(backend._model is not None and backend._model.is_mip)
            h = backend._h
            result = None
            try:
                result = inner(backend, deadline, options)
                return result
            finally:
                t1 = time.monotonic()
                said = str(getattr(result, "solver_status", ""))
                trace.calls.append(
                    {
                        "start": t0 - trace.began,
                        "seconds": t1 - t0,
                        "limit": float(h.getOptionValue("time_limit")[1]),
                        "mip": float(mip),
                        "refused": float("not started" in said),
                        "abandoned": float("abandoned" in said),
                    }
                )

        HighsBackend.solve = traced  # type: ignore[method-assign, assignment]

        def undo() -> None:
            HighsBackend.solve = inner  # type: ignore[method-assign]

        return undo


def run_one(
    name: str, request: dict[str, Any], table: Any, limit: float
) -> dict[str, Any]:
    import mealplan

    trace = Trace()
    undo = trace.install()
    req = {**request, "time_limit": limit}
    cpu0 = time.process_time()
    trace.began = wall0 = time.monotonic()
    try:
        p = mealplan.plan(req, table)
        status = p.status.value
        detail = f"objective {p.objective_value:.3f}" if p.objective_value else ""
    except mealplan.InfeasiblePlanError as exc:
        status = "diagnosis"
        d = exc.diagnosis
        detail = ", ".join(c.constraint for c in d.conflicts) if d else "(none)"
    except mealplan.SolverError as exc:
        status = "SolverError"
        detail = str(exc)[:80]
    finally:
        wall = time.monotonic() - wall0
        cpu = time.process_time() - cpu0
        undo()
    # A call past its own limit: HiGHS did not stop on time. A call that
    # started after the deadline: Python started new work it had no time for.
    late = [
        c
        for c in trace.calls
        if not c.get("refused")
        and (c["seconds"] > c["limit"] + 0.05 or c["start"] + c["seconds"] > limit)
    ]
    last_end = max((c["start"] + c["seconds"] for c in trace.calls), default=0.0)
    return {
        "kind": name,
        "limit": limit,
        "wall": wall,
        "overrun": wall - limit,
        "cpu": cpu,
        "status": status,
        "detail": detail,
        "solves": len(trace.calls),
        "after_last_solve": wall - last_end,
        "late_solves": late,
        "load": os.getloadavg()[0],
        "package": str(Path(mealplan.__file__).parent),
    }


def tables(kinds: list[str]) -> dict[str, Any]:
    import mealplan

    wanted = {KINDS[k][1] for k in kinds}
    out: dict[str, Any] = {"bundled": mealplan.load_foods()}
    if "dishes" in wanted:
        out["dishes"] = mealplan.load_foods(dishes=True)
    if "sr28" in wanted:
        if SR28_DIR.is_dir():
            out["sr28"] = mealplan.FoodTable.from_sr28(SR28_DIR)
        else:
            print(f"{SR28_DIR} is absent: the SR28 kind is skipped", file=sys.stderr)
    return out


def markdown(rows: list[dict[str, Any]], args: argparse.Namespace, head: str) -> str:
    lines = [
        f"# The deadline's margin: wall time past the time limit ({head})",
        "",
        f"`python benchmarks/deadline.py {' '.join(sys.argv[1:])}`".rstrip(),
        "",
        f"{args.load} busy-loop processes beside it; load average at the start "
        f"{args.load_start}, at the end {load_text()}, on {os.cpu_count()} cores. "
        "Overrun: wall time from the call to its return minus the limit "
        "(negative: it ended early). After last solve: wall time after the "
        "last HiGHS call returned. Late solves: HiGHS calls that ran past "
        "their own time limit by over 50 ms or ended past the request's.",
        "",
        "| kind | limit | wall | overrun | CPU | status | solves | after last solve | late solves | load |",
        "|---|--:|--:|--:|--:|---|--:|--:|---|--:|",
    ]
    for r in rows:
        late = "; ".join(
            f"{'MILP' if c['mip'] else 'LP'} at {c['start']:.2f} s ran "
            f"{c['seconds']:.2f}/{c['limit']:.2f} s"
            + (" (abandoned)" if c.get("abandoned") else "")
            for c in r["late_solves"][:3]
        )
        lines.append(
            f"| {r['kind']} | {r['limit']:g} s | {r['wall']:.2f} s | "
            f"**{r['overrun']:+.2f} s** | {r['cpu']:.2f} s | {r['status']} | "
            f"{r['solves']} | {r['after_last_solve']:.2f} s | {late} | "
            f"{r['load']:.1f} |"
        )
    worst = max(rows, key=lambda r: r["overrun"], default=None)
    if worst is not None:
        lines += [
            "",
            f"Largest overrun: {worst['overrun']:+.2f} s ({worst['kind']}, "
            f"{worst['limit']:g} s limit).",
        ]
    return "\n".join(lines) + "\n"


def compare_markdown(
    rows: list[dict[str, Any]], args: argparse.Namespace, head: str
) -> str:
    lines = [
        f"# The deadline's margin, before and after ({head})",
        "",
        f"`python benchmarks/deadline.py {' '.join(sys.argv[1:])}`".rstrip(),
        "",
        f"Before: the tree in `{args.compare}`; after: this tree; each kind in "
        "a child process, before then after, kind by kind. "
        f"{args.load} busy-loop processes beside it; load average at the start "
        f"{args.load_start}, at the end {load_text()}, on {os.cpu_count()} cores. "
        "Overrun: wall time from the call to its return minus the limit "
        "(negative: it ended early); CPU: the process and HiGHS's threads.",
        "",
        "| kind | limit | overrun before | overrun after | CPU before | CPU after "
        "| status before | status after | load |",
        "|---|--:|--:|--:|--:|--:|---|---|--:|",
    ]
    pairs: dict[tuple[str, float], dict[str, dict[str, Any]]] = {}
    for r in rows:
        pairs.setdefault((r["kind"], r["limit"]), {})[r["side"]] = r
    worst: dict[str, float] = {}
    for (kind, limit), pair in pairs.items():
        b, a = pair.get("before"), pair.get("after")
        if b is None or a is None:
            continue
        for side, r in (("before", b), ("after", a)):
            worst[side] = max(worst.get(side, -1e9), r["overrun"])
        lines.append(
            f"| {kind} | {limit:g} s | {b['overrun']:+.2f} s | "
            f"**{a['overrun']:+.2f} s** | {b['cpu']:.2f} s | {a['cpu']:.2f} s | "
            f"{b['status']} | {a['status']} | {a['load']:.1f} |"
        )
    lines += [
        "",
        "Largest overrun: "
        + ", ".join(f"{side} {v:+.2f} s" for side, v in worst.items())
        + ".",
    ]
    return "\n".join(lines) + "\n"


def child_rows(
    kind: str, limits: list[float], base: Path | None, side: str
) -> list[dict[str, Any]]:
    """Run one kind in a child process on ``base``'s code (None: this tree's)."""
    env = dict(os.environ)
    if base is not None:
        env["PYTHONPATH"] = str(base)
    cmd = [sys.executable, __file__, "--child", "--kinds", kind, "--limits"]
    out = subprocess.run(
        [*cmd, *map(str, limits)], env=env, capture_output=True, text=True
    )
    for line in out.stdout.splitlines():
        if line.startswith("ROWS "):
            rows: list[dict[str, Any]] = json.loads(line[5:])
            for r in rows:
                r["side"] = side
                print(
                    f"{side:6} {kind:24} {r['limit']:4g} s  overrun "
                    f"{r['overrun']:+.2f}  cpu {r['cpu']:5.2f}  {r['status']:11} "
                    f"load {r['load']:.1f}",
                    flush=True,
                )
            return rows
    print(f"{side} {kind}: no rows\n{out.stderr[-2000:]}", file=sys.stderr)
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    parser.add_argument("--limits", nargs="+", type=float, default=list(LIMITS))
    parser.add_argument("--load", type=int, default=0, help="busy-loop processes")
    parser.add_argument("--trace", action="store_true", help="print late solves")
    parser.add_argument("--out", type=Path, default=None, help="markdown path")
    parser.add_argument("--compare", type=Path, help="another tree: before/after")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare is not None:
        compare(args)
        return
    import mealplan

    loaded = tables(args.kinds)
    # Warm up imports and HiGHS (a first solve loads the library).
    mealplan.plan({"person": ADULT, "time_limit": 10}, loaded["bundled"])
    hogs = busy(0 if args.child else args.load)
    args.load_start = load_text()
    rows = []
    try:
        time.sleep(1.0 if args.load else 0.0)
        for name in args.kinds:
            request, which = KINDS[name]
            if which not in loaded:
                continue
            for limit in args.limits:
                row = run_one(name, request, loaded[which], limit)
                rows.append(row)
                print(
                    f"{name:24} {limit:4g} s  wall {row['wall']:6.2f}  "
                    f"overrun {row['overrun']:+.2f}  cpu {row['cpu']:5.2f}  "
                    f"{row['status']:11} load {row['load']:.1f}",
                    flush=True,
                )
                if args.trace:
                    for c in row["late_solves"]:
                        print("    late:", c)
        if args.child:
            print("ROWS " + json.dumps(rows), flush=True)
            return
    finally:
        _stop(hogs)
    head = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _save(
        args,
        markdown(rows, args, head),
        {"when": head, "load": args.load, "rows": rows},
    )


def _stop(hogs: list[subprocess.Popen[bytes]]) -> None:
    """End the busy-loop processes started by :func:`busy`."""
    for p in hogs:
        p.kill()
    for p in hogs:
        p.wait()


def _save(args: argparse.Namespace, text: str, payload: dict[str, Any]) -> None:
    """Write the Markdown report and its JSON twin."""
    out = args.out or REPO / "benchmarks" / "deadline_latest.md"
    out.write_text(text)
    out.with_suffix(".json").write_text(
        json.dumps(payload, indent=1, sort_keys=True) + "\n"
    )
    print(f"wrote {out}")


def compare(args: argparse.Namespace) -> None:
    hogs = busy(args.load)
    args.load_start = load_text()
    rows: list[dict[str, Any]] = []
    try:
        time.sleep(1.0 if args.load else 0.0)
        for kind in args.kinds:
            rows += child_rows(kind, args.limits, args.compare.resolve(), "before")
            rows += child_rows(kind, args.limits, None, "after")
    finally:
        _stop(hogs)
    head = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _save(
        args,
        compare_markdown(rows, args, head),
        {"when": head, "load": args.load, "compare": True, "rows": rows},
    )


if __name__ == "__main__":
    main()
