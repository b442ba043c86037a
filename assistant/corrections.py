"""A value the user corrects as they say it: "set a timer for 8 mins. no wait, 10".

People correct themselves mid-request, more so when they speak. The brain copies the first value
it reads and the loop holds a call to the words, which still say it, so the request is read
with the second value in the first one's place before anything else reads it: "set a timer for
10 mins". A correction is a correction word ("no wait", "actually", "sorry", "I mean", "make
it", ...) after a value, then a value of the same kind (a number, with or without its unit, a
clock time, or a day) that ends there; anything else is left as said.
"""

from __future__ import annotations

import re

_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen"
                 r"|twenty|thirty|forty|forty[- ]five|fifty|sixty|ninety|a\s+hundred|half")
_NUMBER = rf"(?:\d+(?:[.,:]\d+)?|(?:{_NUMBER_WORDS})\b)"
# A unit or a clock's "pm" after the number; never a word that goes on with the request.
_NOT_UNIT = (r"(?:and|or|to|for|at|in|on|of|the|a|an|please|pls|then|from|with|by|instead|no|not"
             r"|nope|wait|sorry|actually|oops|i|make|it|is|was|rather|correction|scratch"
             r"|more|each|every|times|plus|minus|divided|over)\b")
_UNIT = rf"(?:\s*(?!{_NOT_UNIT})(?:[ap]\.?m\.?|%|[a-z]{{1,12}})\b)?"
_DAY = (r"(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
        r")\b")
_VALUE = re.compile(rf"\b(?:(?P<number>{_NUMBER})(?P<unit>{_UNIT})|(?P<day>{_DAY}))",
                    re.IGNORECASE)
# The correction: words that take back what was just said, maybe "make it" / "it's" before the
# new value. A bare "no" after a comma, a dash or a stop, or right after the value ("8 minutes no
# 10"): "I have no 5mg tablets" takes nothing back.
_BACK_WORD = (r"(?:wait|sorry|actually|oops|i\s+mean(?:t)?|scratch\s+that|correction|or\s+rather"
              r"|nope|make\s+(?:it|that)(?:\s+to)?|change\s+(?:it|that)\s+to|it'?s"
              r"|(?:it\s+)?should\s+be|no+)\b")
_TAKEN_BACK = re.compile(
    rf"(?:\s*[,.;!-]+\s*|\s+)(?:(?P<bare>no+)\b|(?!it'?s\b|(?:it\s+)?should\b){_BACK_WORD})"
    rf"(?:\s*[,:.-]*\s*{_BACK_WORD})*\s*[,:.-]*\s*", re.IGNORECASE)
_ENDS = re.compile(r"(?:\s+instead)?(?=\s*(?:[,.;!?-]|$|\s+(?:to|for|at|on|please|pls|thanks|of)\b))",
                   re.IGNORECASE)


def settled(text: str) -> str:
    """`text` with each value the user corrected as they said it replaced by the correction."""
    for _ in range(3):  # "8, no 10, no 12": each correction in turn
        fixed = _settle_one(text)
        if fixed == text:
            break
        text = fixed
    return text


def _unit(value: re.Match[str]) -> str:
    unit = (value["unit"] or "").strip().lower().rstrip("s").replace(".", "")
    return {"%": "percent", "min": "minute", "hr": "hour", "sec": "second"}.get(unit, unit)


def _settle_one(text: str) -> str:
    for back in _TAKEN_BACK.finditer(text):
        # The new value, maybe after the word that named the old one ("note 4. no wait, note 5").
        named = re.match(r"([a-z]+)\s+", text[back.end():], re.IGNORECASE)
        new = _VALUE.match(text, back.end())
        if new is None and named:
            new = _VALUE.match(text, back.end() + named.end())
        end = _ENDS.match(text, new.end()) if new else None
        if new is None or end is None:
            continue
        before = [v for v in _VALUE.finditer(text, 0, back.start())
                  if bool(v["day"]) == bool(new["day"])]
        # The last value of the new one's unit where it says one ("tip 20 percent on 64.50.
        # nope 18 percent"), else the last value.
        old = next((v for v in reversed(before) if new["unit"] and _unit(v) == _unit(new)),
                   before[-1] if before else None)
        if old is None or (back["bare"] and not re.match(r"\s*[,.;!-]", back[0])
                           and text[old.end():back.start()].strip()):
            continue
        if new.start() > back.end() and not re.search(
                rf"\b{re.escape(named[1])}\s+$" if named else "$^", text[:old.start()], re.IGNORECASE):
            continue
        value = new[0] if new["day"] or new["unit"] else new["number"] + (old["unit"] or "")
        return (text[:old.start()] + value + text[old.end():back.start()] + text[end.end():])
    return text
