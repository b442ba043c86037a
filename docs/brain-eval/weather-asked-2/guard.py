"""The committed typed items weather-asked-2 could touch: the brain's recorded calls hold one
that `grounding.as_topic` turned into another tool's call. It runs at f868bba, the change;
`as_topic` was reverted after (README.md).

python docs/brain-eval/weather-asked-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import as_topic  # at f868bba only
from assistant.tools import default_registry
from assistant.tools.context import ToolContext

if __name__ == "__main__":
    with default_registry(ToolContext.default(Path(tempfile.mkdtemp()))) as registry:
        tools = list(registry)
        write_guard(sys.argv[1], lambda r, calls: any(
            (tool := registry.get(c.name)) is not None
            and as_topic(c, tool, tools, r["text"]) != c for c in calls))
