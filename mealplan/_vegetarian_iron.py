"""Iron for vegetarians and vegans: 1.8 times the RDA (IOM 2001).

The iron RDAs assume a mixed diet with meat, whose heme iron is absorbed
far better than the non-heme iron of plant foods and eggs. The Institute of
Medicine (*Dietary Reference Intakes for Vitamin A, Vitamin K, Arsenic,
Boron, Chromium, Copper, Iodine, Iron, Manganese, Molybdenum, Nickel,
Silicon, Vanadium, and Zinc*, 2001, chapter 9) puts the requirement of
vegetarians at 1.8 times the RDA, as the NIH Office of Dietary Supplements'
iron fact sheet says ("The RDAs for vegetarians are 1.8 times higher than
for people who eat meat"). A dietitian's review of session 33 read a vegan
woman's day at 18.5 mg of iron against an 18 mg RDA, about 57 % of her need.

So for a person on a vegetarian or vegan diet the iron minimum is the RDA
times 1.8 (18 -> 32.4 mg for a woman of 19-50, 7 -> 12.6 mg at 1-3), with a
note, where that stays under the UL with room to spare; in pregnancy
(27 mg x 1.8 = 48.6 mg, over the UL of 45 mg from food and supplements)
the RDA stays and the note says why. From age 4: at 1-3 (7 mg x 1.8 =
12.6 mg) the vegan girl and boy of 3 had no plan (InfeasiblePlanError in
10-13 s: copper's UL of 1 mg and manganese's of 2 mg hold back the iron of
beans and grains; ``benchmarks/vegetarian_iron_ab_latest.md``), so a child
of 1-3 keeps the RDA, and the note says so. Pescatarians eat fish (heme
iron): not raised. The zinc advice ("as much as 50 % more", NIH ODS) is a range, not a
figure, so it is not planned. A caller's own iron bound (``bounds``) wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._nutrients import Diet, Nutrient
from mealplan._target_models import BoundKind

if TYPE_CHECKING:
    from mealplan._models import Person
    from mealplan._target_models import NutrientTargets

__all__ = ["FACTOR", "FROM_AGE", "HEADROOM", "SOURCE", "vegetarian_iron"]

FACTOR = 1.8
"""IOM 2001: the iron requirement of vegetarians over the RDA's mixed diet."""

FROM_AGE = 4.0
"""Below this age the RDA stays (see the module docstring)."""

HEADROOM = 0.9
"""The raised minimum must stay at most this share of the UL: a minimum at
the UL itself would pin the plan there (pregnancy: 48.6 mg against 45)."""

SOURCE = (
    "1.8 x the RDA for a vegetarian or vegan diet (IOM 2001, DRI for iron, "
    "ch. 9; NIH ODS, Iron fact sheet)"
)

_DIETS = frozenset({Diet.VEGETARIAN, Diet.VEGAN})


def vegetarian_iron(
    targets: NutrientTargets, diet: Diet, person: Person | None
) -> NutrientTargets:
    """Return ``targets`` with the iron RDA raised for a vegetarian or vegan diet.

    Unchanged for other diets, without a person, or when the iron minimum is
    not an RDA. A new object; ``targets`` is not changed.
    """
    if diet not in _DIETS or person is None:
        return targets
    name = Nutrient.IRON.value
    bound = next((b for b in targets.bounds if b.nutrient == name), None)
    if (
        bound is None
        or bound.minimum is None
        or bound.minimum_kind is not BoundKind.RDA
    ):
        return targets
    raised = round(bound.minimum * FACTOR, 1)
    who = "vegans" if diet is Diet.VEGAN else "vegetarians"
    if person.age < FROM_AGE:
        note = (
            f"Iron: {who} need about {FACTOR:g} times the RDA (IOM 2001), "
            f"{raised:g} mg a day here; at ages 1-3 the plan keeps the RDA of "
            f"{bound.minimum:g} mg, since a day of food within the upper limits "
            "of copper and manganese could not reach it for a vegan child of 3; "
            "ask a paediatrician about iron."
        )
        return targets.model_copy(update={"notes": [*targets.notes, note]})
    if bound.maximum is not None and raised > bound.maximum * HEADROOM:
        note = (
            f"Iron: {who} need about {FACTOR:g} times the RDA (IOM 2001), "
            f"{raised:g} mg a day here, above the upper limit of "
            f"{bound.maximum:g} mg, so the plan keeps the RDA of "
            f"{bound.minimum:g} mg; how much iron to take beyond food (prenatal "
            "supplements carry some) is a question for a doctor."
        )
        return targets.model_copy(update={"notes": [*targets.notes, note]})
    note = (
        f"Iron: the RDA for {who} is {FACTOR:g} times the usual one, since the "
        f"iron of plant foods is less absorbed (IOM 2001; NIH ODS), so this plan "
        f"aims at {raised:g} mg a day, not {bound.minimum:g} mg."
    )
    source = f"{bound.source}; {SOURCE}" if bound.source else SOURCE
    new = bound.model_copy(update={"minimum": raised, "source": source})
    bounds = [new if b is bound else b for b in targets.bounds]
    return targets.model_copy(
        update={"bounds": bounds, "notes": [*targets.notes, note]}
    )
