"""One deadline per request: parts of it, no solve after it, HiGHS stopped at it.

Most of these run on a fake clock (``Deadline.clock``), so their verdicts do
not depend on the machine's speed; the two that run HiGHS give it far more
time than it needs and check what it was given, not how long it took.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

import mealplan
from mealplan import _backend_highs, _planner
from mealplan._backend import BackendStatus, SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from mealplan._optimiser import SolveStatus, solve
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
