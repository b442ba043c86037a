"""The committed typed items when-asked can touch: a request that says several moments, where
`when.asked_moment` reads one for the reminder and the brain wrote a reminder, whatever its gold.
The rule was not kept (when-asked-2): `asked_moment` is read as the mend had it (73e99ad).

python docs/brain-eval/when-asked/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import module_at, write_guard

from assistant.toolcall import ToolCall
from assistant.tools.when import said_moment

asked_moment = module_at("73e99ad", "assistant/tools/when.py").asked_moment

_NOW = datetime.now().astimezone()


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    return any(c.name == "set_reminder" for c in calls) and said_moment(text, _NOW) is None \
        and asked_moment(text, _NOW) is not None


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
