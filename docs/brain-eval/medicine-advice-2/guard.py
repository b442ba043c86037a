"""The committed typed items medicine-advice-2 can touch: a call, as the brain wrote it or as it
ran, for a request that the advice words (`asking._WHY["advice"]`) read, not of the past, with
one of the words this change added: a held medicine record (`asking.RECORD`) needs no medicine
named, the hold of any tool but a sum or a conversion needs one (`Conversation._asks_advice`).
It ran at c243d41, where the advice words had the added ones, and wrote
`records/guard-set.jsonl.gz`; since the change was reverted it stops with that said.

python docs/brain-eval/medicine-advice-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.asking import of_the_past, plain, unasked

# The words medicine-advice-2 added to the advice words.
ADDED = re.compile(
    r"\bhw\s+(?:much|many|often|long|far\s+apart|soon|late|high)\b|\bhow\s+high\b"
    r"|\bthe\s+(?:highest|lowest|largest|biggest|strongest|safest)\b"
    r"|\b(?:upper|daily|safe)\s+limit\b|\bmax(?:imum)?\b"
    r"|\b(?:should|can|could|must|may)\s+(?:\S+\s+){0,2}?be\s+(?:taken|used|given|crushed|"
    r"split|cut|chewed|swallowed|mixed|stopped)\b"
    r"|\bwhen\s+(?:will|does|do|should|would)\s+(?:\S+\s+){0,3}?(?:start|kick|work|take\s+effect)"
    r"|\bstart(?:s|ed)?\s+(?:working|easing|helping)\b|\bkicks?\s+in\b|\btakes?\s+effect\b"
    r"|\bwears?\s+off\b"
    r"|\bbetween\s+(?:\w+\s+)?doses\b|\bdouble\s+up\b|\bwhat\s+happens\s+if\b")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    ran = r.get("calls") or []
    return bool(calls or ran) and bool(ADDED.search(plain(text))) and \
        unasked(text, ("advice",)) is not None and not of_the_past(text)


if __name__ == "__main__":
    if not unasked("hw many hours between doses of codeine", ("advice",)):
        sys.exit("medicine-advice-2 was reverted: run this at c243d41 (see the docstring)")
    write_guard(sys.argv[1], touches)
