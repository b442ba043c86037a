"""Timers and reminders: they really fire through ctx.notify, persist, and parse spoken times."""

from __future__ import annotations

import queue
import time
from datetime import datetime

import pytest
from tools_helpers import PARIS, PINNED, Clock, Notifications, call, make_ctx, open_registry

from assistant.events import Notification
from assistant.tools import ErrorCode
from assistant.tools.timers import scheduler_for


def test_a_one_second_timer_really_fires(tmp_path):
    notes = Notifications()
    ctx = make_ctx(tmp_path, now=lambda: datetime.now().astimezone(), notify=notes)
    with open_registry(ctx) as registry:
        start = time.monotonic()
        result = call(registry, "set_timer", seconds=1, label="tea")
        assert result.ok and result.data["summary"] == "OK, tea timer set for 1 second."
        event = notes.get(timeout=5)
        elapsed = time.monotonic() - start
        assert isinstance(event, Notification)
        assert event.title == "Timer" and event.message == "Your tea timer is done."
        assert 0.9 <= elapsed < 3.0
        assert call(registry, "list_timers").data["timers"] == []


def test_timer_fires_on_a_settable_clock_and_cancelled_ones_do_not(tmp_path):
    clock, notes = Clock(), Notifications()
    with open_registry(make_ctx(tmp_path, now=clock, notify=notes)) as registry:
        pasta = call(registry, "set_timer", seconds=600, label="pasta").data
        eggs = call(registry, "set_timer", seconds=300).data
        assert eggs["label"] == "5 minute timer"
        listed = call(registry, "list_timers").data
        assert [t["label"] for t in listed["timers"]] == ["5 minute timer", "pasta"]
        assert listed["summary"].startswith("You have 2 timers: 5 minute timer with 5 minutes")
        cancelled = call(registry, "cancel_timer", label="pasta")
        assert cancelled.ok and cancelled.data["cancelled"] == [pasta["timer_id"]]
        clock.advance(300)
        scheduler_for(registry.ctx).wake()
        event = notes.get(timeout=3)
        assert event.message == "Your 5 minute timer is done."
        clock.advance(600)
        scheduler_for(registry.ctx).wake()
        time.sleep(0.2)
        assert notes.drain() == []  # the cancelled pasta timer never fires


def test_a_timer_takes_its_duration_in_the_units_said(tmp_path):
    with open_registry(make_ctx(tmp_path, now=Clock())) as registry:
        half = call(registry, "set_timer", hours=1, minutes=30, label="roast").data
        assert half["seconds"] == 5400 and half["summary"] == "OK, roast timer set for 1 hour 30 minutes."
        assert call(registry, "set_timer", minutes=13).data["seconds"] == 780
        assert call(registry, "set_timer", minutes=1, seconds=45).data["seconds"] == 105
        for args, fragment in (({}, "How long"), ({"minutes": 0}, "How long"),
                               ({"hours": 24, "minutes": 1}, "at most")):
            failed = call(registry, "set_timer", **args)
            assert not failed.ok and failed.error is ErrorCode.INVALID_ARGUMENTS
            assert fragment in failed.message, args
        assert len(call(registry, "list_timers").data["timers"]) == 3


def test_cancel_asks_which_when_several_and_reports_missing(tmp_path):
    with open_registry(make_ctx(tmp_path)) as registry:
        assert call(registry, "cancel_timer").error == ErrorCode.NOT_FOUND
        call(registry, "set_timer", seconds=60, label="tea")
        call(registry, "set_timer", seconds=120, label="pasta")
        which = call(registry, "cancel_timer")
        assert which.error == ErrorCode.NEEDS_CONFIRMATION
        assert which.argument == "label" and set(which.options) == {"tea", "pasta"}
        assert call(registry, "cancel_timer", label="laundry").error == ErrorCode.NOT_FOUND
        assert call(registry, "cancel_timer", label="te").error == ErrorCode.NOT_FOUND
        assert call(registry, "cancel_timer", timer_id=999).error == ErrorCode.NOT_FOUND
        # The loop answers with a chosen option and confirmed=True.
        done = call(registry, "cancel_timer", confirmed=True, label=which.options[0])
        assert done.ok and len(call(registry, "list_timers").data["timers"]) == 1


@pytest.mark.parametrize(("when", "expected"), [
    ("tomorrow at 7", datetime(2025, 3, 5, 7, 0, tzinfo=PARIS)),
    ("in 20 minutes", datetime(2025, 3, 4, 14, 50, tzinfo=PARIS)),
    ("in half an hour", datetime(2025, 3, 4, 15, 0, tzinfo=PARIS)),
    ("tonight at 8", datetime(2025, 3, 4, 20, 0, tzinfo=PARIS)),
    # A bare hour is the next time the clock shows it: at 2:30 pm, "at seven" is 7 pm today (it
    # was 7 am tomorrow, and "remind me this arvo at 3" at 10:30 am was 3 am tomorrow).
    ("at seven", datetime(2025, 3, 4, 19, 0, tzinfo=PARIS)),
    ("at 3", datetime(2025, 3, 4, 15, 0, tzinfo=PARIS)),
    ("this arvo at 4", datetime(2025, 3, 4, 16, 0, tzinfo=PARIS)),
    ("Friday at 5 pm", datetime(2025, 3, 7, 17, 0, tzinfo=PARIS)),
    ("next monday at 9:30", datetime(2025, 3, 10, 9, 30, tzinfo=PARIS)),
    ("at 430 p.m.", datetime(2025, 3, 4, 16, 30, tzinfo=PARIS)),  # as Whisper writes 4:30
    ("tomorrow at 1130 pm", datetime(2025, 3, 5, 23, 30, tzinfo=PARIS)),
    ("tomorrow at 7.45 pm", datetime(2025, 3, 5, 19, 45, tzinfo=PARIS)),  # dateparser: 14:30
    ("tomorrow at 7.45", datetime(2025, 3, 5, 7, 45, tzinfo=PARIS)),
    # A part of the day with an hour or a day: "night" made 8 am of "tomorrow night at 8", and
    # "6 tonight" was read as now.
    ("tomorrow night at 8", datetime(2025, 3, 5, 20, 0, tzinfo=PARIS)),
    ("monday night at 10", datetime(2025, 3, 10, 22, 0, tzinfo=PARIS)),
    ("at 6 tonight", datetime(2025, 3, 4, 18, 0, tzinfo=PARIS)),
    ("around seven tonight", datetime(2025, 3, 4, 19, 0, tzinfo=PARIS)),
    ("tomorrow morning at 5:30", datetime(2025, 3, 5, 5, 30, tzinfo=PARIS)),
    ("tomorrow afternoon", datetime(2025, 3, 5, 15, 0, tzinfo=PARIS)),
    ("tomorrow evening", datetime(2025, 3, 5, 20, 0, tzinfo=PARIS)),
    # "in the morning" is before noon: at 2:30 pm "at 6 in the morning" had been 6 pm today,
    # "in the morning" 9 pm.
    ("at 6 in the morning", datetime(2025, 3, 5, 6, 0, tzinfo=PARIS)),
    ("7:45 in the morning", datetime(2025, 3, 5, 7, 45, tzinfo=PARIS)),
    ("in the morning", datetime(2025, 3, 5, 9, 0, tzinfo=PARIS)),
    ("12:30 in the morning", datetime(2025, 3, 5, 0, 30, tzinfo=PARIS)),
    ("six in the morning", datetime(2025, 3, 5, 6, 0, tzinfo=PARIS)),  # was June the 4th
    ("seven this evening", datetime(2025, 3, 4, 19, 0, tzinfo=PARIS)),
    ("first thing tomorrow", datetime(2025, 3, 5, 9, 0, tzinfo=PARIS)),  # was not understood
    ("first thing in the morning", datetime(2025, 3, 5, 9, 0, tzinfo=PARIS)),
    ("about 8", datetime(2025, 3, 4, 20, 0, tzinfo=PARIS)),  # dateparser: August the 8th
    ("by 5 this evening", datetime(2025, 3, 4, 17, 0, tzinfo=PARIS)),
    ("tomorrow at 2 at night", datetime(2025, 3, 5, 2, 0, tzinfo=PARIS)),
    ("at 12 tonight", datetime(2025, 3, 5, 0, 0, tzinfo=PARIS)),  # midnight, not noon
    # A span counted from a day: dateparser counted "a week from today" back, a week ago, and
    # read neither "a fortnight", "a week tomorrow" nor "in 3 days' time".
    ("a week from today at 9", datetime(2025, 3, 11, 9, 0, tzinfo=PARIS)),
    ("2 weeks from today at 8 am", datetime(2025, 3, 18, 8, 0, tzinfo=PARIS)),
    ("a week tomorrow at 10am", datetime(2025, 3, 12, 10, 0, tzinfo=PARIS)),
    ("in a fortnight at noon", datetime(2025, 3, 18, 12, 0, tzinfo=PARIS)),
    ("in 3 days' time at 6 pm", datetime(2025, 3, 7, 18, 0, tzinfo=PARIS)),
    # Meals and bed at their usual hours: each was "I couldn't understand the time".
    ("before bed", datetime(2025, 3, 4, 21, 30, tzinfo=PARIS)),
    ("after lunch", datetime(2025, 3, 5, 13, 0, tzinfo=PARIS)),  # today's has passed
    ("tomorrow lunchtime", datetime(2025, 3, 5, 12, 30, tzinfo=PARIS)),
    ("at teatime", datetime(2025, 3, 4, 17, 30, tzinfo=PARIS)),
])
def test_reminder_times_parse_relative_to_a_pinned_now(tmp_path, when, expected):
    with open_registry(make_ctx(tmp_path)) as registry:
        result = call(registry, "set_reminder", text="take the bins out", when=when)
        assert result.ok, result.message
        assert datetime.fromisoformat(result.data["due_at"]) == expected
        assert result.data["due_at"] == expected.isoformat()


@pytest.mark.parametrize(("said", "expected"), [
    ("8 this morning", datetime(2025, 3, 4, 8, 0, tzinfo=PARIS)),  # was read as now
    ("about 8 this morning", datetime(2025, 3, 4, 8, 0, tzinfo=PARIS)),
    ("around 7:30", datetime(2025, 3, 4, 7, 30, tzinfo=PARIS)),  # was unparseable
    ("last night at 11", datetime(2025, 3, 3, 23, 0, tzinfo=PARIS)),
    ("with breakfast", datetime(2025, 3, 4, 8, 0, tzinfo=PARIS)),
    ("at lunch", datetime(2025, 3, 4, 12, 30, tzinfo=PARIS)),
    ("with dinner", datetime(2025, 3, 3, 18, 30, tzinfo=PARIS)),  # tonight's is still to come
    ("bedtime last night", datetime(2025, 3, 3, 22, 0, tzinfo=PARIS)),
    ("8 with breakfast", datetime(2025, 3, 4, 8, 0, tzinfo=PARIS)),  # its own time, not August
    ("with my tea", None),  # a drink, not a meal
])
def test_dose_times_said_loosely_parse_to_the_past(said, expected):
    from assistant.tools.when import parse_when

    assert parse_when(said, PINNED, prefer="past") == expected


@pytest.mark.parametrize(("said", "hour", "expected_hour"), [
    # A part of today (or a meal) begun but its usual hour still to come: the dose was taken by
    # now. At 6 am "this morning" had been 9 am, in the future, and "morning" yesterday's 9 am.
    ("this morning", 6, 6), ("morning", 6, 6), ("this afternoon", 13, 13), ("tonight", 19, 19),
    ("this morning", 11, 9),  # its usual hour has passed: that hour
    ("this evening", 10, 20),  # not begun: still to come, and the dose tool says so
    ("morning", 3, None),  # before the morning begins: yesterday's
    # A meal likewise: "with breakfast" told at 7 am had been yesterday's breakfast.
    ("with breakfast", 7, 7), ("after breakfast", 7, 7), ("before bed", 21, 21),
    ("at lunch", 10, None),  # lunch has not begun: yesterday's
])
def test_a_begun_part_of_today_is_now_for_a_past_dose(said, hour, expected_hour):
    from assistant.tools.when import parse_when

    now = PINNED.replace(hour=hour, minute=0)
    parsed = parse_when(said, now, prefer="past")
    assert parsed is not None
    if expected_hour is None:
        assert parsed.date() < now.date()
    else:
        assert (parsed.date(), parsed.hour) == (now.date(), expected_hour)


@pytest.mark.parametrize(("when", "fragment"), [
    ("whenever you like", "couldn't understand"),
    ("yesterday at noon", "in the past"),
    ("in 3 years", "up to a year"),
])
def test_bad_reminder_times_are_clear_errors(tmp_path, when, fragment):
    with open_registry(make_ctx(tmp_path)) as registry:
        result = call(registry, "set_reminder", text="x", when=when)
        assert result.error == ErrorCode.INVALID_ARGUMENTS and fragment in result.message
        assert call(registry, "list_reminders").data["reminders"] == []


def test_lists_give_the_soonest_few_and_the_total(tmp_path):
    """A list's result goes into the model's context and is read aloud: the soonest
    LIST_LIMIT items and how many there are, never all of them."""
    from assistant.tools.timers import LIST_LIMIT

    n = LIST_LIMIT + 3
    with open_registry(make_ctx(tmp_path)) as registry:
        for i in reversed(range(n)):  # set latest first: the list must sort
            assert call(registry, "set_reminder", text=f"r{i}", when=f"in {i + 1} hours").ok
            assert call(registry, "set_timer", minutes=i + 1, label=f"t{i}").ok
        reminders = call(registry, "list_reminders").data
        timers = call(registry, "list_timers").data
    assert [r["text"] for r in reminders["reminders"]] == [f"r{i}" for i in range(LIST_LIMIT)]
    assert reminders["total"] == n and reminders["summary"].startswith(f"You have {n} reminders")
    assert [t["label"] for t in timers["timers"]] == [f"t{i}" for i in range(LIST_LIMIT)]
    assert timers["total"] == n and timers["summary"].endswith("; and 3 more.")


def test_reminders_survive_a_restart_and_overdue_ones_fire_late(tmp_path):
    clock = Clock()
    ctx = make_ctx(tmp_path, now=clock)
    with open_registry(ctx) as registry:
        soon = call(registry, "set_reminder", text="call mom", when="in 20 minutes").data
        call(registry, "set_reminder", text="dentist", when="tomorrow at 9 am")
    ctx.store.close()  # the app closes; an hour passes

    clock.advance(3600)
    notes = Notifications()
    ctx2 = make_ctx(tmp_path, now=clock, notify=notes)
    with open_registry(ctx2) as registry:
        event = notes.get(timeout=3)
        assert event.title == "Reminder"
        assert event.message == "call mom (This was due today at 2:50 PM.)"
        row = ctx2.store.query("SELECT status, late FROM alarms WHERE id = ?",
                               (soon["reminder_id"],))[0]
        assert (row["status"], row["late"]) == ("fired", 1)
        pending = call(registry, "list_reminders").data
        assert [r["text"] for r in pending["reminders"]] == ["dentist"]
        assert pending["reminders"][0]["when"] == "tomorrow at 9:00 AM"
    with pytest.raises(queue.Empty):
        notes.get(timeout=0.2)  # fired once, not again
    ctx2.store.close()


def test_notify_failure_does_not_kill_the_scheduler(tmp_path):
    clock, seen = Clock(), []

    def flaky(event):
        seen.append(event)
        if len(seen) == 1:
            raise RuntimeError("UI gone")

    with open_registry(make_ctx(tmp_path, now=clock, notify=flaky)) as registry:
        call(registry, "set_timer", seconds=10, label="one")
        call(registry, "set_timer", seconds=20, label="two")
        clock.advance(30)
        scheduler_for(registry.ctx).wake()
        deadline = time.monotonic() + 3
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [e.message for e in seen] == ["Your one timer is done.", "Your two timer is done."]


def test_pinned_clock_is_used_for_spoken_times(tmp_path):
    assert PINNED.hour == 14
    with open_registry(make_ctx(tmp_path)) as registry:
        result = call(registry, "set_reminder", text="stretch", when="in 2 hours")
        assert result.data["summary"] == "OK, I'll remind you today at 4:30 PM: stretch"


def test_daily_alarms_keep_their_wall_clock_time_across_dst():
    from assistant.tools.timers import _next_daily

    before = datetime(2025, 3, 29, 8, 0, tzinfo=PARIS)  # the night before clocks go forward
    after = datetime.fromtimestamp(_next_daily(before.timestamp(), before), PARIS)
    assert after == datetime(2025, 3, 30, 8, 0, tzinfo=PARIS)
    assert after.utcoffset() != before.utcoffset()
    # Closed for three days: the next one is the next future 8:00, not a backlog.
    late_now = datetime(2025, 4, 2, 9, 0, tzinfo=PARIS)
    nxt = datetime.fromtimestamp(_next_daily(before.timestamp(), late_now), PARIS)
    assert nxt == datetime(2025, 4, 3, 8, 0, tzinfo=PARIS)


def test_cancel_a_reminder_by_its_text(tmp_path):
    with open_registry(make_ctx(tmp_path)) as registry:
        call(registry, "set_reminder", text="call mom", when="tomorrow at 6 pm")
        done = call(registry, "cancel_timer", label="call mom")
        assert done.ok and done.data["summary"] == "Cancelled the reminder 'call mom'."
        assert call(registry, "list_reminders").data["reminders"] == []


def test_the_question_before_a_cancel_or_a_delete_names_what_it_undoes(tmp_path):
    """"Should I cancel timer with label the dentist?" was asked for a reminder; now the question
    names the reminder or the timer found, and none is asked where nothing would be undone
    before the tool says so or asks which."""
    from assistant import policy
    from assistant.toolcall import ToolCall

    with open_registry(make_ctx(tmp_path)) as registry:
        def question(name: str, *arguments: dict) -> str | None:
            calls = [ToolCall(name, a) for a in arguments]
            tool = registry.get(name)
            decision = policy.decide(tool, *calls, after_untrusted_text=False)
            return decision.prompt if decision.ask else None

        call(registry, "set_reminder", text="call the dentist", when="tomorrow at 9 am")
        call(registry, "set_timer", minutes=4, label="pasta")
        call(registry, "set_timer", minutes=9, label="rice")
        assert question("cancel_timer", {"label": "the dentist"}) == (
            'Should I cancel the reminder "call the dentist", due tomorrow at 9:00 AM? Say yes '
            "or no.")
        assert question("cancel_timer", {"label": "pasta"}) == \
            "Should I cancel the pasta timer, with 4 minutes left? Say yes or no."
        # Nothing found, or several: the tool says so or asks which, undoing nothing first.
        assert question("cancel_timer", {"label": "quiche"}) is None
        assert call(registry, "cancel_timer", label="quiche").message == \
            "I can't find a timer or a reminder called 'quiche'."
        assert question("cancel_timer", {}) is None
        assert not call(registry, "cancel_timer").ok  # "Which timer should I cancel: ...?"
        assert len(call(registry, "list_timers").data["timers"]) == 2
        note = call(registry, "add_note", text="wifi password is hunter2").data["note_id"]
        assert question("delete_note", {"note_id": note}, {"note_id": 99}) == \
            f"Should I delete note with note id {note} and with note id 99? Say yes or no."
        said = question("delete_note", {"note_id": note})
        assert said is not None and said.startswith(f"Should I delete note {note}, from today at ")
        assert "hunter2" not in said  # a note's words came from outside: not spoken as ours
        assert question("delete_note", {"note_id": 99}) is None
