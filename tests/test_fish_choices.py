"""FDA/EPA's Best / Good / Avoid fish classes and the Good Choices weekly cap.

The INDEPENDENT rules below are deliberately simpler than
``foods/fish_choices.csv``: the chart's names of Good Choices and Choices to
Avoid. Every fish food whose texts (or, for a dish, any fish ingredient of
its recipe) name one must be classed at least that strict (the data may be
stricter, never looser), a Best class needs a Best Choice named, and the
Choices to Avoid must agree with ``foods/safety_rules.csv`` (left out in
pregnancy, lactation and for children 1-11). They run over the bundled
table with its FNDDS dishes and, when ../shared exists, over all SR28.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

import mealplan
from mealplan import FoodTableError
from mealplan._catalog import load_foods
from mealplan._fish_choices import CHOICES, fish_foods, load_fish_choices
from mealplan._life_stage_cap_rows import item_cap_grams
from mealplan._life_stage_caps import load_life_stage_caps
from mealplan._models import Person, Sex
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from mealplan._resources import foods_dir
from mealplan._safety import load_safety_rules, unsafe_foods
from tests.checks import check_plan, check_week_caps, fish_classes, week_cap_rows
from tests.requesting import plan_off_the_clock

# The chart (2021), Good Choices and Choices to Avoid, as plain names.
GOOD = re.compile(
    r"bluefish|buffalo ?fish|\bcarp\b|chilean sea bass|grouper|halibut|mahi|"
    r"monkfish|rockfish|sablefish|sheepshead|snapper|spanish|striped bass|"
    r"albacore|tuna, white|yellowfin|weakfish|seatrout|(white|pacific) croaker",
    re.I,
)
AVOID = re.compile(
    r"king mackerel|mackerel, king|marlin|orange roughy|\bshark|swordfish|"
    r"tilefish|bigeye",
    re.I,
)
BEST = re.compile(
    r"anchov|croaker|mackerel|sea bass|butterfish|catfish|\bclam|\bcod|crab|"
    r"cra[wy]fish|flounder|haddock|\bhake|herring|lobster|mullet|oyster|perch|"
    r"pickerel|plaice|pollock|salmon|sardine|scallop|\bshad\b|shrimp|prawn|"
    r"\bskate|smelt|\bsole\b|squid|calamari|tilapia|trout|tuna|skipjack|"
    r"whitefish|whiting",
    re.I,
)
FISH_GROUP = "Finfish and Shellfish Products"
STRICT = {c: i for i, c in enumerate(CHOICES)}


def _recipes() -> dict[str, list[str]]:
    """Each dish's SR28 fish ingredients (NDB 15xxx), from dish_ingredients.csv."""
    found: dict[str, list[str]] = {}
    with (foods_dir() / "dish_ingredients.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["ndb_no"].startswith("15"):
                found.setdefault(row["food_id"], []).append(row["ingredient"])
    return found


def _check_table(table: mealplan.FoodTable, recipes: dict[str, list[str]]) -> None:
    classes = fish_foods(table)
    names = table.texts("name")
    descs = table.texts("sr28_description")
    groups = table.texts("food_group")
    cats = table.texts("category")
    wrong = []
    for i, fid in enumerate(table.ids):
        texts = [f"{names[i]} | {descs[i]}", *recipes.get(fid, [])]
        fish = cats[i] == "fish_seafood" or groups[i] == FISH_GROUP
        if not fish and fid not in recipes:
            assert fid not in classes, fid
            continue
        found = classes.get(fid)
        if found is None:
            wrong.append((fid, "not a fish food"))
            continue
        least = "best"
        if any(GOOD.search(t) for t in texts):
            least = "good"
        if any(AVOID.search(t) for t in texts):
            least = "avoid"
        if STRICT[found.choice] < STRICT[least]:
            wrong.append((fid, f"{found.choice}, the chart says {least}"))
        if found.choice == "best" and not all(
            BEST.search(t) for t in texts[1:] or texts
        ):
            wrong.append((fid, "best without a Best Choice named"))
        assert 0 < found.share <= 1, (fid, found.share)
    assert not wrong, wrong[:20]


def test_the_bundled_table_is_classed_as_the_chart_says() -> None:
    # The single foods, without recipes; the dishes are the next test's.
    table = load_foods(dishes=False)
    _check_table(table, {})
    classes = fish_foods(table)
    # The bundled table's own fish, by the chart (2021).
    assert classes["salmon-sockeye-canned"].choice == "best"
    assert classes["tuna-light-canned-water"].choice == "best"
    assert classes["tuna-white-canned-water"].choice == "good"  # albacore
    assert classes["tuna-yellowfin-cooked"].choice == "good"
    assert classes["halibut-cooked"].choice == "good"
    assert classes["snapper-cooked"].choice == "good"
    assert classes["mackerel-spanish-cooked"].choice == "good"
    assert classes["mackerel-atlantic-cooked"].choice == "best"
    assert classes["swordfish-cooked"].choice == "avoid"
    # Not on the chart: in doubt the stricter class (Good, not Best).
    for fid in ("mussels-cooked", "octopus-cooked", "sea-bass-cooked"):
        assert classes[fid].choice == "good", fid
    assert {f for f, c in classes.items() if c.share != 1.0} == set()


def test_fndds_dishes_are_classed_by_their_recipe_and_name() -> None:
    table = load_foods(dishes=True)
    recipes = _recipes()
    assert len(recipes) > 150  # the reviewed dishes with fish are all there
    _check_table(table, recipes)
    classes = fish_foods(table)
    # FNDDS's tuna salad is made with light tuna, but a person's may be albacore.
    assert classes["tuna-salad-made-with-mayonnaise"].choice == "good"
    assert classes["salmon-cake-or-patty"].choice == "best"
    assert classes["salmon-cake-or-patty"].share == pytest.approx(0.72, abs=0.01)
    assert classes["sushi-roll-tuna"].choice == "avoid"  # tuna of unstated kind
    assert classes["gefilte-fish"].choice == "good"  # pike and carp
    assert "adobo-with-rice" not in classes  # its 'fish' allergen tag is doubt


def test_every_sr28_fish_is_classed_as_the_chart_says(sr28_foods: Any) -> None:
    _check_table(sr28_foods, {})


@pytest.mark.parametrize("dishes", [False, True])
def test_choices_to_avoid_agree_with_the_safety_rules(dishes: bool) -> None:
    """Avoid is left out in pregnancy, lactation and for children 1-11; and back."""
    table = load_foods(dishes=dishes)
    classes = fish_foods(table)
    avoid = {f for f, c in classes.items() if c.choice == "avoid"}
    assert avoid  # swordfish at least
    mercury = {"high_mercury_fish", "unspecified_tuna", "unspecified_mackerel"}
    for stage in ("pregnancy", "lactation", "child"):
        unsafe = unsafe_foods(table, [stage])
        assert avoid <= set(unsafe), (stage, sorted(avoid - set(unsafe))[:10])
        rules = [r for r in load_safety_rules() if r.rule in mercury]
        by_mercury = set(unsafe_foods(table, [stage], rules))
        assert by_mercury & set(classes) <= avoid, stage


def test_the_checker_reads_the_classes_as_the_planner_does() -> None:
    table = load_foods(dishes=True)
    mine = fish_classes(table)
    theirs = fish_foods(table)
    assert mine.keys() == theirs.keys()
    for fid, (choice, share) in mine.items():
        expected: tuple[object, object] = (
            theirs[fid].choice,
            pytest.approx(theirs[fid].share),
        )
        assert (choice, share) == expected


def test_the_good_choices_rows_follow_the_advice() -> None:
    good = {
        c.cap_id: c
        for c in load_life_stage_caps()
        if c.selectors == (("fish", frozenset({"good"})),)
    }
    # One serving a week: 1 oz at 1-3, 2 oz at 4-7, 3 oz at 8-10, 4 oz at 11
    # and for adults (pregnancy, lactation).
    assert {k: (c.min_age, c.max_age, c.amount, c.unit) for k, c in good.items()} == {
        "toddler_good_fish_week": (1, 4, 1, "oz"),
        "child_good_fish_week": (4, 8, 2, "oz"),
        "child_good_fish_week_8": (8, 11, 3, "oz"),
        "child_good_fish_week_11": (11, 12, 4, "oz"),
        "pregnancy_good_fish_week": (0, 130, 4, "oz"),
    }
    assert good["pregnancy_good_fish_week"].life_stages == {"pregnancy", "lactation"}
    for cap in good.values():
        assert cap.scope == "week"
        assert "fda.gov/fishadvice" in cap.source
        assert "Good Choices: eat 1 serving a week" in cap.source
    # Every rule row names its source.
    assert all("fda.gov/fishadvice" in r.source for r in load_fish_choices())


def test_a_dish_counts_its_recipes_fish() -> None:
    table = load_foods(dishes=True)
    req = parse_request({"person": {"age": 30, "sex": "female", "pregnancy": True}})
    req = req.model_copy(update={"days": 2})
    problem = build_problem(req, resolve_targets(req, table), table)
    rows = {r.cap_id: r for r in problem.week_caps}
    total, good = rows["pregnancy_fish_week"], rows["pregnancy_good_fish_week"]
    ids = problem.food_ids
    weight = {ids[f]: w for f, w in zip(total.foods, total.per_unit, strict=True)}
    good_ids = {ids[f] for f in good.foods}
    classes = fish_foods(table)
    dishes = [f for f in weight if classes[f].share < 1]
    assert dishes, "no dish with fish among the candidates"
    for fid in dishes:
        k = ids.index(fid)
        oz = float(problem.unit_grams[k]) / 28.349523125
        assert weight[fid] == pytest.approx(oz * classes[fid].share)
    assert {f for f in weight if classes[f].choice == "good"} == good_ids


def test_a_callers_caps_reject_an_unknown_fish_class(tmp_path: Path) -> None:
    header = (
        "cap_id,min_age,max_age,scope,selector,amount,unit,no_volume_grams,"
        "source,reasoning"
    )
    path = tmp_path / "caps.csv"
    path.write_text(f"{header}\nx,1,4,week,fish:great,1,oz,,s,r\n", encoding="utf-8")
    with pytest.raises(FoodTableError, match="fish selector"):
        load_life_stage_caps(path)


@pytest.fixture(scope="module")
def halibut_days() -> tuple[mealplan.MealPlan, mealplan.FoodTable]:
    # Halibut (a Good Choice) asked for on a pregnant woman's 2 days (with the
    # meal structure: 1 s of CPU at load 9, 8 s without it).
    foods = load_foods()
    request = {
        "person": {"age": 30, "sex": "female", "pregnancy": True},
        "days": 2,
        "include": ["halibut-cooked"],
    }
    return plan_off_the_clock(request, foods), foods


def test_a_pregnant_plan_keeps_one_good_serving(
    halibut_days: tuple[mealplan.MealPlan, mealplan.FoodTable],
) -> None:
    plan, foods = halibut_days
    check_plan(plan, foods)  # check_week_caps among the rest
    good = sum(
        i.grams
        for d in plan.days
        for i in d.items
        if fish_classes(foods).get(i.food_id, ("", 0))[0] == "good"
    )
    assert 0 < good <= 4 * 28.349523125 * (1 + 1e-6)
    assert any("pregnancy_good_fish_week 4 oz" in n for n in plan.notes)
    assert "pregnancy_good_fish_week" in {
        r["cap_id"] for r in week_cap_rows(plan, foods)
    }


def test_the_checker_catches_two_good_servings(
    halibut_days: tuple[mealplan.MealPlan, mealplan.FoodTable],
) -> None:
    plan, foods = halibut_days
    # Each day's first item made 3 oz of halibut: 6 oz of a Good Choice, 6 oz
    # of fish in all (within the 12 oz cap, over the Good Choices' 4 oz).
    days = [
        d.model_copy(
            update={
                "items": [
                    d.items[0].model_copy(
                        update={"food_id": "halibut-cooked", "grams": 3 * 28.349523125}
                    ),
                    *[i for i in d.items[1:] if i.food_id not in fish_classes(foods)],
                ]
            }
        )
        for d in plan.days
    ]
    with pytest.raises(AssertionError, match="pregnancy_good_fish_week"):
        check_week_caps(plan.model_copy(update={"days": days}), foods)


def test_a_toddlers_fish_serving_caps_a_dish_by_its_fish() -> None:
    """1 oz of fish at a meal and a day: a salmon patty (72 % salmon) 39 g."""
    table = load_foods(dishes=True)
    toddler = Person(age=2, sex=Sex.FEMALE)
    ids = ["salmon-cake-or-patty", "salmon-sockeye-canned", "adobo-with-rice"]
    caps = item_cap_grams(table, ids, toddler)
    share = fish_foods(table)["salmon-cake-or-patty"].share
    assert caps[0] == pytest.approx(28.349523125 / share)
    assert caps[1] == pytest.approx(28.349523125)
    # No fish in its recipe: only a toddler's serving of a dish caps it
    # (toddler_dish_item, ½ cup of its 244 g cup).
    assert caps[2] == pytest.approx(244 / 2)
    assert all(c == float("inf") for c in item_cap_grams(table, ids, None))
