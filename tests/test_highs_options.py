"""Each SolveOptions switch reaches HiGHS as the option it names."""

from __future__ import annotations

from typing import Any

import pytest

from mealplan import _optimiser, _solution
from mealplan._backend import BackendStatus, SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from tests.counting import patch_solver
from tests.six_foods import six_food_problem

# SolveOptions field -> (HiGHS option, its value when the field is False,
# its value when True).
SWITCHES = {
    "cuts": ("mip_pool_soft_limit", 1, 10000),
    "sub_mips": ("mip_heuristic_run_rins", False, True),
    "feasibility_jump": ("mip_heuristic_run_feasibility_jump", False, True),
}


def _options_after(options: SolveOptions) -> dict[str, object]:
    backend = HighsBackend()
    backend.load(formulate(six_food_problem(days=1)))
    deadline = Deadline(60)
    result = backend.solve(deadline, options)
    assert not deadline.hit, "a generous deadline was hit: the verdict is not proven"
    # The switches change how HiGHS searches, never what it proves.
    assert result.status is BackendStatus.OPTIMAL
    h = backend._h  # the test reads HiGHS's own option values
    return {name: h.getOptionValue(name)[1] for name, _, _ in SWITCHES.values()}


def test_each_switch_off_sets_its_highs_option_and_the_defaults_keep_highs_own() -> (
    None
):
    off = _options_after(
        SolveOptions(cuts=False, sub_mips=False, feasibility_jump=False)
    )
    on = _options_after(SolveOptions())
    for name, low, high in SWITCHES.values():
        assert off[name] == low, name
        assert on[name] == high, name


def test_only_a_plans_support_restriction_drops_the_feasibility_jump(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The support's restriction under the gap-test cutoff runs without cut
    # pool and jump for a plan (measured there); the diagnosis's questions
    # ("any plan", fewest foods) keep what they had.
    seen: list[tuple[bool, bool]] = []
    run = _solution._run

    def spy(*args: Any, **kwargs: Any) -> Any:
        options = args[4]
        if options.cutoff is not None:
            seen.append((options.cuts, options.feasibility_jump))
        return run(*args, **kwargs)

    patch_solver(monkeypatch, "_run", spy)
    problem = six_food_problem(days=1)
    _optimiser.solve(problem, time_limit=60, mip_gap=1.0)
    plan_first = seen[0]
    seen.clear()
    _optimiser.solve(problem, time_limit=60, goal=("min", "none"))
    assert plan_first == (False, False)
    assert seen, "the feasibility question ran no restriction under a cutoff"
    assert seen[0] == (False, True)
    seen.clear()
    _optimiser.solve(problem, time_limit=60, goal=("min", "foods"))
    assert seen, "the fewest-foods question ran no restriction under a cutoff"
    assert seen[0] == (True, True)
