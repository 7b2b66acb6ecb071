"""The whole DRI panel added to a person's targets, and the notes that say how.

:func:`add_panel` adds the panel's bounds for the resolved ``panel`` mode
(:mod:`mealplan._panel` reads them from ``dri_full.csv``), the fiber
ceiling, and under ``full`` the sodium AI as a floor; the notes name the mode
planned and, for the default ``auto``, which AIs it plans and which it only
reports, and why (each measured in ``benchmarks/ai_floors_latest.md``).
"""

from __future__ import annotations

from mealplan._life_stage_advice import older_adult_note, prenatal_note
from mealplan._models import BoundKind, NutrientBound, Person
from mealplan._nutrients import Nutrient, PanelMode
from mealplan._panel import (
    AUTO_AI_CHECKED,
    AUTO_AI_FROM_AGE,
    AUTO_AI_PLANNED,
    MATERNAL_NOTE,
    MATERNAL_PLANNED,
    ai_only,
    fiber_ceiling,
    not_in_table,
    panel_bounds,
    sodium_floor,
)

__all__ = ["add_panel", "panel_note"]


def add_panel(
    found: dict[Nutrient, NutrientBound | None],
    person: Person,
    notes: list[str],
    *,
    mode: PanelMode,
    auto: bool = False,
    budgeted: bool = False,
) -> None:
    """Add the panel bounds, the fiber ceiling and the sodium floor to ``found``.

    ``mode`` is the resolved mode; ``auto`` says it came from ``auto`` (and
    ``budgeted`` that the request has a budget or the cost objective, whose
    RDAs the planner may lift), so the note names the mode planned and why.
    """
    minimums = mode in (PanelMode.FULL, PanelMode.RDA)
    # 'auto': 'rda' from age 1; from age 4 also the AIs that cost little to
    # plan, and in pregnancy and lactation choline's AI too (at ages 1-3 the
    # AIs are reported: AUTO_AI_FROM_AGE).
    toddler = auto and mode is PanelMode.RDA and person.age < AUTO_AI_FROM_AGE
    pregnant = auto and mode is PanelMode.RDA and (person.pregnancy or person.lactation)
    planned: tuple[Nutrient, ...] = ()
    if auto and mode is PanelMode.RDA and not toddler:
        planned = (*AUTO_AI_PLANNED, *(MATERNAL_PLANNED if pregnant else ()))
    for bound in panel_bounds(
        person,
        notes,
        minimums=minimums,
        ai_minimums=mode is PanelMode.FULL,
        planned=planned,
    ):
        found[Nutrient(bound.nutrient)] = bound
    notes.append(panel_note(mode, auto=auto, budgeted=budgeted, toddler=toddler))
    if mode is PanelMode.LIMITS:
        notes.append(
            "panel minimums (iron, zinc, folate, choline and the rest) are reported, "
            "not planned; set panel to 'rda' or 'full' to plan against them"
        )
    elif mode is PanelMode.RDA:
        if pregnant:
            notes.append(MATERNAL_NOTE)
        # Vitamin K's and choline's AIs are planned too from age 4, by
        # checking the plan (mealplan._checked_floors); choline's is a floor
        # from the start in pregnancy and lactation.
        checked = AUTO_AI_CHECKED if auto and not toddler else ()
        notes.append(_rda_note(person, (*planned, *checked)))
    notes.extend(not_in_table(person))
    notes.extend(prenatal_note(person))
    notes.extend(older_adult_note(person))
    full = mode is PanelMode.FULL
    fiber = found.get(Nutrient.FIBER)
    # The fiber ceiling is planned in every panel mode: reported only, the
    # example week reached 68 g against 57 g. The sodium floor stays with the
    # full panel: with the default limits it made an 8 s vegetarian week miss
    # its start on a loaded machine (measured); reports call it out instead.
    if fiber is not None and fiber.minimum is not None:
        energy = found.get(Nutrient.ENERGY)
        kcal = energy.minimum if energy is not None else None
        ceiling, why = fiber_ceiling(person, fiber.minimum, kcal)
        found[Nutrient.FIBER] = fiber.model_copy(
            update={
                "maximum": ceiling,
                "maximum_kind": BoundKind.GUIDELINE,
                "source": f"{fiber.source}; maximum {ceiling:g} g/day: {why}",
            }
        )
    sodium = found.get(Nutrient.SODIUM)
    floor = sodium_floor(person)
    if full and sodium is not None and floor is not None:
        value, why = floor
        if sodium.maximum is not None and value > sodium.maximum:
            value = sodium.maximum
        found[Nutrient.SODIUM] = sodium.model_copy(
            update={
                "minimum": value,
                "minimum_kind": BoundKind.AI,
                "source": f"{sodium.source}; {why}",
            }
        )


def _rda_note(person: Person, planned: tuple[Nutrient, ...]) -> str:
    """Say which AIs a plan of the RDAs plans too, and which it only reports."""
    extra = {n.label for n in planned}
    ais = ai_only(person)
    also = [n for n in ais if n in extra]
    reported = [n for n in ais if n not in extra]
    head = "panel RDAs are planned"
    if also:
        head += (
            f", and the AIs of {', '.join(also)} (the default 'auto', which lifts "
            "them with a note when no plan meets them)"
        )
    rest = (
        f"{', '.join(reported)} and the sodium AI are"
        if reported
        else ("the sodium AI is")
    )
    # Why 'auto' leaves them reported, in the reader's terms; the measured
    # cost (1.9x the CPU for choline's AI or the sodium floor, 1.4x for the
    # sodium floor alone, a stalled day for vitamin K) is in
    # benchmarks/ai_floors_latest.md, which a user's install does not have.
    them = "them" if reported else "it"
    why = f"; planning {them} by default made many plans much slower" if also else ""
    return (
        f"{head}; {rest} reported, not planned (an intake below an AI "
        f"cannot be judged inadequate, IOM 2000{why}); set panel to 'full' to plan "
        f"{them} too"
    )


def panel_note(
    mode: PanelMode, *, auto: bool, budgeted: bool = False, toddler: bool = False
) -> str:
    """Return the note naming the panel mode planned (and, from ``auto``, why).

    ``toddler``: ``auto`` at ages 1-3, which plans the RDAs without the AIs.
    """
    note = f"panel planned: '{mode.value}'"
    if not auto:
        return note
    # Under a budget the planner lifts these floors when the budget cannot
    # meet them all (a $3-4 day under hard RDAs ran to the 10 s clock:
    # benchmarks/panel_auto_latest.md), so the note says so up front.
    lifted = (
        "; with a daily budget or the cost objective they are planned where "
        "the budget allows, and lifted with a note naming them when no plan "
        "within it meets them all"
        if budgeted
        else ""
    )
    if mode is PanelMode.RDA and toddler:
        return (
            f"{note} (the default 'auto' plans the RDAs from age 1; at ages "
            "1-3 the AIs are reported and shortfalls called out, not planned: "
            "planning them beside the RDAs made toddler plans twice as slow"
            f"{lifted})"
        )
    if mode is PanelMode.RDA:
        # The AIs it plans are named once, in the panel RDA note beside this.
        return (
            f"{note} (the default 'auto' plans the RDAs from age 1, and from "
            f"age 4 some AIs, named below{lifted})"
        )
    # Below age 1 (targets only: the planner refuses infants a plan).
    return f"{note} (the default 'auto' under age 1{lifted})"
