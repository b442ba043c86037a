"""evalkit items: determinism, coverage, negatives, terminology and split leakage."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from evalkit.items import (
    SPLITS,
    ExpectedCall,
    Item,
    formulary,
    formulary_drugs,
    generate_items,
    lookalike_pairs,
    split_items,
)
from evalkit.split import check_leakage
from evalkit.templates import NEGATIVE_KINDS, catalogue_functions

CATALOGUE = {
    "get_weather", "set_timer", "list_timers", "cancel_timer", "set_reminder", "list_reminders",
    "add_note", "search_notes", "read_notes", "delete_note", "convert_units", "calculate",
    "log_dose", "last_dose", "list_doses", "add_medication_schedule", "get_time",
}


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return generate_items(0)


def test_deterministic_and_seed_dependent(items: list[Item]) -> None:
    assert generate_items(0) == items
    other = generate_items(1)
    assert [i.text for i in other] != [i.text for i in items]


def test_test_split_size_coverage_and_negatives(items: list[Item]) -> None:
    test = split_items(items, "test")
    assert len(test) >= 1500
    assert set(catalogue_functions()) == CATALOGUE
    assert {i.tool for i in test if i.tool} == CATALOGUE
    kinds = Counter(i.category for i in test if i.is_negative)
    assert set(kinds) == set(NEGATIVE_KINDS)
    assert sum(kinds.values()) / len(test) >= 0.30
    for split in SPLITS:
        assert split_items(items, split), split


def test_gold_calls_use_catalogue_names_and_schema_arguments(items: list[Item]) -> None:
    schema_args = {
        "get_weather": {"location", "day"}, "set_timer": {"hours", "minutes", "seconds", "label"},
        "list_timers": set(), "cancel_timer": {"label", "timer_id"},
        "set_reminder": {"text", "when"}, "list_reminders": set(), "add_note": {"text"},
        "search_notes": {"query"}, "read_notes": {"limit"}, "delete_note": {"note_id"},
        "convert_units": {"value", "from_unit", "to_unit"}, "calculate": {"expression"},
        "log_dose": {"drug", "amount", "unit", "time"}, "last_dose": {"drug"},
        "list_doses": {"day"}, "add_medication_schedule": {"drug", "amount", "unit", "times"},
        "get_time": {"location"},
    }
    for it in items:
        for e in it.expected:
            assert e.name in CATALOGUE
            assert set(e.args) | set(e.optional) <= schema_args[e.name], (it.text, e)
            assert all(e.args[a] for a in e.args)  # every argument has an acceptable value


def test_terminology_covers_every_drug_and_lookalike_pair(items: list[Item]) -> None:
    test_terms = {t for it in split_items(items, "test") for t in it.terms}
    assert set(formulary_drugs()) <= test_terms
    pairs = lookalike_pairs()
    assert len(pairs) >= 10
    assert all(pair <= test_terms or not pair <= set(formulary_drugs()) for pair in pairs)
    assert len(formulary()) >= 150


def test_generator_takes_a_drug_list() -> None:
    its = generate_items(0, drugs=["metformin", "metronidazole"], scale=0.1)
    terms = {t for i in its for t in i.terms}
    assert terms == {"metformin", "metronidazole"}


def test_no_leakage_between_splits(items: list[Item]) -> None:
    assert check_leakage(items) == []


def test_leakage_check_catches_shared_template_text_and_voice(items: list[Item]) -> None:
    train = next(i for i in items if i.split == "train")
    test = next(i for i in items if i.split == "test")
    leaked = replace(train, id="x", split="test")
    problems = check_leakage([train, test, leaked])
    assert any("template" in p for p in problems)
    assert any("text" in p for p in problems)
    voices = {train.id: ["espeak:en-us+m1"], test.id: ["espeak:en-us+m1"]}
    assert any("voice" in p for p in check_leakage([train, test], voices))
    assert check_leakage([train, test], {train.id: ["a"], test.id: ["b"]}) == []


def test_item_round_trips_through_dict(items: list[Item]) -> None:
    for it in items[:200]:
        assert Item.from_dict(it.to_dict()).to_dict() == it.to_dict()
    with pytest.raises(ValueError):
        ExpectedCall.from_dict({"args": {}})
