#!/usr/bin/env python
"""The 10,000-profile sweep across sessions: a committed ledger of its verdicts.

``benchmarks/sweep.py`` plans a seeded sweep through ``mealplan batch`` into a
folder (requests, plans, settings) and re-checks every plan with
``tests/checks.py``. On 2 cores the whole sweep takes longer than a session,
and a session's machine (with ``benchmarks/results``) may be gone by the next
one, while 10,000 plans (hundreds of MB) do not belong in git. So once a
slice's plans are re-checked, what the sweep's report needs of each output
line is kept in a small committed ledger (JSON lines, ``benchmarks/sweep_ledger/``):
the request id, its status, days, seconds, error type, the checker's verdict,
whether the plan was another request's, and the commit that made and checked
it; and each slice's wall time, lines and peak memory.

    # a new folder with the requests the ledger does not have yet
    python benchmarks/sweep_ledger.py start [--ledger FILE] [--out DIR]
    python benchmarks/sweep.py --resume FOLDER --stop-after 5400    # a slice
    # re-check the folder's plans (each by its own commit's code) and keep
    # the verdicts of the lines the ledger lacks
    python benchmarks/sweep_ledger.py export FOLDER [--ledger FILE]
    # the whole sweep's report, from the ledger alone
    python benchmarks/sweep_ledger.py report [--ledger FILE]

The ledger's first line holds the sweep's settings (n, seed, first_plan,
time_limit, quick_requests): every slice plans the same seeded requests
(``sweep.profile``), so an id means the same request in every session. A line
whose id the ledger already holds is kept as a duplicate, never dropped.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sweep

LEDGER = sweep.REPO / "benchmarks" / "sweep_ledger" / "seed13-n10000-first-plan.jsonl"
SETTINGS = ("n", "seed", "quick_requests", "first_plan", "time_limit")
DEFAULT_SETTINGS = {
    "n": 10000,
    "seed": 13,
    "quick_requests": False,
    "first_plan": True,
    "time_limit": None,
}


def read(
    path: Path,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """(settings, line records, slice records) of a ledger; a new one if absent."""
    if not path.exists():
        return dict(DEFAULT_SETTINGS), [], []
    settings: dict[str, Any] | None = None
    lines: list[dict[str, Any]] = []
    slices: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as f:
        for raw in f:
            if not raw.strip():
                continue
            rec = json.loads(raw)
            if "settings" in rec:
                settings = rec["settings"]
            elif "slice" in rec:
                slices.append(rec["slice"])
            else:
                lines.append(rec)
    if settings is None:
        msg = f"sweep_ledger.py: {path} has no settings line"
        raise SystemExit(msg)
    return settings, lines, slices


def append(path: Path, records: list[dict[str, Any]], settings: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", encoding="utf-8") as f:
        if new:
            f.write(json.dumps({"settings": settings}) + "\n")
        for rec in records:
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")


def requests_of(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The sweep's seeded requests, exactly as sweep.py makes them."""
    rng = random.Random(settings["seed"])
    return [
        sweep.profile(
            rng,
            i,
            settings["quick_requests"],
            settings["first_plan"],
            settings["time_limit"],
        )
        for i in range(settings["n"])
    ]


def start(ledger: Path, out: Path, workers: int) -> int:
    settings, lines, _ = read(ledger)
    done = {r["id"] for r in lines}
    todo = [r for r in requests_of(settings) if r["id"] not in done]
    if not todo:
        print(f"every one of the {settings['n']} requests is in {ledger}")
        return 0
    folder = out / f"sweep-{time.strftime('%Y%m%dT%H%M%S')}-ledger-{len(todo)}"
    folder.mkdir(parents=True)
    (folder / "requests.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in todo), encoding="utf-8"
    )
    folder_settings = {
        **{k: settings[k] for k in SETTINGS},
        # sweep.py's report is this folder's: its n is the requests left.
        "n": len(todo),
        "of_n": settings["n"],
        "ledger": str(ledger),
        "workers": workers,
        "slices": [],
    }
    (folder / "sweep.json").write_text(
        json.dumps(folder_settings, indent=2), encoding="utf-8"
    )
    print(f"{len(todo)} of {settings['n']} requests left; run a slice with:")
    print(f"  python benchmarks/sweep.py --resume {folder} --stop-after 5400")
    print(f"then: python benchmarks/sweep_ledger.py export {folder}")
    return 0


def export(folder: Path, ledger: Path) -> int:
    """Re-check FOLDER's plans and add the lines the ledger lacks."""
    fs = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    if ledger.exists():
        settings, lines, slices = read(ledger)
    else:  # a new ledger takes the folder's sweep
        settings = {**{k: fs[k] for k in SETTINGS}, "n": fs.get("of_n", fs["n"])}
        lines, slices = [], []
    mismatch = [k for k in SETTINGS if k != "n" and fs.get(k) != settings.get(k)]
    if fs.get("of_n", fs["n"]) != settings["n"]:
        mismatch.append("n")
    if mismatch:
        print(
            f"sweep_ledger.py: {folder} was planned with other settings than the "
            f"ledger's ({', '.join(mismatch)}): start a ledger of its own with --ledger.",
            file=sys.stderr,
        )
        return 2
    with (folder / "requests.jsonl").open(encoding="utf-8") as f:
        reqs = [json.loads(x) for x in f if x.strip()]
    by_id = {r["id"]: r for r in reqs}
    state = sweep.code_state()
    rows = sweep.check_slices(reqs, folder, fs, state)
    if any(r.get("unchecked") for r in rows):
        print("sweep_ledger.py: some lines could not be re-checked", file=sys.stderr)
        return 1
    verdicts = {v[0]: (v[1], v[2]) for r in rows for v in r["verdicts"]}
    plans = folder / "plans.jsonl"
    spans = sweep.slice_lines(fs["slices"], sweep._lines(plans))
    known = {r["id"] for r in lines}
    seen_lines = {r["line"] for r in lines}
    exported = {s.get("folder_slice") for s in slices}
    records: list[dict[str, Any]] = []
    running = 0
    for number, result in sweep._results(plans):
        commit = next((c for c, a, b in spans if a <= number < b), "?")
        key = f"{folder.name}:{number}"
        if key in seen_lines:
            continue  # exported before
        if commit == "?":
            # A line of no recorded slice: one still running (its commit is
            # recorded when it ends), so export it after that.
            running += 1
            continue
        violation, other = verdicts.get(result.id, (None, False))
        records.append(
            {
                "id": result.id,
                "line": key,
                "status": result.status.value,
                "kind": sweep._kind(result),
                "days": int(by_id.get(result.id, {}).get("days", 1)),
                "seconds": result.seconds,
                "error": result.error.type if result.error is not None else None,
                "checked": result.plan is not None,
                "violation": violation,
                "another_request": bool(other),
                "duplicate": result.id in known,
                "commit": sweep.full_commit(commit),
            }
        )
        known.add(result.id)
    slice_records = []
    for k, s in enumerate(fs["slices"]):
        tag = f"{folder.name}:{k}"
        if tag in exported:
            continue
        slice_records.append(
            {
                "slice": {
                    "folder_slice": tag,
                    **{
                        key: s.get(key)
                        for key in (
                            "commit",
                            "dirty",
                            "workers",
                            "started_load",
                            "seconds",
                            "lines_added",
                            "exit",
                            "stopped",
                            "parent_peak_mb",
                            "worker_peak_mb",
                        )
                    },
                }
            }
        )
    append(ledger, records + slice_records, settings)
    print(f"{len(records)} lines and {len(slice_records)} slice(s) added to {ledger}")
    if running:
        print(
            f"{running} lines of a slice still running left out: export again after it"
        )
    return 0


def report(ledger: Path) -> int:
    settings, lines, slices = read(ledger)
    n = settings["n"]
    ids = {r["id"] for r in lines}
    status = Counter(r["status"] for r in lines if not r["duplicate"])
    errors = Counter(
        f"{r['status']}: {r['error']}"
        for r in lines
        if r["error"] and not r["duplicate"]
    )
    violations = [r for r in lines if r["violation"]]
    other = sum(r["another_request"] for r in lines)
    dups = sum(r["duplicate"] for r in lines)
    expected = {r["id"] for r in requests_of(settings)}
    unknown = len(ids - expected)
    left = len(expected - ids)
    seconds = sum(s["seconds"] or 0.0 for s in slices)
    done = len(ids & expected)
    print(
        f"Sweep of {n} random profiles (seed {settings['seed']}, first plan "
        f"{'on' if settings['first_plan'] else 'off'}), from the ledger {ledger.name}: "
        f"{done} done in {len(slices)} slice(s)\n"
    )
    print("| measure | value |")
    print("|---|---:|")
    for key in ("planned", "infeasible", "invalid", "failed"):
        print(f"| {key} | {status.get(key, 0)} |")
    print(
        f"| plans re-checked by tests/checks.py | {sum(r['checked'] for r in lines)} |"
    )
    print(f"| violations | {len(violations)} |")
    print(f"| plan of another request | {other} |")
    print(f"| not planned yet | {left} |")
    print(f"| duplicated | {dups} |")
    print(f"| ids not of this sweep | {unknown} |")
    rate = done / seconds if seconds else 0.0
    print(f"| wall time, all slices | {seconds:.0f} s ({rate:.2f} requests/s) |")
    if slices:
        print(
            f"| peak memory, CLI process | {max(s['parent_peak_mb'] or 0 for s in slices):.0f} MB |"
        )
        print(
            f"| peak memory, largest worker | {max(s['worker_peak_mb'] or 0 for s in slices):.0f} MB |"
        )
    print("\n| slice | commit | workers | load at start | wall s | lines | exit |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for s in slices:
        load = (s.get("started_load") or [0])[0]
        print(
            f"| {s['folder_slice']} | {str(s['commit'])[:7]} | {s['workers']} | {load:.1f} "
            f"| {s['seconds']:.0f} | {s['lines_added']} | {s['exit']} |"
        )
    if errors:
        print("\nerrors: " + ", ".join(f"{k} x{v}" for k, v in sorted(errors.items())))
    for r in violations[:10]:
        print(f"violation: [{r['commit'][:7]}] {r['id']}: {r['violation']}")
    spent: dict[tuple[str, int], list[float]] = {}
    for r in lines:
        cell = spent.setdefault((r["kind"], r["days"]), [0, 0.0])
        cell[0] += 1
        cell[1] += r["seconds"] or 0.0
    sweep._time_table(
        [
            {"kind": k, "days": d, "results": int(c), "worker_seconds": t}
            for (k, d), (c, t) in sorted(spent.items())
        ]
    )
    if left and rate:
        print(f"\nThe {left} left at this rate: about {left / rate / 3600:.1f} h.")
    return 0 if not violations and not other and not dups and not unknown else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("start", "export", "report"):
        p = sub.add_parser(name)
        p.add_argument("--ledger", type=Path, default=LEDGER)
        if name == "start":
            p.add_argument(
                "--out", type=Path, default=sweep.REPO / "benchmarks" / "results"
            )
            p.add_argument("--workers", type=int, default=2)
        if name == "export":
            p.add_argument("folder", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "start":
        return start(args.ledger, args.out, args.workers)
    if args.cmd == "export":
        return export(args.folder, args.ledger)
    return report(args.ledger)


if __name__ == "__main__":
    raise SystemExit(main())
