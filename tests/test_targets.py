"""Tests of mealplan._targets: DRI targets, energy estimate, overrides.

The Person strategy lives here (not in tests/strategies.py, which another
module owns).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mealplan._errors import (
    FoodTableError,
    RequestError,
    TargetError,
    UnknownNutrientError,
)
from mealplan._models import (
    ActivityLevel,
    BoundKind,
    BoundOverride,
    NutrientTargets,
    Person,
    Sex,
)
from mealplan._nutrients import FOCUS_NUTRIENTS, Nutrient
from mealplan._resources import data_file
from mealplan._targets import (
    DRI_FILE,
    apply_overrides,
    build_dri,
    estimated_energy_requirement,
    read_dri,
    reference_body,
    targets_for,
)

REPO = Path(__file__).resolve().parent.parent
SHARED_DRI = REPO.parent / "shared" / "reference" / "dri_nih_ods.csv"

KNOWN = {n.value: n.unit for n in Nutrient} | {"iron_mg": "mg"}


# ---------------------------------------------------------------------------
# An independent reading of the CSV
# ---------------------------------------------------------------------------


def _csv_rows() -> list[dict[str, str]]:
    with (REPO / "foods" / DRI_FILE).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


ROWS = _csv_rows()


def csv_value(column: str, kind: str, person: Person) -> float | None:
    """The CSV value for ``column`` ('<nutrient>_<unit>') and kind RDA/AI or UL."""
    if person.pregnancy:
        stages = {"pregnancy", "all"}
    elif person.lactation:
        stages = {"lactation", "all"}
    else:
        stages = {"general", "child", "infant", "all"}
    kinds = {"RDA", "AI"} if kind == "intake" else {"UL"}
    hits = [
        float(r["value"])
        for r in ROWS
        if f"{r['nutrient']}_{r['unit']}" == column
        and r["kind"] in kinds
        and r["life_stage"] in stages
        and r["sex"] in ("any", person.sex.value)
        and float(r["age_min_years"]) <= person.age < float(r["age_max_years"])
    ]
    assert len(hits) <= 1, (column, kind, person)
    return hits[0] if hits else None


# ---------------------------------------------------------------------------
# Life stages and age bands
# ---------------------------------------------------------------------------

INFANT = Person(age=0.25, sex=Sex.MALE)
OLDER_INFANT = Person(age=0.75, sex=Sex.FEMALE)
CHILD = Person(age=6, sex=Sex.FEMALE)
PRETEEN = Person(age=11, sex=Sex.MALE)
TEEN = Person(age=15, sex=Sex.MALE)
ADULT = Person(age=35, sex=Sex.FEMALE)
MIDLIFE = Person(age=60, sex=Sex.FEMALE)
OLDER = Person(age=75, sex=Sex.MALE)
PREGNANT = Person(age=25, sex=Sex.FEMALE, pregnancy=True, trimester=2)
TEEN_PREGNANT = Person(age=16, sex=Sex.FEMALE, pregnancy=True)
LACTATING = Person(age=33, sex=Sex.FEMALE, lactation=True)

ALL_STAGES = [
    INFANT,
    OLDER_INFANT,
    CHILD,
    PRETEEN,
    TEEN,
    ADULT,
    MIDLIFE,
    OLDER,
    PREGNANT,
    TEEN_PREGNANT,
    LACTATING,
]


@pytest.mark.parametrize("person", ALL_STAGES, ids=lambda p: f"{p.sex}-{p.age:g}")
def test_focus_and_potassium_match_csv(person: Person) -> None:
    t = targets_for(person)
    for nutrient in (*FOCUS_NUTRIENTS, Nutrient.POTASSIUM):
        b = t.get(nutrient.value)
        expected = csv_value(nutrient.value, "intake", person)
        if expected is None:
            assert nutrient is Nutrient.POTASSIUM
            assert b is None
            continue
        assert b is not None
        assert b.minimum == pytest.approx(expected)
        assert b.minimum_kind in (BoundKind.RDA, BoundKind.AI)
        assert b.unit == nutrient.unit
        if nutrient in (Nutrient.CALCIUM, Nutrient.VITAMIN_D):
            assert b.maximum == csv_value(nutrient.value, "UL", person)
            assert b.maximum_kind is BoundKind.UL
        else:
            assert b.maximum is None
            assert b.maximum_kind is None


@pytest.mark.parametrize(
    ("person", "mg", "ca", "d", "b12", "k"),
    [
        (INFANT, 30, 200, 10, 0.4, None),
        (OLDER_INFANT, 75, 260, 10, 0.5, None),
        (CHILD, 130, 1000, 15, 1.2, 2300),
        (PRETEEN, 240, 1300, 15, 1.8, 2500),
        (TEEN, 410, 1300, 15, 2.4, 3000),
        (ADULT, 320, 1000, 15, 2.4, 2600),
        (MIDLIFE, 320, 1200, 15, 2.4, 2600),
        (OLDER, 420, 1200, 20, 2.4, 3400),
        (PREGNANT, 350, 1000, 15, 2.6, 2900),
        (TEEN_PREGNANT, 400, 1300, 15, 2.6, 2600),
        (LACTATING, 320, 1000, 15, 2.8, 2800),
    ],
)
def test_published_values(
    person: Person, mg: float, ca: float, d: float, b12: float, k: float | None
) -> None:
    t = targets_for(person)
    mins = {b.nutrient: b.minimum for b in t.bounds}
    assert mins["magnesium_mg"] == mg
    assert mins["calcium_mg"] == ca
    assert mins["vitamin_d_ug"] == d
    assert mins["vitamin_b12_ug"] == b12
    assert mins.get("potassium_mg") == k


def test_kinds_and_sources() -> None:
    t = targets_for(ADULT)
    mg = t.get("magnesium_mg")
    assert mg is not None
    assert mg.minimum_kind is BoundKind.RDA
    assert "IOM 1997" in mg.source
    assert "NIH ODS" in mg.source
    assert "supplements" in mg.source
    ca = t.get("calcium_mg")
    d = t.get("vitamin_d_ug")
    b12 = t.get("vitamin_b12_ug")
    k = t.get("potassium_mg")
    assert ca is not None
    assert "IOM 2011" in ca.source
    assert d is not None
    assert "IOM 2011" in d.source
    assert b12 is not None
    assert "IOM 1998" in b12.source
    assert k is not None
    assert "NASEM 2019" in k.source
    assert k.minimum_kind is BoundKind.AI
    assert k.maximum is None
    infant_mg = targets_for(INFANT).get("magnesium_mg")
    assert infant_mg is not None
    assert infant_mg.minimum_kind is BoundKind.AI


@pytest.mark.parametrize("person", ALL_STAGES, ids=lambda p: f"{p.sex}-{p.age:g}")
def test_magnesium_and_b12_never_have_a_maximum(person: Person) -> None:
    for margin in (1.0, 3.0):
        t = targets_for(person, margin=margin)
        for column in ("magnesium_mg", "vitamin_b12_ug"):
            b = t.get(column)
            assert b is not None
            assert b.maximum is None


def test_infant_has_no_potassium_fiber_sodium_or_shares() -> None:
    t = targets_for(INFANT)
    for column in ("potassium_mg", "fiber_g", "sodium_mg"):
        assert t.get(column) is None
    assert t.macro_shares is None
    text = " ".join(t.notes)
    assert "potassium" in text
    assert "fiber" in text
    assert "sodium" in text
    assert "AMDR" in text


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_male_pregnancy_is_rejected_by_person() -> None:
    with pytest.raises(ValidationError, match="female"):
        Person(age=30, sex=Sex.MALE, pregnancy=True)


@pytest.mark.parametrize(
    ("age", "stage"),
    [(12, "pregnancy"), (55, "pregnancy"), (13.9, "lactation"), (51, "lactation")],
)
def test_life_stage_outside_table_is_a_target_error(age: float, stage: str) -> None:
    person = Person(age=age, sex=Sex.FEMALE, **{stage: True})
    with pytest.raises(TargetError) as info:
        targets_for(person)
    message = str(info.value)
    assert f"age {age:g}" in message
    assert stage in message
    assert "14" in message
    assert "51" in message
    assert message.count(". ") == 0  # one sentence


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kcal_min": 2500, "kcal_max": 2000},
        {"margin": 0.9},
        {"margin": 3.5},
        {"kcal_min": 0},
        {"kcal_max": float("nan")},
    ],
)
def test_bad_numbers_are_request_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(RequestError) as info:
        targets_for(ADULT, **kwargs)
    assert info.value.errors


def test_read_dri_rejects_a_bad_table(tmp_path: Path) -> None:
    bad = tmp_path / DRI_FILE
    text = (REPO / "foods" / DRI_FILE).read_text(encoding="utf-8")
    bad.write_text(
        text.replace(
            "magnesium,mg,AI,infant,any,0,0.5,30,",
            "magnesium,mg,AI,infant,any,0,0.5,lots,",
        ),
        encoding="utf-8",
    )
    with pytest.raises(FoodTableError) as info:
        read_dri(bad)
    assert info.value.row == 1
    assert info.value.column == "value"
    with pytest.raises(FoodTableError):
        read_dri(tmp_path / "missing.csv")


# ---------------------------------------------------------------------------
# Margin
# ---------------------------------------------------------------------------


def test_margin_scales_focus_minimums_only() -> None:
    base = targets_for(ADULT)
    more = targets_for(ADULT, margin=1.1)
    for nutrient in FOCUS_NUTRIENTS:
        b0, b1 = base.get(nutrient.value), more.get(nutrient.value)
        assert b0 is not None
        assert b1 is not None
        assert b0.minimum is not None
        assert b1.minimum == pytest.approx(b0.minimum * 1.1)
        assert "margin 1.1" in b1.source
    for column in ("potassium_mg", "fiber_g", "protein_g"):
        assert base.get(column) == more.get(column)


def test_margin_is_capped_at_the_ul() -> None:
    t = targets_for(OLDER, margin=2.0)  # calcium 1200 x 2 = 2400 > UL 2000
    ca = t.get("calcium_mg")
    assert ca is not None
    assert ca.minimum == 2000
    assert ca.maximum == 2000
    assert any("calcium" in n and "capped" in n for n in t.notes)
    mg = t.get("magnesium_mg")
    assert mg is not None
    assert mg.minimum == 840  # magnesium is never capped by its UL
    assert mg.maximum is None


# ---------------------------------------------------------------------------
# Energy
# ---------------------------------------------------------------------------


def test_eer_woman_30_by_hand() -> None:
    person = Person(
        age=30,
        sex=Sex.FEMALE,
        weight_kg=57,
        height_cm=163,
        activity=ActivityLevel.LOW_ACTIVE,
    )
    # 354 - 6.91*30 + 1.12*(9.36*57 + 726*1.63) = 146.7 + 1.12*1716.9
    assert estimated_energy_requirement(person) == pytest.approx(2069.628)
    t = targets_for(person)
    e = t.get("energy_kcal")
    assert e is not None
    assert e.minimum == pytest.approx(1862.7)
    assert e.maximum == pytest.approx(2276.6)
    assert e.minimum_kind is BoundKind.EER
    assert e.maximum_kind is BoundKind.EER
    assert "IOM 2005" in e.source
    assert t.energy_estimated
    assert not any("reference" in n for n in t.notes)


def test_eer_man_40_by_hand() -> None:
    person = Person(
        age=40, sex=Sex.MALE, weight_kg=70, height_cm=177, activity=ActivityLevel.ACTIVE
    )
    # 662 - 9.53*40 + 1.25*(15.91*70 + 539.6*1.77) = 280.8 + 1.25*2068.792
    assert estimated_energy_requirement(person) == pytest.approx(2866.79)
    sedentary = person.model_copy(update={"activity": ActivityLevel.SEDENTARY})
    assert estimated_energy_requirement(sedentary) == pytest.approx(2349.592)


def test_eer_children_and_infants_by_hand() -> None:
    boy = Person(
        age=10,
        sex=Sex.MALE,
        weight_kg=36,
        height_cm=144,
        activity=ActivityLevel.SEDENTARY,
    )
    # 88.5 - 619 + 1.0*(26.7*36 + 903*1.44) + 25
    assert estimated_energy_requirement(boy) == pytest.approx(1756.02)
    girl = Person(
        age=5,
        sex=Sex.FEMALE,
        weight_kg=20,
        height_cm=115,
        activity=ActivityLevel.ACTIVE,
    )
    # 135.3 - 154 + 1.31*(200 + 934*1.15) + 20
    assert estimated_energy_requirement(girl) == pytest.approx(1670.371)
    baby = Person(age=0.2, sex=Sex.MALE, weight_kg=6)
    assert estimated_energy_requirement(baby) == pytest.approx(89 * 6 - 100 + 175)
    toddler = Person(age=2, sex=Sex.FEMALE, weight_kg=12)
    assert estimated_energy_requirement(toddler) == pytest.approx(89 * 12 - 100 + 20)


def test_pregnancy_and_lactation_add_energy() -> None:
    base = Person(age=28, sex=Sex.FEMALE, weight_kg=60, height_cm=165)
    eer = estimated_energy_requirement(base)
    for trimester, extra in ((1, 0), (2, 340), (3, 452)):
        p = base.model_copy(update={"pregnancy": True, "trimester": trimester})
        assert estimated_energy_requirement(p) == pytest.approx(eer + extra)
    unknown = base.model_copy(update={"pregnancy": True})
    assert estimated_energy_requirement(unknown) == pytest.approx(eer + 340)
    notes = targets_for(unknown).notes
    assert any("second trimester" in n for n in notes)
    lact = base.model_copy(update={"lactation": True})
    assert estimated_energy_requirement(lact) == pytest.approx(eer + 330)
    assert any("first 6 months" in n for n in targets_for(lact).notes)


def test_missing_weight_still_gives_an_energy_range() -> None:
    t = targets_for(Person(age=30, sex=Sex.FEMALE))
    e = t.get("energy_kcal")
    assert e is not None
    assert e.minimum is not None
    assert e.maximum is not None
    assert 0 < e.minimum < e.maximum
    assert t.energy_estimated
    assert any("reference person (163 cm, 57 kg" in n for n in t.notes)
    only_weight = targets_for(Person(age=30, sex=Sex.MALE, weight_kg=80))
    assert any("reference height" in n and "177 cm" in n for n in only_weight.notes)


def test_reference_body() -> None:
    assert reference_body(0.3, Sex.MALE) == (62, 6)
    assert reference_body(0.7, Sex.FEMALE) == (71, 9)
    assert reference_body(2, Sex.MALE) == (86, 12)
    assert reference_body(6, Sex.FEMALE) == (115, 20)
    assert reference_body(10, Sex.MALE) == (144, 36)
    assert reference_body(10, Sex.FEMALE) == (144, 37)
    assert reference_body(16, Sex.MALE) == (174, 61)
    assert reference_body(16, Sex.FEMALE) == (163, 54)
    assert reference_body(50, Sex.MALE) == (177, 70)
    assert reference_body(120, Sex.FEMALE) == (163, 57)


def test_implausible_body_size_does_not_fail() -> None:
    t = targets_for(Person(age=120, sex=Sex.FEMALE, weight_kg=1, height_cm=1))
    e = t.get("energy_kcal")
    assert e is not None
    assert e.minimum is not None
    assert e.minimum > 0
    assert any("which no person has" in n for n in t.notes)


@pytest.mark.parametrize(("weight", "height"), [(1, 260), (400, 50), (1, 1)])
def test_a_body_no_person_has_is_said_and_planned_as_the_reference(
    weight: float, height: float
) -> None:
    # 1 kg at 260 cm planned a tall man's energy without a word; 400 kg at
    # 50 cm asked 320 g of protein and ran to the time limit.
    odd = targets_for(
        Person(age=35, sex=Sex.FEMALE, weight_kg=weight, height_cm=height)
    )
    ref = targets_for(Person(age=35, sex=Sex.FEMALE))
    assert any("which no person has" in n for n in odd.notes)
    for nutrient in ("energy_kcal", "protein_g"):
        a, b = odd.get(nutrient), ref.get(nutrient)
        assert a is not None
        assert b is not None
        assert a.minimum == pytest.approx(b.minimum), nutrient
    # A real body keeps its own numbers.
    real = targets_for(Person(age=35, sex=Sex.FEMALE, weight_kg=150, height_cm=160))
    assert not any("which no person has" in n for n in real.notes)
    protein = real.get("protein_g")
    assert protein is not None
    assert protein.minimum == pytest.approx(120)


def test_caller_kcal_range() -> None:
    t = targets_for(ADULT, kcal_min=1800, kcal_max=2200)
    e = t.get("energy_kcal")
    assert e is not None
    assert (e.minimum, e.maximum) == (1800, 2200)
    assert e.minimum_kind is BoundKind.USER
    assert e.maximum_kind is BoundKind.USER
    assert not t.energy_estimated


def test_one_sided_kcal() -> None:
    eer = estimated_energy_requirement(ADULT)
    lo = targets_for(ADULT, kcal_min=1500).get("energy_kcal")
    assert lo is not None
    assert lo.minimum == 1500
    assert lo.minimum_kind is BoundKind.USER
    assert lo.maximum == pytest.approx(eer * 1.1, abs=0.1)
    assert lo.maximum_kind is BoundKind.EER
    high = targets_for(ADULT, kcal_min=4000).get("energy_kcal")
    assert high is not None
    assert high.maximum == pytest.approx(4400)
    hi = targets_for(ADULT, kcal_max=1200).get("energy_kcal")
    assert hi is not None
    assert hi.maximum == 1200
    assert hi.minimum == pytest.approx(1080)
    assert hi.minimum_kind is BoundKind.EER


# ---------------------------------------------------------------------------
# Fiber, protein, sodium, macro shares
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "fiber", "protein", "sodium"),
    [
        (Person(age=2, sex=Sex.MALE), 19, 13, 1200),
        (CHILD, 25, 19, 1500),
        (PRETEEN, 31, 34, 1800),
        (Person(age=12, sex=Sex.FEMALE), 26, 34, 1800),
        (TEEN, 38, 52, 2300),
        (Person(age=16, sex=Sex.FEMALE), 26, 46, 2300),
        (Person(age=45, sex=Sex.MALE), 38, 56, 2300),
        (ADULT, 25, 46, 2300),
        (OLDER, 30, 56, 2300),
        (MIDLIFE, 21, 46, 2300),
        (PREGNANT, 28, 71, 2300),
        (LACTATING, 29, 71, 2300),
    ],
)
def test_fiber_protein_sodium(
    person: Person, fiber: float, protein: float, sodium: float
) -> None:
    t = targets_for(person)
    f, p, s = t.get("fiber_g"), t.get("protein_g"), t.get("sodium_mg")
    assert f is not None
    assert f.minimum == fiber
    assert f.minimum_kind is BoundKind.AI
    assert "IOM 2005" in f.source
    assert p is not None
    assert p.minimum == protein
    assert p.minimum_kind is BoundKind.RDA
    assert "IOM 2005" in p.source
    assert s is not None
    assert s.maximum == sodium
    assert s.minimum is None
    assert s.maximum_kind is BoundKind.CDRR
    assert "NASEM 2019" in s.source


def test_protein_per_kg_when_weight_given() -> None:
    def protein(person: Person) -> float | None:
        b = targets_for(person).get("protein_g")
        assert b is not None
        return b.minimum

    assert protein(Person(age=30, sex=Sex.MALE, weight_kg=80)) == pytest.approx(64)
    assert protein(Person(age=16, sex=Sex.MALE, weight_kg=60)) == pytest.approx(51)
    assert protein(Person(age=6, sex=Sex.MALE, weight_kg=20)) == pytest.approx(19)
    assert protein(Person(age=2, sex=Sex.MALE, weight_kg=12)) == pytest.approx(12.6)
    preg = Person(age=30, sex=Sex.FEMALE, weight_kg=60, pregnancy=True)
    assert protein(preg) == pytest.approx(66)
    lact = Person(age=30, sex=Sex.FEMALE, weight_kg=60, lactation=True)
    assert protein(lact) == pytest.approx(78)
    assert protein(INFANT) == pytest.approx(9.1)
    assert protein(OLDER_INFANT) == pytest.approx(11)
    b = targets_for(INFANT).get("protein_g")
    assert b is not None
    assert b.minimum_kind is BoundKind.AI


@pytest.mark.parametrize(
    ("age", "protein", "fat", "carbohydrate"),
    [
        (2, (0.05, 0.20), (0.30, 0.40), (0.45, 0.65)),
        (10, (0.10, 0.30), (0.25, 0.35), (0.45, 0.65)),
        (18.5, (0.10, 0.30), (0.25, 0.35), (0.45, 0.65)),
        (19, (0.10, 0.35), (0.20, 0.35), (0.45, 0.65)),
        (90, (0.10, 0.35), (0.20, 0.35), (0.45, 0.65)),
    ],
)
def test_macro_shares(
    age: float,
    protein: tuple[float, float],
    fat: tuple[float, float],
    carbohydrate: tuple[float, float],
) -> None:
    shares = targets_for(Person(age=age, sex=Sex.FEMALE)).macro_shares
    assert shares == {
        "protein_g": protein,
        "fat_g": fat,
        "carbohydrate_g": carbohydrate,
    }


# ---------------------------------------------------------------------------
# Overrides
# ---------------------------------------------------------------------------


def test_override_one_side_keeps_the_other() -> None:
    t = apply_overrides(
        targets_for(ADULT),
        {"calcium_mg": BoundOverride(minimum=1200)},
        known_nutrients=KNOWN,
    )
    ca = t.get("calcium_mg")
    assert ca is not None
    assert (ca.minimum, ca.maximum) == (1200, 2500)
    assert ca.minimum_kind is BoundKind.USER
    assert ca.maximum_kind is BoundKind.UL
    assert ca.source.startswith("minimum: caller")


def test_override_adds_removes_and_replaces() -> None:
    base = targets_for(ADULT)
    t = apply_overrides(
        base,
        {
            "iron_mg": BoundOverride(minimum=18),
            "sodium_mg": BoundOverride(remove=True),
            "magnesium_mg": BoundOverride(minimum=400, maximum=600),
            "energy_kcal": BoundOverride(minimum=1800, maximum=2000),
        },
        known_nutrients=KNOWN,
    )
    iron = t.get("iron_mg")
    assert iron is not None
    assert (iron.unit, iron.minimum, iron.maximum) == ("mg", 18, None)
    assert iron.minimum_kind is BoundKind.USER
    assert iron.source == "caller"
    assert t.get("sodium_mg") is None
    mg = t.get("magnesium_mg")
    assert mg is not None
    assert (mg.minimum, mg.maximum, mg.source) == (400, 600, "caller")
    assert mg.maximum_kind is BoundKind.USER
    assert not t.energy_estimated
    assert [b.nutrient for b in t.bounds][-1] == "iron_mg"
    assert base.get("sodium_mg") is not None  # the input is unchanged
    assert isinstance(t, NutrientTargets)


def test_override_unknown_nutrient_suggests() -> None:
    with pytest.raises(UnknownNutrientError) as info:
        apply_overrides(
            targets_for(ADULT),
            {"magnesum_mg": BoundOverride(minimum=1)},
            known_nutrients=KNOWN,
        )
    assert "magnesium_mg" in str(info.value)
    assert info.value.nutrient == "magnesum_mg"


def test_override_min_above_max_is_an_error() -> None:
    with pytest.raises(RequestError) as info:
        apply_overrides(
            targets_for(ADULT),
            {"calcium_mg": BoundOverride(minimum=3000)},
            known_nutrients=KNOWN,
        )
    assert "3000" in str(info.value)
    assert "2500" in str(info.value)
    assert info.value.errors[0]["loc"] == "bounds.calcium_mg"
    with pytest.raises(RequestError):
        apply_overrides(
            targets_for(ADULT),
            {"calcium_mg": BoundOverride(minimum=1, remove=True)},
            known_nutrients=KNOWN,
        )


# ---------------------------------------------------------------------------
# The bundled table
# ---------------------------------------------------------------------------


def test_build_dri_copies_byte_for_byte(tmp_path: Path) -> None:
    src = REPO / "foods" / DRI_FILE
    out = build_dri(src, tmp_path / "out")
    assert out == tmp_path / "out" / DRI_FILE
    assert out.read_bytes() == src.read_bytes()


def test_bundled_table_is_found() -> None:
    assert data_file(DRI_FILE).is_file()
    assert len(read_dri(data_file(DRI_FILE))) == len(ROWS)


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_DRI.is_file(), reason="../shared is not available")
def test_committed_copy_equals_source() -> None:
    assert (REPO / "foods" / DRI_FILE).read_bytes() == SHARED_DRI.read_bytes()


# ---------------------------------------------------------------------------
# Property test over random valid persons
# ---------------------------------------------------------------------------


@st.composite
def persons(draw: st.DrawFn) -> Person:
    """Any valid Person; pregnancy/lactation only for females the table covers."""
    sex = draw(st.sampled_from(Sex))
    age = draw(st.floats(min_value=0, max_value=120, allow_nan=False))
    stage = "none"
    if sex is Sex.FEMALE and 14 <= age < 51:
        stage = draw(st.sampled_from(["none", "pregnancy", "lactation"]))
    trimester = draw(st.none() | st.integers(1, 3)) if stage == "pregnancy" else None
    weight = draw(st.none() | st.floats(min_value=0, max_value=400, exclude_min=True))
    height = draw(st.none() | st.floats(min_value=0, max_value=260, exclude_min=True))
    return Person(
        age=age,
        sex=sex,
        pregnancy=stage == "pregnancy",
        lactation=stage == "lactation",
        trimester=trimester,
        weight_kg=weight,
        height_cm=height,
        activity=draw(st.sampled_from(ActivityLevel)),
    )


@settings(max_examples=300, deadline=None)
@given(
    person=persons(),
    margin=st.floats(min_value=1.0, max_value=3.0),
    kcal=st.none() | st.tuples(st.floats(500, 5000), st.floats(0, 3000)),
)
def test_targets_for_any_valid_person(
    person: Person, margin: float, kcal: tuple[float, float] | None
) -> None:
    kcal_min = kcal_max = None
    if kcal is not None:
        kcal_min, kcal_max = kcal[0], kcal[0] + kcal[1]
    t = targets_for(person, margin=margin, kcal_min=kcal_min, kcal_max=kcal_max)
    for b in t.bounds:
        assert b.minimum is not None or b.maximum is not None
        if b.minimum is not None and b.maximum is not None:
            assert b.minimum <= b.maximum
    energy = t.get("energy_kcal")
    assert energy is not None
    assert energy.maximum is not None
    assert energy.maximum > 0
    for nutrient in FOCUS_NUTRIENTS:
        fb = t.get(nutrient.value)
        expected = csv_value(nutrient.value, "intake", person)
        assert fb is not None
        assert fb.minimum is not None
        assert expected is not None
        assert fb.minimum >= expected
        if nutrient in (Nutrient.MAGNESIUM, Nutrient.VITAMIN_B12):
            assert fb.maximum is None
        else:
            assert fb.maximum == csv_value(nutrient.value, "UL", person)
