"""Small talk answered in kind. The tuned brain writes no words where it calls no tool, so a
request it made no call for had been answered "Sorry, I couldn't work out how to do that. Could
you say it another way?", "thanks so much!" and "good morning" too. Where every clause of such a
request is small talk, the loop answers it in kind (`answer`): a greeting, a question how the
assistant is, what it is called or who made it, with a greeting and what it can do; thanks or
praise with "You're welcome"; a goodbye with a goodbye. One clause of anything else ("good
morning, what's the weather", "thanks, the cake was burnt though") keeps the apology. No call
is changed: small talk beside a request the brain called for runs the call as before.

A request that is no small talk and that no tool could have done is answered for what it is
(`unanswered`): a question that names no tool's topic ("what's a prime number again") is told
what the tools do, the user's news ("meeting got moved to 3pm again, so annoying") that it was
heard. Anything that names a tool's topic, a medicine or a number keeps the apology: it may be
a request the brain missed, and other words may get it done."""

from __future__ import annotations

import re

GREETING = ("Hello! I'm your desktop assistant, and all's well here. I can set timers and "
            "reminders, take notes, log your medicines, tell you the time and the weather, and "
            "do sums and conversions.")
WELCOME = "You're welcome."
GOODBYE = "Bye for now."
LATER = "Just ask when you need me."

# Small talk, a clause at a time (`kinds`): a greeting, a question how the assistant is,
# what it is called or who made it; thanks or praise, a goodbye. Not a bare "ok", "great" or
# "morning": each may answer a question the assistant asked.
_TO_YOU = r"(?:\s+(?:assistant|computer|bot|mate|buddy|pal|friend|there|you|all|guys|love|hun|man))*"
_GREETING = (r"(?:hi+|hello|hey+|hiya|heya|yo|howdy|g'?day|greetings|sup|wassup|what'?s\s+up|"
             r"whats\s+up|good\s+(?:morning|afternoon|evening|day)|(?:morning|evening)\s+(?:all|"
             r"mate|there))" + _TO_YOU)
_HOW_ARE_YOU = (
    r"(?:how\s+(?:are|r|'?re)\s+(?:you|u|ya)|how(?:\s+is|'s|s)\s+(?:it\s+going|life|your\s+day|"
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
    r"(?:(?:many\s+)?thanks|thank\s+(?:you|u)|thankyou|ty|tysm|thx|ta|cheers|much\s+appreciated|"
    r"appreciate\s+(?:it|that|you|u)|nice\s+one|(?:you'?re|ur|u\s+r)\s+(?:a\s+(?:star|legend|gem|lifesaver|life\s+"
    r"saver)|the\s+best|amazing|awesome|brilliant|so\s+helpful)|(?:you\s+)?rock|good\s+(?:job|"
    r"work|bot))(?:\s+(?:so\s+much|very\s+much|a\s+lot|a\s+bunch|loads|heaps|a\s+million|again|"
    r"as\s+always))*" + _TO_YOU +
    r"(?:\s+for\s+(?!.*\b(?:now|please|pls|can|could|set|start|delete|remove|remind|log|add|cancel|"
    r"what|how|when|where|convert|calculate|tell|check|read|list|search|find)\b).+)?")
_BYE = (r"(?:(?:good\s*)?bye(?:\s+bye)?(?:\s+for\s+now)?|later|laters|cya|"
        r"see\s+(?:ya|you)(?:\s+(?:later|tomorrow|soon))?|night\s+night|"
        r"good\s*night|ttyl|"
        r"take\s+care|catch\s+(?:you|ya)\s+later|(?:that'?s|that\s+is)\s+(?:all|everything|it)"
        r"(?:\s+for\s+(?:now|today))?|nothing\s+else|i'?m\s+(?:done|all\s+set)(?:\s+for\s+now)?|"
        r"that'?ll\s+do)" + _TO_YOU)
_KINDS = {"greeting": re.compile(rf"{_GREETING}|{_HOW_ARE_YOU}|{_NAME}"),
          "thanks": re.compile(_THANKS), "goodbye": re.compile(_BYE)}
# A clause of small talk: split at punctuation, an emoji or a dash, not at "and" ("thanks for
# checking Rome and Florence"); a leading "and", "oh", "sorry" or "great", or a trailing "lol",
# is no part of it, and a clause of those alone is none (a face is taken out first: `_FACE`).
_TALK_CLAUSE = re.compile(r"[,.;:!?]+|[\u2190-\u2bff\U0001f000-\U0001faff]+|\s+-+\s+")
_TALK_LEAD = re.compile(r"^(?:(?:and|also|oh|so|well|anyway|ok(?:ay)?|um+|uh+|btw|sorry|excuse\s+me|"
                        r"pardon|wait|right|remind\s+me|great|cool|perfect|lovely|brilliant|"
                        r"awesome|nice|amazing)\b\s*)+|\s+(?:lol|haha+|lmao|xx?)$")
# A face typed with punctuation is no clause of its own: "good morning :)".
_FACE = re.compile(r"(?<!\w)[:;=8x]-?[()dDpP3/|]+(?!\w)|<3")


def kinds(text: str) -> frozenset[str]:
    """The kinds of small talk `text` is ("greeting", "thanks", "goodbye"), where every clause
    is one of them; else none: "good morning, what's the weather" asks for more."""
    text = _FACE.sub(" ", text)
    clauses = [_TALK_LEAD.sub("", c.strip()).strip() for c in _TALK_CLAUSE.split(text.lower())]
    found = [{k for k, p in _KINDS.items() if p.fullmatch(c)} for c in clauses if c]
    return frozenset().union(*found) if found and all(found) else frozenset()


# A request the brain did nothing for, where no other answer stands, that no tool could have
# done: a question that names no tool's topic, or the user's news (unanswered). Saying it
# another way cannot help there; anything that names a tool's topic still asks for other words,
# since it may be a request the brain missed.
_TOOLS_TOPIC = (
    r"timers?|countdown|alarms?|remind\w*|nudge|ping|wake|notes?|jot|write|written|save|remember|"
    r"lists?|schedule\w*|calendar|log\w*|doses?|pills?|tablets?|meds?|medicines?|medication|took|"
    r"taken|take|had|puffs?|mg|ml|weather|forecast|rain\w*|snow\w*|sunny|sun|cloudy|cold|hot|warm|"
    r"chilly|freezing|temperature|degrees|umbrella|coat|jacket|wind\w*|storm\w*|humid\w*|"
    r"convert\w*|units?|kilo\w*|km|miles?|pounds?|lbs?|kgs?|grams?|ounces?|oz|lit(?:re|er)s?|cups?|"
    r"\w*spoons?|feet|foot|inch\w*|met(?:re|er)s?|cm|mm|celsius|fahrenheit|mph|stones?|gallons?|tons?|tonnes?|"
    r"pints?|percent|plus|minus|times|divided|multiplied|squared|root|total|sum|tip|split|"
    r"minutes?|mins?|hours?|hrs?|seconds?|secs?|how\s+(?:much|many|far|long|big|heavy|tall)")
_TIMES = (r"time\w*|clock|o'?clock|date|day|days|today|tonight|tomorrow|week|month|year|morning|"
          r"evening|afternoon|noon|midnight|am|pm|monday|tuesday|wednesday|thursday|friday|"
          r"saturday|sunday|now|when")
_NEWS_TOPIC = re.compile(rf"(?:\b|(?<=\d))(?:{_TOOLS_TOPIC})\b")
# News tells something: a verb told ("the kettle" is a fragment, maybe a request half said): a
# word after "I" or "we", a third person's ("my gran lives..."), or a verb people tell news with.
_TELLS = re.compile(r"^(?:i|we|they|he|she)\s+\w|^(?:my|our|the|his|her|their)\s+\w+\s+\w+s\b|"
                    r"\w'(?:s|re|m|ve|d|ll)\b|\b(?:is|are|was|were|am|be|been|im|ive|has|have|got|"
                    r"gets|went|came|lost|won|made|said|told|saw|left|found|bought|paid|ran|fell|"
                    r"broke|sold|met|feel|feels|felt|love|hate|start|starts|\w{3,}ed|\w{3,}ing)\b")
_QUESTION_TOPIC = re.compile(rf"(?:\b|(?<=\d))(?:{_TOOLS_TOPIC}|{_TIMES})\b|\d")
_QUESTION = re.compile(r"\?|^\W*(?:(?:ok(?:ay)?|so|hey|um+|hmm+|quick\s+question)\W+)*(?:what|what'?s|"
                       r"whats|who|who'?s|where|where'?s|why|which|how|how'?s|is|are|was|were|do|"
                       r"does|did|can|could|will|would|should|shall)\b")


def unanswered(text: str) -> str | None:
    """The answer to `text`, a request the brain did nothing for, where no tool could have done
    it: a question that names no tool's topic is told what the tools do; the user's news, that
    it was heard ("meeting got moved to 3pm again, so annoying"). Else None: "say it another
    way" may get a missed request done."""
    from assistant.tools.asking import ADVICE_UNNAMED, NOT_ASKED, plain, told_news
    from assistant.tools.medication import names_a_medicine

    s = plain(text)
    if names_a_medicine(s):
        return None
    if told_news(s) and _TELLS.search(s) and not _NEWS_TOPIC.search(s):
        return NOT_ASKED["news told"]
    if _QUESTION.search(s) and not _QUESTION_TOPIC.search(s):
        return ADVICE_UNNAMED
    return None


def answer(text: str) -> str | None:
    """The answer in kind to `text` when it is only small talk; else None. A greeting answers
    greetings (with thanks or a goodbye beside it too); thanks and a goodbye are both answered."""
    said = kinds(text)
    if "greeting" in said:
        return GREETING
    if said:
        return " ".join([WELCOME] * ("thanks" in said) + [GOODBYE] * ("goodbye" in said) + [LATER])
    return None


__all__ = ["GOODBYE", "GREETING", "LATER", "WELCOME", "answer", "kinds", "unanswered"]
