"""A list said where a call takes one value: "the weather in Leeds and York", "remove notes 3
and 7", "in London and in Paris", "note 4 or note 5", or a follow-up that names only the next
item ("Is it raining in Seattle? What about Portland?"). Small brains write one call for the
first item (ours does: P(another call) after its first is 0.0000), so the loop asks its engine
again for each further item, with the request's own words less the items before it ("remove
notes 7"), and keeps the call only where it names that item as said and names a thing, not a
clause, and the item as said passes the tool's offline test of the argument's kind (a unit the
converter reads, a day the parser reads: `is_next`): "and preheat the oven" names no unit. No
value is guessed. The first item is found where the brain wrote it, or, not said as written, by
what it names ("1 cup in ml and in tablespoons" written `milliliter`).

Where the brain wrote the whole list as one value ("Tokyo, London, New York"), the call is one
call per item, with no engine pass, where each item names a different thing (`split_value`).

Only arguments a tool marks (`Tool.listed`) are read so: a reminder's text that says "bread and
milk" is one value, whatever the brain cut it to."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.grounding import said, said_numbers
from assistant.toolcall import ToolCall

MAX_ITEMS = 4  # calls for one list: "Leeds, York, Hull and Bath"

# Between two items: "and", "or", "&", "then", "n", "vs", "plus", "as well as", "along with", with
# or without a comma or the end of a sentence before it ("...in fahrenheit? and kelvin?"); "also"
# after one ("in bombay, also pune"); a plus sign; a slash between words of three letters or more
# ("pounds/ounces", "delhi/jaipur"; not "km/h" or "m/s", one unit); a bare comma only where the
# list goes on to "and", "or" or "&" in the same sentence, so that "Paris, Texas" stays one place.
_JOINER = re.compile(r"\s*[,.?!]?\s*(?:and(?:\s+then)?|or|&|then|n|vs\.?|versus|plus|as\s+well\s+as"
                     r"|along\s+with|together\s+with)\s+|\s*[,.?!]\s*also,?\s+|\s*\+\s*"
                     r"|(?<=[^\W\d_]{3})\s*/\s*(?=[^\W\d_]{3})"
                     r"|\s*,\s+(?=[^.?!;]*?(?:\b(?:and|or)|\s&)\s)", re.IGNORECASE)
# Between two numbers, a bare comma or a slash is a list's joiner too: "trash notes 21, 22",
# "wipe notes 30 / 31".
_NUMBER_JOINER = re.compile(r"\s*[,/]\s*(?=#?\d)")
# Between a value's items, where the brain wrote a list as one value ("London, Dubai and Paris",
# "fri + sat", "mon/tue"; a slash only between words of three letters or more, as in `_JOINER`)
_IN_VALUE = re.compile(r"\s*,\s*(?:(?:and|or|&)\s+)?|\s+(?:and|or|&)\s+|\s*\+\s*"
                       r"|(?<=[^\W\d_]{3})\s*/\s*(?=[^\W\d_]{3})", re.IGNORECASE)
# Between the items as the user said them: a comma, or the joining word before the last ("and",
# "or", "&", a plus or a slash), each with the words before the first said again or not ("in
# London and in Paris")
_SAID_BETWEEN = re.compile(r"\s*,?\s*(?:(?P<joiner>and|or|&)\s+|(?P<sign>[/+])\s*)?"
                           r"(?:[^\W\d_]+\s+){0,2}?", re.IGNORECASE)
# Words said again before the last item of a list ("in Leeds and in Manchester")
_REPEATED_LEAD = re.compile(r"(?:\b(?:in|on|at|for|the)\s+){0,2}$", re.IGNORECASE)
# A follow-up that names only the next item, after the sentence the value is in: "...in
# Glasgow today? And what about Inverness?", "Same question for omeprazole.", "And in Moscow?",
# "Saturday too?". It must open with a joining word or a preposition, or end with "too" or "as
# well" (`next_item`): "...in Tokyo? Great." is no follow-up.
_FOLLOW_UP = re.compile(
    r"(?P<rest>[^.?!]*?[.?!]+)\s*(?P<lead>(?:oh,?\s+)?(?:and|also)\s+)?"
    r"(?P<opener>(?:what|how)\s+about\s+|same\s+(?:question\s+|thing\s+|again\s+)?for\s+"
    r"|(?:in|for|of|on|at|to)\s+)?(?P<item>[^.?!,]{1,40}?)(?:,?\s+please)?"
    r"(?P<tail>,?\s+(?:too|as\s+well))?(?:,?\s+please)?\s*(?:[.?!]+|$)", re.IGNORECASE)
_COURTESY = frozenset({"thanks", "thank you", "please", "cheers", "ok", "okay", "great", "cool",
                       "bye", "perfect", "lovely", "nice"})
# Words that make a clause, never a thing's name: what follows "and" may be another ask ("...,
# and how long ago was that?", "...in Rome and book me a table"), which the brain, asked about
# it as the list's next item, copies as the value.
_CLAUSE_WORDS = frozenset({
    "i", "me", "you", "it", "that", "this", "we", "us", "they", "them", "he", "him", "she", "her",
    "am", "is", "are", "was", "were", "be", "been", "do", "does", "did", "have", "has", "had",
    "can", "could", "will", "would", "should", "shall", "might", "must",
    "how", "what", "when", "where", "why", "who", "which"})
# Verbs a request opens with: what follows "and" that opens so is another ask, not the list's
# next item ("Kill the timer called pizza and leave the others alone").
_OPENING_VERBS = frozenset({
    "leave", "book", "order", "play", "turn", "call", "text", "send", "tell", "give", "make",
    "put", "keep", "stop", "get", "let", "find", "show", "remind", "set", "start", "add", "log",
    "record", "cancel", "delete", "remove", "clear", "convert", "calculate", "check", "read",
    "save", "search", "look", "buy", "pick", "bring", "take", "go", "open", "close", "email",
    "message", "ask", "help", "write", "say", "wake", "switch", "change", "update", "move",
    "skip", "pause", "resume", "snooze", "mute", "lock", "unlock", "run", "use", "try", "see",
    "know", "need", "want", "think", "forget", "ignore", "don't", "dont", "please", "note", "jot"})
_FILLER = frozenset({"again", "also", "then"})  # "on the 20th, and again on the 21st"
_ITEM_END = re.compile(r"[,.;!?]|\s(?:and|or|&)\s", re.IGNORECASE)
_ARTICLE = frozenset({"the", "a", "an", "my"})
_LEAD_WORDS = _ARTICLE | {"in", "on", "at", "for", "to"}  # before an item taken as said
# A number said right before or after a value that the call holds too, with its unit, is the
# item's own ("20mg omeprazole and 5mg ramipril", "metformin 500 and atorvastatin 20").
_UNITS = (r"mg|mgs|mcg|µg|ug|g|ml|mls|units?|iu|puffs?|tablets?|tabs?|pills?|caps(?:ules?)?|"
          r"drops?|sprays?|patch(?:es)?|milligrams?|micrograms?")
# A count said in words is an amount too ("two panadol & a nurofen").
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNT = rf"\d+(?:\.\d+)?|{'|'.join(_COUNT_WORDS)}"
_AMOUNT_BEFORE = re.compile(rf"(?<![\w.])({_COUNT})\s*(?:(?:{_UNITS})\s+)?(?:of\s+)?"
                            r"(?:(?:my|the|a|an)\s+)?$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(rf"\s*(\d+(?:\.\d+)?)(?:\s*(?:{_UNITS})\b)?(?![\w.:])", re.IGNORECASE)
_AMOUNT_WORD = re.compile(rf"(?:\d+(?:\.\d+)?(?:{_UNITS})?|{_UNITS}|of|"
                          rf"{'|'.join(w for w in _COUNT_WORDS if len(w) > 2)})", re.IGNORECASE)
# A time said right after an item, before the next: the item's own ("had my metformin 500 at
# 8 and the atorvastatin 20 at 9", "2 paracetamol at 7am and 1 ibuprofen at noon"). A bare
# hour only after "at"; a part of the day, a meal or "ago" as well.
_CLOCK = (r"\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?m\b\.?|o'?clock\b)|\d{1,2}:\d\d(?![\w.:])|noon\b|"
          r"midday\b|midnight\b")
# What follows a list's joining word that is another time, not another item: "at 7:30, 12:30
# and 6:30", "at 8, 2 and 8", "at midday and midnight"; a count is not ("and 1 ibuprofen").
_A_TIME = re.compile(r"(?:at|@)\s|\d{1,2}(?:[:.]\d\d|\s*[ap]\.?m\b|\s*o'?clock)|(?:noon|midday|"
                     r"midnight)\b|\d{1,2}\s*(?:$|[,&.;!?]|(?:and|or|then)\b)", re.IGNORECASE)
_OWN_TIME = re.compile(
    rf"(?:\s+(?:at|@|around|about|by)\s+(?:{_CLOCK}|\d{{1,2}}(?:\.\d\d)?(?![\w.:]))|\s+(?:{_CLOCK})|"
    r"\s+(?:with|after|before)\s+(?:my\s+|the\s+|his\s+|her\s+)?(?:breakfast|brekkie|brekky|lunch|"
    r"dinner|tea|supper|food|(?:a\s+|my\s+)?meals?)\b|\s+(?:this\s+(?:morning|afternoon|evening)|"
    r"today|tonight|last\s+night|earlier|just\s+now|(?:about\s+|around\s+)?(?:an?|\d+|half\s+an)"
    r"\s+(?:mins?|minutes?|hours?|hrs?)\s+ago)\b){1,2}", re.IGNORECASE)


@dataclass(frozen=True)
class Next:
    """The next item of a list a call's value begins."""

    argument: str
    words: str  # the request for this item alone: "remove notes 7", "weather in Inverness"
    at: int  # where this item begins in `words`
    # A follow-up's item, all of which the value must be ("What about Singapore?"; "What about
    # flights there?" is no place); a list's item ends where the brain reads it to.
    whole: str = ""
    # Where the item before said its own time ("...metformin 500 at 8 and ..."): the words up
    # to its end, which the call before is held to; else "".
    before: str = ""


def next_item(call: ToolCall, listed: Collection[str] | Mapping[str, Callable[[Any], object]],
              words: str) -> Next | None:
    """The item after `call`'s value in `words`, where the value of one of its `listed`
    arguments is followed by another item of a list, or by a follow-up that names only the
    next item; else None. For a list, the request less the items before the next ("remove notes
    3 and 7": "remove notes 7"); for a follow-up, the value's sentence with the item in its
    place ("weather in Glasgow today? And what about Inverness?": "weather in Inverness
    today?"). A value not said as written is found by what it names, where `listed` gives the
    argument's test of kind (`_said_as_kind`: "ml" for `milliliter`)."""
    for name in listed:
        value = call.arguments.get(name)
        kind = listed.get(name) if isinstance(listed, Mapping) else None
        found = _said_at(value, words) or (_said_as_kind(value, words, kind) if kind else None)
        if found is None:
            continue
        text, start, end = found
        timed, joiner = "", None
        if isinstance(value, str):
            start, end = _with_amount(call, text, start, end)
            own = _OWN_TIME.match(text, end)
            if own is not None and (joiner := _JOINER.match(text, own.end())) is not None and \
                    _A_TIME.match(text, joiner.end()) is None:  # not "at 7:30, 12:30 and 6:30"
                timed = text[:own.end()]
            else:
                joiner = None
        joiner = joiner or _JOINER.match(text, end) or (
            _NUMBER_JOINER.match(text, end) if isinstance(value, int | float) else None)
        if joiner is not None:
            at = _past_repeats(text, start, joiner.end())
            at += text.startswith("#", at)  # "note #12 & #15"
            opening = text[at:].split(maxsplit=1)[0].lower().strip(",.;!?") if at < len(text) else ""
            if (at < len(text) and text[at].isalnum()
                    and opening not in _CLAUSE_WORDS | _OPENING_VERBS
                    and not (isinstance(value, str) and kind and _no_name_after_amount(
                        text[at:], kind))
                    and not _of_another_kind(text[at:], name, listed)):
                return Next(name, text[:start] + text[at:], start, before=timed)
        follow = _FOLLOW_UP.match(text, end)
        if (follow is not None and (follow["lead"] or follow["opener"] or follow["tail"])
                and follow["item"].strip().lower() not in _COURTESY):
            at = _past_repeats(text, start, follow.start("item"))  # "Number four as well."
            item = text[at:follow.end("item")].strip()
            if item and not _of_another_kind(item, name, listed):
                return Next(name, text[:start] + item + text[end:follow.end("rest")], start, item)
    return _item_before(call, listed, words)


def _of_another_kind(item: str, name: str,
                     listed: Collection[str] | Mapping[str, Callable[[Any], object]]) -> bool:
    """Whether `item` (up to the list's next joining word) is a thing of another listed
    argument's kind and none of `name`'s: "tomorrow" after the place in "weather in boston today
    and tomorrow" is the day's, and "Sunday" in "...in Miami tomorrow? And Sunday?"."""
    if not isinstance(listed, Mapping):
        return False
    said = _ITEM_END.split(item, maxsplit=1)[0].strip()
    spans = {said, said.split(maxsplit=1)[0]} if said else set()  # "tomorrow's too"
    return not any(_a_thing(listed[name](s)) for s in spans) and any(
        _a_thing(kind(s)) for other, kind in listed.items() if other != name for s in spans)


def _item_before(call: ToolCall, listed: Collection[str] | Mapping[str, Callable[[Any], object]],
                 words: str) -> Next | None:
    """The item before `call`'s value where a list ends at it, as the brain writes the last
    ("weather tmrw and saturday in boston" written `day='saturday'`): the one to three words
    before the joining word that name a thing of the argument's kind, the fewest first, and the
    request less the value ("weather tmrw in boston"). Names only: a number is no such item."""
    if not isinstance(listed, Mapping):
        return None
    for name, kind in listed.items():
        value = call.arguments.get(name)
        found = _said_at(value, words) or _said_as_kind(value, words, kind) \
            if isinstance(value, str) else None
        if found is None:
            continue
        text, start, end = found
        lead = _REPEATED_LEAD.search(text, 0, start)  # "...and in Paris"
        to = lead.start() if lead else start
        # The longest joining word that ends there, as a word: "and then", not the "n " that
        # ends "London "
        joiner = next((j for i in range(max(to - 20, 0), to)
                       if not (i and text[i].isalnum() and text[i - 1].isalnum())
                       and (j := _JOINER.match(text, i, to)) and j.end() == to), None)
        if joiner is None:
            continue
        spots = list(_SPAN_WORD.finditer(text, 0, joiner.start()))
        for n in range(1, min(3, len(spots)) + 1):
            at = spots[-n].start()
            if _a_thing(kind(text[at:joiner.start()])):
                return Next(name, text[:joiner.start()].rstrip() + text[end:], at)
    return None


def _a_thing(named: object) -> bool:
    """Whether a test of kind named a thing, not just "some item" (True)."""
    return _of_kind(named) and not isinstance(named, bool)


def _no_name_after_amount(item: str, kind: Callable[[Any], object]) -> bool:
    """Whether `item` opens with an amount and names nothing of `kind` after it: "metformin, 500
    mg at 8 and 6" lists no second medicine, and the engine is not asked again for "500 mg at 8"."""
    words = _ITEM_END.split(item, maxsplit=1)[0].split()
    if not words or not _AMOUNT_WORD.fullmatch(words[0]):
        return False
    name = next((w for w in words if w.lower() not in _ARTICLE and not _AMOUNT_WORD.fullmatch(w)), "")
    return not _of_kind(kind(name)) if name else True


def _with_amount(call: ToolCall, text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a value said at `text[start:end]`, with a number right before or after it
    that `call` holds too, and its unit ("20mg omeprazole", "metformin 500")."""
    held = {float(v) for v in call.arguments.values()
            if isinstance(v, int | float) and not isinstance(v, bool)}
    if (before := _AMOUNT_BEFORE.search(text[:start])) and _amount(before[1]) in held:
        start = before.start()
    if (after := _AMOUNT_AFTER.match(text, end)) and float(after[1]) in held:
        end = after.end()
    return start, end


def _amount(said: str) -> float:
    """A number said in digits or as a count word ("two", "a")."""
    return float(_COUNT_WORDS.get(said.lower(), 0)) if said.isalpha() else float(said)


def _past_repeats(text: str, start: int, at: int) -> int:
    """Where the next item begins at or after `at`: past the words just before the value, said
    again ("in London and in Paris", "note number 12, note 15"), and "again", "also" or
    "then"."""
    stems = {w.lower().rstrip("s") for w in text[:start].split()[-2:]}
    for _ in range(3):
        word = re.match(r"([^\W\d_]+)\s+", text[at:])
        if word is None or not (word[1].lower().rstrip("s") in stems or word[1].lower() in _FILLER):
            break
        at += word.end()
    return at


def is_next(call: ToolCall, first: ToolCall, item: Next, kind: Callable[[Any], object]) -> bool:
    """Whether `call`, written for `item.words`, is `first`'s tool for that item as said, and
    the item, as the user wrote it, is of the argument's `kind` (the tool's offline test)."""
    value = call.arguments.get(item.argument)
    if call.name != first.name or value is None or value == first.arguments.get(item.argument):
        return False
    # The item's first word, which the value must hold: "...in Leeds and what time is it in
    # York" read as a list gives "in what time is it in York", whose York is not the next item.
    said_item = _ITEM_END.split(item.words[item.at:], maxsplit=1)[0].split()
    # A name's item may open with its amount ("5mg ramipril"); a number's is the number.
    amounts = isinstance(value, str)
    opening = next((w for w in said_item if w.lower() not in _ARTICLE
                    and not (amounts and _AMOUNT_WORD.fullmatch(w))), "")
    if isinstance(value, str):
        rest = item.words[item.at:]
        found = _said_at(value, rest)
        # Not said as written, the item may name the same thing ("lbs" for `lb`).
        named = None if found else _said_as_kind(value, rest, kind, opening=True)
        found = found or named
        as_said = found[0][found[1]:found[2]] if found else " ".join(said_item)
        return bool((said(value, opening) or named is not None)
                    and value.strip().lower() not in _COURTESY
                    and not _CLAUSE_WORDS.intersection(value.lower().split())
                    and all(said(w, value) for w in item.whole.split()
                            if w.lower() not in _ARTICLE)
                    and _of_kind(kind(as_said)))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value in said_numbers(opening) and _of_kind(kind(value))
    return False


def as_said(call: ToolCall, item: Next, kind: Callable[[Any], object]) -> ToolCall | None:
    """`call` for `item` as the user said it, with no engine pass (`Tool.as_said`): the
    follow-up's whole item, or of the one to three words the item opens with, those that name
    the thing the most of them name, the fewest ("singapore" of "singapore rn", "Gold Coast",
    "tmrw" of "tmrw in"), where `kind` names a thing of them; else None, and None for a bare
    number or an item said again after it, which the engine reads."""
    first = str(call.arguments.get(item.argument, "")).strip().lower()
    if item.whole:
        span: str | None = item.whole if _a_thing(kind(item.whole)) else None
    else:
        spots = list(_SPAN_WORD.finditer(item.words, item.at))
        while spots and spots[0][0].lower() in _LEAD_WORDS:  # "on the Gold Coast"
            spots.pop(0)
        spans = [item.words[spots[0].start():spot.end()].rstrip(".'-/") for spot in spots[:3]]
        things = [(s, getattr(named, "thing", named)) for s in spans if _a_thing(named := kind(s))]
        span = next((s for s, thing in things if thing == things[-1][1]), None) if things else None
    if span is None or span.lower() == first or not any(c.isalpha() for c in span):
        return None  # a bare number is no item said ("on saturday, plus 15% of 240")
    at = item.words.lower().find(span.lower(), item.at)
    if _find(span, item.words, at + len(span)) is not None:
        return None  # said again after it: taken back ("... and Bergen, actually skip Bergen")
    return ToolCall(call.name, {**call.arguments, item.argument: span})


def split_value(call: ToolCall, listed: Mapping[str, Callable[[Any], object]], words: str
                ) -> tuple[ToolCall, ...] | None:
    """`call` as one call per item, where the brain wrote a list as one value of a `listed`
    argument ("London, Dubai, Singapore, Los Angeles"): the user's `words` say the items as a
    list that ends in "and", "or" or "&", and each names a different thing of the argument's
    kind (a zone, a unit, a medicine, a day). "Paris, France" has no joining word, "Advil or
    ibuprofen" names one medicine, and a name the kind test cannot place ("Trinidad and
    Tobago") stays one value; else None."""
    for name, kind in listed.items():
        value = call.arguments.get(name)
        if not isinstance(value, str) or ("/" in value and _a_thing(kind(value))):
            continue  # "miles/hour" is one unit
        parts = [p for p in (s.strip() for s in _IN_VALUE.split(value)) if p]
        spans = _said_as_list(parts, words) if 2 <= len(parts) <= MAX_ITEMS else None
        if spans is None:
            continue
        named = [kind(span) for span in spans]
        if (all(_of_kind(n) and not isinstance(n, bool) for n in named)
                and len(set(named)) == len(named)):
            return tuple(ToolCall(call.name, {**call.arguments, name: p}) for p in parts)
    return None


def _said_as_list(parts: list[str], words: str) -> list[str] | None:
    """Each of `parts` as `words` say it, where they say them in order as one list that ends
    in a joining word ("in London, Dubai and in Paris"); else None."""
    spans, end, joiner = [], None, None
    for part in parts:
        found = _find(part, words, 0 if end is None else end, plural=True)
        if found is None:
            return None
        if end is not None:
            between = _SAID_BETWEEN.fullmatch(words, end, found.start())
            if between is None:
                return None
            joiner = between["joiner"] or between["sign"]
        spans.append(found[0])
        end = found.end()
    return spans if joiner else None


def _find(phrase: str, words: str, pos: int = 0, *, plural: bool = False) -> re.Match[str] | None:
    """`phrase` as whole words in `words` from `pos`, in any case; with `plural`, also with an
    "s" or "es" ("pounds & stone" written "pound and stone")."""
    ending = "(?:e?s)?" if plural else ""
    return re.compile(rf"(?<!\w){re.escape(phrase)}{ending}(?!\w)", re.IGNORECASE).search(
        words, pos)


def _of_kind(named: object) -> bool:
    """Whether a tool's test of kind (`Tool.listed`) found an item of it."""
    return named is not None and named is not False


_SPAN_WORD = re.compile(r"[^\W_][\w'°/.-]*")


def _said_as_kind(value: object, words: str, kind: Callable[[Any], object], *,
                  opening: bool = False) -> tuple[str, int, int] | None:
    """Where `words` say the thing `value` names in other words, as (the words, start, end):
    the first span of one to three words, the longest first, that `kind` reads as the same
    thing ("ml" for `milliliter`, "feet" for `foot`, "NYC" for `New York`); with `opening`,
    only the span `words` open with, past an article ("lbs" for `lb`). Only a test that names
    what a thing is finds one: True (a name of some place) is no thing."""
    if not isinstance(value, str) or not value.strip():
        return None
    named = kind(value)
    if not _of_kind(named) or isinstance(named, bool):
        return None
    spots = list(_SPAN_WORD.finditer(words))
    if opening:
        spots = spots[1:4] if spots and spots[0][0].lower() in _ARTICLE else spots[:3]
    for i in range(1 if opening else len(spots)):
        for n in (3, 2, 1):
            if i + n > len(spots):
                continue
            start, end = spots[i].start(), spots[i + n - 1].end()
            while end > start and words[end - 1] in ".'-/":
                end -= 1  # "feet." ends a sentence
            if kind(words[start:end]) == named:
                return words, start, end
    return None


def _said_at(value: object, words: str) -> tuple[str, int, int] | None:
    """Where `value` is said in `words`, as (the words, start, end): a number in digits or in
    words (then `words` with numbers written in digits: "notes three and seven")."""
    if isinstance(value, str) and value.strip():
        match = _find(value.strip(), words)
        return (words, match.start(), match.end()) if match else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        from text_to_num import alpha2digit

        number = re.compile(rf"(?<![\w.]){re.escape(f'{value:g}')}(?!\w|\.\d)")  # "note 12." ends a sentence
        for text in (words, str(alpha2digit(words, "en", threshold=0))):  # "timer one"
            match = number.search(text)
            if match:
                return text, match.start(), match.end()
    return None
