"""A value the user corrects as they say it: "set a timer for 8 mins. no wait, 10".

People correct themselves mid-request, more so when they speak. The brain copies the first value
it reads and the loop holds a call to the words, which still say it, so the request is read
with the second value in the first one's place before anything else reads it: "set a timer for
10 mins". A correction is a correction word ("no wait", "actually", "sorry", "I mean", "make
it", ...) after a value, then a value of the same kind (a number, with or without its unit, a
clock time, a day, a duration said in words, or a place the clock knows with no network) that
ends there; anything else is left as said.
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


# A duration said in words or in digits with its unit: "an hour", "half an hour", "an hour and a
# half", "a couple of minutes", "90 seconds" ("set a timer for an hour, no wait, an hour and a
# half": corrected-2).
_SPAN = r"(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)\b"
_DURATION = re.compile(
    rf"\b(?:half\s+an\s+hour|a\s+quarter\s+of\s+an\s+hour|(?:an?|one|a\s+couple(?:\s+of)?"
    rf"|{_NUMBER})\s+(?:and\s+a\s+half\s+)?{_SPAN}(?:\s+and\s+a\s+(?:half|quarter)\b)?)",
    re.IGNORECASE)
# A place after "in", "for" or "at": up to three words, the longest the clock knows.
_AT_PLACE = re.compile(r"\b(?:in|for|at)\s+(?:the\s+)?", re.IGNORECASE)
_PLACE_WORDS = re.compile(r"[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,2}")
_PLACE_ENDS = re.compile(r"(?=\s*(?:[,.;!?]|$|\s+(?:today|tonight|tomorrow|tmrw|now|please|pls|"
                         r"thanks|instead|on|at|this|next|monday|tuesday|wednesday|thursday|"
                         r"friday|saturday|sunday)\b))", re.IGNORECASE)


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
        if (fixed := _settle_phrase(text, back)) is not None:
            return fixed
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


def _settle_phrase(text: str, back: re.Match[str]) -> str | None:
    """`text` with the duration in words or the place that `back` takes back replaced by the
    one said after it ("in" or "for" before it or not), or None where it takes back neither."""
    lead = re.match(r"(?:in|for)\s+", text[back.end():], re.IGNORECASE)
    at = back.end() + (lead.end() if lead else 0)
    old: tuple[int, int] | None = None
    if (said := _DURATION.match(text, at)) and (end := _ENDS.match(text, said.end())):
        before = list(_DURATION.finditer(text, 0, back.start()))
        # Two in digits are corrected's own ("8 minutes, no 2 hours"): the unit's last value.
        if before and not (_VALUE.fullmatch(said[0]) and _VALUE.fullmatch(before[-1][0])):
            old, new, rest = before[-1].span(), said.span(), end.end()
    elif (place := _place(text, at)) and _PLACE_ENDS.match(text, place[1]):
        named = [p for m in _AT_PLACE.finditer(text, 0, back.start())
                 if (p := _place(text[:back.start()], m.end()))]
        if named:
            old, new, rest = named[-1], place, place[1]
    if old is None or (back["bare"] and not re.match(r"\s*[,.;!-]", back[0])
                       and text[old[1]:back.start()].strip()):
        return None
    return text[:old[0]] + text[new[0]:new[1]] + text[old[1]:back.start()] + text[rest:]


def _place(text: str, at: int) -> tuple[int, int] | None:
    """The span of the longest run of up to three words at `at` that the clock knows as a place
    with no network ("Seoul", "new york"), or None."""
    from assistant.tools.clock import offline_zone

    words = _PLACE_WORDS.match(text, at)
    if words is None:
        return None
    parts = words[0].split()
    for n in range(len(parts), 0, -1):
        name = " ".join(parts[:n]).rstrip(".'")
        if offline_zone(name):
            return at, at + len(name)
    return None
