"""Optional supplements (issue 12, section 4): off by default, named apart from food.

Every check of a plan goes through ``tests/checks.py``, which reads the doses
from ``foods/supplements.csv`` and the ULs from ``foods/dri_full.csv`` with
the csv module alone, independently of :mod:`mealplan._supplements`.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import PlanRequest, RequestError, load_foods
from mealplan._cli import build_parser, main
from mealplan._formulation import Block, formulate
from mealplan._norepeat import is_ruled
from mealplan._problem import MealRow, build_problem
from mealplan._request_cli import request as _request
from mealplan._supplements import (
    SUPPLEMENTAL_MAGNESIUM,
    chosen_supplements,
    load_supplements,
    offered_supplements,
    supplement_ul,
    unsafe_supplements,
    with_supplements,
)
from tests.checks import (
    SUPPLEMENTS_CSV,
    check_plan,
    dri_ul,
    supplement_rows,
)
from tests.requesting import first_plan_or_none
from tests.strategies import persons

ADULT = {"age": 35, "sex": "female"}
CHILD_DROPS = {"vitamin-d3-10ug-drops", "vitamin-d3-vegan-10ug-drops"}
"""The bundled supplements offered from age 1: vitamin D's 400 IU drops."""
VEGAN_NO_FORTIFIED = {
    "person": ADULT,
    "diet": "vegan",
    "allow_fortified": False,
    "time_limit": 60,
    "mip_gap": 1.0,
}


def _plan(request: dict[str, Any]) -> mealplan.MealPlan:
    return mealplan.plan(request, load_foods())


@pytest.fixture(scope="module")
def vegan_plan() -> mealplan.MealPlan:
    """A vegan day without fortified foods: a B12 tablet makes it possible."""
    return _plan({**VEGAN_NO_FORTIFIED, "supplements": ["vitamin-b12-250ug"]})


# ------------------------------------------------------------------- the data


def test_every_row_is_one_nutrient_at_a_label_dose_with_its_sources() -> None:
    rows = list(supplement_rows().values())
    assert {r["nutrient"] for r in rows} == {
        "vitamin_d_ug",
        "vitamin_b12_ug",
        "magnesium_mg",
        "calcium_mg",
    }
    for r in rows:
        assert float(r["dose"]) > 0
        assert "label dose" in r["dose_source"]
        assert "NIH ODS" in r["form_source"] or "Office of Dietary" in r["form_source"]
        assert "ods.od.nih.gov/factsheets/" in r["form_source"]
        # Vitamin D rows say which form they are.
        assert (r["vitamin_d_form"] in {"D2", "D3"}) == (
            r["nutrient"] == "vitamin_d_ug"
        )
        # No price column: no price is sourced.
        assert "price" not in " ".join(r)
    # The example: supplemental magnesium within 350 mg for adults.
    assert max(float(r["dose"]) for r in rows if r["nutrient"] == "magnesium_mg") <= 350


def test_every_row_names_the_ul_that_applies_and_its_source() -> None:
    # Read with the csv module and the DRI table alone (tests/checks.py).
    adult = mealplan.Person(age=30, sex="female")
    applies = {
        "magnesium_mg": "supplements",  # IOM 1997: supplements and drugs only
        "vitamin_d_ug": "total",
        "calcium_mg": "total",
        "vitamin_b12_ug": "none",  # IOM 1998 set no UL
    }
    report = {
        "magnesium_mg": "IOM 1997",
        "vitamin_d_ug": "IOM 2011",
        "calcium_mg": "IOM 2011",
        "vitamin_b12_ug": "IOM 1998",
    }
    for r in supplement_rows().values():
        assert r["ul_applies_to"] == applies[r["nutrient"]], r["id"]
        ul = dri_ul(adult, r["nutrient"])
        assert (float(r["adult_ul"]) if r["adult_ul"] else None) == ul, r["id"]
        assert r["ul_source"].startswith(report[r["nutrient"]]), r["id"]
    mg = supplement_rows()["magnesium-100mg"]
    assert mg["adult_ul"] == "350"
    assert "IOM 1997" in mg["ul_source"]
    assert "supplemental magnesium" in mg["ul_source"]
    # The loader carries them.
    loaded = {s.id: s for s in mealplan.load_supplements()}
    assert loaded["magnesium-250mg"].adult_ul == 350
    assert loaded["magnesium-250mg"].ul_applies_to == "supplements"
    assert loaded["vitamin-b12-250ug"].adult_ul is None


def test_the_table_rows_carry_only_the_labelled_dose() -> None:
    req = PlanRequest.model_validate({"person": ADULT, "supplements": True})
    table = with_supplements(load_foods(), req)
    rows = supplement_rows()
    for fid, row in rows.items():
        food = table.food(fid)
        assert food.category == "supplements"
        _desc, grams = table.default_portion(fid)
        for column in table.nutrients:
            value = food.nutrients.get(column) or 0.0
            expected = float(row["dose"]) if column == row["nutrient"] else 0.0
            if column == SUPPLEMENTAL_MAGNESIUM and row["nutrient"] == "magnesium_mg":
                expected = float(row["dose"])
            assert math.isclose(value * grams / 100, expected), (fid, column)
        assert math.isnan(table.value(fid, "price_per_100g") or math.nan)
    # The table the caller passed is unchanged, and the same table is reused.
    assert not set(rows) & set(load_foods().ids)
    assert with_supplements(load_foods(), req) is table


@pytest.mark.parametrize(
    ("person", "column", "expected"),
    [
        ({"age": 35, "sex": "male"}, "magnesium_mg", 350.0),
        ({"age": 2, "sex": "male"}, "magnesium_mg", 65.0),
        ({"age": 6, "sex": "female"}, "magnesium_mg", 110.0),
        ({"age": 30, "sex": "female", "pregnancy": True}, "calcium_mg", 2500.0),
        ({"age": 16, "sex": "female", "lactation": True}, "calcium_mg", 3000.0),
        ({"age": 75, "sex": "female"}, "vitamin_d_ug", 100.0),
        ({"age": 3, "sex": "female"}, "vitamin_d_ug", 63.0),
        ({"age": 40, "sex": "male"}, "vitamin_b12_ug", None),
    ],
)
def test_uls_are_the_dri_tables_age_specific_values(
    person: dict[str, Any], column: str, expected: float | None
) -> None:
    p = mealplan.Person.model_validate(person)
    assert supplement_ul(p, column) == expected
    assert dri_ul(p, column) == expected  # the checker's own reading agrees


# ------------------------------------------------------------- request fields


def test_foods_only_by_default() -> None:
    req = PlanRequest.model_validate({"person": ADULT})
    assert req.supplements is False
    assert chosen_supplements(req) == ()
    assert with_supplements(load_foods(), req) is load_foods()


def test_supplements_need_a_person_and_known_ids() -> None:
    targets = mealplan.targets_for(mealplan.Person(age=35, sex="female"))
    with pytest.raises(RequestError, match="supplements need a person"):
        mealplan.parse_request({"targets": targets.model_dump(), "supplements": True})
    with pytest.raises(RequestError, match="Unknown supplement 'vitamin-b12'"):
        _plan({"person": ADULT, "supplements": ["vitamin-b12"]})


def test_the_json_schema_says_supplements_need_a_person() -> None:
    # The schema must not accept what the model rejects (and must accept what
    # it accepts): supplements on without a person is invalid in both.
    jsonschema = pytest.importorskip("jsonschema_rs")  # comes with schemathesis
    schema = json.loads(
        (
            Path(mealplan.__file__).parent / "schemas" / "plan-request.schema.json"
        ).read_text(encoding="utf-8")
    )
    validator = jsonschema.Draft202012Validator(schema)
    targets = mealplan.targets_for(mealplan.Person(age=35, sex="female"))
    by_targets = json.loads(
        PlanRequest.model_validate({"targets": targets.model_dump()}).model_dump_json()
    )
    by_targets.pop("person")  # null: the schema's anyOf wants targets then
    cases = [
        ({**by_targets, "supplements": True}, False),
        ({**by_targets, "supplements": ["vitamin-b12-250ug"]}, False),
        ({**by_targets, "supplements": False}, True),
        ({**by_targets, "supplements": []}, True),
        ({**by_targets, "person": None, "supplements": True}, False),
        ({"person": ADULT, "supplements": True}, True),
        ({"person": ADULT, "supplements": ["vitamin-b12-250ug"]}, True),
    ]
    for request, valid in cases:
        assert validator.is_valid(request) is valid, request
        try:
            PlanRequest.model_validate(request)
        except ValueError:
            accepted = False
        else:
            accepted = True
        assert accepted is valid, request


def test_cli_flags_set_the_field() -> None:
    base = ["plan", "--age", "35", "--sex", "female"]
    args = build_parser().parse_args([*base, "--supplement", "vitamin-b12-250ug"])
    assert _request(args).supplements == ["vitamin-b12-250ug"]
    assert _request(build_parser().parse_args(base)).supplements is False


def test_cli_unknown_supplement_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["plan", "--age", "35", "--sex", "female", "--supplement", "vitamin-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "Unknown supplement" in err


# ---------------------------------------------------------------- life stages


@pytest.mark.parametrize(
    ("person", "offered"),
    [
        # Adult-strength products: none under 9 years; vitamin D's 400 IU
        # drops from 1 (AAP 2008).
        ({"age": 2, "sex": "female"}, CHILD_DROPS),
        ({"age": 8, "sex": "male"}, CHILD_DROPS),
        # Pregnancy: all four nutrients are fine within the ULs.
        (
            {"age": 30, "sex": "female", "pregnancy": True},
            set(supplement_rows()),
        ),
        ({"age": 70, "sex": "male"}, set(supplement_rows())),
    ],
)
def test_who_is_offered_what(person: dict[str, Any], offered: set[str]) -> None:
    req = PlanRequest.model_validate({"person": person, "supplements": True})
    assert offered_supplements(req) == offered
    unsafe = unsafe_supplements(req.person, load_supplements())
    assert set(unsafe) == set(supplement_rows()) - offered


def test_a_dose_over_the_life_stage_ul_is_never_offered() -> None:
    person = mealplan.Person(age=6, sex="female")
    big = load_supplements()[0]
    # A caller's child-strength row: 250 mg magnesium breaks the 110 mg UL.
    from dataclasses import replace

    child = replace(big, nutrient="magnesium_mg", dose=250.0, min_age_years=4.0)
    small = replace(child, id="m-100", dose=100.0)
    unsafe = unsafe_supplements(person, [child, small])
    assert "over the UL of 110" in unsafe[child.id]
    assert small.id not in unsafe


# ---------------------------------------------------------------- the plans


def test_a_b12_tablet_replaces_fortified_foods_for_a_vegan(
    vegan_plan: mealplan.MealPlan,
) -> None:
    table = load_foods()
    pills = [i for i in vegan_plan.items if i.kind == "supplement"]
    assert [i.food_id for i in pills] == ["vitamin-b12-250ug"]
    assert pills[0].meal == "supplements"
    assert pills[0].portions == 1
    foods = [i for i in vegan_plan.items if i.kind == "food"]
    assert all(not table.food(i.food_id).fortified for i in foods)
    assert vegan_plan.days[0].total("vitamin_b12_ug").status.value == "met"
    check_plan(vegan_plan, with_supplements(table, vegan_plan.request))
    assert any("Supplements were allowed" in n for n in vegan_plan.notes)


def test_a_plan_without_meals_takes_its_tablet_outside_any_meal() -> None:
    # With meals off no food has a meal; the tablet must not invent one, and
    # the independent checker must accept the plan as it is.
    p = _plan({**VEGAN_NO_FORTIFIED, "supplements": True, "meals": None})
    pills = [i for i in p.items if i.kind == "supplement"]
    assert "vitamin-b12-250ug" in [i.food_id for i in pills]
    assert all(i.meal is None for i in p.items)
    check_plan(p, with_supplements(load_foods(), p.request))


def test_reports_list_supplements_apart_from_food(
    vegan_plan: mealplan.MealPlan,
) -> None:
    text = mealplan.render_text(vegan_plan)
    food_part, _, rest = text.partition("Supplements (not food)")
    assert rest, "no supplements section"
    assert "Vitamin B12 250" not in food_part
    assert "250 µg vitamin B12" in rest
    # Which UL applies to the tablet's nutrient, from the table's UL columns.
    assert "no UL set (IOM 1998)" in " ".join(rest.split())
    assert "Supplements (not food)" in mealplan.render_markdown(vegan_plan)
    html = mealplan.render_html(vegan_plan)
    assert 'class="mp-supplements"' in html
    assert "no UL set (IOM 1998)" in html
    # The web page's fragment: the tablet in its own section, in no meal.
    from mealplan._html import render_fragment
    from mealplan._page import page_html

    fragment = render_fragment(vegan_plan, interactive=True)
    meals, _, after = fragment.partition('<section class="mp-supplements"')
    assert "vitamin-b12-250ug" not in meals
    assert "vitamin-b12-250ug" in after
    assert 'id="supplements"' in page_html()
    # JSON: the item says what it is, and a saved plan reads back.
    data = json.loads(mealplan.render_json(vegan_plan))
    kinds = {i["food_id"]: i["kind"] for d in data["days"] for i in d["items"]}
    assert kinds["vitamin-b12-250ug"] == "supplement"
    assert mealplan.MealPlan.model_validate(data) == vegan_plan
    groceries = mealplan.grocery_list(vegan_plan)
    pills = [g for g in groceries if g.kind == "supplement"]
    assert [(g.food_id, g.portions, g.cost) for g in pills] == [
        ("vitamin-b12-250ug", 1.0, None)
    ]
    assert all(g.kind == "food" for g in groceries if g not in pills)
    grocery_text = mealplan.render_grocery_text(groceries)
    assert "Supplements (not food)" in grocery_text


def test_a_tampered_supplement_is_rejected(vegan_plan: mealplan.MealPlan) -> None:
    data = json.loads(mealplan.render_json(vegan_plan))
    data["request"]["supplements"] = False
    with pytest.raises(ValueError, match="supplements off"):
        mealplan.MealPlan.model_validate(data)


def test_regenerate_keeps_the_supplements(vegan_plan: mealplan.MealPlan) -> None:
    again = mealplan.regenerate(vegan_plan, day=1, meal="lunch", foods=load_foods())
    assert [i.food_id for i in again.items if i.kind == "supplement"] == [
        "vitamin-b12-250ug"
    ]
    check_plan(again, with_supplements(load_foods(), again.request))


def test_budget_leaves_unpriced_supplements_out() -> None:
    result = _plan(
        {"person": ADULT, "supplements": True, "budget_per_day": 12.0, "mip_gap": 1.0}
    )
    assert not [i for i in result.items if i.kind == "supplement"]
    assert any("no sourced price" in n for n in result.notes)


# ------------------------------------------------------------------ property


people = persons(st.integers(1, 90))


@settings(max_examples=4)
@given(
    person=people,
    diet=st.sampled_from(["omnivore", "vegetarian", "vegan"]),
    vitamin_d=st.sampled_from([None, 40.0, 60.0]),
    magnesium=st.sampled_from([None, 600.0]),
    portion_mode=st.sampled_from(["half", "whole"]),
)
def test_random_people_with_supplements_keep_every_supplement_ul(
    person: dict[str, Any],
    diet: str,
    vitamin_d: float | None,
    magnesium: float | None,
    portion_mode: str,
) -> None:
    # Raised minimums push the plan to the tablets (food has little vitamin D);
    # the checker recomputes every supplement UL from the CSVs alone.
    bounds = {}
    if vitamin_d is not None:
        bounds["vitamin_d_ug"] = {"minimum": vitamin_d}
    if magnesium is not None:
        bounds["magnesium_mg"] = {"minimum": magnesium}
    request = {
        "person": person,
        "diet": diet,
        "supplements": True,
        "bounds": bounds,
        "portion_mode": portion_mode,
    }
    table = load_foods()
    result = first_plan_or_none(request, table)
    if result is None:
        return
    check_plan(result, with_supplements(table, result.request))
    if person["age"] < 9:
        # Only vitamin D's drops are offered under 9 (the checker reads each
        # row's min_age_years too).
        assert {
            i.food_id for i in result.items if i.kind == "supplement"
        } <= CHILD_DROPS


def test_the_checker_reads_the_committed_file() -> None:
    with Path(SUPPLEMENTS_CSV).open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(load_supplements())


def test_supplement_magnesium_stays_under_its_ul_with_more_tablets_on_offer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A caller's table with three 200 mg magnesium tablets (600 mg on offer,
    # each within the adult UL of 350 mg) and a magnesium minimum that food
    # alone cannot cheaply meet: the plan may take only one of them.
    # The loader (mealplan._supplement_data) reads the bundled file by name.
    from mealplan import _resources, _supplement_data

    rows = list(supplement_rows().values())
    mg = next(r for r in rows if r["id"] == "magnesium-100mg")
    extra = [
        {
            **mg,
            "id": f"magnesium-200mg-{k}",
            "name": f"Magnesium 200 mg ({k})",
            "dose": "200",
        }
        for k in "abc"
    ]
    path = tmp_path / "supplements.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(mg))
        writer.writeheader()
        writer.writerows(extra)
    real = _resources.data_file  # what _supplement_data imported
    monkeypatch.setattr(
        _supplement_data,
        "data_file",
        lambda name: path if name == _supplement_data.SUPPLEMENTS_FILE else real(name),
    )
    result = _plan(
        {
            "person": ADULT,
            "supplements": True,
            "bounds": {"magnesium_mg": {"minimum": 1300.0}},
            "kcal_min": 1200.0,
            "kcal_max": 1400.0,
            "time_limit": 60,
            "mip_gap": 1.0,
        }
    )
    for day in result.days:
        taken = sum(200 * i.portions for i in day.items if i.kind == "supplement")
        assert 0 < taken <= 350
        bound = result.targets.get(SUPPLEMENTAL_MAGNESIUM)
        assert bound is not None
        assert bound.maximum == 350
        assert day.total(SUPPLEMENTAL_MAGNESIUM).amount == taken


def test_a_tablet_may_be_taken_every_day() -> None:
    # Two days: the default variety rule allows a food on 1 day only, and
    # without fortified foods the tablet is the one B12 source, so it must
    # come on both days (the variety rule is food's, not a supplement's).
    request = {**VEGAN_NO_FORTIFIED, "days": 2, "supplements": ["vitamin-b12-250ug"]}
    result = _plan(request)
    taken = [i.day for i in result.items if i.food_id == "vitamin-b12-250ug"]
    assert taken == [1, 2]
    check_plan(result, with_supplements(load_foods(), result.request))


def test_max_foods_does_not_count_tablets() -> None:
    # The model: the day's max_foods row holds every food's binary and no
    # tablet's, so a tablet never takes a food's place.
    req = PlanRequest.model_validate(
        {**VEGAN_NO_FORTIFIED, "supplements": True, "max_foods": 6}
    )
    table = with_supplements(load_foods(), req)
    assert req.person is not None
    targets = mealplan.targets_for(req.person)
    problem = build_problem(req, targets, table)
    assert problem.supplements
    model = formulate(problem)
    rows = [r for r, b in enumerate(model.row_block) if b is Block.MAX_FOODS]
    assert len(rows) == 1
    r = rows[0]
    held = set(model.indices[model.indptr[r] : model.indptr[r + 1]].tolist())
    pill_y = {
        int(model.y_cols[k])
        for k, (_, _, f) in enumerate(model.keys.tolist())
        if f in problem.supplements
    }
    # Nor a fat paired with an item (issue 11: its cooking fat or dressing).
    assert problem.structure is not None
    fats = {f for c in problem.structure.companions if c.pooled for f in c.needs}
    food_y = {
        int(model.y_cols[k])
        for k, (_, _, f) in enumerate(model.keys.tolist())
        if f not in problem.supplements and f not in fats
    }
    assert pill_y
    assert not pill_y & held
    assert food_y == held
    assert model.row_upper[r] == 6


def test_the_supplements_part_is_told_by_its_kind() -> None:
    req = PlanRequest.model_validate(
        {**VEGAN_NO_FORTIFIED, "days": 2, "supplements": True}
    )
    table = with_supplements(load_foods(), req)
    assert req.person is not None
    targets = mealplan.targets_for(req.person)
    problem = build_problem(req, targets, table)
    kinds = {m.name: m.kind for m in problem.meals}
    assert kinds == {
        "breakfast": "meal",
        "lunch": "meal",
        "dinner": "meal",
        "snack": "meal",
        "supplements": "supplements",
    }
    assert [is_ruled(m) for m in problem.meals] == [True] * 4 + [False]
    # The kind decides, not the name: a meal called "supplements" is a meal.
    named = MealRow("supplements", None, (0.0, 1.0), 0, 3, (0, 1))
    assert is_ruled(named)


def test_continuous_amounts_still_take_whole_tablets() -> None:
    # Continuous portions with no meal split and no food limit: the model has
    # no binaries for foods, yet a tablet is all or nothing.
    result = _plan(
        {
            **VEGAN_NO_FORTIFIED,
            "supplements": True,
            "portion_mode": "continuous",
            "meals": None,
            "max_foods": None,
            "structure": False,
        }
    )
    pills = [i for i in result.items if i.kind == "supplement"]
    assert pills
    assert all(i.portions == 1 and i.meal is None for i in pills)


def test_the_supplements_command_lists_who_may_take_what(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(["supplements", "--age", "6", "--sex", "female", "--format", "json"]) == 0
    )
    records = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in records} == set(supplement_rows())
    assert {r["id"] for r in records if r["offered"]} == CHILD_DROPS
    assert all(
        "under 9 years" in r["why_not"] for r in records if r["id"] not in CHILD_DROPS
    )
    assert main(["supplements"]) == 0
    out = capsys.readouterr().out
    assert "vitamin-b12-250ug" in out
    assert "350 mg (supplements only)" in out
    assert "--supplements" in out
    main(["supplements", "--format", "json"])
    by_id = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert by_id["magnesium-100mg"]["adult_ul"] == 350
    assert "IOM 1997" in by_id["magnesium-100mg"]["ul_source"]
    assert main(["supplements", "--age", "6"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as info:
        main(["supplements", "--help"])
    assert info.value.code == 0
    assert "examples:" in capsys.readouterr().out
