"""Whether a request asks for what a call would do, or only talks about it.

A brain tuned to log doses logs one whenever a request names a drug and an amount: "is 800
milligrams of advil too much at once" became a dose taken, and so did "my wife took two Nurofen
this morning". A dose logged that was not taken corrupts the log the user later asks "when did I
last take it?" of. So a tool declares the reasons its call is not run for (`Tool.held_back_by`),
and `unasked` reads them in the newest request. A tool that writes the user's own medicine
record (`RECORD`) is held back when the request:

- asks for advice: "can I take two more now", "is that too much", "is that normal", "what's
  the best time to take it", "do I need to eat first";
- tells of someone else's medicine: "my mum takes her metformin at 8 and 8";
- tells of the past: "years ago I took my thyroxine at 6", "back when I did night shifts";
- says a plan not made: "the doctor might move me to twice a day";
- tells what a doctor, nurse, pharmacist or vet said or changed: "my doctor doubled my
  sertraline to 100mg", "the pharmacist said to take 2 puffs before running";
- says not to: "don't log it", "no need to write that down".

Words that ask for the record ("log it", "can you put down", "set up", "remind me") keep the
call, whatever else the request says, unless they are said not to be done. A feeling said
beside a dose does not unsay it ("ugh, two imodium after my third trip to the loo" is a dose
taken), so feelings are not a reason.

A reminder or a note (`set_reminder`, `add_note`) is held back for the same reasons: "should I
take my statin in the morning or at night?" sets no reminder. A question for advice about a
medicine, not of the past and asking for no record, holds back the call of any tool but a sum or
a conversion (`COUNTS`), and gets the advice answer: "How many times a day can you use Sudafed?"
had read the clock in Tokyo (the loop's test: `Conversation._asks_advice`).

The clock (`get_time`: the time now, here or in a place) is held back when the request asks
when a thing happens ("what time does the pharmacy close", "when's kick-off"): no tool knows.

A timer is neither set nor listed for a countdown to a day, a date, a time or an event ("how long
until 5pm" had set a 5-hour timer, "how many days till friday" listed the timers): no tool counts
down to one. Nor is the clock read in a place the request does not name ("How many days until
Easter?" -> the time in 'Easter'; the loop's test: `grounding.place_unsaid`): the time and date
here, or in the place said, half answer it and are read. A later clause that asks for the call
again lifts the hold, as for an action no tool does (below): "how long until 5pm? actually just
set a 20 minute timer" sets it.

A timer, a cancel or a delete is held back when the request says not to, too (`said_not_to`).
A tool names what it does (`Tool.action`: "timer", "reminder", "note", ...), and a "don't"
holds back a call when the words after it name that action ("I don't need a reminder for
that"), or keep something and name no action ("don't save that", "don't bother"): "no
reminder, just a 10 minute timer" still sets the timer. "Don't forget to remind me" and "don't
let me forget" ask; a "not" inside what is asked for is what is saved ("remind me not to add
sugar at 6", "note to self: never microwave the lid"). A cancel or a delete is also held back
when the "don't" names what it would undo ("nah no timer" cancels nothing), unless the request
asks for the undoing ("I don't need the pasta timer anymore", "cancel it"), or says not to keep
it ("note 8 can go, there's no need to keep it"). "Hold off (on)" says not to like "don't", the
words after "don't have to" are what it says not to do, and putting it off until the user says
so ("not yet, I'll tell you when", "wait till I say go") holds back every call that would write
or delete. Each hold is lifted when a later clause asks again, in the imperative ("not yet,
not yet... okay now, start a 2 minute timer", "don't delete note 6, delete note 16").

Any call is held back when the request leads with an action no tool does (`ANY_TOOL`): "text
Sarah that I'll be there by six" is not a reminder, "pause the spuds timer" not a cancelled one.
Only the leading verb counts, after fillers ("ok", "can you", "I need you to"), so "remind me to
text Sarah" is a reminder; "text me at 6" and "ring me" are left to the brain. A later clause
that asks for a call in the imperative, naming its action or none, is still done ("pause the
pasta timer and set a new one for 5 minutes"); for a tool that only reads, a later question
that names what it is about ("play some jazz, and how many kilometres is 26.2 miles?"; not "who
won the World Cup in 1966?"), and for the clock, not of the past ("what time was it in Tokyo when
the quake hit?"). The weather keeps the hold: four writers found four ways a question names the
weather and is not a forecast ("how cold does it get at the South Pole in winter?",
`docs/brain-eval/asked-after-5/`).

A change to a reminder ("move the gym reminder to 7", "I need the vet reminder moved", "make
the laundry reminder repeat every week") holds back any call but an undoing one: no tool
changes a reminder, and a new one would leave the old one to fire (the brain wrote a daily
medicine schedule for "make the water the plants reminder repeat every day").

A question about the assistant itself holds back any call too: a limit ("how many notes can I
save"), whether a kind of thing can be done at all ("can you set alarms or only timers?", "can
reminders repeat?"), how it works or keeps things ("do you save my notes in the cloud?"), or
getting back what was deleted. The brain had listed the reminders for "how far ahead can I set a
reminder?". Its answer says what the assistant can and cannot do.

The cancel is not run for a question whether a thing was cancelled ("was my flight to Denver
cancelled?"), nor for a thing no tool keeps ("cancel my flight", "stop my spotify premium").

Nor does any call run for the user's own plan, or a decline, that asks for nothing
(`own_plan`): "I'll check the forecast on the telly later" had read the weather in "telly", "I'll
use the microwave timer, don't worry about it" cancelled a timer, "No need to write that down,
it's already in my paper diary." cancelled "paper diary". Nor for a deed of the user's own,
told with or without an "I" ("already jotted the garage door code on the fridge whiteboard" saved
a note), though not a dose told, which the log keeps ("took 400mg ibuprofen at 2"). A wish or a
need ("I'll need a reminder at 5"), what the user will be ("I'll be late"), and a plan or a deed
beside a request ("I'm off to the gym, set a 45 minute timer"; "gonna be in Leeds tomorrow,
what's the weather like?"; "already preheated the oven, start a 35 minute timer") ask.

Nor is a reminder set or a note saved for the user's news, told and asking for nothing
(`told_news`): "my dentist appointment is thursday at 2:30, not looking forward to it" and "picked
up the kids at 3:15 and we got ice cream" had each set a reminder. A word that asks for one ("my
flight leaves at 6, remind me at 4", "the dentist is at 3, don't let me forget"), a question, a
clause that opens as a request, or a need ("I need to call mum at 5") asks; a dose told is logged.

Nor does any call run for a thing the request says to leave as it is ("Leave the egg timer
alone", "keep the pizza timer running": the brain had cancelled the one and set a second
timer for the other), unless another clause, before or after, asks for a call ("cancel the pizza
timer but keep the others running"; `left_as_it_is`).

Nor does any call run for a question how to do a thing ("how do i set the timer on my
microwave" set a timer labelled "panasonic"; `asked_how`), of a tool that sets, saves, logs or
cancels, or of one that only reads where another device or app is named.

The user is told what was not done, and what would do it (`NOT_ASKED`): a fixed answer, not the
brain's, since a small model asked about doses may give dosing advice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_PEOPLE = (r"mum|mom|mother|dad|father|wife|husband|partner|boyfriend|girlfriend|fianc[eé]e?|son|"
           r"daughter|kids?|child|children|baby|toddler|boy|girl|nan|nana|gran|granny|grandma|"
           r"grandmother|grandad|granddad|grandpa|grandfather|brother|sister|friend|mate|"
           r"flatmate|roommate|housemate|neighbou?r|aunt|auntie|uncle|cousin|colleague|patient|"
           r"cat|dog|puppy|kitten|pet")
_ASK = re.compile(r"\b(?:log(?:ged)?|record(?:ed)?|put\s+(?:it\s+|that\s+|them\s+)?(?:down|in)|"
                  r"note\s+(?:it|that|down|to\s+self)|(?:make|take|leave)\s+a\s+note|jot|add|"
                  r"set\s*up|set\s+(?:it|that|them|this)\s+up|schedule|save|track|remind(?:ers?)?|write\s+(?:it\s+|that\s+)?down|"
                  r"mark|nudge|(?:ping|alert|wake)\s+me|don'?t\s+let\s+me\s+forget)\b|\bnote\s*:")
# Saying not to: a negation, then the few words of its clause that say what not to do.
_NEGATION = re.compile(r"\b(?:don'?t|do\s+not|no\s+need|never|hold\s+off)\b|(?P<short>\bnot\b|\bskip\b|"
                       r"(?:^|[,.;!?]\s*|\b(?:nah|and|but|so|just|please|ok(?:ay)?)\s+)no\b)")
# "You don't have to start a timer": what is said not to is after the "to".
_MODAL = re.compile(r"^\s*(?:(?:have|need|got|want)\s+to|gotta|wanna)\s+")
# Putting it off until the user says so: nothing is set, cancelled or deleted now.
_LATER = re.compile(r"\bnot\s+yet\b|\b(?:un)?till?\s+i\s+(?:say|tell)\b|\bwhen\s+i\s+say\s+(?:so|go)\b|"
                    r"\b(?:i'?ll|i\s+will)\s+(?:tell\s+you|let\s+you\s+know|say)\s+when\b|"
                    r"\bleave\s+(?:it|that|them)\s+(?:for\s+now|alone|be)\b")
_BREAK = re.compile(r"[,.;!?]|\b(?:but|and|just|instead|so|because|or|then|i'?ll|i\s+will|i'?m)\b")
# Asked again later in the request, in a clause of its own that is an unnegated imperative
# ("okay now, start a 2 minute timer", "delete note 16", "make it 40 minutes"): a hold on the
# call it names, or on any when it names none, is lifted. "I'll set it myself" is no request.
_CLAUSE = re.compile(r"[,.;!?]+|\b(?:but|and|so|then|instead|or)\b")
_AGAIN = re.compile(r"^\s*(?:(?:ok(?:ay)?|alright|right|actually|now|just|please|yes|yeah|fine|"
                    r"go\s+ahead\s+and|(?:can|could|would|will)\s+(?:you|u)|you\s+can)\b\s*)*"
                    r"(?:start|set|make|put|add|delete|remove|cancel|stop|kill|get\s+rid|bin|scrap|"
                    r"save|note|jot|write|remind|log|record|create|go\s+(?:ahead|for\s+it|now|on)|"
                    r"do\s+it)\b")
# A question or an instruction of any kind, for a tool that only reads ("... then tell me what
# 15 percent of 240 is", "..., and what time is it in Glasgow?").
_QUESTION = re.compile(r"^\s*(?:(?:ok(?:ay)?|also|plus|oh|right|so|now|then|please|actually|but|"
                       r"just|while\s+you'?re\s+at\s+it|by\s+the\s+way|btw)\b[\s,]*)*"
                       r"(?:what|what'?s|whats|when|where|which|who|how|is|are|was|do|does|did|can|"
                       r"could|will|would|should|tell|read|show|list|give|convert|work\s+out|"
                       r"check|find|look\s+up|search)\b|\?")
_WHY_ASKED = re.compile(r"^\s*(?:why|how\s+come)\b")  # a question `_QUESTION` leaves out
_LAST = re.compile(r"\b(?:last|since|ago)\b|\bwhen\W*$")  # "since my last", "codeine - when?"
_FORGET = re.compile(r"\bforget")
# What a tool does, as people name it: a tool declares one (`Tool.action`). A "don't" that
# names another action leaves its call alone ("no reminder, just a 10 minute timer").
ACTIONS = {
    "timer": r"timers?|countdown|alarms?",
    "reminder": r"remind(?:ers?)?|alarms?|nudge|ping",
    "note": r"notes?|jot|write|written|notepad",
    "dose": r"doses?|pills?|tablets?|meds?|medicines?",
    "schedule": r"schedules?|routine|every\s+day|daily",
    "cancel": r"cancel|stop|kill|end|turn\s+off|switch\s+off|delete|remove|clear|wipe|erase",
    "delete": r"delete|remove|clear|wipe|erase|bin|get\s+rid",
}
_ACTION = {name: re.compile(rf"\b(?:{words})\b") for name, words in ACTIONS.items()}
# What tools do whose requests ask "how much" or "how many" of their own accord ("the calpol
# says 7.5 ml - how many teaspoons is that"): a question for advice about a medicine holds back
# the call of any tool but these (`Conversation._asks_advice`).
COUNTS = frozenset({"convert", "sum"})
# What a tool that only reads is about, as people name it in a question (`Tool.action` of a
# reading tool: a key of ACTIONS or of TOPICS). Not the weather (above), which names none.
TOPICS = {
    "time": r"time|clock|o'?clock|date|day\s+is\s+it",
    "convert": r"convert\w*|in\s+(?:kilo\w*|km|miles?|pounds?|lbs?|kgs?|grams?|ounces?|oz|"
               r"lit(?:re|er)s?|ml|cups?|tablespoons?|teaspoons?|feet|foot|inch\w*|met(?:re|er)s?|"
               r"cm|mm|celsius|fahrenheit|mph|stones?|gallons?|pints?)|how\s+many\s+\w+\s+(?:in|is|are)",
    "sum": r"percent|plus|minus|times|divided|multiplied|squared|square\s+root|split|add\s+up|"
           r"total|\d\s*[-+*/x÷%]\s*\d",
    "dose": ACTIONS["dose"] + r"|medication|took|taken|take|had",
}
_TOPIC = {name: re.compile(rf"(?:\b|(?<=\d))(?:{words})\b")
          for name, words in {**ACTIONS, **TOPICS}.items()}
# The topics whose tools answer only now and ahead: a question of the past is not theirs ("what
# time was it in Tokyo when the quake hit?"), where the user's own records are ("when did I last
# take my metformin?").
_NOW_AND_AHEAD = ("time",)
_PAST = re.compile(r"\b(?:was|were|did|had|has\s+been|have\s+been|used\s+to|yesterday|ago|"
                   r"last\s+(?:night|week|weekend|month|year|summer|winter|spring|autumn|fall|"
                   r"christmas|time)|back\s+(?:in|then|when)|in\s+(?:1[0-9]|20)\d\d)\b")
# What an undoing action undoes: a "don't" that names it holds the undoing back too ("nah no
# timer" cancels nothing), unless the request asks for the undoing ("I don't need the pasta
# timer anymore", "no more reminders about the gym, cancel them", "never mind the tea timer").
_UNDOES = {"cancel": ("timer", "reminder"), "delete": ("note",)}
_UNDO = re.compile(r"\b(?:cancel\w*|stop\w*|kill|scrap|get\s+rid|delete|remove|clear|wipe|erase|"
                   r"bin|turn\s+off|switch\s+off|any\s?more|no\s+longer|never\s+mind)\b")
# Words that say to keep something, naming no action: "don't save that" is said of any. But
# for a cancel or a delete, "no need to keep it" asks for it ("don't save that" may not).
_KEEP = re.compile(r"\b(?:log|record|save|keep|store|put|add|set|make|bother|track|mark|"
                   r"anything)\b")
_KEPT = re.compile(r"\b(?:keep|hold\s+on\s+to|hang\s+on\s+to)\s+(?!an?\b|track\b)")  # not "a note"
# Leaving a thing as it is, in a clause of its own that leads with it, after fillers: "Leave
# the egg timer alone", "no no, keep the pizza timer running", "let the rice timer finish",
# "hands off my pharmacy reminder". Not "keep a note that...", "let me know when...", or "keep it
# going for another 5 minutes" (which asks for more).
_AS_IT_IS = re.compile(
    r"(?:^|[,.;:!?]\s*|\b(?:and|but|so|then|or)\s+)"
    r"(?:(?:no|nah|ok(?:ay)?|hey|wait|please|pls|just|actually|um+|uh+|oh|hang\s+on|hold\s+on)\b"
    r"[\s,.!]*|(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|(?:i\s+(?:need|want)|"
    r"i'?d\s+like)\s+(?:you|u)\s+to\s+)*"
    r"(?:(?:leave|keep|let(?=\s+(?:the|my|that|this|those|these|our|your|both|all|them|it)\b))"
    r"(?!\s+(?:a|an)\b)\s+(?:[\w'-]+\s+){0,4}?(?:timers?|reminders?|alarms?|notes?|countdowns?|"
    r"it|them|that|those|ones?|others|rest)\s+(?:alone|be|running|going|ticking|on|as\s+(?:it|"
    r"they)\s+(?:is|are)|where\s+(?:it|they)\s+(?:is|are)|finish\w*|run|ring|go\s+off|carry\s+"
    r"on|in\s+place|(?:un)?touched|there)\b(?!\s+(?:another|(?:for\s+)?(?:another|an?|one|two|"
    r"three|four|five|ten|fifteen|twenty|thirty|\d))\b)"
    r"|hands\s+off\b|(?:don'?t|do\s+not)\s+(?:touch|mess\s+with)\b)")
# The user's own plan or a decline, leading the request after fillers (`own_plan`): "I'll check
# the forecast on the telly later", "gonna take my lipitor after dinner", "don't worry about it",
# "no need to write that down". Not a wish or a need ("I'll need a reminder at 5", "I'm going to
# want", "I'll have to"), nor what the user will be ("I'll be late, so ..."; "from monday I'll be
# on ...": a schedule told), nor "don't forget".
_FILLERS = (r"(?:(?:ok(?:ay)?|eh|oh|um+|uh+|erm|hmm+|right|so|nah|no|well|actually|anyway|alright|"
            r"cool|cheers|thanks|ta|fine|honestly|yeah|yep)\b[\s,.!]*)*")
_OWN_PLAN = re.compile(
    rf"^{_FILLERS}(?:(?:i'?ll|i\s+will|i'?m\s+(?:going\s+to|gonna)|gonna|i\s+can|i'?m\s+about\s+to)"
    r"\s+(?:just\s+|probably\s+|prob\s+|definitely\s+|then\s+|myself\s+)*"
    r"(?!(?:need|want|like|wish|have\s+to|be|ask|tell|say|let\s+you|forget|rain|snow|hail|pour|"
    r"drizzle|freeze|thunder)\b)[a-z]+"
    r"|(?:don'?t|do\s+not)\s+(?:you\s+)?worry\b|no\s+worries\b|(?:i'?ve|i)\s+got\s+(?:it|this)\b"
    r"|(?P<no>(?:there'?s\s+)?no\s+need|(?:you\s+)?(?:don'?t|do\s+not)"
    r"(?!\s+(?:forget|let\s+me\s+forget)\b)(?:\s+(?:have|need)\s+to)?)\b)")
# A deed of the user's own, told in the past, leading the request after fillers (`own_plan`,
# `_deed`): "already jotted the garage door code on the fridge whiteboard", "I've cancelled the
# dentist myself", "booked the MOT for the 14th".
_DEED = re.compile(rf"^{_FILLERS}(?P<who>(?:i|we)(?:'?ve|\s+have|\s+had|'?d)?\s+)?"
                   r"(?P<how>(?:(?:already|just|finally|also|actually|even)\s+)*)"
                   r"(?P<verb>[a-z]+)\b\s*(?P<next>[\w']*)")
# Past forms with no "-ed" to show them.
_DONE = re.compile(r"wrote|written|stuck|rang|rung|sent|made|paid|bought|lent|spent|sold|told|"
                   r"kept|left|went|gone|found|brought|caught|thought|drove|ran|ate|drank|fed|"
                   r"slept|woke|came|began|built|drew|fell|felt|heard|held|knew|lost|met|rode|saw|"
                   r"sat|spoke|stood|threw|won|wore|understood")
# Past forms that read the same as an instruction: a deed only after "I", "we" or "already", or
# where a later clause says it is handled ("put a 20 min timer on the oven for the pie, all
# sorted").
_DONE_OR_ASKED = frozenset({"set", "put", "read", "cut"})
_HANDLED = re.compile(r"\b(?:all\s+(?:sorted|good|done|set)|(?:that'?s|it'?s)\s+(?:handled|sorted|"
                      r"done)|we'?re\s+(?:good|sorted|all\s+set)|fyi)\b")
# "-ed" words that tell no deed done: a wish, a miss, an attempt, a worry; and "hundred".
_NOT_DONE = re.compile(r"wanted|needed|wondered|hoped|missed|tried|asked|used|worried|supposed|"
                       r"interested|confused|scared|hundred")
# What follows a regular past that tells a deed: its object or a particle ("deleted the old
# notes", "noted down"), not a noun of its own ("saved notes" asks for them).
_OBJECT = re.compile(r"(?:the|my|a|an|that|this|those|these|our|his|her|their|all|some|it|them|"
                     r"everything|up|down|out|off|in|into|on|to|for|with|at|by|from|back|over|"
                     r"myself|ourselves|already|and)?")
# A dose told, in any of its words: the dose log keeps "took 400mg ibuprofen at 2", "finally
# remembered to take my metformin".
_DOSE_TOLD = re.compile(r"\b(?:take|took|taken|taking|had|popped|gave|given|swallowed|injected|"
                        r"injections?|jabs?|applied|sprayed|sprays?|inhaled|inhalers?|puffs?|"
                        r"tablets?|pills?|caps(?:ules)?|doses?|drops|units?|meds?|medicines?|"
                        r"medications?|insulin|patch(?:es)?|creams?|gels?|ointments?|lozenges?|"
                        r"suppositor(?:y|ies)|hrt)\b|\d\s*(?:mg|mcg|ml|g)\b")
# A clause that asks as a favour: "worked out the fahrenheit myself but double check for me".
_FAVOUR = re.compile(r"\b(?:for\s+me|please|pls|plz|double[\s-]?check)\b")
# A question how to do a thing, opening the request after greetings and fillers (`asked_how`):
# "how do i set the timer on my microwave", "quick q, how can I cancel a reminder", "what's the
# easiest way to ...". Not how to know, say or feel something.
_HOW_TO = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok(?:ay)?|so|um+|uh+|erm|hmm+|right|sorry|mate|please|pls|"
    r"quick(?:\s+(?:q|question))?|random\s+(?:q|question)|question|just\s+wondering|"
    r"(?:i\s+was|i'?m)\s+wondering|wondering|do\s+(?:you|u)\s+know|any\s+idea|no\s+idea|"
    r"(?:can|could)\s+(?:you|u)\s+(?:tell|show)\s+me|tell\s+me|not\s+sure)\b[\s,:.!?-]*)*"
    r"(?:how\s+(?:do|does|can|could|would|should|shall)\s+(?:i|you|u|we|one|people|someone|"
    r"my\s+\w+)\s+(?:go\s+about\s+|actually\s+|even\s+)?(?!(?:know|tell|say|look|feel|"
    r"pronounce|spell)\b)[a-z]+|how\s+to\s+[a-z]+|(?:what'?s|whats|what\s+is)\s+the\s+(?:best|"
    r"easiest|quickest|simplest|right|proper)\s+way\s+to|(?:show|teach)\s+me\s+how\s+to)\b")
# Another device or app, where a tool that only reads is not what a how-to asks for: "how do I
# check the weather on my watch".
_ELSEWHERE = re.compile(
    r"\b(?:on|in|with|from|using)\s+(?:my|the|an?|your)?\s*(?:[\w'-]+\s+){0,2}?(?:phone|iphone|"
    r"android|mobile|watch|fitbit|garmin|oven|microwave|cooker|stove|hob|air\s*fryer|laptop|"
    r"computer|pc|mac|car|tv|telly|alexa|echo|google\s+home|siri|app|calendar|outlook|fridge|"
    r"tablet|ipad|browser|google|excel|spreadsheet|calculator)\b")
# A clause, keeping its question mark (`_QUESTION`); an emoji ends one too, and a question
# begins one where no comma stands before it ("just landed in delhi 🛬 what's the time in london").
_ASKED_CLAUSE = re.compile(r"(?<=\?)|[,.;!\u2190-\u2bff\U0001f000-\U0001faff]+|"
                           r"\b(?:but|and|so|then|instead|or)\b|"
                           r"(?=\b(?:what'?s|whats|how\s+(?:much|many|far|long|do|does|is)|"
                           r"can\s+(?:you|u)|could\s+(?:you|u))\b)")
# A clause that asks in the first person: "don't give me UTC, I want my own time".
_WANT = re.compile(r"\bi\s+(?:want|need|would\s+like|'d\s+like)\b|\b(?:can|could|would|will)\s+(?:you|u)\b")
# "I didn't mean cancel"; not a word that ends in "nt" ("pay the rent").
_UNSAID = re.compile(r"\b(?:(?:do|did|does|is|are|was|were|ca|wo|would|should|could|must|need|have|"
                     r"has)n'?t|cannot|not|never|no)\b")
# What the user may ask to cancel that no tool keeps: bookings, plans, services.
_NOT_KEPT = (r"orders?|flights?|bookings?|reservations?|meetings?|appointments?|subscriptions?|"
             r"memberships?|deliver(?:y|ies)|cleaning|plans|trip|tickets?|table|taxi|uber|cab|"
             r"class|lesson|date|party|hotel|room|insurance|account|contract|direct\s+debit|"
             r"payments?|policy|newspapers?|papers|gym|netflix|spotify|dinner|lunch|session|visit|"
             r"viewing|interview|check-?up|consultation|course|event|tour|holiday|vacation|cruise|"
             r"rental|car\s+hire|airbnb|appts?|haircut|massage|spa|manicure|pedicure|facial|"
             r"surgery|operation")
# What names a thing the user keeps: "my", "the", "that", and a day's or a person's
# ("tomorrow's 7am reminder", "mum's reminder").
_THE = r"(?:my|the|that|this|those|these|our|your|[a-z]+'s)"
# What the assistant keeps, as people name it in a question about how it keeps it.
# Not a medicine or a dose: "how many doses can I take" asks for advice.
_KEEPS = (r"timers?|alarms?|remind(?:ers?)?|notes?|notepad|logs?|schedules?|records?|history|"
          r"data|info(?:rmation)?|lists?")
_WORD = r"[\w':.-]+"  # a word of a name, or a clock time ("the 11:15 reminder")
_REMINDER = r"reminders?\b(?!\s+(?:apps?|settings|sounds?|tones?|e-?mails?)\b)"  # not the app's
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|"
           r"december")
# What a countdown is to: a clock time, a day, a date, a holiday, someone's day, an event.
_COUNTED_TO = (
    r"\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)\b|midnight\b|noon\b|midday\b|"
    r"(?:half|quarter)\s+(?:past\s+|to\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|\d{1,2})\b|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|tomorrow\b|"
    r"tonight\b|(?:the\s+)?weekend\b|(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)|first|last\s+day)\b|"
    rf"(?:{_MONTHS})\b|christmas\b|xmas\b|easter\b|new\s+year|halloween\b|thanksgiving\b|"
    r"diwali\b|hanukkah\b|ramadan\b|eid\b|valentine|bonfire\s+night\b|boxing\s+day\b|"
    r"(?:the\s+)?(?:fourth|4th)\s+of\s+july\b|(?:my|our|his|her|their|the|\w+'s)\s+(?:\S+\s+)?"
    r"(?:birthday|anniversary|wedding|payday|holiday|vacation|exam|due\s+date)\b|payday\b|"
    r"summer\b|winter\b|spring\b|autumn\b|"
    # A clock time with its minutes ("7:30"), and an event ("the FA Cup final", "my flight";
    # not "the game timer").
    r"\d{1,2}:\d\d\b|(?:(?:the|my|our|his|her|their|this|next)\s+)?(?:\S+\s+){0,3}?"
    r"(?:finals?|match|game|kick-?off|race|festival|concert|gig|show|launch|election|eclipse|"
    r"premiere|party|trip|flight|holidays|vacation|term|semester)\b"
    r"(?!\s+(?:timers?|countdowns?|alarms?)\b)")
# What a dose is counted in, after its number ("50mg", "2 puffs").
_DOSE_UNIT = (r"(?:mgs?|mcg|micrograms?|milligrams?|mls?|units?|iu|g|grams?|tablets?|tabs?|pills?|puffs?|"
              r"drops?|capsules?|caps?|sprays?|patch(?:es)?)\b")
# Who prescribes, and said or changed a medicine (doses-prescribed, -2, -3).
_PRESCRIBERS = (
    r"doctors?|docs?|dr|gp|physician|pharmacist|chemist|nurse|vet|p(?:a)?ediatrician|"
    r"consultant|specialist|psychiatrist|cardiologist|dermatologist|endocrinologist|neurologist|"
    r"rheumatologist|oncologist|midwife|surgeon|dentist|they"
    # doses-prescribed-2: more who prescribe, and their short names.
    r"|endo|allergist|gastro(?:enterologist)?|urologist|gyn(?:a)?ecologist|obgyn|ob-gyn|psych|"
    r"rheumy|cardio|derm|neuro|pulmonologist|nephrologist|ha?ematologist|ortho(?:paedic|pedic)?|"
    r"orthopaedist|podiatrist|ophthalmologist|optometrist|anaesthetist|anesthesiologist|"
    r"hospital|clinic|surgery|practice|practitioner|prescriber|specialists|doctors"
    # doses-prescribed-3: who prescribes, said otherwise.
    r"|(?:eye|foot|skin|heart|sleep|pain|walk[\s-]?in|urgent|minute)\s+(?:doc|doctor|clinic|care|"
    r"specialist)|urgent\s+care|a\s*&\s*e|emergency\s+room"
)
_WHY = {
    "advice": re.compile(
        r"\b(?:can|could|should|may|shall|must)\s+(?:i|she|he|we|they|my\s+\w+)\s+"
        r"(?:still\s+|just\s+|safely\s+|now\s+)?(?:take|have|give|use|crush|split|cut|chew|mix|"
        r"drink|eat|double|skip|stop|start|go|swap|switch)\b"
        r"|\b(?:should|shall)\s+(?:i|we|you|one|it|they|she|he)\b"
        r"|\bis\s+(?:it|that|this|there)\s+(?:\w+\s+)?(?:ok|okay|safe|alright|all\s+right|fine|bad|"
        r"dangerous|normal|better|best|wise|a\s+problem|an\s+issue|enough|too"
        # doses-prescribed: "my doctor doubled my sertraline to 100mg, is that a lot??"
        r"|a\s+lot|a\s+big\s+dose|a\s+high\s+dose|high|low|strong|heavy)\b"
        r"|\bis\s+[\d.]+\s*[a-z]*(?:\s+(?:of\s+)?[\w-]+){0,4}\s+(?:a\s+lot|a\s+big\s+dose|a\s+high\s+dose|"
        r"too\s+high|high|low|strong"
        # doses-prescribed-2: "is 75mg aspirin a day normal after a stent"
        r"|normal|typical|standard|usual|considered)\b"
        r"|\bconsidered\s+(?:a\s+)?(?:high|low|normal|safe|a\s+lot|too|heavy|strong)\b"
        # doses-prescribed-3: "normal or overkill?", "count as a normal dose?", "thats a lot right?"
        r"|\b(?:that'?s|thats|is\s+that)\s+(?:a\s+lot|too\s+much|high|normal|overkill)\b|\boverkill\b"
        r"|\bcounts?\s+as\s+(?:a\s+)?(?:normal|high|low|big|safe|strong|heavy)\b"
        r"|\btoo\s+(?:much|many|close|soon|early|late|high|low|strong)\b"
        r"|\bhow\s+(?:much|many|often|long|far\s+apart|soon|late)\b"
        r"|\bwhat(?:'?s|\s+is)\s+the\s+(?:max|maximum|most|best|right|usual|normal|safe|"
        r"recommended|limit)\b"
        r"|\bdo(?:es)?\s+(?:\w+\s+){1,2}?(?:need|have\s+to|make|cause|interact|react|help|affect|"
        r"matter|work)\b"
        r"|\bwhat\s+(?:do|would|should)\s+(?:you|i)\s+(?:reckon|think|suggest|recommend|do)\b"
        r"|\bwhen\s+(?:can|should|do)\s+(?:i|she|he|we|they)\b"
        r"|\b(?:side\s+effects?|interactions?|overdose)\b"
        r"|\badvi[sc]e\b|\bif\s+(?:you|i|one|we|they|she|he)\s+(?:miss|forget|skip)"
        r"|\b(?:best|right|ideal)\s+time\b|\btime\s+of\s+day\s+is\s+best\b"),
    "someone else's": re.compile(
        rf"\b(?:my|our|the|his|her)\s+(?:{_PEOPLE})(?:'s\s+on|\s+is\s+on|(?:'s)?\s+(?:\w+\s+){{0,3}}?"
        r"(?:takes|took|had|has|was\s+given|gets|got|uses|used|needs"
        # doses-prescribed: "the pediatrician said my son can have 5 ml of tylenol"
        r"|can\s+(?:have|take)|should\s+(?:have|take|get)|is\s+(?:now\s+)?(?:taking|on)|started|starts"
        r"|'s\s+now\s+on))\b"
        rf"|\bput\s+(?:my|our|the|his|her)\s+(?:{_PEOPLE})\s+on\b"
        r"|\bgave\s+(?:him|her|them)\b"
        # doses-prescribed-3: a person or a pet "is on" an amount ("Whiskers is on 2.5 mg
        # methimazole", "wife's on 50mg of tramadol"); "gave Biscuit 10mg".
        r"|\b(?!(?:it|that|this|what|which|who|there|here|everything|something|nothing|i|dose|"
        r"schedule|one|mine|timer|reminder)\b)[a-z]+(?:\s+is|'s)\s+(?:now\s+|currently\s+|still\s+|"
        rf"already\s+|also\s+)?on\s+(?:[\w.-]+\s+){{0,3}}?\d+(?:\.\d+)?\s*{_DOSE_UNIT}"
        rf"|\bgave\s+(?!(?:me|myself|it|us)\b)[a-z]+\s+\d+(?:\.\d+)?\s*{_DOSE_UNIT}"
        # doses-prescribed-2: "vet has Bella on gabapentin", "the allergist put her on zyrtec".
        r"|\b(?:has|'s\s+got|put|started)\s+(?!(?:me|myself|us|it|that|this|a|an|the|to|been|my|you|"
        r"u|i|anything|something|nothing|everything|stuff|plans|much|lots)\b)[a-z]+\s+on\s+(?!(?:the|a|an|my|monday|tuesday|wednesday|thursday|"
        r"friday|saturday|sunday|time|hold|call)\b)[a-z]"
        r"|\b(?:he|she|they)\s+(?:takes|took|had|has\s+had|is\s+on|'s\s+on)\b"),
    # What a doctor (or another who prescribes) said or changed, opening the request, where the
    # user tells of no dose they took: "my doctor doubled my sertraline to 100mg", "the
    # pharmacist said to take 2 puffs of ventolin before running" (doses-prescribed).
    "a prescription told": re.compile(
        r"^(?!.*\b(?:i\s+(?:just\s+|already\s+)?(?:took|had|used|have\s+taken)|just\s+(?:took|had))\b)"
        # doses-prescribed-2: not after a dose the user tells ("took my amlodipine like the
        # doctor said").
        r"(?!.*\b(?:took(?!\s+(?:me|him|her|them|us)\s+off)|taken|popped|swallowed|"
        r"i'?m\s+(?:having|taking)\s+(?:it|them)|"
        r"i'?ll\s+(?:have|take)\s+(?:it|them)|i\s+(?:have|take)\s+(?:it|them))\b)"
        # Before any amount, after the words that open the request: "one ferrous sulphate a day
        # at lunch, the GP said 3 months" and "note the pharmacist said ..." ask. doses-prescribed-2:
        # also after a clause ("had my med review, they've reduced ...") or "so apparently".
        r"(?:(?!\b(?:one|two|three|half|a\s+(?:tablet|pill|capsule|puff|dose))\b)[a-z']+"
        r"(?:\s+(?!\b(?:one|two|three|half)\b)[a-z']+){0,5}\s*(?:[,:!.;-]+|\s+and|\s+but|\s+so)\s*"
        # ... or a few words before "the", "my" ("saw the GP today and she put me on ...").
        r"|(?:(?!(?:one|two|three|half|note|jot|write|save|add|log|put|record|keep|track|set|"
        r"schedule|tell|ask|text|e-?mail|message)\b)[a-z']+\s+){1,4}?(?=(?:the|my|our|his|her|[a-z]+'s)\s)"
        r"|(?:fyi|ugh|so|well|ok(?:ay)?|hey|oh|um+|uh+|btw|and|also|just\s+so\s+you\s+know|"
        r"apparently|guess\s+what|update|news|anyway|welp|sigh|lol|omg|turns\s+out|looks\s+like)\s+)*"
        r"(?:(?:my|the|our|his|her|[a-z]+'s)\s+(?:new\s+)?){0,2}"
        rf"(?:{_PRESCRIBERS})"
        # "saw the GP today and she put me on ...": "she" or "he" after one who prescribes.
        r"(?:(?:'ve|'d|'s)?\b(?:\s+[\w']+){0,3}?|\b[^\d]{0,40}?\b(?:she|he)(?:'s)?(?:\s+[\w']+){0,2}?)\s+"
        r"(?:said|says|told|tells|wants|prescribed|recommended|suggested|advised|upped|doubled|"
        r"halved|tripled|raised|increased|lowered|decreased|reduced|cut|dropped|switched|changed|"
        r"moved|put|started|bumped|adjusted|stopped|added|gave\s+(?:him|her|them|us|my|our)|"
        # doses-prescribed-2
        r"gave\s+me\s+(?:a\s+(?:prescription|script|rx|course)\b|(?!(?:a|an|one|two|some|\d)\b)[a-z]+)"
        r"|has\s+me\s+on|got\s+me\s+on|"
        r"took\s+me\s+off|taken\s+me\s+off|swapped|prescribing|recommends|suggests|reckons|"
        r"upping|lowering|reducing|increasing|changing|switching|tapering|weaning|putting|"
        r"starting\s+me|discharged)\b"
        # doses-prescribed-3: who said it, said after the medicine ("Whiskers is on 2.5 mg methimazole
        # twice a day per the vet", "... because her doctor told her to").
        rf"|^(?!.*\b(?:took|taken|popped|swallowed|used|i\s+(?:just\s+)?had|i\s+(?:take|use)|"
        rf"i'?m\s+taking)\b)"
        rf".*\b(?:(?:per|according\s+to|"
        rf"as\s+(?:prescribed|advised|told|instructed)\s+by|on\s+(?:the\s+)?(?:advice|orders)\s+of|because)"
        rf"\s+(?:(?:my|the|his|her|their|our|[a-z]+'s)\s+){{0,2}}(?:[a-z]+\s+)?(?:{_PRESCRIBERS})"
        rf"|(?:{_PRESCRIBERS})'?s\s+orders)\b"),
    "in the past": re.compile(
        r"\b(?:used\s+to|years\s+ago|back\s+when|back\s+in|when\s+i\s+was|as\s+a\s+(?:kid|child|"
        r"teenager)|in\s+(?:19|20)\d\d|i'd\s+take)\b"),
    "a plan": re.compile(
        r"\b(?:(?:might|may)\s+(?:move|change|switch|put|start|up|increase|lower|reduce|stop)|"
        r"thinking\s+(?:of|about)|considering|not\s+sure\s+(?:yet|if|whether)|"
        r"haven'?t\s+decided|hasn'?t\s+decided|undecided|if\s+(?:i|the\s+doctor|my\s+doctor))\b"),
    # Not "what time is it (in Tokyo)", "what time do you have".
    "a thing's time": re.compile(
        r"\b(?:what\s+time|when)(?:'s|\s+(?:does|do|did|will|would|should|shall|can|could|are|"
        r"were|was|is|has|have))\b(?!\s+(?:it|you)\b)"
        r"|\bhow\s+late\s+(?:is|are|does|do)\b(?!\s+it\b)"
        r"|\b(?:opens?|closes?|opening|closing|open\s+till|open\s+until)\b"),
    # How long until a day, a date, a time or an event: no tool counts down to one.
    "a countdown": re.compile(
        r"\bhow\s+many\s+(?:more\s+)?(?:days|weeks|months|sleeps|nights)\b"
        r"|\b(?:days|weeks|sleeps)\s+(?:left\s+)?(?:till?|'til|until|to|before)\b"
        r"|\bcount\s*down\s+(?:to|till?|'til|until)\b"
        rf"|\bhow\s+long\s+(?:\S+\s+){{0,3}}?(?:till?|'til|until|to|before)\s+(?:{_COUNTED_TO})"
        rf"|\bhow\s+many\s+(?:more\s+)?(?:hours|hrs|minutes|mins)\b(?:\s+\S+){{0,3}}?\s+"
        rf"(?:till?|'til|until|before)\s+(?:{_COUNTED_TO})"
        r"|\bhow\s+soon\s+(?:is|are|till?|'til|until)\b"
        # "our holiday starts July 14th, how long have we got left"
        rf"|^(?=.*\b(?:{_MONTHS}|\d{{1,2}}(?:st|nd|rd|th))\b).*\bhow\s+long\s+(?:have|do)\s+"
        r"(?:we|i)\s+(?:got\s+)?(?:left|to\s+go)\b"),
    # Cancelling what no tool keeps: "cancel my flight to Denver", not "cancel my reminder about
    # the flight" or "cancel the meeting reminder".
    "a thing no tool keeps": re.compile(
        r"\b(?:cancel(?:ling)?|call\s+off|scrap|drop|stop|halt|pull\s+out\s+of|back\s+out\s+of)\s+"
        # not "cancelled": done already
        r"(?:(?!(?:reminders?|timers?|alarms?)\b)[\w'-]+\s+){0,4}?"
        rf"(?:{_NOT_KEPT})s?\b(?!(?:\s+[\w'-]+){{0,2}}?\s+(?:reminders?|timers?|alarms?)\b)"),
    # A question whether a thing was cancelled: "was my flight to Denver cancelled?", "did my
    # amazon order actually get cancelled or not". Not "cancel the reminder, the meeting was
    # cancelled": a question by its start or its mark.
    "asked if cancelled": re.compile(
        r"(?:^|[.!?;]\s*)(?:(?:hey|so|and|um+|uh+|oh|quick\s+question|do\s+you\s+know|any\s+idea)"
        r"(?:\s+|\s*,\s*))*(?:was|were|is|are|has|have|had|did)\b[^.!?]*?\bcancel(?:l)?ed\b"
        r"|\bcancel(?:l)?ed\b[^.!?,;]*\?"),
    # Changing a reminder: "move the call mom reminder to tomorrow", "make the yoga reminder 15
    # minutes earlier", "bump tomorrow's 7am reminder", "I need the reminder for the vet moved",
    # "the laundry reminder... make it later". A new one would leave the old one to fire.
    "a change to a reminder": re.compile(
        r"\b(?:move|postpone|reschedule|push|delay|shift|bring|change|update|edit|bump|adjust|"
        r"alter|amend|modify|slide|put\s+(?:back|off))\s+(?:(?:back|forward|up|out)\s+)?"
        rf"{_THE}\s+(?:{_WORD}\s+){{0,4}}?{_REMINDER}"
        # reminder-moved-2: the particle after the name ("put my 'ring the plumber' reminder back").
        rf"|\b(?:put|bring|push|slide|move|shift|bump)\s+{_THE}\s+(?:{_WORD}\s+){{0,4}}?{_REMINDER}"
        r"\s+(?:back|forward|up|off|along)\b"
        rf"|\b{_THE}\s+(?:{_WORD}\s+){{0,3}}?{_REMINDER}(?:\s+{_WORD}){{0,5}}?\s+(?:moved|"
        r"changed|pushed|bumped|shifted|delayed|postponed|rescheduled|brought\s+forward|updated|"
        r"adjusted)\b"
        rf"|\b{_THE}\s+(?:{_WORD}\s+){{0,3}}?{_REMINDER}[^?!]{{0,60}}?"
        r"\b(?:earlier|later|sooner|repeat\w*|recurring|recur|weekly|daily|every\s+(?:day|week|"
        r"morning|night|evening)|(?:go(?:es)?\s+off|fire|ring|come|sound|pop\s+up)\s+(?:at|on|an?|"
        r"\d)"
        # reminder-moved-2: a fault or a wish ("...is wrong, it ought to be 7:45 pm", "should go
        # off on the 20th rather than the 18th", "is set too late").
        r"|is\s+wrong|'s\s+wrong|too\s+(?:late|early|soon)|(?:the\s+)?wrong\s+(?:time|day|date)|"
        r"(?:should|ought\s+to|needs?\s+to|has\s+to)\s+(?:go\s+off|be|fire|ring|come|sound))\b"
        # reminder-moved-2: named, then "it" ("the 7am reminder. Can you move it to 7:30?").
        rf"|\b{_THE}\s+(?:{_WORD}\s+){{0,3}}?{_REMINDER}.{{0,80}}?\b(?:move|shift|push|bump|change|"
        r"reschedule|postpone|delay|slide|make)\s+(?:it|that|this)\b"),
    # A question about the assistant itself, not a request: a limit ("how many notes can I
    # save"), whether a kind of thing can be done at all ("can you set alarms or only timers",
    # "can reminders repeat"), how a thing works, where and how privately things are kept, and
    # getting back what was deleted.
    "a question about me": re.compile(
        rf"^(?=.*\b(?:{_KEEPS})\b)(?:"
        r".*\b(?:is\s+there\s+(?:a|any)\s+(?:limit|max(?:imum)?|cap)|how\s+(?:many|long|far\s+"
        r"(?:ahead|in\s+advance|out|forward))\b(?:\s+[\w'-]+){0,4}?\s+(?:(?:can|could)\s+(?:i|you|u|"
        r"we|it|they|a|an|one))\b)"
        r"|.*\bhow\s+many\b(?:\s+[\w'-]+){0,4}?\s+do(?:es)?\s+(?:you|u|it)\b(?!\s+have)"
        r"|.*\b(?:can|could|do|does|will)\s+(?:you|u|i|it)\b.*\bor\s+(?:is\s+it\s+)?(?:just|only)\b"
        r"|.*\b(?:can|could|do|does|will|would)\s+(?:you|u|it|this\s+(?:app|thing|assistant))\s+"
        r"(?:also\s+|even\s+|still\s+|only\s+)?(?:set|do|make|handle|keep|have|run|take|save|"
        r"store|hold|manage|track|read|add)\s+(?:(?:more\s+than\s+one|multiple|several|"
        r"recurring|repeating|daily|weekly|long)\s+)?(?:alarms|timers|reminders|notes|lists|"
        r"schedules|doses)\b(?!\s+(?:for|to|at|in|on|about|called|that|saying|every|like)\b)"
        r"|.*\b(?:can|could|do|does|will|would|are|is)\s+(?:the\s+|my\s+)?(?:alarm|timer|reminder|"
        r"note)s?\s+(?:also\s+|ever\s+|still\s+)?(?:repeat|recur|sync|last|expire|stay|survive|"
        r"keep\s+(?:going|running)|get\s+(?:saved|deleted|lost|backed\s+up)|(?:go\s+off|ring|"
        r"sound|work|run)\s+(?:if|when|while|even|without|after|in\s+the\s+background))\b"
        r"|.*\bwhat\s+(?:sorts?|kinds?|types?)\s+of\b(?:\s+[\w'-]+){0,3}?\s+(?:can|could|do|will)\s+"
        r"(?:you|u|i)\b|.*\bwhat\s+(?:else\s+)?can\s+(?:you|u)\s+do\s+with\b"
        r"|.*\bhow\s+(?:do|does|can|would|should)\s+(?:i|you|u|it|one|reminders|timers|notes|"
        r"alarms)\s+(?:[\w'-]+\s+){0,2}?(?:work|use|set\s*up|fix|correct|undo|edit|change|export|"
        r"back\s*up|sync|print|rename)\b"
        r"|.*\bdo\s+(?:you|u)\s+(?:\w+\s+)?(?:save|keep|store|sync|send|share|back\s*up|upload|"
        r"encrypt|sell|delete|read)\s+(?:my|the|our|any|all|people's)\b"
        r"|.*\b(?:are|is)\s+(?:my|the|our)\s+(?:[\w'-]+\s+){0,2}?(?:notes|reminders|timers|doses|"
        r"log|info\w*|data|records?|history|schedule)\s+(?:\w+\s+)?(?:private|safe|secure|"
        r"encrypted|stored|kept|saved|backed\s+up|synced|shared|visible)\b"
        r"|.*\bwhere\s+(?:do\s+(?:you|u)\s+(?:keep|store|save|put)|(?:are|is)\b[^?]{0,40}?\b"
        r"(?:stored|kept|saved))\b"
        r"|.*\b(?:get|bring)\s+(?:it|them|that|those|(?:\w+\s+)?\d+(?:\s+and\s+\d+)?|(?:my|the|"
        r"a|an)\s+(?:[\w'-]+\s+){0,2}?(?:notes?|reminders?|timers?|alarms?))\s+back\b"
        r"|(?=.*\?).*\b(?:undo|undelete|restore|recover|retrieve)\b)"),  # asked, not "undo the reminder"
    "an action no tool does": re.compile(
        r"^(?:(?:ok(?:ay)?|hey|hi|right|so|um+|uh+|erm|please|just|quickly|now|and|then)\b[\s,.!]*"
        r"|(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|(?:i\s+(?:need|want)|i'?d\s+like)"
        r"\s+(?:you|u)\s+to\s+|go\s+ahead\s+and\s+)*"
        r"(?:(?:text|send|share|e-?mail|message|whatsapp|forward|post|tweet|call|ring|phone|"
        r"facetime|video\s*call|book|order|re-?order|buy|purchase|reserve|pay|venmo|paypal|zelle|"
        r"cash\s*app|transfer|wire|"
        r"play|stream|pause|unpause|"
        r"resume|restart|rename|snooze|edit|navigate|dim|print|screenshot)\b(?!-|\s+me\b)"
        r"|check\s+(?:me\s+)?in\b|take\s+a\s+(?:screenshot|photo|picture|selfie)\b|directions\b"
        r"|(?:turn|switch)\s+(?:(?:on|off|up|down)\s+)?(?:the\s+|my\s+)?(?:lights?|lamps?|heating|"
        r"tv|telly|radio|music|fan|kettle|oven)\b)"),
}
# The reasons that hold back a medicine record: a request that asks for one overrides all but
# the first.
RECORD = ("said not to", "advice", "someone else's", "in the past", "a plan",
          "a prescription told")
# What holds back a reminder or a note beside `RECORD`: the user's news (`told_news`).
WRITTEN = (*RECORD, "news told")
REASONS = ("said not to", "left as it is", "the user's own plan", "asked how to", "taken back",
           "news told", *_WHY)
# The reasons that hold back a call to any tool: a change to a reminder the brain wrote as a
# daily medicine schedule ("make the water the plants reminder repeat every day") too.
ANY_TOOL = ("an action no tool does", "a change to a reminder", "a question about me",
            "left as it is", "the user's own plan", "asked how to", "taken back")
# The reasons a later clause that asks for the call again lifts ("how long till 5? actually,
# just set a 20 minute timer").
LIFTED = (*ANY_TOOL, "a countdown", "a thing no tool keeps", "asked if cancelled")

_SAY = 'Say "log it" or "set it up" if you want it saved.'
# Not a reason a tool declares: the loop holds a call back for it by its arguments, a duration,
# a thing's number or a reminder's time that nobody said (`assistant.grounding.made_up`).
NOT_SAID = "a number not said"
# Nor this: the loop holds a call back for it by its day (`grounding.no_day_ahead`).
NO_DAY_AHEAD = "no day ahead"
# Nor this: by what the user's turns name (`Tool.about`, `Tool.about_args`: the dose log's, a
# medicine or the user, a drug read that may be one, and a drug saved that the user named).
NOT_ABOUT = "not about it"
# The answer for advice asked where no medicine is named ("If I put aside 35 a week, how much
# will I have after 26 weeks?" written as a reminder; "should I bother with a coat"): nothing of a
# pharmacist's, and what the tools do do.
ADVICE_UNNAMED = ("I can't help with that one. I can set timers and reminders, take notes, log "
                  "your doses, tell the time and the weather, and do sums and conversions.")
# The answer for each reason: what was not done, and how to have it done.
NOT_ASKED = {
    "advice": "I can't advise on that; for medicines, a pharmacist or your doctor can. I can set "
              "you a reminder, take a note, log a dose you've taken or keep your daily schedule.",
    "someone else's": "I haven't saved that, since it sounds like someone else's medicine. " + _SAY,
    "in the past": "I haven't saved that, since it sounds like it was in the past. " + _SAY,
    "a prescription told": "I haven't saved that, since it sounds like what you were told, not a "
                           "dose taken or a schedule you asked for. " + _SAY,
    "a plan": "I haven't set anything up, since it sounds like a plan not made yet. " + _SAY,
    "news told": "Okay. Just ask if you want a reminder or a note for it.",
    "said not to": "Okay, I've left it.",
    "taken back": "Okay, I've left it.",
    "left as it is": "Okay, I've left it.",
    "the user's own plan": "Okay, I'll leave that with you. Just ask if you want a timer, a "
                           "reminder or a note for it.",
    "asked how to": "Just ask me in your own words: \"set a timer for 10 minutes\", \"remind me "
                    "at 5 to call mum\", \"note that the wifi code is 4471\", \"I took 2 "
                    "paracetamol at 8\". I can't show you how to work other devices or apps.",
    "an action no tool does": "Sorry, I can't do that: I can't send messages or money, make "
                              "calls, book, buy or play things, or pause, rename or snooze "
                              "timers. I can set you a reminder to do it.",
    "a thing's time": "I can tell you the time now, here or in another city, but I can't look "
                      "up when things open, close, leave or start.",
    "a countdown": "I can't count down to a day or a time, but I can tell you the time and date "
                   "now, or set a timer for a length of time, like 20 minutes.",
    "a thing no tool keeps": "Sorry, I can only cancel your timers and reminders, not bookings, "
                             "orders, meetings or subscriptions. I can set you a reminder to "
                             "cancel it.",
    "asked if cancelled": "I can't see what has been cancelled elsewhere: I only keep your timers "
                          "and reminders. \"List my reminders\" or \"list my timers\" says "
                          "what's set.",
    "a change to a reminder": "I can't move or change a reminder. I can cancel it and set a new "
                              "one for the new time: say \"cancel the reminder about ...\", then "
                              "\"remind me ... at ...\".",
    "a question about me": "I can set timers, and reminders that go off once, up to a year "
                           "ahead; list and cancel them; take, read, search and delete notes; "
                           "log your doses and keep a daily medicine schedule; tell the time "
                           "and the weather; and do sums and conversions. I can't change or "
                           "repeat a reminder, or bring back what was deleted or cancelled. "
                           "Your timers, reminders, notes and doses stay on this computer.",
    NOT_SAID: "I haven't done anything, since I didn't catch a number or a time for it: how "
              "long a timer should run, when to remind you, how much of a medicine you took, "
              "or which note or timer by its number. \"List my timers\" or \"read my notes\" "
              "gives their numbers.",
    NO_DAY_AHEAD: "I can only give the weather for today and the days ahead, not past weather "
                  "or what a place is usually like.",
    NOT_ABOUT: "That doesn't sound like one of your medicines, so I haven't looked in your dose "
               "log or saved anything to it. Name the medicine: I can log a dose of it, keep "
               "its daily schedule, or tell you when you last took it.",
}


def plain(text: str) -> str:
    """`text` as the patterns read it: lower case, straight apostrophes, single spaces."""
    return " ".join(text.lower().replace("\u2019", "'").split())


def unasked(text: str, reasons: Sequence[str], action: str = "", reads: bool = False
            ) -> str | None:
    """The first of `reasons` that `text` says (see the module's docstring), or None; `action`
    is what the call does (`ACTIONS`), for "said not to", or what a tool that only `reads` is
    about (`TOPICS`)."""
    s = plain(text)
    asked = bool(_ASK.search(s))
    for why in reasons:
        if why in RECORD[1:] and asked:
            continue
        if why == "a change to a reminder" and action in _UNDOES:
            continue  # a cancel changes nothing: "scrap the yoga reminder, I'll go later"
        says = said_not_to(s, action) if why == "said not to" else \
            left_as_it_is(s, action, reads) if why == "left as it is" else \
            own_plan(s) if why == "the user's own plan" else \
            asked_how(s, reads) if why == "asked how to" else \
            taken_back(s) if why == "taken back" else \
            told_news(s) if why == "news told" else _WHY[why].search(s)
        # "Pause the pasta timer and set a new one for 5 minutes": a clause after the action no
        # tool does may ask for this call ("edit note 3 so ..." is still the edit's own clause).
        if isinstance(says, re.Match) and why in LIFTED and action:
            _, *later = _CLAUSE.split(s[says.end():], maxsplit=1)
            if later and (_asks_about(later[0], action) if reads else
                          _asked_again(later[0], action)):
                continue
        if says:
            return why
    return None


def asks_to_keep(text: str) -> bool:
    """Whether `text` asks for a record, a note or a reminder ("log it", "put that down",
    "schedule", "remind me"), whatever else it says."""
    return bool(_ASK.search(plain(text)))


def asks(text: str) -> bool:
    """Whether `text` asks something, a question or an instruction ("what is amoxicillin
    for", "tell me about statins", "...?"), rather than tells it ("had an ibuprofen after
    lunch": a dose the brain did not log)."""
    s = plain(text)
    return bool(_QUESTION.search(s) or _WHY_ASKED.search(s))


# Units a dose is measured in: no medicine on their own ("how many ml in a cup").
_MEASURES = re.compile(r"(?:\b|(?<=\d))(?:mgs?|milligrams?|mcg|micrograms?|mls?|mils?|"
                       r"millilit(?:re|er)s?|units?|iu)\b")


def measured(text: str) -> bool:
    """Whether `text` says a unit a dose is measured in ("5mg*7": a dose written as a sum)."""
    return bool(_MEASURES.search(plain(text)))


def unmeasured(text: str) -> str:
    """`text` without the units a dose is measured in: "how many ml is 3 cups, then start a 20
    min timer" names no medicine."""
    return _MEASURES.sub(" ", plain(text))


# What the user has had, in the present perfect: "what have I taken so far today?".
_HAVE_HAD = re.compile(r"\b(?:have|has)\s+(?:i|she|he|we|they)\s+(?:\w+\s+)?(?:had|taken|used|"
                       r"done)\b|\bso\s+far\b")


def of_the_past(text: str) -> bool:
    """Whether `text` speaks of a time gone, of the last time or of what the user has had: of
    the user's own doses when it names a medicine ("when did I last have my atorvastatin?",
    "codeine - when?", "What have I taken so far today?"), a read of the dose log the brain
    missed, not a question for advice."""
    s = plain(text)
    return bool(_PAST.search(s) or _LAST.search(s) or _HAVE_HAD.search(s))


def left_as_it_is(s: str, action: str = "", reads: bool = False) -> bool:
    """Whether `s` (lower case) says to leave a timer, a reminder or a note as it is ("leave the
    egg timer alone", "keep the pizza timer running") and asks for nothing else: another clause,
    before or after and unnegated, that asks for a call in the imperative or names an undoing
    ("kill the pizza timer and leave the others alone"), or, for a tool that only `reads`, asks
    about what it reads (`_asks_about`: "leave the reminders as they are and just list my
    timers"), or asks anything where the tool names no topic (the weather)."""
    kept = _AS_IT_IS.search(s)
    if kept is None:
        return False
    rest = s[:kept.start()] + " , " + s[kept.end():]
    return not any((_AGAIN.search(clause) or _UNDO.search(clause) or
                    (reads and (_asks_about(clause, action) if action else _QUESTION.search(clause))))
                   and not _UNSAID.search(clause) for clause in _CLAUSE.split(rest))


def asked_how(s: str, reads: bool = False) -> re.Match[str] | None:
    """Where `s` (lower case) opens with a question how to do a thing (`_HOW_TO`), asked of a
    tool that sets, saves, logs or cancels, or of one that only `reads` where another device or
    app is named (`_ELSEWHERE`): "how do I convert 5 miles to km" asks for the conversion."""
    how = _HOW_TO.search(s)
    return how if how is not None and (not reads or _ELSEWHERE.search(s)) else None


def own_plan(s: str) -> bool:
    """Whether `s` (lower case) leads with the user's own plan, a decline (`_OWN_PLAN`) or a deed
    of their own (`_deed`) and no other clause asks for anything: none is an instruction, a
    question, a wish or a request that names an action, unnegated ("I'm off to the gym, set a 45
    minute timer"; "no reminder, just a 10 minute timer"; "I'll be in Leeds tomorrow, what's the
    weather like?"). A "no need" or a "don't" beside an undoing word asks for the undoing ("no
    need for that reminder anymore"), and so does an undoing word after a deed."""
    plan = _OWN_PLAN.search(s)
    if plan is not None and plan["no"] and _UNDO.search(s):
        return False  # "don't need the standup reminder anymore": an undoing asked for
    end = plan.end() if plan is not None else _deed(s)
    if end is None:
        return False
    own, *rest = _ASKED_CLAUSE.split(s[end:], maxsplit=1)
    if own.endswith("?"):
        return False  # "gonna be sunny in leeds tomorrow?"
    if plan is None and rest and _UNDO.search(rest[0]):
        return False  # "cancelled the plumber, so delete my reminder to ring him"
    return not any((_AGAIN.search(clause) or _QUESTION.search(clause) or _WANT.search(clause) or
                    _FAVOUR.search(clause) or _named(clause)) and not _NEGATION.search(clause)
                   for clause in _ASKED_CLAUSE.split(rest[0] if rest else ""))


def _deed(s: str) -> int | None:
    """Where the deed ends that `s` (lower case) leads with, told in the past (`_DEED`), or None:
    a past form, with or without "I" ("wrote the parcel number on my hand", "I've stuck a post-it
    on the door"); a regular past with its object ("cleared out the old timers", not "saved
    notes"); "set" or "put" told as done (`_DONE_OR_ASKED`). Not where any word tells a dose
    (`_DOSE_TOLD`: "stuck a new nicorette patch on")."""
    deed = _DEED.search(s)
    if deed is None or _DOSE_TOLD.search(s):
        return None
    verb, told = deed["verb"], bool(deed["who"]) or "already" in deed["how"]
    if verb in _DONE_OR_ASKED:
        done = told or bool(_HANDLED.search(s))
    else:
        regular = len(verb) > 4 and verb.endswith("ed") and not verb.endswith("eed") and \
            not _NOT_DONE.fullmatch(verb)
        done = bool(_DONE.fullmatch(verb)) or \
            (regular and (told or bool(_OBJECT.fullmatch(deed["next"]))))
    return deed.end("verb") if done else None


# A request taken back as it is said: after an ask, a clause that takes it back ("set a timer for 5
# minutes... actually never mind, I'll keep an eye on it myself"; "log 2 ibuprofen. wait no, ignore
# that"), then nothing asked and no new value. It opens after a stop, a comma or a dash (maybe after
# "actually", "wait", "no", "or rather"), or after "oh", "wait", "actually"... with no stop ("a 3
# min timer for my tea oh nvm its already steeped"); "nvm", "never mind" and "jk" need neither.
# Not "never mind the tea timer" (a cancel: `_UNDO`), "I always forget it", "don't forget to...",
# or "never mind, what's the time in Oslo" (asked again).
_BEFORE_BACK = r"(?:actually|wait|oh|ah|hmm+|um+|uh+|no|nah|nope|sorry|ok(?:ay)?|lol|or\s+rather|" \
    r"on\s+second\s+thoughts?)\b[\s,.!-]*"
_TAKEN_BACK = re.compile(
    rf"(?<=\S)(?:\s*(?:[,.;:!?]+|\s-+|\s\u2013|\u2014)\s*(?:{_BEFORE_BACK})*|"
    rf"\s+(?:{_BEFORE_BACK})+|\s+(?=n(?:ever\s*m\s*ind|vm)\b|jk\b|just\s+kidding\b))"
    r"(?:(?P<long>n(?:ever\s*m\s*ind|vm)(?:\s+(?:that|this|about\s+(?:it|that)))?|jk|"
    r"just\s+kidding|forget\s+(?:(?:about\s+)?(?:it|that|this)|i\s+(?:asked|said\s+anything))|"
    r"(?:please\s+|pls\s+)?ignore(?:\s+(?:that|this|me|my\s+last(?:\s+message)?))?|"
    r"scr(?:atch|ap)\s+that|disregard(?:\s+(?:that|this))?|don'?t\s+bother|"
    r"don'?t\s+worry(?:\s+about\s+(?:it|that))?|skip\s+(?:it|that))|"
    r"(?P<short>no\s+need|don'?t|do\s+not|(?<=actually )no|(?<=wait )no))"
    r"(?=\s*(?:[,.;:!)\u2013\u2014-]|$)|(?(long)\s+|(?!)))")
# What may follow it: nothing, or the user's own words ("I'll do it myself", "found it", "their
# dad's getting them today", "the oven isn't even on yet"): words that start as the user's, or a
# clause that tells something (a verb told: "'s", "isn't", "already", "moved"). Not a thing
# ("scratch that, keep the tea timer", "never mind the tea timer") or a new value.
_OWN_WORDS = re.compile(
    r"(?:[\s,.;:!)\u2013\u2014-])*(?:$|(?:i|i'll|i'm|i've|i'd|im|ill|got|found|thanks|thank|thx|"
    r"ty|cheers|lol|haha|my\s+bad|sorry|ok|okay|he|she|he's|she's|he'll|she'll|they|they're|"
    r"they'll|we|we're|we'll|you'll|it(?=\s+\w)|it's|its|that's|thats|forget|never\s*mind|nvm|"
    r"no\s+worries|all\s+good)\b)")
_TOLD = re.compile(
    r"\w'(?:s|re|m|ve|ll|d)\b|\b(?:is|are|was|were|has|have|had|isn'?t|aren'?t|wasn'?t|weren'?t|"
    r"hasn'?t|haven'?t|doesn'?t|didn'?t|can'?t|won'?t|will|already|gonna|just|still|"
    r"\w{3,}ed)\b")
# A new value in the old one's place ("scratch that, 20 min", "nvm make it tomorrow", "jk it was
# 600"): corrected's.
_NEW_VALUE = re.compile(
    r"[\s,.;:!-]*(?:make\s+it\s+|to\s+|for\s+|at\s+|in\s+|on\s+)?(?:\d|(?:one|two|three|four|"
    r"five|six|seven|eight|nine|ten|fifteen|twenty|thirty|half|an?\s+hour|today|tonight|tomorrow|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)|.*\b(?:instead|rather)\b|"
    r"[^,.;!?]*\b(?:it\s+was|it\s+is|it'?s|i\s+mean[t]?|make\s+(?:it|that))\s+(?:about\s+)?\d")
# What asks again after it: a question, a plea, or a clause that opens with a request's verb
# ("never mind, set one for 10", "nvm just check leeds"); not the user's own deed ("I'll just use
# the jug").
_PLEA = re.compile(r"\?|\b(?:can\s+(?:you|u)|could\s+(?:you|u)|please|pls)\b")
_ASKED_AFTER = re.compile(
    r"\s*(?:(?:just|now|ok(?:ay)?|then)\s+)*(?:set|start|remind|add|log|note|jot|save|convert|"
    r"calculate|work\s+out|cancel|delete|remove|tell|show|list|read|check|search|find|look\s+up|"
    r"keep|make|change|use|do|what|what's|whats|how|when|where|which)\b")


def _asks_after(rest: str) -> bool:
    """Whether `rest` (what follows a take-back) asks for something again."""
    return bool(_PLEA.search(rest)) or any(
        _ASKED_AFTER.match(clause) for clause in re.split(r"[,.;:!\u2013\u2014-]+|\b(?:and|so|but)\b",
                                                          rest))


_JOKE = re.compile(r"\W*(?:lol\s+)?(?:jk|just\s+kidding)\b")
_SAID = re.compile(r"[,.;:!?(\u2013\u2014]+|\s-+\s")


def taken_back(s: str) -> bool:
    """Whether `s` (lower case) takes back what it asked as it says it, and asks nothing after
    ("remind me to call the bank at 3, or rather, don't, I'll do it right now")."""
    for back in _TAKEN_BACK.finditer(s):
        if _JOKE.match(s, back.start()) and _OWN_WORDS.match(_SAID.split(s[:back.start()])[-1]):
            continue  # "i can never remember what i wrote lol jk i can": the joke was the aside
        rest = s[back.end():]
        told = _BREAK.split(rest.strip(" ,.;:!-"), maxsplit=1)[0]
        own = _OWN_WORDS.match(rest) or (not back["short"] and _TOLD.search(told))
        if own and not _NEW_VALUE.match(rest) and not _asks_after(rest):
            return True
    return False


# The user's news: a request that opens as a statement (a subject, or a deed told in the past:
# "my dentist appointment is thursday at 2:30", "picked up the kids at 3:15", "just booked a
# haircut for friday") and asks for nothing: no word that asks for a record (`_ASK`), no question,
# no clause that opens as a request, no need or wish. No writer of a committed set expected a
# reminder or a note for one (docs/brain-eval/news-told/).
_STATEMENT = re.compile(
    r"^(?:(?:so|well|ok(?:ay)?|oh|ugh|btw|fyi|just\s+so\s+you\s+know|guess\s+what|heads\s+up|hey|"
    r"hi)\W+)*(?:(?:my|our|the|his|her|their|i|i'm|im|i've|ive|we|we're|we've|"
    r"(?!(?:what|who|where|when|how|why|which)'s)[a-z]+'s|[a-z]{3,}ed|got|had|went|came|left|made|"
    r"saw|met|bought|paid|found|wrote|did|just)\b|(?!(?:what|who|where|when|how|why|which|is|are|"
    r"was|were|do|does|did|can|could|will|would|should|shall)\b)(?:[a-z]+\s+){1,3}(?:is|are|was|"
    r"were|got|gets|moved|starts|leaves|arrives|lands|begins|ends|finishes)\b)")
_REQUEST = re.compile(
    r"(?:^|[,.;:!-]\s*|\b(?:and|so|but|then|just|pls|please)\s+)(?:set|start|remind|add|log|note|"
    r"jot|save|write|put|make|keep|record|track|create|schedule|book|tell|give|show|list|read|"
    r"check|find|search|cancel|delete|remove|convert|calculate|wake|alert|ping|stick|pop|bung|"
    r"chuck|stash|pin|mark|plug|throw|enter|type|store)\b")
_NEED = re.compile(r"\b(?:(?:i|we)(?:'d|\s+would)?|i've|we've)\s+(?:really\s+|just\s+|also\s+)?"
                   r"(?:need|have\s+to|got\s+to|gotta|must|should|want|wanna|like)\b|"
                   r"\b(?:needs?|can\s+(?:you|u)|could\s+(?:you|u)|remember)\b")


def told_news(s: str) -> bool:
    """Whether `s` (lower case) tells the user's news and asks for nothing ("our anniversary
    dinner is saturday at 8, can't wait")."""
    return bool(_STATEMENT.match(s)) and "?" not in s and not _ASK.search(s) and \
        not _REQUEST.search(s) and not _NEED.search(s)


def said_not_to(s: str, action: str) -> bool:
    """Whether `s` (lower case) says not to do `action`, not to keep anything, or not to set
    what `action` would undo (`_UNDOES`) without asking for the undoing, or puts it off."""
    for later in _LATER.finditer(s):
        if not _ASK.search(_BREAK.split(s[:later.start()])[-1]) and \
                not _asked_again(s[later.end():], action):
            return True
    for negation in _NEGATION.finditer(s):
        own = _BREAK.split(s[negation.end():], maxsplit=1)[0]
        clause = _MODAL.sub("", own)
        said = " ".join(clause.split()[:2 if negation["short"] else 4])
        before = _BREAK.split(s[:negation.start()])[-1]
        # "don't forget to remind me", and a "not" inside what is asked for ("remind me not
        # to add sugar", "note: never microwave the lid"), say to do it.
        if _FORGET.search(said) or _ASK.search(before) or \
                _asked_again(s[negation.end() + len(own):], action):
            continue
        named = _named(said)
        if action in named:
            return True
        if not named and _KEEP.search(said) and not (action in _UNDOES and _KEPT.search(said)):
            return True
        if set(_UNDOES.get(action, ())) & set(named) and not _UNDO.search(s) \
                and not _KEPT.search(said):
            return True
    return False


def _named(words: str) -> list[str]:
    """The actions (`ACTIONS`) that `words` name."""
    return [name for name, pattern in _ACTION.items() if pattern.search(words)]


def _asks_about(rest: str, topic: str) -> bool:
    """Whether a clause of `rest` is a question or an instruction (`_QUESTION`) about `topic`,
    and not of the past for a topic answered only now and ahead (`_NOW_AND_AHEAD`)."""
    # Not `_CLAUSE`: a clause keeps its "?", which makes it a question (`_QUESTION`).
    return any(_QUESTION.search(clause) and _TOPIC[topic].search(clause)
               and not (topic in _NOW_AND_AHEAD and _PAST.search(clause))
               for clause in re.split(r"[,.;!]+|\b(?:and|so|or)\b", rest))


def _asked_again(rest: str, action: str) -> bool:
    """Whether a clause of `rest` (what follows a hold) asks for `action` again (`_AGAIN`): one
    that names it, or names no action."""
    for clause in _CLAUSE.split(rest):
        if _AGAIN.search(clause) and not _NEGATION.search(clause) and not _LATER.search(clause):
            named = _named(clause)
            if action in named or not named:
                return True
    return False


__all__ = ["ACTIONS", "ADVICE_UNNAMED", "ANY_TOOL", "COUNTS", "NOT_ABOUT", "NOT_ASKED", "NOT_SAID",
           "NO_DAY_AHEAD", "REASONS", "RECORD", "TOPICS", "WRITTEN", "asked_how", "asks",
           "asks_to_keep", "left_as_it_is", "measured", "of_the_past", "own_plan", "plain", "said_not_to",
           "taken_back", "told_news", "unasked", "unmeasured"]
