"""An independent checker: does a plan meet every hard constraint of its request?

It recomputes everything from the food table and the request (never from the
optimiser's internals or the plan's own totals), so a planner bug cannot hide
behind its own arithmetic.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import math
import re
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import pandas as pd
import pytest

import mealplan
from mealplan import FoodTable, InfeasiblePlanError, MealPlan, NutrientBound
from mealplan._exclusions import words_mask
from mealplan._models import SolverName
from mealplan._norepeat import repeats, with_cuts
from mealplan._optimiser import SolveStatus, solve
from mealplan._planner import resolve_targets
from mealplan._problem import DEFAULT_MAX_PORTIONS, build_problem
from mealplan._safety import life_stages, unsafe_foods
from mealplan._sources import widen_variety_for_sole_sources

FOCUS = {"magnesium_mg", "calcium_mg", "vitamin_d_ug", "vitamin_b12_ug"}
REL = 1e-6
ABS = 1e-6
ATWATER = {"protein_g": 4.0, "fat_g": 9.0, "carbohydrate_g": 4.0}
FORTIFIED_WORDS = re.compile(
    r"\b(fortified|enriched|with added (vitamin|calcium|iron|ascorbic))", re.I
)


def _value(frame: Any, fid: str, col: str) -> float:
    if col not in frame.columns:
        return 0.0
    v = frame.at[fid, col]
    return 0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


# Limits whose stand-ins are reported, not planned, below an age (measured
# cost, README): manganese at 1-3.
ROOM_REPORTED_UNDER_AGE = {"manganese_mg": 4.0}


def room_planned(nutrient: str, person: Any) -> bool:
    """Whether a plan for ``person`` keeps room under ``nutrient``'s limit."""
    under = ROOM_REPORTED_UNDER_AGE.get(nutrient)
    return under is None or person is None or person.age >= under


UL_STANDINS_CSV = Path(__file__).resolve().parents[1] / "foods" / "ul_standins.csv"


@functools.cache
def ul_standins() -> dict[tuple[str, str], float]:
    """(NDB number, nutrient column) -> stand-in per 100 g under a limit."""
    with UL_STANDINS_CSV.open(encoding="utf-8", newline="") as fh:
        return {
            (r["ndb_no"], r["nutrient"]): float(r["per_100g"])
            for r in csv.DictReader(fh)
        }


def unmeasured_room(frame: Any, grams: dict[str, float], col: str) -> float:
    """What a day's foods without a value for ``col`` add at their stand-ins."""
    if col not in frame.columns or "ndb_no" not in frame.columns:
        return 0.0
    room = 0.0
    for fid, g in grams.items():
        v = frame.at[fid, col]
        if v is None or (isinstance(v, float) and math.isnan(v)):
            ndb = str(frame.at[fid, "ndb_no"] or "")
            room += g * ul_standins().get((ndb, col), 0.0) / 100
    return room


def as_float(v: object) -> float:
    """A number read from the table's frame (NaN when missing), as a float."""
    assert isinstance(v, (int, float, np.integer, np.floating)), v
    return float(v)


def cell_float(frame: pd.DataFrame, fid: str, col: str) -> float:
    """A number of the table's frame (NaN when missing), as a float."""
    v: object = frame.at[fid, col]
    assert isinstance(v, (int, float, np.integer, np.floating)), (fid, col, v)
    return float(v)


def cell_tags(frame: pd.DataFrame, fid: str, col: str) -> tuple[str, ...]:
    """A list cell (roles, allergens, meal_slots...) of the table's frame."""
    v: object = frame.at[fid, col]
    assert isinstance(v, tuple), (fid, col, v)
    return v


def cell_text(frame: pd.DataFrame, fid: str, col: str) -> str:
    """A text cell (name, sr28_description...) of the table's frame."""
    v: object = frame.at[fid, col]
    assert isinstance(v, str), (fid, col, v)
    return v


class _Tally(dict[str, float]):
    """Amounts summed by key, 0.0 for a key not seen (a Counter of floats)."""

    def __missing__(self, key: str) -> float:
        return 0.0


DRI_FULL = Path(__file__).resolve().parents[1] / "foods" / "dri_full.csv"
# The DRI ULs that limit one form only (reference README): the column they cap.
UL_FORM = {
    "vitamin_a_rae": "retinol_ug",
    "folate_dfe": "folic_acid_ug",
    "vitamin_e": "vitamin_e_added_mg",
    "niacin": None,
    "magnesium": None,
}
# Minimums the panel does not plan as such: energy, protein, fiber and the
# macronutrient shares have their own bounds; total water counts drinks; the
# carbohydrate RDA is digestible carbohydrate (SR28 205 includes fiber).
NOT_PANEL_MINIMUMS = {"water", "carbohydrate", "protein", "fiber", "fat"}


def _dri_rows() -> list[dict[str, str]]:
    with DRI_FULL.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _applies(row: dict[str, str], person: Any) -> bool:
    if row["sex"] not in ("any", person.sex.value):
        return False
    if not float(row["age_min_years"]) <= person.age < float(row["age_max_years"]):
        return False
    stage = "pregnancy" if person.pregnancy else "lactation" if person.lactation else ""
    if row["life_stage"] in ("pregnancy", "lactation"):
        return row["life_stage"] == stage
    return not stage


SUPPLEMENTS_CSV = Path(__file__).resolve().parents[1] / "foods" / "supplements.csv"
SUPPLEMENTAL_MAGNESIUM = "magnesium_supplemental_mg"
# What each supplement nutrient's UL limits (reference README and the NIH ODS
# fact sheets): magnesium from supplements only, vitamin D and calcium total
# intake; B12 has no UL.
SUPPLEMENT_UL_LIMITS = {
    "magnesium_mg": "supplements",
    "vitamin_d_ug": "total",
    "calcium_mg": "total",
    "vitamin_b12_ug": None,
}


def supplement_rows(path: Path = SUPPLEMENTS_CSV) -> dict[str, dict[str, str]]:
    """The bundled supplements (or a caller's), read with the csv module alone."""
    with path.open(encoding="utf-8") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def dri_ul(person: Any, column: str) -> float | None:
    """The UL of ``column`` (e.g. ``magnesium_mg``) for ``person``, None if ND."""
    for row in _dri_rows():
        column_of = f"{row['nutrient']}_{row['unit']}"
        if row["kind"] == "UL" and column_of == column and _applies(row, person):
            return float(row["value"])
    return None


def _supplement_row(item: Any, req: Any, path: Path) -> dict[str, str]:
    """Check one supplement item against its request and its row; return the row."""
    rows = supplement_rows(path)
    assert req.supplements, (item.food_id, "supplement with supplements off")
    assert item.food_id in rows, item.food_id
    if req.supplements is not True:
        assert item.food_id in req.supplements, item.food_id
    row = rows[item.food_id]
    # Taken apart from the meals; a plan without meals has no meal to name.
    assert item.meal == ("supplements" if req.meals else None), item.meal
    # Whole tablets, at most the row's units a day.
    assert item.portions == round(item.portions) >= 1, item.portions
    assert item.portions <= int(row["units_per_day"]), item.portions
    person = req.person
    assert person is not None
    assert person.age >= float(row["min_age_years"]), (item.food_id, person.age)
    if req.diet.value != "omnivore":
        assert row[req.diet.value] == "true", (item.food_id, req.diet)
    allergens = {a for a in row["allergens"].split(";") if a}
    assert not allergens & {a.value for a in req.allergies}, item.food_id
    limits = SUPPLEMENT_UL_LIMITS[row["nutrient"]]
    if limits is not None:
        # The one tablet's daily dose alone must fit the life stage's UL.
        ul = dri_ul(person, row["nutrient"])
        assert ul is not None, (item.food_id, "no UL for this life stage")
        assert float(row["dose"]) * int(row["units_per_day"]) <= ul, item.food_id
    return row


def _check_supplement_uls(
    req: Any, totals: dict[str, float], pills: _Tally, day: int
) -> None:
    """Every supplement-specific UL: magnesium from supplements; D, Ca in total."""
    if not pills:
        return
    for column, limits in SUPPLEMENT_UL_LIMITS.items():
        if limits is None or pills[column] <= 0:
            continue
        ul = dri_ul(req.person, column)
        assert ul is not None, (day, column)
        amount = pills[column] if limits == "supplements" else totals[column]
        assert _le(amount, ul), (day, column, amount, ul)


# Added salt (issue 12), by rules written out here: SR28 02047's teaspoon is
# 6 g, salt comes in eighths of one, from age 4, seasoning a savoury item of
# its own (a main, protein, soup, vegetable, salad or grain side).
SALT_TSP_G = 6.0
SALT_STEP_TSP = 0.125
SALT_MIN_AGE = 4.0
SALT_HOST_ROLES = {"main", "protein", "soup", "side_vegetable", "salad", "grain_side"}


def _sodium_ai(person: Any) -> float | None:
    for row in _dri_rows():
        if (
            row["nutrient"] == "sodium"
            and row["kind"] == "AI"
            and _applies(row, person)
        ):
            return float(row["value"])
    return None


def _check_salt_item(item: Any, items: Sequence[Any], table: FoodTable) -> None:
    """One added-salt line: table salt in 1/8 tsp, seasoning a savoury item."""
    frame = table.frame
    assert item.food_id in frame.index, item.food_id
    assert str(frame.at[item.food_id, "ndb_no"]) == "02047", item.food_id
    assert "salt" in cell_tags(frame, item.food_id, "roles"), item.food_id
    eighths = item.portions / SALT_STEP_TSP
    assert eighths >= 1 - 1e-9, item.portions
    assert math.isclose(eighths, round(eighths)), item.portions
    assert math.isclose(item.grams, item.portions * SALT_TSP_G, rel_tol=1e-6)
    assert item.part_as == "seasoned with", item.part_as
    hosts = [
        i
        for i in items
        if i.food_id == item.part_of and i.meal == item.meal and i.kind == "food"
    ]
    assert len(hosts) == 1, (item.part_of, item.meal)
    assert SALT_HOST_ROLES & set(cell_tags(frame, item.part_of, "roles")), item.part_of


def _salt_refused(req: Any, table: FoodTable, rows: Sequence[str]) -> bool:
    """Whether the request says no to the table's salt ``rows``: excluded, disliked or banned.

    Any ban of it (one meal, some days) counts; ``exclude`` and ``dislikes``
    are matched by the table's own exclusion rules (tested on their own in
    test_exclusions.py).
    """
    if any(b.food in rows for b in req.bans):
        return True
    words = [*req.exclude, *req.dislikes]
    return bool(words) and not set(rows) <= set(table.allowed(exclude=words))


def _check_added_salt(
    req: Any,
    items: Sequence[Any],
    totals: dict[str, float],
    table: FoodTable,
    targets: Any,
    regenerated: str | None = None,
    by_salt: bool | None = None,
) -> None:
    """Salt only where asked, the fewest steps that reach the sodium AI.

    ``regenerated``: the meal of this day a regeneration re-planned, whose
    other meals keep their salt as they were (more than the new day needs,
    perhaps); the salt of the regenerated meal itself is still the fewest
    steps. ``by_salt``: the plan's ``sodium_ai_by_salt`` (None: not said),
    which says whether salt was to reach the AI, as reckoned here.
    """
    salt = [i for i in items if i.kind == "salt"]
    person = req.person
    frame = table.frame
    # The table's salt: SR28 02047 of role salt, measured by the teaspoon (a
    # table rebuilt from a frame without its portions has none to add).
    rows = [
        f
        for f in table.ids
        if str(frame.at[f, "ndb_no"]) == "02047"
        and "salt" in cell_tags(frame, f, "roles")
        and table.default_portion(f) == ("1 tsp", SALT_TSP_G)
    ]
    wanted = (
        req.added_salt
        and person is not None
        and person.age >= SALT_MIN_AGE
        and bool(rows)
        and not _salt_refused(req, table, rows)
    )
    ai = _sodium_ai(person) if wanted else None
    assert by_salt in (None, ai is not None), (by_salt, wanted)
    if ai is None:
        assert not salt, [i.food_id for i in salt]
        return
    step_g = SALT_STEP_TSP * SALT_TSP_G
    step = step_g * _value(frame, rows[0], "sodium_mg") / 100
    sodium = totals["sodium_mg"]

    grams = {i.food_id: i.grams for i in items if i.kind == "food"}

    def one_more_passes_a_limit() -> bool:
        # A step more would pass a maximum: sodium's, or one the salt's
        # traces of minerals (SR28 02047's calcium, iron...) would tip,
        # counting the unmeasured foods at their stand-ins where the plan
        # kept room for them (as the planner's salt step does).
        for b in targets.bounds:
            if b.maximum is None or b.nutrient not in frame.columns:
                continue
            v = _value(frame, rows[0], b.nutrient)
            room = (
                unmeasured_room(frame, grams, b.nutrient)
                if req.room_for_unmeasured and room_planned(b.nutrient, person)
                else 0.0
            )
            if (
                v > 0
                and totals[b.nutrient] + room + step_g * v / 100
                > b.maximum * (1 + 1e-6) + 1e-6
            ):
                return True
        return False

    # Items salt may season: on a regenerated meal's day only that meal's
    # (the kept meals stay as they were, salt or none).
    hosts = [
        i.food_id
        for i in items
        if i.kind == "food"
        and i.part_of is None
        and SALT_HOST_ROLES & set(cell_tags(frame, i.food_id, "roles"))
        and (regenerated is None or i.meal == regenerated)
    ]
    if salt:
        # Not a step more than needed; enough, unless a limit stopped it.
        kept_only = regenerated is not None and all(i.meal != regenerated for i in salt)
        assert kept_only or sodium - step < ai, (sodium, ai, step)
        if not _le(ai, sodium):
            short_ok = kept_only and not hosts
            assert short_ok or one_more_passes_a_limit(), (sodium, ai)
        return
    if _le(ai, sodium) or one_more_passes_a_limit():
        return
    # Short, with room: only when no item is one salt seasons.
    assert not hosts, (sodium, ai, hosts)


_REGENERATED = re.compile(r"^Regenerated day (\d+) (.+?)(?:, without .*)?\.$")


def regenerated_meal(plan: MealPlan, day: int) -> str | None:
    """The meal of ``day`` the plan's last regeneration re-planned, if any."""
    found = None
    for note in plan.notes:
        hit = _REGENERATED.match(note)
        if hit:
            found = hit.group(2) if int(hit.group(1)) == day else None
    return found


def _foods_only(plan: MealPlan) -> MealPlan:
    """The plan without its supplements and added salt (the meal rules are food's)."""
    days = [
        d.model_copy(update={"items": [i for i in d.items if i.kind == "food"]})
        for d in plan.days
    ]
    return plan.model_copy(update={"days": days})


# Minimums every panel mode but 'off' plans, whatever else it only reports: the
# focus four (RDA/AI x the request's margin, capped at a UL on the same column)
# and potassium's AI (NASEM 2019).
PLANNED_IN_EVERY_MODE = {*FOCUS, "potassium_mg"}


def _same_column_ul(person: Any, nutrient: str, column: str) -> float | None:
    """The UL that caps ``column`` itself (not another form), None if none."""
    for row in _dri_rows():
        if (
            row["kind"] == "UL"
            and row["nutrient"] == nutrient
            and UL_FORM.get(nutrient, column) == column
            and _applies(row, person)
        ):
            return float(row["value"])
    return None


def _check_every_mode_minimum(
    req: Any, row: dict[str, str], column: str, total: float, day: int
) -> None:
    """The row's RDA/AI (of PLANNED_IN_EVERY_MODE) holds on this day's total."""
    if column in req.bounds or (column == "calcium_mg" and req.absorbable_calcium):
        return  # the caller's own bound; absorbed calcium has its own check
    value = float(row["value"])
    if column in FOCUS:
        value *= req.margin
    ul = _same_column_ul(req.person, row["nutrient"], column)
    if ul is not None:
        value = min(value, ul)
    if column in FOCUS and req.nutrient_period.value == "average" and req.days > 1:
        value *= req.daily_floor  # each day's floor; the average has its own check
    assert _le(value, total), (day, column, total, value)


def planned_panel(req: Any) -> str:
    """The panel mode a request plans, 'auto' resolved by its own rule.

    Restated here, not imported: 'auto' is 'rda' from age 1 (infants get no
    plan), with a budget or without (under a budget, or for want of time,
    the RDAs may be lifted, which the plan's notes must then say:
    ``_unreached_floors``).
    """
    mode = str(req.panel.value)
    if mode != "auto":
        return mode
    assert req.person is not None
    return "rda" if req.person.age >= 1 else "limits"


def _check_panel_note(plan: MealPlan) -> None:
    """A plan for a person names the panel mode it planned, never 'auto'."""
    req = plan.request
    if req.person is None or req.targets is not None:
        return  # the caller's own targets: no panel was applied
    stated = [n for n in plan.notes if n.startswith("panel planned: ")]
    assert stated == [f"panel planned: '{planned_panel(req)}'"] or (
        len(stated) == 1
        and stated[0].startswith(f"panel planned: '{planned_panel(req)}' (")
        and req.panel.value == "auto"
    ), (req.panel.value, req.person.age, stated)


def _check_panel(
    req: Any, totals: dict[str, float], day: int, sparse: frozenset[str] = frozenset()
) -> None:
    """Every food-applicable UL and every mode's minimums ('full': every RDA/AI)."""
    person = req.person
    if person is None or planned_panel(req) == "off":
        return
    for row in _dri_rows():
        if not _applies(row, person):
            continue
        column = f"{row['nutrient']}_{row['unit']}"
        if row["kind"] in ("RDA", "AI") and column in PLANNED_IN_EVERY_MODE:
            if column in totals:  # a caller's table may lack the column
                _check_every_mode_minimum(req, row, column, totals[column], day)
            continue
        if row["kind"] == "UL":
            cap = UL_FORM.get(row["nutrient"], column)
            if cap is None or cap not in totals or cap in req.bounds:
                continue
            assert _le(totals[cap], float(row["value"])), (day, cap, totals[cap])
        elif row["kind"] in ("RDA", "AI") and planned_panel(req) == "full":
            if row["nutrient"] in NOT_PANEL_MINIMUMS or column not in totals:
                continue
            if column in sparse:
                continue  # too little data to plan on: reported, not planned
            if column in req.bounds or column in FOCUS:
                continue  # the caller's own bound, or a focus margin/average rule
            value = float(row["value"])
            assert _le(value, totals[column]), (day, column, totals[column], value)


def _food_ul(person: Any, column: str) -> float | None:
    """The UL that caps ``column`` as food (its own, or the form it caps), None if none."""
    for row in _dri_rows():
        if row["kind"] != "UL" or not _applies(row, person):
            continue
        own = f"{row['nutrient']}_{row['unit']}"
        if UL_FORM.get(row["nutrient"], own) == column:
            return float(row["value"])
    return None


def _intake(person: Any, column: str) -> tuple[str, float] | None:
    """The person's RDA (else AI) of ``column``, read from the table itself."""
    found = {
        row["kind"]: float(row["value"])
        for row in _dri_rows()
        if row["kind"] in ("RDA", "AI")
        and f"{row['nutrient']}_{row['unit']}" == column
        and _applies(row, person)
    }
    for kind in ("RDA", "AI"):
        if kind in found:
            return kind, found[kind]
    return None


def _check_dri_references(req: Any, totals: Sequence[Any], day: int) -> None:
    """Every total carries the person's RDA/AI and food UL, and where it stands.

    Whether the plan was held to them or not (a toddler's AIs are reported):
    the JSON a diet app reads calls a shortfall out as the text report does.
    """
    person = req.person
    if person is None:
        assert all(t.dri_minimum is None and t.dri_maximum is None for t in totals)
        return
    for t in totals:
        column = t.nutrient
        base = column.rsplit("_", 1)[0]
        if base not in NOT_PANEL_MINIMUMS and column != "sodium_mg":
            intake = _intake(person, column)
            ul = _food_ul(person, column)
            want = None if intake is None else min(intake[1], ul or math.inf)
            assert t.dri_minimum == want, (day, column, t.dri_minimum, want)
            if intake is not None:
                assert t.dri_minimum_kind == intake[0], (day, column)
            assert t.dri_maximum == ul, (day, column, t.dri_maximum, ul)
        if column == "calcium_mg" and req.absorbable_calcium:
            continue  # judged on absorbed calcium (its own check)
        lo, hi, amount = t.dri_minimum, t.dri_maximum, t.amount
        if lo is not None and amount < lo * 0.999:
            assert t.dri_status.value == "short", (day, column, amount, lo)
        elif hi is not None and amount > hi * 1.001:
            assert t.dri_status.value == "over", (day, column, amount, hi)
        elif (lo is not None or hi is not None) and (
            (lo is None or amount > lo * 1.001) and (hi is None or amount < hi * 0.999)
        ):
            assert t.dri_status.value == "met", (day, column, amount, lo, hi)
        elif lo is None and hi is None:
            assert t.dri_status.value == "no_bound", (day, column)


def _unreached_floors(plan: MealPlan) -> frozenset[str]:
    """Floors the plan says it could not plan (reported instead).

    Exempt from the minimum checks only when both hold: the plan's targets
    carry no minimum for the column, and a note names the floor (its RDA or
    AI) as not planned, for one of the reasons a plan may give: the allowed
    foods cannot reach it ("cannot be met": an AI floor under 'full'), or
    it is the default's own floor (choline in pregnancy, the panel's RDAs
    under a budget) and no plan with it was found in its share of the time
    ("no plan meeting ...") or none exists within the other bounds ("no plan
    within the other bounds"). A test that relies on it proves the claim
    another way (a caller's hard minimum at the AI has no plan:
    tests/test_ai_floors.py; a search made to fail on purpose, or a budget
    proven too small for the RDAs: tests/test_default_floors.py).
    """
    out = set()
    minimums = {b.nutrient for b in plan.targets.bounds if b.minimum is not None}
    reasons = ("cannot be met", "no plan meeting", "no plan within the other bounds")
    for nutrient in mealplan.Nutrient:
        if nutrient.value in minimums:
            continue
        named = (f"{nutrient.label} AI of ", f"{nutrient.label} RDA of ")
        if any(
            any(n.startswith(x) or f", {x}" in n for x in named)
            and " not planned: " in n
            and any(r in n.split(" not planned: ", 1)[1] for r in reasons)
            for n in plan.notes
        ):
            out.add(nutrient.value)
    return frozenset(out)


def _sparse_columns(table: FoodTable, req: Any = None) -> frozenset[str]:
    """Nutrient columns more than half of whose allowed foods have no value.

    Allowed: the foods of the request's diet without its allergens (read from
    the table's own diet and allergen columns), every food without a request.
    """
    frame = table.frame
    keep = [True] * len(frame)
    if req is not None and req.diet.value != "omnivore":
        keep = [bool(x) for x in frame[req.diet.value]]
    if req is not None and req.allergies and "allergens" in frame.columns:
        avoid = {a.value for a in req.allergies}
        keep = [
            k and not set(tags) & avoid
            for k, tags in zip(keep, frame["allergens"], strict=True)
        ]
    rows = frame[keep]
    return frozenset(
        col
        for col in table.nutrients
        if col in rows.columns
        and len(rows)
        and rows[col].isna().sum() > 0.5 * len(rows)
    )


AUTO_AIS_FROM_AGE = 4
"""'auto' plans its AIs (``AUTO_AIS``) from age 4 only; at ages 1-3 the
RDAs alone (restated: mealplan._panel.AUTO_AI_FROM_AGE)."""


AUTO_AIS = frozenset(
    {
        "manganese_mg",
        "vitamin_k_ug",
        "pantothenic_acid_mg",
        "linoleic_acid_g",
        "alpha_linolenic_acid_g",
        "choline_mg",
    }
)
"""'auto' from age 4 (resolved to 'rda') plans these AIs beside the RDAs
(restated: mealplan._panel.AUTO_AI_PLANNED, and AUTO_AI_CHECKED, vitamin K
and choline, planned by checking the plan, choline as a floor from the start
in pregnancy and lactation; the sodium AI never)."""


def _check_auto_ais(
    req: Any, totals: dict[str, float], day: int, exempt: frozenset[str]
) -> None:
    """Under 'auto' from age 4 every day holds the AIs 'auto' plans (DRIs).

    Those of ``AUTO_AIS`` (choline's too, checked or, for a mother, a floor). Exempt:
    the caller's own bound, too little data, or a floor the plan's notes say
    was lifted (``exempt``).
    """
    person = req.person
    if person is None or str(req.panel.value) != "auto":
        return
    if planned_panel(req) != "rda" or person.age < AUTO_AIS_FROM_AGE:
        return
    columns = AUTO_AIS
    for row in _dri_rows():
        column = f"{row['nutrient']}_{row['unit']}"
        if row["kind"] != "AI" or column not in columns or not _applies(row, person):
            continue
        if column not in totals or column in req.bounds or column in exempt:
            continue
        value = float(row["value"])
        ul = _same_column_ul(person, row["nutrient"], column)
        if ul is not None:
            value = min(value, ul)
        assert _le(value, totals[column]), (day, column, totals[column], value)


def _check_panel_rda(
    req: Any, totals: dict[str, float], day: int, sparse: frozenset[str]
) -> None:
    """With panel 'rda' (or 'auto' from age 1) every RDA of the panel holds."""
    person = req.person
    if person is None:
        return
    if planned_panel(req) != "rda":
        return
    for row in _dri_rows():
        if row["kind"] != "RDA" or not _applies(row, person):
            continue
        column = f"{row['nutrient']}_{row['unit']}"
        if row["nutrient"] in NOT_PANEL_MINIMUMS or column not in totals:
            continue
        if column in req.bounds or column in FOCUS or column in sparse:
            continue  # the caller's bound, a focus rule, or too little data
        value = float(row["value"])
        # An RDA above a UL on the same column is capped at the UL.
        ceiling = math.inf
        for ul in _dri_rows():
            if (
                ul["kind"] == "UL"
                and ul["nutrient"] == row["nutrient"]
                and UL_FORM.get(ul["nutrient"], column) == column
                and _applies(ul, person)
            ):
                ceiling = float(ul["value"])
                value = min(value, ceiling)
        # Iron on a plant diet: 1.8 x the RDA (IOM 2001) where it stays
        # under 90 % of the UL (not in pregnancy: 48.6 mg over 45 mg).
        plant = str(getattr(req.diet, "value", req.diet)) in ("vegetarian", "vegan")
        grown = person.age >= 4  # at 1-3 the RDA stays
        if (
            row["nutrient"] == "iron"
            and plant
            and grown
            and value * 1.8 <= 0.9 * ceiling
        ):
            value = round(value * 1.8, 1)
        assert _le(value, totals[column]), (day, column, totals[column], value)


ABSORPTION = Path(__file__).resolve().parents[1] / "foods" / "calcium_absorption.csv"


MILK_FRACTION = 0.321  # Weaver, Proulx & Heaney 1999, Table 2: milk


def _absorbed_calcium(grams: dict[str, float], table: FoodTable) -> float:
    """Absorbed calcium of a day, by the cited fractions file (milk's by default)."""
    with ABSORPTION.open(encoding="utf-8") as fh:
        figures = list(csv.DictReader(fh))
    milk = next(f for f in figures if f["food"] == "milk and dairy")
    # Plant figures before milk's, so "almond milk" or "soy milk" is the plant.
    figures = [f for f in figures if f is not milk] + [milk]
    absorbed = 0.0
    for fid, g in grams.items():
        food = table.food(fid)
        text = f"{food.name} | {food.sr28_description or ''}"
        fraction = next(
            (
                float(f["fraction"])
                for f in figures
                if re.search(f["words"], text, re.IGNORECASE)
            ),
            float(milk["fraction"]),
        )
        value = table.value(fid, "calcium_mg")
        absorbed += (value or 0.0) * g / 100 * fraction
    return absorbed


def _le(a: float, b: float) -> bool:
    return a <= b * (1 + REL) + ABS


def _attached_fats(items: Sequence[Any], table: FoodTable) -> set[str]:
    """Fats a day shows only as part of another item of the same meal.

    Read from the table's roles and each item's ``part_of``: a food whose
    roles say ``fat``, every serving of it that day shown as part of a
    non-fat item of its own meal.
    """
    if not table.has_column("roles"):
        return set()
    at = {fid: i for i, fid in enumerate(table.ids)}
    roles = table.tags("roles")

    def is_fat(fid: str) -> bool:
        return fid in at and "fat" in roles[at[fid]]

    attached: set[str] = set()
    loose: set[str] = set()
    for item in items:
        if item.kind == "supplement" or not is_fat(item.food_id):
            continue
        hosts = [
            o
            for o in items
            if o.meal == item.meal
            and o.food_id == item.part_of
            and o.kind != "supplement"
            and not is_fat(o.food_id)
        ]
        (attached if item.part_of is not None and hosts else loose).add(item.food_id)
    return attached - loose


WIDENED_WEEK = "so this plan lets foods recur on more days"
"""The words of the note of a plan the default variety rule yielded for."""


def widened_week(plan: MealPlan) -> str | None:
    """Return the note saying the default variety rule yielded for the RDAs, if any.

    Only under the default rule: a caller's own ``max_days_per_food`` never
    yields, so such a plan's note is a defect the checks then catch.
    """
    if plan.request.max_days_per_food is not None:
        return None
    return next((n for n in plan.notes if WIDENED_WEEK in n), None)


def _same_base_key(table: FoodTable, fid: str) -> str:
    """Return ``fid``'s base (the variety rule's key under the structure)."""
    if not table.has_column("base"):
        return fid
    base = dict(zip(table.ids, table.texts("base"), strict=True))
    return base.get(fid) or fid


def _same_base(table: FoodTable, fid: str) -> list[str]:
    """Return every food of the table with ``fid``'s base (its forms)."""
    if not table.has_column("base"):
        return [fid]
    base = dict(zip(table.ids, table.texts("base"), strict=True))
    key = base.get(fid) or fid
    return [f for f in table.ids if (base[f] or f) == key]


def needed_every_day(plan: MealPlan, table: FoodTable, forms: Collection[str]) -> bool:
    """Return whether one day of ``plan``'s request has no plan without ``forms``.

    The planner lets such a base recur on every day under the default
    variety rule (issue 16: never infeasible by surprise). Re-proven here
    from the table alone: the day's model with every form banned is
    infeasible (its LP relaxation, else the MILP under a generous limit,
    checked not hit). Only a request with the default ``max_days_per_food``,
    daily nutrients and no shortfall may use it.
    """
    req = plan.request
    if (
        req.max_days_per_food is not None
        or req.nutrient_period.value != "daily"
        or req.allow_shortfall
    ):
        return False
    from mealplan._problem import Restrictions

    day = req.model_copy(update={"days": 1})
    problem = build_problem(
        day,
        plan.targets,
        table,
        restrictions=Restrictions(bans=tuple((None, None, f) for f in forms)),
    )
    if solve(problem, relax=True).status is SolveStatus.INFEASIBLE:
        return True
    found = solve(problem, mip_gap=1.0, time_limit=120)
    assert not found.time_limited, "no verdict in 120 s: cannot check the widening"
    return found.status is SolveStatus.INFEASIBLE


def check_plan(
    plan: MealPlan, table: FoodTable, *, supplements_csv: Path = SUPPLEMENTS_CSV
) -> None:
    """Assert that ``plan`` meets every hard constraint of its request.

    ``supplements_csv``: the supplements table the plan was made with.
    """
    req = plan.request
    frame = table.frame
    targets = plan.targets
    assert len(plan.days) == req.days
    _check_panel_note(plan)
    meals = {m.name: m for m in req.meals or []}
    step = {"half": 0.5, "whole": 1.0, "quarter": 0.25}.get(req.portion_mode.value)
    days_per_food: Counter[str] = Counter()
    # A food's own max_portions holds up to 3,000 kcal a day (the most the
    # Dietary Guidelines estimate for an adult) and grows in proportion above
    # it (the middle of the energy bounds), but for foods counted in whole
    # pieces or served by the container or can, and drinks.
    large_scale = _energy_factor(targets.get("energy_kcal"), 3000.0)
    # Life-stage safety rules and free_from needs: never a candidate.
    ruled_out = set(unsafe_foods(table, life_stages(req.person)))
    for need in req.free_from:
        mask = words_mask(table, need.value).tolist()
        ruled_out |= {f for f, m in zip(table.ids, mask, strict=True) if m}
    week_grams = _Tally()
    totals_sum = _Tally()
    absorbed_sum = 0.0
    sparse = _sparse_columns(table, req)
    for day in plan.days:
        grams = _Tally()
        meal_energy = _Tally()
        meal_foods: dict[str, list[str]] = {}
        # Supplements: their dose from foods/supplements.csv, not the table.
        pills = _Tally()
        pill_ids: set[str] = set()
        salt_g = _Tally()
        for item in day.items:
            fid = item.food_id
            if item.kind == "salt":
                _check_salt_item(item, day.items, table)
                salt_g[fid] += item.grams
                continue
            if item.kind == "supplement":
                row_s = _supplement_row(item, req, supplements_csv)
                pills[row_s["nutrient"]] += float(row_s["dose"]) * item.portions
                pill_ids.add(fid)
                continue
            assert fid in frame.index, fid
            row = frame.loc[fid]
            assert isinstance(row, pd.Series), (fid, "one row per id")
            assert fid not in ruled_out, (fid, "life-stage safety or free_from")
            # Allowed foods.
            if req.diet.value != "omnivore":
                assert bool(row[req.diet.value]), (fid, req.diet)
            allergens = set(row["allergens"]) if "allergens" in frame.columns else set()
            assert not allergens & {a.value for a in req.allergies}, (fid, allergens)
            name = str(row["name"]).lower()
            for entry in req.exclude:
                e = entry.strip().lower()
                assert e not in {
                    fid.lower(),
                    str(row.get("food_group", "")).lower(),
                    str(row.get("category", "")).lower(),
                }, (fid, entry)
                assert not re.search(r"\b" + re.escape(e) + r"(?:s|es)?\b", name), (
                    fid,
                    entry,
                )
            if not req.allow_fortified:
                assert not row["fortified"], fid
                text = f"{row['name']} {row.get('sr28_description', '')}"
                assert not FORTIFIED_WORDS.search(text), fid
            if req.objective.value == "cost" or req.budget_per_day is not None:
                assert not math.isnan(float(row["price_per_100g"])), fid
            # Portions.
            desc, portion_g = table.default_portion(fid)
            assert item.portion_description == desc
            assert math.isclose(item.grams, item.portions * portion_g, rel_tol=1e-6)
            assert item.portions > 0
            if step is not None:
                assert math.isclose(item.portions / step, round(item.portions / step))
            if req.portion_limits and step is not None:
                cap = row.get("max_portions")
                cap = DEFAULT_MAX_PORTIONS if cap is None or cap != cap else float(cap)
                roles = set(row["roles"]) if "roles" in frame.columns else set()
                drink = bool(roles & {"beverage", "plant_milk"}) or (
                    row.get("base") in MILK_DRINK_BASES
                )
                packed = re.match(r"1 (container|can)\b", desc, re.IGNORECASE)
                pieces = bool(row.get("whole_units", False)) or packed is not None
                if not pieces and not drink:
                    cap = _served(cap, large_scale)
                assert item.portions <= cap + 1e-9, (fid, item.portions, cap)
            # Meal suitability.
            if req.meals is not None:
                assert item.meal in meals, item.meal
                slot = meals[item.meal].slot.value
                assert slot in row["meal_slots"], (fid, slot)
                meal_foods.setdefault(item.meal, []).append(fid)
                meal_energy[item.meal] += (
                    item.grams * _value(frame, fid, "energy_kcal") / 100
                )
            grams[fid] += item.grams
            if item.cost is not None:
                price = float(row["price_per_100g"])
                assert math.isclose(
                    item.cost, price * item.grams / 100, rel_tol=1e-3, abs_tol=1e-3
                )
        totals = {
            col: sum(
                g * _value(frame, fid, col) / 100
                for fid, g in (*grams.items(), *salt_g.items())
            )
            + pills[col]
            for col in table.nutrients
        }
        # Each item's grams are rounded to 4 decimals: half the last decimal
        # of every food item, at its value, may read a met bound as a hair
        # off (a random table's 2 mg of calcium came to 1.9999875).
        rounding = {
            col: sum(
                0.5e-4 * abs(_value(frame, i.food_id, col)) / 100
                for i in day.items
                if i.kind not in ("salt", "supplement")
            )
            for col in table.nutrients
        }
        _check_added_salt(
            req,
            day.items,
            totals,
            table,
            targets,
            regenerated_meal(plan, day.day),
            plan.sodium_ai_by_salt,
        )
        totals[SUPPLEMENTAL_MAGNESIUM] = pills["magnesium_mg"]
        _check_supplement_uls(req, totals, pills, day.day)
        for col, value in totals.items():
            totals_sum[col] += value
        focus_average = req.nutrient_period.value == "average" and req.days > 1
        focus = {"magnesium_mg", "calcium_mg", "vitamin_d_ug", "vitamin_b12_ug"}
        if plan.status.value != "shortfall":
            for bound in targets.bounds:
                total = totals[bound.nutrient]
                if bound.nutrient == "calcium_mg" and req.absorbable_calcium:
                    # The minimum counts absorbed calcium, the UL all of it.
                    absorbed = _absorbed_calcium(grams, table)
                    absorbed_sum += absorbed
                    if bound.minimum is not None:
                        floor = bound.minimum * MILK_FRACTION
                        if focus_average:
                            floor *= req.daily_floor
                        assert _le(floor, absorbed), (day.day, absorbed, floor)
                    if bound.maximum is not None:
                        assert _le(total, bound.maximum), (day.day, total)
                    continue
                if bound.minimum is not None:
                    floor = bound.minimum
                    if focus_average and bound.nutrient in focus:
                        floor = bound.minimum * req.daily_floor
                    assert _le(floor, total + rounding.get(bound.nutrient, 0.0)), (
                        day.day,
                        bound.nutrient,
                        total,
                        floor,
                    )
                if bound.maximum is not None:
                    assert _le(
                        total - rounding.get(bound.nutrient, 0.0), bound.maximum
                    ), (
                        day.day,
                        bound.nutrient,
                        total,
                    )
                    # Unmeasured foods count at their reviewed stand-ins
                    # under a limit (foods/ul_standins.csv, read here).
                    room = unmeasured_room(frame, grams, bound.nutrient)
                    if req.room_for_unmeasured and room_planned(
                        bound.nutrient, req.person
                    ):
                        assert _le(total + room, bound.maximum), (
                            day.day,
                            bound.nutrient,
                            total,
                            room,
                        )
                    shown = day.total(bound.nutrient).unmeasured_allowance
                    expected = room if req.room_for_unmeasured else 0.0
                    assert math.isclose(
                        shown or 0.0, expected, rel_tol=1e-4, abs_tol=1e-4
                    ), (day.day, bound.nutrient, shown, expected)
            _check_panel(req, totals, day.day, sparse | _unreached_floors(plan))
            _check_panel_rda(req, totals, day.day, sparse | _unreached_floors(plan))
            _check_auto_ais(req, totals, day.day, sparse | _unreached_floors(plan))
            _check_dri_references(req, day.totals, day.day)
            if req.macro_limits and targets.macro_shares:
                energy = totals["energy_kcal"]
                for col, (lo, hi) in targets.macro_shares.items():
                    kcal = ATWATER.get(col, 4.0) * totals[col]
                    assert _le(lo * energy, kcal), (col, kcal)
                    assert _le(kcal, hi * energy), (col, kcal)
        # Counts, meals, budget, includes.
        if req.max_foods is not None:
            # A supplement tablet is not a food: max_foods counts foods only;
            # nor is a fat the plan shows as the cooking fat or dressing of
            # an item of its meal (issue 11: part of that item).
            count = len(grams) - len(_attached_fats(day.items, table))
            assert count <= req.max_foods, (day.day, count)
        if req.meals is not None:
            day_energy = sum(meal_energy.values())
            for name_, spec in meals.items():
                foods = meal_foods.get(name_, [])
                assert spec.min_foods <= len(foods) <= spec.max_foods, (name_, foods)
                lo, hi = spec.energy_share
                assert _le(lo * day_energy, meal_energy[name_]), (name_, lo)
                assert _le(meal_energy[name_], hi * day_energy), (name_, hi)
            # Each food at one meal of a day.
            eaten = [f for fs in meal_foods.values() for f in fs]
            assert len(eaten) == len(set(eaten)), eaten
        if req.budget_per_day is not None:
            cost = sum(
                g * cell_float(frame, fid, "price_per_100g") / 100
                for fid, g in grams.items()
            )
            assert _le(cost, req.budget_per_day), cost
        for fid in req.include:
            assert fid in grams, (day.day, fid)
        for pin in req.pins:
            if pin.days is None or day.day in pin.days:
                where = [i.meal for i in day.items if i.food_id == pin.food]
                assert where, (day.day, pin.food)
                if pin.meal is not None:
                    assert pin.meal in where
        for ban in req.bans:
            if ban.days is None or day.day in ban.days:
                assert all(
                    i.food_id != ban.food
                    or (ban.meal is not None and i.meal != ban.meal)
                    for i in day.items
                ), (day.day, ban.food)
        for fid in grams:
            days_per_food[fid] += 1
            week_grams[fid] += grams[fid]
    # Plan-wide: averages, variety.
    if plan.status.value != "shortfall" and req.nutrient_period.value == "average":
        for bound in targets.bounds:
            if bound.nutrient == "calcium_mg" and req.absorbable_calcium:
                if bound.minimum is not None:
                    avg = absorbed_sum / req.days
                    assert _le(bound.minimum * MILK_FRACTION, avg), avg
                continue
            if bound.minimum is not None:
                avg = totals_sum[bound.nutrient] / req.days
                assert _le(bound.minimum, avg), (bound.nutrient, avg)
    if req.days > 1:
        # The contract's default: a food on at most half the days.
        k = req.max_days_per_food or math.ceil(req.days / 2)
        pinned = {p.food for p in req.pins} | set(req.include)
        # Under the default limit, the documented sole-source rule may let a
        # need's only sources recur on more days (and the plan says so).
        wider = (
            widen_variety_for_sole_sources(req, targets, table)[0]
            if req.max_days_per_food is None
            else {}
        )
        widened = widened_week(plan)
        for fid, n in days_per_food.items():
            if fid not in pinned and n > max(k, wider.get(fid, 0)):
                if widened is not None:
                    # The default rule yielded for the RDAs in time: every
                    # food may recur, and the note names its base.
                    key = _same_base_key(table, fid) if req.structure else fid
                    assert n <= req.days, (fid, n)
                    assert f" {key} (" in widened, (key, widened)
                    continue
                # A food no day does without may recur every day (and the
                # plan says so), proven here again from the table.
                same = _same_base(table, fid) if req.structure else [fid]
                assert needed_every_day(plan, table, same), (fid, n, k)
                assert any(
                    "a day without it has no plan" in note for note in plan.notes
                ), plan.notes
        if req.meals is not None:
            # No meal with the same foods on consecutive days: every meal,
            # snacks that may be empty included; an empty meal is no meal.
            for spec in req.meals:
                sets = [
                    frozenset(i.food_id for i in day.items if i.meal == spec.name)
                    for day in plan.days
                ]
                for a, b in itertools.pairwise(sets):
                    assert not a or a != b, (spec.name, sorted(a))
    if req.max_grams_per_week is not None:
        for fid, g in week_grams.items():
            assert _le(g, req.max_grams_per_week), (fid, g)
    for entry in req.dislikes:
        assert fid_matches_none(plan, table, entry), entry
    if req.structure:
        check_structure(plan, table)
        if req.meals and len(req.meals) > 1 and table.has_column("roles"):
            # As the model: meals hold their structure when there are two.
            assert not two_greens_meals(plan, table), two_greens_meals(plan, table)
            assert not two_legume_meals(plan, table), two_legume_meals(plan, table)
        if req.portion_limits:
            # Portions a dietitian accepts: at most 1.5 RACC an item (a drink
            # 1), grown with energy, recomputed without the caps file.
            assert not generous_items(_foods_only(plan), table), generous_items(
                _foods_only(plan), table
            )
            assert not generous_greens(plan, table), generous_greens(plan, table)
    # The fish advice's day rows are a safety rule: they hold with the portion
    # caps off too (the other item and day rows only with them).
    check_life_stage_caps(_foods_only(plan), table, req.portion_limits)
    check_week_caps(_foods_only(plan), table)
    check_choking_hazards(_foods_only(plan), table)
    check_deli_meats(plan)
    check_soft_drinks(_foods_only(plan), table)
    check_whole_milk_under_2(_foods_only(plan), table)
    check_rice_drinks_under_5(_foods_only(plan), table)
    check_no_added_sugars_under_2(_foods_only(plan), table)
    check_meal_titles(plan, table)
    check_caffeine(plan, table)


def _is_plate_main(fid: str, table: FoodTable) -> bool:
    """A dish or a meat, fish, egg or tofu food: not dairy, not a legume."""
    food = table.food(fid)
    roles = set(food.roles)
    return (
        bool(roles & {"main", "protein"})
        and "dairy" not in roles
        and food.category != "legumes"
    )


def check_meal_titles(plan: MealPlan, table: FoodTable) -> None:
    """Assert that each day names every meal it has, and names it truly.

    One title a meal, in the day's order; its lead is an item of that meal
    (a plate main at lunch and dinner when the meal has one); every item not
    shown as part of another is named (its name's first word); its
    ``food_ids`` hold every item of the meal once, the lead first and each
    fat after its item; the energy is the meal's items' sum.
    """
    for day in plan.days:
        food = [i for i in day.items if i.kind != "supplement" and i.meal]
        slots = list(dict.fromkeys(i.meal for i in food))
        assert [m.meal for m in day.meals] == slots, (day.meals, slots)
        for title in day.meals:
            items = [i for i in food if i.meal == title.meal]
            own = [i for i in items if i.part_of is None]
            assert title.lead in {i.food_id for i in own}, (title, own)
            if title.meal in ("lunch", "dinner") and any(
                _is_plate_main(i.food_id, table) for i in own
            ):
                assert _is_plate_main(title.lead, table), title
            words = title.title.lower()
            for i in own:
                first = re.findall(r"[a-z]+", table.food(i.food_id).name.lower())[0]
                assert first in words, (first, title.title)
            # The menu's order: every item once, the lead first, a fat
            # right after the item it goes with.
            assert sorted(title.food_ids) == sorted(i.food_id for i in items)
            assert title.food_ids[0] == title.lead
            for i in items:
                if i.part_of is not None:
                    at = title.food_ids.index(i.food_id)
                    assert title.food_ids[at - 1] == i.part_of or (
                        title.food_ids[at - 1]
                        in {o.food_id for o in items if o.part_of == i.part_of}
                    ), title
            energies = [i.energy_kcal for i in items]
            if all(e is not None for e in energies):
                assert title.energy_kcal is not None
                assert abs(title.energy_kcal - sum(e or 0.0 for e in energies)) < 0.11


NUT_GROUP = "Nut and Seed Products"
VEG_GROUP = "Vegetables and Vegetable Products"


def toddler_rules(food_id: str, group: str, text: str) -> list[str]:
    """Independent choking-hazard rules for ages 1-3 (AAP, CDC).

    Deliberately simpler than foods/safety_rules.csv, which may rule out
    more, never less: whole nuts and seeds, popcorn, whole grapes, raw
    vegetables and hot dogs. ``text``: the food's name and SR28 description.
    """
    broken = []
    if group == NUT_GROUP:
        broken.append("nuts and seeds")
    if re.search(r"popcorn", text, re.I):
        broken.append("popcorn")
    if re.search(r"(^|\| )grapes?,|fruit cocktail", text, re.I):
        # Canned fruit cocktail holds whole grapes (and cherries).
        broken.append("whole grapes")
    if group == VEG_GROUP and re.search(r"\braw\b", text, re.I):
        broken.append("raw vegetable")
    if (
        re.search(r"\b(frankfurter|hot dog)\b", text, re.I)
        and "roll" not in text.lower()
    ):
        broken.append("hot dog")
    return broken


def food_rule_rows(table: FoodTable) -> list[tuple[str, str, str]]:
    """(id, SR28 food group, "name | SR28 description") of every food of ``table``."""
    n = len(table.ids)

    def column(name: str) -> list[str]:
        return table.texts(name) if table.has_column(name) else [""] * n

    names, descs = column("name"), column("sr28_description")
    return [
        (fid, g, f"{nm} | {d}")
        for fid, nm, d, g in zip(
            table.ids, names, descs, column("food_group"), strict=True
        )
    ]


def check_choking_hazards(plan: MealPlan, table: FoodTable) -> None:
    """Assert that a plan at ages 1-3 holds no choking hazard, by toddler_rules.

    Read from the plan's items and the table's texts alone (not through
    foods/safety_rules.csv): whole nuts and seeds, popcorn, whole grapes, raw
    vegetables and hot dogs are never a toddler's food, nor a dish whose
    recipe holds one (:func:`toddler_recipe_hazards`).
    """
    person = plan.request.person
    if person is None or not 1 <= person.age < 4:
        return
    rows = {fid: (g, t) for fid, g, t in food_rule_rows(table)}
    recipes = toddler_recipe_hazards()
    for day in plan.days:
        for item in day.items:
            group, text = rows[item.food_id]
            broken = toddler_rules(item.food_id, group, text)
            assert not broken, (day.day, item.food_id, broken, "choking hazard")
            # What a dish is made with (its USDA recipe), read here from
            # foods/dish_ingredients.csv, not through the rules.
            made = recipes.get(item.food_id)
            assert made is None, (day.day, item.food_id, made, "choking hazard")


# Independent of foods/safety_rules.csv: recipe ingredients that are a
# toddler's choking hazard however the dish is made (AAP, CDC): whole
# grapes, popcorn, chips, hot dogs, whole nuts (not their milk, oil, butter,
# paste or flour), at 2 g per 100 g of dish or more (a garnish or a trace
# below that is neither a serving nor a piece).
TODDLER_INGREDIENT = re.compile(
    r"^(grapes?,|snacks, (popcorn|tortilla chips|potato chips)|frankfurter,|"
    r"nuts, (almonds|walnuts|pecans|cashew nuts|pistachio|hazelnuts|macadamia)"
    r"(?![^|]*\b(butter|paste|flour|oil|milk)\b)|peanuts, all types)",
    re.IGNORECASE,
)
TRACE_GRAMS = 2.0


_RECIPE_HAZARDS: dict[str, str] = {}


def toddler_recipe_hazards() -> dict[str, str]:
    """Dish id -> the first recipe ingredient that is a toddler's choking hazard."""
    if not _RECIPE_HAZARDS:
        from mealplan._resources import foods_dir

        with (foods_dir() / "dish_ingredients.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                grams = float(row["grams_per_100g"] or 0)
                if grams >= TRACE_GRAMS and TODDLER_INGREDIENT.search(
                    row["ingredient"]
                ):
                    _RECIPE_HAZARDS.setdefault(row["food_id"], row["ingredient"])
    return _RECIPE_HAZARDS


# Independent of foods/safety_rules.csv: SR28's luncheon meats (its food
# group "Sausages and Luncheon Meats", but the fresh sausages cooked hot and
# the canned meats) eaten cold, in a dish served cold (a sandwich, a salad).
COLD_DISH_NAME = re.compile(r"\b(sandwich|sub|hoagie|wrap|salad|club)\b", re.IGNORECASE)
NOT_DELI = re.compile(
    r"\b(fresh|link/patty|italian|chorizo|kielbasa|canned|vienna)\b", re.IGNORECASE
)
_DELI_DISHES: dict[str, str] = {}


def check_deli_meats(plan: MealPlan) -> None:
    """Assert that no cold dish of luncheon meat is planned in pregnancy,
    lactation or from 65 (:func:`deli_recipe_hazards`)."""
    person = plan.request.person
    if person is None or not (person.pregnancy or person.lactation or person.age >= 65):
        return
    hazards = deli_recipe_hazards()
    for day in plan.days:
        for item in day.items:
            assert item.food_id not in hazards, (
                day.day,
                item.food_id,
                hazards[item.food_id],
            )


def deli_recipe_hazards() -> dict[str, str]:
    """Dish id -> the luncheon meat a cold dish is made with (risk of Listeria)."""
    if not _DELI_DISHES:
        from mealplan._resources import foods_dir

        names: dict[str, str] = {}
        with (foods_dir() / "dishes.csv").open(encoding="utf-8") as f:
            names = {r["id"]: r["name"] for r in csv.DictReader(f)}
        with (foods_dir() / "dish_ingredients.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if (
                    row["food_group"] == "Sausages and Luncheon Meats"
                    and float(row["grams_per_100g"] or 0) >= TRACE_GRAMS
                    and not NOT_DELI.search(row["ingredient"])
                    and COLD_DISH_NAME.search(names.get(row["food_id"], ""))
                ):
                    _DELI_DISHES.setdefault(row["food_id"], row["ingredient"])
    return _DELI_DISHES


# Independent of foods/safety_rules.csv and its words: the plain names of
# soft drinks (regular or diet) and sugar-sweetened drinks.
SOFT_DRINK = re.compile(
    r"\b(cola|soda|soft drink|lemonade|limeade|ginger ale|root beer|tonic water"
    r"|energy drink|sports drink|fruit punch|cocoa mix)\b",
    re.IGNORECASE,
)
NOT_SOFT_DRINK = re.compile(r"club soda|baking soda|soda bread|cracker", re.IGNORECASE)


def soft_drink(text: str) -> bool:
    """Whether a food's name and SR28 description name a soft or sweet drink."""
    return bool(SOFT_DRINK.search(text)) and not NOT_SOFT_DRINK.search(text)


def check_soft_drinks(plan: MealPlan, table: FoodTable) -> None:
    """Assert that a plan for ages 1-18 holds no soft or sugar-sweetened drink.

    The American Heart Association advises children and teens at most one
    8-oz sugar-sweetened drink a week (Circulation 2017;135:e1017), so no
    day of a child's plan holds one; read from the table's texts alone.
    """
    _check_no_food_at_ages(plan, table, 19, soft_drink)


# Independent of foods/safety_rules.csv: a milk (the food itself, by its
# name) that is reduced-fat or fat-free; foods made with such milk (a
# cornbread "prepared with 2% milk") are no milk.
_MILK_NAME = re.compile(r"^(butter)?milk\b|^[^,(]*\bmilk\s*($|,|\()", re.I)
_REDUCED = re.compile(
    r"\b(skim|nonfat|fat free|fat-free|low ?fat|low-fat|reduced fat|reduced-fat)\b"
    r"|(^|\s)[12] ?%",
    re.I,
)
_NOT_A_MILK = re.compile(r"\b(cheese|yogurt|soy|almond|rice|coconut|oat)", re.I)


def reduced_fat_milk(text: str) -> bool:
    """Whether a food ("name | SR28 description") is a reduced-fat or skim milk.

    Read from the name: a milk (its name starts with milk or buttermilk, or
    ends a phrase with it: "Skim milk (vitamins A and D added)") that says
    it is skim, fat-free, low-fat, reduced-fat, 1 % or 2 %.
    """
    name = text.split(" | ")[0]
    return (
        bool(_MILK_NAME.search(name))
        and bool(_REDUCED.search(name))
        and not _NOT_A_MILK.search(name)
    )


def check_whole_milk_under_2(plan: MealPlan, table: FoodTable) -> None:
    """Assert that a plan for a child under 2 holds no reduced-fat or skim milk.

    Children of 12-24 months should drink whole milk (Healthy Eating
    Research 2019, with the AAP); read from the table's texts alone.
    """
    _check_no_food_at_ages(plan, table, 2, reduced_fat_milk)


# Independent of foods/safety_rules.csv: a rice drink by its two words.
_RICE_DRINK = re.compile(r"\brice\W*(milk|beverage|drink)|\bricemilk\b", re.I)


def rice_drink(text: str) -> bool:
    """Whether a food ("name | SR28 description") is a rice drink ("rice milk")."""
    return bool(_RICE_DRINK.search(text))


def check_rice_drinks_under_5(plan: MealPlan, table: FoodTable) -> None:
    """Assert that a plan for a child under 5 holds no rice drink.

    The UK Food Standards Agency (2009) and ESPGHAN (2015) advise against
    rice drinks for children of 1-4.5 (inorganic arsenic); read from the
    table's texts alone.
    """
    _check_no_food_at_ages(plan, table, 5, rice_drink)


def _check_no_food_at_ages(
    plan: MealPlan, table: FoodTable, under: float, banned: Callable[[str], bool]
) -> None:
    """Assert that a plan for ages 1 to ``under`` holds no food ``banned`` names.

    ``banned`` reads a food's "name | SR28 description" (:func:`food_rule_rows`).
    """
    person = plan.request.person
    if person is None or not 1 <= person.age < under:
        return
    rows = {fid: t for fid, _, t in food_rule_rows(table)}
    for day in plan.days:
        for item in day.items:
            assert not banned(rows[item.food_id]), (day.day, item.food_id)


# Independent of foods/safety_rules.csv and its words: SR28's sweets by their
# food-group word (the description's first word), foods that say they are
# sweetened, flavoured yogurts, and ready-to-eat cereals named for their
# sugar. Fortified plant milks are the rules' stated exception (a vegan
# child's vitamin D and B12).
_SWEET_GROUP = re.compile(
    r"^(candies|cookies|cakes?|ice creams|puddings|syrups?|sugars?|jams|jellies"
    r"|honey|frostings?|toppings|sweeteners|desserts|doughnuts|pies?|marshmallows?)\b",
    re.IGNORECASE,
)
_SWEETENED = re.compile(
    r"(?<!un)sweetened|\byogurt, (fruit|vanilla)|\b(honey|frosted)\b", re.IGNORECASE
)
_PLANT_MILK = re.compile(r"\b(coconut milk|soymilk|soy milk)\b", re.IGNORECASE)
DISH_FPED_CSV = Path(__file__).resolve().parents[1] / "foods" / "dish_fped.csv"
ADDED_SUGARS_TSP_UNDER_2 = 1.5
"""A dish with more FPED added sugars (tsp-eq per 100 g) than plain bread's."""


def added_sugar_food(text: str) -> bool:
    """Whether a food ("name | SR28 description") has added sugars by its words."""
    _, _, desc = text.partition(" | ")
    if _PLANT_MILK.search(text):
        return False
    honey_dew = re.search(r"honeydew", text, re.IGNORECASE)
    return bool(_SWEET_GROUP.search(desc.strip())) or (
        bool(_SWEETENED.search(text)) and not honey_dew
    )


def dish_added_sugars() -> dict[str, float]:
    """Food id -> FPED added sugars per 100 g, read from foods/dish_fped.csv."""
    with DISH_FPED_CSV.open(encoding="utf-8") as handle:
        return {
            row["food_id"]: float(row["add_sugars_tsp_eq"])
            for row in csv.DictReader(handle)
        }


def check_no_added_sugars_under_2(plan: MealPlan, table: FoodTable) -> None:
    """Assert that a plan for a child under 2 holds no food with added sugars.

    DGA 2020-2025: no added sugars before 2. Read from the table's texts
    (:func:`added_sugar_food`) and, for a dish, USDA FPED's added sugars
    (:func:`dish_added_sugars`), not through the rules.
    """
    _check_no_food_at_ages(plan, table, 2, added_sugar_food)
    person = plan.request.person
    if person is None or not 1 <= person.age < 2:
        return
    sugars = dish_added_sugars()
    for day in plan.days:
        for item in day.items:
            tsp = sugars.get(item.food_id, 0.0)
            assert tsp <= ADDED_SUGARS_TSP_UNDER_2, (day.day, item.food_id, tsp)


LIFE_STAGE_CAPS_CSV = (
    Path(__file__).resolve().parents[1] / "foods" / "life_stage_caps.csv"
)

# US customary units, written out here (not imported) so the check stays
# independent of mealplan._life_stage_caps.
_GRAMS_PER = {"g": 1.0, "oz": 28.349523125}
_ML_PER = {
    "ml": 1.0,
    "fl_oz": 29.5735295625,
    "cup": 8 * 29.5735295625,
    "tbsp": 29.5735295625 / 2,
    "tsp": 29.5735295625 / 6,
}
_VOLUME = re.compile(
    r"^\s*([0-9.]+|[0-9]+/[0-9]+|½|¼|¾)\s*(cups?|fl\.? ?oz|tbsp|tablespoons?|tsp|"
    r"teaspoons?)\b",
    re.IGNORECASE,
)


def portion_volume_ml(description: str) -> float | None:
    """Millilitres of a portion described as "1 cup", "6 fl oz", "1 tbsp"."""
    m = _VOLUME.match(description)
    if m is None:
        return None
    text, word = m.group(1), m.group(2).lower()
    count = {"½": 0.5, "¼": 0.25, "¾": 0.75}.get(text)
    if count is None:
        top, _, bottom = text.partition("/")
        count = float(top) / float(bottom or 1)
    if word.startswith("fl"):
        unit = "fl_oz"
    elif word.startswith("c"):
        unit = "cup"
    elif word.startswith(("tb", "ta")):  # tbsp, tablespoon(s)
        unit = "tbsp"
    else:  # tsp, teaspoon(s)
        unit = "tsp"
    return count * _ML_PER[unit]


def life_stage_cap_rows(path: Path = LIFE_STAGE_CAPS_CSV) -> list[dict[str, str]]:
    """The rows of foods/life_stage_caps.csv, as text."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def table_cap_rows(table: FoodTable) -> list[dict[str, str]]:
    """The caps ``table`` plans with: a caller's own (as text), else the bundled file."""
    caps = table.life_stage_caps
    if caps is None:
        return life_stage_cap_rows()
    return [
        {
            "cap_id": c.cap_id,
            "min_age": str(c.min_age),
            "max_age": str(c.max_age),
            "scope": c.scope,
            "selector": ";".join(
                [f"{kind}:{'|'.join(sorted(values))}" for kind, values in c.selectors]
                + [f"!{kind}:{'|'.join(sorted(values))}" for kind, values in c.exclude]
            ),
            "amount": str(c.amount),
            "unit": c.unit,
            "no_volume_grams": ""
            if c.no_volume_grams is None
            else str(c.no_volume_grams),
            "life_stages": ";".join(sorted(c.life_stages)),
        }
        for c in caps
    ]


FISH_CHOICES_CSV = Path(__file__).resolve().parents[1] / "foods" / "fish_choices.csv"
DISH_INGREDIENTS_CSV = (
    Path(__file__).resolve().parents[1] / "foods" / "dish_ingredients.csv"
)
_STRICTNESS = {"best": 0, "good": 1, "avoid": 2}
_fish_cache: weakref.WeakKeyDictionary[FoodTable, dict[str, tuple[str, float]]] = (
    weakref.WeakKeyDictionary()
)


def _dish_fish() -> dict[str, list[tuple[float, str]]]:
    """Dish id -> (grams per 100 g, description) of its SR28 fish ingredients."""
    out: dict[str, list[tuple[float, str]]] = {}
    with DISH_INGREDIENTS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            # SR28 food group 15: Finfish and Shellfish Products.
            if row["ndb_no"][:2] == "15":
                out.setdefault(row["food_id"], []).append(
                    (float(row["grams_per_100g"] or 0), row["ingredient"])
                )
    return out


def _fish_text_class(
    text: str, rows: list[dict[str, str]], known_fish: bool
) -> str | None:
    """The strictest class of the rows naming ``text``'s fish (fallback if none)."""

    def hit(row: dict[str, str]) -> bool:
        return bool(re.search(row["pattern"], text, re.I)) and not (
            row["unless"] and re.search(row["unless"], text, re.I)
        )

    for applies in ("named", "otherwise"):
        found = [
            r["choice"]
            for r in rows
            if r["applies"] == applies
            and (hit(r) or (applies == "otherwise" and known_fish))
        ]
        if found:
            return max(found, key=_STRICTNESS.__getitem__)
    return None


def fish_classes(table: FoodTable) -> dict[str, tuple[str, float]]:
    """Food id -> (FDA/EPA class, fish grams per gram) of the table's fish foods.

    Read here from foods/fish_choices.csv and foods/dish_ingredients.csv
    (not through the planner's module): a food of category fish_seafood or
    SR28's fish group is all fish, classed by its texts; a dish with SR28
    fish (NDB 15xxx) in its recipe is that share fish, classed by the
    strictest of its fish ingredients and its own texts.
    """
    if table in _fish_cache:
        return _fish_cache[table]
    with FISH_CHOICES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    dishes = _dish_fish()
    cols = [
        table.texts(c)
        for c in ("name", "sr28_description", "fndds_description", "description")
        if table.has_column(c)
    ]
    n = len(table.ids)
    groups = table.texts("food_group") if table.has_column("food_group") else [""] * n
    cats = table.texts("category") if table.has_column("category") else [""] * n
    out: dict[str, tuple[str, float]] = {}
    for i, (fid, cat) in enumerate(zip(table.ids, cats, strict=True)):
        plain = cat == "fish_seafood" or groups[i] == "Finfish and Shellfish Products"
        recipe = [] if plain else dishes.get(fid, [])
        if not plain and not recipe:
            continue
        classes = [_fish_text_class(" | ".join(c[i] for c in cols), rows, plain)]
        classes += [_fish_text_class(text, rows, True) for _, text in recipe]
        found = [c for c in classes if c is not None]
        share = 1.0 if plain else min(sum(g for g, _ in recipe) / 100, 1.0)
        out[fid] = (max(found, key=_STRICTNESS.__getitem__), share)
    _fish_cache[table] = out
    return out


DISH_FPED_CSV = Path(__file__).resolve().parents[1] / "foods" / "dish_fped.csv"


@functools.cache
def dish_juice_cups() -> dict[str, float]:
    """FNDDS code -> FPED cups of 100 % juice per 100 g (foods/dish_fped.csv)."""
    with DISH_FPED_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            r["fndds_code"]: float(r["f_juice_cup_eq"])
            for r in csv.DictReader(handle)
            if float(r["f_juice_cup_eq"]) > 0
        }


def _juice_cups_per_100g(fid: str, table: FoodTable) -> float:
    if not table.has_column("fndds_code"):
        return 0.0
    code = table.texts("fndds_code")[list(table.ids).index(fid)]
    return dish_juice_cups().get(code, 0.0) if code else 0.0


def cap_amount(row: dict[str, str], item: Any, table: FoodTable) -> float:
    """How much of ``row``'s unit ``item`` holds (see the caps file's header).

    A food only ``fish:`` or ``fped:`` parts of the selector pick counts its
    share (a dish's recipe fish; its FPED juice, a cup-eq being a cup), any
    other its whole weight.
    """
    parts = row["selector"].split(";")
    shares = ("fish:", "fped:")
    if not any(p.startswith(shares) for p in parts):
        return _whole_cap_amount(row, item, table)
    others = ";".join(p for p in parts if not p.lstrip("!").startswith(shares))
    if others and cap_selects({**row, "selector": others}, item.food_id, table):
        return _whole_cap_amount(row, item, table)
    fish = fish_classes(table).get(item.food_id)
    fish_amount = fish[1] * _whole_cap_amount(row, item, table) if fish else 0.0
    if not any(p.startswith("fped:") for p in parts):
        return fish_amount
    juice = _juice_cups_per_100g(item.food_id, table) * float(item.grams) / 100
    return max(fish_amount, juice * _ML_PER["cup"] / _ML_PER[row["unit"]])


def _whole_cap_amount(row: dict[str, str], item: Any, table: FoodTable) -> float:
    unit = row["unit"]
    if unit in _GRAMS_PER:
        return float(item.grams) / _GRAMS_PER[unit]
    ml = portion_volume_ml(table.default_portion(item.food_id)[0])
    if ml is not None:
        return float(item.portions) * ml / _ML_PER[unit]
    if row["no_volume_grams"]:
        return float(item.grams) / float(row["no_volume_grams"]) * float(row["amount"])
    return float(item.grams) / _ML_PER[unit]  # water: 1 g per mL


def _food_words(fid: str, table: FoodTable) -> str:
    """A food's texts, id and base as one lowercase string, hyphens as spaces."""
    i = list(table.ids).index(fid)
    parts = [fid] + [
        table.texts(c)[i]
        for c in (
            "name",
            "sr28_description",
            "fndds_description",
            "description",
            "base",
        )
        if table.has_column(c)
    ]
    return " ".join(parts).lower().replace("-", " ")


def cap_selects(row: dict[str, str], fid: str, table: FoodTable) -> bool:
    """Whether a caps row's selector (kind:a|b joined by ';') picks ``fid``.

    A ``!kind:a|b`` part leaves out what it picks; ``word`` finds a whole
    word or phrase in the food's texts.
    """
    i = list(table.ids).index(fid)
    roles = set(table.tags("roles")[i]) if table.has_column("roles") else set()
    base = (table.texts("base")[i] if table.has_column("base") else "") or fid
    category = table.texts("category")[i]
    text = _food_words(fid, table)
    picked = left_out = False
    for part in row["selector"].split(";"):
        sign, _, values = part.partition(":")
        kind = sign.lstrip("!")
        wanted = set(values.split("|"))
        hit = (
            (kind == "role" and bool(roles & wanted))
            or (kind == "base" and base in wanted)
            or (kind == "id" and fid in wanted)
            or (kind == "category" and category in wanted)
            or (
                kind == "fped"
                and "juice" in wanted
                and _juice_cups_per_100g(fid, table) > 0
            )
            or (
                kind == "fish"
                and fid in fish_classes(table)
                and bool({"any", fish_classes(table)[fid][0]} & wanted)
            )
            or (
                kind == "word"
                and any(
                    re.search(rf"\b{re.escape(w.lower().replace('-', ' '))}\b", text)
                    for w in wanted
                )
            )
        )
        if sign.startswith("!"):
            left_out = left_out or hit
        else:
            picked = picked or hit
    return picked and not left_out


def cap_holds_for(row: dict[str, str], person: Any, diet: Any = None) -> bool:
    """Whether a caps row holds for ``person``: by age, life stage and diet if named.

    Age picks the rows (min_age <= age < max_age); a row whose life_stages
    names pregnancy or lactation holds only when the person is so; a row
    whose diets name some holds only on one of them (or without a diet).
    """
    if not float(row["min_age"]) <= person.age < float(row["max_age"]):
        return False
    diets = {d for d in (row.get("diets") or "").split(";") if d}
    if diets and diet is not None and str(getattr(diet, "value", diet)) not in diets:
        return False
    stages = {s for s in (row.get("life_stages") or "").split(";") if s}
    return not stages or bool(
        ("pregnancy" in stages and person.pregnancy)
        or ("lactation" in stages and person.lactation)
    )


def is_fish_day_row(row: dict[str, str]) -> bool:
    """Whether a caps row is a day cap of FDA/EPA's fish advice (a safety rule).

    A day row a ``fish:`` part of whose selector picks foods: one serving of
    fish a day at most, held with or without the portion caps.
    """
    return row["scope"] == "day" and any(
        part.startswith("fish:") for part in row["selector"].split(";")
    )


def check_life_stage_caps(
    plan: MealPlan, table: FoodTable, portion_limits: bool = True
) -> None:
    """Assert the life-stage caps of foods/life_stage_caps.csv, item and day.

    Recomputed from the plan's items and the table alone: the person's age
    and life stage pick the rows, a volume is the item's portions times its
    default portion's volume, and a day cap sums every selected item of the
    day. Without ``portion_limits`` only the fish advice's day rows hold.
    """
    person = plan.request.person
    if person is None:
        return
    rows = [
        r
        for r in table_cap_rows(table)
        if cap_holds_for(r, person, plan.request.diet)
        and r["scope"] in ("item", "day")
        and (portion_limits or is_fish_day_row(r))
    ]
    for day in plan.days:
        for row in rows:
            limit = float(row["amount"])
            chosen = [i for i in day.items if cap_selects(row, i.food_id, table)]
            amounts = [cap_amount(row, i, table) for i in chosen]
            if row["scope"] == "item":
                for item, amount in zip(chosen, amounts, strict=True):
                    assert amount <= limit * (1 + 1e-6), (
                        day.day,
                        row["cap_id"],
                        item.food_id,
                        amount,
                        limit,
                    )
            else:
                assert sum(amounts) <= limit * (1 + 1e-6), (
                    day.day,
                    row["cap_id"],
                    [i.food_id for i in chosen],
                    sum(amounts),
                    limit,
                )


def week_cap_rows(plan: MealPlan, table: FoodTable) -> list[dict[str, str]]:
    """The weekly caps rows (scope week) that hold for the plan's person.

    Age picks the rows (min_age <= age < max_age); a row whose life_stages
    names pregnancy or lactation holds only when the person is so.
    """
    person = plan.request.person
    if person is None:
        return []
    return [
        r
        for r in table_cap_rows(table)
        if r["scope"] == "week" and cap_holds_for(r, person)
    ]


def check_week_caps(plan: MealPlan, table: FoodTable) -> None:
    """Assert the weekly caps (FDA/EPA fish) over every 7 consecutive days.

    Recomputed from the plan's items and the caps table alone: a plan of 2-7
    days is one window of all its days, a longer one every run of 7
    consecutive days; a 1-day plan has no weekly cap (its day caps hold).
    """
    days = plan.days
    if len(days) < 2:
        return
    per_day: dict[str, list[float]] = {}
    for row in week_cap_rows(plan, table):
        per_day[row["cap_id"]] = [
            sum(
                cap_amount(row, i, table)
                for i in day.items
                if cap_selects(row, i.food_id, table)
            )
            for day in days
        ]
        span = min(7, len(days))
        for start in range(len(days) - span + 1):
            total = sum(per_day[row["cap_id"]][start : start + span])
            assert total <= float(row["amount"]) * (1 + 1e-6), (
                row["cap_id"],
                f"days {start + 1}-{start + span}",
                total,
                row["amount"],
            )


def assert_irreducible(
    request: dict[str, Any],
    foods: FoodTable,
    groups: list[str],
    unproven: Collection[str] = (),
) -> None:
    """The listed groups conflict, and dropping any one of them resolves it.

    Members in ``unproven`` (a diagnosis's ``proven: false``: its check ran
    out of effort, so their necessity was assumed, not claimed) are not
    asserted necessary; every other member is, and the whole set must
    conflict.
    """
    req = mealplan.parse_request(request)
    targets = resolve_targets(req, foods)
    every = build_problem(req, targets, foods).group_names
    assert set(groups) <= set(every)

    def status(kept: set[str]) -> SolveStatus:
        problem = build_problem(req, targets, foods, disabled=set(every) - kept)
        while True:
            found = _decided(problem)
            # The no-repeat rule of a meal that may be empty (the variety
            # group's) is lazy (mealplan._norepeat): a plan that repeats such
            # a meal is cut off and the rest asked again, as plan() does. A
            # 2-day vegan request whose three foods fill both days exactly
            # alike has no plan, though the model without the cuts has one.
            if found.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
                return SolveStatus(found.status)
            cuts = repeats(problem, found.units) if "variety" in kept else []
            cut = with_cuts(problem, cuts)
            if len(cut.not_same) == len(problem.not_same):
                return SolveStatus(found.status)
            problem = cut

    def _decided(problem: Any) -> Any:
        # An undecided check (no plan and no proof in its limit) says nothing
        # of the conflict, only of the machine: a loaded one (CI at load 12)
        # left a 20 s check undecided, so it is asked again with more time
        # before its answer is judged.
        for limit in (20, 180):
            found = solve(
                problem, solver=SolverName.HIGHS, time_limit=limit, goal=("min", "none")
            )
            if found.status is not SolveStatus.NO_SOLUTION:
                break
        return found

    assert status(set(groups)) is SolveStatus.INFEASIBLE
    assert set(unproven) <= set(groups)
    for g in groups:
        if g in unproven:
            continue
        assert status(set(groups) - {g}) in (
            SolveStatus.OPTIMAL,
            SolveStatus.FEASIBLE,
        ), g


def check_outcome(request: dict[str, Any], table: FoodTable) -> None:
    """Plan ``request``: the plan meets every constraint, or its diagnosis is an IIS."""
    try:
        result = mealplan.plan(request, table)
    except InfeasiblePlanError as exc:
        # A diagnosis is always computed for plan()'s infeasible requests.
        diagnosis = exc.diagnosis
    else:
        check_plan(result, table)
        return
    assert diagnosis is not None
    groups = [c.constraint for c in diagnosis.conflicts]
    assert groups
    unproven = [c.constraint for c in diagnosis.conflicts if not c.proven]
    assert_irreducible(request, table, groups, unproven)


# ----------------------------------------------------------------- structure


def fid_matches_none(plan: MealPlan, table: FoodTable, entry: str) -> bool:
    """Whether no item of ``plan`` is a food id, name word or category ``entry``."""
    frame = table.frame
    e = entry.strip().lower()
    for item in plan.items:
        row = frame.loc[item.food_id]
        keys = {
            item.food_id.lower(),
            str(row.get("food_group", "")).lower(),
            str(row.get("category", "")).lower(),
        }
        name = str(row["name"]).lower()
        if e in keys or re.search(r"\b" + re.escape(e) + r"(?:s|es)?\b", name):
            return False
    return True


def _energy_factor(energy: NutrientBound | None, stated_kcal: float) -> float:
    """How much the middle of a day's energy bounds exceeds ``stated_kcal`` (>= 1)."""
    sides = [v for v in (energy.minimum, energy.maximum) if v] if energy else []
    return max(1.0, sum(sides) / len(sides) / stated_kcal) if sides else 1.0


def _served(stated: float, factor: float) -> float:
    """A cap of ``stated`` portions grown by ``factor`` (>= 1), as a cook serves it.

    Measured to the quarter portion, then served by the half: 1.5 x 1.2 = 1.8
    cups allows 2 cups, not 1.8; 1.5 x 1.02 = 1.53 cups measures 1.5, so 1.5
    it stays.
    """
    if factor <= 1.0:
        return stated
    quarters = math.floor(stated * factor * 4 + 0.5) / 4
    return max(stated, math.ceil(quarters * 2 - 1e-9) / 2)


def _caps() -> list[dict[str, str]]:
    import csv
    from pathlib import Path

    path = Path(mealplan.__file__).parent.parent / "foods" / "portion_caps.csv"
    if not path.is_file():
        from mealplan._resources import foods_dir

        path = foods_dir() / "portion_caps.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _dish_grains() -> dict[str, float]:
    """FNDDS code -> FPED grains per 100 g, read from the CSV, in oz-eq.

    G_TOTAL plus the white potatoes (V_STARCHY_POTATO, cup-eq) at 2 oz-eq a
    cup: ½ cup of potato is one starch exchange, as a slice of bread is.
    """
    import csv
    from pathlib import Path

    path = Path(mealplan.__file__).parent.parent / "foods" / "dish_fped.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            r["fndds_code"]: float(r["g_total_oz_eq"]) + 2 * float(r["v_potato_cup_eq"])
            for r in csv.DictReader(handle)
        }


def starch_items(table: FoodTable) -> set[str]:
    """The grain or starch items of ``table``, one a lunch or dinner.

    Written out here, not imported: a cooked grain, pasta, potato or other
    starchy side (role grain_side), a bread or tortilla (role bread), or a
    dish whose default serving holds 0.75 oz-eq of grains or more (FPED;
    white potatoes at 2 oz-eq a cup: potato salad, shepherd's pie).
    """
    ids = list(table.ids)
    roles = table.tags("roles") if table.has_column("roles") else [()] * len(ids)
    codes = (
        table.texts("fndds_code") if table.has_column("fndds_code") else [""] * len(ids)
    )
    grains = _dish_grains()
    out = set()
    for i, fid in enumerate(ids):
        if {"grain_side", "bread"} & set(roles[i]):
            out.add(fid)
        elif codes[i] in grains:
            serving = table.default_portion(fid)[1]
            if grains[codes[i]] * serving / 100 >= 0.75:
                out.add(fid)
    return out


class _Facts(TypedDict):
    """What check_structure reads of one food, from the table alone."""

    roles: frozenset[str]
    base: str
    whole: bool
    category: str
    milk: bool
    drink: bool
    raw: bool
    text: str
    starch: bool


def _breakfast_grain(facts: _Facts) -> bool:
    """Whether a food is a bread or grain dish (its grains from FPED or its name)."""
    return bool(facts["starch"]) or bool(_BREAKFAST_BAKERY.search(str(facts["text"])))


_BREAKFAST_BAKERY = re.compile(
    r"\b(pancakes?|waffles?|muffins?|french toast|crepes?|biscuits?|croissants?|"
    r"bagels?|tortillas?|blintz)\b",
    re.IGNORECASE,
)


def _cap_selects(selector: str, fid: str, facts: _Facts) -> bool:
    kind, _, values = selector.partition(":")
    wanted = set(values.split("|"))
    if kind == "starch":
        return bool(facts["starch"])
    if kind == "plate":
        return not facts["drink"]
    if kind == "drinks":
        return bool(facts["drink"])
    if kind == "role":
        return bool(facts["roles"] & wanted)
    if kind == "base":
        return facts["base"] in wanted
    if kind == "id":
        return fid in wanted
    if kind == "category":
        return facts["category"] in wanted
    return kind == "slot"


FAT_HOSTS = frozenset(
    {
        "protein",
        "main",
        "side_vegetable",
        "salad",
        "grain_side",
        "cereal_hot",
        "breakfast_dish",
        "bread",
        "soup",
    }
)
"""Roles of items a fat can be cooked with, dress or be spread on (issue 11 §2;
written out here, not imported, so the check stays independent)."""

CEREAL_ROLES = frozenset({"cereal_hot", "cereal_rte"})
"""Hot cereals (oatmeal, grits, cream of wheat) and ready-to-eat ones: one a meal."""

MILK_DRINK_BASES = frozenset({"milk", "goat-milk"})
"""Cow's and goat's milks; with plant milks, the milk-type drinks (one a day)."""


def _raw(roles: frozenset[str], category: str, text: str) -> bool:
    """A salad, or a vegetable or fruit USDA describes as raw (not "raw weight")."""
    return "salad" in roles or (
        category in ("vegetables", "fruits")
        and re.search(r"\braw\b(?!\s+weight)", text, re.IGNORECASE) is not None
    )


_COOKED_WORDS = re.compile(
    r"\b(?:cooked|roasted|broiled|fried|pan-browned|braised|grilled|baked|boiled|"
    r"simmered|steamed|stewed|scrambled|poached|heated|toasted|microwaved|"
    r"sauteed|sautéed|mashed|dry heat|moist heat|ready-to-heat|"
    r"(?<!commercially )prepared)\b",
    re.IGNORECASE,
)


_NOT_OIL = frozenset({"salad-dressing", "creamy-dressing", "mayonnaise", "butter"})
"""Fat bases that are not oil (a fat of any other base is an oil)."""


def _fat_goes_with(fat_base: str, host: _Facts) -> bool:
    """Whether a fat may go with ``host`` (issue 11, a dietitian's pairings).

    Written out here, not imported: a dressing on a salad, vegetables or a
    grain side;
    oil on a cooked item or as a dressing; butter on a cooked item, bread, a
    bakery breakfast or porridge; mayonnaise on bread or a salad. Cooked: the
    USDA text says so (canned plants too), or a raw meat, fish, egg or tofu.
    """
    roles, cat, raw, text = host["roles"], host["category"], host["raw"], host["text"]
    dressed = "salad" in roles or ("side_vegetable" in roles and raw)
    spread = "bread" in roles or ("breakfast_dish" in roles and cat == "breads_bakery")
    porridge = "cereal_hot" in roles
    cooked = False
    if (
        roles & {"side_vegetable", "grain_side", "protein", "main", "breakfast_dish"}
        and not roles & {"dairy", "bread", "fat"}
        and cat != "breads_bakery"
        and not raw
    ):
        cooked = _COOKED_WORDS.search(text) is not None
        if cat in ("meat", "poultry", "fish_seafood", "eggs", "soy_products"):
            cooked = cooked or re.search(r"\braw\b", text, re.I) is not None
        elif cat in ("vegetables", "legumes", "fruits", "grains_pasta"):
            cooked = cooked or re.search(r"\bcanned\b", text, re.I) is not None
    if fat_base == "salad-dressing":
        # A salad, vegetables (raw or cooked) or a grain side: never a meat.
        return dressed or (cooked and bool(roles & {"side_vegetable", "grain_side"}))
    if fat_base == "creamy-dressing":
        # Ranch or caesar: a salad or raw vegetables only, never rice.
        return dressed
    if fat_base == "mayonnaise":
        return dressed or spread
    if fat_base == "butter":
        return cooked or spread or porridge
    return cooked or dressed


# Portions a dietitian accepts (issue 11, session 8), by a rule of their own:
# FDA's Reference Amounts Customarily Consumed (RACC, 21 CFR 101.12(b) Table
# 2), what Americans customarily eat at one eating occasion. One item at one
# meal holds at most 1.5 RACC (a drink as a solid food: 1½ cups of milk is a
# large glass; one cup was measured and cost plans, benchmarks/caps_cost.py),
# at 2,000 kcal a day, grown in proportion for larger eaters. Foods are
# grouped here from the table's category, roles and words, never from
# foods/portion_caps.csv, so a cap row that is missing or too loose shows.
RACC_MULTIPLE = 1.5
DRINK_RACC_MULTIPLE = RACC_MULTIPLE
# Group -> (RACC in grams, multiple): every amount is the regulation's own,
# weighed with SR28 where it is a volume.
RACC_GROUPS: dict[str, tuple[float, float]] = {
    "fruit": (140.0, RACC_MULTIPLE),  # fruits, all others, fresh/canned/frozen
    "dried_fruit": (40.0, RACC_MULTIPLE),  # dried fruits
    "cottage_cheese": (110.0, RACC_MULTIPLE),  # cheese, cottage
    "ricotta": (55.0, RACC_MULTIPLE),  # cheese used mainly as an ingredient
    "yogurt": (170.0, RACC_MULTIPLE),
    "grated_cheese": (5.0, RACC_MULTIPLE),  # cheese, grated hard (Parmesan)
    "cheese": (30.0, RACC_MULTIPLE),  # cheese, all others
    # Milk, milk-based drinks, soy beverage: 240 mL, a cup of milk (244-245 g).
    "milk_drink": (245.0, DRINK_RACC_MULTIPLE),
    # Hot cereal: 1 cup prepared (a cup of cooked oatmeal, 234 g), 40 g dry.
    "hot_cereal": (234.0, RACC_MULTIPLE),
    "hot_cereal_dry": (40.0, RACC_MULTIPLE),
    "cooked_grain": (140.0, RACC_MULTIPLE),  # rice, barley, pasta, prepared
    "meat_fish": (85.0, RACC_MULTIPLE),  # entrées without sauce, cooked
    "tofu_tempeh": (85.0, RACC_MULTIPLE),  # bean cake (tofu), tempeh
    "egg": (110.0, RACC_MULTIPLE),  # egg mixtures (scrambled, omelets)
    "bread": (50.0, RACC_MULTIPLE),  # breads, rolls, tortillas, pita
    "bagel": (110.0, RACC_MULTIPLE),  # bagels, muffins
    "nuts": (30.0, RACC_MULTIPLE),  # nuts and seeds
    # Beans as a meal's protein food: 1 cup (¼ cup = 1 oz-eq, USDA) is 4 oz-eq,
    # within the 4.5 oz that 1.5 RACC of meat allows; 200 g cooked from dry
    # (164-198 g a cup), 265 g canned with their liquid (238-262 g).
    "legume": (200.0, 1.0),
    "legume_canned": (265.0, 1.0),
}
RTE_CEREAL_SERVINGS = RACC_MULTIPLE
"""Ready-to-eat cereal: its RACC (15, 40 or 60 g by weight per cup) sets the
label (NLEA) serving, SR28's default portion, so at most 1.5 of them."""
UNENFORCED_GROUPS = frozenset({"cooked_grain", "milk_drink"})
"""Groups the rule reports but the planner does not hold (no racc_* row).
Held: cottage cheese, ricotta, yogurt, grated parmesan, hot and ready-to-eat
cereals (session 9); fresh fruit, meat and fish, tofu and tempeh, bread and
natural cheese (session 10); and by earlier caps eggs, nuts, beans, dried
fruit and bagels. Not held: milks and plant milks at 1½ cups (one milk-type
drink a day, so it is the day's milk) left a vegetarian woman of 31 without
fish with no 2-day plan (tests/test_weekly_seed.py: only UV mushrooms gave her
vitamin D on both days; the cow's-milk row alone raised her objective 2.85 ->
4.82); they keep milk_item and plant_milk_item (2 cups). Measured interleaved
in one process (benchmarks/portions_cost_latest.md, session 10, load 6-11): cooked
grains at 210 g (1 cup of rice, 1½ of pasta, grown with energy) took a man of
22 (load.py's day #27, 2,474-3,024 kcal) from 0.2-0.4 s to 12-20 s of CPU
(to the 30 s limit at load 8), where every other row together took 0.6 s; it
keeps grain_side_cups (1½ cups at 2,000 kcal or less, 2 above)."""
_DRIED = re.compile(r"\b(dried|raisins?|dehydrated)\b", re.IGNORECASE)
_COOKED_CEREAL = re.compile(r"\b(cooked|prepared)\b", re.IGNORECASE)
_BUNDLED_FOODS = Path(__file__).resolve().parents[1] / "foods" / "foods.csv"


def _bundled_categories() -> dict[str, str]:
    if not _BUNDLED_FOODS.is_file():
        return {}
    with _BUNDLED_FOODS.open(encoding="utf-8", newline="") as handle:
        return {r["id"]: r["category"] for r in csv.DictReader(handle)}


def racc_group(
    roles: Collection[str], category: str | None, base: str | None, text: str
) -> str | None:
    """Return the RACC group of a food (see RACC_GROUPS), or None: not capped."""
    t = text.lower()
    if category == "fruits" and "fruit" in roles:
        return "dried_fruit" if _DRIED.search(t) else "fruit"
    if "plant_milk" in roles or base in MILK_DRINK_BASES:
        return "milk_drink"
    if category == "dairy":
        for word, group in (
            ("cottage cheese", "cottage_cheese"),
            ("ricotta", "ricotta"),
            ("yogurt", "yogurt"),
        ):
            if word in t:
                return group
        if set(roles) == {"dairy"}:
            return "grated_cheese" if "grated" in t else "cheese"
        return None
    if "cereal_hot" in roles:
        return "hot_cereal" if _COOKED_CEREAL.search(t) else "hot_cereal_dry"
    if category == "grains_pasta" and "grain_side" in roles:
        return "cooked_grain"
    if category in ("meat", "poultry", "fish_seafood"):
        return "meat_fish"
    if "tofu" in t or "tempeh" in t or "natto" in t:
        return "tofu_tempeh"  # natto: fermented soybeans, held as tempeh
    if category == "eggs":
        return "egg"
    if "bread" in roles and category == "breads_bakery":
        return "bagel" if "bagel" in t else "bread"
    if category == "nuts_seeds" and "snack" in roles:
        return "nuts"
    if category == "legumes" and "protein" in roles:
        canned = re.search(r"\b(canned|refried|baked)\b", t)
        return "legume_canned" if canned else "legume"
    return None


def generous_items(
    plan: MealPlan, table: FoodTable, *, unenforced: bool = False
) -> list[tuple[int, str | None, str, float, float]]:
    """Return the items over their RACC allowance: (day, meal, id, grams, allowed).

    ``unenforced``: the items of :data:`UNENFORCED_GROUPS` instead (reported,
    not held by the caps).

    Only foods of the bundled table (same id and category) are judged: the
    groups are read from its categories and words, and a caller's own table
    brings its own portions. A ready-to-eat cereal is judged in its label
    servings (SR28's default portion).
    """
    bundled = _bundled_categories()
    ids = list(table.ids)
    has = table.has_column
    roles_col = table.tags("roles") if has("roles") else [()] * len(ids)
    base_col = table.texts("base") if has("base") else [""] * len(ids)
    cats = table.texts("category")
    names = table.texts("name")
    usda = table.texts("sr28_description") if has("sr28_description") else names
    row = {fid: i for i, fid in enumerate(ids)}
    energy = plan.targets.get("energy_kcal")
    sides = [v for v in (energy.minimum, energy.maximum) if v] if energy else []
    scale = max(1.0, sum(sides) / len(sides) / 2000) if sides else 1.0
    out = []
    for day in plan.days:
        for item in day.items:
            i = row[item.food_id]
            if bundled.get(item.food_id) != cats[i]:
                continue
            roles = frozenset(roles_col[i])
            if "cereal_rte" in roles:
                if ("rte_cereal" in UNENFORCED_GROUPS) != unenforced:
                    continue
                allowed = RTE_CEREAL_SERVINGS * table.default_portion(item.food_id)[1]
            else:
                group = racc_group(roles, cats[i], base_col[i], f"{names[i]} {usda[i]}")
                if group is None or (group in UNENFORCED_GROUPS) != unenforced:
                    continue
                racc, multiple = RACC_GROUPS[group]
                allowed = racc * multiple
            if not _le(item.grams, allowed * scale):
                out.append(
                    (day.day, item.meal, item.food_id, item.grams, allowed * scale)
                )
    return out


# Cooked dark-green leafy vegetables (session 21): at most 1½ cups at a meal.
# USDA Food Patterns count 1 cup of cooked leafy greens as 1 cup-equivalent
# of the dark-green subgroup, of which the Dietary Guidelines 2020-2025 set
# 1½ a week at 2,000 kcal. Read from the table's category and words (never
# from foods/portion_caps.csv), the cup from the food's own default portion.
GREENS_CUPS = 1.5
_GREENS = re.compile(
    r"\b(spinach|collards?|kale|chard|mustard greens|turnip greens|bok choy|greens)\b",
    re.IGNORECASE,
)
_NOT_COOKED_GREENS = re.compile(r"\b(raw|salad)\b", re.IGNORECASE)
_CUPS = re.compile(r"^\s*([\d.]+)\s*cups?\b", re.IGNORECASE)
GREENS_CATEGORIES = frozenset({"vegetables", "side_dishes"})


def cooked_greens(category: str, text: str) -> bool:
    """Whether a food is a cooked dark-green leafy vegetable (plain or a side dish)."""
    return (
        category in GREENS_CATEGORIES
        and bool(_GREENS.search(text))
        and not _NOT_COOKED_GREENS.search(text)
    )


def generous_greens(
    plan: MealPlan, table: FoodTable
) -> list[tuple[int, str | None, str, float]]:
    """Return the plan's cooked greens over 1 cup at a meal: (day, meal, id, grams).

    Only foods of the bundled table with its portions; the cup's weight is
    the food's default portion (a cup measure for every bundled one,
    tests/test_portions.py).
    """
    bundled = _bundled_categories()
    cats = dict(zip(table.ids, table.texts("category"), strict=True))
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    out = []
    for day in plan.days:
        for item in day.items:
            fid = item.food_id
            if item.kind != "food" or bundled.get(fid) != cats[fid]:
                continue
            if not cooked_greens(cats[fid], names[fid] or ""):
                continue
            text, grams = table.default_portion(fid)
            cups = _CUPS.match(text)
            if cups is None:
                # A table built from the bundled rows without their portions
                # (100 g each): the caller's own portions, not judged here
                # (test_portions holds every bundled one to its cup).
                continue
            if not _le(item.grams, GREENS_CUPS * grams / float(cups.group(1))):
                out.append((day.day, item.meal, fid, item.grams))
    return out


def two_greens_meals(plan: MealPlan, table: FoodTable) -> list[tuple[int, str | None]]:
    """Return the meals that hold two or more cooked greens: (day, meal).

    One cooked dark-green leafy vegetable a meal (each may be 1½ cups, so two
    were 3 cups of greens on one plate), found by the words of
    :func:`cooked_greens`, never from foods/portion_caps.csv; bundled foods
    only, as :func:`generous_greens`.
    """
    return _meals_with_two(plan, table, cooked_greens)


def _meals_with_two(
    plan: MealPlan, table: FoodTable, kind: Callable[[str, str], bool]
) -> list[tuple[int, str | None]]:
    """Return the meals with two or more bundled foods of a ``kind`` (category, name)."""
    bundled = _bundled_categories()
    cats = dict(zip(table.ids, table.texts("category"), strict=True))
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    count: Counter[tuple[int, str | None]] = Counter()
    for day in plan.days:
        for item in day.items:
            fid = item.food_id
            if item.kind != "food" or bundled.get(fid) != cats[fid]:
                continue
            if kind(cats[fid], names[fid] or ""):
                count[(day.day, item.meal)] += 1
    return sorted(k for k, n in count.items() if n > 1)


_NOT_A_LEGUME_DISH = re.compile(r"hummus|soup|spread|flour|sprout", re.IGNORECASE)


def legume_main(category: str, text: str) -> bool:
    """Whether a food is a dish of beans, peas or lentils (cooked or canned) or natto.

    By the table's category and the food's name, never from
    foods/portion_caps.csv: hummus, a soup, flour and sprouts are no such dish.
    """
    if re.search(r"\bnatto\b", text, re.IGNORECASE):
        return True
    return category == "legumes" and not _NOT_A_LEGUME_DISH.search(text)


def two_legume_meals(plan: MealPlan, table: FoodTable) -> list[tuple[int, str | None]]:
    """Return the meals that hold two or more dishes of beans, peas or lentils.

    One such dish a meal (each may be a cup, most of a day's protein foods):
    found by :func:`legume_main`; bundled foods only, as :func:`two_greens_meals`.
    """
    return _meals_with_two(plan, table, legume_main)


AS_PURCHASED_CATEGORIES = frozenset({"breakfast_cereals", "grains_pasta", "legumes"})
_AS_PURCHASED = re.compile(r"\b(dry|uncooked|raw)\b(?!\s+weight)", re.IGNORECASE)


def as_purchased(category: str, usda: str) -> bool:
    """Whether a food is as purchased, not as served (issue 11).

    A grain, hot cereal or legume whose USDA description says dry, uncooked
    or raw (dry rolled oats, raw oat bran, dry pasta, raw lentils) is cooked
    before anyone eats it, and so are flour and raw plantains: read from the category and the
    description, never from the table's roles.
    """
    if re.match(r"^(\w+ )?flour\b", usda, re.IGNORECASE):
        return True
    # Plantains are cooked (boiled, baked, fried) before anyone eats them.
    if re.match(r"^plantains?\b[^;]*\braw\b", usda, re.IGNORECASE):
        return True
    return category in AS_PURCHASED_CATEGORIES and bool(_AS_PURCHASED.search(usda))


def as_purchased_items(plan: MealPlan, table: FoodTable) -> list[str]:
    """Return the plan's items that are foods as purchased (see :func:`as_purchased`)."""
    cats = dict(zip(table.ids, table.texts("category"), strict=True))
    column = "sr28_description" if table.has_column("sr28_description") else "name"
    usda = dict(zip(table.ids, table.texts(column), strict=True))
    return [
        i.food_id
        for i in plan.items
        if i.kind == "food" and as_purchased(cats[i.food_id], usda[i.food_id] or "")
    ]


def check_structure(plan: MealPlan, table: FoodTable) -> None:
    """Assert the meal-structure rules, recomputed from the plan and the table.

    Independent of the optimiser: roles, bases and whole units are read from
    the table, caps from foods/portion_caps.csv, parts from the request (or
    the default structure), and every rule is counted item by item.
    """
    # The meal rules are food's: added salt and supplements are not items of
    # a meal's parts (a plan may salt two meals).
    plan = _foods_only(plan)
    req = plan.request
    # Dry oats or raw lentils are bought, then cooked: never an item.
    assert not as_purchased_items(plan, table), as_purchased_items(plan, table)
    ids = list(table.ids)
    has = table.has_column
    roles_col = table.tags("roles") if has("roles") else [()] * len(ids)
    base_col = table.texts("base") if has("base") else [""] * len(ids)
    whole_col = table.flags("whole_units") if has("whole_units") else [False] * len(ids)
    cats = table.texts("category")
    names = table.texts("name")
    usda = table.texts("sr28_description") if has("sr28_description") else names
    starches = starch_items(table) if has("roles") else set()
    facts: dict[str, _Facts] = {
        fid: {
            "roles": frozenset(roles_col[i]),
            "base": base_col[i] or fid,
            # Whole fruit too: never 1½ bananas (half a grapefruit is a
            # grapefruit's default portion, so it is one unit).
            "whole": bool(whole_col[i]),
            "category": cats[i],
            "milk": "plant_milk" in roles_col[i] or base_col[i] in MILK_DRINK_BASES,
            "drink": bool({"beverage", "plant_milk"} & set(roles_col[i]))
            or base_col[i] in MILK_DRINK_BASES,
            "raw": _raw(frozenset(roles_col[i]), cats[i], f"{names[i]} {usda[i]}"),
            "text": f"{names[i]} {usda[i]}",
            "starch": fid in starches,
        }
        for i, fid in enumerate(ids)
    }
    with_roles = any(f["roles"] for f in facts.values())
    caps = _caps()
    # Caps marked scales_with_energy are stated at 2,000 kcal (or at their
    # stated_kcal) and grow with the day's energy (the middle of its bounds),
    # never shrink.
    energy = plan.targets.get("energy_kcal")
    for cap in caps:
        if cap.get("scales_with_energy") != "true":
            continue
        scale = _energy_factor(energy, float(cap.get("stated_kcal") or 2000))
        if cap.get("max_grams"):
            cap["max_grams"] = str(float(cap["max_grams"]) * scale)
        if cap.get("max_portions"):
            cap["max_portions"] = str(_served(float(cap["max_portions"]), scale))
    slots = {s.slot.value: s for s in mealplan.default_meal_structure()}
    for s in req.meal_structure or ():
        slots[s.slot.value] = s
    meal_slot = {m.name: m.slot.value for m in req.meals or ()}
    own_slots = {s.slot.value for s in req.meal_structure or ()}
    # The breakfast grain rule is the default's from age 4 (ages 1-3 eat
    # quarter portions; mealplan._meal_rules.breakfast_grain_rule).
    age = req.person.age if req.person is not None else None
    toddler = age is not None and 1 <= age < 4
    meat_fish = next(c for c in caps if c["cap_id"] == "racc_meat_fish")
    main_ids = set(meat_fish["selector"].removeprefix("id:").split("|"))
    least_main = 0.0 if toddler else 28.0 if age is not None and age < 14 else 56.0
    asked = {*req.include, *(p.food for p in req.pins)}
    base_days: Counter[str] = Counter()
    for day in plan.days:
        bases = [facts[i.food_id]["base"] for i in day.items]
        # One form of a base food a day.
        assert len(bases) == len(set(bases)), (day.day, sorted(bases))
        base_days.update(set(bases))
        by_meal: dict[str | None, list[Any]] = {}
        for item in day.items:
            f = facts[item.food_id]
            by_meal.setdefault(item.meal, []).append(item)
            # Sugar and condiments are never items of their own; a fat is
            # only the cooking fat, dressing or spread of an item of its meal
            # (checked per meal below), at most about a tablespoon.
            assert "sugar" not in f["roles"], item.food_id
            assert not (f["roles"] and f["roles"] <= {"condiment"}), item.food_id
            if "fat" in f["roles"]:
                assert item.grams <= 15.0 + 1e-6, (item.food_id, item.grams)
                assert item.part_of is not None, (day.day, item.meal, item.food_id)
            # Whole units for countable foods.
            if f["whole"] and req.portion_mode.value != "continuous":
                # Quarter servings (ages 1-3): a piece over 50 g (a banana)
                # may be halved; a lighter one (an egg, a slice) stays whole.
                piece = table.default_portion(item.food_id)[1]
                half = req.portion_mode.value == "quarter" and piece > 50.0
                pieces = item.portions * (2 if half else 1)
                assert math.isclose(pieces, round(pieces)), (
                    item.food_id,
                    item.portions,
                )
            if req.portion_limits:
                for cap in caps:
                    # Caps in the food's own default portions (1 banana).
                    if (
                        cap["scope"] == "item"
                        and cap.get("max_portions")
                        and _cap_selects(cap["selector"], item.food_id, f)
                    ):
                        assert _le(item.portions, float(cap["max_portions"])), (
                            item.food_id,
                            item.portions,
                            cap["cap_id"],
                        )
                    if (
                        cap["scope"] == "item"
                        and cap["max_grams"]
                        and _cap_selects(cap["selector"], item.food_id, f)
                    ):
                        assert _le(item.grams, float(cap["max_grams"])), (
                            item.food_id,
                            item.grams,
                            cap["cap_id"],
                        )
        for meal, items in by_meal.items():
            fats = [i for i in items if "fat" in facts[i.food_id]["roles"]]
            # Each fat part of its own item of that meal, one that takes a fat.
            hosts = [f.part_of for f in fats]
            assert len(hosts) == len(set(hosts)), (day.day, meal, hosts)
            for fat in fats:
                host = [i for i in items if i.food_id == fat.part_of]
                assert host, (day.day, meal, fat.food_id, fat.part_of)
                assert facts[host[0].food_id]["roles"] & FAT_HOSTS, fat.part_of
                assert "fat" not in facts[host[0].food_id]["roles"], fat.part_of
                # Butter is never on a raw item; a fat on one dresses it.
                if facts[host[0].food_id]["raw"]:
                    assert facts[fat.food_id]["base"] != "butter", fat.part_of
                    assert fat.part_as in ("dressed with", "with"), fat.part_as
                # Positive pairing: no caesar dressing on a steak, no oil on natto.
                base = facts[fat.food_id]["base"]
                assert _fat_goes_with(base, facts[host[0].food_id]), (
                    fat.food_id,
                    fat.part_of,
                )
                # An oil goes with an item at least four times its weight
                # when its meal has a free one it goes with (no tablespoon
                # of oil on half a cup of raw mushrooms beside a plate of
                # pasta); dressings, butter and mayonnaise are not held to it.
                if base in _NOT_OIL or fat.grams <= 0.25 * host[0].grams + 1e-6:
                    continue
                free = [
                    o.food_id
                    for o in items
                    if o.food_id not in hosts
                    and "fat" not in facts[o.food_id]["roles"]
                    and fat.grams <= 0.25 * o.grams + 1e-6
                    and _fat_goes_with(base, facts[o.food_id])
                ]
                assert not free, (fat.food_id, fat.part_of, free)
        # One milk-type drink a day (a plant milk or a milk).
        milks = [i.food_id for i in day.items if facts[i.food_id]["milk"]]
        if with_roles and req.structure and req.meals and len(req.meals) > 1:
            assert len(milks) <= 1, (day.day, milks)
        if not with_roles or req.meals is None or len(req.meals) <= 1:
            continue
        for meal, items in by_meal.items():
            slot = meal_slot[meal or ""]
            spec = slots[slot]
            item_roles = [facts[i.food_id]["roles"] for i in items]
            fill = set().union(*(p.roles for p in spec.parts))
            for i, r in zip(items, item_roles, strict=True):
                assert r & fill, (day.day, meal, i.food_id, sorted(r))
            for part in spec.parts:
                n = sum(1 for r in item_roles if r & set(part.roles))
                assert part.min_items <= n <= part.max_items, (
                    day.day,
                    meal,
                    part.name,
                    n,
                )
            if any("cereal_rte" in r for r in item_roles):
                assert any(r & {"dairy", "plant_milk"} for r in item_roles), (
                    day.day,
                    meal,
                )
            # One cereal a meal, hot or ready-to-eat: oatmeal and Cheerios at
            # one breakfast is two breakfasts (session 10; written out here,
            # not read from portion_caps.csv's cereal_per_meal).
            cereals = [
                i.food_id
                for i, r in zip(items, item_roles, strict=True)
                if r & CEREAL_ROLES
            ]
            assert len(cereals) <= 1, (day.day, meal, cereals)
            if slot == "breakfast" and slot not in own_slots and not toddler:
                # One bread or grain dish at a breakfast, and a cereal only
                # with toast (sliced bread): not Special K with a tortilla or
                # pancakes, nor toast with a bagel (session 28).
                grains = [
                    i.food_id for i in items if _breakfast_grain(facts[i.food_id])
                ]
                assert len(grains) <= 1, (day.day, meal, grains)
                toast = {
                    fid
                    for fid in grains
                    if "bread" in facts[fid]["roles"]
                    and "slice" in table.default_portion(fid)[0].lower()
                }
                alone = {*cereals, *(g for g in grains if g not in toast)}
                assert len(alone) <= 1, (day.day, meal, sorted(alone))
            if any("spread" in r for r in item_roles):
                assert any("bread" in r for r in item_roles), (day.day, meal)
            # Avocado at breakfast goes on toast or bread (avocado toast), not
            # beside a bowl of oatmeal or cereal (session 43).
            if slot == "breakfast" and any("breakfast_spread" in r for r in item_roles):
                assert any("bread" in r for r in item_roles), (
                    day.day,
                    meal,
                    [i.food_id for i in items],
                )
            # A snack is not a drink on its own (nor with a crumb of food).
            if slot == "snack" and any(facts[i.food_id]["drink"] for i in items):
                food = sum(i.grams for i in items if not facts[i.food_id]["drink"])
                assert _le(20.0, food), (day.day, meal, food)
            for cap in caps:
                if cap["scope"] != "meal":
                    continue
                kind, _, values = cap["selector"].partition(":")
                if kind in (
                    "slot",
                    "plate",
                    "drinks",
                    "starch",
                ) and slot not in values.split("|"):
                    continue
                # One starch a meal holds in the default structure only: a
                # caller's own structure for the slot says how many it wants.
                if kind == "starch" and slot in {
                    s.slot.value for s in req.meal_structure or ()
                }:
                    continue
                chosen = [
                    i
                    for i in items
                    if _cap_selects(cap["selector"], i.food_id, facts[i.food_id])
                ]
                if cap["max_items"]:
                    assert len(chosen) <= int(cap["max_items"]), (
                        day.day,
                        meal,
                        cap["cap_id"],
                    )
                if cap["max_grams"]:
                    grams = sum(i.grams for i in chosen)
                    assert _le(grams, float(cap["max_grams"])), (
                        day.day,
                        meal,
                        cap["cap_id"],
                    )
            # One protein main at a lunch or dinner of the default structure
            # (MyPlate's one quarter of protein foods); a dairy protein food
            # (Greek yogurt, cottage cheese) is a dairy serving beside it, and
            # beans or lentils a side (DGA: a vegetable or a protein food).
            own = {s.slot.value for s in req.meal_structure or ()}
            if slot in ("lunch", "dinner") and slot not in own:
                mains = [
                    i.food_id
                    for i, r in zip(items, item_roles, strict=True)
                    if r & {"main", "protein"}
                    and "dairy" not in r
                    and facts[i.food_id]["category"] != "legumes"
                ]
                assert len(mains) <= 1, (day.day, meal, mains)
                # And one main dish or legume item: beans beside chicken are a
                # plate, beans beside a curry or other beans are two mains.
                plates = [
                    i.food_id
                    for i, r in zip(items, item_roles, strict=True)
                    if "main" in r
                    or (facts[i.food_id]["category"] == "legumes" and "dairy" not in r)
                ]
                assert len(plates) <= 1, (day.day, meal, plates)
            # A meat, poultry or fish at a lunch or dinner is a serving, not
            # a garnish: 2 oz from age 14, 1 oz at 4-13, none asked at 1-3
            # (restated: mealplan._structure.main_serving_grams); a food the
            # caller includes or pins is theirs to size.
            if slot in ("lunch", "dinner"):
                for i in items:
                    if i.food_id in main_ids and i.food_id not in asked:
                        assert i.grams >= least_main - 1e-3, (
                            day.day,
                            meal,
                            i.food_id,
                            i.grams,
                        )
            # A lunch or dinner is a meal: at least 10 g of protein (6 g at
            # ages 1-3, whose fish serving is 1 oz).
            if slot in ("lunch", "dinner") and plan.targets.get("protein_g"):
                protein = sum(
                    i.grams * _value(table.frame, i.food_id, "protein_g") / 100
                    for i in items
                )
                age = req.person.age if req.person is not None else None
                floor = 6.0 if age is not None and 1 <= age < 4 else 10.0
                assert _le(floor, protein), (day.day, meal, protein)
        # Every structured meal with a required part is present.
        for m in req.meals:
            spec = slots[m.slot.value]
            if any(p.min_items > 0 for p in spec.parts):
                assert m.name in by_meal, (day.day, m.name)
    if req.days > 1 and any(f["base"] != fid for fid, f in facts.items()):
        k = req.max_days_per_food or math.ceil(req.days / 2)
        pinned = {facts[p.food]["base"] for p in req.pins if p.food in facts}
        pinned |= {facts[f]["base"] for f in req.include if f in facts}
        # The documented sole-source widening, by base (as check_plan allows).
        wide: dict[str, int] = {}
        if req.max_days_per_food is None:
            wider = widen_variety_for_sole_sources(req, plan.targets, table)[0]
            for fid, days in wider.items():
                base = facts[fid]["base"] if fid in facts else fid
                wide[base] = max(wide.get(base, 0), days)
        widened = widened_week(plan)
        for base, n in base_days.items():
            if base not in pinned and n > max(k, wide.get(base, 0)):
                if widened is not None:
                    # The default rule yielded in time: the note names it.
                    assert f"{base} ({n} days)" in widened, (base, n)
                    continue
                # A base no day does without (re-proven from the table).
                forms = [f for f, x in facts.items() if x["base"] == base]
                assert needed_every_day(plan, table, forms), (base, n, k)


# Caffeine: the limits by life stage, written out here from the sources
# (not read from foods/caffeine_limits.csv): FDA and EFSA 2015 400 mg for
# adults; ACOG and EFSA 200 mg in pregnancy, EFSA 200 mg in lactation;
# Health Canada 45 / 62.5 / 85 mg at 4-6 / 7-9 / 10-12 years and 2.5 mg per
# kg of body weight at 13-18 (and, by its rate, at 1-3).
CAFFEINE_WORDS = re.compile(
    r"coffee|espresso|\btea\b|\bteas\b|\bcola|cocoa|cacao|chocolate|mocha|latte"
    r"|cappuccino|energy drink|guarana|\bmate\b|soft drink|\bsoda\b|\bkola\b|chai|matcha",
    re.IGNORECASE,
)
_REFERENCE_KG = {  # IOM 2005 Table 1-1: (male, female)
    (1, 4): (12.0, 12.0),
    (13, 14): (36.0, 37.0),
    (14, 19): (61.0, 54.0),
}


def caffeine_limit_mg(person: Any) -> float | None:
    """The most caffeine a day for ``person``, from the published figures."""
    if person is None or person.age < 1:
        return None
    age = person.age
    limits = []
    if person.pregnancy or person.lactation:
        limits.append(200.0)
    if age >= 19:
        limits.append(400.0)
    elif 4 <= age < 7:
        limits.append(45.0)
    elif 7 <= age < 10:
        limits.append(62.5)
    elif 10 <= age < 13:
        limits.append(85.0)
    else:
        weight = person.weight_kg
        if weight is None:
            band = next(k for k in _REFERENCE_KG if k[0] <= age < k[1])
            male, female = _REFERENCE_KG[band]
            weight = male if person.sex.value == "male" else female
        limits.append(round(2.5 * weight, 1))
    return min(limits)


def check_caffeine(plan: MealPlan, table: FoodTable) -> None:
    """Each day's caffeine within the person's limit; no unmeasured source.

    A caller's own caffeine bound replaces the limit (check_plan holds the
    plan to its targets); a food naming a caffeine source without a
    caffeine value is never planned for a person.
    """
    req = plan.request
    limit = caffeine_limit_mg(req.person)
    if limit is None:
        return
    column = "caffeine_mg"
    frame = table.frame
    has = column in frame.columns
    for day in plan.days:
        total = 0.0
        for item in day.items:
            if item.kind in ("salt", "supplement"):
                continue
            value = cell_float(frame, item.food_id, column) if has else math.nan
            if math.isnan(value):
                text = " ".join(
                    str(frame.at[item.food_id, c])
                    for c in ("name", "sr28_description")
                    if c in frame.columns
                )
                assert not CAFFEINE_WORDS.search(f"{item.food_id} {text}"), (
                    day.day,
                    item.food_id,
                    "unmeasured caffeine",
                )
                continue
            total += item.grams * value / 100
        if column not in req.bounds:
            assert _le(total, limit), (day.day, total, limit)


def check_saved_without(
    plan: MealPlan, table: FoodTable, fields: Sequence[str]
) -> None:
    """A plan saved before its totals had ``fields`` still regenerates; an edit is caught.

    The fields are dropped from every total (at least one of the first must
    have had a value, so the test is about them); day 1's dinner is
    regenerated and checked, then a total's amount edited must be refused.
    """
    data = json.loads(plan.model_dump_json())
    stripped = 0
    for day in data["days"]:
        for total in day["totals"]:
            stripped += total.pop(fields[0]) is not None
            for field in fields[1:]:
                total.pop(field)
    assert stripped, fields[0]
    old = MealPlan.model_validate(data)
    again = mealplan.regenerate(old, day=1, meal="dinner", foods=table)
    check_plan(again, table)
    data["days"][0]["totals"][0]["amount"] += 1.0
    edited = MealPlan.model_validate(data)
    with pytest.raises(mealplan.RequestError, match="totals do not match"):
        mealplan.regenerate(edited, day=1, meal="dinner", foods=table)
