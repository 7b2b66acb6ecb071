"""The diagnosis in plain words: who the day is for, and the safety rules in play.

Two things a bare list of constraint groups does not say:

- **Who and what**: a conflict between one nutrient need and filters reads
  as "A pregnant vegan day cannot reach 27 mg of iron (RDA) within the
  energy range ...", naming the life stage and the diet, not only the
  constraint groups.
- **Food-safety rules**: the rules of a life stage (``foods/safety_rules.csv``)
  are not a constraint group the search may switch off, so a conflict they
  cause shows up as a need nothing allowed can meet. :func:`safety_conflicts`
  asks whether the conflicting groups alone would plan with the rule's foods
  allowed back; when so, the rule, its foods, its reason and its published
  source are named. The rule itself is never relaxed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from mealplan._models import Conflict, PlanRequest, SafetyConflict
from mealplan._problem_groups import GroupKind
from mealplan._safety import LIFE_STAGES, life_stages, unsafe_foods

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._deadline import Deadline
    from mealplan._models import NutrientTargets
    from mealplan._problem import ConstraintGroup
    from mealplan._safety import SafetyRule

__all__ = ["conflict_head", "safety_conflicts", "safety_sentence"]

_MAX_RULES = 6
"""Rules tried one at a time (each one solve); more are named together."""

_FILTERS = ("diet", "fortified", "allergies", "exclude", "priced")


def _subject(req: PlanRequest, diet: bool) -> str:
    """Return e.g. 'pregnant vegan day', 'day in pregnancy' or "2-year-old's day"."""
    span = "day" if req.days == 1 else f"{req.days}-day plan"
    person = req.person
    kind = f"{req.diet.value} " if diet else ""
    if person is not None and person.pregnancy:
        return f"pregnant {kind}{span}" if diet else f"{span} in pregnancy"
    if person is not None and person.lactation:
        return (
            f"{span} while breastfeeding" if not diet else f"breastfeeding {kind}{span}"
        )
    if person is not None and person.age < 12:
        return f"{person.age:g}-year-old's {kind}{span}"
    return f"{kind}{span}"


def conflict_head(conflicts: Sequence[Conflict], req: PlanRequest) -> str | None:
    """Return the plain-words sentence for a conflict of one nutrient need.

    E.g. "A pregnant vegan day cannot reach 2.6 µg of vitamin B12 a day (RDA)
    with no fortified foods and realistic portion caps per food", or "...
    within the energy range (at most 2,000 kcal of energy a day)". None when
    the conflict is not one minimum (other than energy) against the rest.
    """
    needs = [
        c
        for c in conflicts
        if c.constraint.startswith("min:") and c.constraint != "min:energy_kcal"
    ]
    if len(needs) != 1:
        return None
    need = needs[0]
    diet = any(c.constraint == "diet" for c in conflicts)
    rest = [c for c in conflicts if c is not need and c.constraint != "diet"]
    energy = [c for c in rest if c.constraint.endswith(":energy_kcal")]
    others = [c for c in rest if c not in energy]
    subject = _subject(req, diet)
    article = "An" if subject[0] in "aeiou" else "A"
    goal = need.description.removeprefix("at least ")
    text = f"{article} {subject} cannot reach {goal}"
    if others:
        text += " with " + _and([c.description for c in others])
    if energy:
        text += (
            (", " if others else "")
            + " within the energy range ("
            + "; ".join(c.description for c in energy)
            + ")"
        ).replace(",  ", ", ")
    return text + "."


def _and(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def safety_conflicts(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    kept: Collection[ConstraintGroup],
    groups: Collection[ConstraintGroup],
    deadline: Deadline,
) -> list[SafetyConflict]:
    """Return the safety rules whose foods would let the conflict ``kept`` plan.

    Only the conflicting groups are imposed (as in the conflict search). With
    every unsafe food allowed back and still no plan, the rules are not in
    play. Otherwise each rule is tried alone (its foods back, the other
    rules' foods banned); the rules that give a plan alone are named, or, if
    none does, every rule whose foods the plan used.
    """
    from mealplan._optimiser import SolveStatus, solve
    from mealplan._problem import Restrictions, build_problem

    stages = life_stages(req.person)
    if not stages or deadline.expired:
        return []
    unsafe = unsafe_foods(table, stages)
    if not unsafe:
        return []
    # The portion caps stay on even where the conflict does without them: a
    # rule is named only when its foods would plan in portions a person eats
    # (a vegan 2-year-old's vitamin B12 from raw UV mushrooms, 0.1 ug per
    # 100 g, needs 900 g of them: no reason to name the choking rule).
    # So do the person's own filters (diet, allergies, exclusions): a rule is
    # named only for foods this person would eat otherwise (a vegetarian boy
    # of 7 on $3 a day was told only swordfish, beer and cola could meet his
    # vitamin D, the conflict being the budget's and his diet no part of it).
    disabled = {
        g
        for g in set(groups) - set(kept)
        if g.kind is not GroupKind.PORTION_LIMITS and not g.is_filter
    }

    def plan_with(banned: Collection[str]) -> dict[str, float] | None:
        """Return the unsafe foods a plan of the conflict uses (None: no plan)."""
        # The person stays (their juice, milk and fish caps, portion sizes):
        # only the safety rules' foods come back. Planning without the person
        # dropped the caps with the rules, and a toddler's juice cap broken
        # by an included smoothie named empanadas as what "could meet it".
        extra = Restrictions(
            bans=tuple((None, None, f) for f in sorted(banned)),
            hard=True,
            safety_probe=True,
        )
        problem = build_problem(
            req, targets, table, disabled=disabled, restrictions=extra
        )
        if deadline.expired:
            return None
        sol = solve(
            problem,
            solver=req.solver,
            mip_gap=1.0,
            goal=("min", "none"),
            deadline=deadline,
        )
        if sol.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            return None
        used: dict[str, float] = {}
        for (_, _, f), units in sol.units.items():
            fid = problem.food_ids[f]
            if fid in unsafe and units > 1e-6:
                used[fid] = used.get(fid, 0.0) + units
        return used

    everything = plan_with(())
    if everything is None:
        return []
    rules: dict[str, SafetyRule] = {}
    foods_of: dict[str, list[str]] = {}
    for fid, rule in unsafe.items():
        rules.setdefault(rule.rule, rule)
        foods_of.setdefault(rule.rule, []).append(fid)
    # The rules whose foods the plan used first, then the rest, by name.
    order = sorted(rules, key=lambda r: (not set(foods_of[r]) & set(everything), r))
    alone: list[SafetyConflict] = []
    for name in order[:_MAX_RULES]:
        if deadline.expired:
            break
        banned = [f for f in unsafe if unsafe[f].rule != name]
        used = plan_with(banned)
        if used:
            # Its foods plan the conflict, and the plan uses them: named with
            # those foods (a plan that needs none of them does not name it).
            alone.append(_named(rules[name], stages, sorted(used)))
    if alone:
        return alone
    return [
        _named(rules[r], stages, sorted(set(foods_of[r]) & set(everything)))
        for r in sorted({unsafe[f].rule for f in everything})
    ]


def _named(
    rule: SafetyRule, stages: frozenset[str], foods: list[str]
) -> SafetyConflict:
    hit = sorted(rule.life_stages & stages, key=list(LIFE_STAGES).index)
    return SafetyConflict(
        rule=rule.rule,
        life_stages=hit,
        foods=foods,
        reason=rule.reason,
        source=rule.source,
    )


def safety_sentence(safety: Sequence[SafetyConflict], table: FoodTable) -> str:
    """Return the sentences naming each rule, its foods, reason and source."""
    names = {
        f: " ".join(n.split())  # one line, whatever a table holds
        for f, n in zip(table.ids, table.texts("name"), strict=True)
    }
    out = []
    for s in safety:
        who = " and ".join(LIFE_STAGES.get(x, x) for x in s.life_stages)
        foods = _and([names.get(f, f) for f in s.foods[:4]])
        more = f" (and {len(s.foods) - 4} more)" if len(s.foods) > 4 else ""
        out.append(
            f"Only foods the food-safety rule for {who} leaves out could meet it: "
            f"{foods}{more}; each {s.reason} ({s.source}). The rule is never relaxed."
        )
    return " ".join(out)
