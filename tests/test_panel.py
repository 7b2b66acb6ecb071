"""The whole DRI panel: targets against an independent reading of dri_full.csv."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import BoundKind, Person, Sex, targets_for
from mealplan._catalog import load_foods
from mealplan._panel import PANEL_MINIMUMS
from mealplan._planner import resolve_targets
from tests.checks import (
    AUTO_AIS,
    DRI_FULL,
    UL_FORM,
    _applies,
    _check_auto_ais,
    _check_panel,
    _check_panel_rda,
    _sparse_columns,
    check_plan,
)
from tests.conftest import SHARED
from tests.strategies import persons

# A limit no first plan comes near (at most about 5 s of CPU, see the tests
# that use it), so their verdict does not depend on the machine's load.
DEFAULT_LIMIT = 60.0

PEOPLE = [
    Person(age=2, sex=Sex.FEMALE),
    Person(age=7, sex=Sex.MALE),
    Person(age=12, sex=Sex.FEMALE),
    Person(age=16, sex=Sex.MALE),
    Person(age=35, sex=Sex.FEMALE),
    Person(age=45, sex=Sex.MALE),
    Person(age=75, sex=Sex.FEMALE),
    Person(age=17, sex=Sex.FEMALE, pregnancy=True),
    Person(age=30, sex=Sex.FEMALE, pregnancy=True),
    Person(age=40, sex=Sex.FEMALE, lactation=True),
]


def _rows(person: Person) -> list[dict[str, str]]:
    with DRI_FULL.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if _applies(r, person)]


def test_bundled_copy_is_the_reference_file() -> None:
    reference = SHARED / "reference" / "dri_full.csv"
    if not reference.is_file():
        pytest.skip("needs ../shared/reference")
    assert DRI_FULL.read_bytes() == reference.read_bytes()


@pytest.mark.parametrize("person", PEOPLE, ids=repr)
def test_full_panel_minimums_and_food_uls(person: Person) -> None:
    t = targets_for(person, panel="full")
    rows = _rows(person)
    for nutrient in PANEL_MINIMUMS:
        name = nutrient.value.rsplit("_", 1)[0]
        intake = [
            r for r in rows if r["nutrient"] == name and r["kind"] in ("RDA", "AI")
        ]
        bound = t.get(nutrient.value)
        assert len(intake) == 1, (nutrient, intake)
        assert bound is not None, nutrient
        assert bound.minimum is not None
        ul = [r for r in rows if r["nutrient"] == name and r["kind"] == "UL"]
        expected = float(intake[0]["value"])
        if ul and UL_FORM.get(name, nutrient.value) == nutrient.value:
            expected = min(expected, float(ul[0]["value"]))
        assert bound.minimum == pytest.approx(expected)
        assert bound.minimum_kind is BoundKind(intake[0]["kind"])
    for row in rows:
        if row["kind"] != "UL":
            continue
        column = UL_FORM.get(row["nutrient"], f"{row['nutrient']}_{row['unit']}")
        bound = t.get(column) if column else None
        if column is None:
            # Niacin and magnesium: the UL never applies to food.
            own = t.get(f"{row['nutrient']}_{row['unit']}")
            assert own is None or own.maximum is None, row["nutrient"]
        elif column in {n.value for n in mealplan.Nutrient} and bound is not None:
            assert bound.maximum == pytest.approx(float(row["value"])), column
        else:
            assert column not in {n.value for n in mealplan.Nutrient}, column


@pytest.mark.parametrize("person", PEOPLE, ids=repr)
def test_limits_mode_caps_without_minimums(person: Person) -> None:
    t = targets_for(person, panel="limits")
    full = targets_for(person, panel="full")
    for nutrient in PANEL_MINIMUMS:
        bound = t.get(nutrient.value)
        assert bound is None or bound.minimum is None
        other = full.get(nutrient.value)
        if other is not None and other.maximum is not None:
            assert bound is not None
            assert bound.maximum == other.maximum
    retinol = t.get("retinol_ug")
    assert retinol is not None
    assert retinol.maximum is not None
    fiber, sodium = t.get("fiber_g"), t.get("sodium_mg")
    assert fiber is not None
    assert sodium is not None
    assert sodium.minimum is None
    f_full, s_full = full.get("fiber_g"), full.get("sodium_mg")
    assert f_full is not None
    assert fiber.maximum == f_full.maximum  # the ceiling is planned in every mode
    assert f_full is not None
    assert f_full.minimum is not None
    assert f_full.maximum is not None
    assert f_full.maximum >= f_full.minimum * 1.3
    assert s_full is not None
    assert s_full.minimum is not None
    assert s_full.maximum is not None
    assert 0 < s_full.minimum <= s_full.maximum
    assert any("reported, not planned" in n for n in t.notes)


def test_off_mode_is_the_old_targets() -> None:
    person = Person(age=35, sex=Sex.FEMALE)
    assert targets_for(person) == targets_for(person, panel="off")
    assert targets_for(person).get("iron_mg") is None


def test_every_panel_bound_can_be_overridden_or_removed() -> None:
    foods = load_foods()
    request: dict[str, Any] = {
        "person": {"age": 35, "sex": "female"},
        "bounds": {"fiber_g": {"maximum": 60}, "retinol_ug": {"remove": True}},
        "time_limit": 10,
    }
    plan = mealplan.plan(request, foods)
    fiber = plan.targets.get("fiber_g")
    assert fiber is not None
    assert fiber.maximum == 60
    assert plan.targets.get("retinol_ug") is None
    check_plan(plan, foods)


@pytest.mark.parametrize(
    "person",
    [
        {"age": 30, "sex": "female", "pregnancy": True},
        {"age": 45, "sex": "male"},
    ],
)
def test_full_panel_plan_meets_every_minimum(person: dict[str, Any]) -> None:
    foods = load_foods()
    # check_plan verifies every minimum; any plan will do, so the first one
    # found (proving one optimal ran to the 30 s limit at load 9).
    request = {"person": person, "panel": "full", "time_limit": 30, "mip_gap": 1.0}
    plan = mealplan.plan(request, foods)
    check_plan(plan, foods)


def test_default_plan_stays_under_every_food_ul(tmp_path: Path) -> None:
    foods = load_foods()
    for person in (
        {"age": 30, "sex": "female", "pregnancy": True},
        {"age": 8, "sex": "male"},
    ):
        # Any plan must stay under the ULs, so the first plan is enough; a
        # generous limit keeps the verdict independent of the machine's load.
        request = {"person": person, "time_limit": 60, "mip_gap": 1.0}
        plan = mealplan.plan(request, foods)
        # The default 'auto' plans 'rda' at these ages; check_plan checks
        # its minimums and the ULs (every mode but 'off' plans them).
        assert plan.request.panel.value == "auto"
        assert any(n.startswith("panel planned: 'rda'") for n in plan.notes)
        check_plan(plan, foods)


@pytest.mark.parametrize("person", PEOPLE, ids=repr)
def test_rda_mode_plans_rdas_and_reports_ais(person: Person) -> None:
    """'rda': every RDA of the panel a minimum, AI-only nutrients reported."""
    t = targets_for(person, panel="rda")
    full = targets_for(person, panel="full")
    rows = _rows(person)
    reported = []
    for nutrient in PANEL_MINIMUMS:
        name = nutrient.value.rsplit("_", 1)[0]
        (intake,) = [
            r for r in rows if r["nutrient"] == name and r["kind"] in ("RDA", "AI")
        ]
        bound, other = t.get(nutrient.value), full.get(nutrient.value)
        assert other is not None
        if intake["kind"] == "RDA":
            assert bound is not None, nutrient
            assert bound.minimum == other.minimum
            assert bound.minimum_kind is BoundKind.RDA
        else:
            assert bound is None or bound.minimum is None, nutrient
            reported.append(nutrient.label)
        # The ULs are the same in every mode that has them.
        if other.maximum is not None:
            assert bound is not None
            assert bound.maximum == other.maximum
    note = next(n for n in t.notes if n.startswith("panel RDAs are planned"))
    for label in reported:
        assert label in note
    fiber, sodium = t.get("fiber_g"), t.get("sodium_mg")
    assert fiber is not None
    assert fiber.maximum is not None  # the fiber ceiling is planned in every mode
    assert sodium is not None
    assert sodium.minimum is None


@pytest.mark.parametrize("mode", ["rda", "full", "limits"])
def test_unmeasured_nutrients_are_named_not_skipped(mode: str) -> None:
    """Iodine and the rest have an RDA/AI but no SR28 data: a note names them."""
    person = Person(age=30, sex=Sex.FEMALE, pregnancy=True)
    t = targets_for(person, panel=mode)
    (note,) = [n for n in t.notes if n.startswith("not planned, no USDA data")]
    rows = _rows(person)
    for name in ("iodine", "chromium", "molybdenum", "biotin", "chloride"):
        (row,) = [r for r in rows if r["nutrient"] == name and r["kind"] != "UL"]
        assert f"{name} ({row['kind']} {float(row['value']):g} " in note
    assert all(
        not n.startswith("not planned, no USDA") for n in targets_for(person).notes
    )


def test_rda_plan_reports_ai_shortfalls_in_the_text() -> None:
    foods = load_foods()
    # A woman of 70: her day misses the choline AI (the woman of 35's day
    # met every AI once the RACC caps of session 9 changed it, choline 428 mg
    # of 425, which left this test nothing to check).
    plan = mealplan.plan(
        {"person": {"age": 70, "sex": "female"}, "panel": "rda"}, foods
    )
    assert plan.request.panel.value == "rda"
    check_plan(plan, foods)
    text = mealplan.render_text(plan, foods)
    assert "The rest of the DRI panel" in text
    assert "iodine" in text
    for bound in plan.targets.bounds:
        if bound.nutrient in {"iron_mg", "vitamin_e_mg", "folate_dfe_ug"}:
            assert bound.minimum is not None
    # Every AI-only nutrient below its AI is called out by name, with its AI.
    (short,) = [line for line in text.splitlines() if "Short of the RDA/AI" in line]
    totals = {t.nutrient: t.amount for t in plan.days[0].totals}
    person = plan.request.person
    assert person is not None
    named = 0
    for row in _rows(person):
        column = f"{row['nutrient']}_{row['unit']}"
        if row["kind"] != "AI" or column not in {n.value for n in PANEL_MINIMUMS}:
            continue
        label = mealplan.Nutrient(column).label
        if totals[column] < float(row["value"]) * (1 - 1e-6):
            assert label in short, (label, short)
            named += 1
        else:
            assert label not in short, (label, short)
    assert named  # this day does miss an AI (choline): the test can fail


# Every DRI life-stage group from 1 year (infants are refused): (low, high) age.
_GROUPS = [(1, 4), (4, 9), (9, 14), (14, 19), (19, 31), (31, 51), (51, 71), (71, 90)]
life_stage_persons: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.builds(
        dict,
        age=st.sampled_from(_GROUPS).flatmap(
            lambda g: st.floats(g[0], g[1] - 0.01).map(lambda a: round(a, 2))
        ),
        sex=st.sampled_from(["female", "male"]),
    ),
    st.builds(
        dict,
        age=st.integers(14, 50),
        sex=st.just("female"),
        pregnancy=st.just(True),
    ),
    st.builds(
        dict,
        age=st.integers(14, 50),
        sex=st.just("female"),
        lactation=st.just(True),
    ),
)


@settings(max_examples=6)
@given(
    person=life_stage_persons,
    diet=st.sampled_from(["omnivore", "pescatarian", "vegetarian", "vegan"]),
)
def test_rda_plans_meet_the_panel_for_every_life_stage(
    person: dict[str, Any], diet: str
) -> None:
    """Any 'rda' plan meets every RDA and food-applicable UL of the panel.

    ``check_plan`` recomputes the totals from the table and compares them with
    its own reading of dri_full.csv, not with the plan's targets. The first
    plan found is checked like the best (``mip_gap`` 1: at most about 5 s of
    CPU for any of 216 default persons and diets, panel_default_latest.md),
    under a generous limit that must not be hit, so a loaded machine cannot
    turn the test into one that checks nothing.
    """
    foods = load_foods()
    request = {
        "person": person,
        "diet": diet,
        "panel": "rda",
        "time_limit": DEFAULT_LIMIT,
        "mip_gap": 1.0,
    }
    try:
        plan = mealplan.plan(request, foods)
    except mealplan.InfeasiblePlanError as exc:
        diagnosis = exc.diagnosis
        assert diagnosis is not None
        assert diagnosis.conflicts
        return
    assert plan.request.panel.value == "rda"
    assert not any("time limit" in note for note in plan.notes), plan.notes
    check_plan(plan, foods)


def test_rda_minimums_can_be_overridden_or_removed() -> None:
    foods = load_foods()
    request = mealplan.parse_request(
        {
            "person": {"age": 30, "sex": "female", "pregnancy": True},
            "panel": "rda",
            "bounds": {
                "iron_mg": {"minimum": 20},
                "vitamin_e_mg": {"remove": True},
                "choline_mg": {"minimum": 450},
            },
        }
    )
    targets = resolve_targets(request, foods)
    iron = targets.get("iron_mg")
    assert iron is not None
    assert iron.minimum == 20
    assert iron.minimum_kind is BoundKind.USER
    assert iron.maximum == 45  # the UL stays unless overridden
    assert targets.get("vitamin_e_mg") is None
    choline = targets.get("choline_mg")  # an AI-only nutrient made a minimum
    assert choline is not None
    assert choline.minimum == 450
    off = resolve_targets(
        request.model_copy(update={"panel": mealplan.PanelMode.OFF, "bounds": {}}),
        foods,
    )
    assert off.get("iron_mg") is None


def _with_missing(column: str, share: float) -> mealplan.FoodTable:
    """The single foods with ``column`` blanked for the first ``share`` of foods.

    The single foods: FNDDS gives no manganese or pantothenic acid, so with
    the dishes both are missing for over half the table already.
    """
    frame = load_foods(dishes=False).frame.reset_index()
    frame.loc[frame.index[: int(share * len(frame))], column] = float("nan")
    for col in frame.columns:
        frame[col] = [";".join(v) if isinstance(v, tuple) else v for v in frame[col]]
    return mealplan.FoodTable.from_dataframe(frame)


def test_a_nutrient_with_too_much_missing_data_is_reported_not_planned() -> None:
    foods = _with_missing("thiamin_mg", 0.6)
    request = mealplan.parse_request(
        {"person": {"age": 30, "sex": "female"}, "panel": "rda"}
    )
    targets = resolve_targets(request, foods)
    assert targets.get("thiamin_mg") is None  # no minimum planned, and no UL
    (note,) = [n for n in targets.notes if n.startswith("thiamin not planned")]
    missing = sum(v != v for v in foods.numbers("thiamin_mg"))
    assert missing > len(foods) / 2
    assert f"{missing} of {len(foods)} foods" in note
    iron = resolve_targets(request, load_foods(dishes=False)).get("iron_mg")
    assert iron is not None  # a nutrient with data keeps its minimum
    assert iron.minimum == 18
    # A UL stays when the minimum goes: it still caps the foods with data.
    sparse_iron = resolve_targets(request, _with_missing("iron_mg", 0.6))
    capped = sparse_iron.get("iron_mg")
    assert capped is not None
    assert capped.minimum is None
    assert capped.maximum == 45
    # Below the threshold the minimum stays planned (pantothenic acid: 45 of
    # 577 bundled foods lack it), its total a lower bound where a food lacks it.
    full = request.model_copy(update={"panel": mealplan.PanelMode.FULL})
    kept = resolve_targets(full, load_foods(dishes=False)).get("pantothenic_acid_mg")
    assert kept is not None
    assert kept.minimum == 5
    # With the dishes (no FNDDS value: 1,266 of 1,798 foods lack it) it is
    # reported, not planned.
    dishes = load_foods(dishes=True)
    assert resolve_targets(full, dishes).get("pantothenic_acid_mg") is None


def test_missing_data_is_judged_on_the_foods_the_diet_allows() -> None:
    """Thiamin blanked on 80 % of the vegan foods: under half of the table, so an
    omnivore plans it, but a vegan's allowed foods mostly lack it: reported."""
    frame = load_foods(dishes=False).frame.reset_index()
    vegan = frame.index[frame["vegan"].astype(bool)]
    blanked = vegan[: int(0.8 * len(vegan))]
    frame.loc[blanked, "thiamin_mg"] = float("nan")
    assert len(blanked) < len(frame) / 2
    for col in frame.columns:
        frame[col] = [";".join(v) if isinstance(v, tuple) else v for v in frame[col]]
    foods = mealplan.FoodTable.from_dataframe(frame)
    body = {"person": {"age": 30, "sex": "female"}, "panel": "rda"}
    omnivore = resolve_targets(mealplan.parse_request(body), foods)
    kept = omnivore.get("thiamin_mg")
    assert kept is not None
    assert kept.minimum == 1.1
    assert not [n for n in omnivore.notes if n.startswith("thiamin not planned")]
    request = mealplan.parse_request({**body, "diet": "vegan"})
    targets = resolve_targets(request, foods)
    assert targets.get("thiamin_mg") is None
    (note,) = [n for n in targets.notes if n.startswith("thiamin not planned")]
    assert "too much missing data to plan" in note
    missing = int(frame.loc[vegan, "thiamin_mg"].isna().sum())  # one lacked it already
    assert f"{missing} of {len(vegan)} foods the request's diet" in note
    # The independent checker agrees: it exempts thiamin for the vegan only.
    assert "thiamin_mg" in _sparse_columns(foods, request)
    assert "thiamin_mg" not in _sparse_columns(foods, mealplan.parse_request(body))


def test_full_panel_without_choline_and_vitamin_e_as_the_readme_says() -> None:
    """The README's nearest whole panel: every RDA/AI planned but two, reported.

    ``panel: full`` with the choline and vitamin E bounds removed and the
    sodium floor at 0 (the set measured at a median 1.47x ``limits``' CPU):
    every other RDA/AI holds in the plan (``check_plan`` recomputes them from
    the table and its own reading of dri_full.csv), and the two removed
    nutrients are still reported against their RDA/AI in the compact panel,
    never dropped. Any plan will do, so the first one found.
    """
    foods = load_foods()
    request = {
        "person": {"age": 35, "sex": "female"},
        "diet": "vegetarian",
        "panel": "full",
        "bounds": {
            "choline_mg": {"remove": True},
            "vitamin_e_mg": {"remove": True},
            "sodium_mg": {"minimum": 0},
        },
        "time_limit": 30,
        "mip_gap": 1.0,
    }
    plan = mealplan.plan(request, foods)
    check_plan(plan, foods)
    planned = {b.nutrient for b in plan.targets.bounds if b.minimum}
    assert {"iron_mg", "vitamin_k_ug", "linoleic_acid_g"} <= planned
    assert not {"choline_mg", "vitamin_e_mg"} & planned
    text = mealplan.render_text(plan, foods)
    panel = text[text.index("The rest of the DRI panel") :]
    for label, minimum in (("choline", "425 mg AI"), ("vitamin E", "15.0 mg RDA")):
        line = next(x for x in panel.splitlines() if f"{label} " in x)
        assert minimum in line or "Met:" in line, line


DIETS = ["omnivore", "pescatarian", "vegetarian", "vegan"]


@settings(max_examples=4, deadline=None)
@given(person=persons(st.integers(1, 90)), diet=st.sampled_from(DIETS))
def test_default_plans_meet_the_default_panel_for_every_life_stage(
    person: dict[str, Any], diet: str
) -> None:
    """A default request of any life stage and diet plans, within the panel.

    Issue 16: a default request must plan; issue 12: the plan meets every
    minimum the default panel plans and every food-applicable UL.
    ``check_plan`` recomputes the totals from the table and reads
    dri_full.csv itself (tests/checks.py: the ULs, the focus four and
    potassium in every mode, every RDA under 'rda' and under the default
    'auto' from age 4, every RDA/AI under 'full'), not the plan's targets. The first plan found is checked like
    the best (``mip_gap`` 1), under a generous limit that must not be hit,
    so the verdict does not depend on the machine's load.
    """
    foods = load_foods()
    request = {
        "person": person,
        "diet": diet,
        "time_limit": DEFAULT_LIMIT,
        "mip_gap": 1.0,
    }
    plan = mealplan.plan(request, foods)
    assert plan.request.panel == mealplan.PlanRequest.model_fields["panel"].default
    assert plan.solve_seconds < DEFAULT_LIMIT, plan.solve_seconds
    assert not any("time limit" in note for note in plan.notes), plan.notes
    check_plan(plan, foods)


def test_the_checker_catches_a_missed_minimum_of_every_mode() -> None:
    """tests/checks.py's own reading: the focus four and potassium, any mode.

    Totals exactly at the DRI pass; 1 % short of the potassium AI (or of the
    magnesium RDA x the margin) fails, in 'limits' where the panel's other
    minimums are only reported.
    """
    req = mealplan.PlanRequest(
        person={"age": 35, "sex": "female"}, margin=1.1, panel="limits"
    )
    dri = {"potassium_mg": 2600.0, "magnesium_mg": 320 * 1.1}
    totals = dict.fromkeys(load_foods().nutrients, 0.0)
    totals |= {"calcium_mg": 1100.0, "vitamin_d_ug": 16.5, "vitamin_b12_ug": 2.64}
    totals |= dri
    _check_panel(req, totals, 1)
    for column, value in dri.items():
        with pytest.raises(AssertionError, match=column):
            _check_panel(req, {**totals, column: 0.99 * value}, 1)
    off = req.model_copy(update={"panel": mealplan.PanelMode.OFF})
    _check_panel(off, {**totals, "potassium_mg": 0.0}, 1)


@pytest.mark.parametrize("age", [1, 2.5, 3.9, 4, 35])
def test_auto_panel_is_rda_from_age_1_with_the_ais_from_age_4(age: float) -> None:
    """'auto' gives the bounds of 'rda' and names that mode, from age 1.

    From age 4 also the AIs that cost little to plan (the next test); at
    ages 1-3 those stay reported, as under 'rda' itself.
    """
    person = Person(age=age, sex="female")
    auto = targets_for(person, panel="auto")
    same = targets_for(person, panel="rda")
    for column in ("iron_mg", "zinc_mg", "vitamin_e_mg", "vitamin_a_rae_ug"):
        bound = auto.get(column)
        assert bound is not None
        assert bound.minimum is not None
        assert bound.minimum_kind == "RDA"
    if age < 4:
        assert auto.bounds == same.bounds
        assert all((b := auto.get(c)) is None or b.minimum is None for c in AUTO_AIS), (
            "the AIs are reported at ages 1-3"
        )
    else:
        assert [b for b in auto.bounds if b.nutrient not in AUTO_AIS] == [
            b for b in same.bounds if b.nutrient not in AUTO_AIS
        ]
    stated = [n for n in auto.notes if n.startswith("panel planned: ")]
    assert len(stated) == 1
    assert stated[0].startswith("panel planned: 'rda' (the default 'auto'")
    assert ("at ages 1-3 the AIs are reported" in stated[0]) == (age < 4)
    assert [n for n in same.notes if n.startswith("panel planned: ")] == [
        "panel planned: 'rda'"
    ]
    assert mealplan.PanelMode.AUTO.for_age(age).value == "rda"
    assert mealplan.PlanRequest.model_fields["panel"].default is mealplan.PanelMode.AUTO


def _dri_ai(person: Person, column: str) -> float | None:
    """The person's AI for ``column``, read from the reference table itself."""
    with DRI_FULL.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (
                f"{row['nutrient']}_{row['unit']}" == column
                and row["kind"] == "AI"
                and _applies(row, person)
            ):
                return float(row["value"])
    return None


@given(fields=persons(st.floats(4, 90)))
def test_auto_plans_the_cheap_ais_from_age_4(fields: dict[str, Any]) -> None:
    """'auto' from age 4 plans the AIs of manganese, pantothenic
    acid, linoleic and alpha-linolenic acid at the DRI table's value, and
    vitamin K's and choline's by checking the plan (not in the targets: the
    planner adds them, tests/test_checked_floors.py), choline's from the
    start in pregnancy and lactation, the sodium AI never; an explicit 'rda'
    plans none of them, a toddler's 'auto' none."""
    person = Person(**fields)
    auto = targets_for(person, panel="auto")
    rda = targets_for(person, panel="rda")
    for column in AUTO_AIS - {"vitamin_k_ug", "choline_mg"}:
        ai = _dri_ai(person, column)
        assert ai is not None, column
        bound = auto.get(column)
        assert bound is not None
        assert bound.minimum == ai
        assert bound.minimum_kind == "AI"
        rda_bound = rda.get(column)
        assert (rda_bound is None) or rda_bound.minimum is None
    choline = auto.get("choline_mg")
    maternal = person.pregnancy or person.lactation
    assert (choline is not None and choline.minimum is not None) == maternal
    sodium = auto.get("sodium_mg")
    assert sodium is None or sodium.minimum is None
    reported = next(n for n in auto.notes if n.startswith("panel RDAs are planned"))
    assert "manganese" in reported.split("; ", 1)[0]
    for checked in ("vitamin K", "choline"):
        assert checked in reported.split("; ", 1)[0]
        assert checked not in reported.split("; ", 1)[1]
    vitamin_k = auto.get("vitamin_k_ug")
    assert vitamin_k is None or vitamin_k.minimum is None
    plain = next(n for n in rda.notes if n.startswith("panel RDAs are planned"))
    assert "vitamin K" in plain.split("; ", 1)[1]
    assert "choline" in plain.split("; ", 1)[1]
    toddler = targets_for(Person(age=2, sex="male"), panel="auto")
    assert all(
        b is None or b.minimum is None for b in (toddler.get(c) for c in AUTO_AIS)
    )


def test_the_checker_holds_auto_to_the_cheap_ais() -> None:
    """tests/checks.py holds a default day of age 4 and up to each of the AIs
    'auto' plans, read from the DRI table (1.8 mg of manganese at 35), unless
    the plan's notes say it was lifted; a toddler's and an explicit 'rda' not."""
    none: frozenset[str] = frozenset()
    woman = mealplan.PlanRequest(person={"age": 35, "sex": "female"})
    with pytest.raises(AssertionError, match="manganese_mg"):
        _check_auto_ais(woman, {"manganese_mg": 1.79}, 1, none)
    with pytest.raises(AssertionError, match="alpha_linolenic_acid_g"):
        _check_auto_ais(woman, {"alpha_linolenic_acid_g": 1.09}, 1, none)
    with pytest.raises(AssertionError, match="vitamin_k_ug"):
        _check_auto_ais(woman, {"vitamin_k_ug": 89.0}, 1, none)
    with pytest.raises(AssertionError, match="choline_mg"):
        _check_auto_ais(woman, {"choline_mg": 424.0}, 1, none)
    _check_auto_ais(
        woman, {"manganese_mg": 1.8, "vitamin_k_ug": 90.0, "choline_mg": 425.0}, 1, none
    )
    _check_auto_ais(woman, {"choline_mg": 0.0}, 1, frozenset({"choline_mg"}))
    _check_auto_ais(woman, {"vitamin_k_ug": 0.0}, 1, frozenset({"vitamin_k_ug"}))
    _check_auto_ais(woman, {"manganese_mg": 0.0}, 1, frozenset({"manganese_mg"}))
    for other in (
        woman.model_copy(update={"panel": mealplan.PanelMode.RDA}),
        mealplan.PlanRequest(person={"age": 2, "sex": "female"}),
    ):
        _check_auto_ais(other, {"manganese_mg": 0.0}, 1, none)


def test_the_checker_holds_auto_to_the_rdas_from_age_1() -> None:
    """tests/checks.py resolves 'auto' itself: every RDA at 35 and at 2."""
    sparse: frozenset[str] = frozenset()
    adult = mealplan.PlanRequest(person={"age": 35, "sex": "female"})
    assert adult.panel is mealplan.PanelMode.AUTO
    with pytest.raises(AssertionError, match="iron_mg"):
        _check_panel_rda(adult, {"iron_mg": 17.9}, 1, sparse)
    _check_panel_rda(adult, {"iron_mg": 18.0}, 1, sparse)
    # A toddler's 'auto': every RDA (iron 7 mg, zinc 3 mg at 1-3).
    toddler = mealplan.PlanRequest(person={"age": 2, "sex": "female"})
    with pytest.raises(AssertionError, match="iron_mg"):
        _check_panel_rda(toddler, {"iron_mg": 6.9}, 1, sparse)
    with pytest.raises(AssertionError, match="zinc_mg"):
        _check_panel_rda(toddler, {"iron_mg": 7.0, "zinc_mg": 2.9}, 1, sparse)
    _check_panel_rda(toddler, {"iron_mg": 7.0, "zinc_mg": 3.0}, 1, sparse)
    # But not the AIs 'auto' plans from age 4.
    _check_auto_ais(toddler, {"manganese_mg": 0.0}, 1, sparse)
    # Under a budget too: the default's floor, exempt only when the plan's
    # notes say it was lifted (tests/test_default_floors.py).
    budgeted = mealplan.PlanRequest(
        person={"age": 2, "sex": "female"}, budget_per_day=4.0
    )
    with pytest.raises(AssertionError, match="iron_mg"):
        _check_panel_rda(budgeted, {"iron_mg": 6.9}, 1, sparse)
    _check_panel_rda(budgeted, {"iron_mg": 0.0}, 1, frozenset({"iron_mg"}))


PREGNANT = {"age": 30, "sex": "female", "pregnancy": True, "trimester": 2}


LACTATING = {"age": 30, "sex": "female", "lactation": True}


@pytest.mark.parametrize(("person", "ai"), [(PREGNANT, 450.0), (LACTATING, 550.0)])
def test_auto_plans_choline_in_pregnancy_and_lactation(
    person: dict[str, Any], ai: float
) -> None:
    """'auto' in pregnancy and lactation: 'rda' plus choline's AI (IOM 1998).

    A budgeted 'auto' plans it too (a floor the planner may lift: see
    tests/test_default_floors.py); an explicit 'rda' and anyone else keep
    choline reported, not planned.
    """
    mother = Person(**person)
    auto = targets_for(mother, panel="auto")
    choline = auto.get("choline_mg")
    assert choline is not None
    assert choline.minimum == ai
    assert choline.minimum_kind == "AI"
    assert choline.maximum == 3500.0  # the UL, as every mode keeps it
    rda = targets_for(mother, panel="rda")
    assert _choline_minimum(rda) is None
    own = {"choline_mg", *AUTO_AIS}
    assert [b for b in auto.bounds if b.nutrient not in own] == [
        b for b in rda.bounds if b.nutrient not in own
    ]
    assert any(
        n.startswith("choline's AI is planned in pregnancy and lactation")
        for n in auto.notes
    )
    reported = next(n for n in auto.notes if n.startswith("panel RDAs are planned"))
    assert "choline" in reported.split("; ", 1)[0]
    assert "choline" not in reported.split("; ", 1)[1]
    budgeted = targets_for(mother, panel="auto", budgeted=True)
    assert _choline_minimum(budgeted) == ai
    woman = Person(age=30, sex="female")
    assert _choline_minimum(targets_for(woman, panel="auto")) is None


def _choline_minimum(targets: mealplan.NutrientTargets) -> float | None:
    bound = targets.get("choline_mg")
    return None if bound is None else bound.minimum


def test_the_checker_holds_a_pregnant_auto_to_cholines_ai() -> None:
    """tests/checks.py reads the AI itself: 449 mg fails a pregnant 'auto' day,
    549 mg a lactating one; an explicit 'rda' and a toddler's day not."""
    none: frozenset[str] = frozenset()
    req = mealplan.PlanRequest(person=PREGNANT)
    with pytest.raises(AssertionError, match="choline_mg"):
        _check_auto_ais(req, {"choline_mg": 449.0}, 1, none)
    _check_auto_ais(req, {"choline_mg": 450.0}, 1, none)
    _check_auto_ais(req, {"choline_mg": 0.0}, 1, frozenset({"choline_mg"}))
    nursing = mealplan.PlanRequest(person=LACTATING)
    with pytest.raises(AssertionError, match="choline_mg"):
        _check_auto_ais(nursing, {"choline_mg": 549.0}, 1, none)
    _check_auto_ais(nursing, {"choline_mg": 550.0}, 1, none)
    with pytest.raises(AssertionError, match="choline_mg"):
        _check_auto_ais(
            req.model_copy(update={"budget_per_day": 6.0}), {"choline_mg": 0.0}, 1, none
        )
    for other in (
        req.model_copy(update={"panel": mealplan.PanelMode.RDA}),
        mealplan.PlanRequest(person={"age": 3, "sex": "female"}),
    ):
        _check_auto_ais(other, {"choline_mg": 0.0}, 1, none)


@pytest.mark.parametrize(
    ("person", "diet", "ai"),
    [
        (PREGNANT, "vegan", 450.0),
        (PREGNANT, "pescatarian", 450.0),
        (LACTATING, "vegetarian", 550.0),
    ],
)
def test_a_mothers_default_day_meets_cholines_ai(
    person: dict[str, Any], diet: str, ai: float
) -> None:
    """The vegan's T2 day had 279 mg, the pescatarian's 287 mg and the lactating
    vegetarian's 312 mg (session 14)."""
    foods = load_foods()
    plan = mealplan.plan(
        {"person": person, "diet": diet, "mip_gap": 1.0, "time_limit": DEFAULT_LIMIT},
        foods,
    )
    total = next(t for t in plan.days[0].totals if t.nutrient == "choline_mg")
    assert total.amount >= ai * (1 - 1e-6)
    check_plan(plan, foods)


@pytest.mark.parametrize(
    "extra", [{"budget_per_day": 4.0}, {"objective": "cost"}], ids=["budget", "cost"]
)
def test_auto_panel_plans_the_rdas_under_a_budget_or_the_cost_objective(
    extra: dict[str, Any],
) -> None:
    """A budgeted adult's 'auto' plans 'rda' as anyone's does (the planner lifts
    the RDAs the budget cannot buy, with a note: tests/test_default_floors.py),
    says so, and the checker holds it to the RDAs."""
    person = Person(age=35, sex="female")
    auto = targets_for(person, panel="auto", budgeted=True)
    assert auto.bounds == targets_for(person, panel="auto").bounds
    assert [b for b in auto.bounds if b.nutrient not in AUTO_AIS] == [
        b for b in targets_for(person, panel="rda").bounds if b.nutrient not in AUTO_AIS
    ]
    stated = [n for n in auto.notes if n.startswith("panel planned: ")]
    assert len(stated) == 1
    assert stated[0].startswith("panel planned: 'rda' (the default 'auto' plans")
    assert "with a daily budget or the cost objective" in stated[0]
    assert mealplan.PanelMode.AUTO.for_age(35, budgeted=True) is mealplan.PanelMode.RDA
    assert mealplan.PanelMode.AUTO.for_age(2, budgeted=True) is mealplan.PanelMode.RDA
    req = mealplan.PlanRequest(person={"age": 35, "sex": "female"}, **extra)
    sparse: frozenset[str] = frozenset()
    with pytest.raises(AssertionError, match="iron_mg"):
        _check_panel_rda(req, {"iron_mg": 0.0}, 1, sparse)
    resolved = resolve_targets(req, mealplan.load_foods())
    assert any(
        n.startswith("panel planned: 'rda' (the default 'auto' plans")
        for n in resolved.notes
    )


ACTIVE_MAN = {
    "age": 30,
    "sex": "male",
    "weight_kg": 105.76,
    "height_cm": 187.57,
    "activity": "very_active",
}


@settings(max_examples=30, deadline=None)
@given(
    person=persons(st.integers(19, 80)),
    activity=st.sampled_from(["sedentary", "low_active", "active", "very_active"]),
    weight=st.floats(45, 130),
)
def test_the_fiber_ceiling_allows_the_ais_density_of_the_days_energy(
    person: dict[str, Any], activity: str, weight: float
) -> None:
    """The ceiling is 1.5 x the AI's 14 g per 1,000 kcal, of the energy eaten.

    The AI itself is 14 g per 1,000 kcal of the median intake; a fixed 1.5 x
    the AI held a very active vegetarian man of 30 (3,928 kcal at least) to
    14.5 g per 1,000 kcal, which no plan of his could meet. Checked here from
    the targets alone: never below 21 g per 1,000 kcal of the least energy
    the day must give, never below 1.5 x the AI, and at least 50 g for adults.
    """
    t = targets_for({**person, "activity": activity, "weight_kg": weight}, panel="auto")
    fiber, energy = t.get("fiber_g"), t.get("energy_kcal")
    assert fiber is not None
    assert fiber.minimum is not None
    assert fiber.maximum is not None
    assert energy is not None
    assert energy.minimum is not None
    assert fiber.maximum >= 21.0 * energy.minimum / 1000.0 - 0.05
    assert fiber.maximum >= 1.5 * fiber.minimum - 0.05
    if person["age"] >= 19:  # (the strategy's mothers may be 14-18)
        assert fiber.maximum >= 50.0


def test_a_very_active_mans_fiber_ceiling_scales_with_his_energy() -> None:
    t = targets_for(ACTIVE_MAN, panel="auto")
    fiber, energy = t.get("fiber_g"), t.get("energy_kcal")
    assert fiber is not None
    assert energy is not None
    assert energy.minimum is not None
    assert fiber.maximum == pytest.approx(21.0 * energy.minimum / 1000.0, abs=0.05)
    assert fiber.maximum is not None
    assert fiber.maximum > 1.5 * 38.0  # above the fixed ceiling that held him
    assert "21 g per 1,000 kcal" in fiber.source
    # A sedentary woman's ceiling is the adults' 50 g, as before.
    woman = targets_for({"age": 35, "sex": "female"}, panel="auto").get("fiber_g")
    assert woman is not None
    assert woman.maximum == 50.0
