"""The committed typed items cancel-words can touch: a request that `timers.asks_to_cancel`
reads with the change and did not before it, or the other way round (`BEFORE`: the function
at 770cff0, the commit before the change).

python docs/brain-eval/cancel-words/guard.py OUT.jsonl
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import timers


def _before() -> Any:
    """`timers` at 770cff0, the commit before the change, read from git."""
    root = Path(__file__).resolve().parents[3]
    source = subprocess.run(["git", "-C", str(root), "show", "770cff0:assistant/tools/timers.py"],
                            check=True, capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "timers_770cff0.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location("timers_770cff0", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


BEFORE = _before().asks_to_cancel

def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return timers.asks_to_cancel(r["text"]) != BEFORE(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
