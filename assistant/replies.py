"""The loop's own words for a request the brain serves with no tool and no words of its own.

The tuned brain writes no words (`ChatSettings.words`): it was taught when to call and how,
and the base 0.5B's words are not safe to speak ("The front door is locked.", "Yes, you can
take Sudafed if you have high blood pressure.": docs/brain-eval/answers-in-words/). So small
talk gets a short reply in kind, "what can you do?" what it can do, a question about the
assistant what it is; anything else asked of it, that it can't help with that and what it can
do, and anything told to it, that it heard.
Requests for an action no tool does, and questions that name a medicine, are answered before
this, with `assistant.tools.asking.NOT_ASKED`.
"""

from __future__ import annotations

import re

ABILITIES = ("I can give the weather, set timers and reminders, take notes, convert units, do "
             "sums, tell the time and keep your medication log.")
ABOUT_ME = f"I'm a voice assistant that runs on this computer. {ABILITIES}"
NO_TOOL = f"I can't help with that one. {ABILITIES}"
_YOU = r"(?:you|u)"

# In order: "thanks, bye" is a goodbye, "hey thanks" thanks, "ok cool" no greeting, "you're
# useless" a complaint, not a compliment.
SMALL_TALK = (
    (re.compile(r"\b(?:bye|goodbye|good\s?night|night\s+night|cya|see\s+(?:you|ya)|ttyl|"
                r"(?:talk|catch)\s+(?:to\s+)?(?:you|ya)\s+later|that'?s\s+all(?:\s+for\s+now)?|"
                r"have\s+a\s+(?:good|nice|great|lovely)\s+(?:one|day|night|evening|weekend))\b"),
     "Bye for now."),
    (re.compile(r"\b(?:thanks?|thank\s+(?:you|u)|thx|ty|cheers|ta|much\s+appreciated|"
                r"appreciate\s+(?:it|that|you))\b"),
     "You're welcome."),
    (re.compile(r"\bnever\s?mind\b|\bforget\s+(?:it|that|about\s+it)\b|\bno\s+worries\b|"
                r"\bdoesn'?t\s+matter\b|\bdon'?t\s+worry\b|^\W*(?:nah|no|nope)\W*$"),
     "Okay."),
    (re.compile(r"\b(?:misheard|mis-heard|misunderstood|misunderstand|not\s+what\s+i\s+(?:said|"
                r"asked|meant|wanted)|(?:got|heard)\s+(?:it|that|me)\s+wrong|that'?s\s+(?:wrong|"
                r"not\s+right)|wrong\s+(?:again|answer|one)|not\s+listening)\b"),
     "Sorry about that. Could you say it again?"),
    (re.compile(r"\bnot\s+(?:\w+\s+)?(?:helpful|useful|great|good|funny|working|right|clever|"
                r"smart)\b|"
                r"\b(?:useless|rubbish|stupid|dumb|annoying|hopeless|terrible|awful|frustrating|"
                r"pointless|garbage|crap|so\s+slow|too\s+slow|slow\s+today|(?:taking|takes?|took)\s+"
                r"(?:so|too|ages|forever)(?:\s+long)?)\b"),
     "Sorry about that."),
    (re.compile(r"^\W*(?:hi|hello|hey|hiya|howdy|yo|g'?day|morning|evening|good\s+(?:morning|"
                r"afternoon|evening|day)|top\s+of\s+the\s+morning)\b|\bhow(?:'?s|\s+is|\s+are|\s+r)\s+(?:you|u|it\s+going|"
                r"things|your\s+day|ur\s+day)\b|\bwhat'?s\s+up\b|\bare\s+you\s+there\b"),
     "Hi! What can I do for you?"),
    (re.compile(r"^\W*(?:ok(?:ay)?|k|cool|nice|great|awesome|perfect|brilliant|lovely|wow|lol|"
                r"haha\w*|sweet|sound|legend|amazing|excellent|fab|impressive)\b|"
                rf"\b{_YOU}(?:'re|\s+are|r|re)\s+(?:\w+\s+){{0,2}}?(?:helpful|clever|smart|great|"
                r"amazing|awesome|brilliant|the\s+best|a\s+star|a\s+legend|a\s+genius|good|funny|"
                r"hilarious|cool|lovely|a\s+lifesaver)\b|\b(?:good\s+(?:bot|job|work|stuff)|well\s+"
                r"done|love\s+(?:you|it|this|that)|nice\s+one|that'?s\s+(?:\w+\s+)?(?:great|amazing|"
                r"brilliant|perfect|hilarious|funny|cool|nice|awesome|helpful|lovely))\b"),
     "Glad to help."),
    (re.compile(rf"\bwhat\s+(?:else\s+)?(?:can|do|could)\s+{_YOU}\s+do\b|\bhow\s+(?:can|do)\s+"
                rf"{_YOU}\s+help\b|\bwhat\s+are\s+{_YOU}\s+(?:able\s+to\s+do|for|good\s+at)\b|"
                r"\bwhat\s+can\s+i\s+ask\b|\byour\s+(?:skills|features|abilities)\b|^\W*help\W*$|"
                rf"\b(?:things|stuff)\s+(?:can|could)\s+{_YOU}\s+(?:help|do)\b|\banything\s+{_YOU}\s+"
                r"(?:can'?t|cannot|can\s+not)\s+do\b"),
     ABILITIES),
    # A question to the assistant about itself, not a request ("can you ..." is one) nor a
    # how-to ("how do you tie a bowline").
    (re.compile(rf"^\W*(?:are|r)\s+{_YOU}\b|^\W*do\s+{_YOU}\s+(?:like|love|hate|prefer|enjoy|"
                r"have|ever|sleep|dream|think|feel|get\s+bored|need)\b|"
                rf"\b(?:do|does|can|could)\s+{_YOU}\s+(?:understand|speak|hear|remember|store|keep|"
                r"record|share|sell|send|listen|(?:still\s+)?work)\b|"
                rf"\b(?:are|r)\s+{_YOU}\s+(?:running|built|made|based|powered|trained)\b|"
                r"\bmy\s+(?:\w+\s+){0,3}?(?:stored|kept|saved|private|safe|shared|deleted)\b|"
                r"\b(?:your|ur)\s+(?:"
                r"name|age|voice|favou?rite|data|privacy|creator|maker|owner|weather|info|"
                r"information|memory|model|brain|source|sources)\b|\bwho\s+(?:made|built|created|"
                rf"owns|programmed|designed|are)\s+{_YOU}\b|\bwhat\s+(?:exactly\s+)?(?:are|r)\s+{_YOU}\b"
                r"(?!\s+(?:doing|up|able|for|good|talking|saying|on))|"
                rf"\bwhat\s+(?:model|ai|kind\s+of\s+\w+|sort\s+of\s+\w+)\s+(?:are|r)\s+{_YOU}\b|"
                rf"\bhow\s+(?:do|does)\s+{_YOU}\s+(?:work|know|hear|listen|learn|remember)\b|"
                rf"\bwhere\s+(?:do|does)\s+{_YOU}\s+(?:get|live|come\s+from|store|keep|send)\b|"
                rf"\bhow\s+old\s+(?:are|r)\s+{_YOU}\b"),
     ABOUT_ME),
)


# What no pattern knows is answered by its form: a question or a command is something asked of
# the assistant ("how do I change a flat tyre?", "open Spotify please"), anything else is told
# to it ("had the most horrendous day at work"); a bare "okra recipes" reads as told.
_FILLER = r"^(?:(?:so|ok(?:ay)?|hey|um+|uh+|erm|and|but|also|please|pls|just|quick\s+q\w*)\W+)*"
_ASKED = re.compile(
    r"\?\s*$|" + _FILLER + r"(?:what|what'?s|who|who'?s|where|where'?s|when|why|how|how'?s|which|"
    r"whose|is|isn'?t|are|aren'?t|am|was|were|do|does|did|don'?t|doesn'?t|can|can'?t|could|would|"
    r"will|won'?t|should|shall|may|might|have|has|any|anything|i\s+(?:need|want|would\s+like)|"
    r"i'?d\s+like|open|close|play|pause|stop|start|turn|switch|put|add|book|order|buy|check|find|"
    r"get|google|search|look|read|send|text|e-?mail|message|whatsapp|call|ring|phone|show|tell|"
    r"give|make|lock|unlock|download|install|print|share|post|translate|spell|define|explain|"
    r"recommend|suggest|write|draft|draw|sing|dim|set|change|update|delete|remove|cancel|clear|"
    r"schedule|navigate|take|bring|fetch|pick|help|let|go|skip|shuffle|repeat|record|scan|copy|"
    r"move|rename|save|upload|sync|connect|pair|mute|unmute|increase|decrease|raise|lower|convert|"
    r"calculate|list|remind|note|log|track|count|compare|summari[sz]e|pull|load|run|launch|"
    r"reserve|pay|transfer|stream|watch|listen)\b")
HEARD = "I hear you."


def reply_to(request: str) -> str:
    """The loop's answer to `request`, which the brain served with no tool and said nothing
    to: a reply in kind to small talk, to "what can you do?" or to a question about the
    assistant; else, for a question or a command, that it can't help and what it can do, and
    for anything told to it, that it heard."""
    said = " ".join(request.lower().replace("\u2019", "'").split())
    known = next((reply for pattern, reply in SMALL_TALK if pattern.search(said)), None)
    return known or (NO_TOOL if _ASKED.search(said) else HEARD)


__all__ = ["ABILITIES", "ABOUT_ME", "HEARD", "NO_TOOL", "SMALL_TALK", "reply_to"]
