"""The medication log: doses taken, when a drug was last taken, a day's doses, schedules.

Every drug name goes through the formulary resolver first: an exact generic or brand name
resolves; a name close to two entries (look-alike/sound-alike pairs) or to none is never
guessed, the user is asked with the candidates. The log records; it never gives dosing advice.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from assistant import grounding
from assistant.tools.asking import RECORD, asks_to_keep, plain, unmeasured
from assistant.tools.base import (
    ErrorCode,
    NeedsConfirmation,
    SideEffect,
    Strength,
    Tool,
    ToolFailure,
    bind,
)
from assistant.tools.context import ToolContext
from assistant.tools.daytimes import read_time
from assistant.tools.formulary import Drug, Formulary, Status, core, load, normalise
from assistant.tools.timers import SCHEMA as ALARMS_SCHEMA
from assistant.tools.timers import insert_alarm, scheduler_for
from assistant.tools.when import (
    local_zone,
    named_day,
    parse_day,
    parse_when,
    say_clock,
    say_date,
    say_duration,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS doses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    drug TEXT NOT NULL,
    amount REAL NOT NULL CHECK (amount > 0),
    unit TEXT NOT NULL,
    taken_at REAL NOT NULL,
    logged_at REAL NOT NULL,
    said_as TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS doses_drug_time ON doses (drug, taken_at);
CREATE INDEX IF NOT EXISTS doses_time ON doses (taken_at);
CREATE TABLE IF NOT EXISTS medication_schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    drug TEXT NOT NULL,
    amount REAL NOT NULL CHECK (amount > 0),
    unit TEXT NOT NULL,
    times TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

# Spoken and written unit forms -> the one stored form.
UNITS = {
    "mg": ("mg", "milligram", "milligrams", "milligramme", "milligrammes", "mgs"),
    "mcg": ("mcg", "µg", "μg", "ug", "microgram", "micrograms", "microgramme", "microgrammes"),
    "g": ("g", "gram", "grams", "gm", "gramme", "grammes"),
    "ml": ("ml", "milliliter", "milliliters", "millilitre", "millilitres", "cc", "mls"),
    "units": ("unit", "units", "iu", "ius", "international unit", "international units", "u"),
    "tablets": ("tablet", "tablets", "tab", "tabs", "pill", "pills"),
    "capsules": ("capsule", "capsules", "cap", "caps"),
    "drops": ("drop", "drops", "gtt", "gtts"),
    "puffs": ("puff", "puffs", "inhalation", "inhalations"),
    "patches": ("patch", "patches"),
    "sprays": ("spray", "sprays"),
}
_UNIT_OF = {alias: unit for unit, aliases in UNITS.items() for alias in aliases}
# A count with no unit said ("took two Panadol", "half a zopiclone") is of tablets.
_COUNT = {"unit": "tablets"}
MAX_AMOUNT = 100_000.0
# The most doses a day's list returns (the latest, with the total): the result goes into the
# model's context; evalkit's hundreds of doses in one day overflowed it (8,192 tokens).
DOSE_LIST_LIMIT = 10

NO_ADVICE = ("It only records what the user reports; it never gives dosing advice (amounts, "
             "timing, interactions): for that, the user should ask a pharmacist or doctor.")


def normalise_unit(unit: str) -> str:
    key = " ".join(unit.strip().lower().rstrip(".").split())
    if key in _UNIT_OF:
        return _UNIT_OF[key]
    known = ", ".join(UNITS)
    raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                      f"I can't log a dose in {unit.strip()!r}. Use one of: {known}.")


def say_amount(amount: float, unit: str) -> str:
    number = f"{amount:g}"
    if unit in ("mg", "mcg", "g", "ml"):
        return f"{number} {unit}"
    if amount == 1:
        unit = {"patches": "patch"}.get(unit, unit.removesuffix("s"))
    return f"{number} {unit}"


class MedicationLog:
    def __init__(self, ctx: ToolContext, formulary: Formulary | None = None) -> None:
        self.ctx = ctx
        self.formulary = formulary or load()
        ctx.store.migrate(SCHEMA)
        ctx.store.migrate(ALARMS_SCHEMA)  # schedules add daily reminders

    # --- names ---------------------------------------------------------------------------------

    def resolve(self, drug: str, confirmed: bool) -> Drug:
        """The formulary entry for `drug`, or NeedsConfirmation / ToolFailure. Never a guess."""
        exact = self.formulary.exact(drug)
        if exact is not None:  # an exact generic or brand name needs no question, confirmed or not
            return exact
        match = self.formulary.resolve(drug)
        if match.status is Status.EXACT or match.status is Status.CLOSE:
            assert match.drug is not None
            return match.drug
        if not match.candidates:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, f"{drug!r} is not a drug name.")
        options = list(match.candidates)
        said = drug.strip()
        if match.status is Status.AMBIGUOUS:
            prompt = (f"{said!r} sounds like more than one medicine: {_either(options)}. "
                      "Which one did you mean?")
        else:
            prompt = (f"I don't know a medicine called {said!r}. Did you mean "
                      f"{_either(options)}?")
        raise NeedsConfirmation(prompt, argument="drug", options=options)

    # --- tools ---------------------------------------------------------------------------------

    def log_dose(self, drug: str, amount: float, unit: str, time: str | None = None,
                 confirmed: bool = False) -> dict[str, Any]:
        entry = self.resolve(drug, confirmed)
        unit_norm = normalise_unit(unit)
        _check_amount(amount)
        now = self.ctx.now()
        taken = now
        if time and time.strip() and time.strip().lower() not in ("now", "just now"):
            parsed = parse_when(time, now, prefer="past")
            if parsed is None:
                raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                                  f"I couldn't understand the time {time!r}; try '8 am' or "
                                  "'2 hours ago'.")
            if parsed > now + timedelta(minutes=1):
                raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                                  f"{time!r} is in the future; I only log doses already taken.")
            taken = parsed
        with self.ctx.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO doses (drug, amount, unit, taken_at, logged_at, said_as) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (entry.generic, float(amount), unit_norm, taken.timestamp(), now.timestamp(),
                 drug.strip()))
            dose_id = cur.lastrowid
        local = taken.astimezone(local_zone(now))
        when = f"{say_date(local.date(), now.date())} at {say_clock(local)}"
        return {"dose_id": dose_id, "drug": entry.generic, "amount": amount, "unit": unit_norm,
                "taken_at": local.isoformat(), "said_as": drug.strip(),
                "summary": f"Logged {say_amount(amount, unit_norm)} of {_named(entry, drug)}, "
                           f"taken {when}."}

    def last_dose(self, drug: str, confirmed: bool = False) -> dict[str, Any]:
        entry = self.resolve(drug, confirmed)
        rows = self.ctx.store.query(
            "SELECT * FROM doses WHERE drug = ? ORDER BY taken_at DESC, id DESC LIMIT 1",
            (entry.generic,))
        if not rows:
            return {"drug": entry.generic, "found": False,
                    "summary": f"I have no record of you taking {entry.generic}."}
        row = rows[0]
        now = self.ctx.now()
        taken = datetime.fromtimestamp(row["taken_at"], local_zone(now))
        ago = say_duration(_round_ago((now - taken).total_seconds()))
        when = f"{say_date(taken.date(), now.date())} at {say_clock(taken)}"
        return {"drug": entry.generic, "found": True, "amount": row["amount"], "unit": row["unit"],
                "taken_at": taken.isoformat(),
                "hours_ago": round((now - taken).total_seconds() / 3600, 2),
                "summary": (f"You last took {say_amount(row['amount'], row['unit'])} of "
                            f"{entry.generic} {when} ({ago} ago).")}

    def list_doses(self, day: str | None = None) -> dict[str, Any]:
        now = self.ctx.now()
        wanted = parse_day(day, now, prefer="past")
        if wanted is None:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                              f"I couldn't understand the day {day!r}; try 'today', 'yesterday' "
                              "or a date like 2025-03-04.")
        zone = local_zone(now)
        start = datetime(wanted.year, wanted.month, wanted.day, tzinfo=zone)
        end = start + timedelta(days=1)
        rows = self.ctx.store.query(
            "SELECT * FROM doses WHERE taken_at >= ? AND taken_at < ? ORDER BY taken_at, id",
            (start.timestamp(), end.timestamp()))
        doses = []
        for r in rows[-DOSE_LIST_LIMIT:]:
            taken = datetime.fromtimestamp(r["taken_at"], zone)
            doses.append({"dose_id": r["id"], "drug": r["drug"], "amount": r["amount"],
                          "unit": r["unit"], "taken_at": taken.isoformat(),
                          "time": say_clock(taken)})
        n = len(rows)
        spoken_day = say_date(wanted, now.date()).removeprefix("on ")
        if not doses:
            summary = f"No doses logged for {spoken_day}."
        else:
            parts = [f"{say_amount(d['amount'], d['unit'])} of {d['drug']} at {d['time']}"
                     for d in doses]
            earlier = f"; the last {len(doses)}" if n > len(doses) else ""
            summary = f"{n} dose{'s' if n != 1 else ''} {_for(spoken_day)}{earlier}: " \
                      + "; ".join(parts) + "."
        return {"day": wanted.isoformat(), "doses": doses, "total": n, "summary": summary}

    def add_medication_schedule(self, drug: str, amount: float, unit: str, times: list[str],
                                confirmed: bool = False) -> dict[str, Any]:
        entry = self.resolve(drug, confirmed)
        unit_norm = normalise_unit(unit)
        _check_amount(amount)
        now = self.ctx.now()
        clock_times: list[str] = []
        firsts: dict[str, datetime] = {}  # the first occurrence of each time, for the alarms
        for raw in times:
            local = read_time(raw, now)
            if local is None:
                raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                                  f"I couldn't understand the time {raw!r}; try '8 am' or '20:00'.")
            key = f"{local.hour:02d}:{local.minute:02d}"
            clock_times.append(key)
            firsts[key] = _next_at(local, now)
        clock_times = sorted(set(clock_times))
        message = f"Time for your {entry.generic}: {say_amount(amount, unit_norm)}."
        with self.ctx.store.transaction() as conn:  # the schedule and its alarms, all or nothing
            cur = conn.execute(
                "INSERT INTO medication_schedules (drug, amount, unit, times, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (entry.generic, float(amount), unit_norm, json.dumps(clock_times), now.timestamp()))
            schedule_id = cur.lastrowid
            alarm_ids = [insert_alarm(conn, "medication", message, firsts[t], now, repeat="daily")
                         for t in clock_times]
        scheduler_for(self.ctx, start=False).wake()
        spoken = _and([say_clock(datetime(2000, 1, 1, int(t[:2]), int(t[3:]))) for t in clock_times])
        return {"schedule_id": schedule_id, "drug": entry.generic, "amount": amount,
                "unit": unit_norm, "times": clock_times, "reminder_ids": alarm_ids,
                "summary": (f"Scheduled {say_amount(amount, unit_norm)} of {entry.generic} every "
                            f"day at {spoken}.")}


def _drug_named(said: str) -> str | bool:
    """The formulary's medicine `said` names, exactly or closely; True where it names one of a
    few; False for none ("and how long ago was that")."""
    match = load().resolve(said)
    return match.drug.generic if match.drug else match.status is Status.AMBIGUOUS


# Words of a medicine, and of taking one: a request with one of them may be about the dose log.
_MEDICINE = (r"medicines?|medications?|meds?|pills?|tablets?|tabs|capsules?|caps|doses?|dosage|"
             r"drugs?|prescriptions?|jabs?|injections?|injected|inhalers?|puffs?|sprays?|drops?|"
             r"patch(?:es)?|creams?|vitamins?|supplements?|painkillers?|antibiotics?|insulin|mgs?|"
             r"puffers?|nebuli[sz]ers?|lozenges?|sachets?|suppositor(?:y|ies)|pessar(?:y|ies)|"
             r"chewables?|epi-?pens?|"
             r"milligrams?|mcg|micrograms?|mls?|mils?|millilitres?|units?|iu")
_TAKING = r"took|taken|take|takes|taking|swallowed|had|have|having|log|logged|logging"
_MEDICINE_WORDS = re.compile(rf"(?:\b|(?<=\d))(?:{_MEDICINE}|{_TAKING})\b")


def names_medicine(said: str) -> bool:
    """Whether `said` names a medicine: a word of medicine, of its form or of taking one
    ("pills", "puffer", "mg", "took", "log"), a name the formulary knows, exactly or closely
    ("Nurofen", "ibuprofin"), or a word of four letters or more that begins one ("last amox",
    "metf?"). "how much snow did Buffalo get last winter" names none."""
    text = plain(said)
    return bool(_MEDICINE_WORDS.search(text)) or _formulary_named(text)


# Kinds of medicine, by what they do ("grapefruit juice and statins"): named, not taken.
_MEDICINE_KINDS = re.compile(
    r"\b(?:statins?|antihistamines?|antidepressants?|steroids?|opioids?|opiates?|antacids?|"
    r"laxatives?|decongestants?|antivirals?|sedatives?|sleeping\s+pills?|blood\s+thinners?|"
    r"beta[\s-]?blockers?|ace\s+inhibitors?|ssris?|nsaids?|anti-?inflammator(?:y|ies)|"
    r"contraceptives?|birth\s+control|morning[\s-]after\s+pill|hrt|vaccines?|vaccinations?|"
    r"boosters?|medicinal|medical|pharmacists?|prescribed)\b")
_MEDICINE_NAMED = re.compile(rf"(?:\b|(?<=\d))(?:{_MEDICINE})\b")  # not the taking


def names_a_medicine(said: str) -> bool:
    """Whether `said` names a medicine or a kind of one, not just the taking of something: "is
    ibuprofen safe with alcohol?", "does grapefruit juice interfere with statins"; "should I
    take an umbrella?" names none. A question the brain makes no call for that names one gets
    the loop's answer that it does not advise on medicines (`Tool.no_advice_on`), so only
    names the formulary knows exactly count: "cheers, that's brilliant" is close to Brilinta."""
    text = plain(said)
    return bool(_MEDICINE_NAMED.search(text) or _MEDICINE_KINDS.search(text)) or \
        _formulary_named(text, closely=False)


def _formulary_named(text: str, closely: bool = True, plural: bool = False) -> bool:
    """A name the formulary knows in `text` (lower case), exactly, or (`closely`) closely or
    by a word of four letters or more that begins it, or (`plural`) does with a plural "s"
    ("paras"): a drug the brain wrote, not any request's words ("names", "tapas")."""
    words = re.findall(r"[a-z0-9]+", text)
    formulary = load()
    if any(formulary.exact(span) for span in _spans(words)):
        return True
    if not closely:
        return False
    near = core()  # the world list's names begin ordinary words ("temp": Tempra)
    names = near.names()
    begun = {w for w in words if len(w) >= 4} | \
        ({w[:-1] for w in words if len(w) >= 5 and w.endswith("s")} if plural else set())
    return any(any(name.startswith(w) for name in names) or
               near.resolve(w).status is Status.CLOSE for w in begun)


def _spans(words: list[str]) -> Iterator[str]:
    """Every run of one to three of `words`: a medicine's name may be several ("co codamol")."""
    return (" ".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1))


# The user spoken of: the dose log is their own record ("my addy, how long ago").
_THE_USER = re.compile(r"\b(?:i|me|my|mine|myself|i'm|im|i've|ive|i'd|i'll)\b")


def of_own_medicine(said: str) -> bool:
    """Whether `said` may ask of the user's own dose log: it names a medicine
    (`names_medicine`) or speaks of the user ("my addy, how long ago", "vit d - when did I
    last?"); "when did vesuvius last erupt" does neither."""
    return bool(_THE_USER.search(plain(said))) or names_medicine(said)


# Taking said right before a name: "when'd I last take my addy" reads a medicine the formulary
# lacks; "take the dog to the vet" or "took a holiday" takes something else.
_TAKING_WORD = r"\b(?:took|taken|take|takes|taking|swallowed|popped|used|use)\s+"
_POSSESSIVE = r"(?:(?:my|his|her|their|our|your)\s+)?"


def reads_a_medicine(args: Mapping[str, Any], said: str) -> bool:
    """Whether a dose-log read's `drug` may be one of the user's medicines.
    - A medicine the formulary knows: where the user's words name it, by the name the brain
      wrote or another of its names, or begin one ("paracetamol" for acetaminophen, "last
      metf"); "when was my last run" is not `last_dose("metformin")`.
    - A name the formulary cannot tell from a few: always.
    - Any other: where it is a word of medicine or of its form, or begins a name, with a plural
      "s" too ("my pill", "puffer", "paras"), or the user's words name a medicine or say it was
      taken right before it ("take my addy", not "take the dog"). "My last eye test was in
      2019" reads `last_dose("eye test")`: it names none.
    A name the formulary cannot resolve is never in the log (`log_dose` does not guess), so a
    read of one held back loses nothing."""
    drug = str(args.get("drug", ""))
    text = plain(said)
    known = _drug_named(drug)
    if isinstance(known, str):
        return _names_entry(known, drug, text)
    if known:
        return True
    words = re.findall(r"[a-z0-9]+", plain(drug))
    taken = bool(words) and re.search(
        _TAKING_WORD + _POSSESSIVE + re.escape(words[0]) + r"\b", text) is not None
    return names_medicine(drug) or _formulary_named(plain(drug), plural=True) or \
        names_a_medicine(said) or taken


@cache
def _everyday() -> frozenset[str]:
    """`data/everyday-things.txt`: things people count that are no medicine."""
    text = resources.files("assistant.tools").joinpath("data/everyday-things.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def an_everyday_thing(drug: str, said: str) -> bool:
    """Whether the `drug` the brain wrote is an everyday thing, no medicine (`_everyday`: pizza,
    coffee, bills), which the formulary does not know, where the user's words name no medicine
    and ask for no record ("venmo chris 25 for the pizza", "Is two cups of coffee a day bad for
    you?"). "log 500 ml of water" asked for it; "amlong 2.5 every day at 10pm" is no everyday
    thing, whatever the formulary knows."""
    name = plain(drug)
    things = _everyday()
    words = re.findall(r"[a-z]+", name)
    everyday = name in things or (bool(words) and all(
        w in things or w.removesuffix("s") in things or w.removesuffix("es") in things
        for w in words))
    return everyday and not _formulary_named(name, closely=False) and _no_medicine_said(said)


def _no_medicine_said(said: str) -> bool:
    """Whether the user's words name no medicine (their units apart: "2 litres of coke") and ask
    for no record ("log 500 ml of water" asks)."""
    return not names_a_medicine(unmeasured(said)) and not asks_to_keep(said)


# An amount of money, or of goods rather than of a dose: "spent like 80 quid at tesco", "$45",
# "had a couple of pints with the lads", "5 litres of unleaded"; not "a glass of water with my
# pan 40" (the 40 is the dose's).
_GOODS = re.compile(
    r"[£$€₹]\s*\d|\b(?:\d[\d,.]*\s*k?|an?|one|two|three|four|five|six|couple(?:\s+of)?|few|"
    r"several)\s*(?:quid|bucks?|dollars?|rupees?|rs|euros?|pounds?|cents?|pence|grand|pints?|"
    r"litres?|liters?|gallons?|cans?|bottles?|cups?|glass(?:es)?|mugs?|slices?|packets?|bags?|"
    r"box(?:es)?|kilos?|kgs?|lbs?)\b")


def bought_not_taken(drug: str, amount: object, said: str) -> bool:
    """Whether the `drug` the brain wrote, which the formulary does not know even closely, was
    said with an amount of money or of goods (`_GOODS`) and its `amount` is no number said apart
    from those, where the words name no medicine and ask for no record: "spent like 80 quid at
    tesco today" logged 80 tablets of "tesco", "i owe raj 500 rupees for the cab yaar" 500 of
    "cab yaar" (money-said); "had a glass of water with my pan 40" says its dose's 40."""
    text = plain(said)
    if _formulary_named(plain(drug), plural=True) or not _GOODS.search(text) or \
            not _no_medicine_said(said):
        return False
    rest = grounding.said_numbers(_GOODS.sub(" ", text))
    return not (isinstance(amount, int | float) and float(amount) in rest)


def names_the_drug(args: Mapping[str, Any], said: str) -> bool:
    """Whether the user's words name the `drug` a dose or a schedule would save: by a name of
    the formulary's medicine the brain wrote (`_names_entry`), by a word of it close in spelling
    or sound (`grounding.said`), or by a name the formulary knows exactly, which the tool will
    ask about if the brain miscopied it ("oseltamivir" written "osamivir"). Nobody named the
    metformin of "what units can a dose be logged in? drops, puffs?", which saved 500 ml of it.
    Not a thing that is no medicine, though said: an everyday thing (`an_everyday_thing`: "venmo
    chris 25 for the pizza"), or a thing bought (`bought_not_taken`: "80 quid at tesco")."""
    drug = str(args.get("drug", ""))
    if an_everyday_thing(drug, said) or bought_not_taken(drug, args.get("amount"), said):
        return False
    text = plain(said)
    known = _drug_named(drug)
    return (isinstance(known, str) and _names_entry(known, drug, text)) or \
        grounding.said(drug, said) or _formulary_named(text, closely=False)


def _names_entry(generic: str, drug: str, text: str) -> bool:
    """Whether `text` (lower case) names the formulary's `generic`, which the brain wrote as
    `drug`: a word of `drug` said, a span that is one of its names, or a word of four letters or
    more that begins or comes close to one."""
    words = re.findall(r"[a-z0-9]+", text)
    if set(re.findall(r"[a-z]{3,}", plain(drug))) & set(words):
        return True
    formulary = load()
    entry = formulary.exact(generic)
    names = [normalise(n) for n in (generic, *(entry.aliases if entry else ()))]
    if any((found := formulary.exact(span)) is not None and found.generic == generic
           for span in _spans(words)):
        return True
    return any(any(name.startswith(w) for name in names) or
               _drug_named(w) == generic for w in words if len(w) >= 4)


# What a number said bare after a medicine's name counts, by its class, and up to how many:
# "tresiba 30" (units), "ventolin 2" (puffs), "lumigan 1" (drops).
_COUNTED_BY_CLASS = {"insulin": ("units", math.inf), "bronchodilator": ("puffs", 4),
                     "inhaled corticosteroid and bronchodilator": ("puffs", 4),
                     "glaucoma eye drop": ("drops", 4)}
# Classes whose bare number may be a unit other than milligrams: "eltroxin 50" (micrograms),
# "vitamin d 1000" (IU).
_NOT_MG = frozenset({"vitamin", "thyroid hormone", "supplement", "iron supplement"})


def strength_unit(drug: str, amount: float) -> str | None:
    """The unit `amount` means said bare after `drug`'s name (`Strength.unit`): an insulin's
    units, an inhaler's puffs, an eye drop's drops (`_COUNTED_BY_CLASS`); else a strength in
    milligrams, for a tablet the formulary does not know too ("telma 40", "pan 40"), above
    `grounding.COUNTED_AT_MOST` or with a decimal point ("bisoprolol 2.5"); None for a whole
    number up to it ("panadol 2" counts tablets) or a class whose bare number is another unit
    (`_NOT_MG`)."""
    match = load().resolve(drug)
    kind = match.drug.drug_class if match.drug is not None else ""
    if kind in _COUNTED_BY_CLASS:
        unit, most = _COUNTED_BY_CLASS[kind]
        return unit if amount <= most else None
    if kind in _NOT_MG:
        return None
    return "mg" if amount > grounding.COUNTED_AT_MOST or not amount.is_integer() else None


_STRENGTH = Strength("drug", "amount", strength_unit)


def _named(entry: Drug, said: str) -> str:
    """'clonazepam (Klonopin)': the user hears which drug was logged when they named another."""
    return entry.generic if normalise(said) == normalise(entry.generic) else \
        f"{entry.generic} ({said.strip()})"


def _check_amount(amount: float) -> None:
    if not 0 < amount <= MAX_AMOUNT:
        raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                          f"{amount:g} is not a dose amount I can log (it must be above 0).")


def _round_ago(seconds: float) -> float:
    """'3 hours 10 minutes', not '3 hours 10 minutes 7 seconds'."""
    return seconds if seconds < 120 else round(seconds / 60) * 60


def _next_at(local: datetime, now: datetime) -> datetime:
    """Today at that time if still ahead, else tomorrow (dateparser may pick another day)."""
    zone = local_zone(now)
    wall = now.astimezone(zone).replace(hour=local.hour, minute=local.minute, second=0,
                                        microsecond=0, tzinfo=None)
    if wall.replace(tzinfo=zone) <= now:
        wall += timedelta(days=1)
    return wall.replace(tzinfo=zone)


def _either(options: list[str]) -> str:
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _for(spoken_day: str) -> str:
    return spoken_day if spoken_day in ("today", "yesterday") else f"on {spoken_day}"


_DRUG = {"type": "string", "minLength": 1, "maxLength": 80,
         "description": "Drug name as the user said it (generic or brand, e.g. 'metformin', "
                        "'Tylenol')."}
_AMOUNT = {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_AMOUNT,
           "description": "How much, as a number (500 for '500 milligrams')."}
_UNIT = {"type": "string", "minLength": 1, "maxLength": 30,
         "description": "Unit: mg, mcg, g, ml, units, tablets, capsules, drops, puffs, "
                        "patches or sprays (spoken forms like 'milligrams' are fine)."}
TOOLS = (
    Tool("log_dose",
         "Record that the user took a dose of a medicine (drug, amount, unit, and optionally "
         "when, e.g. '8 am' or '2 hours ago'; default now). " + NO_ADVICE,
         {"type": "object", "properties": {
             "drug": _DRUG, "amount": _AMOUNT, "unit": _UNIT,
             "time": {"type": "string", "minLength": 1, "maxLength": 60,
                      "description": "When it was taken, if not just now."}},
          "required": ["drug", "amount", "unit"], "additionalProperties": False},
         side_effect=SideEffect.WRITE, accepts_confirmation=True, moments={"time": "past"},
         units={"unit": _UNIT_OF}, count_units=_COUNT, strength=_STRENGTH,
         amounts=("amount",), routine="add_medication_schedule", held_back_by=RECORD, action="dose",
         listed={"drug": _drug_named}, about_args=names_the_drug, no_advice_on=names_a_medicine),
    Tool("last_dose",
         "Say when the user last took a medicine, from the log, and how long ago. " + NO_ADVICE,
         {"type": "object", "properties": {"drug": _DRUG}, "required": ["drug"],
          "additionalProperties": False},
         side_effect=SideEffect.READ, accepts_confirmation=True, action="dose",
         listed={"drug": _drug_named}, about=of_own_medicine, about_args=reads_a_medicine,
         no_advice_on=names_a_medicine),
    Tool("list_doses",
         "List the doses logged on a day: 'today' (default), 'yesterday', a weekday or a "
         "date (YYYY-MM-DD). " + NO_ADVICE,
         {"type": "object", "properties": {
             "day": {"type": "string", "minLength": 1, "maxLength": 40}},
          "required": [], "additionalProperties": False},
         side_effect=SideEffect.READ, action="dose", listed={"day": named_day},
         days={"day": "past"}, about=of_own_medicine, no_advice_on=names_a_medicine),
    Tool("add_medication_schedule",
         "Save the user's own daily medication schedule: a drug, the amount and the times "
         "of day they take it (e.g. ['8 am', '8 pm']); a reminder is announced at each time "
         "every day. " + NO_ADVICE,
         {"type": "object", "properties": {
             "drug": _DRUG, "amount": _AMOUNT, "unit": _UNIT,
             "times": {"type": "array", "minItems": 1, "maxItems": 12,
                       "items": {"type": "string", "minLength": 1, "maxLength": 30},
                       "description": "Times of day, e.g. ['8 am', '20:00']."}},
          "required": ["drug", "amount", "unit", "times"], "additionalProperties": False},
         # Not its amount: the times of day said beside it are numbers too.
         side_effect=SideEffect.WRITE, accepts_confirmation=True, units={"unit": _UNIT_OF},
         count_units=_COUNT, strength=_STRENGTH, times_of_day=("times",), taken="log_dose",
         held_back_by=RECORD, listed={"drug": _drug_named},
         action="schedule", about_args=names_the_drug, no_advice_on=names_a_medicine),
)


def tools(ctx: ToolContext) -> list[Tool]:
    log = MedicationLog(ctx)
    return bind(TOOLS, log_dose=log.log_dose, last_dose=log.last_dose,
                list_doses=log.list_doses, add_medication_schedule=log.add_medication_schedule)
