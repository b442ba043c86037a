"""The committed typed items asks-shared-2 can touch: a request the engine now reads as clauses
(`assistant.engines.chat.engine.clauses`) otherwise than at fe3be92, the commit before the
change ("or", each thing with its own words, a day's possessive, a search after a list),
whatever its gold. Each clause's call is the engine's for that clause alone; the brain's calls
are greedy, so the rest are as they were.

python docs/brain-eval/asks-shared-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.engines.chat import engine
from assistant.toolcall import ToolCall


def _engine_at(commit: str) -> types.ModuleType:
    """`assistant.engines.chat.engine` as `commit` had it, loaded from git beside today's."""
    source = subprocess.run(["git", "show", f"{commit}:assistant/engines/chat/engine.py"],
                            capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[3]).stdout
    path = Path(tempfile.mkdtemp()) / "engine_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("engine_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


_OLD = _engine_at("fe3be92")


def _before(text: str) -> list[str]:
    """`clauses` as asks-shared left it (the engine at the commit before the change)."""
    return _OLD.clauses(text)


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return engine.clauses(r["text"]) != _before(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
