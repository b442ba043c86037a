"""The committed typed items news-told can touch: a request `asking.told_news` reads as the user's
news, where the brain wrote a reminder or a note, whatever its gold.

python docs/brain-eval/news-told/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.asking import plain, told_news


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return told_news(plain(r["text"])) and any(c.name in ("set_reminder", "add_note")
                                               for c in calls)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
