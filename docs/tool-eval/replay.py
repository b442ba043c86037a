"""Replay the calls of every committed typed record the checker passed (one record per text, as
`docs/brain-eval/records.py` picks it for a guard) through the tools of the checkout this runs
in, on a fresh store at evalkit's reference time, and print each call that fails and the counts.
A call the brain wrote right can still fail in the tool: a medicine the formulary lacks, a time
it cannot read. Run from a checkout's root; a worktree of another commit reads this checkout's
records: `python docs/tool-eval/replay.py [TOOL,TOOL...]`."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))  # the tools of the checkout this runs in
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "brain-eval"))  # this one's records
from records import typed

from assistant.toolcall import ToolCall
from evalkit.runner import build_registry
from evalkit.values import REFERENCE_NOW


def passed() -> dict[str, dict[str, Any]]:
    """Each typed text's record, the last `typed` gives, where the checker passed it."""
    return {text: r for text, r in {r["text"]: r for r, _ in typed()}.items() if r["passed"]}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("tools", nargs="?", help="comma-separated tool names (default: all)")
    a = p.parse_args()
    only = set(a.tools.split(",")) if a.tools else None
    failed: Counter[str] = Counter()
    calls = 0
    for text, r in passed().items():
        for c in r.get("calls") or []:
            if only and c["name"] not in only:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                result = build_registry(Path(tmp), lambda: REFERENCE_NOW).run(
                    ToolCall(c["name"], c["arguments"]), confirmed=True)
            calls += 1
            if not result.ok:
                failed[f"{c['name']}: {result.error}"] += 1
                print(f"{text[:70]!r} | {json.dumps(c['arguments'])[:90]} | {result.error} "
                      f"{result.message[:80]}")
    print(f"{calls} calls replayed; failed: {dict(failed)}")


if __name__ == "__main__":
    main()
