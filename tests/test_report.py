"""Renderers, grocery list and explain(), on one real plan reused by every test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mealplan
from mealplan._explain import Explanation, explain
from mealplan._models import DISCLAIMER
from mealplan._report import (
    DOCTOR_ADVICE,
    food_mentions,
    grocery_list,
    portions_text,
    render_diagnosis_json,
    render_diagnosis_markdown,
    render_diagnosis_text,
    render_food_markdown,
    render_food_text,
    render_grocery_markdown,
    render_grocery_text,
    render_json,
    render_markdown,
    render_targets_markdown,
    render_targets_text,
    render_text,
)
from tests.plans import PlanCache

FOCUS_LABELS = ("Magnesium", "Calcium", "Vitamin D", "Vitamin B12")


@pytest.fixture(scope="module")
def foods() -> mealplan.FoodTable:
    return mealplan.load_foods()


@pytest.fixture(scope="module")
def daily(foods: mealplan.FoodTable, plans: PlanCache) -> mealplan.MealPlan:
    return plans.plan(
        {"person": {"age": 35, "sex": "female"}, "diet": "vegetarian"}, foods
    )


@pytest.fixture(scope="module")
def two_days(daily: mealplan.MealPlan) -> mealplan.MealPlan:
    """A two-day plan made from the daily one (renderers only; no solve)."""
    day2 = daily.days[0].model_copy(
        update={
            "day": 2,
            "items": [i.model_copy(update={"day": 2}) for i in daily.days[0].items],
        }
    )
    return daily.model_copy(
        update={
            "days": [daily.days[0], day2],
            "request": daily.request.model_copy(update={"days": 2}),
        }
    )


@pytest.fixture(scope="module")
def diagnosis() -> mealplan.Diagnosis:
    return mealplan.Diagnosis(
        message="No day meets these constraints together: a vegan diet; B12.",
        conflicts=[
            mealplan.Conflict(
                constraint="min:vitamin_b12_ug",
                description="at least 2.4 ug of vitamin B12 a day (RDA)",
                relaxation="Lower the minimum to 2.1 ug.",
            ),
            mealplan.Conflict(
                constraint="diet",
                description="a vegan diet",
                relaxation="Allow a less strict diet.",
            ),
        ],
        minimal=True,
    )


def _ends_with_medical_note(text: str) -> None:
    assert DISCLAIMER in text
    assert text.rstrip().endswith(DOCTOR_ADVICE)
    assert "see a doctor" in DOCTOR_ADVICE
    assert "more than two weeks" in DOCTOR_ADVICE


# ----------------------------------------------------------------- plan text


def test_text_has_every_item_with_units_grams_and_ndb(
    daily: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    text = render_text(daily, foods)
    for item in daily.items:
        assert item.name[:30] in text
        assert portions_text(item.portions, item.portion_description) in text
        if item.ndb_no:
            assert item.ndb_no in text
    _ends_with_medical_note(text)


def test_text_tables_are_aligned(daily: mealplan.MealPlan) -> None:
    lines = render_text(daily).splitlines()
    header = next(
        k for k, line in enumerate(lines) if line.split()[:2] == ["Meal", "Food"]
    )
    rule = lines[header + 1]
    assert set(rule.strip()) <= {"-", " "}
    width = len(rule)
    for line in lines[header + 2 : header + 2 + len(daily.items)]:
        assert len(line) <= width


def test_text_shows_each_bound_total_target_ul_percent_status(
    daily: mealplan.MealPlan,
) -> None:
    text = render_text(daily)
    for label in FOCUS_LABELS:
        assert label in text
    for t in daily.days[0].totals:
        if t.minimum is not None and t.percent_of_minimum is not None:
            assert f"{t.percent_of_minimum:.0f}%" in text
    assert "(UL)" in text  # calcium and vitamin D upper limits
    assert "(RDA)" in text
    assert " met" in text


def test_lower_bounds_are_marked_and_foods_named(daily: mealplan.MealPlan) -> None:
    day = daily.days[0]
    totals = [
        t.model_copy(
            update={"lower_bound": True, "foods_missing_data": ["Mystery food"]}
        )
        if t.nutrient == "vitamin_b12_ug"
        else t
        for t in day.totals
    ]
    changed = daily.model_copy(
        update={"days": [day.model_copy(update={"totals": totals})]}
    )
    for text in (render_text(changed), render_markdown(changed)):
        assert "≥ " in text
        assert "Vitamin B12 is a lower bound" in text
        assert "Mystery food" in text


def test_shares_of_focus_nutrients_per_food(daily: mealplan.MealPlan) -> None:
    text = render_text(daily)
    assert "Share of the day's magnesium, calcium, vitamin D, vitamin B12" in text
    # Each item row shows its share of the four focus nutrients; down each
    # column the shares add up to the day's total, up to rounding per row.
    # A share is "n/a" where the food has no USDA value for the nutrient
    # (UV mushrooms' vitamin B12), and a name may hold a per cent of its own
    # ("Cottage cheese, 2%"): a row's shares are its last four.
    table = text.split("Share of the day's")[0]
    rows = [
        re.findall(r"(?<![\w.])(\d+%|n/a)(?![\w])", line)[-4:]
        for line in table.splitlines()
    ]
    rows = [r for r in rows if len(r) == 4]
    assert len(rows) == len(daily.items)
    for column in zip(*rows, strict=True):
        total = sum(int(v.rstrip("%")) for v in column if v != "n/a")
        assert abs(total - 100) <= 0.5 * len(rows) + 1e-9, column


def test_article_mentions_in_the_articles_words(
    daily: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    text = render_markdown(daily, foods)
    named = [i for i in daily.items if food_mentions(foods, i.food_id)]
    assert named, "a plan with no food the article names"
    for item in named:
        for phrase in food_mentions(foods, item.food_id):
            assert phrase in text


def test_food_mentions_prefer_the_food_over_its_category(
    foods: mealplan.FoodTable,
) -> None:
    phrases = food_mentions(foods, "pumpkin-seeds-roasted")
    assert '"Pumpkin seeds", listed under High-Magnesium Foods' in phrases
    assert all("Nuts and Seeds" not in p for p in phrases)


def test_notes_are_shown(daily: mealplan.MealPlan) -> None:
    text = render_text(daily)
    for note in daily.notes:
        assert note in text


def test_markdown_has_tables_and_headings(daily: mealplan.MealPlan) -> None:
    md = render_markdown(daily)
    assert md.startswith("# Meal plan for a 35-year-old female")
    assert "| Meal | Food |" in md
    assert "|---|" in md
    for item in daily.items:
        assert item.name in md  # full names, never clipped
    _ends_with_medical_note(md)


def test_json_is_the_model_and_round_trips(daily: mealplan.MealPlan) -> None:
    text = render_json(daily)
    assert json.loads(text)["schema_version"] == "1"
    assert json.loads(text)["disclaimer"] == DISCLAIMER
    assert mealplan.MealPlan.model_validate_json(text) == daily


# ----------------------------------------------------------------- multi-day


def test_multi_day_renders_each_day_averages_and_groceries(
    two_days: mealplan.MealPlan,
) -> None:
    for render in (render_text, render_markdown):
        text = render(two_days)
        assert "Day 1" in text
        assert "Day 2" in text
        assert "Average per day over 2 days" in text
        assert "Grocery list" in text
        _ends_with_medical_note(text)


def test_grocery_list_sums_days_and_sorts_by_group(
    two_days: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    # What is bought, not what is eaten (issue 11): a cooked food may become
    # its raw or dry form, so items are matched to plan foods by from_foods.
    items = grocery_list(two_days, foods)
    served = {f for g in items for f in g.from_foods}
    assert served == {i.food_id for i in two_days.items}
    for g in items:
        grams = sum(i.grams for i in two_days.items if i.food_id in g.from_foods)
        costs = [i.cost for i in two_days.items if i.food_id in g.from_foods]
        if any(foods.food(f).fndds_code for f in g.from_foods):
            # A dish's ingredient: its grams are the recipe's share, and its
            # price is the dish's (test_grocery_list_breaks_dishes_and_buys_raw);
            # a dish without a recipe is listed as eaten.
            assert g.note
            assert g.grams > 0
            if g.converted:
                assert "recipe" in g.note
                assert g.cost is None
            else:
                assert "listed as eaten" in g.note
            continue
        if g.converted:
            assert g.note
            assert "bought" in g.note
            # Raw grams per gram cooked: up to 3 (bacon 2.69, mussels 2.0;
            # mealplan._purchase_forms.MAX_YIELD), dry grains and legumes under 1.
            assert 0 < g.grams <= 3 * grams
        else:
            assert g.grams == pytest.approx(grams)
            assert g.food_group == foods.food(g.food_id).food_group
            portions = sum(i.portions for i in two_days.items if i.food_id == g.food_id)
            if g.portion_description == foods.default_portion(g.food_id)[0]:
                assert g.portions == pytest.approx(portions)
        if None in costs:
            assert g.cost is None
        else:
            assert g.cost == pytest.approx(sum(c or 0.0 for c in costs))
    keys = [(g.food_group or "", g.name.lower()) for g in items]
    assert keys == sorted(keys)


def test_grocery_list_breaks_dishes_and_buys_raw() -> None:
    table = mealplan.load_foods(dishes=True)
    dish = "chili-con-carne-with-beans-home-recipe"
    assert dish in table
    plan = mealplan.plan(
        {
            "person": {"age": 35, "sex": "male"},
            "pins": [
                {"food": dish, "meal": "dinner"},
                {"food": "brown-rice-cooked", "meal": "lunch"},
                {"food": "egg-fried", "meal": "breakfast"},
            ],
            "time_limit": 30,
            # The checks are on the grocery list of whatever plan comes: the
            # first plan found will do (an optimal one cost 30 s at load 9).
            "mip_gap": 1.0,
        },
        table,
    )
    items = grocery_list(plan, table)
    assert dish not in {g.food_id for g in items}
    from_dish = [g for g in items if dish in g.from_foods]
    assert len(from_dish) >= 3
    assert all(g.converted and g.cost is None for g in from_dish)
    eaten_dish = sum(i.grams for i in plan.items if i.food_id == dish)
    # The recipe per 100 g as eaten sums to the raw weights (cooking losses).
    assert sum(g.grams for g in from_dish) > 0.5 * eaten_dish
    rice = next(g for g in items if "brown-rice-cooked" in g.from_foods)
    assert rice.name == "Rice, brown, long-grain, raw"
    eaten_rice = sum(i.grams for i in plan.items if i.food_id == "brown-rice-cooked")
    assert rice.grams == pytest.approx(eaten_rice * 0.3634, rel=1e-3)
    assert rice.portion_description == "cup"
    eggs = next(g for g in items if "egg-fried" in g.from_foods)
    assert "dozen" in eggs.portion_description
    text = render_grocery_text(items)
    assert "priced with the dish" in text
    assert "Bought raw or dry" in text


def test_grocery_renderings(two_days: mealplan.MealPlan) -> None:
    items = grocery_list(two_days)
    text = render_grocery_text(items)
    md = render_grocery_markdown(items)
    for g in items:
        assert g.name[:30] in text
        assert g.name in md
    assert "Total:" in text or "No prices known" in text


@pytest.mark.parametrize(
    ("portions", "description", "expected"),
    [
        (1.0, "1 cup", "1 cup"),
        (2.0, "1 cup", "2 cups"),
        (0.5, "1 cup", "½ cup"),
        (1.5, "1 oz", "1½ oz"),
        (0.37, "100 g", "37 g"),
        (0.25, "1 cup", "¼ cup"),
        (1.75, "1 cup", "1¾ cups"),
        # A measure's count and number are one amount (session 10: a plan
        # showed cabbage as "3 x 0.5 cup").
        (3.0, "0.5 cup, shredded", "1½ cups, shredded"),
        (2.0, "3 oz", "6 oz"),
        (1.0, "1 tablespoon", "1 tbsp"),
        # A sliver of a cup in spoons (a grocery list showed "0.1 x cup" of oil).
        (0.1, "cup", "1.6 tbsp"),
        (0.25, "cup", "¼ cup"),
        (0.5, "1 tbsp", "1½ tsp"),
        (1.67, "cup", "1.67 cups"),
        # Pieces are counted as said (a dietitian's reading, session 39: a
        # snack read "Provolone 1½ x 1 slice (1 oz)"); a piece's weight is
        # each piece's; a measure that says more numbers of its own ("1 cup
        # (3 rolls)"), a longer description and half a piece keep the count.
        (1.0, "1 medium", "1 medium"),
        (2.0, "1 slice", "2 slices"),
        (1.5, "1 serving", "1½ servings"),
        (1.5, "1 slice (1 oz)", "1½ slices (1 oz each)"),
        (2.0, "1 large", "2 large"),
        (2.0, "1 egg white", "2 egg whites"),
        (3.0, "1 patty", "3 patties"),
        (2.0, "1 sandwich", "2 sandwiches"),
        (1.5, "1 piece, NFS", "1½ pieces, NFS"),
        (2.0, "1 medium slice", "2 medium slices"),
        (2.0, "1 half", "2 halves"),
        (2.0, "1 link cooked", "2 x 1 link cooked"),
        (2.0, "1 frankfurter on bun", "2 x 1 frankfurter on bun"),
        (0.5, "1 slice (1 oz)", "½ x 1 slice (1 oz)"),
        (0.5, "1 large", "½ large"),
        (0.75, "1 slice", "¾ slice"),
        (2.0, "1 cup (3 rolls)", "2 x 1 cup (3 rolls)"),
        # A parenthesis that says the same amount again is dropped (a plan
        # read "¼ x 1 cup (1 NLEA serving)" and "½ x 0.75 cup").
        (0.75, "cup (1 NLEA serving)", "¾ cup"),
        (0.25, "1 cup (1 NLEA serving)", "¼ cup"),
        (1.5, "1 cup (8 fl oz)", "1½ cups"),
        # ⅜ cup has no glyph: whole spoons read better than "0.38 cup".
        (0.5, "0.75 cup (1 NLEA serving)", "6 tbsp"),
        (0.375, "1 cup", "6 tbsp"),
        # Over a cup, such a fraction is quarters and spoons (a plan read
        # "1.12 cups" of Wheat Chex: 1½ of a ¾-cup label serving).
        (1.5, "0.75 cup (1 NLEA serving)", "1 cup + 2 tbsp"),
        (1.375, "1 cup, shredded", "1¼ cups + 2 tbsp, shredded"),
        (2.5, "0.75 cup", "1¾ cups + 2 tbsp"),
        # From half a cup too (a man's breakfast read "10 tbsp" of Kix).
        (0.625, "1 cup", "½ cup + 2 tbsp"),
        (0.8125, "1 cup", "¾ cup + 1 tbsp"),
        (0.4375, "1 cup", "7 tbsp"),
        (2.0, "1 grapefruit", "2 grapefruits"),
        (1.21, "quart", "1.21 x quart"),
        # Fluid ounces in whole quarter cups read as cups (a plan read "2 x 8
        # fl oz (approximate weight, 1 serving)" of rice milk); others stay.
        (2.0, "8 fl oz (approximate weight, 1 serving)", "2 cups"),
        (1.5, "8 fl oz", "1½ cups"),
        (0.75, "8 fl oz", "6 fl oz"),
        (1.25, "8 fl oz", "1¼ cups"),
        (1.0, "9 fl oz", "9 fl oz"),
    ],
)
def test_portions_text(portions: float, description: str, expected: str) -> None:
    assert portions_text(portions, description) == expected


_GLYPH_VALUES = {"¼": 0.25, "⅓": 1 / 3, "½": 0.5, "⅔": 2 / 3, "¾": 0.75}


def _number(text: str) -> float:
    """Read a printed count back: ``1½``, ``¾``, ``12``."""
    glyph = text[-1] if text[-1] in _GLYPH_VALUES else ""
    whole = text[: -1 if glyph else None]
    return (float(whole) if whole else 0.0) + _GLYPH_VALUES.get(glyph, 0.0)


def _cups_read(text: str) -> float:
    """Read a printed cup amount back, in cups: ``1¼ cups + 2 tbsp`` is 1.375."""
    per_cup = {"cup": 1.0, "cups": 1.0, "tbsp": 1 / 16, "tsp": 1 / 48}
    total = 0.0
    for part in text.split(" + "):
        number, unit = part.split(" ")
        total += _number(number) * per_cup[unit]
    return total


@given(st.integers(1, 64))
def test_whole_spoons_of_a_cup_read_back_as_themselves(sixteenths: int) -> None:
    # Every amount in whole tablespoons is printed with glyphs and spoons a
    # cook can measure, never as a decimal, and says the amount it is.
    cups = sixteenths / 16
    text = portions_text(cups, "1 cup")
    assert "." not in text, text
    assert _cups_read(text) == pytest.approx(cups), text


def _bundled_piece_descriptions() -> list[str]:
    """The bundled portion descriptions of one piece ("1 slice", "1 egg white")."""
    import csv

    from mealplan._measures import measure_text

    root = Path(mealplan.__file__).resolve().parents[1] / "foods"
    out: set[str] = set()
    for name in ("portions.csv", "dish_portions.csv"):
        path = root / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                text = row["description"]
                if text.startswith("1 ") and measure_text(2.0, text) is None:
                    out.add(text)
    return sorted(out)


_PIECES = _bundled_piece_descriptions()


@pytest.mark.skipif(not _PIECES, reason="the bundled foods/ tables are not here")
@given(st.sampled_from(_PIECES or ["1 slice"]), st.integers(1, 40))
def test_pieces_read_back_as_their_count(description: str, quarters: int) -> None:
    # Every bundled piece, counted: said as pieces (the count, then the
    # description's words with at most one made plural over one piece and
    # "each" on a piece's weight; none plural for part of a piece), else the
    # count "x" the description as is.
    portions = quarters / 4
    text = portions_text(portions, description)
    if quarters == 4:
        assert text == description
        return
    count, _, rest = text.partition(" ")
    assert _number(count) == pytest.approx(portions), text
    if rest.startswith("x "):
        assert rest == f"x {description}", text
        return
    said = rest.replace(" each)", ")").split(" ")
    plain = description.split(" ")[1:]
    if portions < 1:
        assert said == plain, text
        return
    assert len(said) == len(plain), text
    changed = [(a, b) for a, b in zip(said, plain, strict=True) if a != b]
    assert len(changed) <= 1, text
    for a, b in changed:  # the piece word, plural: the same stem, longer
        assert a[:3] == b[:3], text
        assert len(a) > len(b), text


# ----------------------------------------------------------------- diagnosis


def test_diagnosis_renderings(diagnosis: mealplan.Diagnosis) -> None:
    for render in (render_diagnosis_text, render_diagnosis_markdown):
        text = render(diagnosis)
        assert diagnosis.message in text
        for c in diagnosis.conflicts:
            assert c.constraint in text
            assert c.relaxation in text
        _ends_with_medical_note(text)
    back = mealplan.Diagnosis.model_validate_json(render_diagnosis_json(diagnosis))
    assert back == diagnosis


# --------------------------------------------------------- food and targets


def test_food_and_targets_renderings(foods: mealplan.FoodTable) -> None:
    food = foods.food("pumpkin-seeds-roasted")
    for render in (render_food_text, render_food_markdown):
        text = render(food, foods)
        assert "12016" in text
        assert "High-Magnesium Foods" in text
        assert "1 oz" in text
    targets = mealplan.targets_for(mealplan.Person(age=35, sex=mealplan.Sex.FEMALE))
    for render_t in (render_targets_text, render_targets_markdown):
        text = render_t(targets)
        assert "RDA" in text
        assert "UL" in text
        assert "CDRR" in text
        _ends_with_medical_note(text)


# ------------------------------------------------------------------ explain


def test_explain_without_resolving(daily: mealplan.MealPlan) -> None:
    e = explain(daily, marginal=False)
    assert isinstance(e, Explanation)
    assert e.marginal == []
    for b in e.binding:
        total = daily.days[0].total(b.nutrient)
        assert total.amount == pytest.approx(b.amount)
        assert b.text.endswith(".")
        assert ("minimum" in b.text) == (b.side == "minimum")


def test_explain_prices_each_binding_bound(
    daily: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    e = explain(daily, foods, steps={"vitamin_d_ug": 1.0})
    keys = {(b.nutrient, b.side) for b in e.binding}
    assert {(m.nutrient, m.side) for m in e.marginal} == keys
    for m in e.marginal:
        assert m.measure == "objective"  # typical objective, no budget
        if m.nutrient == "vitamin_d_ug":
            assert m.step == 1.0
        if m.feasible:
            assert m.change is not None
            # Tightening a bound can never improve an optimal plan; a plan
            # proven within its gap of the bound (with the dishes, 0.3
            # servings of a weak one) only by that much.
            assert daily.objective_value is not None
            slack = (daily.gap or 0.0) * daily.objective_value
            assert m.change >= -0.05 - slack
        else:
            assert "no feasible plan" in m.text
    text = render_text(daily, foods, explanation=e)
    assert "Why this plan" in text
    for b in e.binding:
        assert b.text in text
    _ends_with_medical_note(text)
    assert Explanation.model_validate_json(e.model_dump_json()) == e


def test_explain_multi_day_skips_resolves_by_default(
    two_days: mealplan.MealPlan,
) -> None:
    e = explain(two_days)
    assert e.marginal == []
