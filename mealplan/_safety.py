"""Life-stage food safety: which foods a person's life stage rules out.

The rules are reviewed data, ``foods/safety_rules.csv``: one row per rule
with the life stages it protects, the food categories and words it matches,
the words that exempt a food, explicit food ids, the reason in words and the
published source. This module only applies them, conservatively: a rule's
words are matched against every text the table holds about a food (name,
SR28 or FNDDS description), and its categories against the food's category
*and* its SR28 food group, so a food matched by either is left out. A rule
whose ``ingredients`` column says so also reads what a dish is made with
(its USDA recipe's SR28 ingredients: :mod:`mealplan._safety_recipes`).

Life stages (a person can be in several):

* ``under_2``: age 1 (whole milk until 2: AAP, Healthy Eating Research 2019);
* ``toddler``: ages 1-3 (the DRI group; choking hazards, AAP/CDC);
* ``under_5``: ages 1-4 (a higher-risk group for food-borne illness,
  foodsafety.gov);
* ``child``: ages 1-11 (the FDA/EPA fish advice covers children 1-11);
* ``under_19``: ages 1-18 (children and teens: the American Heart
  Association's limit on sugar-sweetened drinks, one 8-oz drink a week);
* ``under_21``: ages 1-20 (the US legal drinking age);
* ``pregnancy`` and ``lactation``;
* ``over_65``: ages 65 and up (a higher-risk group for food-borne illness,
  Listeria above all: foodsafety.gov, CDC).

Infants under 12 months are refused outright (:class:`LifeStageError`): they
need breast milk or formula and a paediatrician's guidance. A request that
gives explicit targets and no person has no known life stage, so no rule
applies to it (the plan notes say so).
"""

from __future__ import annotations

import csv
import dataclasses
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._caffeine import caffeine_limit, unmeasured_caffeine
from mealplan._errors import FoodTableError, LifeStageError, UnsafeFoodError
from mealplan._exclusions import words_mask
from mealplan._fped import ADDED_SUGARS, dish_equivalents
from mealplan._nutrients import Nutrient
from mealplan._resources import data_file
from mealplan._safety_recipes import Ingredient, is_cooked_dish, recipe_ingredients

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from mealplan._catalog import FoodTable
    from mealplan._models import Person, PlanRequest

__all__ = [
    "LIFE_STAGES",
    "SAFETY_RULES_FILE",
    "SafetyRule",
    "check_person",
    "life_stages",
    "load_safety_rules",
    "read_safety_rules",
    "safety_filter",
    "unsafe_foods",
]

SAFETY_RULES_FILE = "safety_rules.csv"
"""Name of the bundled rules table in ``foods/``."""

LIFE_STAGES: dict[str, str] = {
    "under_2": "children under 2",
    "toddler": "children aged 1-3",
    "under_5": "children under 5",
    "child": "children aged 1-11",
    "under_19": "children and teens under 19",
    "under_21": "people under 21 (the US legal drinking age)",
    "pregnancy": "pregnancy",
    "lactation": "lactation",
    "over_65": "adults 65 and older",
}
"""Every life stage a rule may name, with the words reports use for it."""

_COLUMNS = (
    "rule",
    "life_stages",
    "categories",
    "pattern",
    "unless",
    "ids",
    "reason",
    "source",
)
# The optional last columns: a caller's rules table without them reads as before.
_INGREDIENTS_COLUMN = "ingredients"
_INGREDIENTS_VALUES = frozenset({"", "all", "uncooked"})
_ADDED_SUGARS_COLUMN = "added_sugars"
_TEXT_COLUMNS = ("name", "sr28_description", "fndds_description", "description")

# SR28 food groups -> the table's categories, so a food whose category is
# missing or named differently (a caller's table, a dish) still meets the
# category rules through its food group.
_GROUP_CATEGORIES: dict[str, str] = {
    "finfish and shellfish products": "fish_seafood",
    "beef products": "meat",
    "pork products": "meat",
    "lamb, veal, and game products": "meat",
    "sausages and luncheon meats": "meat",
    "poultry products": "poultry",
    "nut and seed products": "nuts_seeds",
    "vegetables and vegetable products": "vegetables",
    "fruits and fruit juices": "fruits",
}


@dataclass(frozen=True, slots=True)
class SafetyRule:
    """One row of ``safety_rules.csv``.

    A food breaks the rule when its id is in ``ids``, or when it is in one of
    ``categories`` (any food, if empty) and its text matches ``pattern``
    (always, if empty), and its text does not match ``unless``.

    Attributes:
        rule: Short id, e.g. ``"high_mercury_fish"``.
        life_stages: The stages it protects (keys of :data:`LIFE_STAGES`).
        categories: Food categories it covers; empty for every category.
        pattern: Case-insensitive regular expression on the food's texts.
        unless: Regular expression that exempts a matched food.
        ids: Food ids it always covers.
        reason: What is wrong with such a food, completing "<food> ...".
        source: The published guidance it follows.
        ingredients: ``all``, ``uncooked`` or empty (see the attribute).

    """

    rule: str
    life_stages: frozenset[str]
    categories: frozenset[str]
    pattern: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    ids: frozenset[str]
    reason: str
    source: str
    ingredients: str = ""
    """Whether it also reads a dish's recipe ingredients: ``all``,
    ``uncooked`` (unless the dish is cooked), or empty: the dish's own texts
    only (:mod:`mealplan._safety_recipes`)."""
    added_sugars: float | None = None
    """A dish whose USDA FPED added sugars (tsp-eq per 100 g) are above this
    breaks the rule whatever its name says; None: no such test. Only dishes
    (foods with an FNDDS code in ``foods/dish_fped.csv``) have the number."""

    def matches(
        self,
        food_id: str,
        categories: Iterable[str],
        text: str,
        added_sugars: float | None = None,
    ) -> bool:
        """Return whether a food (its id, categories and lowercased text) breaks it.

        ``added_sugars``: the food's FPED added sugars per 100 g, when known.
        """
        if food_id in self.ids:
            return True
        if (
            self.added_sugars is not None
            and added_sugars is not None
            and added_sugars > self.added_sugars
        ):
            return True
        if not (self.categories or self.pattern):
            return False
        if self.categories and not (self.categories & set(categories)):
            return False
        if self.pattern is not None and not self.pattern.search(text):
            return False
        return not (self.unless is not None and self.unless.search(text))


def read_safety_rules(path: Path) -> tuple[SafetyRule, ...]:
    """Read and check a rules table laid out like ``safety_rules.csv``.

    Raises:
        FoodTableError: The file is missing, or a header, life stage or
            regular expression is malformed.

    """
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"The safety rules {where} cannot be read ({exc.strerror}); reinstall mealplan."
        raise FoodTableError(msg, path=where) from exc
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) not in (
        _COLUMNS,
        (*_COLUMNS, _INGREDIENTS_COLUMN),
        (*_COLUMNS, _INGREDIENTS_COLUMN, _ADDED_SUGARS_COLUMN),
    ):
        msg = (
            f"The safety rules {where} have columns {reader.fieldnames}, expected "
            f"{list(_COLUMNS)} (and optionally {_INGREDIENTS_COLUMN!r}, then "
            f"{_ADDED_SUGARS_COLUMN!r}); restore the file from the mealplan "
            "repository."
        )
        raise FoodTableError(msg, path=where)
    rules = [_parse(raw, where, n) for n, raw in enumerate(reader, start=1)]
    if not rules:
        msg = f"The safety rules {where} have no rows; restore the file."
        raise FoodTableError(msg, path=where)
    return tuple(rules)


def _parse(raw: dict[str, str], where: str, row: int) -> SafetyRule:
    def bad(column: str, expected: str) -> FoodTableError:
        msg = (
            f"The safety rules {where}, row {row}, column {column!r} hold "
            f"{raw.get(column)!r}; expected {expected}."
        )
        return FoodTableError(msg, path=where, row=row, column=column)

    def split(column: str) -> frozenset[str]:
        return frozenset(s.strip() for s in (raw[column] or "").split(";") if s.strip())

    def regex(column: str) -> re.Pattern[str] | None:
        text = (raw[column] or "").strip()
        if not text:
            return None
        try:
            return re.compile(text, re.IGNORECASE)
        except re.error:
            raise bad(column, "a valid regular expression") from None

    stages = split("life_stages")
    column, expected = "life_stages", f"a ';' list of {sorted(LIFE_STAGES)}"
    if not stages or not stages <= set(LIFE_STAGES):
        raise bad(column, expected)
    sugars_text = (raw.get(_ADDED_SUGARS_COLUMN) or "").strip()
    try:
        sugars = float(sugars_text) if sugars_text else None
    except ValueError:
        sugars = -1.0
    if sugars is not None and not 0 <= sugars < float("inf"):
        raise bad(
            _ADDED_SUGARS_COLUMN, "empty or a number of tsp-eq per 100 g, 0 or more"
        )
    rule = SafetyRule(
        rule=(raw["rule"] or "").strip(),
        life_stages=stages,
        categories=split("categories"),
        pattern=regex("pattern"),
        unless=regex("unless"),
        ids=split("ids"),
        reason=(raw["reason"] or "").strip(),
        source=(raw["source"] or "").strip(),
        ingredients=(raw.get(_INGREDIENTS_COLUMN) or "").strip().lower(),
        added_sugars=sugars,
    )
    problem: tuple[str, str] | None = None
    if rule.ingredients not in _INGREDIENTS_VALUES:
        problem = (_INGREDIENTS_COLUMN, "'all', 'uncooked' or empty")
    elif not rule.rule:
        problem = ("rule", "a rule id")
    elif not (rule.categories or rule.pattern or rule.ids or sugars is not None):
        problem = ("pattern", "a pattern, categories or ids")
    elif not rule.reason or not rule.source:
        problem = ("source", "a reason and a source on every rule")
    if problem is not None:
        raise bad(*problem)
    return rule


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[SafetyRule, ...]:
    return read_safety_rules(Path(path))


def load_safety_rules() -> tuple[SafetyRule, ...]:
    """Return the bundled rules (``foods/safety_rules.csv``), read once."""
    return _load(str(data_file(SAFETY_RULES_FILE)))


def life_stages(person: Person | None) -> frozenset[str]:
    """Return the life stages of :data:`LIFE_STAGES` that ``person`` is in."""
    if person is None:
        return frozenset()
    stages: set[str] = set()
    if 1 <= person.age < 2:
        stages.add("under_2")
    if 1 <= person.age < 4:
        stages.add("toddler")
    if 1 <= person.age < 5:
        stages.add("under_5")
    if 1 <= person.age < 12:
        stages.add("child")
    if 1 <= person.age < 19:
        # Sugar-sweetened drinks: the AHA's statement covers ages 2-18 and
        # the under-5 beverage guidance the youngest; one band from 1 to 18.
        stages.add("under_19")
    if 1 <= person.age < 21:
        # Alcohol: the Dietary Guidelines 2020-2025 say those under the legal
        # drinking age (21 in the US) should not drink; no DRI life stage
        # covers 12-20, so this band is its own.
        stages.add("under_21")
    if person.pregnancy:
        stages.add("pregnancy")
    if person.lactation:
        stages.add("lactation")
    if person.age >= 65:
        # Older adults: the same foods as in pregnancy, Listeria's above all
        # (foodsafety.gov, People at Risk: Older Adults; CDC, Listeria).
        stages.add("over_65")
    return frozenset(stages)


def check_person(person: Person | None) -> None:
    """Refuse a person the planner cannot plan for safely.

    Raises:
        LifeStageError: The person is under 12 months old.

    """
    if person is not None and person.age < 1:
        msg = (
            f"mealplan does not plan meals for infants under 12 months (age "
            f"{person.age:g} years): infants need breast milk or formula and a "
            "paediatrician's guidance on complementary foods, so give an age of "
            "1 year or more."
        )
        raise LifeStageError(msg, [{"loc": "person.age", "msg": msg}])


_Matches = dict[str, tuple[tuple[str, SafetyRule], ...]]
_CACHE: weakref.WeakKeyDictionary[FoodTable, _Matches] = weakref.WeakKeyDictionary()


def _food_texts(table: FoodTable) -> list[str]:
    columns = [table.texts(c) for c in _TEXT_COLUMNS if table.has_column(c)]
    return [" | ".join(parts).lower() for parts in zip(*columns, strict=True)]


def _food_categories(table: FoodTable) -> list[frozenset[str]]:
    cats = table.texts("category")
    groups = table.texts("food_group")
    return [
        frozenset(
            {c.strip().lower(), _GROUP_CATEGORIES.get(g.strip().lower(), "")} - {""}
        )
        for c, g in zip(cats, groups, strict=True)
    ]


def _all_matches(
    table: FoodTable, rules: Sequence[SafetyRule]
) -> dict[str, list[SafetyRule]]:
    found: dict[str, list[SafetyRule]] = {}
    order = {r.rule: k for k, r in enumerate(rules)}
    texts = _food_texts(table)
    cats = _food_categories(table)
    sugars = _added_sugars(table)
    recipes = recipe_ingredients()
    reading = [r for r in rules if r.ingredients]
    # An ingredient's rules, once: the same SR28 records recur across dishes.
    broken: dict[Ingredient, tuple[SafetyRule, ...]] = {}
    for food_id, text, categories, added in zip(
        table.ids, texts, cats, sugars, strict=True
    ):
        hits = [r for r in rules if r.matches(food_id, categories, text, added)]
        recipe = recipes.get(food_id, ())
        if recipe and reading:
            # What the dish is made with (mealplan._safety_recipes).
            cooked = is_cooked_dish(text)
            for ing in recipe:
                if ing not in broken:
                    broken[ing] = _broken_by(ing, reading)
                for rule in broken[ing]:
                    if cooked and rule.ingredients == "uncooked":
                        continue
                    if any(h.rule == rule.rule for h in hits):
                        continue  # named already (its own text, an earlier ingredient)
                    reason = (
                        f"is made with {ing.description} (its USDA recipe), "
                        f"which {rule.reason}"
                    )
                    hits.append(dataclasses.replace(rule, reason=reason))
        if hits:
            found[food_id] = sorted(hits, key=lambda r: order[r.rule])
    return found


def _added_sugars(table: FoodTable) -> list[float | None]:
    """Each food's FPED added sugars per 100 g (None: not a bundled dish)."""
    if not table.has_column("fndds_code"):
        return [None] * len(table.ids)
    out: list[float | None] = []
    for code in table.texts("fndds_code"):
        found = dish_equivalents(code.strip()) if code.strip() else None
        out.append(None if found is None else found.get(ADDED_SUGARS))
    return out


def _broken_by(ing: Ingredient, rules: Sequence[SafetyRule]) -> tuple[SafetyRule, ...]:
    """Return the rules a recipe ingredient breaks (its category from its food group)."""
    group = _GROUP_CATEGORIES.get(ing.food_group, "")
    categories = frozenset({group} - {""})
    return tuple(r for r in rules if r.matches("", categories, ing.text))


def unsafe_foods(
    table: FoodTable,
    stages: Iterable[str],
    rules: Sequence[SafetyRule] | None = None,
) -> dict[str, SafetyRule]:
    """Return the foods of ``table`` that a rule for any of ``stages`` rules out.

    Args:
        table: The food table.
        stages: Life stages (keys of :data:`LIFE_STAGES`), e.g. from
            :func:`life_stages`.
        rules: The rules; the bundled ones when None.

    Returns:
        Food id -> the first rule (in file order) it breaks, for the given
        stages; foods that break none are absent.

    """
    wanted = frozenset(stages)
    if not wanted:
        return {}
    if rules is None:
        bundled = load_safety_rules()
        matches = _CACHE.get(table)
        if matches is None:
            raw = _all_matches(table, bundled)
            matches = {
                fid: tuple((s, r) for r in hits for s in sorted(r.life_stages))
                for fid, hits in raw.items()
            }
            _CACHE[table] = matches
    else:
        raw = _all_matches(table, rules)
        matches = {
            fid: tuple((s, r) for r in hits for s in sorted(r.life_stages))
            for fid, hits in raw.items()
        }
    out: dict[str, SafetyRule] = {}
    for fid, pairs in matches.items():
        for stage, rule in pairs:
            if stage in wanted:
                out[fid] = rule
                break
    return out


def _stage_words(rule: SafetyRule, stages: frozenset[str]) -> str:
    hit = sorted(rule.life_stages & stages, key=list(LIFE_STAGES).index)
    return " and ".join(LIFE_STAGES[s] for s in hit)


def safety_filter(request: PlanRequest, table: FoodTable) -> frozenset[str]:
    """Return the foods the request's life stage and ``free_from`` rule out.

    This is the planner's hook: these foods are never candidates, and no
    diagnosis relaxes them.

    Raises:
        LifeStageError: The person is under 12 months old.
        UnsafeFoodError: A food in ``include`` or a pin breaks a safety rule
            for the person's life stage; it is never planned silently.

    """
    check_person(request.person)
    stages = life_stages(request.person)
    unsafe = unsafe_foods(table, stages)
    named = [("include", f) for f in request.include]
    named += [("pins", p.food) for p in request.pins]
    needs: dict[str, set[str]] = {n.value: set() for n in request.free_from}
    for need, found in needs.items():
        mask = words_mask(table, need)
        found.update(f for f, m in zip(table.ids, mask.tolist(), strict=True) if m)
    unmeasured = _unmeasured_caffeine(request.person, table)
    for where, food in named:
        if food in unmeasured:
            msg = (
                f"{food!r} in {where} names a caffeine source but has no caffeine "
                "value in the food table, so the person's caffeine limit could "
                f"not be kept; give its {Nutrient.CAFFEINE.value} or remove it "
                f"from {where}."
            )
            raise UnsafeFoodError(
                msg, [{"loc": where, "msg": msg}], food=food, rule="unmeasured_caffeine"
            )
        for need, found in needs.items():
            if food in found:
                msg = (
                    f"{food!r} in {where} may contain {need}, which free_from "
                    f"rules out; remove it from {where} or drop {need!r} from "
                    "free_from."
                )
                raise UnsafeFoodError(
                    msg, [{"loc": where, "msg": msg}], food=food, rule=need
                )
        rule = unsafe.get(food)
        if rule is None:
            continue
        msg = (
            f"{food!r} in {where} is not safe for {_stage_words(rule, stages)}: it "
            f"{rule.reason} ({rule.source}); remove it from {where}."
        )
        raise UnsafeFoodError(
            msg, [{"loc": where, "msg": msg}], food=food, rule=rule.rule
        )
    return frozenset(unsafe).union(unmeasured, *needs.values())


def _unmeasured_caffeine(person: Person | None, table: FoodTable) -> frozenset[str]:
    # Only a person has a caffeine limit; explicit targets without one plan
    # whatever the caller's bounds say.
    if person is None or caffeine_limit(person) is None:
        return frozenset()
    return frozenset(unmeasured_caffeine(table))
