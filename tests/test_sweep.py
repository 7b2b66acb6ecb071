"""The sweep's bookkeeping across commits (benchmarks/sweep.py), solver-free.

A sweep of 10,000 profiles runs in slices over sessions, and later commits
change the checker: each slice's lines must be re-checked by the code of the
commit that made them, and a slice must not silently run on another commit.
These tests build a tiny sweep folder by hand (six requests, two slices, one
of them on a fake commit) instead of planning anything.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mealplan import BatchError, BatchResult, BatchStatus

SWEEP = Path(__file__).resolve().parents[1] / "benchmarks" / "sweep.py"
FAKE = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def sweep() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sweep_under_test", SWEEP)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _folder(tmp_path: Path, slices: list[dict[str, Any]], lines: int) -> Path:
    """Six requests, ``lines`` result lines (failed: nothing to plan)."""
    requests = [
        {"id": f"s{i:05d}", "person": {"age": 30, "sex": "female"}} for i in range(6)
    ]
    (tmp_path / "requests.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in requests), encoding="utf-8"
    )
    error = BatchError(type="SolverError", message="No plan within the time limit.")
    results = [
        BatchResult(id=f"s{i:05d}", index=i, status=BatchStatus.FAILED, error=error)
        for i in range(lines)
    ]
    (tmp_path / "plans.jsonl").write_text(
        "".join(r.model_dump_json() + "\n" for r in results), encoding="utf-8"
    )
    settings = {"n": 6, "workers": 2, "seed": 13, "slices": slices}
    (tmp_path / "sweep.json").write_text(json.dumps(settings), encoding="utf-8")
    return tmp_path


def _slice(commit: str, added: int, lines: list[int] | None = None) -> dict[str, Any]:
    s: dict[str, Any] = {
        "commit": commit,
        "lines_added": added,
        "seconds": 1.0,
        "parent_peak_mb": 40.0,
        "worker_peak_mb": 200.0,
    }
    if lines is not None:
        s["lines"] = lines
    return s


def test_each_slice_owns_the_lines_it_added(sweep: ModuleType) -> None:
    # Older slices recorded only how many lines they added (in file order);
    # newer ones record their lines; lines no slice accounts for are "?".
    slices = [_slice("aaa", 2), _slice("bbb", 3, [2, 5])]
    assert sweep.slice_lines(slices, 6) == [("aaa", 0, 2), ("bbb", 2, 5), ("?", 5, 6)]
    assert sweep.slice_lines([], 0) == []


def test_a_slice_on_another_commit_is_refused_unless_asked(
    sweep: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, [_slice(FAKE, 3, [0, 3])], 3)
    before = (folder / "sweep.json").read_text(encoding="utf-8")
    # Refused before anything runs or is written.
    assert sweep.main(["--resume", str(folder), "--stop-after", "0"]) == 2
    err = capsys.readouterr().err
    assert "0123456" in err
    assert "--allow-mixed-commits" in err
    assert (folder / "sweep.json").read_text(encoding="utf-8") == before
    state = {"commit": FAKE, "dirty": False}
    assert sweep.other_commits(json.loads(before), state) == []
    args = sweep._arguments(["--allow-mixed-commits"])
    assert "uncommitted" in sweep.refusal(
        {"slices": []}, {"commit": FAKE, "dirty": True}, args
    )
    assert sweep.refusal({"slices": []}, state, args) is None


def test_each_commit_s_lines_are_checked_by_that_commit(
    sweep: ModuleType, tmp_path: Path
) -> None:
    here = sweep.code_state()
    if here["commit"] == "?":
        pytest.skip("not a git checkout: no commit to attribute lines to")
    slices = [
        _slice(FAKE, 2, [0, 2]) | {"dirty": True},
        _slice(here["commit"], 3, [2, 5]),
    ]
    folder = _folder(tmp_path, slices, 6)
    asked: list[tuple[str, list[tuple[int, int]]]] = []

    def elsewhere(commit: str, spans: list[tuple[int, int]]) -> dict[str, Any]:
        asked.append((commit, spans))
        return {
            "checked": 0,
            "violations": 1,
            "violation_examples": ["s00000: an old rule"],
            "plans_of_another_request": 0,
        }

    state = {"commit": here["commit"], "dirty": False}
    text = (folder / "requests.jsonl").read_text(encoding="utf-8")
    reqs = [json.loads(line) for line in text.splitlines()]
    settings = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    rows = sweep.check_slices(reqs, folder, settings, state, elsewhere)
    # The fake commit's two lines went to its own checker, and only they.
    assert asked == [(FAKE, [(0, 2)])]
    by = {r["commit"]: r for r in rows}
    assert by[FAKE]["violations"] == 1
    assert by[FAKE]["made_from_uncommitted_changes"]
    assert by[FAKE]["lines"] == 2
    assert by[FAKE]["slices"] == 1
    mine = by[sweep.full_commit(here["commit"])]
    assert (mine["lines"], mine["checked_by"], mine["violations"]) == (
        3,
        "this tree",
        0,
    )
    # The line no slice wrote is checked here and said to be unattributed.
    assert by["?"]["lines"] == 1
    assert "no recorded commit" in by["?"]["checked_by"]
    # A commit whose code is unavailable leaves its lines unchecked, saying so.

    def missing(commit: str, spans: list[tuple[int, int]]) -> dict[str, Any]:
        msg = f"no commit {commit[:7]} in this clone"
        raise RuntimeError(msg)

    rows = sweep.check_slices(reqs, folder, settings, state, missing)
    gone = next(r for r in rows if r["commit"] == FAKE)
    assert gone["unchecked"]
    assert gone["checked_by"].startswith("NOT CHECKED: no commit 0123456")
    # With uncommitted changes here, even this commit's lines go to its own code.
    asked.clear()
    sweep.check_slices(reqs, folder, settings, {**state, "dirty": True}, elsewhere)
    assert [c for c, _ in asked] == [FAKE, sweep.full_commit(here["commit"])]
