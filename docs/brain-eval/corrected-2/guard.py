"""The committed typed items corrected-2 can touch: a request whose text `settled` reads
otherwise than at 279d032, the commit before the change (a duration in words or a place taken
back and said again), whatever its gold.

python docs/brain-eval/corrected-2/guard.py OUT.jsonl
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

from assistant.corrections import settled
from assistant.toolcall import ToolCall


def _corrections_at(commit: str) -> types.ModuleType:
    """`assistant.corrections` as `commit` had it, loaded from git beside today's."""
    source = subprocess.run(["git", "show", f"{commit}:assistant/corrections.py"],
                            capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[3]).stdout
    path = Path(tempfile.mkdtemp()) / "corrections_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("corrections_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_OLD = _corrections_at("279d032")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return bool(settled(r["text"]) != _OLD.settled(r["text"]))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
