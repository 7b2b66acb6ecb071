"""Which candidates a request's default objective charges as sweets.

The charges (``Problem.treats``: sweetened milks, sweet bakery, flavoured
yogurts, plant milks, gluten-free products) are read off the built problem,
without a solver.
"""

from __future__ import annotations

from typing import Any

from mealplan import load_foods
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem


def charges(data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The candidates the objective charges as sweets, and every candidate."""
    table = load_foods()
    req = parse_request(data)
    problem = build_problem(req, resolve_targets(req, table), table)
    return {problem.food_ids[i] for i in problem.treats}, set(problem.food_ids)
