"""The typed records committed in docs/brain-eval/*/records/, for the guard scripts: each with
the brain's own calls (the last `calls-proposed` event), and a guard set written as BYO lines.
A guard script puts this folder on `sys.path` and imports it."""

from __future__ import annotations

import dataclasses
import gzip
import importlib
import importlib.util
import json
import subprocess
import sys
import tempfile
import types
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from itertools import product
from pathlib import Path
from typing import Any

from assistant.toolcall import ToolCall
from assistant.tools import FAMILIES
from assistant.tools.base import Tool

ROOT = Path(__file__).resolve().parents[2]


def typed() -> Iterator[tuple[dict[str, Any], list[ToolCall]]]:
    """Every typed record with events, and the calls the brain wrote for it."""
    for path in sorted(ROOT.glob("docs/brain-eval/*/records/*.jsonl.gz")):
        if "manifest" in path.name:
            continue
        with gzip.open(path, "rt") as f:
            records = [json.loads(line) for line in f]
        for r in records:
            if r.get("audio_path") or r.get("heard") or "events" not in r:
                continue
            yield r, brain_calls(r)


def brain_calls(r: Mapping[str, Any]) -> list[ToolCall]:
    """The calls the brain wrote for a record: its last `calls-proposed` event's, before any
    was held back or held to what was said."""
    proposed = [e for e in r.get("events", []) if e["kind"] == "calls-proposed"]
    return [ToolCall(c["name"], c["arguments"]) for c in (proposed[-1]["calls"] if proposed else [])]


def declared() -> dict[str, Tool]:
    """Every tool the families declare, by name (unbound: for what they declare)."""
    return {t.name: t for family in FAMILIES
            for t in importlib.import_module(f"assistant.tools.{family}").TOOLS}


def names(r: Mapping[str, Any], calls: list[ToolCall]) -> set[str]:
    """The tools of a record's calls: the brain's, those that ran, and those the item expects."""
    return {c.name for c in calls} | {c["name"] for c in r.get("calls") or []} | \
        {e["name"] for e in r["expected"]}


def calls_of(r: Mapping[str, Any], calls: list[ToolCall], tools: Collection[str]) -> list[ToolCall]:
    """A record's calls of `tools`: the brain's, then those that ran."""
    return [c for c in calls if c.name in tools] + \
        [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or [] if c["name"] in tools]


def arguments(r: Mapping[str, Any], calls: list[ToolCall], tools: Collection[str],
              keys: Sequence[str]) -> list[dict[str, Any]]:
    """The arguments of a record's calls of `tools`: the brain's, those that ran, and every
    combination of the values the item accepts for `keys` in the calls it expects."""
    found = [dict(c.arguments) for c in calls if c.name in tools] + \
        [dict(c["arguments"]) for c in r.get("calls") or [] if c["name"] in tools]
    for e in r["expected"]:
        if e["name"] in tools:
            options = [e["args"].get(k, [None]) for k in keys]
            found += [dict(zip(keys, values, strict=True)) for values in product(*options)]
    return found


def module_at(commit: str, path: str) -> types.ModuleType:
    """The module at `path` (from the repository's root) as `commit` had it, loaded from git
    beside today's: a guard's "before" (a change's reading of the texts against the one it
    replaced)."""
    source = subprocess.run(["git", "show", f"{commit}:{path}"], capture_output=True, text=True,
                            check=True, cwd=ROOT).stdout
    name = f"{Path(path).stem}_at_{commit}"
    file = Path(tempfile.mkdtemp()) / f"{name}.py"
    file.write_text(source)
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def clauses_changed(commit: str) -> Callable[[dict[str, Any], list[ToolCall]], bool]:
    """A guard's `touches` for a change to how a request splits into asks: the records whose
    clauses `engine.clauses` reads otherwise than at `commit`, or whose clauses have another
    shape there (`engine._shape`, which decides whether two calls of one tool are used)."""
    from assistant.engines.chat import engine

    old = module_at(commit, "assistant/engines/chat/engine.py")

    def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
        parts = engine.clauses(r["text"])
        if parts != old.clauses(r["text"]):
            return True
        return len(parts) > 1 and [engine._shape(p) for p in parts] != [old._shape(p) for p in parts]

    return touches


def settled_changed(commit: str) -> Callable[[dict[str, Any], list[ToolCall]], bool]:
    """A guard's `touches` for a change to how corrections are read: the records whose text
    `corrections.settled` reads otherwise than at `commit`."""
    from assistant.corrections import settled

    old = module_at(commit, "assistant/corrections.py")

    def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
        return bool(settled(r["text"]) != old.settled(r["text"]))

    return touches


def reasons_changed(commit: str) -> Callable[[dict[str, Any], list[ToolCall]], bool]:
    """A guard's `touches` for a change to the reasons that hold back a medicine record, a
    reminder or a note: the records whose reason (`asking.unasked` of `RECORD`, `WRITTEN`)
    reads otherwise than at `commit`."""
    from assistant.tools import asking

    old = module_at(commit, "assistant/tools/asking.py")

    def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
        return any(asking.unasked(r["text"], new) != old.unasked(r["text"], was)
                   for new, was in ((asking.RECORD, old.RECORD), (asking.WRITTEN, old.WRITTEN)))

    return touches


def listing_changed(commit: str, families: Collection[str],
                    readings: Sequence[str] = ("split_value", "next_item")
                    ) -> Callable[[dict[str, Any], list[ToolCall]], bool]:
    """A guard's `touches` for a change to how a list is read where a call takes one value: the
    records with a call of a tool of `families` that `listing`'s `readings` (a list written as
    one value, `split_value`; the next item asked for, `next_item`), with each tool's tests of
    kind (`Tool.listed`), read otherwise than at `commit`."""
    from assistant import listing

    old = module_at(commit, "assistant/listing.py")
    now = declared()
    was = {t.name: t for family in families
           for t in module_at(commit, f"assistant/tools/{family}.py").TOOLS}

    def plain(read: object) -> object:  # a `Next` of either module, as its fields
        return dataclasses.astuple(read) if dataclasses.is_dataclass(read) else read

    def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
        return any(plain(getattr(listing, reading)(c, now[c.name].listed, r["text"]))
                   != plain(getattr(old, reading)(c, was[c.name].listed, r["text"]))
                   for c in calls if c.name in was for reading in readings)

    return touches


def write_guard(out: str, touches: Callable[[dict[str, Any], list[ToolCall]], bool]) -> None:
    """The records `touches` picks, as a BYO set (`id`, `text`, `expected`), one per text, the
    newest record's."""
    rows = {r["text"]: {"id": r["item_id"], "text": r["text"], "expected": r["expected"]}
            for r, calls in typed() if touches(r, calls)}
    Path(out).write_text("".join(json.dumps(v) + "\n" for v in rows.values()))
    print(f"{len(rows)} items -> {out}")
