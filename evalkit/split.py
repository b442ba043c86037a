"""The train / dev / test split rules and the check that they hold.

Items are split by template group (templates.py) and audio by voice (voices.py): a model tuned on
train has never seen a test wording or a test voice. `check_leakage` proves it for a concrete
data set; tests and `python -m evalkit synth` run it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from evalkit.items import Item


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def check_leakage(items: Iterable[Item], voices: Mapping[str, Iterable[str]] | None = None,
                  ) -> list[str]:
    """Problems found (empty when clean).

    - a template group used by more than one split;
    - the same normalised text in two splits;
    - `voices` (item id -> voices its audio was made with): a voice used in both train and test.
    """
    items = list(items)
    problems: list[str] = []
    splits_of_template: dict[str, set[str]] = defaultdict(set)
    splits_of_text: dict[str, set[str]] = defaultdict(set)
    for it in items:
        splits_of_template[it.template_id].add(it.split)
        splits_of_text[_norm(it.text)].add(it.split)
    for tid, splits in sorted(splits_of_template.items()):
        if len(splits) > 1:
            problems.append(f"template {tid} is in splits {sorted(splits)}")
    for text, splits in sorted(splits_of_text.items()):
        if len(splits) > 1:
            problems.append(f"text {text!r} is in splits {sorted(splits)}")
    if voices is not None:
        split_of = {it.id: it.split for it in items}
        used: dict[str, set[str]] = defaultdict(set)
        for item_id, vs in voices.items():
            split = split_of.get(item_id)
            if split is None:
                problems.append(f"audio for unknown item {item_id}")
                continue
            for v in vs:
                used[v].add(split)
        for voice, splits in sorted(used.items()):
            if {"train", "test"} <= splits:
                problems.append(f"voice {voice} is used in both train and test")
    return problems
