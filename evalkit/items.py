"""Benchmark items: spoken requests with BFCL-style gold calls, generated from the templates.

`generate_items(seed)` is deterministic: the same seed and drug list give the same items, ids and
splits. Splits are by template group (see templates.py), so train and test never share a wording.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from evalkit import slots
from evalkit.templates import (
    CALL,
    NEGATIVE_KINDS,
    OPTIONAL_ANY,
    OPTIONAL_DEFAULTS,
    Template,
    all_templates,
    catalogue_functions,
    template_split,
)

SPLITS = ("train", "dev", "test")
MEDICATION_TOOLS = ("log_dose", "last_dose", "add_medication_schedule")


@dataclass(frozen=True)
class ExpectedCall:
    """One gold call: each argument maps to its acceptable values (any one of them passes).

    Arguments in `optional` may be absent. An optional argument listed in `args` must, when
    present, take one of its values; one not listed in `args` may take any value.
    """

    name: str
    args: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name,
                "args": {k: [list(x) if isinstance(x, tuple) else x for x in v]
                         for k, v in self.args.items()},
                "optional": sorted(self.optional)}

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> ExpectedCall:
        if not isinstance(d.get("name"), str) or not d["name"]:
            raise ValueError(f"expected call needs a 'name': {d!r}")
        args = d.get("args", {})
        if not isinstance(args, Mapping):
            raise ValueError(f"'args' must be an object of argument -> acceptable values: {d!r}")
        out: dict[str, tuple[Any, ...]] = {}
        for k, v in args.items():
            vals = tuple(v) if isinstance(v, list) else (v,)
            if not vals:
                raise ValueError(f"argument {k!r} of {d['name']} has no acceptable value")
            out[str(k)] = tuple(tuple(x) if isinstance(x, list) else x for x in vals)
        return ExpectedCall(d["name"], out, frozenset(d.get("optional", ())))


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    expected: tuple[ExpectedCall, ...]  # empty: the right behaviour is to call no tool
    category: str  # "call" or a negative kind
    tool: str | None
    template_id: str
    split: str  # "train" | "dev" | "test"
    terms: tuple[str, ...] = ()  # formulary drug names said in the request

    @property
    def is_negative(self) -> bool:
        return not self.expected

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "expected": [e.to_dict() for e in self.expected],
                "category": self.category, "tool": self.tool, "template_id": self.template_id,
                "split": self.split, "terms": list(self.terms)}

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> Item:
        expected = tuple(ExpectedCall.from_dict(e) for e in d.get("expected", ()))
        return Item(id=str(d["id"]), text=str(d["text"]), expected=expected,
                    category=str(d.get("category", CALL if expected else "no-call")),
                    tool=d.get("tool") or (expected[0].name if expected else None),
                    template_id=str(d.get("template_id", "")), split=str(d.get("split", "test")),
                    terms=tuple(d.get("terms", ())))


# --- the formulary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Drug:
    generic: str
    aliases: tuple[str, ...]
    lookalikes: tuple[str, ...]


def formulary() -> tuple[Drug, ...]:
    """The bundled formulary (assistant/tools/data/formulary.csv), read as data."""
    text = resources.files("assistant.tools").joinpath("data/formulary.csv").read_text("utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        split = lambda s: tuple(x.strip() for x in (s or "").split(";") if x.strip())  # noqa: E731
        out.append(Drug(row["generic"].strip(), split(row.get("aliases")), split(row.get("lasa"))))
    return tuple(out)


def formulary_drugs() -> tuple[str, ...]:
    return tuple(d.generic for d in formulary())


def lookalike_pairs(drugs: Iterable[Drug] | None = None) -> set[frozenset[str]]:
    return {frozenset((d.generic, other)) for d in (drugs or formulary()) for other in d.lookalikes}


# --- generation --------------------------------------------------------------------------------

_PREFIXES = ("", "", "", "", "", "", "hey, ", "okay, ", "um, ", "so ", "hi, ", "hey assistant, ",
             "excuse me, ", "alright, ", "well, ")
_SUFFIXES = ("", "", "", "", " please", ", thanks")

# Items per (split, group) at scale 1. Test: 17 functions x 64 + one terminology item per drug,
# and enough negatives to keep them above 30%.
_PER_TOOL = {"train": 200, "dev": 24, "test": 64}
_PER_NEGATIVE_KIND = {"train": 400, "dev": 50, "test": 150}


def _fill_pattern(pattern: str, rng: random.Random, drug: str | None,
                  drugs: Sequence[str]) -> tuple[str, dict[str, tuple[Any, ...]], tuple[str, ...]]:
    fills: dict[str, slots.Fill] = {}
    names = [seg.split("}")[0] for seg in pattern.split("{")[1:]]
    for name in names:
        if name in fills:
            continue
        if name in ("qty", "to"):
            fills["qty"], fills["to"] = slots.conversion(rng)
        elif name == "drug":
            fills[name] = slots.drug_fill(drug or rng.choice(drugs))
        else:
            fills[name] = _SLOT_FNS[name](rng)
    text = pattern.format(**{k: v.text for k, v in fills.items()})
    args: dict[str, tuple[Any, ...]] = {}
    terms: list[str] = []
    for f in fills.values():
        args.update(f.args)
        terms.extend(f.terms)
    return text, args, tuple(terms)


_SLOT_FNS: dict[str, slots.SlotFn] = {
    "city": slots.city, "day": slots.day, "pday": slots.past_day, "dur": slots.duration,
    "adur": slots.any_duration, "label": slots.timer_label, "tid": slots.timer_id,
    "rtext": slots.reminder_text,
    "when": slots.when, "note": slots.note_text, "query": slots.note_query, "nid": slots.note_id,
    "limit": slots.note_limit, "expr": slots.arithmetic, "dose": slots.dose,
    "time": slots.clock_time, "times": slots.schedule_times,
}


def _negative_slot(values: Sequence[str]) -> slots.SlotFn:
    return lambda rng: slots.Fill(rng.choice(values))


def _register_negative_slots() -> None:
    from evalkit.templates import COUNTRIES, PEOPLE, WORKS

    _SLOT_FNS["country"] = _negative_slot(COUNTRIES)
    _SLOT_FNS["person"] = _negative_slot(PEOPLE)
    _SLOT_FNS["thing"] = _negative_slot(WORKS)


_register_negative_slots()


def _expected(tool: str, args: Mapping[str, tuple[Any, ...]]) -> ExpectedCall:
    full = dict(args)
    optional = set()
    for name, default in OPTIONAL_DEFAULTS.get(tool, {}).items():
        if name not in full:
            full[name] = default
            optional.add(name)
    optional |= {n for n in OPTIONAL_ANY.get(tool, frozenset()) if n not in full}
    return ExpectedCall(tool, full, frozenset(optional))


def text_key(text: str) -> str:
    """The form two item texts are compared in: lower case, commas as spaces, spaces collapsed."""
    return " ".join(text.lower().replace(",", " ").split())


def make_text(template: Template, split: str, rng: random.Random, drugs: Sequence[str],
              drug: str | None = None) -> tuple[str, tuple[ExpectedCall, ...], tuple[str, ...]]:
    """One filled request of `template`: (text, gold calls, drug terms said). Public so that
    other item sources (finetune/phrasings.py) fill their templates exactly as evalkit does."""
    pattern = rng.choice(template.patterns)
    text, args, terms = _fill_pattern(pattern, rng, drug, drugs)
    text = rng.choice(_PREFIXES) + text
    if template.category == CALL:
        text += rng.choice(_SUFFIXES)
        assert template.tool is not None
        return text, (_expected(template.tool, args),), terms
    return text, (), terms


def generate_items(seed: int = 0, drugs: Sequence[str] | None = None,
                   scale: float = 1.0) -> list[Item]:
    """All items of all splits. `drugs` defaults to the bundled formulary's generic names.

    `scale` multiplies the per-template counts (the finetune data may want more); the test split
    keeps at least 1,500 items at scale 1.
    """
    drug_list = tuple(drugs) if drugs is not None else formulary_drugs()
    if not drug_list:
        raise ValueError("generate_items needs at least one drug name")
    rng = random.Random(seed)
    templates = all_templates()
    by_group: dict[tuple[str, str], list[Template]] = {}
    for t in templates:
        by_group.setdefault((template_split(t), t.tool or t.category), []).append(t)
    items: list[Item] = []
    seen: set[str] = set()  # normalised texts across all splits: no duplicate anywhere
    per_template: dict[str, int] = {}

    def add(template: Template, split: str, drug: str | None = None) -> bool:
        text, expected, terms = make_text(template, split, rng, drug_list, drug)
        key = text_key(text)
        if key in seen:
            return False
        seen.add(key)
        n = per_template.get(template.id, 0)
        per_template[template.id] = n + 1
        items.append(Item(id=f"{split}:{template.id}:{n:04d}", text=text, expected=expected,
                          category=template.category, tool=template.tool,
                          template_id=template.id, split=split, terms=terms))
        return True

    for split in SPLITS:
        # Terminology subset: every drug once per split, through the medication templates.
        med = [t for tool in MEDICATION_TOOLS for t in by_group.get((split, tool), [])]
        for i, drug in enumerate(drug_list):
            for attempt in range(20):
                if add(med[(i + attempt) % len(med)], split, drug):
                    break
        n_terms = len(drug_list)
        per_tool = math.ceil(_PER_TOOL[split] * scale)
        n_calls = per_tool * len(catalogue_functions()) + n_terms
        # Keep negatives >= 32% of the split whatever the drug list's size.
        per_neg = max(math.ceil(_PER_NEGATIVE_KIND[split] * scale),
                      math.ceil(0.32 / 0.68 * n_calls / len(NEGATIVE_KINDS)))
        shortfall = 0
        for group in (*catalogue_functions(), *NEGATIVE_KINDS):
            target = per_neg if group in NEGATIVE_KINDS else per_tool
            made = _fill(by_group.get((split, group), []), target, lambda t, s=split: add(t, s))
            if group in NEGATIVE_KINDS:
                shortfall += target - made
        # A kind with few distinct wordings (chit-chat) hands its shortfall to the others, so
        # the negative share holds.
        negative_templates = [t for k in NEGATIVE_KINDS for t in by_group.get((split, k), [])]
        _fill(negative_templates, shortfall, lambda t, s=split: add(t, s))
    return items


def _fill(templates: Sequence[Template], target: int, add: Any) -> int:
    made, attempts = 0, 0
    while made < target and attempts < target * 40 and templates:
        if add(templates[attempts % len(templates)]):
            made += 1
        attempts += 1
    return made


def split_items(items: Iterable[Item], split: str) -> list[Item]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    return [it for it in items if it.split == split]
