"""Measured table salt where a day's foods fall short of the sodium AI (issue 12).

The table's foods are unsalted as USDA measured them (a vegan man's day came
to 223 mg of sodium against an AI of 1,500 mg, in a product for people with
cramps), while people salt what they cook. Planning the AI as a floor of the
model cost default days 1.39x the CPU and gave vegan days much worse plans
(``benchmarks/ai_floors_latest.md``): the model chose foods for their sodium.
Salt is how a cook meets it. After the solve, a day whose foods give less
than the sodium AI (NASEM 2019, ``foods/dri_full.csv``) gets table salt, SR28
02047 (the table's row of role ``salt``, never a candidate of the model), in
⅛-teaspoon steps (0.75 g, 291 mg of sodium): the fewest steps that reach the
AI, never past the day's sodium maximum (the CDRR, or a caller's own) nor any
other maximum the salt's traces of minerals could tip. The AI is more than a
step below the CDRR at every age, so the day lands between the two.

The salt is shown as what its items are seasoned with (``part_of``, ``part_as``
"seasoned with", ``kind`` "salt"), one item a meal: a step at a time to the
savoury item with the most room left under 1 % of its weight in salt, a
cook's rule of thumb for food that tastes seasoned, not salty (a step may
pass it when the day needs more than its items hold); a single food before
an FNDDS dish, whose recipe salts it already. Not for children under 4 (the default plans
a toddler's food as served; salt for a young child is for their paediatrician
to advise), nor when the request says ``added_salt: false`` (someone told to
limit salt): the sodium AI is then reported, not met, as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._catalog import FoodTable
from mealplan._meal_structure import role_sets
from mealplan._nutrients import Nutrient
from mealplan._panel import sodium_floor
from mealplan._ul_standins import allowance_per_100g, planned_room

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from mealplan._models import NutrientTargets, PlanItem, PlanRequest

__all__ = [
    "MIN_AGE_YEARS",
    "SALT_ROLE",
    "STEP_TSP",
    "Salter",
    "salt_ids",
    "salt_note",
    "salt_target",
    "salt_text",
    "unsalted_note",
    "with_salt",
]

SALT_ROLE = "salt"
"""The role of the table's salt row: never a candidate, only added salt."""

STEP_TSP = 0.125
"""Salt is added in eighths of a teaspoon (0.75 g of SR28's 6 g teaspoon)."""

MIN_AGE_YEARS = 4.0
"""No added salt below this age (see the module docstring)."""

SEASONED_SHARE = 0.01
"""Salt per gram of an item that seasons it without making it salty."""

_SAVOURY = frozenset(
    {"main", "protein", "soup", "side_vegetable", "salad", "grain_side"}
)
"""Roles of the items salt seasons (not fruit, cereal, bread, a drink or a fat)."""

_TOL = 1e-6

_EIGHTHS = {1: "⅛", 2: "¼", 3: "⅜", 4: "½", 5: "⅝", 6: "¾", 7: "⅞"}


def salt_ids(table: FoodTable) -> set[str]:
    """Return the ids of the table's salt rows (role ``salt``)."""
    return {
        fid
        for fid, roles in zip(table.ids, role_sets(table), strict=True)
        if SALT_ROLE in roles
    }


def salt_text(portions: float) -> str:
    """Return teaspoons of salt as a cook says them: ``⅛ tsp``, ``1¼ tsp``."""
    eighths = round(portions / STEP_TSP)
    whole, part = divmod(eighths, 8)
    if not part:
        return f"{whole} tsp"
    return f"{whole or ''}{_EIGHTHS[part]} tsp"


def _salt_row(table: FoodTable) -> str | None:
    """Return the salt row the plan seasons with (1 tsp default portion), or None."""
    for fid in sorted(salt_ids(table)):
        description, grams = table.default_portion(fid)
        if grams > 0 and "tsp" in description.lower():
            return fid
    return None


def _refused(table: FoodTable, req: PlanRequest, salt: str) -> bool:
    """Whether ``req`` says no to the salt row: excluded, disliked or banned.

    ``exclude`` and ``dislikes`` match it as they match the plan's foods
    (its id, "salt", its category); any ban of it, even of one meal or some
    days, turns the added salt off for the whole plan: someone who bans salt
    at dinner is not served it at lunch in its place.
    """
    # A ban names a food by its id (the problem's build refused any other).
    if any(ban.food == salt for ban in req.bans):
        return True
    words = [*req.exclude, *req.dislikes]
    return bool(words) and salt not in set(table.allowed(exclude=words))


def salt_target(req: PlanRequest) -> float | None:
    """Return the sodium AI salt should reach for ``req``, or None for no salt.

    Also what the reports read to show that AI as the plan's own aim
    (:mod:`mealplan._shown_bounds`).
    """
    person = req.person
    if not req.added_salt or person is None or person.age < MIN_AGE_YEARS:
        return None
    floor = sodium_floor(person)
    return None if floor is None else floor[0]


@dataclass(frozen=True)
class Salter:
    """What salting a plan's days needs, read once a plan (:meth:`of`).

    The salt row, its step, the AI and the maxima the salt counts against
    depend on the table and the request alone; each day then reads only its
    own items' rows (:meth:`season`).
    """

    table: FoodTable
    salt: str
    row: int
    step_g: float
    ai: float
    limits: tuple[tuple[str, float, float], ...]
    """(column, maximum, the salt's amount per step) of every maximum it tips."""
    line: dict[str, Any]
    """The fields every salt line shares (its food, name, portion words)."""
    rooms: frozenset[str] = frozenset()
    """The maxima that count unmeasured foods at their stand-ins, as the
    plan did (``room_for_unmeasured``, :mod:`mealplan._ul_standins`)."""

    @classmethod
    def of(
        cls, table: FoodTable, req: PlanRequest, targets: NutrientTargets
    ) -> Salter | None:
        """Return the plan's salter, or None when its days get no salt."""
        ai = salt_target(req)
        salt = _salt_row(table) if ai is not None else None
        if ai is None or salt is None or _refused(table, req, salt):
            return None
        row = int(table.positions([salt])[0])
        step_g = table.default_portion(salt)[1] * STEP_TSP
        limits = []
        for bound in targets.bounds:
            if bound.maximum is None or bound.nutrient not in table.nutrients:
                continue
            value = float(table.numbers(bound.nutrient)[row])
            if value > 0:  # sodium's maximum (the CDRR), and the salt's traces
                limits.append((bound.nutrient, bound.maximum, value * step_g / 100))
        ndb = table.texts("ndb_no")[row]
        line = {
            "food_id": salt,
            "name": table.texts("name")[row],
            "ndb_no": ndb or None,
            "portion_description": table.default_portion(salt)[0],
            "cost": None,
            "part_as": "seasoned with",
            "kind": "salt",
        }
        rooms = frozenset(
            column
            for column, _, _ in limits
            if req.room_for_unmeasured and planned_room(column, req.person)
        )
        return cls(table, salt, row, step_g, ai, tuple(limits), line, rooms)

    def _total(self, column: str, rows: np.ndarray, grams: np.ndarray) -> float:
        return float(np.nansum(self.table.numbers(column)[rows] * grams) / 100.0)

    def _steps(self, items: Sequence[PlanItem]) -> int:
        """Return the fewest steps reaching the AI within every maximum (0: none fit).

        ``items`` may hold salt lines already (a regenerated meal's kept
        meals): their sodium counts like any food's.
        """
        rows = self.table.positions([i.food_id for i in items])
        grams = np.array([i.grams for i in items], dtype=float)
        sodium = self._total(Nutrient.SODIUM.value, rows, grams)
        if sodium >= self.ai:
            return 0
        per_step = (
            float(self.table.numbers(Nutrient.SODIUM.value)[self.row])
            * self.step_g
            / 100
        )
        steps = math.ceil((self.ai - sodium) / per_step - _TOL)
        for column, maximum, per in self.limits:
            used = self._total(column, rows, grams)
            standins = (
                allowance_per_100g(self.table, rows, column)
                if column in self.rooms
                else None
            )
            if standins is not None:
                used += float(np.sum(standins * grams) / 100.0)
            room = maximum * (1 + _TOL) + _TOL - used
            steps = min(steps, math.floor(room / per))
        return max(steps, 0)

    def _hosts(self, items: Sequence[PlanItem]) -> list[int]:
        """Positions of the items salt may season: savoury foods of their own.

        Single foods before dishes: an FNDDS dish is made from a recipe that
        salts it already, so it is seasoned only on a day with no other
        savoury item.
        """
        rows = self.table.positions([i.food_id for i in items])
        roles = role_sets(self.table)  # cached per table
        found = [
            j
            for j, item in enumerate(items)
            if item.kind == "food"
            and item.part_of is None
            and item.grams > 0
            and _SAVOURY & roles[rows[j]]
        ]
        codes = self.table.texts("fndds_code")
        single = [j for j in found if not codes[rows[j]]]
        return single or found

    def season(
        self,
        items: Sequence[PlanItem],
        *,
        kept_meals: Collection[str | None] | None = None,
    ) -> list[PlanItem]:
        """Return a day's ``items`` (their salt dropped) with the salt it needs.

        ``kept_meals``: on a regenerated meal's day, the meals kept as they
        were. Their items, salt lines included, stay untouched, and only what
        the AI still needs is added, to the regenerated meal: regenerating
        dinner never salts or unsalts lunch (if the new meal has nothing salt
        seasons, the day is left short, and reported so). When the kept salt
        would pass a maximum the day is salted afresh.
        """
        if kept_meals is not None:
            fixed = [i for i in items if i.meal in kept_meals]
            if not self._over_a_maximum(fixed):
                rest = [
                    i for i in items if i.meal not in kept_meals and i.kind != "salt"
                ]
                steps = self._steps([*fixed, *rest]) if rest else 0
                seasoned = self._season(rest, steps=steps)
                # Back in the day's meal order (each meal's own order kept).
                order = list(dict.fromkeys(i.meal for i in items))
                return sorted([*fixed, *seasoned], key=lambda i: order.index(i.meal))
        return self._season(items)

    def _over_a_maximum(self, items: Sequence[PlanItem]) -> bool:
        rows = self.table.positions([i.food_id for i in items])
        grams = np.array([i.grams for i in items], dtype=float)
        return any(
            self._total(column, rows, grams) > maximum * (1 + _TOL) + _TOL
            for column, maximum, _ in self.limits
        )

    def _season(
        self, items: Sequence[PlanItem], *, steps: int | None = None
    ) -> list[PlanItem]:
        out = [i for i in items if i.kind != "salt"]
        if steps is None:
            steps = self._steps(out) if out else 0
        hosts = self._hosts(out) if steps > 0 else []
        if not hosts:
            return out
        given = dict.fromkeys(hosts, 0)
        salted: dict[str | None, int] = {}  # meal -> its salted item: one a meal
        for _ in range(steps):
            # The host with the most room left under SEASONED_SHARE; the first
            # listed on a tie (the meal's lead before its sides).
            open_ = [j for j in hosts if salted.get(out[j].meal, j) == j]
            k = max(
                open_,
                key=lambda j: SEASONED_SHARE * out[j].grams - given[j] * self.step_g,
            )
            given[k] += 1
            salted[out[k].meal] = k
        seasoned = {j: self._line(out[j], n) for j, n in given.items() if n}
        result: list[PlanItem] = []
        host: int | None = None
        for j, item in enumerate(out):
            # The salt goes after its item and the item's own fat, if any.
            if host is not None and item.part_of != out[host].food_id:
                result.append(seasoned[host])
                host = None
            result.append(item)
            if j in seasoned:
                host = j
        if host is not None:
            result.append(seasoned[host])
        return result

    def _line(self, host: PlanItem, steps: int) -> PlanItem:
        """Return the salt line of ``steps`` steps that seasons ``host``."""
        grams = steps * self.step_g
        kcal = float(self.table.numbers(Nutrient.ENERGY.value)[self.row])
        return host.model_copy(
            update={
                **self.line,
                "portions": round(steps * STEP_TSP, 6),
                "grams": round(grams, 4),
                "energy_kcal": 0.0
                if math.isnan(kcal)
                else round(kcal * grams / 100, 4),
                "part_of": host.food_id,
            }
        )


def with_salt(
    items: Sequence[PlanItem],
    table: FoodTable,
    req: PlanRequest,
    targets: NutrientTargets,
) -> list[PlanItem]:
    """Return a day's ``items`` with the salt that brings it to the sodium AI.

    Items already of ``kind`` salt are dropped first (a regenerated meal's
    day is salted afresh). A day whose foods reach the AI, a request without
    added salt, or a table without a salt row get none. A plan of several
    days reads the table once with :meth:`Salter.of` instead.
    """
    salter = Salter.of(table, req, targets)
    if salter is None:
        return [i for i in items if i.kind != "salt"]
    return salter.season(items)


def salt_note(items: Sequence[PlanItem], days: int) -> str | None:
    """Return the plan's note on its added salt, or None when it has none."""
    per_day: dict[int, float] = {}
    for i in items:
        if i.kind == "salt":
            per_day[i.day] = per_day.get(i.day, 0.0) + i.portions
    if not per_day:
        return None
    most = max(per_day.values())
    where = (
        f"{salt_text(most)} on day {next(iter(per_day))}"
        if days == 1
        else f"on {len(per_day)} of {days} days, at most {salt_text(most)} a day"
    )
    return (
        "Table salt is added where a day's foods give less sodium than its AI "
        "(NASEM 2019; the foods themselves do not plan it, as the panel note "
        f"says), in 1/8 tsp steps ({where}), shown as what an item is "
        "seasoned with and never past the sodium limit (CDRR); it has no USDA "
        "price and is left out of the cost; iodized salt also gives iodine, "
        "which USDA SR28 does not measure. Set added_salt to false "
        "(--no-added-salt) if you have been told to limit salt."
    )


def unsalted_note(
    table: FoodTable, req: PlanRequest, sodium: Sequence[float]
) -> str | None:
    """Say why no salt reaches the sodium AI the request would salt to, or None.

    Only when :func:`salt_target` gives an AI but the plan has no salter (the
    request says no to salt, or the table has no salt row) and a day's
    ``sodium`` (one total a day) is below that AI: the reports then show the
    AI as not planned (``MealPlan.sodium_ai_by_salt`` false), and this says why.
    """
    ai = salt_target(req)
    if ai is None or all(amount >= ai for amount in sodium):
        return None
    salt = _salt_row(table)
    if salt is None:
        why = "the food table has no salt row (role 'salt') to add"
    elif _refused(table, req, salt):
        why = "the request says no to salt (exclude, dislikes or a ban)"
    else:
        return None
    return (
        f"No table salt is added to reach the sodium AI of {ai:,.0f} mg: {why}; "
        "the sodium shown is the foods' own, and the AI is reported, not planned."
    )
