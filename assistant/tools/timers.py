"""Timers and reminders: stored in SQLite, fired by a scheduler thread through `ctx.notify`.

All live in one `alarms` table (medication schedules add daily ones), so they survive a
restart: the scheduler reloads what is pending when it starts, and anything whose time passed
while the app was closed fires at once, marked late. Each alarm is claimed (pending -> fired,
or re-armed for tomorrow) in a transaction before it is announced, so a cancel racing the
scheduler never fires, and nothing fires twice.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from datetime import datetime, timedelta
from typing import Any

from assistant.events import Notification
from assistant.tools.asking import WRITTEN
from assistant.tools.base import (
    ErrorCode,
    NeedsConfirmation,
    SideEffect,
    Tool,
    ToolFailure,
    bind,
    whole_number,
)
from assistant.tools.context import ToolContext
from assistant.tools.when import local_zone, parse_when, say_clock, say_duration, say_when

log = logging.getLogger(__name__)

MAX_TIMER_S = 24 * 3600
MAX_REMINDER_DAYS = 366
LATE_AFTER_S = 60.0  # fired this much after its time (e.g. the laptop slept): say so
# The most timers or reminders a list returns (soonest first, with the total), as read_notes:
# the result goes into the model's context and is read aloud; a few dozen reminders were
# ~1,700 tokens (10 s of prefill on 2 cores).
LIST_LIMIT = 5

SCHEMA = """
CREATE TABLE IF NOT EXISTS alarms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('timer', 'reminder', 'medication')),
    label TEXT NOT NULL,
    due_at REAL NOT NULL,
    created_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'cancelled')),
    fired_at REAL,
    late INTEGER NOT NULL DEFAULT 0,
    repeat TEXT CHECK (repeat IS NULL OR repeat = 'daily')
);
CREATE INDEX IF NOT EXISTS alarms_pending ON alarms (status, due_at);
"""


class Scheduler:
    """One thread per tool context: sleeps until the next pending alarm (or a wake-up), then
    fires it."""

    def __init__(self, ctx: ToolContext, poll_s: float = 30.0) -> None:
        self.ctx = ctx
        self.poll_s = poll_s  # re-check at least this often: the wall clock can jump (sleep)
        self._cond = threading.Condition()
        self._generation = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.started_at = 0.0
        ctx.store.migrate(SCHEMA)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self.started_at = self.ctx.now().timestamp()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="assistant-alarms", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Re-read the table now (an alarm was added or cancelled)."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
                generation = self._generation
            try:
                delay = self.fire_due()
            except Exception:  # a broken store must not kill the thread; retry later
                log.exception("alarm scheduler failed")
                delay = self.poll_s
            with self._cond:
                if not self._stopping and self._generation == generation:
                    self._cond.wait(timeout=max(0.0, min(delay, self.poll_s)))

    def fire_due(self) -> float:
        """Fire every due alarm; return the seconds until the next one."""
        now = self.ctx.now()
        stamp = now.timestamp()
        store = self.ctx.store
        due = store.query("SELECT * FROM alarms WHERE status = 'pending' AND due_at <= ? "
                          "ORDER BY due_at, id", (stamp,))
        for row in due:
            late = row["due_at"] < self.started_at - 1.0 or stamp - row["due_at"] > LATE_AFTER_S
            with store.transaction() as conn:
                if row["repeat"] == "daily":  # re-arm at the same wall-clock time
                    claimed = conn.execute(
                        "UPDATE alarms SET due_at = ?, fired_at = ?, late = ? "
                        "WHERE id = ? AND status = 'pending' AND due_at = ?",
                        (_next_daily(row["due_at"], now), stamp, int(late), row["id"],
                         row["due_at"])).rowcount
                else:
                    claimed = conn.execute(
                        "UPDATE alarms SET status = 'fired', fired_at = ?, late = ? "
                        "WHERE id = ? AND status = 'pending'", (stamp, int(late), row["id"])).rowcount
            if claimed:
                self._announce(row, late, now)
        nxt = store.query("SELECT MIN(due_at) AS t FROM alarms WHERE status = 'pending'")[0]["t"]
        return self.poll_s if nxt is None else max(0.0, nxt - self.ctx.now().timestamp())

    def _announce(self, row: Any, late: bool, now: datetime) -> None:
        due = datetime.fromtimestamp(row["due_at"], now.tzinfo)
        if row["kind"] == "timer":
            title, message = "Timer", f"Your {_timer_name(row['label'])} is done."
        elif row["kind"] == "medication":
            title, message = "Medication", row["label"]
        else:
            title, message = "Reminder", row["label"]
        if late:
            message += f" (This was due {say_when(due, now)}.)"
        try:
            self.ctx.notify(Notification(title=title, message=message))
        except Exception:  # the UI's problem, not the scheduler's
            log.exception("notify failed for alarm %s", row["id"])


def _next_daily(due_at: float, now: datetime) -> float:
    """The next occurrence after `now` of the wall-clock time of `due_at` (DST-safe)."""
    zone = local_zone(now)
    nxt = datetime.fromtimestamp(due_at, zone)
    while nxt <= now:
        nxt = (nxt.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone)
    return nxt.timestamp()


def insert_alarm(conn: sqlite3.Connection, kind: str, label: str, due: datetime, created: datetime,
                 repeat: str | None = None) -> int:
    """Add an alarm inside the caller's transaction; call the scheduler's wake() after commit."""
    cur = conn.execute(
        "INSERT INTO alarms (kind, label, due_at, created_at, repeat) VALUES (?, ?, ?, ?, ?)",
        (kind, label, due.timestamp(), created.timestamp(), repeat))
    return int(cur.lastrowid or 0)


def scheduler_for(ctx: ToolContext, start: bool = True) -> Scheduler:
    """The context's alarm scheduler (made on first use, owned by `ctx.background`), started
    unless asked not to."""
    sched = ctx.background.get("alarms", lambda: Scheduler(ctx))
    if start:
        sched.start()
    return sched


def _timer_name(label: str) -> str:
    return label if label.lower().endswith("timer") else f"{label} timer"


def _default_label(seconds: int) -> str:
    return f"{say_duration(seconds)} timer".replace("s timer", " timer")


class Alarms:
    def __init__(self, ctx: ToolContext, scheduler: Scheduler) -> None:
        self.ctx = ctx
        self.scheduler = scheduler

    def _add(self, kind: str, label: str, due: datetime) -> int:
        with self.ctx.store.transaction() as conn:
            alarm_id = insert_alarm(conn, kind, label, due, self.ctx.now())
        self.scheduler.wake()
        return alarm_id

    def _pending(self, kind: str | None = None) -> list[Any]:
        if kind is None:
            return self.ctx.store.query(
                "SELECT * FROM alarms WHERE status = 'pending' ORDER BY due_at, id")
        return self.ctx.store.query(
            "SELECT * FROM alarms WHERE status = 'pending' AND kind = ? ORDER BY due_at, id", (kind,))

    def set_timer(self, hours: int = 0, minutes: int = 0, seconds: int = 0,
                  label: str | None = None) -> dict[str, Any]:
        seconds = hours * 3600 + minutes * 60 + seconds
        if seconds < 1:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, "How long should the timer run?")
        if seconds > MAX_TIMER_S:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                              f"A timer can run for at most {say_duration(MAX_TIMER_S)}.")
        name = " ".join((label or "").split()) or _default_label(seconds)
        due = self.ctx.now() + timedelta(seconds=seconds)
        timer_id = self._add("timer", name, due)
        return {"timer_id": timer_id, "label": name, "seconds": seconds, "due_at": due.isoformat(),
                "summary": f"OK, {_timer_name(name)} set for {say_duration(seconds)}."}

    def list_timers(self) -> dict[str, Any]:
        now = self.ctx.now().timestamp()
        rows = self._pending("timer")
        timers = [{"timer_id": r["id"], "label": r["label"],
                   "remaining_seconds": max(0, round(r["due_at"] - now))}
                  for r in rows[:LIST_LIMIT]]
        n = len(rows)
        if not timers:
            summary = "You have no timers running."
        else:
            parts = [f"{t['label']} with {say_duration(t['remaining_seconds'])} left" for t in timers]
            count = "one timer" if n == 1 else f"{n} timers"
            more = f"; and {n - len(timers)} more" if n > len(timers) else ""
            summary = f"You have {count}: " + "; ".join(parts) + more + "."
        return {"timers": timers, "total": n, "summary": summary}

    def _to_cancel(self, label: str | None, timer_id: int | None) -> list[Any]:
        """The pending rows a cancel would undo: by number, by label (timers first), or every
        running timer; NOT_FOUND where none."""
        if timer_id is not None:
            rows = [r for r in self._pending() if r["id"] == timer_id]
            if not rows:
                raise ToolFailure(ErrorCode.NOT_FOUND, f"There is no running timer number {timer_id}.")
        elif label and label.strip():
            rows = _match_label(self._pending("timer"), label) or _match_label(
                [r for r in self._pending() if r["kind"] != "timer"], label)
            if not rows:
                raise ToolFailure(ErrorCode.NOT_FOUND,
                                  f"I can't find a timer or a reminder called {label.strip()!r}.")
        else:
            rows = self._pending("timer")
            if not rows:
                raise ToolFailure(ErrorCode.NOT_FOUND, "There are no timers running.")
        return rows

    def to_cancel(self, label: str | None = None, timer_id: int | None = None) -> str | None:
        """What `cancel_timer` would cancel without asking, said for the question before it
        runs ("the reminder "call the dentist", due tomorrow at 9:00 AM"); None where it finds
        none or several, and says so or asks which on its own (`Tool.target`)."""
        try:
            rows = self._to_cancel(label, timer_id)
        except ToolFailure:
            return None
        if len(rows) != 1:
            return None
        row, now = rows[0], self.ctx.now()
        if row["kind"] == "timer":
            left = max(0, round(row["due_at"] - now.timestamp()))
            return f"the {_timer_name(row['label'])}, with {say_duration(left)} left"
        due = datetime.fromtimestamp(row["due_at"], now.tzinfo)
        return f'the reminder "{row["label"]}", due {say_when(due, now)}'

    def cancel_timer(self, label: str | None = None, timer_id: int | None = None,
                     confirmed: bool = False) -> dict[str, Any]:
        rows = self._to_cancel(label, timer_id)
        labels = sorted({r["label"] for r in rows})
        if len(labels) > 1:
            raise NeedsConfirmation("Which timer should I cancel: " + ", ".join(labels) + "?",
                                    argument="label", options=labels)
        if len(rows) > 1 and not confirmed:
            raise NeedsConfirmation(f"Cancel all {len(rows)} {_timer_name(labels[0])}s?")
        ids = [r["id"] for r in rows]
        with self.ctx.store.transaction() as conn:
            conn.executemany("UPDATE alarms SET status = 'cancelled' WHERE id = ? AND status = "
                             "'pending'", [(i,) for i in ids])
        self.scheduler.wake()
        kind = rows[0]["kind"]
        what = _timer_name(labels[0]) if kind == "timer" else f"reminder {labels[0]!r}"
        return {"cancelled": ids, "label": labels[0],
                "summary": f"Cancelled the {what}." if len(ids) == 1
                else f"Cancelled {len(ids)} {what}s."}

    def set_reminder(self, text: str, when: str) -> dict[str, Any]:
        body = " ".join(text.split())
        if not body:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, "What should I remind you about?")
        now = self.ctx.now()
        due = parse_when(when, now, prefer="future")
        if due is None:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                              f"I couldn't understand the time {when!r}. Try something like "
                              "'tomorrow at 7 am' or 'in 20 minutes'.")
        if due <= now:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                              f"{when!r} is already in the past; when should I remind you?")
        if due - now > timedelta(days=MAX_REMINDER_DAYS):
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, "I can only set reminders up to a year ahead.")
        reminder_id = self._add("reminder", body, due)
        spoken = say_when(due, now)
        return {"reminder_id": reminder_id, "text": body, "due_at": due.isoformat(),
                "summary": f"OK, I'll remind you {spoken}: {body}"}

    def list_reminders(self) -> dict[str, Any]:
        now = self.ctx.now()
        reminders = []
        rows = [r for r in self._pending() if r["kind"] != "timer"]
        for r in rows[:LIST_LIMIT]:
            due = datetime.fromtimestamp(r["due_at"], now.tzinfo)
            when = f"every day at {say_clock(due)}" if r["repeat"] == "daily" else say_when(due, now)
            reminders.append({"reminder_id": r["id"], "text": r["label"], "due_at": due.isoformat(),
                              "when": when, "repeats": r["repeat"] or "no"})
        n = len(rows)
        summary = ("You have no reminders set." if not n else
                   f"You have {n} reminder{'s' if n != 1 else ''}; the next is {reminders[0]['when']}.")
        return {"reminders": reminders, "total": n, "summary": summary}


def _match_label(rows: list[Any], label: str) -> list[Any]:
    want = _bare(label)
    exact = [r for r in rows if _bare(r["label"]) == want]
    words = set(want.split())  # "pasta" finds "pasta and sauce", but "tea" never finds "steak"
    return exact or [r for r in rows if words and words <= set(_bare(r["label"]).split())]


def _bare(label: str) -> str:
    words = label.lower().replace("timer", " ").replace("reminder", " ").split()
    return " ".join(w for w in words if w not in ("the", "my", "a", "to"))


# A question whether a thing being timed is done or how long it has left: "is the pie ready
# yet", "how long's left on my meditation", "how much longer for the fish fingers", "did the
# brownies finish". Only the timer list answers it; not how long a thing takes in general ("how
# long do jacket potatoes take"), nor whether an event or a person is done ("is the match over").
_DONE = (r"(?:done|ready|finished|cooked|baked|brewed|steeped|proved|proofed|risen|"
         r"(?:nearly|almost)\s+(?:there|done|ready))")
_END = (r"(?:finish(?:e[sd])?|end(?:s|ed)?|go(?:ne|es)?\s+off|r[ai]ng|rings|beep(?:s|ed)?|"
        r"ding(?:s|ed)?|run(?:s)?\s+out|expire[sd]?)")
# "the roast chicken", "my egg timer": a determiner and up to four words, none of them a word
# that starts another phrase ("what's the best time to wake up").
_DET = r"(?:my|the|our|his|her|their|your|that|those|these)\s+"
_WORD = r"(?:(?!(?:to|for|of|in|on|at|and|or|if|when|than|doing|like)\b)[\w'-]+\s+)"
_THE = rf"{_DET}{_WORD}{{1,4}}?"
_SPAN = r"(?:time|timer|nap|parking|session|break|meditation|workout|plank|countdown|mask)"
_TIME_LEFT = re.compile(
    rf"\b(?:is|are|'s|has|have)\s+{_THE}(?:\w+\s+)?{_DONE}\b"
    rf"|\b(?:if|whether)\s+{_THE}(?:is|are|'s)\s+{_DONE}\b"
    rf"|\b(?:is|'s|are)\s+{_DET}{_WORD}{{0,3}}?{_SPAN}\s+(?:nearly\s+|almost\s+|already\s+)?up\b"
    rf"|\b(?:is|'s|are)\s+{_DET}{_WORD}{{0,3}}?(?:nap|session|break|meditation|workout|plank)\s+"
    rf"(?:nearly\s+|almost\s+|already\s+)?over\b"
    rf"|\b(?:did|has|have|till?|until|before)\s+{_THE}{_END}\b"
    rf"|\b(?:till?|until|before)\s+{_THE}(?:is|are)\s+{_DONE}\b"
    rf"|\babout\s+to\s+{_END}\b|\b(?:got|has|have)\s+(?:long|much\s+longer)\s+(?:to\s+go|left)\b"
    rf"|\b(?:what'?s|wats)\s+left\s+(?:on|for|of)\s+(?:[\w'-]+\s+){{0,3}}?{_SPAN}\b"
    rf"|\bhow\s+(?:long|much\s+(?:longer|more\s+time|time)|many\s+(?:more\s+)?(?:minutes|mins|"
    rf"seconds|secs))\b(?:(?!\b(?:take|takes|need|needs|usually|normally|should|till?|until|"
    rf"ago)\b)[^.?!])*?\b(?:left|to\s+go|longer|remaining|more)\b"
    rf"|\bhow\s+much\s+longer\s+(?:for|on|is|are|has|have|does|do|'s|now|\?|$)"
    rf"|\b(?:time|minutes|mins)\s+(?:left|remaining)\s+(?:on|for)\b"
    rf"|,?\s*how\s+many\s+more\s+(?:minutes|mins)\b"
    rf"|\b(?:{_DONE})\s+yet\b")
# Things that are done or over but not timed by the user: events, work, deliveries, people and
# pets, ready for something ("is the dog ready for a walk"); and
# a timer asked of the past ("how long ago did the oven timer go off?"); a countdown ("how long
# to go till the Melbourne Cup").
_NOT_TIMED = re.compile(
    r"\b(?:meeting|match|game\s+on|film|movie|show|episode|series|season|download|update|"
    r"upload|install(?:ation)?|delivery|parcel|package|order|sale|report|homework|essay|"
    r"assignment|project|election|strike|lecture|class|lesson|call|exam|surgery|operation|"
    r"appointment|concert|party|wedding|holiday|vacation|term|semester|war|storm|rain|"
    r"mum|mom|dad|kids?|children|baby|wife|husband|partner|boss|team|everyone|everybody|dog|"
    r"cat|puppy)\b(?!\s+(?:timer|time)\b)|\bago\b|\bwhen\s+did\b|\bto\s+go\s+(?:till?|until)\b"
    r"|\bready\s+(?:for|to)\b")


def asks_time_left(text: str) -> bool:
    """Whether `text` asks if a thing being timed is done, ready or up, or how long it has left;
    not how long a thing takes, and not whether an event, a piece of work, a delivery or a
    person is done."""
    s = text.lower().replace("\u2019", "'")
    return bool(_TIME_LEFT.search(s)) and not _NOT_TIMED.search(s)


# A request to cancel a reminder, an alarm or a timer: "cancel my reminder to put the bins out",
# "the reminder about mom's birthday, delete it please", "I don't need the reminder about the
# plumber any more". Not said not to ("don't cancel it", "leave it for now"), not another
# change to it (snoozing, moving, renaming: no tool does those), not a question or a condition
# ("how do I delete a reminder?", "If I delete a reminder by accident, can I get it back?").
_UNDO = (r"(?:cancel|scrap|remove|delete|drop|clear|kill|stop|ditch|bin|axe|nix|nuke|erase|wipe|"
         r"undo|get\s+rid\s+of|turn\s+off|switch\s+off|call\s+off|take\s+off)")
_ALARM = r"(?:reminders?|alarms?|timers?)"
_CANCEL = re.compile(
    rf"\b{_UNDO}\s+(?:[\w'-]+\s+){{0,4}}?{_ALARM}\b"
    rf"|\b{_ALARM}\b[^.?!]*?\b{_UNDO}\s+(?:it|that|this|them|those|the\s+(?:one|other))\b"
    r"|\bno\s+more\s+reminding\b|\bno\s+longer\s+need\s+(?:the|that|this|my)\s+(?:[\w'-]+\s+){0,3}?"
    r"reminder\b|\bdon'?t\s+need\s+(?:the|that|this|my)\s+(?:[\w'-]+\s+){0,3}?reminder\b"
    r"|\bdon'?t\s+need\s+(?:to\s+be\s+)?remind(?:ed|ing)\b")
_KEEP_IT = re.compile(
    rf"\b(?:don'?t|do\s+not|never|not|no\s+need\s+to)\s+(?:[\w'-]+\s+){{0,2}}?{_UNDO}\b"
    rf"|\bi'?ll\s+(?:[\w'-]+\s+)?{_UNDO}\b"  # "I'll cancel it later": not asked now
    r"|\b(?:leave|keep)\s+(?:it|that|this|them|those)\b|\bhold\s+off\b"  # "actually, leave it"
    r"|\b(?:snooze|postpone|push\s+(?:it\s+)?back|move|rename|reschedule|"
    r"change|edit|was\s+going\s+to|should\s+i|how\s+do\s+i|how\s+can\s+i|did\s+(?:i|you)|"
    r"(?:if|when|what\s+if)\s+(?:i|you|we))\b")
# Keeping, said in the cancel's own clause ("keep the pasta timer for now"); in another, of a
# thing named, it keeps another thing ("cancel the gym reminder but leave my morning alarm").
_KEEP_THIS = re.compile(r"\b(?:leave|keep)\b")
_VERB = re.compile(rf"\b{_UNDO}\b")
_CLAUSE_END = re.compile(r"[,.;:!?]|\s[-\u2013\u2014]+\s|\b(?:but|and|so|then|instead|or|while|though)\b")


def asks_to_cancel(text: str) -> bool:
    """Whether `text` asks to cancel a reminder, an alarm or a timer, and says neither to keep
    it (in the cancel's own clause, or as "it" in another) nor to change it instead."""
    s = text.lower().replace("\u2019", "'")
    cancel = _CANCEL.search(s)
    if cancel is None or _KEEP_IT.search(s):
        return False
    verb = _VERB.search(s, cancel.start())
    at = (verb.start(), verb.end()) if verb else (cancel.start(), cancel.end())
    start = max((m.end() for m in _CLAUSE_END.finditer(s, 0, at[0])), default=0)
    end = next((m.start() for m in _CLAUSE_END.finditer(s, at[1])), len(s))
    return not _KEEP_THIS.search(s[start:end])


_EMPTY = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
TOOLS = (
    Tool("set_timer",
         "Start a countdown timer that announces itself when it ends. Give the duration in the "
         "units said: 'a 10 minute pasta timer' -> label='pasta', minutes=10; 'an hour and a "
         "half' -> hours=1, minutes=30. For a clock time or a date use set_reminder.",
         # Units as said, summed by the tool: a small model copies "13 minutes" reliably but
         # multiplies it into seconds badly (780 came out as 7200 and 420). The label comes
         # first (the call grammar decodes in this order) in the hope that a label said first
         # ("a pasta timer for 11 minutes") would stop being dropped; that alone did not cure it
         # (the fifth adapter), drawing labelled calls more often in training did (the sixth;
         # finetune/README). The shipped adapter is trained on this order.
         {"type": "object", "properties": {
             "label": {"type": "string", "minLength": 1, "maxLength": 60,
                       "description": "Optional name, e.g. 'pasta'."},
             "hours": {"type": "integer", "minimum": 0, "maximum": MAX_TIMER_S // 3600},
             "minutes": {"type": "integer", "minimum": 0, "maximum": MAX_TIMER_S // 60},
             "seconds": {"type": "integer", "minimum": 0, "maximum": MAX_TIMER_S}},
          "required": [], "additionalProperties": False},
         side_effect=SideEffect.WRITE, duration={"hours": 3600, "minutes": 60, "seconds": 1},
         # "no need for a timer"; "how long until 5pm" set a 5-hour one
         held_back_by=("said not to", "a countdown"), action="timer"),
    Tool("list_timers", "List running timers with the time left on each.", _EMPTY,
         side_effect=SideEffect.READ, action="timer",
         held_back_by=("a countdown",),  # "how many days till friday"
         plainly_asked=asks_time_left),
    Tool("cancel_timer",
         "Cancel a running timer by its label or timer_id (or the only one running). Also "
         "cancels a reminder given its text or id.",
         {"type": "object", "properties": {
             "label": {"type": "string", "minLength": 1, "maxLength": 300},
             "timer_id": {"type": "integer", "minimum": 1}},
          "required": [], "additionalProperties": False},
         side_effect=SideEffect.DESTRUCTIVE, accepts_confirmation=True,
         # "don't cancel it"; "cancel my flight to Denver"; "was my flight cancelled?"
         held_back_by=("said not to", "a thing no tool keeps", "asked if cancelled"), action="cancel",
         ids=("timer_id",),
         # "cancel my reminder about the dentist": the brain writes this call, doubting its name
         plainly_asked=asks_to_cancel,
         # Not its label: no name can be told from another ask before the tool runs ("kill
         # the pizza timer and leave the others alone").
         listed={"timer_id": whole_number}),
    Tool("set_reminder",
         "Remind the user of something at a time: 'tomorrow at 7', 'in 20 minutes', "
         "'Friday at 5 pm'. The reminder is announced at that time, even after a restart.",
         {"type": "object", "properties": {
             "text": {"type": "string", "minLength": 1, "maxLength": 300,
                      "description": "What to remind about, e.g. 'call mom'."},
             "when": {"type": "string", "minLength": 1, "maxLength": 100,
                      "description": "When, as said: 'tomorrow at 7 am', 'in 2 hours'."}},
          "required": ["text", "when"], "additionalProperties": False},
         side_effect=SideEffect.WRITE, moments={"when": "future"},
         # "should I take my statin at night?"; "move the call mom reminder to tomorrow"
         held_back_by=WRITTEN, action="reminder"),
    Tool("list_reminders", "List reminders that have not fired yet, soonest first.", _EMPTY,
         side_effect=SideEffect.READ, returns_untrusted_text=True, action="reminder"),
)


def tools(ctx: ToolContext) -> list[Tool]:
    """The timer and reminder tools; starts the context's scheduler (`ctx.background.stop()`
    stops it)."""
    alarms = Alarms(ctx, scheduler_for(ctx))
    return bind(TOOLS, {"cancel_timer": alarms.to_cancel}, set_timer=alarms.set_timer,
                list_timers=alarms.list_timers, cancel_timer=alarms.cancel_timer,
                set_reminder=alarms.set_reminder, list_reminders=alarms.list_reminders)
