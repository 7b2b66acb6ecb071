"""The pieces every report is made of (:mod:`mealplan._report` and its parts).

Number, amount and portion formatting; the block model (headings,
paragraphs, bullet lists and tables) rendered as aligned text or Markdown,
so both show the same facts; the medical-note footer every text and Markdown
rendering ends with; and the food table a plan is described with.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from mealplan._catalog import FoodTable, load_foods
from mealplan._errors import RequestError
from mealplan._measures import count_text, measure_text, piece_text
from mealplan._models import (
    DISCLAIMER,
    BoundKind,
    MealPlan,
    NutrientStatus,
    NutrientTotal,
    PlanItem,
)
from mealplan._nutrients import Nutrient, unit_label
from mealplan._salt import salt_text
from mealplan._supplements import SUPPLEMENTAL_MAGNESIUM, with_supplements

__all__ = [
    "DOCTOR_ADVICE",
    "MINIMAL_SENTENCE",
    "NAME_WIDTH",
    "Block",
    "Bullets",
    "Heading",
    "Para",
    "Table",
    "amount",
    "clip",
    "fat_amount_text",
    "footer",
    "grams",
    "item_label",
    "money",
    "near_limit_words",
    "number",
    "nutrient_label",
    "plan_table",
    "portions_text",
    "table_text",
    "to_markdown",
    "to_text",
    "unit_label",
    "unplanned_sentence",
]

DOCTOR_ADVICE = (
    'The source article advises: "You should see a doctor if your muscle '
    "twitching is persistent (lasts more than two weeks), severe, or accompanied "
    'by other symptoms like muscle weakness, stiffness, or numbness."'
)
"""The article's own words (its FAQ) on when to see a doctor."""

NAME_WIDTH = 38
"""Widest name column of a clipped table (text output)."""


# ----------------------------------------------------------------- formatting


def number(x: float) -> str:
    """Format an amount with sensible precision (1,695 / 15.1 / 2.40 / 0.50)."""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


NEAR_LIMIT_SHARE = 0.9
"""From this share of a safety limit a met total's status says it is near."""


def near_limit_words(total: NutrientTotal, kind: BoundKind | None) -> str:
    """Return ", near the UL" (or limit) for a met total close to a safety limit.

    The dietitian review of session 34 read copper at 1.00 of a toddler's
    1.00 mg UL and iron at 42.9 of 45 mg as a plain "met": from 90 % of a UL
    or a published safety limit (caffeine's) the status says so. "" else.
    """
    if (
        total.status is not NutrientStatus.MET
        or total.maximum is None
        or total.maximum <= 0
        or kind not in (BoundKind.UL, BoundKind.LIMIT)
        or total.amount < NEAR_LIMIT_SHARE * total.maximum
    ):
        return ""
    return ", near the UL" if kind is BoundKind.UL else ", near the limit"


def amount(x: float, unit: str) -> str:
    """Format an amount with its unit, e.g. ``15.1 µg``."""
    return f"{number(x)} {unit_label(unit)}"


def money(x: float | None) -> str:
    """Format dollars, or an em dash for no price."""
    return "—" if x is None else f"${x:,.2f}"


MINIMAL_SENTENCE = (
    "Each constraint listed is part of the conflict: without any one of them, "
    "the others together have a plan (each was checked); the request may hold "
    "another conflict, so the changes below were re-planned on all of it."
)
"""What ``Diagnosis.minimal`` means, said under the conflicts. It read
"Relaxing any one of these makes a plan possible" above "Lifting the portion
caps alone does not give a plan" (the new-user review of session 31): the set
is irreducible, which is not that each relaxation plans the whole request."""


def unplanned_sentence(
    names: Sequence[str], short: Collection[str] | None = None
) -> str:
    """Return the summary's sentence on minimums a plan was not held to ('' if none).

    A plan whose default RDAs were lifted for time read "Status: feasible."
    alone, its vitamin A at 19 % of a breastfeeding woman's RDA three
    screens below (the dietitian's review of session 30). ``short``: those
    of ``names`` the plan falls short of (None: not known, all are said
    alike); the others are said to be met anyway.
    """
    if not names:
        return ""
    if short is None:
        labels = ", ".join(nutrient_label(n) for n in names)
        return f"Minimums not planned: {labels} (the notes say why; shortfalls below)."
    below = ", ".join(nutrient_label(n) for n in names if n in short)
    met = ", ".join(nutrient_label(n) for n in names if n not in short)
    parts = [f"{below} (short: see below)"] if below else []
    parts += [f"{met} (met anyway)"] if met else []
    return f"Minimums not planned: {'; '.join(parts)}; the notes say why."


def nutrient_label(nutrient: str) -> str:
    """Return a readable nutrient name (``vitamin B12``; ``iron`` for ``iron_mg``)."""
    if nutrient == SUPPLEMENTAL_MAGNESIUM:
        return "magnesium from supplements"
    try:
        return str(Nutrient(nutrient).label)
    except ValueError:
        stem = nutrient.rsplit("_", 1)[0] if "_" in nutrient else nutrient
        return stem.replace("_", " ")


def portions_text(portions: float, description: str) -> str:
    """Return household units: ``1½ cups`` for a measure, ``2 slices`` for a piece.

    A measure's count and number are one amount (``3`` of ``0.5 cup`` is
    ``1½ cups``; a tenth of a cup of oil is ``1.6 tbsp``); pieces are
    counted as said (``1 medium`` for one, ``1½ servings``, ``2 slices (1 oz
    each)``: :func:`~mealplan._measures.piece_text`), and a description too
    long to count that way keeps its count (``½ x 1 slice``,
    ``2 x 1 frankfurter on bun``).
    Teaspoons in eighths read as a cook says them (``⅜ tsp`` of added salt).
    """
    eighths = portions * 8
    if description == "1 tsp" and abs(eighths - round(eighths)) < 1e-6 and eighths >= 1:
        return salt_text(portions)
    return _measured(portions, description)


def _measured(portions: float, description: str) -> str:
    """Return a measure as one amount, else the count of the portion."""
    measured = measure_text(portions, description)
    if measured is not None:
        return measured
    if math.isclose(portions, 1.0):
        return description
    pieces = piece_text(portions, description)
    if pieces is not None:
        return pieces
    return f"{count_text(portions)} x {description}"


def fat_amount_text(portions: float, description: str) -> str:
    """Return a fat's amount as a cook says it: ``1½ tsp``, ``1 tbsp``.

    Under a tablespoon in teaspoons; a fat measured in cups (a caller's own
    table) in spoons too (``1.6 tbsp``, never ``0.1 x cup``).
    """
    words = description.lower()
    if "tbsp" in words or "tablespoon" in words:
        tsp = 3 * portions
        if math.isclose(tsp, 3.0):
            return "1 tbsp"
        whole = math.floor(tsp + 1e-9)
        half = math.isclose(tsp - whole, 0.5, abs_tol=1e-6)
        if half or math.isclose(tsp, whole):
            return f"{whole or ''}{'½' if half else ''} tsp"
    return _measured(portions, description)


def item_label(item: PlanItem) -> str:
    """Return an item's name, or for a cooking fat how it goes with its item.

    A fat that is part of another item of its meal reads as a cook says it:
    ``↳ cooked with 1½ tsp olive oil`` (listed right after that item).
    """
    if item.part_of is None or item.part_as is None:
        return item.name
    amount = (
        salt_text(item.portions)
        if item.kind == "salt"
        else fat_amount_text(item.portions, item.portion_description)
    )
    name = item.name[:1].lower() + item.name[1:]
    return f"↳ {item.part_as} {amount} {name}"


def clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def grams(x: float) -> str:
    """Format grams: whole above 10 g, one decimal below."""
    return f"{x:,.0f} g" if x >= 10 else f"{x:.1f} g"


# ------------------------------------------------------------------ blocks


@dataclass
class Table:
    """A table: ``right`` columns align right; ``clip`` caps text widths."""

    headers: list[str]
    rows: list[list[str]]
    right: set[int] = field(default_factory=set)
    clip: dict[int, int] = field(default_factory=dict)


@dataclass
class Heading:
    """A heading of ``level`` 1 or 2."""

    level: int
    text: str


@dataclass
class Para:
    """A paragraph."""

    text: str


@dataclass
class Bullets:
    """A bullet list."""

    items: list[str]


Block = Table | Heading | Para | Bullets


def _text_table(table: Table) -> list[str]:
    rows = [
        [clip(c, table.clip[k]) if k in table.clip else c for k, c in enumerate(r)]
        for r in table.rows
    ]
    widths = [len(h) for h in table.headers]
    for r in rows:
        for k, c in enumerate(r):
            widths[k] = max(widths[k], len(c))

    def line(cells: Sequence[str]) -> str:
        out = [
            c.rjust(widths[k]) if k in table.right else c.ljust(widths[k])
            for k, c in enumerate(cells)
        ]
        return "  " + "  ".join(out).rstrip()

    rule = "  " + "  ".join("-" * w for w in widths)
    return [line(table.headers), rule, *(line(r) for r in rows)]


def to_text(blocks: Iterable[Block]) -> str:
    """Render blocks as plain text (underlined headings, aligned tables)."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            if out and out[-1] != "":
                out.append("")
            out.append(b.text)
            out.append(("=" if b.level == 1 else "-") * len(b.text))
        elif isinstance(b, Para):
            out.append(b.text)
            out.append("")
        elif isinstance(b, Bullets):
            out.extend(f"  - {item}" for item in b.items)
            out.append("")
        else:
            out.extend(_text_table(b))
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Iterable[Block]) -> str:
    """Render blocks as Markdown (pipe tables)."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Bullets):
            out.append("\n".join(f"- {item}" for item in b.items))
        else:
            head = "| " + " | ".join(_md_cell(h) for h in b.headers) + " |"
            align = (
                "|"
                + "|".join(
                    "---:" if k in b.right else "---" for k in range(len(b.headers))
                )
                + "|"
            )
            rows = ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows]
            out.append("\n".join([head, align, *rows]))
    return "\n\n".join(out) + "\n"


def table_text(table: Table, *, markdown: bool = False) -> str:
    """Render one table as aligned text, or as a Markdown pipe table."""
    return to_markdown([table]) if markdown else to_text([table])


def footer(disclaimer: str = DISCLAIMER) -> list[Block]:
    """Return the medical note every text and Markdown report ends with.

    ``disclaimer``: a plan's own, by life stage (``MealPlan.disclaimer``).
    """
    return [Heading(2, "Medical note"), Para(disclaimer), Para(DOCTOR_ADVICE)]


# ------------------------------------------------------------------ plan table


def plan_table(plan: MealPlan, foods: FoodTable | None) -> FoodTable | None:
    """Return the table to describe ``plan`` with (None: no table knows its foods).

    ``foods`` with the plan's supplements, else the bundled table when it
    knows every food of the plan.
    """
    if foods is not None:
        # A plan with supplements names them: the table gets their rows.
        return with_supplements(foods, plan.request)
    try:
        table = with_supplements(load_foods(dishes=True), plan.request)
    except RequestError:
        return None  # a caller's supplements table: the bundled one lacks them
    # A plan made with a caller's table: the bundled one knows none of its foods.
    if all(item.food_id in table for item in plan.items):
        return table
    return None
