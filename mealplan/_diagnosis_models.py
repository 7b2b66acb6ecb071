"""The contract's diagnosis: why no plan exists and what would give one.

:class:`Diagnosis` (exit status 1, ``InfeasiblePlanError``): the conflicting
constraints, the suggested changes as JSON merge patches, and the life-stage
safety rules that take part.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mealplan._model_base import SCHEMA_VERSION, _Model


class Conflict(_Model):
    """One of the request's constraints that belongs to an infeasible set."""

    constraint: str = Field(
        description="Stable name, e.g. 'min:vitamin_b12_ug' or 'diet'."
    )
    description: str
    relaxation: str = Field(description="What relaxing it would take, in words.")
    proven: bool = Field(
        default=True,
        description="True when dropping this constraint was checked to make the "
        "request feasible; false when the time limit left that unchecked, so it is "
        "only assumed to be part of the conflict.",
    )


class Suggestion(_Model):
    """One change to the request that makes the whole request plannable.

    ``patch`` is a JSON merge patch (RFC 7386) to the request JSON: merging it
    into the request applies the change, so an app can offer it as a button.
    """

    constraints: list[str] = Field(
        description="The conflict groups the change relaxes, e.g. ['budget']."
    )
    description: str = Field(description="The change, in the user's terms.")
    field: str = Field(
        description="The request field(s) it changes, e.g. 'budget_per_day' or "
        "'bounds.vitamin_b12_ug.minimum'."
    )
    flag: str = Field(
        description="The command-line flags that apply it, added to the "
        "'mealplan plan' command (a list flag such as --exclude gives the whole "
        "new list and replaces that flag's earlier values); empty when no flag can."
    )
    patch: dict[str, Any] = Field(
        description="JSON merge patch (RFC 7386) to the request that applies it."
    )
    size: float = Field(
        ge=0,
        description="How large a change it asks (relative; the advice is sorted by it).",
    )
    verified: bool = Field(
        description="True when the request with the patch applied was planned "
        "(so it is feasible); false when the time limit ran out first."
    )
    smallest: bool = Field(
        default=True,
        description="False when the time limit stopped the search for a smaller change.",
    )


class SafetyConflict(_Model):
    """A life-stage food-safety rule that takes part in a conflict.

    The rule leaves out foods that, allowed back with only the conflicting
    constraints in place, would give a plan; the rule itself is never relaxed.
    """

    rule: str = Field(description="The rule's id in foods/safety_rules.csv.")
    life_stages: list[str] = Field(
        description="The person's life stages the rule protects, e.g. ['pregnancy']."
    )
    foods: list[str] = Field(
        description="Food ids the rule leaves out that would meet the conflict."
    )
    reason: str = Field(description="Why the rule leaves them out, in words.")
    source: str = Field(description="The published guidance the rule follows.")


class Diagnosis(_Model):
    """Why no plan exists: a smallest set of the request's constraints in conflict."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    message: str
    conflicts: list[Conflict]
    minimal: bool = Field(
        description="True when the conflicts were checked to be irreducible: "
        "without any one of them, the others together have a plan. The request "
        "may hold another conflict; the suggestions say what gives a plan."
    )
    suggestions: list[Suggestion] = Field(
        default_factory=list,
        description="Changes to the request that give a plan, smallest first; each "
        "was re-planned on the whole request unless 'verified' is false.",
    )
    advice_notes: list[str] = Field(
        default_factory=list,
        description="Constraints the advice could not relax on their own, and why.",
    )
    safety: list[SafetyConflict] = Field(
        default_factory=list,
        description="Food-safety rules of the person's life stage that take part in "
        "the conflict: the foods they leave out would otherwise meet it.",
    )
