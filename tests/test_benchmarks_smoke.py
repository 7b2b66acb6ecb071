"""Smoke test: ``benchmarks/run.py --quick`` runs and writes its JSON.

Nothing about speed is asserted: the machine running the tests is not the
benchmark machine. The quick mode skips the SR28 cases, so this needs no
../shared.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUN = REPO / "benchmarks" / "run.py"


def test_quick_benchmark_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = sorted(out.glob("*.json"))
    assert len(files) == 1
    assert files[0].with_suffix(".md").is_file()
    res = json.loads(files[0].read_text())

    expected = {
        "meta",
        "versions",
        "machine",
        "cases",
        "scaling",
        "regenerate",
        "weekly_quality",
        "cold_start",
        "memory",
        "goals",
        "total_seconds",
    }
    assert expected <= set(res)
    assert res["meta"]["mode"] == "quick"
    for key in ("python", "pulp", "highspy", "pandas", "mealplan_commit"):
        assert key in res["versions"]
    for key in ("cpu_model", "cores", "memory_gb"):
        assert key in res["machine"]

    daily = res["cases"][0]
    assert daily["name"] == "daily: omnivore woman 35"
    for key in ("e2e", "build", "solve", "extract", "other", "status"):
        assert key in daily["plan"]
    assert daily["plan"]["status"] in {"optimal", "feasible"}
    for solver in ("highs", "cbc"):
        assert daily[solver]["median"] is not None
    assert daily["ratio_vs_bare"] is not None

    assert [p["foods"] for p in res["scaling"]["foods"]] == [100, 400]
    assert res["scaling"]["days"][0]["days"] == 1
    assert {"import", "load", "import_and_load"} <= set(res["cold_start"])
    assert res["memory"]["daily"]["peak_mb"] > 0
    assert not any(c["group"] == "sr28" for c in res["cases"])

    goals = {g["goal"]: g for g in res["goals"]}
    assert set(goals) == {
        "daily_vs_bare",
        "daily_median",
        "daily_overhead_share",
        "sr28_optimal",
        "weekly_first_feasible",
        "weekly_within_1pct",
        "month_within_2pct",
        "import_and_load",
        "cli_plan",
    }
    for goal in goals.values():
        assert goal["result"] in {"PASS", "MISS", "SKIP"}
    assert "## Goals" in proc.stdout
