"""Follow-up rule, its schedule (docs/clinical/rules.md "Follow-up") and the department policies."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import FieldError
from core.models import FollowUpKind
from core.policy import Policy
from core.rules import Fired, follow_up_schedule
from core.rules.follow_up import add_months
from tests.core.case_kit import bone, make_case, run, treatment, verdict


def test_default_schedule_every_3_months_then_every_6() -> None:
    schedule = follow_up_schedule(date(2026, 1, 15))
    reviews = [when for when, kind in schedule if kind == FollowUpKind.CLINICAL_REVIEW]
    assert reviews == [
        date(2026, 4, 15),
        date(2026, 7, 15),
        date(2026, 10, 15),
        date(2027, 1, 15),
        date(2027, 7, 15),
        date(2028, 1, 15),
    ]
    labs = [when for when, kind in schedule if kind == FollowUpKind.LABS]
    assert labs == reviews


def test_schedule_follows_the_policy() -> None:
    policy = Policy(follow_up_year1_months=4, follow_up_year2_months=4)
    reviews = [when for when, kind in follow_up_schedule(date(2026, 1, 1), policy) if kind == FollowUpKind.CLINICAL_REVIEW]
    assert reviews == [
        date(2026, 5, 1),
        date(2026, 9, 1),
        date(2027, 1, 1),
        date(2027, 5, 1),
        date(2027, 9, 1),
        date(2028, 1, 1),
    ]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 11, 20), 14, date(2028, 1, 20)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("cf", "expected"),
    [
        (make_case(lesions=[bone("rib")]), "fires:default"),
        (make_case(), "not"),
    ],
    ids=["FOLLOW-UP-bone-lesion-lecture", "FOLLOW-UP-no-lesion-lecture"],
)
def test_follow_up_rule(cf: object, expected: str) -> None:
    assert verdict(run("FOLLOW-UP", cf)) == expected  # type: ignore[arg-type]


def test_follow_up_adds_pre_dose_labs_on_zoledronic_acid() -> None:
    cf = make_case(
        lesions=[bone("rib")],
        treatments=[treatment("bone_modifying_agent", "zoledronic acid", ongoing=True)],
    )
    outcome = run("FOLLOW-UP", cf, Policy(follow_up_year2_months=4))
    assert isinstance(outcome, Fired)
    assert "every 4 months in year 2" in outcome.reason_en
    assert "before each dose" in outcome.reason_en


# Department policies (docs/clinical/scores.md decision 10)


def test_policy_defaults() -> None:
    policy = Policy()
    assert policy.dexamethasone_mscc == "10 mg IV then 4 mg every 6 h"
    assert policy.dexamethasone_alternative == "16 mg/day (NICE NG234)"
    assert (
        policy.rt_single_fraction_survival_weeks,
        policy.sbrt_min_survival_weeks,
        policy.surgery_min_survival_weeks,
        policy.mscc_decompression_min_survival_weeks,
        policy.follow_up_year1_months,
        policy.follow_up_year2_months,
        policy.readiness_imaging_max_days,
        policy.readiness_lab_max_days,
        policy.lab_window_days,
    ) == (13, 26, 4, 13, 3, 6, 56, 28, 90)


def test_policy_from_store_rows_round_trips() -> None:
    rows = {"lab_window_days": "60", "dexamethasone_mscc": "16 mg PO daily"}
    policy = Policy.from_mapping(rows)
    assert policy.lab_window_days == 60
    assert policy.dexamethasone_mscc == "16 mg PO daily"
    assert policy.sbrt_min_survival_weeks == 26
    assert Policy.from_mapping(policy.to_mapping()) == policy


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ({"lab_window": "60"}, "lab_window"),
        ({"lab_window_days": "ninety"}, "lab_window_days"),
        ({"lab_window_days": "0"}, "lab_window_days"),
        ({"follow_up_year1_months": "13"}, "follow_up_year1_months"),
        ({"dexamethasone_mscc": ""}, "dexamethasone_mscc"),
    ],
)
def test_policy_rejects_unknown_keys_and_bad_values(rows: dict[str, str], field: str) -> None:
    with pytest.raises(FieldError) as info:
        Policy.from_mapping(rows)
    assert field in info.value.errors
    assert rows[field] == "" or rows[field] not in info.value.errors[field]


def test_policy_is_frozen() -> None:
    with pytest.raises(ValueError, match="frozen"):
        Policy().lab_window_days = 30  # type: ignore[misc]
