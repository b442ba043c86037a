"""Replay the calls of every committed typed record the checker passed (the newest record of
each text, `docs/brain-eval/*/records/`) through the tools of the checkout this runs in, on a
fresh store at evalkit's reference time, and print each call that fails and the counts. A call
the brain wrote right can still fail in the tool: a medicine the formulary lacks, a time it
cannot read. Run from a checkout's root (a worktree of another commit reads this checkout's
records): `python docs/tool-eval/replay.py [TOOL,TOOL...] [--records ROOT]`."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from assistant.toolcall import ToolCall
from evalkit.runner import build_registry
from evalkit.values import REFERENCE_NOW

HERE = Path(__file__).resolve().parents[2]


def newest(root: Path) -> dict[str, dict]:
    """Each typed text's newest record (by file time)."""
    seen: dict[str, dict] = {}
    for path in sorted(root.glob("docs/brain-eval/*/records/*.jsonl.gz"), key=os.path.getmtime):
        if "manifest" in path.name:
            continue
        with gzip.open(path, "rt") as f:
            for line in f:
                r = json.loads(line)
                if not (r.get("audio_path") or r.get("heard")) and "events" in r:
                    seen[r["text"]] = r
    return seen


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("tools", nargs="?", help="comma-separated tool names (default: all)")
    p.add_argument("--records", type=Path, default=HERE)
    a = p.parse_args()
    only = set(a.tools.split(",")) if a.tools else None
    failed: Counter[str] = Counter()
    calls = 0
    for text, r in newest(a.records).items():
        if not r["passed"]:
            continue
        for c in r["calls"]:
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
