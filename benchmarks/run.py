#!/usr/bin/env python
"""Benchmarks for mealplan: one entry point, a table on stdout, JSON on disk.

    python benchmarks/run.py            # full run (< 10 min on a 2-core VM)
    python benchmarks/run.py --quick    # seconds-long smoke run
    python benchmarks/run.py --out DIR  # where <timestamp>.json/.md go
    python benchmarks/run.py --weekly   # the multi-day part only, with the
                                        # column generation's rounds; updates
                                        # the weekly rows of latest.md

Every figure that matters is also given as a ratio against a reference
measured in the same run: the very same MILP (``_optimiser.write_mps``) solved
by bare highspy (only ``Highs.run()`` timed) and by PuLP's bundled CBC binary
(the whole ``cbc file.mps`` process timed), with plan()'s time limit and gaps.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SR28_DIR = SHARED / "data" / "usda-sr-legacy"
ABS_GAP_FALLBACK = 0.02

# Goals from the solver-core issue (10): (key, text, limit, unit).
GOALS: list[tuple[str, str, float, str]] = [
    (
        "daily_vs_bare",
        "daily plan (bundled): end-to-end plan() / fastest bare solve of its MILP",
        1.2,
        "x",
    ),
    ("daily_median", "daily plan (bundled): end-to-end median", 0.060, "s"),
    (
        "daily_overhead_share",
        "daily plan: (model build + result extraction) / end-to-end",
        0.20,
        "share",
    ),
    ("sr28_optimal", "daily plan over all 8,789 SR28 foods, optimal", 2.0, "s"),
    (
        "weekly_first_feasible",
        "7 days, 4 meal slots, variety: first feasible plan",
        1.0,
        "s",
    ),
    ("weekly_within_1pct", "7 days, 4 meal slots, variety: within 1 % gap", 10.0, "s"),
    ("month_within_2pct", "28 days, 4 meal slots, variety: within 2 % gap", 60.0, "s"),
    ("import_and_load", "import mealplan + load bundled table (cold)", 0.250, "s"),
    ("cli_plan", "CLI 'mealplan plan' for a default day, wall clock", 1.0, "s"),
]


# --------------------------------------------------------------------- helpers


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median(xs: Sequence[float]) -> float | None:
    vals = [x for x in xs if x is not None and math.isfinite(x)]
    return statistics.median(vals) if vals else None


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return a / b


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s"


def fmt_x(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def fmt_pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.2f} %"


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence the C-level stdout (highspy's banner, CBC chatter)."""
    sys.stdout.flush()
    fd = sys.stdout.fileno()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def versions() -> dict[str, Any]:
    out: dict[str, Any] = {"python": platform.python_version()}
    for dist in ("pulp", "highspy", "pandas", "numpy", "pydantic", "mealplan"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = None
    try:
        out["mealplan_commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "mealplan"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        out["mealplan_dirty"] = bool(dirty)
    except (OSError, subprocess.CalledProcessError):
        out["mealplan_commit"] = None
    try:
        out["cbc_path"] = cbc_path()
        out["cbc"] = cbc_version()
    except Exception:  # pragma: no cover - informative only
        out["cbc"] = None
    return out


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024**2, 1)
    usable: int | None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    load = None
    with contextlib.suppress(OSError):
        load = os.getloadavg()[0]
    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gb": mem_gb,
        "platform": platform.platform(),
        "load_avg_1min_at_start": load,
    }


def cbc_path() -> str:
    import pulp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return str(Path(pulp.PULP_CBC_CMD().path).resolve())


def cbc_version() -> str | None:
    try:
        out = subprocess.run(
            [cbc_path(), "-quit"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"Version:\s*(\S+)", out)
    return m.group(1) if m else None


def abs_gap() -> float:
    try:
        from mealplan._solution import _ABS_GAP

        return float(_ABS_GAP)
    except ImportError:  # pragma: no cover
        return ABS_GAP_FALLBACK


def rel_gap(req: Any) -> float:
    try:
        from mealplan._plan_search import plan_gap

        return float(plan_gap(req))
    except ImportError:  # pragma: no cover
        return 1e-4 if req.days == 1 else 0.01


# ---------------------------------------------------------------- food tables


def hash_order(ids: Sequence[str]) -> list[str]:
    return sorted(ids, key=lambda i: hashlib.sha256(str(i).encode()).hexdigest())


def subset(table: Any, n: int) -> Any:
    """The first ``n`` foods of ``table`` in a fixed hash order of their ids."""
    from mealplan import FoodTable

    if n >= len(table):
        return table
    ids = hash_order(table.ids)[:n]
    keep = set(ids)
    if hasattr(table, "subset"):  # keeps portions and mentions
        return table.subset(keep)
    return FoodTable.from_dataframe(table.frame.loc[ids].reset_index())


# --------------------------------------------------------------- measurements


def time_plan(
    request: Mapping[str, Any], table: Any, repeats: int
) -> tuple[dict[str, Any], Any]:
    import mealplan

    runs: list[dict[str, Any]] = []
    last = None
    error = None
    for k in range(repeats):
        if k and runs[0]["e2e"] > 10.0:  # a time-limited run: no repeats
            break
        t0 = time.perf_counter()
        c0 = time.process_time()
        try:
            last = mealplan.plan(dict(request), foods=table)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            runs.append({"e2e": time.perf_counter() - t0})
            continue
        e2e = time.perf_counter() - t0
        tm = last.timings
        runs.append(
            {
                "e2e": e2e,
                # CPU of this process (HiGHS threads included): on a loaded
                # machine the wall clock mostly measures the other sessions.
                "cpu": time.process_time() - c0,
                "build": tm.get("build", 0.0),
                "solve": tm.get("solve", 0.0),
                "extract": tm.get("extract", 0.0),
                "other": e2e
                - tm.get("build", 0.0)
                - tm.get("solve", 0.0)
                - tm.get("extract", 0.0),
            }
        )
    keys = ("e2e", "cpu", "build", "solve", "extract", "other")
    out: dict[str, Any] = {k: median([r[k] for r in runs if k in r]) for k in keys}
    out["runs"] = [round(r["e2e"], 4) for r in runs]
    out["repeats"] = len(runs)
    out["time_limit"] = float(request.get("time_limit", 20.0))
    if last is not None:
        out["status"] = str(last.status.value)
        out["gap"] = last.gap
        out["objective"] = last.objective_value
        out["foods_in_plan"] = len({i.food_id for i in last.items})
        # The plan's own word that it is proven within its stated absolute
        # tolerance (0.3 servings under the meal structure's tie-break).
        out["within_tolerance"] = last.status.value == "optimal" or any(
            "servings of the best possible one" in n for n in last.notes
        )
    if error:
        out["error"] = error
    return out, last


def write_model(request: Mapping[str, Any], table: Any, path: Path) -> dict[str, Any]:
    """Write plan()'s full MILP for ``request`` as MPS; return its solver settings."""
    from mealplan._optimiser import write_mps
    from mealplan._planner import parse_request, resolve_targets
    from mealplan._problem import build_problem

    req = parse_request(dict(request))
    targets = resolve_targets(req, table)
    problem = build_problem(req, targets, table)
    t0 = time.perf_counter()
    write_mps(problem, path)
    return {
        "time_limit": float(req.time_limit),
        "mip_rel_gap": rel_gap(req),
        "mip_abs_gap": abs_gap(),
        "days": req.days,
        "mps_write_seconds": round(time.perf_counter() - t0, 3),
        "candidates": len(problem.food_ids),
    }


def bare_highs(
    mps: Path,
    settings: Mapping[str, Any],
    repeats: int,
    *,
    trace: bool = False,
) -> dict[str, Any]:
    import highspy

    times: list[float] = []
    out: dict[str, Any] = {}
    events: list[tuple[float, float, float]] = []
    for k in range(repeats):
        with quiet_stdout():
            h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.readModel(str(mps))
        h.setOptionValue("time_limit", float(settings["time_limit"]))
        h.setOptionValue("mip_rel_gap", float(settings["mip_rel_gap"]))
        h.setOptionValue("mip_abs_gap", float(settings["mip_abs_gap"]))
        if trace and k == 0:

            def record(e: Any) -> None:
                d = e.data_out
                events.append(
                    (
                        float(d.running_time),
                        float(d.mip_primal_bound),
                        float(d.mip_dual_bound),
                    )
                )

            h.cbMipImprovingSolution.subscribe(record)
            h.cbMipInterrupt.subscribe(record)
            h.cbMipLogging.subscribe(record)
        t0 = time.perf_counter()
        h.run()
        times.append(time.perf_counter() - t0)
        info = h.getInfo()
        out = {
            "status": h.modelStatusToString(h.getModelStatus()),
            "objective": float(info.objective_function_value)
            if info.primal_solution_status
            else None,
            "gap": float(info.mip_gap) if math.isfinite(info.mip_gap) else None,
        }
    out["median"] = median(times)
    out["runs"] = [round(t, 4) for t in times]
    if trace:
        out["trace"] = summarize_trace(events, float(settings["time_limit"]))
    return out


def summarize_trace(
    events: Sequence[tuple[float, float, float]], limit: float
) -> dict[str, Any]:
    """Time to first feasible, to a 5 % and a 1 % gap, from HiGHS callbacks."""
    first = to5 = to1 = None
    final_gap = None
    best = math.inf
    bound = -math.inf
    for t, primal, dual in sorted(events):
        if math.isfinite(primal):
            best = min(best, primal)
        if math.isfinite(dual):
            bound = max(bound, dual)
        if not math.isfinite(best):
            continue
        if first is None:
            first = t
        if math.isfinite(bound):
            gap = max(best - bound, 0.0) / max(abs(best), 1e-9)
            final_gap = gap
            if to5 is None and gap <= 0.05:
                to5 = t
            if to1 is None and gap <= 0.01:
                to1 = t
    return {
        "first_feasible": first,
        "to_5pct": to5,
        "to_1pct": to1,
        "final_gap": final_gap,
        "time_limit": limit,
        "events": len(events),
    }


def bare_cbc(mps: Path, settings: Mapping[str, Any], repeats: int) -> dict[str, Any]:
    exe = cbc_path()
    args = [
        exe,
        str(mps),
        "-sec",
        f"{settings['time_limit']:g}",
        "-ratio",
        f"{settings['mip_rel_gap']:g}",
        "-allow",
        f"{settings['mip_abs_gap']:g}",
        "-solve",
        "-quit",
    ]
    times: list[float] = []
    text = ""
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t0)
        text = proc.stdout
    status = re.search(r"Result - (.+)", text)
    obj = re.search(r"Objective value:\s*(\S+)", text)
    gap = re.search(r"Gap:\s*(\S+)", text)
    return {
        "status": status.group(1).strip() if status else "unknown",
        "objective": float(obj.group(1)) if obj else None,
        "gap": float(gap.group(1)) if gap else None,
        "median": median(times),
        "runs": [round(t, 4) for t in times],
    }


def first_feasible_plan(request: Mapping[str, Any], table: Any) -> dict[str, Any]:
    """plan()'s own time to a first plan: targets, model, the seed plan() uses."""
    from mealplan import _planner
    from mealplan._day_seed import first_plan_widened
    from mealplan._deadline import Deadline
    from mealplan._problem import build_problem
    from mealplan._sources import widen_variety_for_sole_sources

    t0 = time.perf_counter()
    c0 = time.process_time()
    req = _planner.parse_request(dict(request))
    targets = _planner.resolve_targets(req, table)
    build_problem(req, targets, table)
    t1 = time.perf_counter()
    try:
        wider, _ = widen_variety_for_sole_sources(req, targets, table)
        deadline = Deadline(req.time_limit)
        start = first_plan_widened(req, targets, table, deadline, wider=wider)[0]
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    t2 = time.perf_counter()
    return {
        "first_feasible": t2 - t0 if start else None,
        "cpu": time.process_time() - c0 if start else None,
        "day_by_day_seconds": t2 - t1,
        "found": bool(start),
    }


# ------------------------------------------------------------ subprocess parts

COLD = """
import json, time
c0 = time.process_time()
t0 = time.perf_counter()
import mealplan
t1 = time.perf_counter()
mealplan.load_foods()
t2 = time.perf_counter()
cpu = time.process_time() - c0
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "cpu": cpu}))
"""

MEMORY = """
import json, resource, sys, time
def hwm():
    # VmHWM is per address space (reset by exec); ru_maxrss is inherited
    # from the parent across fork+exec on Linux.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
import mealplan
t = mealplan.load_foods()
base = hwm()
req = json.loads(sys.argv[1])
traced = sys.argv[2] == "1"
if traced:
    import tracemalloc
    tracemalloc.start()
t0 = time.perf_counter()
p = mealplan.plan(req, foods=t)
e2e = time.perf_counter() - t0
py_peak = tracemalloc.get_traced_memory()[1] if traced else None
peak = hwm()
print(json.dumps({"base_kb": base, "peak_kb": peak, "py_peak": py_peak,
                  "e2e": e2e, "status": p.status.value}))
"""


def cold_env() -> dict[str, str]:
    """The environment of a user's process: bytecode is cached, as pip does.

    With PYTHONDONTWRITEBYTECODE set (as in some sandboxes) every fresh
    process would compile mealplan's modules again and the cold start would
    measure the compiler.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_py(code: str, *args: str, env_extra: Mapping[str, str] | None = None) -> Any:
    env = cold_env()
    env.update(env_extra or {})
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cold_start(repeats: int) -> dict[str, Any]:
    run_py(COLD)  # writes the bytecode cache, as an install would
    runs: list[dict[str, float]] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = run_py(COLD)
        r["process"] = time.perf_counter() - t0
        runs.append(r)
    out: dict[str, Any] = {
        k: median([r[k] for r in runs]) for k in ("import", "load", "process", "cpu")
    }
    out["import_and_load"] = median([r["import"] + r["load"] for r in runs])
    out["repeats"] = repeats
    return out


def cli_plan(repeats: int) -> dict[str, Any]:
    """Wall clock of the CLI's plan command for a default day (a new process)."""
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mealplan",
                "plan",
                "--age",
                "35",
                "--sex",
                "female",
            ],
            capture_output=True,
            check=True,
            cwd=REPO,
            env=cold_env(),
        )
        runs.append(time.perf_counter() - t0)
    return {"median": median(runs), "runs": [round(r, 4) for r in runs]}


def import_breakdown() -> dict[str, float]:
    """Cumulative import time of mealplan's heavy dependencies, in seconds."""
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "import mealplan; mealplan.load_foods()",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        env=cold_env(),
    )
    seen: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s*(\d+)\s*\|\s*(\d+)\s*\|(\s*)(\S+)", line)
        if not m:
            continue
        name = m.group(4)
        top = name.split(".")[0]
        if top in {"pandas", "numpy", "pulp", "pydantic", "highspy", "scipy"} and (
            name == top
        ):
            seen[top] = seen.get(top, 0.0) + int(m.group(2)) / 1e6
        if name == "mealplan":
            seen["mealplan (total)"] = int(m.group(2)) / 1e6
    return {k: round(v, 4) for k, v in seen.items()}


def memory(request: Mapping[str, Any], *, traced: bool = True) -> dict[str, Any]:
    """Peak RSS of a fresh process (no tracing), then the plan's Python peak.

    A plan that fails (a loaded machine can leave a week without a plan in
    its time limit) is recorded with its error instead of ending the run:
    the rest of a 30-minute benchmark is still worth its report.
    """
    try:
        r = run_py(MEMORY, json.dumps(dict(request)), "0")
    except subprocess.CalledProcessError as exc:
        last = (exc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        return {"error": last[0][:200]}
    py_peak = None
    if traced:
        py_peak = run_py(MEMORY, json.dumps(dict(request)), "1")["py_peak"] / 1024**2
    return {
        "python_peak_mb": None if py_peak is None else round(py_peak, 1),
        "after_import_and_load_mb": round(r["base_kb"] / 1024, 1),
        "peak_mb": round(r["peak_kb"] / 1024, 1),
        "plan_increment_mb": round((r["peak_kb"] - r["base_kb"]) / 1024, 1),
        "e2e": r["e2e"],
        "status": r["status"],
    }


# -------------------------------------------------------------------- the run


WOMAN = {"age": 35, "sex": "female"}
PROFILES: dict[str, dict[str, Any]] = {
    "omnivore woman 35": {"person": WOMAN},
    "vegan woman 35": {"person": WOMAN, "diet": "vegan"},
    "pregnant 28, trimester 2": {
        "person": {"age": 28, "sex": "female", "pregnancy": True, "trimester": 2}
    },
    "low budget $4/day, cost": {
        "person": WOMAN,
        "budget_per_day": 4.0,
        "objective": "cost",
    },
    "man 50, active, 90 kg": {
        "person": {
            "age": 50,
            "sex": "male",
            "weight_kg": 90,
            "height_cm": 178,
            "activity": "active",
        }
    },
}


# Seconds each bare solve gets in --quick mode (see Bench.case).
QUICK_BARE_TIME_LIMIT = 1.0


class Bench:
    def __init__(self, quick: bool, workdir: Path) -> None:
        self.quick = quick
        self.work = workdir
        self.daily_repeats = 1 if quick else 5
        self.slow_repeats = 1 if quick else 3
        self.results: dict[str, Any] = {
            "cases": [],
            "scaling": {},
            "section_seconds": {},
        }
        self._n = 0
        self._section: tuple[str, float] | None = None

    def mark(self, name: str | None) -> None:
        """Close the running section (recording its seconds), open ``name``."""
        now = time.perf_counter()
        if self._section is not None:
            done, began = self._section
            self.results["section_seconds"][done] = round(now - began, 2)
        self._section = (name, now) if name else None
        if name:
            log(f"{name} ...")

    def mps(
        self, request: Mapping[str, Any], table: Any
    ) -> tuple[Path, dict[str, Any]]:
        self._n += 1
        path = self.work / f"model{self._n}.mps"
        return path, write_model(request, table, path)

    def case(
        self,
        name: str,
        group: str,
        request: Mapping[str, Any],
        table: Any,
        *,
        repeats: int,
        bare_repeats: int | None = None,
        cbc: bool = True,
        bare: bool = True,
        trace: bool = False,
    ) -> dict[str, Any]:
        log(f"  {name} ...")
        began = time.perf_counter()
        rec: dict[str, Any] = {
            "name": name,
            "group": group,
            "foods": len(table),
            "days": int(request.get("days", 1)),
            "meals": request.get("meals", "default") is not None,
            "request": dict(request),
        }
        rec["plan"], last = time_plan(request, table, repeats)
        bare_repeats = bare_repeats or repeats
        try:
            if not bare:
                msg = "bare solvers not run for this case (time budget)"
                raise RuntimeError(msg)
            path, settings = self.mps(request, table)
            if self.quick:
                # Quick mode is a smoke run of the harness, not a measurement:
                # the bare solves of the full MILP would otherwise run to their
                # limit (10 s HiGHS + 12 s CBC) for numbers nobody reads.
                settings["time_limit"] = min(
                    settings["time_limit"], QUICK_BARE_TIME_LIMIT
                )
            rec["model"] = settings
            rec["highs"] = bare_highs(path, settings, bare_repeats, trace=trace)
            if cbc:
                rec["cbc"] = bare_cbc(path, settings, bare_repeats)
            path.unlink(missing_ok=True)
        except Exception as exc:
            rec["bare_error"] = str(exc) if not bare else f"{type(exc).__name__}: {exc}"
        bares = [
            rec[s]["median"]
            for s in ("highs", "cbc")
            if s in rec and rec[s].get("median") is not None
        ]
        rec["bare_best"] = min(bares) if bares else None
        rec["bare_best_solver"] = (
            min(
                (s for s in ("highs", "cbc") if s in rec),
                key=lambda s: rec[s]["median"],
            )
            if bares
            else None
        )
        rec["ratio_vs_bare"] = ratio(rec["plan"]["e2e"], rec["bare_best"])
        rec["_plan"] = last
        rec["case_seconds"] = round(time.perf_counter() - began, 2)
        log(f"    {rec['case_seconds']:.1f} s")
        self.results["cases"].append(rec)
        return rec

    def find(self, name: str) -> dict[str, Any] | None:
        return next((c for c in self.results["cases"] if c["name"] == name), None)


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    import mealplan

    began = time.perf_counter()
    b = Bench(quick, workdir)
    res = b.results
    res["meta"] = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        "shared_available": SR28_DIR.is_dir(),
        "daily_repeats": b.daily_repeats,
        "slow_repeats": b.slow_repeats,
    }
    res["versions"] = versions()
    res["machine"] = machine()

    b.mark("cold start")
    res["cold_start"] = cold_start(1 if quick else 5)
    if not quick:
        res["cold_start"]["import_breakdown"] = import_breakdown()
    res["cli_plan"] = cli_plan(1 if quick else 3)

    table = mealplan.load_foods()
    with quiet_stdout():  # highspy's banner, once per process
        mealplan.plan({"person": WOMAN}, foods=table)

    b.mark("daily profiles (bundled table)")
    profiles = list(PROFILES.items())[: 1 if quick else None]
    for name, req in profiles:
        b.case(
            f"daily: {name}",
            "daily",
            req,
            table,
            repeats=b.daily_repeats,
            bare_repeats=min(3, b.daily_repeats),
        )

    week: dict[str, Any] = {}
    if not quick:  # quick mode skips the multi-day cases (seconds each)
        b.mark("multi-day")
        woman = {"person": WOMAN}
        week = b.case(
            "7 days, 4 meals, variety",
            "multi-day",
            {**woman, "days": 7, "time_limit": 30.0},
            table,
            repeats=b.slow_repeats,
            bare_repeats=1,
            cbc=False,  # CBC is far behind on multi-day models (PERFORMANCE.md)
            trace=True,
        )
        b.case(
            "28 days, 4 meals, variety",
            "multi-day",
            {**woman, "days": 28, "time_limit": 60.0},
            table,
            repeats=1,
            bare=False,  # bare HiGHS finds no plan in 60 s (measured)
        )

    b.mark("regenerate one meal")
    base = week.get("_plan") or b.results["cases"][0].get("_plan")
    res["regenerate"] = regenerate(base, table, b.daily_repeats)

    b.mark("weekly quality")
    res["weekly_quality"] = weekly_quality(b, quick, table)

    woman = {"person": WOMAN}
    if SR28_DIR.is_dir() and not quick:
        b.mark("SR28 (whole release)")
        t0 = time.perf_counter()
        sr28 = mealplan.FoodTable.from_sr28(SR28_DIR)
        res["sr28_table_build_seconds"] = time.perf_counter() - t0
        b.case(
            "daily: omnivore woman 35, SR28 8,789 foods, meals=None",
            "sr28",
            {**woman, "meals": None, "time_limit": 30.0},
            sr28,
            repeats=1,
        )
        b.case(
            "daily: omnivore woman 35, SR28 8,789 foods, 4 meals",
            "sr28",
            {**woman, "time_limit": 10.0},
            sr28,
            repeats=1,
            bare=False,
        )
    else:
        sr28 = None
        res["sr28_skipped"] = "quick mode" if quick else f"{SR28_DIR} is absent"

    b.mark("scaling")
    res["scaling"]["foods"] = scale_foods(b, table, sr28)
    res["scaling"]["days"] = scale_days(b, table)

    b.mark("memory")
    res["memory"] = {"daily": memory(woman, traced=not quick)}
    if not quick:
        res["memory"]["weekly"] = memory(
            {**woman, "days": 7, "time_limit": 30.0}, traced=False
        )

    b.mark(None)
    for c in res["cases"]:
        c.pop("_plan", None)
    res["goals"] = goals(res)
    res["total_seconds"] = time.perf_counter() - began
    return res


def regenerate(week_plan: Any, table: Any, repeats: int) -> dict[str, Any]:
    import mealplan

    if week_plan is None:
        return {"error": "no multi-day plan to regenerate"}
    times: list[float] = []
    out: dict[str, Any] = {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        try:
            new = mealplan.regenerate(
                week_plan, day=min(2, week_plan.request.days), meal="lunch", foods=table
            )
        except Exception as exc:
            return {"error": f"{type(exc).__name__}: {exc}"}
        times.append(time.perf_counter() - t0)
        out = {"status": new.status.value, "gap": new.gap, "timings": new.timings}
    out["e2e"] = median(times)
    out["runs"] = [round(t, 4) for t in times]
    out["days"] = week_plan.request.days
    return out


def weekly_quality(b: Bench, quick: bool, table: Any) -> list[dict[str, Any]]:
    import mealplan

    out: list[dict[str, Any]] = []
    specs = [] if quick else [(7, 30.0), (28, 60.0)]
    for days, limit in specs:
        req = {"person": WOMAN, "days": days, "time_limit": limit}
        case = b.find(f"{days} days, 4 meals, variety") or {}
        rec: dict[str, Any] = {"days": days, "time_limit": limit}
        rec["plan_first_feasible"] = first_feasible_plan(req, table)
        rec["plan_first_feasible_structure_off"] = first_feasible_plan(
            {**req, "structure": False}, table
        )
        plan = case.get("plan", {})
        rec["plan_final"] = {
            "e2e": plan.get("e2e"),
            "gap": plan.get("gap"),
            "status": plan.get("status"),
        }
        gap = plan.get("gap")
        rec["plan_to_1pct"] = (
            plan.get("e2e") if gap is not None and gap <= 0.01 else None
        )
        rec["plan_to_2pct"] = (
            plan.get("e2e") if gap is not None and gap <= 0.02 else None
        )
        if not quick and days == 7:
            t0 = time.perf_counter()
            try:
                p5 = mealplan.plan({**req, "mip_gap": 0.05}, foods=table)
                rec["plan_to_5pct"] = time.perf_counter() - t0
                rec["plan_to_5pct_gap"] = p5.gap
            except Exception as exc:
                rec["plan_to_5pct_error"] = f"{type(exc).__name__}: {exc}"
        rec["highs"] = case.get("highs", {}).get("trace")
        rec["highs_status"] = case.get("highs", {}).get("status")
        cbc = case.get("cbc")
        if cbc:
            rec["cbc"] = {k: cbc.get(k) for k in ("median", "status", "gap")}
        out.append(rec)
    return out


def growth(points: list[dict[str, Any]], key: str) -> None:
    prev = None
    for p in points:
        p["growth"] = ratio(p.get(key), prev.get(key)) if prev else None
        prev = p


def scale_foods(b: Bench, table: Any, sr28: Any) -> list[dict[str, Any]]:
    sizes = [100, 400] if b.quick else [100, 400, len(table)]
    points: list[dict[str, Any]] = []
    req = {"person": WOMAN, "meals": None, "time_limit": 30.0}
    for n in sizes:
        sub = subset(table, n)
        stats, _ = time_plan(req, sub, b.daily_repeats)
        points.append({"foods": n, "source": "bundled", **stats})
    if sr28 is not None:
        for n in (2000, 4000):
            stats, _ = time_plan({**req, "time_limit": 10.0}, subset(sr28, n), 1)
            points.append({"foods": n, "source": "sr28", **stats})
        full = b.find("daily: omnivore woman 35, SR28 8,789 foods, meals=None")
        if full:
            points.append({"foods": len(sr28), "source": "sr28", **full["plan"]})
    for p in points:
        p.pop("runs", None)
    growth(points, "e2e")
    return points


def scale_days(b: Bench, table: Any) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    daily = b.find("daily: omnivore woman 35")
    if daily:
        points.append({"days": 1, "time_limit": 20.0, **daily["plan"]})
    plan_days = [] if b.quick else [3, 7, 14, 28]
    for d in plan_days:
        case = b.find(f"{d} days, 4 meals, variety")
        if case:
            points.append(
                {"days": d, "time_limit": case["request"]["time_limit"], **case["plan"]}
            )
            continue
        limit = 30.0
        req = {"person": WOMAN, "days": d, "time_limit": limit}
        stats, _ = time_plan(req, table, 1)
        points.append({"days": d, "time_limit": limit, **stats})
    for p in points:
        p.pop("runs", None)
    growth(points, "e2e")
    return points


# ----------------------------------------------------------------------- goals


def goals(res: Mapping[str, Any]) -> list[dict[str, Any]]:
    cases = {c["name"]: c for c in res["cases"]}
    daily = cases.get("daily: omnivore woman 35", {})
    dp = daily.get("plan", {})
    values: dict[str, tuple[float | None, str]] = {}
    values["daily_vs_bare"] = (
        daily.get("ratio_vs_bare"),
        f"plan() {fmt_s(dp.get('e2e'))} vs bare {daily.get('bare_best_solver')} "
        f"{fmt_s(daily.get('bare_best'))}",
    )
    values["daily_median"] = (dp.get("e2e"), f"median of {dp.get('repeats')}")
    share = None
    if dp.get("e2e"):
        share = ((dp.get("build") or 0) + (dp.get("extract") or 0)) / dp["e2e"]
    values["daily_overhead_share"] = (
        share,
        f"build {fmt_s(dp.get('build'))} + extract {fmt_s(dp.get('extract'))} "
        f"of {fmt_s(dp.get('e2e'))}",
    )
    sr = cases.get("daily: omnivore woman 35, SR28 8,789 foods, meals=None")
    if sr:
        sp = sr["plan"]
        ok = sp.get("status") == "optimal" or bool(sp.get("within_tolerance"))
        values["sr28_optimal"] = (
            sp.get("e2e") if ok else math.inf,
            f"status {sp.get('status')}"
            f"{' (within its stated tolerance)' if ok else ''}, "
            f"{fmt_s(sp.get('e2e'))}, "
            f"gap {fmt_pct(sp.get('gap'))}, bare best {fmt_s(sr.get('bare_best'))}",
        )
    wq = next((w for w in res.get("weekly_quality", []) if w["days"] == 7), None)
    if wq:
        ff = wq["plan_first_feasible"].get("first_feasible")
        values["weekly_first_feasible"] = (
            ff,
            f"targets + model + seed (day-plans in rotation); bare HiGHS "
            f"{fmt_s((wq.get('highs') or {}).get('first_feasible'))}",
        )
        values["weekly_within_1pct"] = (
            wq.get("plan_to_1pct") if wq.get("plan_to_1pct") is not None else math.inf,
            f"plan() final gap {fmt_pct(wq['plan_final'].get('gap'))} in "
            f"{fmt_s(wq['plan_final'].get('e2e'))}; bare HiGHS to 1 %: "
            f"{fmt_s((wq.get('highs') or {}).get('to_1pct'))}",
        )
    mq = next((w for w in res.get("weekly_quality", []) if w["days"] == 28), None)
    if mq:
        values["month_within_2pct"] = (
            mq.get("plan_to_2pct") if mq.get("plan_to_2pct") is not None else math.inf,
            f"plan() final gap {fmt_pct(mq['plan_final'].get('gap'))} in "
            f"{fmt_s(mq['plan_final'].get('e2e'))}",
        )
    cli = res.get("cli_plan", {})
    values["cli_plan"] = (cli.get("median"), f"runs {cli.get('runs')}")
    cs = res.get("cold_start", {})
    values["import_and_load"] = (
        cs.get("import_and_load"),
        f"import {fmt_s(cs.get('import'))} + load {fmt_s(cs.get('load'))}, "
        f"CPU {fmt_s(cs.get('cpu'))}",
    )
    out = []
    for key, text, limit, unit in GOALS:
        if key not in values:
            out.append({"goal": key, "text": text, "limit": limit, "result": "SKIP"})
            continue
        value, detail = values[key]
        verdict = "SKIP" if value is None else "PASS" if value <= limit else "MISS"
        out.append(
            {
                "goal": key,
                "text": text,
                "limit": limit,
                "unit": unit,
                "value": value if value is None or math.isfinite(value) else None,
                "of_limit": ratio(value, limit)
                if value is not None and math.isfinite(value)
                else None,
                "result": verdict,
                "detail": detail,
            }
        )
    return out


# ---------------------------------------------------------------------- report


def fmt_unit(x: float | None, unit: str) -> str:
    if x is None:
        return "not reached"
    if unit == "s":
        return fmt_s(x)
    if unit == "x":
        return fmt_x(x)
    return f"{x * 100:.1f} %"


def case_row(c: Mapping[str, Any]) -> str:
    p = c["plan"]
    return (
        f"| {c['name']} | {c['foods']} | {fmt_s(p.get('e2e'))} | "
        f"{fmt_s(p.get('build'))} | {fmt_s(p.get('solve'))} | "
        f"{fmt_s(p.get('extract'))} | {fmt_s(p.get('other'))} | "
        f"{p.get('status', p.get('error', '?')[:40])} | {fmt_pct(p.get('gap'))} | "
        f"{bare_cell(c.get('highs'))} | {bare_cell(c.get('cbc'))} | "
        f"{fmt_x(c.get('ratio_vs_bare'))} |"
    )


def quality_lines(res: Mapping[str, Any]) -> list[str]:
    lines = [
        "",
        "## Multi-day quality",
        "",
        "Skipped in quick mode."
        if not res.get("weekly_quality")
        else "plan(): first feasible = targets + model + seed (day-plans in rotation); to 5 % = "
        "plan(mip_gap=0.05); to 1 % = plan() (default gap 1 %). Bare HiGHS: "
        "callbacks on the same MILP, no start.",
        "",
        "| days | who | first feasible | to 5 % | to 1 % | final gap | time limit |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for w in res.get("weekly_quality", []):
        ff = w["plan_first_feasible"].get("first_feasible")
        cpu = w["plan_first_feasible"].get("cpu")
        lines.append(
            f"| {w['days']} | plan() | {fmt_s(ff)} (CPU {fmt_s(cpu)}) | "
            f"{fmt_s(w.get('plan_to_5pct'))} | "
            f"{fmt_s(w.get('plan_to_1pct'))} | {fmt_pct(w['plan_final'].get('gap'))} "
            f"| {w['time_limit']:g} s |"
        )
        bare = w.get("plan_first_feasible_structure_off")
        if bare:
            lines.append(
                f"| {w['days']} | plan(), structure off | "
                f"{fmt_s(bare.get('first_feasible'))} (CPU {fmt_s(bare.get('cpu'))}) "
                f"| - | - | - | {w['time_limit']:g} s |"
            )
        if res["meta"].get("mode") == "weekly":
            continue  # bare solvers are not run in that mode
        h = w.get("highs") or {}
        lines.append(
            f"| {w['days']} | bare HiGHS | {fmt_s(h.get('first_feasible'))} | "
            f"{fmt_s(h.get('to_5pct'))} | {fmt_s(h.get('to_1pct'))} | "
            f"{fmt_pct(h.get('final_gap'))} | {w['time_limit']:g} s |"
        )
        if w.get("cbc"):
            c = w["cbc"]
            lines.append(
                f"| {w['days']} | bare CBC | - | - | - | "
                f"{fmt_pct(c.get('gap')) if c.get('gap') is not None else c.get('status')}"
                f" ({fmt_s(c.get('median'))}) | {w['time_limit']:g} s |"
            )
    return lines


def goal_row(g: Mapping[str, Any]) -> str:
    unit = g.get("unit", "s")
    return (
        f"| {g['text']} | {fmt_unit(g['limit'], unit)} | "
        f"{fmt_unit(g.get('value'), unit) if g['result'] != 'SKIP' else '-'} | {fmt_x(g.get('of_limit'))} | "
        f"**{g['result']}** {g.get('detail', '')} |"
    )


def report(res: Mapping[str, Any]) -> str:
    v, m, meta = res["versions"], res["machine"], res["meta"]
    lines = [
        f"# mealplan benchmarks ({meta['mode']}, {meta['timestamp']})",
        "",
        f"Machine: {m['cpu_model']}, {m['cores']} cores, {m['memory_gb']} GB, "
        f"load {m.get('load_avg_1min_at_start')}; Python {v['python']}, PuLP "
        f"{v['pulp']}, highspy {v['highspy']}, CBC {v.get('cbc')}, pandas "
        f"{v['pandas']}; mealplan {str(v.get('mealplan_commit'))[:10]}"
        f"{' (dirty)' if v.get('mealplan_dirty') else ''}.",
        f"Medians over {meta['daily_repeats']} runs (daily cases), "
        f"{meta['slow_repeats']} (7 days) or 1 (28 days, SR28, scaling points "
        "beyond the bundled table). Bare = same MILP from write_mps: "
        "highspy run() only; CBC whole process. Ratio = plan() / faster bare.",
        "",
        "## Cases",
        "",
        "| case | foods | plan() e2e | build | solve | extract | other | status | gap "
        "| bare HiGHS | bare CBC | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    lines += [case_row(c) for c in res["cases"]]
    rg = res.get("regenerate", {})
    lines += [
        "",
        f"Regenerate one meal (lunch) of the {rg.get('days')}-day plan: "
        f"{fmt_s(rg.get('e2e'))} ({rg.get('status', rg.get('error'))}).",
    ]
    if "sr28_table_build_seconds" in res:
        lines.append(
            f"FoodTable.from_sr28 (built once): {res['sr28_table_build_seconds']:.1f} s."
        )
    if "sr28_skipped" in res:
        lines.append(f"SR28 cases skipped: {res['sr28_skipped']}.")
    cs = res["cold_start"]
    lines += [
        "",
        "## Cold start and memory",
        "",
        f"Fresh process, median of {cs['repeats']}: import mealplan "
        f"{fmt_s(cs['import'])}, load_foods {fmt_s(cs['load'])}, together "
        f"{fmt_s(cs['import_and_load'])} (CPU {fmt_s(cs.get('cpu'))}); whole "
        f"`python -c` process {fmt_s(cs['process'])}.",
    ]
    if cs.get("import_breakdown"):
        parts = ", ".join(f"{k} {fmt_s(x)}" for k, x in cs["import_breakdown"].items())
        lines.append(f"Import breakdown (-X importtime, cumulative): {parts}.")
    for name, mem in res.get("memory", {}).items():
        if "error" in mem:
            lines.append(f"Peak RSS, {name} plan: not measured ({mem['error']}).")
            continue
        lines.append(
            f"Peak RSS, {name} plan: {mem['peak_mb']} MB "
            f"({mem['after_import_and_load_mb']} MB after import + load, "
            f"+{mem['plan_increment_mb']} MB for the plan"
            + (
                f"; its Python allocations peak at {mem['python_peak_mb']} MB"
                if mem.get("python_peak_mb") is not None
                else ""
            )
            + ")."
        )
    lines += ["", "## Scaling", "", "Foods (daily, meals=None):", ""]
    lines += [
        "| foods | source | time limit | e2e | growth | solve | status | gap |",
        "|---:|---|---:|---:|---:|---:|---|---:|",
    ]
    for p in res["scaling"].get("foods", []):
        lines.append(
            f"| {p['foods']} | {p['source']} | {p.get('time_limit', 0):g} s | "
            f"{fmt_s(p.get('e2e'))} | "
            f"{fmt_x(p.get('growth'))} | {fmt_s(p.get('solve'))} | "
            f"{p.get('status', '-')} | {fmt_pct(p.get('gap'))} |"
        )
    lines += ["", "Days (bundled table, 4 meals, variety):", ""]
    lines += [
        "| days | time limit | e2e | growth | status | gap |",
        "|---:|---:|---:|---:|---|---:|",
    ]
    for p in res["scaling"].get("days", []):
        lines.append(
            f"| {p['days']} | {p['time_limit']:g} s | {fmt_s(p.get('e2e'))} | "
            f"{fmt_x(p.get('growth'))} | {p.get('status', '-')} | "
            f"{fmt_pct(p.get('gap'))} |"
        )
    lines += quality_lines(res)
    lines += ["", "## Goals", "", "| goal | limit | measured | of limit | result |"]
    lines += ["|---|---:|---:|---:|---|"]
    lines += [goal_row(g) for g in res["goals"]]
    parts = ", ".join(f"{k} {v:.0f} s" for k, v in res["section_seconds"].items())
    lines += [
        "",
        f"Total benchmark time: {res['total_seconds']:.0f} s ({parts}).",
        "",
    ]
    return "\n".join(lines)


def bare_cell(b: Mapping[str, Any] | None) -> str:
    if not b:
        return "-"
    note = "" if "optimal" in str(b.get("status", "")).lower() else "*"
    return f"{fmt_s(b.get('median'))}{note}"


def jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, float):
        return round(x, 6)
    return x


# ------------------------------------------------------------- weekly only

WEEK_CASES: tuple[tuple[str, int, float, dict[str, Any], bool], ...] = (
    # (name, days, time limit, request fields over the woman's, dishes table)
    ("7 days, 4 meals, variety", 7, 30.0, {}, False),
    ("28 days, 4 meals, variety", 28, 60.0, {}, False),
    # The meal structure is the default; the bare model for comparison.
    ("7 days, 4 meals, variety, structure off", 7, 30.0, {"structure": False}, False),
    ("28 days, 4 meals, variety, structure off", 28, 60.0, {"structure": False}, False),
    # The default vegan 3-day plan at the default time limit (10 s).
    ("3 days, vegan, default time limit", 3, 10.0, {"diet": "vegan"}, False),
    # examples/vegetarian_week.py's request: the table with dishes.
    (
        "7 days, vegetarian man with dishes (example)",
        7,
        10.0,
        {
            "person": {"age": 42, "sex": "male", "weight_kg": 78, "height_cm": 178},
            "diet": "vegetarian",
        },
        True,
    ),
)


class RoundLog(logging.Handler):
    """Keeps the column generation's per-round DEBUG lines (mealplan._weekly)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def last_run(self) -> list[str]:
        """The lines of the last plan() (each starts with its seed line)."""
        starts = [i for i, x in enumerate(self.lines) if x.startswith("seed at")]
        return self.lines[starts[-1] :] if starts else list(self.lines)


def run_weekly(workdir: Path) -> dict[str, Any]:
    """The multi-day cases, their quality and the rounds behind them."""
    import mealplan

    began = time.perf_counter()
    b = Bench(False, workdir)
    res = b.results
    res["meta"] = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "weekly",
        "slow_repeats": b.slow_repeats,
    }
    res["versions"] = versions()
    res["machine"] = machine()
    table = mealplan.load_foods()
    with quiet_stdout():
        mealplan.plan({"person": WOMAN}, foods=table)
    rounds = RoundLog()
    logger = logging.getLogger("mealplan._weekly")
    logger.addHandler(rounds)
    logger.setLevel(logging.DEBUG)
    try:
        b.mark("multi-day")
        week: dict[str, Any] = {}
        dishes = None
        for name, days, limit, extra, with_dishes in WEEK_CASES:
            if with_dishes and dishes is None:
                dishes = mealplan.load_foods(dishes=True)
            load = os.getloadavg()[0]
            rounds.lines.clear()
            rec = b.case(
                name,
                "multi-day",
                {"person": WOMAN, "days": days, "time_limit": limit, **extra},
                dishes if with_dishes else table,
                repeats=b.slow_repeats if days == 7 and not extra else 1,
                bare=False,  # bare HiGHS: no plan or 10 % after 30 s (full run)
            )
            rec["load"] = [round(load, 2), round(os.getloadavg()[0], 2)]
            rec["rounds"] = rounds.last_run()
            week = week or rec
        b.mark("regenerate one meal")
        res["regenerate"] = regenerate(week.get("_plan"), table, b.slow_repeats)
        b.mark("weekly quality")
        res["weekly_quality"] = weekly_quality(b, False, table)
    finally:
        logger.removeHandler(rounds)
    b.mark(None)
    for c in res["cases"]:
        c.pop("_plan", None)
    res["goals"] = [
        g for g in goals(res) if g["goal"].startswith(("weekly_", "month_"))
    ]
    for g in res["goals"]:
        g["detail"] = f"{g.get('detail', '')}; {why_weekly(res, g)}".lstrip("; ")
    res["total_seconds"] = time.perf_counter() - began
    return res


def why_weekly(res: Mapping[str, Any], goal: Mapping[str, Any]) -> str:
    """The load beside a weekly goal, and for a miss where the time went."""
    days = 28 if goal["goal"].startswith("month_") else 7
    case: dict[str, Any] = next((c for c in res["cases"] if c["days"] == days), {})
    load = case.get("load", [None, None])
    text = f"1-min load {load[0]}-{load[1]} (2 cores)"
    if not goal["goal"].endswith("first_feasible"):
        # The meal structure is the default (the goal's case); the bare
        # model's result beside it, as the goal predates the structure.
        off = next(
            (
                c
                for c in res["cases"]
                if c["days"] == days and c["request"].get("structure") is False
            ),
            None,
        )
        if off:
            p = off["plan"]
            text += (
                f"; meal structure off: {p.get('status')} {fmt_pct(p.get('gap'))} "
                f"in {fmt_s(p.get('e2e'))} (CPU {fmt_s(p.get('cpu'))})"
            )
    if goal["result"] != "MISS":
        return text
    if goal["goal"] == "weekly_first_feasible":
        wq = next(w for w in res["weekly_quality"] if w["days"] == days)
        seed = wq["plan_first_feasible"].get("day_by_day_seconds")
        return (
            f"{text}; the seed is day-plans in rotation (two daily solves "
            f"for the default variety rule): {fmt_s(seed)}"
        )
    rounds = case.get("rounds", [])
    pricing = [
        float(m.group(1))
        for x in rounds
        if "exact pricing" in x and (m := re.search(r"pricing ([0-9.]+) s \(", x))
    ]
    seed = next((x for x in rounds if x.startswith("seed at")), "")
    bound = next((x for x in rounds if x.startswith("averaged-day LP bound")), "")
    if bound:
        # Structured days: heuristic rounds, the bound from the averaged LP.
        last = next((x for x in reversed(rounds) if x.startswith("round ")), "")
        return (
            f"{text}; {seed.split(':')[0] or 'no seed'}, "
            f"{sum(x.startswith('round ') for x in rounds)} rounds "
            f"(structured: heuristic pricing, then exact), "
            f"{bound.split(' at ')[0]}; last: {last.split(', ', 5)[-1]}"
        )
    return (
        f"{text}; {seed.split(':')[0] or 'no seed'}, exact pricing rounds "
        f"{', '.join(f'{p:.1f} s' for p in pricing) or 'none'} (one day MILP each)"
    )


def weekly_rows(res: Mapping[str, Any]) -> dict[str, list[str]]:
    """The weekly lines of the full report, keyed by where they go in it."""
    quality = quality_lines(res)
    return {
        "cases": [case_row(c) for c in res["cases"]],
        "quality": [*quality[1:], ""],  # from its heading on
        "goals": [goal_row(g) for g in res["goals"]],
    }


def weekly_report(res: Mapping[str, Any]) -> str:
    """Markdown: the weekly rows, the load beside each case, every round."""
    m, meta = res["machine"], res["meta"]
    rows = weekly_rows(res)
    lines = [
        f"# mealplan weekly benchmark ({meta['timestamp']})",
        "",
        f"Machine: {m['cpu_model']}, {m['cores']} cores, load "
        f"{m.get('load_avg_1min_at_start')} at start (other sessions share the "
        "machine: times scale with load; compare ratios within one run). "
        f"mealplan {str(res['versions'].get('mealplan_commit'))[:10]}"
        f"{' (dirty)' if res['versions'].get('mealplan_dirty') else ''}. "
        "Bare solvers are not run in this mode.",
        "",
        "| case | foods | plan() e2e | build | solve | extract | other | status | gap "
        "| bare HiGHS | bare CBC | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
        *rows["cases"],
        "",
        *rows["quality"],
        "## Goals",
        "",
        "| goal | limit | measured | of limit | result |",
        "|---|---:|---:|---:|---|",
        *rows["goals"],
        "",
        "## Column generation, round by round (last run of each case)",
    ]
    for c in res["cases"]:
        lines += [
            "",
            f"{c['name']} (1-min load {c['load'][0]} before, {c['load'][1]} after; "
            f"runs {c['plan'].get('runs')}, median CPU {fmt_s(c['plan'].get('cpu'))}):",
            "",
            *[f"- {x}" for x in c.get("rounds", [])],
        ]
    lines += ["", f"Total: {res['total_seconds']:.0f} s.", ""]
    return "\n".join(lines)


def splice_latest(res: Mapping[str, Any], latest: Path) -> None:
    """Replace the weekly rows of ``latest`` with this run's, saying so."""
    if not latest.is_file():
        return
    rows = weekly_rows(res)
    text = latest.read_text().splitlines()
    load = res["machine"].get("load_avg_1min_at_start")
    stamp = res["meta"]["timestamp"]
    out: list[str] = []
    by_name = {x.split(" | ")[0]: x for x in rows["cases"] + rows["goals"]}
    for c in res["cases"]:  # the Days scaling rows
        if set(c["request"]) != {"person", "days", "time_limit"}:
            continue  # another person or model: not a scaling point
        p = c["plan"]
        by_name[f"| {c['days']}"] = (
            f"| {c['days']} | {p['time_limit']:g} s | {fmt_s(p.get('e2e'))} | - | "
            f"{p.get('status', '-')} | {fmt_pct(p.get('gap'))} |"
        )
    skip = False
    for line in text:
        if line == "## Multi-day quality":
            out += rows["quality"]
            out.append(
                f"Multi-day rows (here, in Cases, Days and Goals) re-measured by "
                f"`run.py --weekly` at {stamp} (load {load}; bare solvers not "
                "run); see `weekly-latest.md` for every round."
            )
            out.append("")
            skip = True
            continue
        if skip and line.startswith("## "):
            skip = False
        if skip:
            continue
        out.append(by_name.get(line.split(" | ")[0], line))
    latest.write_text("\n".join(out) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="seconds-long smoke run")
    ap.add_argument(
        "--out",
        type=Path,
        default=REPO / "benchmarks" / "results",
        help="directory for <timestamp>.json and .md",
    )
    ap.add_argument(
        "--weekly",
        action="store_true",
        help="the multi-day part only (7 and 28 days), with the column "
        "generation's rounds; writes benchmarks/weekly-latest.md and updates "
        "the weekly rows of benchmarks/latest.md",
    )
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.weekly:
        with tempfile.TemporaryDirectory(prefix="mealplan-bench-") as tmp:
            res = jsonable(run_weekly(Path(tmp)))
        text = weekly_report(res)
        print(text)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        (args.out / f"{stamp}-weekly.json").write_text(json.dumps(res, indent=2) + "\n")
        (REPO / "benchmarks" / "weekly-latest.md").write_text(text)
        splice_latest(res, REPO / "benchmarks" / "latest.md")
        log(f"wrote {args.out / stamp}-weekly.json, weekly-latest.md, latest.md")
        return 0
    with tempfile.TemporaryDirectory(prefix="mealplan-bench-") as tmp:
        res = jsonable(run(args.quick, Path(tmp)))
    text = report(res)
    print(text)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"{stamp}.json").write_text(json.dumps(res, indent=2) + "\n")
    (args.out / f"{stamp}.md").write_text(text)
    log(f"wrote {args.out / stamp}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
