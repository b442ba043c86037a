"""Training-only phrasings: more ways to ask for each tool, and hard negatives, for the LoRA.

evalkit's templates hold about 14 wordings per tool, so a model trained on them learns our
phrasing rather than the task: it misses reminders said as "alarm", "calendar" or "wake me",
notes said as lists, casual medication talk, and calls tools when none is needed. This module
adds, for training only:

- for each of the 17 tools, 30+ further wordings (indirect, terse, chatty, questions), written
  in evalkit's placeholder language with only the placeholder sets evalkit's own templates use
  for that tool (and `{adur}`, a wider `{dur}`), so every item gets complete arguments with
  evalkit's meaning (`{when}` is the reminder time as said, `{dur}` a timer's duration in the
  units said, `{city}` alone means today's weather...);
- 200+ hard negatives over evalkit's four negative kinds: questions about a tool's topic that
  need no tool, remarks that use a tool's words but ask for nothing, requests no tool can
  serve (lights, music, messages, shopping, navigation, translation, bookings, news, money,
  medical advice), chit-chat and general knowledge.

Every wording here was written fresh for this project. None is copied or paraphrased from a
public NLU data set (SLURP, Snips, Home Assistant intents, BFCL, ATIS, MASSIVE, CLINC...): an
independent evaluation uses data of that kind, and training on it would leak.

No pattern repeats one of evalkit's, and `extra_items` drops any text equal to an item of
evalkit's dev or test split, so the extra data never shows the model a scored request.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from pathlib import Path

from evalkit.items import Item, formulary_drugs, generate_items, make_text, text_key
from evalkit.templates import CALL, NEGATIVE_KINDS, Template, catalogue_functions

# Same shape as evalkit.templates._T: per tool (or negative kind), groups of patterns.
_EXTRA: dict[str, list[tuple[str, ...]]] = {
    "get_weather": [
        # {city} alone means now/today (evalkit's default day), so these never name another day.
        ("is it raining in {city} right now", "is it sunny in {city} at the moment",
         "is it snowing in {city}", "is it cloudy over {city} today"),
        ("I'm heading to {city} {day}, what will the weather be like",
         "flying into {city} {day}, how's the weather looking",
         "I've got a picnic in {city} {day}, will the weather hold up"),
        ("what should I wear in {city} {day}", "do I need a coat in {city} {day}",
         "will I need sunscreen in {city} {day}"),
        ("weather {city}", "{city} weather", "{city} forecast {day}", "weather for {city} {day}"),
        ("could you check the forecast in {city} {day}", "can I get the weather for {city} {day}",
         "I'd like to know the weather in {city} {day}"),
        ("any chance of rain in {city} {day}", "is there a storm coming to {city} {day}",
         "will it be windy in {city} {day}", "is it going to snow in {city} {day}"),
        ("how many degrees is it in {city}", "what's it like outside in {city} right now",
         "tell me the current conditions in {city}"),
        ("what are the highs and lows for {city} {day}", "how cold will it get in {city} {day}",
         "what's the high in {city} {day}"),
        ("my mom lives in {city}, what's the weather like there",
         "we're going for a walk in {city}, is it nice out",
         "before I head out, what's the weather doing in {city}"),
        ("give me a weather update for {city}", "quick weather report for {city}",
         "weather check, {city}, {day}"),
        ("will it be nice in {city} {day}", "is it going to be a good beach day in {city} {day}",
         "should I plan for rain in {city} {day}"),
        ("how's {city} looking weather-wise {day}", "what's the outlook for {city} {day}"),
    ],
    "set_timer": [
        ("can you set me a timer for {adur}", "could you start a countdown of {adur}",
         "I'd like a timer for {adur}"),
        ("timer {dur}", "countdown {dur}", "{dur} on the clock"),
        ("set the timer to {adur}", "put {adur} on the timer", "give me {adur} on the clock"),
        ("let me know when {dur} is up", "tell me when {dur} has passed", "alert me in {dur}"),
        ("buzz me in {adur}", "beep in {adur}", "give me a shout in {adur}"),
        # An alarm after a duration, with nothing to remind about, is a timer (set_timer's
        # own description); with a task and a time it is a reminder (below).
        ("set an alarm for {dur} from now", "alarm in {dur}", "I need an alarm to go off in {dur}"),
        ("I'm going to lie down, wake me in {dur}", "taking a quick nap, get me up in {dur}",
         "I'll close my eyes for a bit, wake me after {dur}"),
        ("set a timer for {dur} and call it {label}", "start a timer for {dur}, label it {label}",
         "{label} timer, {dur}", "new {label} timer for {dur}"),
        ("time the {label} for {adur}", "the {label} needs {adur}, start a timer",
         "I need {adur} for the {label}, can you time it"),
        ("could you set a {label} timer of {dur}", "can I get a timer for the {label}, {dur}",
         "I'd like a {label} timer set to {dur}"),
        ("start counting down {dur}", "begin a countdown of {dur}", "run a countdown for {dur}"),
        ("{dur} for the {label}", "set {dur} for the {label}", "count {dur} for the {label}"),
        # {adur} (above too): any minute to two hours, half in words, beyond evalkit's few
        # values, with and without a label, so numbers are copied, not remembered.
        ("set a timer for {adur}", "start a timer, {adur}", "a timer of {adur} please",
         "can you time {adur} for me"),
        ("set a {label} timer for {adur}", "{adur} on the {label} timer",
         "start the {label} timer for {adur}", "I'm making {label}, give me a timer for {adur}"),
        ("the {label} needs {adur}", "the {label} takes {adur}, time it",
         "put the {label} on for {adur}", "{label} for {adur}, start the clock"),
    ],
    "list_timers": [
        ("how long until my timer goes off", "when does my timer end",
         "how much longer on the timer"),
        ("is my timer still going", "is there a timer on", "did I leave a timer running"),
        ("what timers are set", "which countdowns are running", "any countdowns going"),
        ("could you tell me what timers I have", "can I see my timers",
         "I'd like to know which timers are on"),
        ("timers?", "my timers", "status of the timer"),
        ("how much time is left", "how many minutes are left on the countdown",
         "time remaining on my timer"),
        ("I set a timer earlier, how long's left on it",
         "I forgot how long I set the timer for, how much is left",
         "I've got something in the oven, how long is left on the timer"),
        ("list all running timers", "show all my countdowns", "give me a list of my timers"),
        ("how many timers do I have going", "do I have more than one timer on",
         "how many timers are running"),
        ("what's the countdown at", "where's my timer at", "check on the timer for me"),
        ("remind me what timers I set", "which timers did I start",
         "what timers did I put on earlier"),
    ],
    "cancel_timer": [
        ("stop the countdown", "cancel the countdown", "abort the timer"),
        ("shut off the timer", "turn the timer off", "end the timer"),
        ("I don't need the timer anymore", "scrap the timer", "forget the timer"),
        ("cancel the timer for the {label}", "stop the timer for the {label}",
         "end the {label} countdown"),
        ("I'd like to cancel the {label} timer", "could you stop the {label} timer",
         "can you turn off the {label} timer"),
        ("drop the {label} timer", "delete the {label} timer", "nix the {label} timer",
         "scrap the {label} timer"),
        ("the {label} is done early, cancel its timer", "we're done with the {label}, kill the timer",
         "the {label} doesn't need a timer anymore, cancel it"),
        ("stop timer {tid}", "cancel timer {tid}", "end timer number {tid}"),
        ("could you cancel timer {tid} for me", "please stop timer number {tid}",
         "I want timer {tid} cancelled"),
        ("kill timer {tid}", "timer {tid}, cancel it", "turn off timer number {tid}"),
        ("cancel the running timer", "stop my countdown", "call off the timer"),
    ],
    "set_reminder": [
        # evalkit's reminders always say what and when ({rtext} and {when}); alarms, calendar
        # entries and wake-up calls with a task are reminders.
        ("set an alarm {when} to {rtext}", "could you set an alarm to {rtext} {when}",
         "alarm {when}, {rtext}"),
        ("wake me up {when}, I have to {rtext}", "wake me up {when} so I can {rtext}",
         "wake me {when}, I've got to {rtext}"),
        ("ping me {when} to {rtext}", "buzz me {when} so I remember to {rtext}",
         "give me a heads up {when} to {rtext}"),
        ("add to my calendar {when}: {rtext}", "put a reminder in my calendar {when} to {rtext}",
         "mark my calendar {when} to {rtext}"),
        ("I'd like a reminder {when} to {rtext}", "can I get a reminder to {rtext} {when}",
         "please remind me {when}: {rtext}"),
        ("I keep forgetting to {rtext}, remind me {when}",
         "I always forget to {rtext}, so remind me {when}",
         "my wife asked me to {rtext}, remind me {when}"),
        ("tell me to {rtext} {when}", "alert me {when} to {rtext}",
         "give me a shout {when} to {rtext}"),
        ("new reminder: {rtext}, {when}", "reminder to {rtext} {when}", "reminder, {when}, {rtext}"),
        ("set a reminder for me {when} saying {rtext}", "set me a reminder {when}: {rtext}",
         "I need a reminder to {rtext} {when}"),
        ("{when} I need to {rtext}, can you ping me", "{when} I have to {rtext}, give me a nudge",
         "{when} tell me to {rtext}"),
        ("set my alarm {when}, I need to {rtext}", "I need an alarm {when} to {rtext}"),
        ("can you make sure I {rtext} {when}", "make sure I don't forget to {rtext} {when}"),
    ],
    "list_reminders": [
        ("what's on my calendar", "anything on my calendar coming up",
         "what do I have on the calendar"),
        # Alarms at a clock time are reminders here (set_timer is for durations).
        ("what alarms have I set", "which alarms do I have", "did I set any alarms"),
        ("what have I got coming up", "do I have anything scheduled", "what have I got on later"),
        ("how many reminders do I have", "when's my next reminder", "what's my next reminder"),
        ("I forgot what I asked you to remind me about, what was it",
         "remind me what reminders I set", "what was I supposed to remember to do"),
        ("could you list my reminders", "can I hear my reminders",
         "I'd like to go over my reminders"),
        ("reminders?", "my reminders", "upcoming reminders"),
        ("any reminders for tomorrow", "do I have reminders set for later today",
         "what reminders are coming up this week"),
        ("read out all my reminders", "show me every reminder", "give me the list of reminders"),
        ("is there anything I'm meant to do later", "what am I supposed to be doing later",
         "what did I schedule"),
        ("are any alarms or reminders set", "check whether I have any reminders",
         "see if I have reminders pending"),
    ],
    "add_note": [
        # {note} is a whole sentence or a list ("buy eggs, milk and bread"), so it follows a
        # colon, "that" or a comma, never sits inside a clause.
        ("note to self: {note}", "quick note: {note}", "memo: {note}"),
        ("jot this down: {note}", "write this down for me: {note}", "take this down: {note}"),
        ("add to my notes: {note}", "add this to my notes: {note}",
         "stick this in my notes: {note}"),
        ("can you note down that {note}", "could you write down that {note}",
         "would you make a note that {note}"),
        ("I'd like to make a note: {note}", "I want to save a note: {note}",
         "can I leave a note? {note}"),
        ("before I forget, {note}, write that down", "{note}, make a note of that",
         "{note}, put that in my notes"),
        ("make a note for me: {note}", "make a new note: {note}", "start a note: {note}"),
        ("save this for later: {note}", "keep a note that {note}", "log a note: {note}"),
        ("please remember that {note}", "don't let me lose this, {note}, save it as a note"),
        ("jot down {note}", "note down {note}", "scribble down {note}"),
        ("put down in my notes that {note}", "add a line to my notes: {note}",
         "for my notes: {note}"),
        ("okay so {note}, can you note that", "just so I have it written somewhere, {note}"),
    ],
    "search_notes": [
        # Queries include "the dentist", so no "the {query}".
        ("look through my notes for {query}", "search for {query} in my notes",
         "find {query} in my notes"),
        ("did I write anything down about {query}", "what do my notes say about {query}",
         "what did I jot down about {query}"),
        ("I made a note about {query}, can you find it",
         "I wrote something about {query} somewhere, find it",
         "I saved something about {query}, what was it"),
        ("where's that note about {query}", "bring up the note on {query}",
         "dig up my note on {query}"),
        ("any notes mentioning {query}", "notes about {query}?", "notes on {query}"),
        ("could you find what I noted about {query}", "can you search my notes for {query}",
         "I'd like to find my note about {query}"),
        ("I need the note about {query}", "get me the note about {query}",
         "show me notes about {query}"),
        ("do my notes have anything on {query}", "have I got a note on {query}",
         "is {query} in my notes anywhere"),
        ("I can't remember what I wrote about {query}, check my notes",
         "what was in my note about {query}", "what did my note about {query} say"),
        ("look for my note about {query}", "find anything I wrote on {query}",
         "search {query} in notes"),
        ("query my notes for {query}", "scan my notes for {query}"),
    ],
    "read_notes": [
        ("what's in my notes", "what have I written down", "what's saved in my notes"),
        ("can you read my notes to me", "I'd like to hear my notes", "could you go over my notes"),
        ("read back my notes", "play back my notes", "read my latest notes"),
        ("read the last {limit} notes", "give me my {limit} newest notes",
         "just the last {limit} notes"),
        ("read me the {limit} latest notes I made",
         "what are the {limit} most recent things I noted", "read out {limit} notes"),
        ("what did I jot down lately", "what's my latest note",
         "what was the last thing I wrote down"),
        ("recap my notes", "run through my notes", "list everything in my notes"),
        ("notes?", "my notes", "show my notes"),
        ("do I have any notes", "have I saved any notes", "are there any notes"),
        ("I want to hear my last {limit} notes", "can I get the {limit} most recent notes",
         "tell me my newest {limit} notes"),
        ("remind me what's in my notes", "what have I been noting down lately"),
    ],
    "delete_note": [
        ("I'd like to delete note {nid}", "could you erase note number {nid}",
         "can I delete note {nid}"),
        ("note {nid} is out of date, delete it", "my note {nid} is wrong, delete it",
         "I finished what's in note {nid}, you can delete it"),
        ("scrap note {nid}", "bin note {nid}", "drop note {nid}"),
        ("delete number {nid} from my notes", "take note {nid} out of my notes",
         "remove number {nid} from my notes"),
        ("note number {nid}, delete", "note {nid}, remove it", "note {nid} can go"),
        ("please get rid of note {nid}", "get rid of note {nid} for me", "delete note {nid} for me"),
        ("cross out note {nid}", "scratch note {nid}", "clear note {nid}"),
        ("erase my note {nid}", "remove my note number {nid}", "delete the note numbered {nid}"),
        ("kill note {nid}", "nuke note number {nid}", "zap note {nid}"),
        ("I no longer need note number {nid}, remove it",
         "that note, number {nid}, please delete it",
         "note {nid} isn't needed anymore, please remove it"),
        ("can you trash note number {nid}", "would you delete note {nid}"),
    ],
    "convert_units": [
        ("how much is {qty} in {to}", "what would {qty} be in {to}",
         "what does {qty} come to in {to}"),
        ("{qty} is how many {to}", "{qty} equals how many {to}", "{qty} how many {to}"),
        ("could you tell me what {qty} is in {to}", "can I get {qty} in {to}",
         "I'd like {qty} converted to {to}"),
        ("the recipe says {qty}, what's that in {to}", "a sign says {qty}, how many {to} is that",
         "my app shows {qty}, what is that in {to}"),
        ("how many {to} make {qty}", "how many {to} would {qty} be",
         "roughly how many {to} is {qty}"),
        ("{qty} converted to {to}", "{qty} into {to}", "{qty} as {to}"),
        ("what's the equivalent of {qty} in {to}", "give me {qty} in {to}",
         "show me {qty} as {to}"),
        ("quick conversion: {qty} to {to}", "do a conversion, {qty} to {to}",
         "unit conversion, {qty} into {to}"),
        ("I'm trying to figure out {qty} in {to}", "if I have {qty}, how many {to} is that",
         "I need to know {qty} in {to}"),
        ("convert from {qty} to {to}", "please convert {qty} to {to}", "switch {qty} to {to}"),
        ("{qty} to {to}?", "what's {qty} in {to} roughly", "in {to}, how much is {qty}"),
    ],
    "calculate": [
        ("what does {expr} come to", "what's {expr} equal to", "{expr} equals what"),
        ("{expr}?", "{expr} is what", "what would {expr} be"),
        ("quick question, what's {expr}", "hey what's {expr} again", "any idea what {expr} is"),
        ("help me with some math: {expr}", "math question: {expr}", "crunch the numbers: {expr}"),
        ("could you calculate {expr}", "can you work out {expr} for me", "would you compute {expr}"),
        ("I'm splitting a bill, what's {expr}", "I need to know {expr} for my homework",
         "mental math is hard, what's {expr}"),
        ("give me the answer to {expr}", "tell me what {expr} is", "what's the result of {expr}"),
        ("calculator: {expr}", "evaluate {expr}", "calc {expr}"),
        ("I'd like to know {expr}", "do you know what {expr} makes", "how much does {expr} make"),
        ("what's the answer for {expr}", "answer to {expr}", "what comes out of {expr}"),
        ("can I get a quick calculation, {expr}", "work this out: {expr}"),
    ],
    "log_dose": [
        ("I've just taken {dose} of {drug}", "just took {dose} of {drug}",
         "I just took my {drug}, {dose}"),
        ("can you log that I took {dose} of {drug}",
         "please record that I took {dose} of {drug} {time}", "could you log {dose} of {drug} for me"),
        ("I had {dose} of {drug} {time}, log it", "took {dose} of {drug} {time}",
         "{drug}, {dose}, taken {time}"),
        ("put {dose} of {drug} in my medication log", "add a dose: {dose} of {drug}",
         "update my log, I took {dose} of {drug}"),
        ("my {drug} dose is done, {dose}", "finished my {drug}, {dose}",
         "morning meds done: {dose} of {drug}"),
        ("dose taken: {drug}, {dose}", "{dose} {drug} just now", "{drug} {dose}, log it"),
        ("I'd like to log {dose} of {drug}", "I want to record {dose} of {drug} {time}",
         "track {dose} of {drug}"),
        # An unnamed time ("this morning") leaves `time` open, as evalkit's OPTIONAL_ANY does.
        ("the nurse gave me {dose} of {drug} {time}, log it",
         "I took {dose} of {drug} with breakfast, please record it",
         "I remembered my {drug} this morning, {dose}, log it"),
        ("write down that I took {dose} of {drug}", "mark down that I had {dose} of {drug} {time}",
         "make a log entry: {dose} of {drug}"),
        ("I took {dose} of {drug} a few minutes ago", "just now I had {dose} of {drug}",
         "I've had my {dose} of {drug}"),
        ("log my {drug}, {dose}", "enter {dose} of {drug} in my log",
         "save {dose} of {drug} to my log"),
    ],
    "last_dose": [
        ("when was the last time I had {drug}", "when was my {drug} last taken",
         "what time was my last {drug}"),
        ("have I had my {drug} yet", "did I already take {drug}", "did I remember to take my {drug}"),
        ("I can't remember if I took my {drug}, did I",
         "I'm not sure I took my {drug} this morning, can you check", "did I take {drug} or not"),
        ("how many hours since my last {drug}", "how long has it been since I took {drug}",
         "how long ago was my last dose of {drug}"),
        ("last {drug} dose, when was it", "{drug}, when did I last have it",
         "my last {drug}, when was that"),
        ("could you tell me when I last took {drug}", "I'd like to know when I last took my {drug}",
         "can you check when my last {drug} was"),
        ("check my log for my last {drug}", "what's my most recent {drug} entry",
         "when did I log {drug} last"),
        ("remind me when I took my last {drug}", "remind me, when did I have {drug}"),
        ("have I taken any {drug} yet", "any {drug} logged yet", "is there a {drug} dose in my log yet"),
        ("when did I last have a dose of {drug}", "when did I last log a {drug} dose",
         "last logged {drug}?"),
        ("my husband asks if I took my {drug} already, did I",
         "I think I missed my {drug}, when did I last take it"),
        # A question about one drug "today" is still its last dose, not the day's list.
        ("did I get my {drug} in today", "is my {drug} done for today",
         "was my {drug} taken today", "did I have any {drug} today",
         "today's {drug}, did I take it", "have I already had {drug} this morning"),
    ],
    "list_doses": [
        # No {pday}: the day is today (evalkit's default), so these never name another day.
        ("what did I take {pday}", "what meds did I log {pday}", "what pills did I take {pday}"),
        ("show me everything I logged {pday}", "which doses did I record {pday}",
         "how many doses did I take {pday}"),
        ("can you list the medicines I took {pday}", "could you read me what I took {pday}",
         "I'd like to see my doses {pday}"),
        ("I'm seeing my doctor, what did I take {pday}",
         "for my records, which medications did I have {pday}", "did I take all my meds {pday}"),
        ("what have I taken so far", "what's in my med log", "read me my medication log"),
        ("show me today's doses", "list today's medications", "what meds have I had today"),
        ("what medicines did I log", "which medications have I taken",
         "give me a rundown of my doses"),
        ("my doses?", "dose log", "medication history"),
        ("recap my medications {pday}", "what went in my log {pday}", "list my pills {pday}"),
        ("did I log any meds {pday}", "was anything logged in my medication log {pday}",
         "what's been logged {pday}"),
        ("go through what I took {pday}", "walk me through my doses {pday}"),
        # The medication log is its own record, not the notes.
        ("pull up my medication log", "open my dose log", "bring up my pill log",
         "show me the medicine log", "display my dose history", "let me see my meds log"),
    ],
    "add_medication_schedule": [
        ("I need to take {dose} of {drug} every day {times}, set that up",
         "set up {drug} for me, {dose} daily {times}",
         "could you schedule my {drug}, {dose}, daily {times}"),
        ("my doctor put me on {drug}, {dose} {times} daily, please add it to my schedule",
         "new prescription: {drug}, {dose}, {times} every day, please schedule it",
         "I've been prescribed {dose} of {drug} {times}, add it to my schedule"),
        # A daily medication reminder is a schedule (it announces at each time), not a reminder.
        ("remind me to take {dose} of {drug} every day {times}",
         "set up a daily reminder for {drug}, {dose} {times}",
         "alert me every day {times} to take {dose} of {drug}"),
        ("I take {drug} {dose} {times} every day, please save that schedule",
         "every day {times} I take {dose} of {drug}, put it in my schedule",
         "each day {times}, {dose} of {drug}, schedule that"),
        ("add a daily {drug} dose of {dose} {times}", "daily {drug}, {dose}, {times}",
         "{drug} {dose} every day {times}"),
        ("my {drug} schedule is {dose} {times}, save it", "save my {drug} routine: {dose} {times}",
         "store my {drug} schedule, {dose} {times}"),
        ("I'd like to set up a medication schedule for {drug}: {dose} {times}",
         "can you set up a schedule for {dose} of {drug} {times}",
         "could you add {drug} to my daily meds, {dose} {times}"),
        ("set a recurring reminder for {dose} of {drug} {times}",
         "repeat every day: {dose} of {drug} {times}", "a daily alarm for {dose} of {drug} {times}"),
        ("I'm on {dose} of {drug} {times} each day, add it to my medication schedule",
         "put me down for {dose} of {drug} daily {times}", "register my daily {drug}, {dose} {times}"),
        ("track my {drug} schedule, {dose} every day {times}",
         "keep track of my daily {drug}: {dose} {times}"),
        ("from now on I take {dose} of {drug} {times}, schedule it",
         "starting today, {dose} of {drug} {times} every day, please set that up"),
    ],
    "get_time": [
        ("got the time?", "what hour is it", "what's the time right now"),
        ("can you tell me the time", "could you tell me what time it is", "I'd like to know the time"),
        ("I lost track of time, what time is it", "how late is it", "what does the clock say"),
        ("what's the date", "what day of the month is it", "what date is it"),
        ("what year is it", "what month are we in", "is it Monday today"),
        ("what time is it over in {city}", "what's the current time in {city}",
         "what time do they have in {city}"),
        ("is it night in {city} right now", "how late is it in {city}",
         "is it still daytime in {city}"),
        ("my brother lives in {city}, what time is it there",
         "I'm about to call a friend in {city}, what's the time there",
         "if I rang someone in {city} now, what time would it be there"),
        ("time in {city}?", "{city} time", "time check for {city}"),
        ("what's the time now", "time please", "time?"),
        ("what's today", "which date is it today", "tell me today's date"),
    ],
    # --- negatives: no tool fits; each must stay so whatever a placeholder is filled with ------
    "chit-chat": [
        ("hey there", "hiya", "howdy", "yo, what's going on", "morning!",
         "evening, how are things"),
        ("good to hear your voice again", "nice to talk to you", "how's your morning been",
         "what have you been up to", "are you having a good day"),
        ("what's your favourite colour", "do you dream", "are you a real person",
         "do you ever sleep", "how old are you", "where do you live"),
        ("do you like music", "what do you think about cats", "cats or dogs, which do you prefer",
         "would you rather be a bird or a fish", "what makes you happy", "do you ever get bored"),
        ("I love you", "you're my favourite assistant", "you're so clever",
         "you're not very helpful today", "you sound nice", "I like your voice"),
        ("sorry, I was talking to someone else", "oops, wrong button", "hold on a second",
         "one moment please", "ignore that", "never mind, I figured it out"),
        ("bye", "goodbye for now", "talk to you tomorrow", "see ya", "have a nice day",
         "sleep well"),
        ("I'm back", "guess what, I got the job", "I'm so stressed about my exams",
         "I'm feeling lonely tonight", "it's my birthday today", "I just finished a marathon"),
        ("can we just chat for a bit", "let's talk", "cheer me up", "wish me luck",
         "say hi to my daughter", "say goodnight to the kids"),
        ("thanks buddy", "I appreciate you", "no thanks", "nope, that's it", "all good",
         "sounds good"),
        ("okay", "alright then", "haha that's funny", "interesting", "really?",
         "are you still there"),
        ("tell me something interesting", "write me a poem about autumn",
         "tell me a bedtime story about a dragon", "do you know any riddles",
         "tell me a knock knock joke", "let's play a guessing game"),
        ("my cat just knocked over a glass", "I'm nervous about tomorrow", "I had pizza for dinner",
         "I think I'm catching a cold", "the kids are finally asleep", "it's been a quiet day"),
    ],
    "general-knowledge": [
        ("what is {country} known for", "what's the national dish of {country}",
         "what continent is {country} in", "what's the population of {country}"),
        ("what's {city} famous for", "which river runs through {city}",
         "what's there to see in {city}", "what language do people speak in {city}"),
        ("when was {thing} written", "what is {thing} about", "is {thing} worth reading",
         "how does {thing} end"),
        ("how did {person} die", "where was {person} from", "what did {person} do",
         "was {person} married"),
        # About a drug, not the user's log: no tool, and no advice either.
        ("what is {drug} used for", "what kind of medicine is {drug}",
         "what are the common side effects of {drug}", "how does {drug} work in the body"),
        ("why do we have leap years", "how do vaccines work", "what is a black hole",
         "who painted the Mona Lisa", "how do bees make honey",
         "why do leaves change colour in autumn"),
        ("what's the difference between weather and climate",
         "how do meteorologists predict the weather", "what causes thunder",
         "how does a hurricane form", "how are rainbows formed", "what is a monsoon"),
        ("what is a time zone", "why do we have daylight saving time", "who invented the clock",
         "how does an alarm clock work", "why is a day twenty four hours long",
         "who came up with the calendar we use"),
        ("why does the US still use miles", "where did the metric system come from",
         "who invented the calculator", "what is algebra", "what's the Pythagorean theorem",
         "who invented zero"),
        ("how do painkillers work", "what's the difference between a generic and a brand name drug",
         "what does a pharmacist do", "why do some pills have to be taken with food",
         "what is an antibiotic"),
        ("how long do elephants live", "what is DNA", "what's the smallest country in the world",
         "who was the first person on the moon", "how does the internet work",
         "what is inflation"),
        ("why do people keep notes", "what does a reminder app do",
         "how did people keep time before clocks", "what is a to-do list for",
         "why do people keep a journal"),
        ("who is the president of {country}", "what does the flag of {country} look like",
         "is {country} a big country", "what's the highest mountain in {country}"),
        ("how do you spell necessary", "what rhymes with orange", "what's the opposite of ancient",
         "what's a synonym for happy"),
    ],
    "out-of-scope": [
        ("turn the kitchen lights off", "make the living room brighter", "switch on the fan",
         "set the heating to twenty one degrees", "turn the air conditioning up",
         "unlock the back door"),
        ("is the front door locked", "arm the security system", "show me the front door camera",
         "open the curtains", "start the washing machine", "preheat the oven"),
        ("put on my running playlist", "shuffle my liked songs", "what song is this",
         "turn the volume down", "mute the speaker", "play the radio", "play an audiobook"),
        # "call my mom" is a phone call now; "remind me to call mom" would be a reminder.
        ("text my wife that I'm on my way", "email my boss that I'm sick today",
         "read my new emails", "do I have any unread messages", "call my mom",
         "video call my sister", "phone the dentist"),
        ("order more dog food online", "buy me a new phone charger", "reorder my groceries",
         "track my package", "where is my Amazon order", "buy two tickets for the concert"),
        ("how do I get to {city} from here", "navigate to the nearest gas station",
         "how long is the drive to {city}", "find a parking spot nearby",
         "is there traffic on my way to work", "directions to the closest pharmacy"),
        ("how do you say thank you in Japanese", "translate good morning into Spanish",
         "what's hello in French", "how do I say where is the train station in German"),
        ("send a meeting invite to the team for Friday", "invite Sarah to dinner on Saturday",
         "share my calendar with my husband", "set up a meeting with Mark and Anna",
         "add my sister to the birthday party event"),
        ("book a table for two tonight", "reserve a hotel room in {city} {day}",
         "book me a dentist appointment", "get me an Uber", "book a taxi to the station {day}",
         "find me a cheap flight to {city}"),
        ("what's in the news today", "read me the headlines", "who won the football last night",
         "how is the stock market doing", "what's Tesla trading at",
         "what's the latest on the election"),
        # Money is not a unit (convert_units: "Not for money").
        ("convert fifty dollars to euros", "how many yen is a hundred dollars",
         "what's the exchange rate from euros to British pounds",
         "how much is bitcoin worth right now"),
        ("give me a recipe for banana bread", "how do I make pancakes",
         "what can I cook with chicken and rice", "suggest something for dinner"),
        # Medical advice: the medication tools only log and schedule (NO_ADVICE).
        ("should I take my {drug} with food", "what happens if I miss a dose of {drug}",
         "is {dose} of {drug} a lot", "can I stop taking {drug}", "how much {drug} is too much",
         "can I take {drug} while pregnant"),
        # Opening hours and event times are not the clock's time.
        ("what time does the pharmacy close", "when does the supermarket open",
         "what time is the game tonight", "when is the next bus", "what time does the movie start"),
        ("take a photo", "record a video", "open YouTube", "set my phone to silent",
         "turn on do not disturb", "what's my battery level", "turn on bluetooth"),
        ("refill my {drug} prescription", "ask my doctor if I can switch from {drug}",
         "find a pharmacy that has {drug} in stock"),
        # Thermostats and air conditioning say degrees, but no tool controls them.
        ("turn the thermostat down a couple of degrees", "bump the heat up to twenty two",
         "set the AC to nineteen degrees", "make it warmer in here", "cool the bedroom down to 18",
         "put the thermostat on eco mode"),
        # "set the X to N" for things no tool controls: the frame and the number are a
        # timer's, the object is not (the fourth adapter set one-hour "heating" timers for dev's
        # "set the thermostat to 20 degrees").
        ("set the living room to twenty degrees", "set the heat to 68", "set the fan to speed two",
         "set the volume to thirty percent", "set the brightness to fifty percent",
         "set the oven to 180 degrees", "set the bedroom heater to 22", "set the AC to 72 degrees"),
        ("turn the heating up to 21", "change the thermostat to 19", "put the heat on 20 degrees",
         "thermostat to twenty two please", "lower the temperature to 17 degrees",
         "dim the lights to 40 percent", "turn the volume up to 8"),
        ("any news about the storm", "what are today's top stories", "give me the sports scores",
         "how did the markets close", "what's trending right now"),
        ("how much is twenty pounds in dollars", "change 100 euros to dollars",
         "what's a dollar worth in yen today", "how many pesos do I get for fifty bucks"),
    ],
    "near-miss": [
        ("I forgot to set a timer yesterday and burnt the pasta",
         "my kitchen timer beeps way too loudly", "timers really help me study",
         "I use the pomodoro technique at work", "my microwave has a timer built in",
         "the oven timer went off in the middle of the night"),
        ("I ran for {dur} this morning", "the bus was {dur} late today",
         "I waited {dur} for the doctor", "the meeting ran {dur} over", "I was on hold for {dur}"),
        # A task with no time and no request: nothing to set.
        ("I always forget to {rtext}", "my wife reminded me to {rtext}",
         "yesterday I forgot to {rtext}", "I should really {rtext} more often",
         "I already remembered to {rtext}"),
        ("I set an alarm for six but slept right through it", "my alarm clock is broken",
         "I hate the sound of my alarm", "reminders on my old phone never worked",
         "my calendar is so full this week", "I'm terrible at remembering birthdays"),
        ("my doctor changed my {drug} dose", "I've been on {drug} for years",
         "{drug} makes me sleepy", "my pharmacist recommended {drug}",
         "my grandmother takes {drug} every morning", "years ago I was on {dose} of {drug}"),
        ("the weather in {city} was lovely last week", "it snowed in {city} when I was a kid",
         "{city} has the worst weather", "my weather app is always wrong",
         "the forecast said rain but it stayed sunny", "my knee aches whenever it rains"),
        ("I'm moving to {city} next year", "my cousin just flew back from {city}",
         "I've always wanted to visit {city}", "{city} is six hours ahead of us",
         "we had a thunderstorm here last night", "it's been so humid lately"),
        ("I found an old note from my grandmother", "I keep all my notes on paper",
         "my class notes are a mess", "writing things down helps me remember",
         "I wrote a shopping list but left it at home",
         "my sticky notes keep falling off the fridge"),
        ("I should write more things down", "I never take notes in class",
         "I need to get better at taking notes",
         "my boss says I should keep better notes", "I lost all my notes when my phone died"),
        ("I'm terrible at mental maths", "my calculator ran out of battery",
         "I got an A in algebra", "numbers make my head spin",
         "my son is learning his times tables", "my bathroom scale only shows pounds"),
        ("time goes so fast these days", "I was late to work again", "my watch stopped this morning",
         "I woke up way too early today", "the clocks go back this weekend"),
        ("I took my pills late yesterday and felt fine",
         "my dad keeps his medicine in a pill organiser", "I need to see my doctor about my {drug}",
         "the pharmacy was out of {drug}", "my pill box is almost empty"),
        ("my pasta took {dur} longer than the recipe said",
         "last time I left the bread in for {dur} it burned",
         "it took me {dur} to find a parking spot"),
    ],
}


def extra_templates() -> list[Template]:
    """The extra templates, ids `extra/<tool or kind>/<n>`; tool None for negatives."""
    out: list[Template] = []
    for group, patterns_list in _EXTRA.items():
        negative = group in NEGATIVE_KINDS
        for i, patterns in enumerate(patterns_list):
            out.append(Template(id=f"extra/{group}/{i}", tool=None if negative else group,
                                category=group if negative else CALL, patterns=patterns))
    return out


SETS = Path(__file__).resolve().parents[1] / "evalkit" / "sets"


def holdout_texts(skip: Path | None = None) -> list[str]:
    """The texts of evalkit's hand-written sets (`SETS`, all but `skip`): a wording here may
    fill in to one of them by chance ("what meds did I log {pday}"), and those are never
    trained on."""
    import json

    return [json.loads(line)["text"] for path in sorted(SETS.glob("*.jsonl"))
            if skip is None or path.resolve() != skip.resolve()
            for line in path.read_text("utf-8").splitlines() if line]


def extra_items(seed: int = 0, per_tool: int = 150, per_negative_kind: int = 300,
                drugs: Sequence[str] | None = None, holdout: Iterable[str] | None = None
                ) -> list[Item]:
    """Training items from the extra templates, split "train", ids `train:extra/...:NNNN`.

    Filled by evalkit's own code (same slots, prefixes, suffixes and gold calls), deterministic
    for a seed and drug list, no text twice, and none equal to an item of evalkit's dev or test
    split for the same seed and drugs, nor to a text of `holdout` (default: every hand-written
    set's, `holdout_texts`). A group gives fewer items only when its wordings run out.
    """
    drug_list = tuple(drugs) if drugs is not None else formulary_drugs()
    if not drug_list:
        raise ValueError("extra_items needs at least one drug name")
    held_out = {text_key(it.text) for it in generate_items(seed, drug_list) if it.split != "train"}
    held_out |= {text_key(text) for text in (holdout_texts() if holdout is None else holdout)}
    by_group: dict[str, list[Template]] = {}
    for t in extra_templates():
        by_group.setdefault(t.tool or t.category, []).append(t)
    rng = random.Random(seed)
    seen: set[str] = set()
    items: list[Item] = []
    for group in (*catalogue_functions(), *NEGATIVE_KINDS):
        templates = by_group[group]
        target = per_negative_kind if group in NEGATIVE_KINDS else per_tool
        per_template: dict[str, int] = {}
        made = attempts = 0
        # Round-robin over the groups of wordings, as evalkit does, so each is used evenly.
        while made < target and attempts < target * 40:
            template = templates[attempts % len(templates)]
            attempts += 1
            text, expected, terms = make_text(template, "train", rng, drug_list)
            key = text_key(text)
            if key in seen or key in held_out:
                continue
            seen.add(key)
            n = per_template.get(template.id, 0)
            per_template[template.id] = n + 1
            items.append(Item(id=f"train:{template.id}:{n:04d}", text=text, expected=expected,
                              category=template.category, tool=template.tool,
                              template_id=template.id, split="train", terms=terms))
            made += 1
    return items
