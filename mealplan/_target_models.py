"""The contract's person and nutrient targets.

Who a plan is for (:class:`Person`) and the daily bounds it must meet
(:class:`NutrientTargets`, :class:`NutrientBound`), with a caller's own
overrides of a bound (:class:`BoundOverride`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StrictFloat, field_validator, model_validator

from mealplan._model_base import (
    MAX_BOUNDS,
    MAX_DAILY_AMOUNT,
    MAX_NOTES,
    Note,
    NutrientName,
    _Model,
)
from mealplan._nutrients import Nutrient

_MACROS = (Nutrient.PROTEIN.value, Nutrient.FAT.value, Nutrient.CARBOHYDRATE.value)


class Sex(StrEnum):
    """Sex as used by the DRI tables."""

    FEMALE = "female"
    MALE = "male"


class ActivityLevel(StrEnum):
    """IOM 2005 physical-activity categories used by the EER equations."""

    SEDENTARY = "sedentary"
    LOW_ACTIVE = "low_active"
    ACTIVE = "active"
    VERY_ACTIVE = "very_active"


class Person(_Model):
    """Who the plan is for; selects the DRI row and the energy estimate."""

    age: Annotated[float, Field(strict=True, ge=0, le=120, description="Age in years.")]
    sex: Sex
    pregnancy: bool = False
    trimester: Annotated[int | None, Field(strict=True, ge=1, le=3)] = None
    lactation: bool = False
    weight_kg: Annotated[float | None, Field(strict=True, gt=0, le=400)] = None
    height_cm: Annotated[float | None, Field(strict=True, gt=0, le=260)] = None
    activity: ActivityLevel = ActivityLevel.LOW_ACTIVE

    @model_validator(mode="after")
    def _check_life_stage(self) -> Person:
        if (self.pregnancy or self.lactation) and self.sex is Sex.MALE:
            msg = "pregnancy and lactation apply only to sex 'female'; remove them or set sex"
            raise ValueError(msg)
        if self.pregnancy and self.lactation:
            msg = "choose one of pregnancy or lactation, not both"
            raise ValueError(msg)
        if self.trimester is not None and not self.pregnancy:
            msg = "trimester is only meaningful with pregnancy=true"
            raise ValueError(msg)
        return self


class BoundKind(StrEnum):
    """Where a bound comes from."""

    RDA = "RDA"
    AI = "AI"
    UL = "UL"
    CDRR = "CDRR"
    """Chronic-disease risk reduction intake (sodium, NASEM 2019)."""
    EER = "EER"
    AMDR = "AMDR"
    GUIDELINE = "guideline"
    LIMIT = "limit"
    """A published safety limit that is not a DRI (caffeine: FDA, ACOG, EFSA,
    Health Canada); like a UL, a diagnosis never suggests raising it."""
    USER = "user"


class NutrientBound(_Model):
    """Daily lower and/or upper bound on one nutrient column."""

    nutrient: NutrientName
    unit: Annotated[str, Field(max_length=16)]
    minimum: Annotated[float | None, Field(strict=True, ge=0, le=MAX_DAILY_AMOUNT)] = (
        None
    )
    maximum: Annotated[float | None, Field(strict=True, ge=0, le=MAX_DAILY_AMOUNT)] = (
        None
    )
    minimum_kind: BoundKind | None = None
    maximum_kind: BoundKind | None = None
    source: Note = ""

    @model_validator(mode="after")
    def _check_order(self) -> NutrientBound:
        if self.minimum is None and self.maximum is None:
            msg = f"bound on {self.nutrient!r} needs a minimum or a maximum"
            raise ValueError(msg)
        if (
            self.minimum is not None
            and self.maximum is not None
            and self.minimum > self.maximum
        ):
            msg = (
                f"bound on {self.nutrient!r}: minimum {self.minimum} is above "
                f"maximum {self.maximum}"
            )
            raise ValueError(msg)
        return self


class NutrientTargets(_Model):
    """Daily targets: one bound per nutrient, plus macronutrient energy shares."""

    bounds: Annotated[list[NutrientBound], Field(max_length=MAX_BOUNDS)]
    macro_shares: dict[str, tuple[StrictFloat, StrictFloat]] | None = Field(
        default=None,
        description=(
            "AMDR share of energy per macronutrient column, e.g. "
            "{'protein_g': (0.10, 0.35)}; None switches the shares off."
        ),
    )
    energy_estimated: bool = False
    notes: Annotated[list[Note], Field(max_length=MAX_NOTES)] = Field(
        default_factory=list
    )

    @field_validator("macro_shares")
    @classmethod
    def _shares(
        cls, shares: dict[str, tuple[float, float]] | None
    ) -> dict[str, tuple[float, float]] | None:
        for name, (lo, hi) in (shares or {}).items():
            if name not in _MACROS:
                msg = (
                    f"macro_shares key {name[:40]!r} is not a macronutrient; use "
                    f"{', '.join(_MACROS)}"
                )
                raise ValueError(msg)
            if not 0 <= lo <= hi <= 1:
                msg = (
                    f"macro_shares[{name!r}] must be (low, high) with "
                    f"0 <= low <= high <= 1 (got ({lo}, {hi}))"
                )
                raise ValueError(msg)
        return shares

    @field_validator("bounds")
    @classmethod
    def _unique(cls, bounds: list[NutrientBound]) -> list[NutrientBound]:
        seen: set[str] = set()
        for b in bounds:
            if b.nutrient in seen:
                msg = f"nutrient {b.nutrient!r} has more than one bound; merge them"
                raise ValueError(msg)
            seen.add(b.nutrient)
        return bounds

    def get(self, nutrient: str) -> NutrientBound | None:
        """Return the bound on ``nutrient``, or None."""
        for b in self.bounds:
            if b.nutrient == nutrient:
                return b
        return None


class BoundOverride(_Model):
    """A caller's own bound on a nutrient; None leaves that side as it was."""

    minimum: Annotated[float | None, Field(strict=True, ge=0, le=MAX_DAILY_AMOUNT)] = (
        None
    )
    maximum: Annotated[float | None, Field(strict=True, ge=0, le=MAX_DAILY_AMOUNT)] = (
        None
    )
    remove: bool = Field(default=False, description="Drop the bound altogether.")
