"""The loop's own words for a request the brain serves with no tool and no words of its own.

The tuned brain writes no words (`ChatSettings.words`): it was taught when to call and how,
and the base 0.5B's words are not safe to speak ("The front door is locked.", "Yes, you can
take Sudafed if you have high blood pressure.": docs/brain-eval/answers-in-words/). So small
talk gets a short reply in kind, "what can you do?" what it can do, and anything else that it
can't help with that, and what it can do. Requests for an action no tool does, and questions
that name a medicine, are answered before this, with `assistant.tools.asking.NOT_ASKED`.
"""

from __future__ import annotations

import re

ABILITIES = ("I can give the weather, set timers and reminders, take notes, convert units, do "
             "sums, tell the time and keep your medication log.")
NO_TOOL = f"I can't help with that one. {ABILITIES}"

# In order: "thanks, bye" is a goodbye, "hey thanks" thanks, "ok cool" no greeting.
SMALL_TALK = (
    (re.compile(r"\b(?:bye|goodbye|good\s?night|night\s+night|cya|see\s+(?:you|ya)|ttyl|"
                r"(?:talk|catch)\s+(?:to\s+)?(?:you|ya)\s+later|that'?s\s+all(?:\s+for\s+now)?|"
                r"have\s+a\s+(?:good|nice|great)\s+(?:one|day|night|evening|weekend))\b"),
     "Bye for now."),
    (re.compile(r"\b(?:thanks?|thank\s+(?:you|u)|thx|ty|cheers|ta|much\s+appreciated|"
                r"appreciate\s+(?:it|that|you))\b"),
     "You're welcome."),
    (re.compile(r"\b(?:wrong|misheard|mis-heard|not\s+what\s+i\s+(?:said|asked|meant|wanted)|"
                r"useless|rubbish|stupid|annoying|hopeless|you\s+(?:got|heard)\s+(?:it|that|me)\s+"
                r"wrong)\b"),
     "Sorry about that. Could you say it again?"),
    (re.compile(r"^\W*(?:hi|hello|hey|hiya|howdy|yo|g'?day|morning|evening|good\s+(?:morning|"
                r"afternoon|evening|day))\b|\bhow(?:'?s|\s+is|\s+are|\s+r)\s+(?:you|u|it\s+going|"
                r"things|your\s+day|ur\s+day)\b|\bwhat'?s\s+up\b|\bare\s+you\s+there\b"),
     "Hi! What can I do for you?"),
    (re.compile(r"\bwhat\s+(?:else\s+)?(?:can|do|could)\s+(?:you|u)\s+do\b|\bhow\s+(?:can|do)\s+"
                r"(?:you|u)\s+help\b|\bwhat\s+are\s+(?:you|u)\s+(?:able\s+to\s+do|for|good\s+at)\b|"
                r"\bwhat\s+can\s+i\s+ask\b|\byour\s+(?:skills|features|abilities)\b|^\W*help\W*$"),
     ABILITIES),
    (re.compile(r"^\W*(?:ok(?:ay)?|k|cool|nice|great|awesome|perfect|brilliant|lovely|wow|lol|"
                r"haha\w*|sweet|sound|legend|amazing|excellent|fab|good\s+(?:job|stuff)|"
                r"well\s+done)\b"),
     "Glad to help."),
)


def reply_to(request: str) -> str:
    """The loop's answer to `request`, which the brain served with no tool and said nothing
    to: a reply in kind to small talk, else what the assistant can do."""
    said = " ".join(request.lower().replace("\u2019", "'").split())
    return next((reply for pattern, reply in SMALL_TALK if pattern.search(said)), NO_TOOL)


__all__ = ["ABILITIES", "NO_TOOL", "SMALL_TALK", "reply_to"]
