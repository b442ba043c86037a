"""Request templates: for each function of the catalogue (and each negative kind), groups of
paraphrases that share one meaning. A template group is the unit of the train/dev/test split, so
no wording seen in training is ever tested.

Placeholders: {city} {day} {pday} {dur} {label} {tid} {rtext} {when} {note} {query} {nid}
{limit} {qty} {to} {expr} {drug} {dose} {time} {times} {country} {person} {thing}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CALL = "call"
NEGATIVE_KINDS = ("chit-chat", "general-knowledge", "out-of-scope", "near-miss")


@dataclass(frozen=True)
class Template:
    id: str
    tool: str | None  # None for negatives
    category: str  # "call" or a negative kind
    patterns: tuple[str, ...]


# Optional arguments: the value assumed when the request does not mention it (checked if the
# model passes it), and those that may take any value when unmentioned.
OPTIONAL_DEFAULTS: dict[str, dict[str, tuple[Any, ...]]] = {
    "get_weather": {"day": ("today",)},
    "list_doses": {"day": ("today",)},
}
OPTIONAL_ANY: dict[str, frozenset[str]] = {
    "set_timer": frozenset({"label"}),
    "cancel_timer": frozenset({"label", "timer_id"}),
    "log_dose": frozenset({"time"}),
    "read_notes": frozenset({"limit"}),
}

_T: dict[str, list[tuple[str, ...]]] = {
    "get_weather": [
        ("what's the weather in {city}", "what is the weather like in {city}",
         "how's the weather in {city}"),
        ("will it rain in {city} {day}", "is it going to rain in {city} {day}"),
        ("what's the forecast for {city} {day}", "give me the forecast for {city} {day}"),
        ("how hot will it be in {city} {day}", "how warm is it going to get in {city} {day}"),
        ("do I need an umbrella in {city} {day}", "should I bring a jacket in {city} {day}"),
        ("what's the temperature in {city} right now", "how cold is it in {city} at the moment"),
        ("check the weather for {city}", "look up the weather in {city} for me"),
    ],
    "set_timer": [
        ("set a timer for {dur}", "start a timer for {dur}"),
        ("set a {label} timer for {dur}", "start a {dur} timer for the {label}"),
        ("timer for {dur} please", "{dur} timer"),
        ("remind me in {dur} that the {label} is done", "count down {dur} for the {label}"),
        ("wake me up in {dur}", "ping me in {dur}"),
        ("can you time {dur} for me", "I need a timer of {dur}"),
        ("put a timer on for {dur} called {label}", "make a {label} timer, {dur}"),
    ],
    "list_timers": [
        ("what timers do I have", "which timers are running"),
        ("list my timers", "show me my timers"),
        ("how much time is left on my timers", "how long is left on the timer"),
        ("are any timers running", "do I have a timer going"),
        ("read out my timers", "tell me my active timers"),
        ("check my timers", "what's on my timers"),
        ("timers status", "give me the status of my timers"),
    ],
    "cancel_timer": [
        ("cancel the {label} timer", "stop the {label} timer"),
        ("cancel timer number {tid}", "delete timer {tid}"),
        ("cancel my timer", "stop the timer"),
        ("turn off the {label} timer", "kill the {label} timer"),
        ("get rid of timer {tid}", "remove timer number {tid}"),
        ("never mind the {label} timer", "I don't need the {label} timer anymore"),
        ("clear the timer", "switch off my timer"),
    ],
    "set_reminder": [
        ("remind me to {rtext} {when}", "set a reminder to {rtext} {when}"),
        ("{when} remind me to {rtext}", "{when}, I need to {rtext}, remind me"),
        ("don't let me forget to {rtext} {when}", "make sure I remember to {rtext} {when}"),
        ("add a reminder {when} to {rtext}", "create a reminder for {when}: {rtext}"),
        ("can you remind me {when} to {rtext}", "could you remind me to {rtext} {when}"),
        ("I have to {rtext} {when}, please remind me", "nudge me {when} to {rtext}"),
        ("schedule a reminder to {rtext} {when}", "put in a reminder to {rtext} {when}"),
    ],
    "list_reminders": [
        ("what are my reminders", "what reminders do I have"),
        ("list my reminders", "show my reminders"),
        ("do I have any reminders coming up", "anything I need to be reminded of"),
        ("read me my reminders", "tell me my upcoming reminders"),
        ("what did I ask you to remind me about", "what have I asked you to remind me of"),
        ("check my reminders", "are there any reminders set"),
        ("reminders, please", "go through my reminders"),
    ],
    "add_note": [
        ("take a note: {note}", "note that {note}"),
        ("add a note saying {note}", "make a note that {note}"),
        ("write down {note}", "jot down that {note}"),
        ("save a note: {note}", "create a note: {note}"),
        ("remember this: {note}", "please note {note}"),
        ("new note, {note}", "put this in my notes: {note}"),
        ("could you add to my notes that {note}", "store a note that {note}"),
    ],
    "search_notes": [
        ("search my notes for {query}", "find my notes about {query}"),
        ("do I have a note about {query}", "is there a note on {query}"),
        ("what did I write about {query}", "look up my notes on {query}"),
        ("find the note about {query}", "which note mentions {query}"),
        ("check my notes for {query}", "search notes: {query}"),
        ("pull up my {query} note", "open the note about {query}"),
        ("anything in my notes about {query}", "did I note anything about {query}"),
    ],
    "read_notes": [
        ("read my notes", "read me my notes"),
        ("read me my last {limit} notes", "what are my last {limit} notes"),
        ("what notes do I have", "list my notes"),
        ("show me my {limit} most recent notes", "read the latest {limit} notes"),
        ("go through my notes", "tell me what's in my notes"),
        ("what did I note recently", "read out my recent notes"),
        ("my notes, please", "let me hear my notes"),
    ],
    "delete_note": [
        ("delete note {nid}", "delete note number {nid}"),
        ("remove note {nid}", "get rid of note number {nid}"),
        ("erase note {nid}", "throw away note {nid}"),
        ("delete my note number {nid}", "please delete note {nid}"),
        ("I don't need note {nid} anymore, delete it", "trash note {nid}"),
        ("can you remove note number {nid}", "could you delete note {nid}"),
        ("wipe note {nid}", "discard note {nid}"),
    ],
    "convert_units": [
        ("convert {qty} to {to}", "convert {qty} into {to}"),
        ("how many {to} is {qty}", "how many {to} are in {qty}"),
        ("what is {qty} in {to}", "what's {qty} in {to}"),
        ("{qty} in {to}", "{qty} to {to}, please"),
        ("change {qty} to {to}", "turn {qty} into {to}"),
        ("I have {qty}, how much is that in {to}", "tell me {qty} in {to}"),
        ("can you convert {qty} to {to} for me", "express {qty} in {to}"),
    ],
    "calculate": [
        ("what is {expr}", "what's {expr}"),
        ("calculate {expr}", "compute {expr}"),
        ("how much is {expr}", "tell me {expr}"),
        ("work out {expr}", "figure out {expr}"),
        ("can you do {expr} for me", "quick maths: {expr}"),
        ("I need {expr}", "do the math: {expr}"),
        ("what do you get for {expr}", "solve {expr}"),
    ],
    "log_dose": [
        ("I just took {dose} of {drug}", "I took {dose} of {drug}"),
        ("log {dose} of {drug}", "record {dose} of {drug}"),
        ("I took {dose} of {drug} {time}", "log that I had {dose} of {drug} {time}"),
        ("note down a dose of {drug}, {dose}", "log a {drug} dose of {dose}"),
        ("{drug} {dose} taken", "mark {dose} of {drug} as taken"),
        ("I had my {drug}, {dose}", "just had {dose} {drug}"),
        ("add {dose} of {drug} to my medication log {time}", "record my {drug}, {dose}, {time}"),
    ],
    "last_dose": [
        ("when did I last take {drug}", "when was my last dose of {drug}"),
        ("did I take my {drug} already", "have I taken {drug} today"),
        ("when did I have {drug} last", "last time I took {drug}"),
        ("how long ago did I take my {drug}", "how long since my last {drug}"),
        ("check when I last had {drug}", "look up my last {drug} dose"),
        ("what time did I take my {drug}", "at what time did I take {drug}"),
        ("find my most recent {drug} dose", "show the last {drug} I logged"),
    ],
    "list_doses": [
        ("what medications did I take {pday}", "which meds did I take {pday}"),
        ("list my doses", "show my medication log"),
        ("what have I taken {pday}", "list everything I took {pday}"),
        ("read me my doses for {pday}", "show my doses {pday}"),
        ("what did I log today", "what's in my medication log today"),
        ("which pills have I had {pday}", "tell me my doses from {pday}"),
        ("go over my medications from {pday}", "summarize my doses {pday}"),
    ],
    "add_medication_schedule": [
        ("schedule {dose} of {drug} every day {times}", "add a schedule for {drug}, {dose} {times}"),
        ("I take {dose} of {drug} daily {times}, add that", "set up my {drug}: {dose} {times}"),
        ("add {drug} {dose} to my schedule {times}", "put {drug} {dose} on my schedule {times}"),
        ("create a medication schedule: {drug}, {dose}, {times}",
         "new medication schedule for {drug}, {dose} {times}"),
        ("I'm starting {drug}, {dose} {times} every day", "start a {drug} schedule, {dose} {times}"),
        ("make a daily plan for {dose} of {drug} {times}", "plan {dose} of {drug} every day {times}"),
        ("add my {drug} to the schedule, {dose}, {times}", "schedule my {drug} {dose} {times}"),
    ],
    "get_time": [
        ("what time is it", "what's the time"),
        ("what time is it in {city}", "what's the time in {city}"),
        ("what's the date today", "what day is it today"),
        ("tell me the time in {city}", "current time in {city}"),
        ("do you have the time", "what time is it now"),
        ("what's the local time in {city}", "is it morning in {city} right now"),
        ("what's today's date", "which day of the week is it"),
    ],
    # --- negatives ------------------------------------------------------------------------------
    "chit-chat": [
        ("how are you", "how are you doing today", "how's it going", "what's up",
         "how have you been", "how's your day going", "are you doing okay", "what's new"),
        ("thank you", "thanks a lot", "thanks, that's all", "great, thank you",
         "thank you so much", "cheers", "much appreciated", "thanks for the help"),
        ("tell me a joke", "say something funny", "make me laugh", "do you know any jokes",
         "tell me a fun fact", "sing me a song", "tell me a story", "say something nice"),
        ("good morning", "good night", "hello there", "hi, nice to meet you",
         "good afternoon", "good evening", "hello", "see you later"),
        ("what's your name", "who are you", "are you a robot", "who made you",
         "do you have feelings", "are you listening", "can you hear me", "what can you do"),
        ("I'm bored", "I had a long day", "I'm feeling a bit tired", "today was great",
         "I'm so happy today", "I can't sleep", "I'm hungry", "work was exhausting"),
        ("you're awesome", "that was helpful", "never mind", "okay, cool",
         "forget it", "that's all for now", "nothing, sorry", "I was just testing you"),
    ],
    "general-knowledge": [
        ("what is the capital of {country}", "what's the capital city of {country}"),
        ("who wrote {thing}", "who is the author of {thing}"),
        ("who was {person}", "tell me about {person}"),
        ("how far is the moon", "why is the sky blue", "how many legs does a spider have",
         "what is photosynthesis", "why do cats purr", "how do airplanes fly",
         "what causes earthquakes", "how many bones are in the human body"),
        ("what language do they speak in {country}", "what currency does {country} use"),
        ("how tall is Mount Everest", "what's the largest ocean", "how old is the universe",
         "what is the speed of light", "what is the longest river in the world",
         "how many planets are there", "what's the biggest animal", "who invented the telephone"),
        ("when was {person} born", "what is {person} famous for"),
    ],
    "out-of-scope": [
        ("book a flight to {city}", "find me a hotel in {city}"),
        ("send an email to {person}", "text {person} that I'm running late"),
        ("play some music", "play my workout playlist", "turn up the volume", "skip this song",
         "play the news", "put on some jazz", "pause the podcast", "play the next episode"),
        ("turn on the lights", "set the thermostat to 20 degrees", "lock the front door",
         "open the garage", "turn off the TV", "start the vacuum", "dim the bedroom lights",
         "close the blinds"),
        ("how much {drug} should I take", "is it safe to double my {drug}",
         "can I take {drug} with alcohol"),
        ("order a pizza", "call a taxi to the airport", "buy more toothpaste online",
         "what's the stock price of Apple", "translate this into French", "post this on Facebook",
         "take a picture", "what's the score of the game"),
        ("order a refill of my {drug}", "call my pharmacy about {drug}"),
    ],
    "near-miss": [
        ("I love the weather in {city}", "the weather in {city} was lovely last year"),
        ("my doctor switched me to {drug} last month", "{drug} used to give me headaches"),
        ("I always forget my timers", "timers stress me out", "I never use reminders",
         "my old phone had a great timer", "the kitchen timer is broken", "reminders are useful",
         "I used to set alarms for everything", "my mom loves sticky-note reminders"),
        ("I wrote a lot of notes in school", "my notes app is a mess", "taking notes is boring",
         "my friend takes beautiful notes", "I lost my notebook", "notes on paper are better",
         "I should take more notes in meetings", "my handwriting is terrible"),
        ("the metric system makes more sense", "I was never good at maths",
         "converting units is annoying", "calculators are amazing", "I hate doing taxes",
         "my son is learning fractions", "Americans use feet and inches", "math class was fun"),
        ("my sister takes {drug} too", "I read an article about {drug}"),
        ("time flies when you're having fun", "it was raining all day in {city} yesterday",
         "I'm always late, time is my enemy", "{city} is in a different time zone",
         "I flew to {city} last summer", "I miss the sunshine in {city}"),
    ],
}

COUNTRIES = ("Spain", "France", "Japan", "Brazil", "Canada", "Egypt", "Kenya", "Norway", "Peru",
             "Italy", "Vietnam", "Australia", "Germany", "Chile", "Mexico", "India", "Greece")
PEOPLE = ("Marie Curie", "Albert Einstein", "Ada Lovelace", "Nelson Mandela", "Frida Kahlo",
          "Isaac Newton", "Leonardo da Vinci", "Jane Austen", "Charles Darwin", "Cleopatra")
WORKS = ("Hamlet", "Pride and Prejudice", "Don Quixote", "War and Peace", "The Odyssey",
         "Moby Dick", "One Hundred Years of Solitude", "Frankenstein", "Dracula", "Macbeth")

# A 7-step rotation per template list: 4 train, 2 test, 1 dev. Fixed, independent of the seed,
# so the split of wordings never changes between runs.
_ROTATION = ("train", "test", "train", "dev", "train", "test", "train")


def all_templates() -> list[Template]:
    out: list[Template] = []
    for group, patterns_list in _T.items():
        negative = group in NEGATIVE_KINDS
        for i, patterns in enumerate(patterns_list):
            out.append(Template(
                id=f"{group}/{i}", tool=None if negative else group,
                category=group if negative else CALL, patterns=patterns))
    return out


def template_split(template: Template) -> str:
    index = int(template.id.rsplit("/", 1)[1])
    return _ROTATION[index % len(_ROTATION)]


def catalogue_functions() -> tuple[str, ...]:
    return tuple(k for k in _T if k not in NEGATIVE_KINDS)
