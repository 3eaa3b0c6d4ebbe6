"""Every coded value is labelled from its own vocabulary, in both languages.

A value shared by two vocabularies (``head_neck`` is a primary tumour and a femoral segment,
``radiotherapy`` a treatment, a plan kind and a specialty) must show its own vocabulary's word:
the catalogue has one entry per vocabulary and value (``vocab.<Vocabulary>.<value>``) and
``enum_label`` reads nothing else.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from enum import StrEnum

import pytest

import core.vocabulary as vocabulary
from core.i18n import MESSAGES, enum_label
from core.messages.vocabulary import LABELS, vocabulary_of
from core.vocabulary import PrimaryTumour, Segment

VOCABULARIES: tuple[type[StrEnum], ...] = tuple(
    cls
    for _, cls in inspect.getmembers(vocabulary, inspect.isclass)
    if issubclass(cls, StrEnum) and cls is not StrEnum and cls.__module__ == vocabulary.__name__
)

# Values that several vocabularies hold *with the same meaning*, so the same word is right in each.
# Any other shared value must read differently in Chinese (English may say "closed" of a case and
# of a meeting; Chinese names them apart: 已结案 / 已结束): the same Chinese word there means one
# vocabulary's entry was copied into the other.
SAME_MEANING: dict[str, frozenset[str]] = {
    "listed": frozenset({"AgendaStatus", "CaseStatus"}),  # on an agenda
    "discussed": frozenset({"AgendaStatus", "CaseStatus"}),
    "deferred": frozenset({"AgendaStatus", "Outcome"}),
    "done": frozenset({"ActionStatus", "FollowUpStatus"}),
    "none": frozenset({"Posterolateral", "VisceralMets"}),
    "melanoma": frozenset({"Histology", "PrimaryTumour"}),  # the histology is the tumour itself
    "sarcoma": frozenset({"Histology", "PrimaryTumour"}),
    "lymphoma": frozenset({"Histology", "PrimaryTumour"}),
    "other": frozenset({"PlanKind", "NotDeliveredReason"}),
    "radiotherapy": frozenset({"PlanKind", "TreatmentKind"}),  # the treatment planned and given
    "bone_modifying_agent": frozenset({"PlanKind", "TreatmentKind"}),
    "analgesia": frozenset({"PlanKind", "TreatmentKind"}),
}


def test_every_vocabulary_is_walked() -> None:
    names = {cls.__name__ for cls in VOCABULARIES}
    assert {"PrimaryTumour", "Segment", "Specialty", "PlanKind", "SurgeryProcedure", "Role"} <= names
    assert set(VOCABULARIES) == set(LABELS), "a vocabulary without labels, or labels without a vocabulary"


@pytest.mark.parametrize("vocab", VOCABULARIES, ids=lambda v: v.__name__)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_value_has_its_own_entry(vocab: type[StrEnum], lang: str) -> None:
    for member in vocab:
        key = f"vocab.{vocab.__name__}.{member.value}"
        assert key in MESSAGES, f"{key} missing"
        en, zh = MESSAGES[key]
        assert en.strip() and zh.strip(), f"{key} is empty"
        assert enum_label(member, lang) == (zh if lang == "zh" else en)
        # the plain stored value, with its vocabulary named, reads the same
        assert enum_label(member.value, lang, vocab) == enum_label(member, lang)
    assert set(LABELS[vocab]) == {m.value for m in vocab}, f"{vocab.__name__}: labels for values it does not hold"


@pytest.mark.parametrize("vocab", VOCABULARIES, ids=lambda v: v.__name__)
def test_labels_within_a_vocabulary_are_distinct(vocab: type[StrEnum]) -> None:
    for lang in ("en", "zh"):
        words = [enum_label(m, lang) for m in vocab]
        assert len(set(words)) == len(words), f"{vocab.__name__} ({lang}): two values read the same: {words}"


def test_shared_values_read_differently_unless_they_mean_the_same() -> None:
    holders: dict[str, list[type[StrEnum]]] = defaultdict(list)
    for vocab in VOCABULARIES:
        for member in vocab:
            holders[member.value].append(vocab)
    wrong = []
    for value, vocabs in holders.items():
        for i, a in enumerate(vocabs):
            for b in vocabs[i + 1 :]:
                same = SAME_MEANING.get(value, frozenset())
                if {a.__name__, b.__name__} <= same:
                    continue
                if enum_label(value, "zh", a) == enum_label(value, "zh", b):
                    wrong.append(f"{value}: {a.__name__} and {b.__name__} both read {enum_label(value, 'zh', a)!r}")
    assert not wrong, "\n".join(wrong)


def test_no_label_keyed_by_the_value_alone() -> None:
    """Nothing can fall back to another vocabulary's word: every ``vocab.`` key is qualified."""
    names = {cls.__name__ for cls in VOCABULARIES}
    for key in MESSAGES:
        if key.startswith("vocab."):
            assert key.split(".")[1] in names, f"unqualified or unknown vocabulary key {key}"


def test_head_neck_segment_is_not_the_tumour() -> None:
    assert enum_label(Segment.HEAD_NECK, "zh") == "头颈部"
    assert enum_label(PrimaryTumour.HEAD_NECK, "zh") == "头颈部癌"
    assert enum_label("head_neck", "zh", Segment) != enum_label("head_neck", "zh", PrimaryTumour)


def test_a_plain_value_needs_its_vocabulary() -> None:
    with pytest.raises(TypeError):
        enum_label("head_neck", "zh")
    assert vocabulary_of("head_neck") is None  # ambiguous: never guessed
    assert vocabulary_of("acetabulum") is Segment


def test_figures_and_pickers_use_one_entry() -> None:
    from pages.components.figures_base import Labels

    for lang, labels in (("en", Labels.en()), ("zh", Labels.zh())):
        for value in ("peritrochanteric", "ischium_pubis", "head_neck", "whole"):
            assert labels.segments[value] == enum_label(value, lang, Segment)
    assert Labels.zh().segments["ischium_pubis"] == "坐骨/耻骨"
    assert Labels.zh().segments["peritrochanteric"] == "转子周围"


def test_roles_are_labelled_once() -> None:
    """A role's label is its vocabulary entry ``vocab.Role.<role>``; no second copy (``role.*``)
    that could drift from it."""
    from core.models import Role

    assert [k for k in MESSAGES if k.startswith("role.")] == []
    for role in Role:
        assert enum_label(role, "en") and enum_label(role, "zh") != enum_label(role, "en")
    assert enum_label("chair", "zh", Role) == "主持人"
