"""A value the user corrects as they say it: "set a timer for 8 mins. no wait, 10".

People correct themselves mid-request, more so when they speak. The brain copies the first value
it reads and the loop holds a call to the words, which still say it, so the request is read
with the second value in the first one's place before anything else reads it: "set a timer for
10 mins". A correction is a correction word ("no wait", "actually", "sorry", "I mean", "make
it", "nah", "um" right after it, ...) after a value, then a value of the same kind (a number,
with or without its unit, a clock time, a day, a duration said in words or with its unit left
out, or a place the clock knows with no network) that ends there; "10 I mean", "10*", "not 8,
10", "8 minutes, not 8, 10" and "8 minutes, 10 not 8" say the same. A sum said again after such a
word ("12*7 uh 12*8") and a unit of the same measure ("into grams erm kilograms") replace the one
before. Anything else is left as said.
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
_BACK_WORD = (r"(?:wait|sorry|actually|oops|jk|just\s+kidding|i\s+mean(?:t)?|scratch\s+that|correction"
              r"|or\s+rather"
              r"|nope|make\s+(?:it|that)(?:\s+to)?|change\s+(?:it|that)\s+to|it'?s"
              r"|(?:it\s+)?should\s+be|no+)\b")
# "er", "um", "oh" only right after the value they take back ("8 um 10 minutes"): "what's 15% of,
# um, 80" takes nothing back.
_TAKEN_BACK = re.compile(
    rf"(?:\s*[,.;!-]+\s*|\s+)(?:(?P<bare>no+|nah)\b|(?P<filler>er+m?|um+|uh+|oh)\b"
    rf"|(?!it'?s\b|(?:it\s+)?should\b){_BACK_WORD})"
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
# A number in words with no unit, or any number and a half ("two and a half", "3 and a quarter"):
# a duration's unit left out. A number in digits alone is corrected's own ("2 hours, wait, 3").
_UNITLESS = re.compile(rf"(?:{_NUMBER}\s+and\s+a\s+(?:half|quarter)|(?:{_NUMBER_WORDS}))\b",
                       re.IGNORECASE)
# A place after "in", "for" or "at", or right after "weather", "forecast" or "time" ("weather
# amsterdam tomorrow"): up to three words, the longest the clock knows.
_AT_PLACE = re.compile(r"\b(?:in|for|at|weather|forecast|time)\s+(?:the\s+)?", re.IGNORECASE)
_PLACE_WORDS = re.compile(r"[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,2}")
_PLACE_ENDS = re.compile(r"(?=\s*(?:[,.;!?]|$|\s+(?:today|tonight|tomorrow|tmrw|now|please|pls|"
                         r"thanks|instead|on|at|this|next|monday|tuesday|wednesday|thursday|"
                         r"friday|saturday|sunday)\b))", re.IGNORECASE)


def settled(text: str) -> str:
    """`text` with each value the user corrected as they said it replaced by the correction."""
    text = _restated(text)
    for _ in range(3):  # "8, no 10, no 12": each correction in turn
        fixed = _settle_one(text)
        if fixed == text:
            break
        text = fixed
    return text


# Other ways of saying a correction, said again the way the readers below read them: "10 I mean"
# after a stop ("weather amsterdam tomorrow -- rotterdam i mean"), a value typed with a "*" ("timer 8
# mins... 10*"), "not 5mg, 10mg". Not "10 minutes, not 8": the words may be a note's, as said.
_MEANT_AFTER = re.compile(r"(?P<lead>[,.;!]+|\s-+|\s[\u2013\u2014])\s*"
                          r"(?P<new>[\w.:%']+(?:\s+[\w.:%']+){0,3}?)\s+i\s+mean[t]?(?=\s*(?:[,.;!?]|$))",
                          re.IGNORECASE)
_STARRED = re.compile(r"(?<![^\s,.;:-])(?P<new>[\w.:%']+)\*(?=\s*(?:[,.;!?]|$))")
_A_VALUE = rf"\b(?:{_NUMBER}{_UNIT}|{_DAY})"
_NOT_FIRST = re.compile(rf"\bnot\s+{_A_VALUE}\s*[,;-]+\s*(?={_A_VALUE})", re.IGNORECASE)
# corrected-4: "not X, Y" after X was said ("pasta timer for 9 mins, not 9, 11"; "rain in boston
# friday, not boston, chicago") is "no, Y"; "Y not X" after a stop, X said before ("set a 20 sec
# timer, 30 sec not 20"), is "I mean Y".
_NOT_AGAIN = re.compile(r"\bnot\s+(?P<old>[\w.:%']+(?:\s+[\w.:%']+){0,2}?)\s*[,;-]+\s*(?=\w)",
                        re.IGNORECASE)
_NEW_NOT_OLD = re.compile(rf"(?P<lead>[,.;!]+|\s-+|\s[\u2013\u2014])\s*(?P<new>{_A_VALUE})\s+not\s+"
                          rf"(?P<old>{_A_VALUE})(?=\s*(?:[,.;!?]|$))", re.IGNORECASE)
# A sum said again after a correction word ("calc 12*7 uh 12*8"), and a unit word after one
# ("2 pounds into grams erm kilograms"): each replaces the one before it.
_SUM = r"\d+(?:\.\d+)?(?:\s*[-+*/x×÷^]\s*\d+(?:\.\d+)?)+"
# Only a filler or a word that takes back: "it's" and "I mean" may say what the first was ("180
# in fahrenheit, its celsius"; "5k to miles, I mean kilometres").
_UNSAID = (r"(?:\s*[,.;!-]+\s*|\s+)(?:er+m?|um+|uh+|no+|nah|wait|sorry|oops|actually|or\s+rather"
           r"|scratch\s+that|correction)\b(?:\s*[,:.-]*\s*(?:wait|sorry|actually|no+))*\s*[,:.-]*\s*")
_SUM_AGAIN = re.compile(rf"(?P<old>{_SUM})(?P<back>{_UNSAID})(?P<new>{_SUM})(?P<end>\s*[?.!]*)$",
                        re.IGNORECASE)
_UNIT_AGAIN = re.compile(rf"\b(?P<old>[a-z]+)(?P<back>{_UNSAID})(?P<new>[a-z]+)(?P<end>\s*[?.!]*)$",
                         re.IGNORECASE)


def _restated(text: str) -> str:
    text = _MEANT_AFTER.sub(lambda m: f"{m['lead']} I mean {m['new']}" if _a_value(m["new"])
                            else m[0], text)
    if (star := _STARRED.search(text)) and not _VALUE.fullmatch(star["new"]) \
            and _place(star["new"], 0) is None:
        text = _retyped(text, star)
    else:
        text = _STARRED.sub(lambda m: f" I mean {m['new']}", text)
    text = _NEW_NOT_OLD.sub(lambda m: f"{m['lead']} I mean {m['new']}"
                            if _said_before(text, m.start(), m["old"]) else m[0], text)
    text = _NOT_AGAIN.sub(lambda m: _not_again(text, m), text)
    text = _NOT_FIRST.sub("", text)
    if sum_again := _SUM_AGAIN.search(text):
        return text[:sum_again.start()] + sum_again["new"] + sum_again["end"]
    if (unit_again := _UNIT_AGAIN.search(text)) and _same_measure(unit_again["old"],
                                                                   unit_again["new"]):
        return text[:unit_again.start()] + unit_again["new"] + unit_again["end"]
    return text


def _not_again(text: str, m: re.Match[str]) -> str:
    """"not X, " where X was said before it, as a correction: ", no, ", or nothing after a word
    that already takes back ("fifteen, no wait, not fifteen, eighteen")."""
    if not _said_before(text, m.start(), m["old"]):
        return m[0]
    before = text[:m.start()].rstrip()
    if re.search(r"\b(?:no+|nah|nope|wait|sorry|actually|oops)[\s,.;:!-]*$", before, re.IGNORECASE):
        return ""
    return "no, " if before.endswith((",", ".", ";", "!", "?", "-")) else ", no, "


def _said_before(text: str, at: int, old: str) -> bool:
    """Whether `old` (a value or a place, as written after "not") was said before `at`."""
    return bool(re.search(rf"(?<![\w.]){re.escape(old)}(?![\w.])", text[:at], re.IGNORECASE))


def _same_measure(old: str, new: str) -> bool:
    """Whether the words `old` and `new` are two units of one measure ("grams", "kilograms")."""
    from assistant.tools.units import measure_of

    if old.lower() == new.lower():
        return False
    measure = measure_of(old)
    return bool(measure) and measure == measure_of(new)


def _a_value(words: str) -> bool:
    """Whether `words` are all one value: a number, a day, a duration or a place."""
    words = re.sub(r"^(?:make\s+(?:it|that)|it'?s)\s+", "", words, flags=re.IGNORECASE)
    return bool(_VALUE.fullmatch(words) or _DURATION.fullmatch(words)) or \
        _place(words, 0) == (0, len(words))


def _retyped(text: str, star: re.Match[str]) -> str:
    """`text` with the word `star` retypes ("call jon at 5 .. john*") in the closest earlier
    word's place, or as it is where none is close."""
    from rapidfuzz import fuzz

    new = star["new"]
    words = [w for w in re.finditer(r"[\w']+", text[:star.start()]) if w[0].lower() != new.lower()]
    near = max(words, key=lambda w: fuzz.ratio(w[0].lower(), new.lower()), default=None)
    if near is None or fuzz.ratio(near[0].lower(), new.lower()) < 70:
        return text
    head = text[:near.start()] + new + text[near.end():star.start()]
    return head.rstrip(" ,.;:-") + text[star.end() + 1:]


def _apart(text: str, end: int, back: re.Match[str], same_unit: bool = False) -> bool:
    """Whether the correction `back` stands too far from the value that ends at `end` to take it
    back: a bare "no" with words between and no stop before it, "um" with any words between
    unless set off by a stop before a value of the same unit ("2 puffs of my ventolin, um, 3
    puffs": corrected-4)."""
    between = text[end:back.start()]
    if back["filler"] and not re.search(_BACK_WORD, back[0][back.end("filler") - back.start():],
                                        re.IGNORECASE):  # "oh sorry, 350": as "sorry"
        set_off = same_unit and re.match(r"\s*[,.;!-]", back[0])
        return bool(between.strip(" ,.;:!?-")) and not set_off
    return bool(back["bare"] and not re.match(r"\s*[,.;!-]", back[0]) and between.strip())


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
        same_unit = bool(old and new["unit"] and _unit(old) == _unit(new))
        if old is None or _apart(text, old.end(), back, same_unit):
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
    elif (said := _UNITLESS.match(text, at)) and (end := _ENDS.match(text, said.end())) and \
            (before := list(_DURATION.finditer(text, 0, back.start()))) and \
            not _VALUE.search(text, before[-1].end(), back.start()):
        # The unit left out ("two hours, wait, two and a half"): the old one's.
        unit = re.findall(_SPAN, before[-1][0], re.IGNORECASE)[-1]
        plural = unit if unit.lower().endswith("s") or said[0].lower() in ("one", "1") else unit + "s"
        return (text[:before[-1].start()] + f"{said[0]} {plural}" +
                text[before[-1].end():back.start()] + text[end.end():])
    elif (place := _place(text, at)) and _PLACE_ENDS.match(text, place[1]):
        named = [p for m in _AT_PLACE.finditer(text, 0, back.start())
                 if (p := _place(text[:back.start()], m.end()))]
        if named:
            old, new, rest = named[-1], place, place[1]
    if old is None or _apart(text, old[1], back):
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
