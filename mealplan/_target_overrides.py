"""A caller's own bounds merged into the targets (``PlanRequest.bounds``).

Each override replaces the side(s) it gives and leaves the other as it was;
an unknown nutrient is an error with the closest known name.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from mealplan._errors import RequestError, UnknownNutrientError
from mealplan._models import BoundKind, BoundOverride, NutrientBound, NutrientTargets
from mealplan._nutrients import Nutrient

__all__ = ["apply_overrides"]


def apply_overrides(
    targets: NutrientTargets,
    overrides: Mapping[str, BoundOverride],
    *,
    known_nutrients: Mapping[str, str],
) -> NutrientTargets:
    """Return ``targets`` with the caller's own bounds merged in.

    Each override replaces the side(s) it gives (kind USER, source "caller")
    and leaves the other side as it was; ``remove=True`` drops the bound. A
    nutrient without a bound gets a new one, with its unit from
    ``known_nutrients``.

    Args:
        targets: Targets, e.g. from :func:`targets_for`.
        overrides: Nutrient column -> override.
        known_nutrients: Every nutrient column of the food table -> its unit
            (custom columns included).

    Returns:
        New targets; ``energy_estimated`` stays True only while a side of the
        energy bound still comes from the EER.

    Raises:
        UnknownNutrientError: An override names a column that is not in
            ``known_nutrients``.
        RequestError: An override both removes and sets a bound, or leaves a
            minimum above its maximum.

    """
    bounds: dict[str, NutrientBound] = {b.nutrient: b for b in targets.bounds}
    for name, override in overrides.items():
        if name not in known_nutrients:
            close = difflib.get_close_matches(name, list(known_nutrients), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else (f"choose one of {sorted(known_nutrients)}.")
            )
            msg = f"Cannot set a bound on {name!r}: it is not a nutrient column; {hint}"
            raise UnknownNutrientError(msg, nutrient=name)
        has_side = override.minimum is not None or override.maximum is not None
        if override.remove:
            if has_side:
                msg = (
                    f"The override for {name!r} both removes the bound and sets "
                    "a minimum or maximum; give one or the other."
                )
                raise RequestError(msg, [{"loc": f"bounds.{name}", "msg": msg}])
            bounds.pop(name, None)
            continue
        if not has_side:
            continue
        bounds[name] = _merge(bounds.get(name), name, override, known_nutrients[name])
    order = [b.nutrient for b in targets.bounds]
    merged = [bounds[n] for n in order if n in bounds]
    merged += [b for n, b in bounds.items() if n not in order]
    energy = bounds.get(Nutrient.ENERGY.value)
    estimated = energy is not None and BoundKind.EER in (
        energy.minimum_kind,
        energy.maximum_kind,
    )
    return targets.model_copy(update={"bounds": merged, "energy_estimated": estimated})


def _merge(
    old: NutrientBound | None, name: str, override: BoundOverride, unit: str
) -> NutrientBound:
    minimum, minimum_kind = (
        (override.minimum, BoundKind.USER)
        if override.minimum is not None
        else ((old.minimum, old.minimum_kind) if old else (None, None))
    )
    maximum, maximum_kind = (
        (override.maximum, BoundKind.USER)
        if override.maximum is not None
        else ((old.maximum, old.maximum_kind) if old else (None, None))
    )
    if minimum is not None and maximum is not None and minimum > maximum:
        msg = (
            f"The bound on {name!r} would have minimum {minimum:g} above maximum "
            f"{maximum:g} after the override; lower the minimum or raise the "
            "maximum (an override may give both)."
        )
        raise RequestError(msg, [{"loc": f"bounds.{name}", "msg": msg}])
    if old is None or (override.minimum is not None and override.maximum is not None):
        source = "caller"
    else:
        side = "minimum" if override.minimum is not None else "maximum"
        source = f"{side}: caller; {old.source}" if old.source else f"{side}: caller"
    return NutrientBound(
        nutrient=name,
        unit=old.unit if old else unit,
        minimum=minimum,
        maximum=maximum,
        minimum_kind=minimum_kind,
        maximum_kind=maximum_kind,
        source=source,
    )
