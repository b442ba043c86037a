"""finetune/phrasings.py: training-only phrasings and hard negatives, checked against evalkit."""

from __future__ import annotations

import string
from collections import Counter
from typing import Any

import jsonschema
import pytest

from assistant.tools import catalogue
from evalkit.items import _SLOT_FNS, Item, generate_items, text_key
from evalkit.templates import _T, CALL, NEGATIVE_KINDS, catalogue_functions
from finetune import phrasings
from finetune.data import gold_calls
from finetune.phrasings import extra_items, extra_templates


def _names(pattern: str) -> frozenset[str]:
    return frozenset(f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None)


def _norm(pattern: str) -> str:
    return " ".join(pattern.lower().split())


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return extra_items()


@pytest.fixture(scope="module")
def held_out() -> set[str]:
    return {text_key(it.text) for it in generate_items(0) if it.split != "train"}


def test_enough_patterns_per_tool_and_negative_kind() -> None:
    per_group: Counter[str] = Counter()
    for t in extra_templates():
        per_group[t.tool or t.category] += len(t.patterns)
    for tool in catalogue_functions():
        assert per_group[tool] >= 30, tool
    assert all(per_group[k] >= 40 for k in NEGATIVE_KINDS), per_group
    assert sum(per_group[k] for k in NEGATIVE_KINDS) >= 200
    assert set(per_group) == {*catalogue_functions(), *NEGATIVE_KINDS}


def test_templates_are_shaped_like_evalkits() -> None:
    ids = [t.id for t in extra_templates()]
    assert len(ids) == len(set(ids))
    for t in extra_templates():
        group = t.tool or t.category
        assert t.id.startswith(f"extra/{group}/")
        if t.tool is None:
            assert t.category in NEGATIVE_KINDS
        else:
            assert t.category == CALL and t.tool in catalogue_functions()


def test_call_patterns_use_only_evalkits_placeholder_sets_for_the_tool() -> None:
    for t in extra_templates():
        if t.tool is None:
            continue
        allowed = {_names(p) for group in _T[t.tool] for p in group}
        for p in t.patterns:
            # {adur} is a wider {dur}: the same argument, more values.
            assert _names(p.replace("{adur}", "{dur}")) in allowed, (t.tool, p)


def test_any_duration_gives_each_part_as_said() -> None:
    import random
    import re

    from evalkit.slots import any_duration, number_words

    value = {number_words(n): n for n in range(200)} | {str(n): n for n in range(200)}
    rng, words = random.Random(0), 0
    for _ in range(500):
        fill = any_duration(rng)
        parts = [re.fullmatch(r"(.+) (second|minute|hour)s?", part) for part in
                 fill.text.split(" and ")]
        said = {f"{m[2]}s": value[m[1]] for m in parts if m is not None}
        assert len(said) == len(parts) and {k: v[0] for k, v in fill.args.items()} == said
        words += not fill.text[0].isdigit()
    assert 150 < words < 350  # about half in words


def test_negative_placeholders_have_fillers() -> None:
    known = {*_SLOT_FNS, "drug", "qty", "to"}
    for t in extra_templates():
        if t.tool is None:
            for p in t.patterns:
                assert _names(p) <= known, p


def test_no_pattern_repeats_evalkit_or_itself() -> None:
    evalkit_patterns = {_norm(p) for groups in _T.values() for g in groups for p in g}
    ours = [_norm(p) for t in extra_templates() for p in t.patterns]
    assert not set(ours) & evalkit_patterns
    assert len(ours) == len(set(ours))


def test_items_counts_ids_and_split(items: list[Item]) -> None:
    per_group = Counter(it.tool or it.category for it in items)
    assert all(per_group[t] == 150 for t in catalogue_functions()), per_group
    assert all(per_group[k] == 300 for k in NEGATIVE_KINDS), per_group
    assert {it.split for it in items} == {"train"}
    assert len({it.id for it in items}) == len(items)
    for it in items:
        assert it.id.startswith(f"train:{it.template_id}:") and it.template_id.startswith("extra/")


def test_call_items_have_valid_complete_gold_calls(items: list[Item]) -> None:
    specs = {s.name: s for s in catalogue()}
    assert set(specs) == set(catalogue_functions())
    for it in items:
        if it.category != CALL:
            continue
        calls = gold_calls(it)
        assert [c.name for c in calls] == [it.tool], it
        # Required arguments present, types and ranges right: the tool's own schema.
        jsonschema.validate(dict(calls[0].arguments), specs[calls[0].name].parameters)


def test_negative_items_expect_no_call(items: list[Item]) -> None:
    negatives = [it for it in items if it.category in NEGATIVE_KINDS]
    assert negatives and all(it.expected == () and it.tool is None for it in negatives)
    assert all(it.expected for it in items if it.category == CALL)


def test_no_duplicate_text_and_none_from_dev_or_test(items: list[Item],
                                                     held_out: set[str]) -> None:
    keys = [text_key(it.text) for it in items]
    assert len(keys) == len(set(keys))
    assert not set(keys) & held_out


def test_dev_and_test_texts_are_filtered_out(monkeypatch: Any, held_out: set[str]) -> None:
    """Fed evalkit's own dev/test wordings, extra_items must drop every collision (it would
    otherwise emit many: these wordings have no placeholders)."""
    dev_test = [g for i, g in enumerate(_T["list_timers"]) if i % 7 in (1, 3, 5)]
    monkeypatch.setitem(phrasings._EXTRA, "list_timers", dev_test)
    got = [it for it in extra_items(per_tool=40, per_negative_kind=5)
           if it.tool == "list_timers"]
    assert got and not {text_key(it.text) for it in got} & held_out


def test_deterministic_for_a_seed_and_drug_list() -> None:
    a = extra_items(seed=5, per_tool=12, per_negative_kind=12)
    b = extra_items(seed=5, per_tool=12, per_negative_kind=12)
    c = extra_items(seed=6, per_tool=12, per_negative_kind=12)
    assert a == b
    assert [it.text for it in a] != [it.text for it in c]
    one = extra_items(seed=5, per_tool=12, per_negative_kind=12, drugs=["metformin"])
    assert {term for it in one for term in it.terms} == {"metformin"}
    with pytest.raises(ValueError):
        extra_items(drugs=[])


@pytest.fixture(scope="module")
def reference() -> dict[str, str]:
    """Every text evalkit generates or the brain trains on (finetune.overlap.reference)."""
    from finetune import overlap

    return overlap.reference(0)


def test_the_hand_written_sets_are_never_trained_on(reference: dict[str, str]) -> None:
    """evalkit/sets/*.jsonl are hand-written wordings that are not ours: none of their texts may
    appear in evalkit's items or the training data (finetune.overlap's reference)."""
    from finetune import overlap

    sets = sorted(overlap.SETS.glob("*.jsonl"))
    assert {p.stem for p in sets} >= {"holdout-phrasings", "timer-durations", "everyday",
                                      "everyday-2", "everyday-3", "everyday-4", "everyday-5",
                                      "everyday-6", "everyday-7", "times", "times-2",
                                      "doses", "doses-2", "schedules", "dose-or-schedule",
                                      "med-asks", "event-times", "no-tool-does",
                                      "notes-asked", "time-place", "said-not-to",
                                      "time-here", "month-days", "days-2",
                                      "here-asked", "not-undone", "values-said",
                                      "held-off", "time-asked", "held-off-2",
                                      "held-off-3", "everyday-8", "asked-after",
                                      "asked-after-2", "asked-after-3", "made-up",
                                      "made-up-2", "asked-after-4", "asked-after-5",
                                      "asked-after-6", "everyday-9",
                                      "labels-said", "several-asks",
                                      "several-asks-2", "everyday-10",
                                      "made-up-3", "twice", "twice-2",
                                      "twice-3", "twice-4", "twice-5", "twice-6",
                                      "twice-7", "unsaid-name",
                                      "weather-asked", "weather-asked-2",
                                      "days-said", "day-as-place", "clock-guess",
                                      "no-forecast", "dose-unnamed",
                                      "dose-unnamed-2", "dose-unnamed-3",
                                      "climate-asked", "climate-asked-2",
                                      "answers-asked", "no-tool-asked",
                                      "no-tool-asked-2", "no-tool-asked-3",
                                      "no-tool-asked-4", "dose-counted",
                                      "bare-counts", "not-taken",
                                      "strength-named", "timers-unnamed",
                                      "not-a-medicine", "place-unsaid",
                                      "not-a-medicine-2", "not-a-medicine-3",
                                      "doses-advice", "medicine-advice",
                                      "time-left", "medicine-advice-2",
                                      "countdown-asked", "everyday-11",
                                      "countdown-clock", "countdown-words",
                                      "clock-yet", "plainly-asked",
                                      "cancel-asked", "not-ours",
                                      "reminder-moved", "about-me",
                                      "left-alone", "about-me-2",
                                      "cancel-kept", "reminder-moved-2",
                                      "not-ours-2", "cancel-said",
                                      "cancel-words", "everyday-12",
                                      "units-said", "there-said",
                                      "sums-said", "listed-kind",
                                      "sums-added", "everyday-13",
                                      "listed-next", "sums-worded",
                                      "asks-joined", "listed-joined",
                                      "asks-sentences", "everyday-14",
                                      "plans-told", "dose-things",
                                      "timers-named", "deeds-told",
                                      "money-said", "silent-asked",
                                      "strength-said", "everyday-15",
                                      "deeds-said", "class-units",
                                      "how-to-asked", "small-talk",
                                      "doses-joined", "everyday-16",
                                      "doses-timed", "talk-answered",
                                      "asks-sentences-2", "doses-told",
                                      "asks-sentences-3",
                                      "everyday-17",
                                      "asks-shared",
                                      "corrected",
                                      "count-meant",
                                      "asks-shared-2",
                                      "everyday-18",
                                      "there-said-2",
                                      "latest-note",
                                      "corrected-2",
                                      "note-dictated",
                                      "taken-back",
                                      "everyday-19",
                                      "corrected-3",
                                      "news-told",
                                      "unanswered",
                                      "taken-back-2",
                                      "taken-back-3",
                                      "taken-back-4",
                                      "asks-same",
                                      "asks-same-2",
                                      "when-asked",
                                      "when-asked-2",
                                      "everyday-20",
                                      "asks-same-3",
                                      "corrected-4",
                                      "doses-prescribed",
                                      "timers-two",
                                      "timers-two-2",
                                      "everyday-21",
                                      "timers-two-3",
                                      "asks-same-4",
                                      "doses-prescribed-2",
                                      "advice-counted",
                                      "asks-bare",
                                      "doses-prescribed-3",
                                      "places-listed",
                                      "days-listed",
                                      "items-said",
                                      "everyday-22",
                                      "places-said",
                                      "place-asked",
                                      "everyday-23"}
    for path in sets:
        assert overlap.overlaps(overlap.set_texts(path), reference, cutoff=100) == [], path.stem


# Near-copies (ratio >= 90) in the sets written before the rule existed, pinned: training data
# that adds one (or drops one) shows here. everyday-3 to everyday-7, times, times-2, the doses
# sets, schedules and the sets written after it (dose-or-schedule to everyday-23) were cut by the
# rule and must stay clean of it.
# timer-durations is left out: its wordings are the templates', its durations are the point.
_KNOWN_NEAR = {
    "holdout-phrasings": 7, "everyday": 2, "everyday-2": 10, "everyday-3": 0, "everyday-4": 0,
    "everyday-5": 0, "everyday-6": 0, "everyday-7": 0, "times": 0, "times-2": 0, "doses": 0,
    "doses-2": 0, "schedules": 0, "dose-or-schedule": 0, "med-asks": 0,
    "event-times": 0, "no-tool-does": 0, "notes-asked": 0, "time-place": 0, "said-not-to": 0,
    "time-here": 0, "month-days": 0, "days-2": 0, "here-asked": 0,
    "not-undone": 0, "values-said": 0, "held-off": 0, "time-asked": 0, "held-off-2": 0, "held-off-3": 0,
    "everyday-8": 0, "asked-after": 0, "asked-after-2": 0, "asked-after-3": 0, "made-up": 0,
    "made-up-2": 0, "asked-after-4": 0, "asked-after-5": 0, "asked-after-6": 0,
    "everyday-9": 0, "labels-said": 0, "several-asks": 0,
    "several-asks-2": 0, "everyday-10": 0, "made-up-3": 0, "twice": 0,
    "twice-2": 0, "twice-3": 0, "twice-4": 0,
    "twice-5": 0, "twice-6": 0, "twice-7": 0, "unsaid-name": 0,
    "weather-asked": 0, "weather-asked-2": 0, "days-said": 0,
    "day-as-place": 0, "clock-guess": 0, "no-forecast": 0, "dose-unnamed": 0,
    "dose-unnamed-2": 0, "dose-unnamed-3": 0, "climate-asked": 0,
    "climate-asked-2": 0, "answers-asked": 0, "no-tool-asked": 0, "no-tool-asked-2": 0,
    "no-tool-asked-3": 0, "no-tool-asked-4": 0, "dose-counted": 0, "bare-counts": 0,
    "not-taken": 0, "strength-named": 0, "timers-unnamed": 0, "not-a-medicine": 0,
    "place-unsaid": 0, "not-a-medicine-2": 0, "not-a-medicine-3": 0,
    "doses-advice": 0, "medicine-advice": 0, "time-left": 0,
    "medicine-advice-2": 0, "countdown-asked": 0,
    "everyday-11": 0, "countdown-clock": 0,
    "countdown-words": 0, "clock-yet": 0, "plainly-asked": 0, "cancel-asked": 0,
    "not-ours": 0, "reminder-moved": 0, "about-me": 0, "left-alone": 0,
    "about-me-2": 0, "cancel-kept": 0, "reminder-moved-2": 0, "not-ours-2": 0,
    "cancel-said": 0, "cancel-words": 0, "everyday-12": 0,
    "units-said": 0, "there-said": 0, "sums-said": 0,
    "listed-kind": 0, "sums-added": 0, "everyday-13": 0,
    "listed-next": 0, "sums-worded": 0, "asks-joined": 0,
    "listed-joined": 0, "asks-sentences": 0, "everyday-14": 0,
    "plans-told": 0, "dose-things": 0, "timers-named": 0, "deeds-told": 0,
    "money-said": 0, "silent-asked": 0, "strength-said": 0, "everyday-15": 0,
    "deeds-said": 0, "class-units": 0, "how-to-asked": 0, "small-talk": 0,
    "doses-joined": 0, "everyday-16": 0, "doses-timed": 0, "talk-answered": 0,
    "asks-sentences-2": 0, "doses-told": 0, "asks-sentences-3": 0,
    "everyday-17": 0,
    "asks-shared": 0,
    "corrected": 0,
    "count-meant": 0,
    "asks-shared-2": 0,
    "everyday-18": 0,
    "there-said-2": 0,
    "latest-note": 0,
    "corrected-2": 0,
    "note-dictated": 0,
    "taken-back": 0,
    "everyday-19": 0,
    "corrected-3": 0,
    "news-told": 0,
    "unanswered": 0,
    "taken-back-2": 0,
    "taken-back-3": 0,
    "taken-back-4": 0,
    "asks-same": 0,
    "asks-same-2": 0,
    "when-asked": 0,
    "when-asked-2": 0,
    "everyday-20": 0,
    "asks-same-3": 0,
    "corrected-4": 0,
    "doses-prescribed": 0,
    "timers-two": 0,
    "timers-two-2": 0,
    "everyday-21": 0,
    "timers-two-3": 0,
    "asks-same-4": 0,
    "doses-prescribed-2": 0,
    "advice-counted": 0,
    "asks-bare": 0,
    "doses-prescribed-3": 0,
    "places-listed": 0,
    "days-listed": 0,
    "items-said": 0,
    "everyday-22": 0,
    "places-said": 0,
    "place-asked": 0,
    "everyday-23": 0,
}


def test_no_new_near_copies_of_the_hand_written_sets_in_training(
        reference: dict[str, str]) -> None:
    from finetune import overlap

    near = {name: overlap.overlaps(overlap.set_texts(overlap.SETS / f"{name}.jsonl"), reference)
            for name in _KNOWN_NEAR}
    assert {name: len(found) for name, found in near.items()} == _KNOWN_NEAR, near


def test_overlap_finds_a_set_s_copy_of_a_training_phrasing_though_the_set_holds_it_out(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A training phrasing equal to a text of a set in evalkit/sets is not drawn, so checking a
    new set placed there against the training data as drawn would never find its copies (two of
    everyday-9's first draft, found this way)."""
    import json

    from finetune import overlap, phrasings

    copied = extra_items()[0].text
    monkeypatch.setattr(phrasings, "SETS", tmp_path)
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "n-0", "text": copied, "expected": []}) + "\n", "utf-8")
    hidden = overlap.overlaps([copied], overlap.reference(0, heard=None), cutoff=100)
    found = overlap.overlaps([copied], overlap.reference(0, heard=None, judged=new), cutoff=100)
    assert hidden == []
    assert [(o.text, o.source) for o in found] == [(copied, "training phrasings")]


def test_overlap_finds_a_near_copy_and_names_its_source() -> None:
    from finetune.overlap import overlaps

    against = {"set a timer for 10 minutes": "evalkit train", "what is the capital of france":
               "training phrasings"}
    found = overlaps(["Set a timer for 17 minutes", "What's the capital of France?",
                      "what is the capital of Spain", "pause my timer"], against)
    assert [(o.text, o.source) for o in found] == [
        ("Set a timer for 17 minutes", "evalkit train"),
        ("What's the capital of France?", "training phrasings")]
    assert all(o.ratio >= 90 for o in found)
    assert [o.text for o in overlaps(["what is the capital of Spain"], against, cutoff=85)] \
        == ["what is the capital of Spain"]
