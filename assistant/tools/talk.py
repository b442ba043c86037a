"""Small talk: a request that only greets, asks how the assistant is or what it is called,
thanks it or says goodbye ("how r u today" had told the time, "Remind me, what's your name
again?" read the notes, "thanks for cancelling that timer earlier" cancelled a timer). It asks
for no call, and its answer is the loop's own (`asking.NOT_ASKED`): the tuned brain writes no
words, so "how are you" had been answered "Could you say it another way?". A request with one
clause that is not small talk ("good morning, what's the weather") is the brain's, as before."""

from __future__ import annotations

import re

# The reasons small talk gives (`asking.unasked`): a greeting or a question to the assistant;
# thanks, praise or a goodbye alone.
TALK = ("small talk", "thanks")

# Small talk, a clause at a time (`small_talk`): a greeting, a question how the assistant is,
# what it is called or who made it; thanks or praise, a goodbye. Not a bare "ok", "great" or
# "morning": each may answer a question the assistant asked.
_TO_YOU = r"(?:\s+(?:assistant|computer|bot|mate|buddy|pal|friend|there|you|all|guys|love|hun|man))*"
_GREETING = (r"(?:hi+|hello|hey+|hiya|heya|yo|howdy|g'?day|greetings|sup|wassup|what'?s\s+up|"
             r"whats\s+up|good\s+(?:morning|afternoon|evening|day)|(?:morning|evening)\s+(?:all|"
             r"mate|there))" + _TO_YOU)
_HOW_ARE_YOU = (
    r"(?:how\s+(?:are|r|'?re)\s+(?:you|u|ya)|how\s+(?:is|'s)\s+(?:it\s+going|life|your\s+day|"
    r"things|everything)|how\s+have\s+(?:you|u)\s+been|how\s+do\s+you\s+do|how\s+(?:you|u)\s+"
    r"(?:doing|going|been)|(?:are\s+)?(?:you|u)\s+(?:ok|okay|alright|good|well)|did\s+(?:you|u)\s+"
    r"sleep\s+(?:well|ok|okay)|hope\s+(?:you'?re|you\s+are|ur|u\s+r)\s+(?:well|good|ok|okay|"
    r"doing\s+(?:well|ok|okay|good))|(?:are\s+)?(?:you|u)\s+having\s+a\s+good\s+day)"
    r"(?:\s+(?:doing|going|keeping))?(?:\s+(?:today|this\s+morning|this\s+evening|tonight|then|"
    r"lately))*" + _TO_YOU)
_NAME = (
    r"(?:(?:remind\s+me|tell\s+me|sorry|so|again|wait)\s*,?\s*)*(?:(?:what'?s|whats|what\s+is)\s+"
    r"your\s+name|do\s+(?:you|u)\s+have\s+a\s+name|what\s+(?:are|r)\s+(?:you|u)\s+called|what\s+"
    r"(?:you'?re|you\s+are|ur)\s+called|what\s+(?:should|do)\s+i\s+call\s+(?:you|u)|who\s+(?:are|"
    r"r)\s+(?:you|u)|who\s+(?:made|built|created|designed|programmed)\s+(?:you|u)|are\s+(?:you|u)\s+"
    r"(?:a\s+(?:robot|bot|real\s+person|person|human|computer)|real|human|an?\s+ai|alive))"
    r"(?:\s+again)?" + _TO_YOU)
# Thanks may say what for, but not ask for more ("cheers for that now delete note 3").
_THANKS = (
    r"(?:thanks|thank\s+(?:you|u)|thankyou|ty|thx|ta|cheers|much\s+appreciated|appreciate\s+"
    r"(?:it|that|you|u)|nice\s+one|(?:you'?re|ur|u\s+r)\s+(?:a\s+(?:star|legend|gem|lifesaver|life\s+"
    r"saver)|the\s+best|amazing|awesome|brilliant|so\s+helpful)|(?:you\s+)?rock|good\s+(?:job|"
    r"work|bot))(?:\s+(?:so\s+much|very\s+much|a\s+lot|a\s+bunch|loads|heaps|a\s+million|again|"
    r"as\s+always))*" + _TO_YOU +
    r"(?:\s+for\s+(?!.*\b(?:now|please|pls|can|could|set|start|delete|remove|remind|log|add|cancel|"
    r"what|how|when|where|convert|calculate|tell|check|read|list|search|find)\b).+)?")
_BYE = (r"(?:bye|goodbye|bye\s+bye|see\s+(?:ya|you)(?:\s+(?:later|tomorrow|soon))?|night\s+night|"
        r"good\s*night|ttyl|"
        r"take\s+care|catch\s+(?:you|ya)\s+later|(?:that'?s|that\s+is)\s+(?:all|everything|it)"
        r"(?:\s+for\s+(?:now|today))?|nothing\s+else|i'?m\s+(?:done|all\s+set)(?:\s+for\s+now)?|"
        r"that'?ll\s+do)" + _TO_YOU)
_CHAT = re.compile(rf"{_GREETING}|{_HOW_ARE_YOU}|{_NAME}")
_THANKED = re.compile(rf"{_THANKS}|{_BYE}")
# A clause of small talk: split at punctuation, an emoji or a dash, not at "and" ("thanks for
# checking Rome and Florence"); a leading "and", "oh", "sorry" or "great", or a trailing "lol",
# is no part of it, and a clause of those alone is none.
_TALK_CLAUSE = re.compile(r"[,.;:!?]+|[\u2190-\u2bff\U0001f000-\U0001faff]+|\s+-+\s+")
_TALK_LEAD = re.compile(r"^(?:(?:and|also|oh|so|well|anyway|ok(?:ay)?|um+|uh+|btw|sorry|excuse\s+me|"
                        r"pardon|wait|right|remind\s+me|great|cool|perfect|lovely|brilliant|"
                        r"awesome|nice|amazing)\b\s*)+|\s+(?:lol|haha+|lmao|xx?|:\)|:d)$")


def small_talk(s: str) -> str | None:
    """"small talk" where every clause of `s` (lower case) is small talk (`_CHAT`, `_THANKED`)
    and one is a greeting, a question how the assistant is or what it is called; "thanks" where
    every clause thanks or says goodbye; else None: "good morning, what's the weather" asks."""
    talk = [_TALK_LEAD.sub("", clause.strip()).strip() for clause in _TALK_CLAUSE.split(s)]
    talk = [clause for clause in talk if clause]
    if not talk or not all(_CHAT.fullmatch(c) or _THANKED.fullmatch(c) for c in talk):
        return None
    return "small talk" if any(_CHAT.fullmatch(c) for c in talk) else "thanks"


__all__ = ["TALK", "small_talk"]
