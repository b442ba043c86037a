"""A list said where a call takes one value: "the weather in Leeds and York", "remove notes 3
and 7", "in London and in Paris", "note 4 or note 5". Small brains write one call for the first
item (ours does: P(another call) after its first is 0.0000), so the loop asks its engine again
for each further item, with the request's own words less the items before it ("remove notes
7"), and keeps the call only where it names that item as said (`is_next`). No value is guessed.

Only arguments a tool marks (`Tool.listed`) are read so: a reminder's text that says "bread and
milk" is one value, whatever the brain cut it to."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from assistant.grounding import said, said_numbers
from assistant.toolcall import ToolCall

MAX_ITEMS = 4  # calls for one list: "Leeds, York, Hull and Bath"

# Between two items: "and", "or", "&", with or without a comma; a bare comma only where the
# list goes on to "and" or "or" in the same sentence, so that "Paris, Texas" stays one place.
_JOINER = re.compile(r"\s*,?\s*(?:and|or|&)\s+|\s*,\s+(?=[^.?!;]*?\b(?:and|or)\s)",
                     re.IGNORECASE)
_ITEM_END = re.compile(r"[,.;!?]|\s(?:and|or|&)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Next:
    """The next item of a list a call's value begins."""

    argument: str
    words: str  # the request less the items before this one: "remove notes 7"
    at: int  # where this item begins in `words`


def next_item(call: ToolCall, listed: Collection[str], words: str) -> Next | None:
    """The item after `call`'s value in `words`, where the value of one of its `listed`
    arguments is followed by another item of a list; else None."""
    for name in listed:
        value = call.arguments.get(name)
        found = _said_at(value, words)
        if found is None:
            continue
        words, start, end = found
        joiner = _JOINER.match(words, end)
        if joiner is None:
            continue
        end = joiner.end()
        before = words[:start].split()
        if before:  # "in London and in Paris", "note 4 or note 5": the word before, said again
            stem = re.escape(before[-1].lower().rstrip("s"))
            again = re.compile(rf"{stem}s?\s+", re.IGNORECASE).match(words, end)
            end = again.end() if again else end
        if end < len(words) and words[end].isalnum():
            return Next(name, words[:start] + words[end:], start)
    return None


def is_next(call: ToolCall, first: ToolCall, item: Next) -> bool:
    """Whether `call`, written for `item.words`, is `first`'s tool for that item as said."""
    value = call.arguments.get(item.argument)
    if call.name != first.name or value is None or value == first.arguments.get(item.argument):
        return False
    # The item's first word, which the value must hold: "...in Leeds and what time is it in
    # York" read as a list gives "in what time is it in York", whose York is not the next item.
    opening = next(iter(_ITEM_END.split(item.words[item.at:], maxsplit=1)[0].split()), "")
    if isinstance(value, str):
        return said(value, opening)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value in said_numbers(opening)
    return False


def _said_at(value: object, words: str) -> tuple[str, int, int] | None:
    """Where `value` is said in `words`, as (the words, start, end): a number in digits or in
    words (then `words` with numbers written in digits: "notes three and seven")."""
    if isinstance(value, str) and value.strip():
        match = re.search(rf"(?<!\w){re.escape(value.strip())}(?!\w)", words, re.IGNORECASE)
        return (words, match.start(), match.end()) if match else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        from text_to_num import alpha2digit

        number = re.compile(rf"(?<![\w.]){value:g}(?![\w.]|\.\d)")
        for text in (words, str(alpha2digit(words, "en"))):
            match = number.search(text)
            if match:
                return text, match.start(), match.end()
    return None
