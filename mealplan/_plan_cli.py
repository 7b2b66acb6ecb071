"""The flags of ``mealplan plan`` and ``mealplan regenerate``.

Only the parsers: :mod:`mealplan._request_cli` turns the parsed flags into a
:class:`~mealplan.PlanRequest`, and :mod:`mealplan._cli` registers the two
commands (with the functions that run them) and prints their results.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from mealplan._cli_args import add_format as _add_format
from mealplan._cli_args import add_person as _add_person
from mealplan._cli_args import formatter as _formatter
from mealplan._models import PlanRequest
from mealplan._nutrients import Allergen, Diet

__all__ = ["add_plan", "add_regenerate"]

Run = Callable[[argparse.Namespace], int]
"""A command's function: parsed flags -> exit status."""

_PLAN_EPILOG = """\
examples:
  mealplan plan --age 35 --sex female --diet vegetarian
  mealplan plan --age 29 --sex female --pregnant --trimester 2 --allergy peanuts
  mealplan plan --age 60 --sex male --days 7 --objective cost --format markdown
  mealplan plan --age 35 --sex female --explain
  mealplan plan --age 35 --sex female --diet vegan --no-fortified --supplement vitamin-b12-250ug
  mealplan plan --request request.json --format json > plan.json
  echo '{"person": {"age": 40, "sex": "male"}}' | mealplan plan --request -

With --request, the flags you also give override the file's fields (person
flags override single fields of its person; --allergy, --exclude and
--include replace its lists).

exit status: 0 plan printed, 1 no feasible plan (diagnosis printed),
2 bad input, 3 solver failure or output not written, 130 interrupted.
"""


def add_plan(commands: Any, run: Run) -> None:
    """Add ``mealplan plan``, run by ``run``."""
    p = commands.add_parser(
        "plan",
        help="plan meals that meet the DRIs",
        description="Plan meals (one day or several) that meet magnesium, calcium, "
        "vitamin D and vitamin B12 needs, from USDA SR28 foods.",
        epilog=_PLAN_EPILOG,
        formatter_class=_formatter,
    )
    p.add_argument(
        "--request",
        metavar="FILE",
        help="a JSON PlanRequest ('-' reads stdin); flags override its fields",
    )
    _add_person(p)
    _add_diet_flags(p)
    _add_planning_flags(p)
    p.add_argument(
        "--explain",
        action="store_true",
        help="say which bounds bind and what tightening them would cost",
    )
    p.add_argument(
        "--dishes",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="plan with the bundled FNDDS dishes beside the single foods (off "
        "by default: a 3-4x slower model; HiGHS only; --no-dishes: single "
        "foods only)",
    )
    _add_request_fields(p)
    _add_taste(p)
    _add_format(p)
    p.set_defaults(run=run)


def _add_diet_flags(p: argparse.ArgumentParser) -> None:
    """Add the "what you eat" flags."""
    g = p.add_argument_group("what you eat")
    g.add_argument("--diet", help="one of " + ", ".join(d.value for d in Diet))
    g.add_argument(
        "--allergy",
        action="append",
        metavar="ALLERGEN",
        help="repeatable; one of " + ", ".join(a.value for a in Allergen),
    )
    g.add_argument(
        "--exclude",
        action="append",
        metavar="FOOD",
        help="repeatable; a food id, a word of food names or a food group",
    )
    g.add_argument(
        "--panel",
        metavar="MODE",
        help="the DRI panel beyond the focus four: auto (default: rda from "
        "age 1; from age 4 also the AIs of manganese, vitamin K, "
        "pantothenic, linoleic and alpha-linolenic acid, and choline's AI "
        "(a plan short of vitamin K's or choline's planned again with it); with --budget or --objective cost the RDAs "
        "are lifted with a note where the budget cannot meet them), limits (food ULs planned, other "
        "minimums reported), rda (food ULs and every RDA planned, AI-only "
        "nutrients reported), full (every RDA/AI a minimum, a fiber ceiling, "
        "the sodium AI) or off",
    )
    g.add_argument(
        "--no-added-salt",
        action="store_false",
        dest="added_salt",
        default=None,
        help="add no table salt (by default a day whose foods give less sodium "
        "than its AI gets measured salt, in 1/8 tsp steps, from age 4)",
    )
    g.add_argument(
        "--no-room-for-unmeasured",
        action="store_false",
        dest="room_for_unmeasured",
        default=None,
        help="count foods without a USDA value for a nutrient as 0 under its "
        "upper limit too (by default they count at a reviewed similar food's "
        "measured value there, foods/ul_standins.csv)",
    )
    g.add_argument(
        "--absorbable-calcium",
        action="store_true",
        default=None,
        help="count calcium as absorbed (Weaver, Proulx & Heaney 1999) in the "
        "calcium minimum (RDA at milk's 32.1%%) and report both totals",
    )
    g.add_argument(
        "--free-from",
        action="append",
        metavar="NEED",
        help="repeatable; gluten or lactose: plan without them",
    )
    g.add_argument(
        "--supplements",
        action="store_true",
        default=None,
        help="also allow single-nutrient supplements (vitamin D3, B12, magnesium, "
        "calcium tablets) where the person's life-stage ULs allow them; listed "
        "apart from the food (default: foods only)",
    )
    g.add_argument(
        "--supplement",
        action="append",
        metavar="ID",
        help="repeatable; allow only these supplements, e.g. vitamin-b12-250ug "
        "(ids in foods/supplements.csv)",
    )
    _add_supplements_file(g)
    g.add_argument(
        "--include",
        action="append",
        metavar="ID",
        help="repeatable; a food id that must appear every day",
    )
    g.add_argument(
        "--no-fortified",
        action="store_true",
        default=None,
        help="leave out fortified foods",
    )


def _add_planning_flags(p: argparse.ArgumentParser) -> None:
    """Add the "how to plan" flags."""
    g = p.add_argument_group("how to plan")
    g.add_argument("--days", type=int, help="number of days (1-28, default 1)")
    g.add_argument("--budget", type=float, metavar="USD", help="budget a day, US$")
    g.add_argument(
        "--max-foods",
        type=int,
        metavar="N",
        help=f"most foods a day, not counting the cooking fat or dressing of an item "
        f"(default {_default('max_foods')})",
    )
    g.add_argument(
        "--objective",
        help="typical (default: ordinary servings) or cost (cheapest)",
    )
    g.add_argument(
        "--allow-shortfall",
        action="store_true",
        default=None,
        help="return the closest plan when no plan meets every bound",
    )
    g.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help=f"time limit for the whole request, s (default {_default('time_limit'):g})",
    )
    g.add_argument(
        "--solver",
        help="highs (default), cbc (bundled with PuLP), or another solver PuLP "
        "drives where installed: glpk, gurobi, cplex, scip, xpress, mosek, copt",
    )


# Every other PlanRequest field a diagnosis or an explanation can name has a
# flag too, so advice printed as flags can be followed from the command line.


def _bound_arg(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not sep or not name.strip() or not math.isfinite(number) or number < 0:
        msg = f"{text!r} is not NUTRIENT=AMOUNT; give e.g. vitamin_d_ug=10"
        raise argparse.ArgumentTypeError(msg)
    return name.strip(), number


def _entry_arg(text: str) -> dict[str, Any]:
    food, _, days = text.partition("@")
    food, _, meal = food.partition(":")
    entry: dict[str, Any] = {"food": food.strip()}
    if meal.strip():
        entry["meal"] = meal.strip()
    if days.strip():
        try:
            entry["days"] = [int(d) for d in days.split(",")]
        except ValueError:
            msg = f"{text!r} is not FOOD[:MEAL][@DAY,DAY]; give e.g. almonds:breakfast@1,3"
            raise argparse.ArgumentTypeError(msg) from None
    if not entry["food"]:
        msg = f"{text!r} names no food; give FOOD[:MEAL][@DAY,DAY]"
        raise argparse.ArgumentTypeError(msg)
    return entry


def _add_request_fields(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("more request fields (each names a PlanRequest field)")
    add = g.add_argument
    add(
        "--fortified",
        action="store_true",
        default=None,
        help="allow fortified foods (allow_fortified=true; the default)",
    )
    add(
        "--no-budget",
        action="store_true",
        default=None,
        help="no budget (budget_per_day=null)",
    )
    add(
        "--portion-mode",
        metavar="MODE",
        help="whole, half (default; quarter at ages 1-3), quarter or continuous",
    )
    add(
        "--no-portion-limits",
        action="store_true",
        default=None,
        help="lift the realistic portion caps per food (portion_limits=false)",
    )
    add(
        "--no-macro-limits",
        action="store_true",
        default=None,
        help="drop the AMDR energy shares (macro_limits=false)",
    )
    add(
        "--margin",
        type=float,
        metavar="X",
        help="factor on the focus-nutrient minimums, 1.0-3.0 (margin)",
    )
    add(
        "--min",
        type=_bound_arg,
        action="append",
        metavar="NUTRIENT=AMOUNT",
        help="repeatable; your own minimum a day (bounds.NUTRIENT.minimum)",
    )
    add(
        "--max",
        type=_bound_arg,
        action="append",
        metavar="NUTRIENT=AMOUNT",
        help="repeatable; your own maximum a day (bounds.NUTRIENT.maximum)",
    )
    add(
        "--no-bound",
        action="append",
        metavar="NUTRIENT",
        help="repeatable; drop the bound on a nutrient (bounds.NUTRIENT.remove)",
    )
    _add_plan_shape_fields(add)


def _add_plan_shape_fields(add: Callable[..., Any]) -> None:
    """Add the request fields on the days, pins, bans, lists, meals and gap."""
    add(
        "--nutrient-period",
        metavar="PERIOD",
        help="daily (default) or average: focus nutrients met every day or on average",
    )
    add(
        "--daily-floor",
        type=float,
        metavar="SHARE",
        help="with --nutrient-period average, the least share met every day (0.7)",
    )
    add(
        "--max-days-per-food",
        type=int,
        metavar="N",
        help="most days a food may appear on (default: half the days)",
    )
    add(
        "--max-grams-per-week",
        type=float,
        metavar="G",
        help="most grams of any one food over 7 days",
    )
    add(
        "--pin",
        type=_entry_arg,
        action="append",
        metavar="FOOD[:MEAL][@DAYS]",
        help="repeatable; a food that must appear, e.g. almonds:breakfast@1,3 (pins)",
    )
    add(
        "--ban",
        type=_entry_arg,
        action="append",
        metavar="FOOD[:MEAL][@DAYS]",
        help="repeatable; a food that must not appear (bans)",
    )
    for name, field in (
        ("exclude", "exclude"),
        ("include", "include"),
        ("pins", "pins"),
        ("bans", "bans"),
    ):
        add(
            f"--no-{name}",
            dest=f"no_{name}",
            action="store_true",
            default=None,
            help=f"clear the request's {field} list",
        )
    add(
        "--no-meals",
        action="store_true",
        default=None,
        help="no meal split: plan each day as one pool of foods (meals=null)",
    )
    add(
        "--mip-gap",
        type=float,
        metavar="GAP",
        help="relative gap at which the solver stops (mip_gap)",
    )


def _add_supplements_file(p: Any) -> None:
    p.add_argument(
        "--supplements-file",
        metavar="PATH",
        help="your own supplements table (a CSV with the columns of "
        "foods/supplements.csv) instead of the bundled one",
    )
    p.add_argument(
        "--life-stage-caps-file",
        metavar="PATH",
        help="your own children's portion caps (a CSV with the columns of "
        "foods/life_stage_caps.csv) instead of the bundled ones",
    )
    p.add_argument(
        "--ul-standins-file",
        metavar="PATH",
        help="your own stand-ins for unmeasured foods under upper limits (a "
        "CSV with the columns of foods/ul_standins.csv) instead of the "
        "bundled ones",
    )


_REGEN_EPILOG = """\
examples:
  mealplan plan --age 35 --sex female --days 3 --format json > plan.json
  mealplan regenerate --plan plan.json --day 2
  mealplan regenerate --plan plan.json --day 1 --meal dinner --reject brown-rice-cooked
  mealplan regenerate --plan plan.json --day 1 --format json > plan2.json

exit status: 0 plan printed, 1 no different day/meal fits, 2 bad input.
"""


def add_regenerate(commands: Any, run: Run) -> None:
    """Add ``mealplan regenerate``, run by ``run``."""
    p = commands.add_parser(
        "regenerate",
        help="re-plan one day or one meal of a saved plan",
        description="Re-plan one day (or one meal of it) of a plan saved as JSON, "
        "keeping the rest unchanged.",
        epilog=_REGEN_EPILOG,
        formatter_class=_formatter,
    )
    p.add_argument(
        "--plan", required=True, metavar="FILE", help="a MealPlan JSON ('-': stdin)"
    )
    p.add_argument("--day", required=True, type=int, help="the day to re-plan, from 1")
    p.add_argument("--meal", help="re-plan only this meal of the day")
    p.add_argument(
        "--reject",
        nargs="+",
        action="extend",
        default=[],
        metavar="ID",
        help="food ids not wanted in the re-planned part",
    )
    _add_supplements_file(p)
    _add_format(p)
    p.set_defaults(run=run)


def _default(field: str) -> Any:
    """Return a PlanRequest field's default, so --help states the real one."""
    return PlanRequest.model_fields[field].default


def _add_taste(p: argparse.ArgumentParser) -> None:
    """Add the personal-taste and meal-structure flags (issue 11)."""
    g = p.add_argument_group("taste and meal structure")
    g.add_argument(
        "--like",
        action="append",
        metavar="FOOD",
        help="repeatable; a food id, a word of food names or a category to favour",
    )
    g.add_argument(
        "--dislike",
        action="append",
        metavar="FOOD",
        help="repeatable; a food id, a word of food names or a category never to plan",
    )
    g.add_argument(
        "--variety-seed",
        type=int,
        metavar="N",
        help="a different, equally good plan per seed (the same seed, the same plan)",
    )
    g.add_argument(
        "--structure",
        action="store_true",
        default=None,
        help="plan meals a person would eat: meal parts, companions, one form of a "
        "base food a day, whole units, portion caps (the default)",
    )
    g.add_argument(
        "--no-structure",
        action="store_true",
        default=None,
        help="drop the meal structure rules (the bare nutrient model)",
    )
