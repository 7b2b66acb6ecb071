"""One deadline per request: parts of it, no solve after it, HiGHS stopped at it.

Most of these run on a fake clock (``Deadline.clock``), so their verdicts do
not depend on the machine's speed; the two that run HiGHS give it far more
time than it needs and check what it was given, not how long it took. The
deadline passing in the middle of a model build, or before the advice of a
diagnosis, is a move of the fake clock at that point: what is checked is
that nothing starts after it and what the caller gets, never a duration.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import mealplan
from mealplan import (
    _backend_highs,
    _diagnose,
    _formulation,
    _guided_start,
    _optimiser,
    _planner,
)
from mealplan._backend import BackendStatus, SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline, OutOfTime
from mealplan._formulation import formulate
from mealplan._optimiser import Solution, SolveStatus, solve
from tests.six_foods import six_food_problem


class Clock:
    """A clock that moves only when told."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_part_never_ends_after_the_request() -> None:
    clock = Clock()
    request = Deadline(10.0, started=clock.now, clock=clock)
    clock.now += 4.0
    part = request.part(30.0)  # asks for more than is left
    assert part.left() == pytest.approx(6.0)
    assert part.end == request.at
    half = request.sub(0.5)
    assert half.left() == pytest.approx(3.0)
    assert half.end == request.at
    # A part of a part still knows the request's end.
    assert half.part(1.0).end == request.at
    clock.now += 3.5
    assert half.expired
    assert not request.expired
    assert request.left() == pytest.approx(2.5)


def test_an_expired_deadline_has_only_expired_parts() -> None:
    clock = Clock()
    request = Deadline(1.0, started=clock.now, clock=clock)
    clock.now += 2.0
    assert request.expired
    assert request.part(5.0).expired
    assert request.sub(0.5).expired
    # A solver is still never handed a zero limit.
    assert request.limit() > 0.0


def test_no_solve_starts_once_the_time_is_up() -> None:
    clock = Clock()
    problem = six_food_problem()
    backend = HighsBackend()
    backend.load(formulate(problem))
    done = Deadline(1.0, started=clock.now - 2.0, clock=clock)
    result = backend.solve(done, SolveOptions())
    assert result.status is BackendStatus.NO_SOLUTION
    assert result.time_limited
    assert done.hit
    # The strategy layer does not even build a model.
    solution = solve(
        problem, deadline=Deadline(1.0, started=clock.now - 2.0, clock=clock)
    )
    assert solution.status is SolveStatus.NO_SOLUTION
    assert solution.time_limited


class _NeverEnds:
    """Stands in for a HiGHS solve that ignores its time limit."""

    def __init__(self, clock: Clock) -> None:
        self.stop = False
        self.stopped_at: float | None = None
        self.clock = clock
        self.done = self

    @property
    def running(self) -> bool:
        return True

    def wait(self, timeout: float) -> bool:
        # Waiting moves the fake clock; the cancel flag is noted when seen.
        if self.stop and self.stopped_at is None:
            self.stopped_at = self.clock.now
        self.clock.now += timeout
        return False


def test_a_solve_that_does_not_stop_is_cancelled_then_abandoned() -> None:
    clock = Clock()
    request = Deadline(10.0, started=clock.now, clock=clock)
    clock.now += 5.0
    part = request.part(2.0)  # the solve's own share ends 3 s before the request
    run = _NeverEnds(clock)
    backend = HighsBackend()
    assert not backend._watch(run, part)  # type: ignore[arg-type]
    # Cancelled at the end of its part (first look after it), abandoned
    # _ABANDON_AFTER past the request's end, not before.
    assert run.stopped_at is not None
    assert part.at <= run.stopped_at <= part.at + _backend_highs._POLL + 1e-9
    assert clock.now >= request.at + _backend_highs._ABANDON_AFTER
    assert clock.now <= request.at + _backend_highs._ABANDON_AFTER + 1e-6


def test_a_solve_that_ends_in_time_is_not_cancelled() -> None:
    clock = Clock()
    request = Deadline(10.0, started=clock.now, clock=clock)
    run = _NeverEnds(clock)
    ended = threading.Event()
    ended.set()
    run.done = ended  # type: ignore[assignment]
    assert HighsBackend()._watch(run, request)  # type: ignore[arg-type]
    assert not run.stop


def test_every_solve_of_a_plan_shares_the_request_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A two-day plan runs the rotation seed, the day-by-day seed or the
    # column generation, each with its parts of the time: every HiGHS call
    # must get a deadline that ends with the request's, never after it.
    made: list[Deadline] = []

    class Recorded(Deadline):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    seen: list[tuple[float, float]] = []
    inner = HighsBackend.solve

    def solve_seen(self: HighsBackend, deadline: Deadline, options: Any) -> Any:
        seen.append((deadline.end, deadline.at))
        return inner(self, deadline, options)

    monkeypatch.setattr(_planner, "Deadline", Recorded)
    monkeypatch.setattr(HighsBackend, "solve", solve_seen)
    request = {
        "person": {"age": 35, "sex": "female"},
        "days": 2,
        "time_limit": 300,
        "mip_gap": 1.0,  # the first plan: its checks hold for any plan
    }
    plan = mealplan.plan(request)
    assert plan.days
    assert len(plan.days) == 2
    root = made[0]
    assert seen
    for end, at in seen:
        assert end == root.at
        assert at <= root.at
    assert not root.hit


# ------------------------------------------------- the deadline passes mid-build


class _Solves:
    """Every HiGHS solve started, with the fake clock's time at its start."""

    def __init__(self, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at: list[float] = []
        inner = HighsBackend.solve

        def solve_seen(backend: HighsBackend, deadline: Deadline, options: Any) -> Any:
            self.at.append(clock.now)
            return inner(backend, deadline, options)

        monkeypatch.setattr(HighsBackend, "solve", solve_seen)


def _late_block(
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    armed: Callable[[], bool] = lambda: True,
) -> list[int]:
    """Make the formulation's second block move ``clock`` a day on, when ``armed``.

    Returns the list the builds that did so are counted in.
    """
    moved: list[int] = []
    inner = _formulation.BLOCKS[1]

    def late(b: Any) -> None:
        inner(b)
        if armed():
            clock.now += 86400.0
            moved.append(1)

    blocks = list(_formulation.BLOCKS)
    blocks[1] = late
    monkeypatch.setattr(_formulation, "BLOCKS", blocks)
    return moved


def test_a_build_the_deadline_passes_stops_at_the_next_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock()
    problem = six_food_problem()
    seen: list[str] = []

    def traced(block: Callable[[Any], None]) -> Callable[[Any], None]:
        def run(b: Any) -> None:
            seen.append(block.__name__)
            block(b)

        return run

    monkeypatch.setattr(
        _formulation, "BLOCKS", [traced(block) for block in _formulation.BLOCKS]
    )
    moved = _late_block(clock, monkeypatch)
    deadline = Deadline(10.0, started=clock.now, clock=clock)
    with pytest.raises(OutOfTime):
        formulate(problem, deadline=deadline)
    assert moved == [1]
    assert deadline.hit
    # Stopped before the third block: the rest of the build never ran.
    assert len(seen) == 2
    # Without a deadline (or with time left) the same build completes.
    assert formulate(problem).num_rows > 0


def test_a_deadline_passing_mid_build_gives_the_time_limit_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The guided start's first build (the relaxation) is cut off: no plan
    # exists, no solve starts, and plan() raises its typed time-limit error.
    clock = Clock()
    solves = _Solves(clock, monkeypatch)

    def faked(seconds: float, **_: Any) -> Deadline:
        return Deadline(seconds, started=clock.now, clock=clock)

    monkeypatch.setattr(_planner, "Deadline", faked)
    moved = _late_block(clock, monkeypatch)
    with pytest.raises(mealplan.SolverError) as caught:
        mealplan.plan({"person": {"age": 35, "sex": "female"}, "time_limit": 60})
    assert moved == [1]
    assert solves.at == []
    assert "time limit" in str(caught.value)
    assert caught.value.status == "Time limit reached"


def test_a_deadline_passing_while_the_full_model_is_built_keeps_the_best_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The guided start found a plan but could not prove it (its bound is
    # made weak here), so the full MILP is built: the deadline passes during
    # that build. The answer is the guided plan, whole and marked
    # time-limited, not a plan of the half-built model; no solve starts late.
    clock = Clock()
    problem = six_food_problem()
    guided = _guided_start._guided  # what _optimiser imported
    full = [False]

    def unproven(*args: Any, **kwargs: Any) -> Solution | None:
        found = guided(*args, **kwargs)
        assert found is not None
        assert found.objective is not None
        assert found.units
        found.status = SolveStatus.FEASIBLE
        found.bound = found.objective - 10.0
        found.gap = None
        full[0] = True  # the next build is the full model's
        return found

    monkeypatch.setattr(_optimiser, "_guided", unproven)
    moved = _late_block(clock, monkeypatch, armed=lambda: full[0])
    solves = _Solves(clock, monkeypatch)
    deadline = Deadline(60.0, started=clock.now, clock=clock)
    solution = solve(problem, deadline=deadline, abs_gap=0.0)
    assert moved == [1]
    assert solution.status is SolveStatus.FEASIBLE
    assert solution.time_limited
    assert deadline.hit
    assert solution.units
    # Every solve started before the deadline passed.
    assert all(at < deadline.end for at in solves.at)
    # The plan is the guided start's, complete: each food within its caps.
    for (_, _, f), units in solution.units.items():
        assert problem.min_units[f] - 1e-9 <= units <= problem.max_units[f] + 1e-9


# ------------------------------------------- a diagnosis with no time for advice


def test_a_diagnosis_out_of_time_marks_its_advice_unverified(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The conflict search runs (on a generous fake limit), then the clock
    # passes the request's end: the advice gets no time at all (no floor),
    # starts no solve, and what it offers says it was not verified.
    clock = Clock()

    def faked(seconds: float, **_: Any) -> Deadline:
        return Deadline(seconds, started=clock.now, clock=clock)

    search = _diagnose.diagnose
    ends: list[float] = []

    def searched(*args: Any, **kwargs: Any) -> Any:
        found = search(*args, **kwargs)
        ends.append(kwargs["deadline"].end)
        clock.now = kwargs["deadline"].end + 1.0
        return found

    monkeypatch.setattr(_planner, "Deadline", faked)
    monkeypatch.setattr(_diagnose, "diagnose", searched)
    solves = _Solves(clock, monkeypatch)
    request = {
        "person": {"age": 73, "sex": "female"},
        "diet": "pescatarian",
        "allow_fortified": False,
        "max_foods": 3,
        "time_limit": 60,
    }
    with pytest.raises(mealplan.InfeasiblePlanError) as caught:
        # Issue 15's hard day, posed and proven on the single foods.
        mealplan.plan(request, mealplan.load_foods(dishes=False))
    diagnosis = caught.value.diagnosis
    assert diagnosis is not None
    assert len(ends) == 1
    # Nothing started after the request's end: what is left is Python.
    assert all(at < ends[0] for at in solves.at)
    assert diagnosis.conflicts
    # The food count's floor is named without a solve, and marked unverified.
    assert diagnosis.suggestions
    assert not any(s.verified for s in diagnosis.suggestions)
    assert {"max_foods": 4} in [s.patch for s in diagnosis.suggestions]
    assert any("time limit ran out" in n for n in diagnosis.advice_notes)
    assert "No change was verified" in diagnosis.message


def test_a_time_limit_error_names_the_limit_the_caller_set() -> None:
    # A 3-day plan at 0.01 s never has a first plan; the message said
    # "within 0.0 s" (the seed's own share, already spent), not the limit.
    request = {"person": {"age": 35, "sex": "female"}, "days": 3, "time_limit": 0.01}
    with pytest.raises(mealplan.SolverError) as info:
        mealplan.plan(request)
    assert "within the time limit of 0.01 s" in str(info.value), str(info.value)
