"""The chat brain: any instruct model with a native tool-calling chat template.

One turn:
1. the conversation is rendered through the model's own template with `tools=` (the system text
   and tool list come first and are the same every turn, so the runtime's cached prefix covers
   them);
2. **the decision**: the probability that the model's next token opens a call block
   (`<tool_call>` for Qwen). At or above the brain's threshold it calls, else it answers. The
   threshold is chosen on the dev split to trade false alarms against recall;
3. a call is decoded constrained to the tool schemas (`{"name": ..., "arguments": ...}` for one
   of the request's tools) where the runtime has a grammar engine, then closed; the model may
   open another call right after. LFM2's Pythonic list (`[f(a=1), g()]`, all calls in one
   block) is decoded freely up to its end marker and checked by the parser;
4. **the name's check** (JSON calls): P(the tokens that wrote the tool's name) under the model.
   Below `name_threshold` the call is not run and the user is asked to say it another way:
   wrong tools are calls the brain is less sure of (docs/brain-eval/name-gate/);
5. an answer is decoded with the call token barred, streamed as `TextDelta`s; a tuned brain
   writes none (`ChatSettings.words`).

**Several asks.** The tuned brain writes one call and ends its turn: P(another call) after it
is 0 on requests of two asks, as it was trained on one call per turn. So a request that splits
into clauses that each open as an ask ("cancel the egg timer | and start a new one for 7
minutes") is also read one clause at a time: where every clause would call on its own, each a
different tool past the name's check (or one tool for a pair of one shape: "convert 180C to F |
convert 250g to ounces", or timers: "... and another one for 25", "8 and 12 minutes", `alike`),
the clauses' calls replace the one the brain wrote for the whole (`ClauseCalls`). Each
clause's call is written from that clause alone, so the other clause's words do not leak into
it (a timer labelled with the reminder's text).
The raw text is in the model's own format and goes through the one `outcome()`.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.engine import Message, Request, ToolSpec
from assistant.engines.chat.runtime import Decoding, Runtime, common_prefix, log_softmax
from assistant.engines.chat.template import ChatTemplate
from assistant.events import (
    CallDecision,
    CallsProposed,
    ClauseCalls,
    Event,
    NameDecision,
    TextDelta,
)
from assistant.outcome import outcome
from assistant.prompt import CHAT_PERSONA
from assistant.speech import BackendUnavailable
from assistant.toolcall import CALL_END, CALL_START

MAX_CALLS = 3  # calls in one generation ("set a timer and log my dose")
# How a call can begin besides the template's marker: small instruct models often skip the
# marker and write the JSON call bare or in a code fence (Qwen2.5-Coder 0.5B and 1.5B do,
# measured), so P(call) counts every first token that opens a JSON object or a code block.
BARE_OPENERS = ("{", '{"', "{\n", " {", ' {"', "{\n ", "{\n  ", "{{", '{{"', '>{"', "```",
                "```json", " ```", "```\n")

# Where one ask may end and another begin: a joining word (after a comma or a dash, or not),
# maybe "while you're at it" or "by the way", or a sentence's end (`_SENTENCE`), then a clause
# that opens as a request or a question does; the first clause must open so too. The brain calls
# on fragments
# and on what is not an ask ("..., 500 milligrams", "Leave the other timers alone and set a new
# one...", "Pause the pasta timer, and how many...": measured), so only clauses that open as
# asks count. A later clause may not open with the words that often begin a reminder's or a
# note's own text mid-sentence ("... and take", "... and tell her", "... and put").
_ASKS = (r"what|what's|whats|how|how's|when|when's|where|which|who|is|are|was|were|did|do|does"
         r"|can|could|would|will|should|set|start|add|log|record|remind|cancel|delete|remove"
         r"|clear|convert|calculate|work\s+out|show|list|read|check|note|jot|save|schedule"
         r"|make\s+a\s+note|tell\s+me|find|search|look\s+up|give\s+me|get\s+me|pull\s+up")
# Openers that also begin a reminder's text ("remind me to buy bread and find the receipt"): they
# open a clause after more than a bare "and" ("oh and find...", "- and find...", "and btw find").
_LOOKS = re.compile(r"(?:find|search|look\s+up|give\s+me|get\s+me|pull\s+up)\b", re.IGNORECASE)
_BARE_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
# What may stand between the joining word and the ask: "and while you're at it, what's...", "oh
# and btw is it...", "also, can you...".
_FILLER = (r"(?:,?\s*(?:while\s+(?:you'?re|ur|you\s+are)\s+at\s+it|while\s+i\s+think\s+of\s+it"
           r"|by\s+the\s+way|btw|please|pls)\b)?,?\s+")
_JOIN = re.compile(r"(?:[,;.!?]|\s+-+)?\s+(?:oh,?\s+)?(?:and|also|plus|then)(?:\s+(?:also|then))?"
                   rf"{_FILLER}(?=(?:{_ASKS})\b(?![,.!?]))", re.IGNORECASE)
# A sentence's end (not after "Dr.", "Mr.", "St.", "vs."): after a question the next sentence is
# as often a follow-up about the same thing ("When did I last take melatonin? Would it be alright
# to take another one tonight?": asks-sentences, stop 56), so it opens an ask there only as a
# request to do something (`_DO`); an exclamation ("What a day it's been.") opens none.
_SENTENCE = re.compile(r"(?<!\bdr)(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bst)(?<!\bvs)([.!?]+)\s+",
                       re.IGNORECASE)
_DO = re.compile(r"(?:(?:please|pls|can\s+(?:you|u)|could\s+(?:you|u)|would\s+(?:you|u)|will\s+"
                 r"(?:you|u))\s+(?:please\s+|pls\s+)?)?(?:set|start|add|log|record|remind|cancel|"
                 r"delete|remove|clear|convert|calculate|work\s+out|show|list|read|check|note|jot|save|"
                 r"schedule|make\s+a\s+note|tell\s+me|find|search|look\s+up|give\s+me|get\s+me|"
                 r"pull\s+up|put)\b(?![,.!?])", re.IGNORECASE)
_EXCLAIMED = re.compile(r"(?:what\s+an?|how\s+(?:nice|lovely|good|great|cool|fun|sweet|sad|awful|"
                        r"annoying|funny|weird|strange))\b", re.IGNORECASE)
# A greeting or a preamble before the first ask, left out of its clause: "hey, what's...",
# "Hiya! Can you...", "Quick one: what's...", "Thanks for earlier. Could you...".
_GREETING = re.compile(
    r"\s*(?:(?:hey|hi|hiya|hello|howdy|yo|oi|morning|good\s+(?:morning|afternoon|evening)|g'?day"
    r"|namaste|bonjour|hola|ok(?:ay)?|right|so|um+|uh+|quick\s+(?:one|question|q)"
    r"|thanks?(?:\s+(?:you|for\s+(?:earlier|before|that)))?|cheers|sorry)(?:\s+there)?"
    r"(?:\s*[,.!:;-]+\s*|\s+))+", re.IGNORECASE)
_OPENS_AS_ASK = re.compile(r"\s*(?:(?:please|can\s+you|could\s+you|would\s+you|i\s+just"
                           rf"|i've\s+just|just)\s+)?(?:{_ASKS}|put|give|tell|make|took|had"
                           r"|search|look\s+up)\b"
                           r"(?![,.!?])", re.IGNORECASE)


# Two things that different tools read, asked with one verb: "what's the time and weather in
# Paris", "show me my timers and my reminders" (asks-shared), "any timers or reminders?", "the
# weather in paris and the time in new york" (asks-shared-2). Each is an ask of its own, with the
# verb and what follows; not where the verb writes ("remind me to check the weather and time
# the roast"), and not two things of one tool ("the weather and the forecast").
_THINGS = {"time": "time", "weather": "weather", "forecast": "weather", "timers": "timers",
           "reminders": "reminders", "notes": "notes", "doses": "doses", "meds": "doses",
           "medications": "doses", "medicines": "doses"}
_THING = "|".join(_THINGS)
_JOINS = r"(?:,?\s+and|,?\s+or|\s+n|\s*&|\s*\+|\s+plus|\s+as\s+well\s+as)"
_OWN = r"(?:(?:the|my|all|all\s+my|any)\s+|(?:today|tomorrow|tmrw|yesterday|tonight|monday|tuesday"
_OWN += r"|wednesday|thursday|friday|saturday|sunday)'?s\s+)"
# The second thing right after the first ("the time and weather in X"), or after the first's
# own words ("the weather in paris and the time in new york": asks-shared-2).
_BOTH = re.compile(rf"\b(?P<a>{_THING})(?P<own>(?:\s+(?!(?:and|or|n|plus)\b)[\w'.:-]+){{0,6}}?)"
                   rf"\s*{_JOINS}\s+(?P<b>{_OWN}?(?P<thing>{_THING}))\b", re.IGNORECASE)
_DETERMINER = re.compile(rf"{_OWN}$", re.IGNORECASE)
# The word before the first thing: the verb or a determiner ("what's the best time and weather
# to visit" is not two asks).
_LEAD = re.compile(r"(?:^|\b(?:the|my|all|any|current|local|me|what|what's|whats|which|check|get"
                   rf"|show|list|read|tell|is|are)\s+|{_OWN})$", re.IGNORECASE)
# ... and the head asks for them, not about them ("how are reminders and timers different",
# "do my timers and reminders survive a restart?": no tool reads those).
_READS = re.compile(r"\s*(?:(?:please|pls|can\s+(?:you|u)|could\s+(?:you|u)|would\s+(?:you|u))\s+)?"
                    r"(?:what|what's|whats|which|how's|hows|how\s+is|show|list|read|check|tell|give"
                    r"|get|pull\s+up|any|do\s+i\s+have|have\s+i\s+got|are\s+there|is\s+there)\b",
                    re.IGNORECASE)
_WRITES = re.compile(r"\b(?:remind|note|jot|write|save|add|log|record|set|schedule|cancel|delete"
                     r"|remove|clear|put|to)\b", re.IGNORECASE)
# "and search / find / look up" is a reminder's or a note's own text after one ("remind me to
# buy bread and find the receipt"), a second ask after anything else.
_HOLDS_TEXT = re.compile(r"\b(?:remind|reminder|note|jot|write|save|add|put|to)\b",
                         re.IGNORECASE)


def _shared(clause: str) -> list[str]:
    """`clause` as the asks of two things one verb asks for, or `[clause]`."""
    both = _BOTH.search(clause)
    if both is None or _THINGS[both["a"].lower()] == _THINGS[both["thing"].lower()]:
        return [clause]
    head, tail = clause[:both.start()], clause[both.end():]
    if _WRITES.search(head) or not _LEAD.search(head) or not (
            _READS.match(head) or not head.strip(" ,.!?") or _DETERMINER.fullmatch(head)):
        return [clause]
    lead = _DETERMINER.search(head) if both["b"] != both["thing"] else None
    second = f"{head[:lead.start()] if lead else head}{both['b']}"
    if not both["own"]:
        return [f"{head}{both['a']}{tail}".strip(), f"{second}{tail}".strip()]
    # Each thing with its own words; the first's for a second with none ("the weather in rome
    # today and the time").
    return [f"{head}{both['a']}{both['own']}".strip(" ,"),
            f"{second}{tail if tail.strip(' ?!.') else both['own'] + tail}".strip()]


# Two conversions or two sums asked with one verb: "convert 180C to F, and 250g to ounces", "whats
# 15% of 80 and 20% of 45", "how many km is 10 miles and 26.2 miles" (asks-same). No clause opens
# at the second, so the brain, reading the request whole, wrote one call (or added the sums).
# Each is an ask of its own with the words before the first; only where the two are of one
# shape and end the request. asks-same-3: with no verb ("100 km to miles, 42 km to miles"), the
# target said once after both ("convert 60 kg and 75 kg to stone"), a bare amount after "also"
# ("72F in celsius, also 85F"), an "of"/"on" said again ("an 18% tip on $64 and on $92"), "by"
# after "divide", "squared".
_NUMBER = r"(?:\d+(?:[.,]\d+)?|\.\d+)"
# asks-same-4: a unit with a slash ("km/h").
_AMOUNT = (rf"(?:[$£€]\s*)?{_NUMBER}"
           r"(?:\s*(?:%|°\s*[cf]?|(?!x\s*\d|(?:and|also|or|n)\b)[a-z]+(?:/[a-z]+)?\.?))?")
_UNIT_WORDS = r"(?:°\s*)?[a-z]+(?:/[a-z]+)?\.?(?:\s+(?!(?:and|also|what|how|n)\b)[a-z]+\.?)?"
_SHAPES = {
    "conversion": rf"{_AMOUNT}\s+(?:to|in|into)\s+{_UNIT_WORDS}",
    "sum": rf"{_AMOUNT}\s*(?:%\s+of|\bof|\btimes|x|×|\*|\bplus|\+|\bminus|-|\bdivided\s+by|/|÷|"
           rf"\bover|\bmultiplied\s+by)\s*{_AMOUNT}",
    "power": rf"{_AMOUNT}\s*(?:squared|cubed|\^\s*\d+)",
    # asks-same-4: the root said before each ("sqrt of 144 and sqrt of 225").
    "root": rf"(?:(?:square|cube|sq)\s+root|sqrt|cbrt|√)\s*(?:of\s+)?{_AMOUNT}",
    "by": rf"{_AMOUNT}\s+by\s+{_AMOUNT}",
    "amount": rf"{_NUMBER}\s*[a-z]+\.?",
    "of": rf"{_AMOUNT}",
}
_SAME_HEAD = re.compile(r"\b(?:convert|what'?s|whats|what\s+is|what\s+are|how\s+(?:many|much)|"
                        r"calculate|work\s+out|figure\s+out"
                        # asks-same-4: "calc", "convert" misspelt
                        r"|calc|compute|conver|convet|convrt|cnvert|covert|conevrt|cobvert)\b",
                        re.IGNORECASE)
# asks-same-4: a topic said before the pair ("oven question: 200 celsius in fahrenheit, and 180?").
_TOPIC_HEAD = re.compile(r"\s*(?:[a-z']+\s+){0,2}[a-z']+\s*:\s*", re.IGNORECASE)
# Nothing before the pair but a word to the assistant: "quick: 9 x 12 and 11 x 13".
_BARE_HEAD = re.compile(r"(?:\s*(?:quick(?:ly)?|real\s+quick|ok(?:ay)?|hey|so|pls|please|and|also"
                        r"|now|then|um+|hmm+)\b)*[\s:,.!-]*", re.IGNORECASE)
_ASKS_AMOUNT = re.compile(r"\bhow\s+(?:many|much)\s+[a-z]+\s+(?:is|are|in)\s+$", re.IGNORECASE)
_DIVIDES = re.compile(r"\b(?:divide|multiply)\b", re.IGNORECASE)
# What an "of"/"on" said again takes: a share, a tip, a root ("sqrt of 169 and of 225").
_SHARE = re.compile(r"(?:%|\b(?:percent|tip|tax|discount|root|sqrt|square|cube)\b).*\b(?:of|on|for)\s+$",
                    re.IGNORECASE)
# asks-same-4: also after a question's end or "..." ("what's 25% of 360? also 40% of 90"),
# "n", "separately".
_SAME_JOIN = (r"(?P<join>\s*(?:[,;](?!\d{3}\b)|\?+|\.{2,}|…)\s*(?:(?:and|n)\s+|&\s*)?|\s*(?:and|&)\s+"
              r"|\s+n\s+|\s+(?=also\b|(?:what|how)\s+about\b))"
              r"(?:(?:also|separately|then)\s+|(?:what|how)\s+about\s+)?")
# asks-same-4: a remark after the pair, left out of its asks ("7 × 8 and 9 × 6 — checking my
# kid's homework", "20 C in F and 20 F in C?? always mix these up"); no number in it.
_END = r"(?P<tail>\s*[?.!]*)(?P<remark>(?:\s*[—–]|\s+-{1,2}|(?<=[?.!]))\s+[^\d]*?)?$"
_SAME = {kind: re.compile(rf"^(?P<head>.*?)(?P<a>{shape}){_SAME_JOIN}(?P<b>{shape}){_END}",
                          re.IGNORECASE)
         for kind, shape in _SHAPES.items() if kind != "of"}
_TARGET = rf"(?P<to>to|in|into)\s+(?P<unit>{_UNIT_WORDS})"
# Both amounts, then the target once ("15 C and 30 C in F"; "350F and 425F, what are those in C").
_POOLED = re.compile(rf"^(?P<head>.*?)(?P<a>{_AMOUNT}){_SAME_JOIN}(?P<b>{_AMOUNT})\s*,?\s*"
                     rf"(?P<those>(?:what|how\s+much|how\s+many)\s*(?:'s|is|are|r)\s+"
                     rf"(?:those|these|they|that|them|each)\s+)?{_TARGET}{_END}", re.IGNORECASE)
# A conversion, then a bare amount for the same target ("whats 72F in celsius, also 85F").
_ALSO = re.compile(rf"^(?P<head>.*?)(?P<a>{_AMOUNT})\s+{_TARGET}{_SAME_JOIN}(?P<b>{_AMOUNT}){_END}",
                   re.IGNORECASE)
_OF_AGAIN = re.compile(rf"^(?P<head>.*?\b(?P<prep>of|on|for|in)\s+)(?P<a>{_AMOUNT}){_SAME_JOIN}"
                       rf"(?P=prep)\s+(?P<b>{_AMOUNT}){_END}", re.IGNORECASE)
# An amount with no unit takes the other's only where no number comes before the pair ("convert 5
# and 10 kg to lbs"; not "20% of 150 and 5 km in miles").
_DIGIT = re.compile(r"\d")
_UNIT_OF = re.compile(rf"^(?:[$£€]\s*)?{_NUMBER}\s*(?P<unit>.*)$", re.IGNORECASE)


def _unit_said(amount: str) -> str:
    """The unit written after `amount`'s number, as compared: "30 C" and "15c" alike."""
    unit = _UNIT_OF.match(amount.strip())
    return "" if unit is None else unit["unit"].lower().replace("°", "").rstrip(".s ").strip()


def _converts_to(unit: str) -> bool:
    """Whether the converter knows `unit` as a measure ("F", "stone"; not "take meds")."""
    from assistant.tools.units import unit_of  # pint: only for a request shaped like a pair

    return unit_of(unit.rstrip(".")) is not None  # "lbs..."


def _heads(kind: str, head: str, units: Sequence[str] = ()) -> bool:
    """Whether `head`, the words before a pair of `kind`, asks for it: its verb, nothing but a
    word to the assistant (conversions then only into units the converter knows), "divide" for
    "by", a share for an "of" said again."""
    if kind == "amount":
        return bool(_ASKS_AMOUNT.search(head))
    if kind == "in":  # "how many ml in 1 tsp and in 1 tbsp"; not "how many calories in ..."
        asked = _ASKS_AMOUNT.search(head)
        return asked is not None and all(_converts_to(u) for u in (asked[0].split()[2], *units))
    if kind == "by":
        return bool(_DIVIDES.search(head))
    if kind == "of":
        return bool(_SHARE.search(head))
    if _SAME_HEAD.search(head):
        return True
    bare = _BARE_HEAD.fullmatch(head) or (_TOPIC_HEAD.fullmatch(head) and not _WRITES.search(head))
    return bool(bare) and all(_converts_to(u) for u in units)


# Words after a pair that take part of it back or change it: no remark.
_UNSAYS = re.compile(r"\b(?:never\s*mind|nvm|forget|scratch|ignore|just|only|actually|instead|not|no"
                     r"|don'?t|skip|cancel|wait|rather)\b", re.IGNORECASE)


def _ask_after(pair: re.Match[str] | None) -> bool:
    """Whether the words after `pair` ask something more (". remind me to ...") or take part of
    it back (". oh never mind the height"), so are no remark to leave out ("— checking my kid's
    homework")."""
    said = (pair["remark"] or "") if pair else ""
    return bool(said) and bool(_WRITES.search(said) or _UNSAYS.search(said)
                               or _OPENS_AS_ASK.match(said.lstrip(" —–-")))


def _repeated(clause: str) -> list[str]:
    """`clause` as two asks of one shape its verb asks for, or `[clause]`."""
    for kind, same in _SAME.items():
        both = same.match(clause)
        if _ask_after(both):
            continue
        units = [_target(both[k]) for k in ("a", "b")] if both and kind == "conversion" else []
        if both is None or not _heads(kind, both["head"], units):
            continue
        return [f"{both['head']}{both['a']}{both['tail']}".strip(),
                f"{both['head']}{both['b']}{both['tail']}".strip()]
    if (pooled := _POOLED.match(clause)) and not _ask_after(pooled):
        a, b = pooled["a"].strip(), pooled["b"].strip()
        ua, ub = _unit_said(a), _unit_said(b)
        head = "convert " if pooled["those"] else pooled["head"]
        if (ua == ub or not (ua or _DIGIT.search(head))) and ub \
                and _heads("conversion", head, [pooled["unit"]]):
            a = a if ua else f"{a} {b[len(b) - len(b.lstrip('$£€0123456789.,')):].strip()}"
            to = f" {pooled['to']} {pooled['unit']}{pooled['tail']}"
            return [f"{head}{a}{to}".strip(), f"{head}{b}{to}".strip()]
    if (also := _ALSO.match(clause)) and not _ask_after(also):
        a, b = also["a"].strip(), also["b"].strip()
        ua, ub = _unit_said(a), _unit_said(b)
        if (ub == ua or not (ub or _DIGIT.search(also["head"]))) \
                and _heads("conversion", also["head"], [also["unit"]]):
            b = b if ub else f"{b}{a[len(a) - len(a.lstrip('$£€0123456789.,')):]}"
            to = f" {also['to']} {also['unit']}{also['tail']}"
            return [f"{also['head']}{a}{to}".strip(), f"{also['head']}{b}{to}".strip()]
    if (again := _OF_AGAIN.match(clause)) and not _ask_after(again) and \
            _heads(*(("in", again["head"], [_unit_said(again[k]) for k in "ab"])
                     if again["prep"].lower() == "in" else ("of", again["head"]))):
        return [f"{again['head']}{again['a']}{again['tail']}".strip(),
                f"{again['head']}{again['b']}{again['tail']}".strip()]
    return [clause]


def _target(conversion: str) -> str:
    """The unit a conversion converts into ("5 km to miles" -> "miles")."""
    found = re.search(rf"\s(?:to|in|into)\s+(?P<unit>{_UNIT_WORDS})\s*[?.!]*$", conversion,
                      re.IGNORECASE)
    return found["unit"] if found else ""


_ONE = {kind: re.compile(rf"^(?P<head>.*?)(?:{shape})\s*[?.!]*$", re.IGNORECASE)
        for kind, shape in _SHAPES.items()}


def _shape(clause: str) -> tuple[str, str] | None:
    """The shape of `clause` and the words before it, where it is one of `_repeated`'s pair."""
    for kind, one in _ONE.items():
        m = one.match(clause)
        if m is None:
            continue
        if _SAME_HEAD.search(m["head"]) if kind == "amount" else \
                _heads(kind, m["head"], [_target(clause)] if kind == "conversion" else ()):
            return kind, m["head"].lower()
    return None


def alike(parts: Sequence[str], names: Sequence[str], text: str = "") -> bool:
    """Whether the clauses `parts` that call one tool (`names`, each clause's) are each a pair
    of one shape asked with one verb (`_repeated`: "convert 180C to F" | "convert 250g to
    ounces"), which may call it twice (asks-same-2), or the two timers `text` asks for
    (`_two_timers`)."""
    if text and len(parts) > 1 and list(parts) == _two_timers(text[_asked_from(text):].strip()):
        return True
    for name in set(names):
        shapes = {_shape(p) for p, n in zip(parts, names, strict=True) if n == name}
        if len([n for n in names if n == name]) > 1 and (None in shapes or len(shapes) > 1):
            return False
    return True


# Two timers asked in one request: "set a timer for 10 min for the rice and another one for 25 for
# the chicken", "start a 5 min timer and a 20 min one" (timers-two). No clause opens at the
# second, so the brain wrote one timer (or one of 5 minutes 20 seconds). The second is asked as
# "set a timer ..." with the first's unit where its number has none.
_SPANS = r"hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s"
_SPAN_WORD = rf"(?:{_SPANS})\b"
_A_SPAN = re.compile(rf"(?P<n>\d+(?:\.\d+)?)\s*-?\s*(?P<unit>{_SPAN_WORD})", re.IGNORECASE)
_COUNT = (r"(?:\d|(?:a|an|half|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
          r"|fifteen|twenty|thirty|forty|fifty|sixty|ninety)\b)")
_ANOTHER = re.compile(
    r"^(?P<first>.*?\btimer\b.*?)\s*,?\s*(?:and|&|plus|then)\s+(?:also\s+)?(?:set\s+|start\s+)?"
    r"(?:another|a\s+second|a\s+2nd|one\s+more)\b(?P<rest>.*?)\s*[?.!]*$", re.IGNORECASE)
# What follows "another": "one"/"timer" maybe, then a duration, maybe after a label ("a second
# one for sauce, 20 min"); not another thing ("and another reminder at 6").
_ANOTHER_REST = re.compile(rf"^(?=(?P<lead>\s*(?:(?:one|timer)\b)?\s*[,:-]?\s*))(?P=lead)"
                           rf"(?P<rest>(?!(?:reminders?|notes?|alarms?|doses?)\b)(?=.*?{_COUNT})\S.*)$",
                           re.IGNORECASE)
# Time added to a timer is no second one: "add 5 minutes to the timer and another 2 to the oven one".
_ADDS = re.compile(r"\s*(?:add|extend|put\s+(?:another|on\s+another))\b", re.IGNORECASE)
_ONE_MORE = re.compile(
    rf"^(?P<first>.*?\b(?P<n>\d+(?:\.\d+)?)\s*-?\s*(?P<unit>{_SPAN_WORD})\s*timer\b.*?)\s*,?\s*"
    rf"(?:and|&)\s+(?:an?\s+)(?P<m>\d+(?:\.\d+)?)\s*-?\s*(?P<unit2>{_SPAN_WORD})?\s*one\b"
    r"(?P<rest>.*?)\s*[?.!]*$", re.IGNORECASE)


def _two_timers(text: str) -> list[str]:
    """`text` as the asks of two timers it holds ("... and another one for 25 for the chicken"),
    or `[text]`."""
    if more := _ONE_MORE.match(text):
        unit = more["unit2"] or more["unit"]
        return [more["first"].strip(" ,"), f"set a {more['m']} {unit} timer{more['rest']}".strip()]
    if (another := _ANOTHER.match(text)) and (first := _A_SPAN.search(another["first"])) and \
            (more_rest := _ANOTHER_REST.match(another["rest"])) and not _ADDS.match(text):
        rest = more_rest["rest"]
        if not re.match(r"(?:for|of|on|lasting)\s", rest, re.IGNORECASE):
            rest = f"for {rest}"
        # "for 25 for the chicken" after "10 min": 25 minutes.
        rest = re.sub(rf"^(for\s+\d+(?:\.\d+)?)(?!\s*-?\s*{_SPAN_WORD}|\d|\.\d)",
                      rf"\1 {first['unit']}", rest, flags=re.IGNORECASE)
        return [another["first"].strip(" ,"), f"set a timer {rest}".strip()]
    return _timer_lengths(text)


# Timers asked in other ways (timers-two-2): a list ("pasta 9 min, sauce 20"), one unit for
# both ("two timers: 8 and 12 minutes"), "timers for 30 seconds and 90 seconds". Each length said
# is a timer of its own, with the words beside it that say what it is for; not a request that
# also reminds, adds time, cancels or lists, and not one length said in parts ("1 hour and 20
# minutes", "1h20m").
_TIMERS_ASKED = re.compile(r"\btimer+s?\b|\btime\s+(?:both|each|them|all)\b"
                           # timers-two-3: "time the cookies 12 min and the brownies 25 min"
                           r"|(?:^|[,.;:!?]\s*|\b(?:you|u|pls|please|plz)\s+)time\s+(?:the|my|our)\b",
                           re.IGNORECASE)
_NOT_NEW_TIMERS = re.compile(r"\b(?:remind\w*|alarms?|cancel\w*|stop|kill|delete|list|left|"
                             r"remaining|how|add(?:ed)?|extend|pause|snooze"
                             # a length corrected, taken back or in doubt; a time, another ask
                             r"|no|nah|nope|wait|sorry|actually|oops|mean|scratch|correction|make\s+(?:it|the|that)|don'?t"
                             r"|forget|skip|never\s*mind|nvm|or|whatever|instead|hang\s+on|till?|until"
                             r"|after|before|what'?s|whats|convert|log|took|weather|already|running)\b|->",
                             re.IGNORECASE)
_LENGTH = re.compile(
    rf"(?<![\d:.])(?P<n>\d+(?:\.\d+)?)(?![\d:])(?:\s*-?\s*(?P<unit>{_SPANS})(?![a-z])"
    r"|(?!\s*(?:-\s*)?(?:x\b|timers?\b|am\b|pm\b|%|"
    r"(?!(?:and|or|for|on|to|then|also|plus)\b)[a-z])))", re.IGNORECASE)
_RANK = {"h": 3, "m": 2, "s": 1}
_NEXT_UNIT = {"h": "minutes", "m": "seconds"}
# timers-two-3: lengths said in words are read in digits ("an hour", "two hours", "half an hour").
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                 "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90}
_SAID_NUMBER = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_IN_DIGITS = (
    (re.compile(r"\b(?:an?|one)\s+hour\s+and\s+a\s+half\b", re.IGNORECASE), "90 minutes"),
    (re.compile(r"\b(?:half\s+an?|a\s+half)\s+hour\b", re.IGNORECASE), "30 minutes"),
    (re.compile(r"\b(?:an?\s+)?quarter\s+(?:of\s+)?an?\s+hour\b", re.IGNORECASE), "15 minutes"),
    (re.compile(r"\ban?\s+(hour|minute)\b", re.IGNORECASE), r"1 \1"),
    (re.compile(rf"\b((?:{_SAID_NUMBER})(?:[\s-]+(?:{_SAID_NUMBER}))*)"
                rf"(?=\s*-?\s*(?:{_SPANS})\b)", re.IGNORECASE),
     lambda m: str(sum(_NUMBER_WORDS[w] for w in re.split(r"[\s-]+", m[1].lower())))),
    # A bare one after "for" in a list: "one for ten minutes and one for twenty".
    (re.compile(rf"(?<=\bfor\s)(?!one\b)({_SAID_NUMBER})"
                r"\b(?![\s-]*(?:of|more|people|persons?|kids?|eggs?|\w+s)\b)", re.IGNORECASE),
     lambda m: str(_NUMBER_WORDS[m[1].lower()])),
)
# "two 10 minute timers", "3 timers of 5 min each": that many timers of one length.
_TIMES = {"2": 2, "3": 3, "two": 2, "three": 3, "a couple of": 2, "couple of": 2, "a pair of": 2}
_ONE_LENGTH = rf"\d+(?:\.\d+)?\s*-?\s*(?:{_SPANS})\b"
_COUNTED = re.compile(
    rf"\b(?P<count>{'|'.join(_TIMES)})\s+(?:(?:x|separate|identical)\s+)?(?:(?P<a>{_ONE_LENGTH})\s*timers\b"
    rf"|timers\s*,?\s*(?:(?:for|of|at)\s+|both\s+|each\s+)?(?P<b>{_ONE_LENGTH}))", re.IGNORECASE)
# A bare number before "and (a)" and a length takes its unit: "a 15 and a 20 minute timer".
_UNIT_AFTER = re.compile(rf"\s*(?:and|&)\s+(?:an?\s+)?{_ONE_LENGTH}", re.IGNORECASE)
# A number with no unit is a length only in a list: after "and", "&", a comma, "for", "then".
_LISTED = re.compile(r"(?:\band|&|,|:|\bfor|\bthen|\bplus|\balso)\s*$", re.IGNORECASE)
# What a timer is for, said after its length: "for the cake", "called tea", "work timer".
_FOR_WHAT = re.compile(r"\s*(?:timer\s+|one\s+)?(?:on\s+)?(?:for|called)\s+"
                       r"(?P<what>(?:the\s+|my\s+)?[a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,2})"
                       r"|\s*(?P<what2>[a-z][\w'-]*)\s+timer\b", re.IGNORECASE)
_NOT_LABEL = frozenset({
    "a", "about", "all", "also", "an", "and", "another", "are", "around", "at", "be", "both",
    "called", "can", "could", "do", "each", "ends", "first", "for", "get", "gimme", "give", "go",
    "going", "hey", "i", "in", "is", "it", "just", "like", "make", "me", "my", "n", "need", "needs",
    "of", "ok", "okay", "on", "one", "other", "please", "pls", "plus", "plz", "put", "quick",
    "roughly", "second", "separate", "set", "so", "start", "thank", "thanks", "that", "the", "them",
    "then", "these", "third", "this", "those", "three", "time", "timer", "timerr", "timers", "to",
    "two", "u", "wanna", "want", "with", "would", "you",
})


def _label(words: str) -> str:
    """What the `words` beside a length say the timer is for, or ""."""
    kept = [w for w in re.findall(r"[a-z][a-z'-]*", words.lower()) if w not in _NOT_LABEL]
    return " ".join(kept[-3:])


def _timer_lengths(text: str) -> list[str]:
    """`text` as one "set a timer" ask per length it says, where it asks for timers and says
    two or more (timers-two-2), or a count of one length (timers-two-3); or `[text]`."""
    if not _TIMERS_ASKED.search(text) or _NOT_NEW_TIMERS.search(text) or _ADDS.match(text):
        return [text]
    for words, digits in _IN_DIGITS:
        text = words.sub(digits, text)
    found = list(_LENGTH.finditer(text))
    lengths: list[list[Any]] = []  # [start, end, n, unit]
    for m in found:
        unit = (m["unit"] or "").lower()
        last = lengths[-1] if lengths else None
        # One length in parts: "1 hour and 20 minutes", "1h20m", "2 hours 15 minutes".
        if last and last[3] and unit and _RANK[unit[0]] < _RANK[last[3][0]] and \
                re.fullmatch(r"\s*(?:and\s+)?", text[last[1]:m.start()], re.IGNORECASE):
            last[1], last[2] = m.end(), f"{last[2]} {last[3]} {m['n']}"
            last[3] = unit
            continue
        # Its last unit left out: "dishwasher 1hr 5" (timers-two-3).
        if last and last[3] and not unit and last[3][0] in _NEXT_UNIT and \
                text[last[1]:m.start()].isspace() and len(m["n"]) <= 2:
            last[1], last[2] = m.end(), f"{last[2]} {last[3]} {m['n']}"
            last[3] = _NEXT_UNIT[last[3][0]]
            continue
        if not unit and not _LISTED.search(text, 0, m.start()) and not _UNIT_AFTER.match(text, m.end()):
            continue  # "set a 20 min timer, the oven is at 180": no length
        lengths.append([m.start(), m.end(), m["n"], unit])
    if len(lengths) == 1 and (counted := _COUNTED.search(text)):
        return [f"set a timer for {counted['a'] or counted['b']}"] * _TIMES[counted["count"].lower()]
    if len(lengths) < 2 or not any(u for *_, u in lengths):
        return [text]
    parts = []
    for i, (start, end, n, unit) in enumerate(lengths):
        # A bare number takes the unit said after it, else the one before ("8 and 12 minutes").
        unit = unit or next((u for *_, u in lengths[i + 1:] if u), "") or \
            next((u for *_, u in reversed(lengths[:i]) if u), "")
        before = text[lengths[i - 1][1] if i else 0:start]
        after = _FOR_WHAT.match(text, end)
        said = _label(after["what"] or after["what2"]) if after else \
            _label(re.split(r"[,;:.!?]|\band\b", before)[-1])
        parts.append(f"set a timer for {n} {unit}" + (f" for {said}" if said else ""))
    return parts


def _holds_text(clause: str) -> bool:
    """Whether `clause`, before "and find ...", carries a reminder's or a note's text."""
    return bool(_HOLDS_TEXT.search(clause))


def _asked_from(text: str) -> int:
    """Where the asks of `text` begin: after a greeting that an ask follows ("hey, set ...")."""
    greeting = _GREETING.match(text)
    return greeting.end() if greeting and _OPENS_AS_ASK.match(text, greeting.end()) else 0


# A second ask said bare, a conversion or a sum after a joining word or a comma: "whats 15% of 86,
# and 72F in celsius?" (asks-bare). Its own ask where it ends the request or its clause, converts
# into a unit the converter knows, and is no second part of one measure ("2 feet and 3 inches").
_BARE = rf"(?:{_SHAPES['conversion']}|{_SHAPES['sum']}|{_SHAPES['power']})"
_BARE_JOIN = re.compile(
    rf"(?:\s*[,;](?!\d{{3}}\b)\s*|\s+)(?:(?:and|also|then|&)\s+(?:also\s+)?)?"
    rf"(?:(?:what|how)\s+about\s+)?(?=(?P<bare>{_BARE})\s*[?.!]*\s*(?:$|[,;]|[.!?]\s))", re.IGNORECASE)
# What holds a list or a text the amounts may belong to: "remind me to buy 2 kg of flour and ...".
_HOLDS_AMOUNTS = re.compile(r"\b(?:remind\w*|note|notes|jot|write|memo|list|buy|get|grab|pick\s+up"
                            r"|shopping|recipe|need)\b", re.IGNORECASE)
_CORRECTS = re.compile(r"\b(?:no|nope|wait|sorry|actually|oops|typo|mean|rather|instead|other\s+way"
                       r"|scratch|not)\b", re.IGNORECASE)
_LAST_MEASURE = re.compile(rf"(?P<n>{_NUMBER})\s*(?P<unit>[a-z]+)\.?\s*$", re.IGNORECASE)


# Before a bare ask, what names a thing a tool does opens an ask too: "weather in leeds and 10 km
# in miles", "5 min timer, and 20% of 80".
_NAMES_A_THING = re.compile(rf"\b(?:{_THING}|timer|reminder|note)\b", re.IGNORECASE)


def _bare_ask(text: str, join: re.Match[str], at: int) -> bool:
    """Whether the bare conversion or sum after `join` is an ask of its own (`_BARE_JOIN`)."""
    before, bare = text[at:join.start()], join["bare"]
    if not join[0].strip():
        return False  # no joining word nor comma: one phrase
    end = join.end() + len(bare)
    if len(_repeated(text[at:end].strip())) > 1 or _UNSAYS.search(text, end):
        return False  # a pair of one shape (`_repeated`'s), or one taken back after it
    if _HOLDS_AMOUNTS.search(before) or _CORRECTS.search(before):
        return False  # "convert 70 kg to lbs. no wait, other way round, 70 lbs to kg": one
    if re.match(r"\d+\s*/\s*\d", bare) and re.search(r"\d\s*$", before):
        return False  # "how many ml in 1 and 1/2 tsp", "add 3/4 and 2/3": one number, one sum
    target = _target(bare)
    if target and not _converts_to(target):
        return False
    last, said = _LAST_MEASURE.search(before), _UNIT_OF.match(bare.strip())
    unit = said["unit"].split()[0] if said and said["unit"].split() else ""
    # "convert 2 feet and 3 inches to cm": one measure in two parts.
    return not (last and unit and _dimension(last["unit"]) and
                _dimension(last["unit"]) == _dimension(unit))


def _dimension(unit: str) -> str:
    """What `unit` measures, as the converter reads it, or ""."""
    from assistant.tools.units import measure_of

    return measure_of(unit.rstrip(".")) if unit else ""


def clauses(text: str) -> list[str]:
    """`text` split into the asks it holds: clauses joined by a joining word or a sentence's
    end, each opening as an ask, a greeting before the first left out, two things asked with
    one verb (`_shared`), and two conversions or sums of one shape (`_repeated`); `[text]` where
    it does not split so."""
    start = _asked_from(text)
    if len(pair := _repeated(text[start:].strip())) > 1:
        return pair  # "convert 3 miles to km and what about 10": not cut at "what"
    if len(timers := _two_timers(text[start:].strip())) > 1:
        return timers
    joins = sorted([*_JOIN.finditer(text, start), *_SENTENCE.finditer(text, start),
                    *_BARE_JOIN.finditer(text, start)], key=lambda m: m.start())
    cuts, at, bare = [], start, False
    for join in joins:
        if join.start() < at:
            continue  # a sentence's end the joining word after it already cut at
        if join.re is _SENTENCE and not _opens_after(text, join):
            continue
        if join.re is _BARE_JOIN:
            if not _bare_ask(text, join, at):
                continue
            bare = True
        if (_BARE_AND.fullmatch(join[0]) and _LOOKS.match(text, join.end())
                and _holds_text(text[at:join.start()])):
            continue  # "remind me to buy bread and find the receipt": one reminder
        cuts.append(text[at:join.start()])
        at = join.end()
    parts = [c.strip() for c in (*cuts, text[at:]) if c.strip(" ,.;!?-")]
    opens = bool(parts) and (_OPENS_AS_ASK.match(parts[0]) or (bare and _NAMES_A_THING.search(parts[0])))
    if len(parts) < 2 or not opens:
        parts = [text[start:].strip()] if start else [text]
    asks = [ask for part in parts for shared in _shared(part) for ask in _repeated(shared)]
    return asks if len(asks) > 1 else [text]


# A sentence that refers back to the one before is no ask of its own: "...? Give me both.",
# "... delete it", "Is 5 ml even the right amount...?" after "Add 5ml of ..." (asks-sentences-2's
# guard): a word that points back, or a number or a rarer word of the sentence before said again.
# "One" is a new thing of the same kind: "cancel the pasta timer. set one for 12 min" asks twice.
_BACK = re.compile(r"\b(?:it|its|both|them|that|those|this|these|either|each|same)\b",
                   re.IGNORECASE)
_WORD = re.compile(r"[a-z]{4,}|\d+(?:\.\d+)?")
_COMMON = frozenset({
    "what", "when", "where", "which", "whats", "with", "have", "from", "your", "about", "there",
    "time", "today", "tomorrow", "please", "could", "would", "should", "just", "that", "this",
    "then", "also", "much", "many", "long", "last", "next", "like", "know", "tell", "give",
    "show", "make", "they", "them", "their", "been", "will", "into", "over", "some", "right"})


def _refers_back(before: str, after: str) -> bool:
    """Whether the sentence `after` points back to `before`, the one said before it."""
    said = {w for w in _WORD.findall(before.lower()) if w not in _COMMON}
    again = {w for w in _WORD.findall(after.lower()) if w not in _COMMON}
    return bool(_BACK.search(after) or said & again)


def _opens_after(text: str, end: re.Match[str]) -> bool:
    """Whether the sentence after `end` (a `_SENTENCE`) opens an ask of its own: as a request
    to do something after a question, as any ask after a statement, never as an exclamation,
    a sentence that refers back to the one before (`_refers_back`) or where a joining word
    opens it (`_JOIN` cuts there)."""
    at = end.end()
    if _EXCLAIMED.match(text, at) or _JOIN.match(text, end.start()):
        return False
    before = re.split(r"[.!?]+\s+", text[:end.start()])[-1]
    after = re.split(r"(?<=[.!?])\s+", text[at:])[0]
    if _refers_back(before, after):
        return False
    if "?" in end[1]:
        return bool(_DO.match(text, at))
    return bool(re.match(rf"(?:{_ASKS})\b(?![,.!?])", text[at:], re.IGNORECASE))


@dataclass(frozen=True)
class ChatSettings:
    call_threshold: float = 0.5
    # P(the tool name it wrote) below which a call is not run: the user is asked to say it
    # another way (`unsure_reply`). 0 runs every call. Chosen for the default brain on four
    # sets we did not write, judged on a fifth (docs/brain-eval/name-gate/).
    name_threshold: float = 0.3
    unsure_reply: str = "Sorry, I'm not sure what you'd like me to do. Could you say it another way?"
    constrain: bool = True  # grammar-constrained calls where the runtime has a grammar engine
    max_call_tokens: int = 400  # enough for the bounded schema; real calls are ~20-40
    max_reply_tokens: int = 96
    # Whether the brain answers in its own words. A tuned brain does not: it was taught when
    # to call and how, and no words (finetune/chat.py); it mostly ends its turn at once, forced
    # on it writes garbage, and its rare words were mostly false ("Mount Everest" for Africa's
    # tallest mountain: docs/brain-eval/no-tool-answers-3/). Its reply is then empty: the loop
    # speaks a tool's summary, its own answer, or asks for other words.
    words: bool = True
    system: str = CHAT_PERSONA
    by_clause: bool = True  # a request of several asks is also read one clause at a time


# Bounds on strings and arrays in the grammar, so a constrained call always closes within
# `max_call_tokens` (a token is at least one character). llama.cpp also refuses grammars with
# long bounded repeats (a note's maxLength of 1000 is one), so longer bounds are cut to these:
# a spoken request's argument is far shorter.
MAX_STRING, MAX_ITEMS = 200, 16


def bounded(schema: Any) -> Any:
    """`schema` with every string's `maxLength` and every array's `maxItems` at most the bounds
    above (added where the tool's schema has none)."""
    if isinstance(schema, list):
        return [bounded(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: bounded(v) for k, v in schema.items()}
    kinds = out.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "string" in kinds and "enum" not in out:
        out["maxLength"] = min(int(out.get("maxLength", MAX_STRING)), MAX_STRING)
    if "array" in kinds:
        out["maxItems"] = min(int(out.get("maxItems", MAX_ITEMS)), MAX_ITEMS)
    return out


_NAME = re.compile(r'\s*\{\s*"name"\s*:\s*"([^"\\]*)"')


def name_confidence(runtime: Runtime, body: Sequence[int],
                    logprobs: Sequence[float]) -> tuple[str, float] | None:
    """The tool a JSON call body names, and P(the tokens that wrote its name, through its closing
    quote) under the model; None when the body does not open with a name."""
    match = _NAME.match(runtime.detokenize(body))
    if match is None or len(logprobs) != len(body):
        return None
    first, quote = match.start(1), match.end(1)  # `quote`: where the closing quote is
    logp = 0.0
    for i, lp in enumerate(logprobs):  # tokens in order, up to the one holding the quote
        end = len(runtime.detokenize(body[:i + 1]))
        if end > first:
            logp += lp
        if end > quote:
            break
    return match.group(1), math.exp(logp)


def call_schema(tools: Sequence[ToolSpec]) -> dict[str, Any]:
    """JSON schema of one call to one of `tools`, in the Qwen/Hermes shape."""
    return {"oneOf": [
        {"type": "object",
         "properties": {"name": {"const": t.name}, "arguments": bounded(dict(t.parameters))},
         "required": ["name", "arguments"], "additionalProperties": False}
        for t in tools]}


class ChatEngine:
    """An `Engine` over a `Runtime`: text in, a call or an answer out."""

    native_audio = False

    def __init__(self, runtime: Runtime, settings: ChatSettings | None = None,
                 name: str = "chat") -> None:
        self.runtime = runtime
        self.settings = settings or ChatSettings()
        self.name = name
        self.template = ChatTemplate(runtime.chat_template, runtime.bos, runtime.eos)
        fmt = self.template.call_format
        if not self.template.supports_tools or fmt is None:
            raise BackendUnavailable(
                f"{name}: the model's chat template has no tool calling this engine knows "
                "(Qwen2.5 <tool_call> or LFM2 <|tool_call_start|>); use a tool-calling instruct "
                "model")
        self.format = fmt
        self.call_start, self.call_end = fmt.start, fmt.end
        self._open = runtime.tokenize(self.call_start)
        self._close = runtime.tokenize(self.call_end)
        self._openers = frozenset(
            {self._open[0], *(t for s in BARE_OPENERS for t in self._single(s))})
        stops = {runtime.eos, "<|im_end|>", "<|endoftext|>", "<|im_start|>"}
        self._stop = frozenset(t for s in stops if s for t in self._single(s))
        self._schemas: dict[tuple[str, ...], str] = {}
        self._heads: dict[tuple[str, ...], list[int]] = {}

    @property
    def openers(self) -> frozenset[int]:
        """The tokens whose probability is P(call): the marker's first token and bare openers."""
        return self._openers

    def _single(self, piece: str) -> list[int]:
        ids = self.runtime.tokenize(piece)
        return ids if len(ids) == 1 else []

    def transcribe(self, audio: object) -> str:
        raise NotImplementedError("a chat brain reads text: the cascade engine does the ASR")

    def prompt(self, request: Request) -> str:
        return self.template.render(self.template.messages(request.history, self.settings.system),
                                    request.tools)

    def p_call(self, ids: Sequence[int]) -> float:
        """P(the next token opens a call): the marker's first token or a bare JSON object's."""
        logp = log_softmax(self.runtime.logits(ids))
        return float(sum(math.exp(float(logp[t])) for t in self._openers))

    def head(self, request: Request) -> list[int]:
        """The prompt's tokens that do not depend on the conversation (system text, tool list):
        the common prefix of this prompt and one for another conversation."""
        key = (self.settings.system, *(t.name for t in request.tools),
               *(m.text for m in request.history if m.role == "system"))
        if key not in self._heads:
            system = tuple(m for m in request.history if m.role == "system")
            a = self.runtime.tokenize(self.prompt(replace(request, history=(
                *system, Message("user", text="a")))))
            b = self.runtime.tokenize(self.prompt(replace(request, history=(
                *system, Message("user", text="b")))))
            self._heads.clear()  # one tool set at a time
            self._heads[key] = a[:common_prefix(a, b)]
        return self._heads[key]

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        self.runtime.preload(self.head(request))
        ids = self.runtime.tokenize(self.prompt(request))
        p = self.p_call(ids) if request.tools else 0.0
        yield CallDecision(p_call=p, threshold=self.settings.call_threshold)
        if request.tools and p >= self.settings.call_threshold:
            by_clause = yield from self._clause_calls(request, cancel)
            raw, named = by_clause or self._calls(ids, request.tools, cancel)
            if named is not None:
                name, p_name = named
                written = outcome(self._our_markers(raw))
                yield NameDecision(name=name, p_name=p_name,
                                   threshold=self.settings.name_threshold, raw=raw,
                                   calls=written.calls if isinstance(written, CallsProposed) else ())
                if p_name < self.settings.name_threshold:
                    raw = self.settings.unsure_reply
            yield TextDelta(raw)
        elif self.settings.words:
            raw = yield from self._answer(ids, cancel)
        else:
            raw = ""
        yield outcome(self._our_markers(raw))

    def _our_markers(self, raw: str) -> str:
        """The parser reads our (LFM2) markers; a native block is rewritten to them."""
        return raw.replace(self.call_start, CALL_START).replace(self.call_end, CALL_END)

    def _schema(self, tools: Sequence[ToolSpec]) -> str | None:
        if not (self.settings.constrain and self.runtime.supports_grammar):
            return None
        key = tuple(t.name for t in tools)
        if key not in self._schemas:
            self._schemas[key] = json.dumps(call_schema(tools))
        return self._schemas[key]

    def _clause_calls(self, request: Request, cancel: threading.Event
                      ) -> Generator[Event, None, tuple[str, tuple[str, float]] | None]:
        """The calls of the newest request's clauses, each read on its own (module docstring),
        when every clause calls a different tool past the name's check; else None (the
        generator's value)."""
        last = request.history[-1] if request.history else None
        if (not self.settings.by_clause or not self.format.json_body or last is None
                or last.role != "user" or not last.text):
            return None
        parts = clauses(last.text)
        if len(parts) < 2:
            return None

        def ids_of(part: str) -> list[int]:
            history = (*request.history[:-1], replace(last, text=part))
            return self.runtime.tokenize(self.prompt(replace(request, history=history)))

        prompts = [ids_of(part) for part in parts]
        p_calls = [self.p_call(ids) for ids in prompts]
        blocks: list[str] = []
        named: list[tuple[str, float]] = []
        if min(p_calls) >= self.settings.call_threshold:
            for ids in prompts:
                raw, this = self._calls(ids, request.tools, cancel, most=1)
                if this is None or this[1] < self.settings.name_threshold:
                    break
                named.append(this)
                blocks.append(raw)
        names = tuple(name for name, _ in named)
        used = len(blocks) == len(parts) and (len(set(names)) == len(names) or
                                              alike(parts, names, last.text))
        yield ClauseCalls(clauses=tuple(parts), p_calls=tuple(p_calls),
                          threshold=self.settings.call_threshold, names=names, used=used)
        return ("\n".join(blocks), named[0]) if used else None

    def _calls(self, ids: list[int], tools: Sequence[ToolSpec], cancel: threading.Event,
               most: int = MAX_CALLS) -> tuple[str, tuple[str, float] | None]:
        """Decode up to `most` call blocks (the first one was already decided on); with the
        first call's tool name and the model's confidence in it."""
        if not self.format.json_body:
            return self._pythonic_calls(ids, cancel), None
        rt = self.runtime
        newline = rt.tokenize("\n")
        schema = self._schema(tools)
        seq = list(ids)
        blocks: list[str] = []
        named = None
        for _ in range(most):
            seq += self._open + newline
            body_ids = list(rt.generate(seq, Decoding(self.settings.max_call_tokens, self._stop,
                                                      schema=schema, logprobs=not blocks), cancel))
            if not blocks:
                named = name_confidence(rt, body_ids, rt.token_logprobs)
            body = rt.detokenize(body_ids)
            if schema is None and self.call_end in body:  # free decoding wrote its own end
                body = body[:body.index(self.call_end)]
            ends_line = body.endswith("\n")  # Qwen's `}}\n` token: the newline is written
            body = body.strip()
            blocks.append(f"{self.call_start}\n{body}\n{self.call_end}")
            if len(blocks) == most:
                break
            seq += body_ids + ([] if ends_line else newline) + self._close
            # Another call? Qwen separates blocks with a newline.
            nxt = int(rt.logits(seq).argmax())
            if nxt not in self._openers:
                if nxt in self._stop:
                    break
                seq.append(nxt)
                if int(rt.logits(seq).argmax()) not in self._openers:
                    break
        return "\n".join(blocks), named

    def _pythonic_calls(self, ids: list[int], cancel: threading.Event) -> str:
        """One block holding a Pythonic list of calls (LFM2): decoded freely up to its end
        marker; the parser checks it and a bad one goes back through validate-and-retry."""
        close = frozenset(self._close) if len(self._close) == 1 else frozenset()
        body_ids = list(self.runtime.generate(
            [*ids, *self._open], Decoding(self.settings.max_call_tokens, self._stop | close),
            cancel))
        body = self.runtime.detokenize(body_ids)
        body = body.split(self.call_end, 1)[0].strip()
        return f"{self.call_start}{body}{self.call_end}"

    def _answer(self, ids: list[int], cancel: threading.Event) -> Generator[Event, None, str]:
        """Stream an answer in words; returns its text (the generator's value)."""
        rt = self.runtime
        out: list[int] = []
        text = ""
        banned = self._openers  # an answer in words: no call, marked or bare
        for token in rt.generate(ids, Decoding(self.settings.max_reply_tokens, self._stop,
                                               banned=banned), cancel):
            out.append(token)
            new = rt.detokenize(out)
            if new.endswith("\ufffd"):  # half a UTF-8 character: wait for the rest
                continue
            if len(new) > len(text):
                yield TextDelta(new[len(text):])
            text = new
        return rt.detokenize(out).strip()


__all__ = ["ChatEngine", "ChatSettings", "alike", "call_schema", "clauses", "name_confidence"]
