"""`python -m assistant --text ...` end to end: real registry, parser, validation and SQLite."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def cli(tmp_path: Path, *args: str, engine: str = "scripted") -> subprocess.CompletedProcess[str]:
    """The CLI on the scripted engine by default: these tests are about the plumbing."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    engine_args = ["--engine", engine] if engine else []
    return subprocess.run([sys.executable, "-m", "assistant", "--data-dir", str(tmp_path),
                           *engine_args, *args], capture_output=True, text=True, timeout=300,
                          env=env)


def test_text_turn_logs_a_dose_in_sqlite(tmp_path: Path) -> None:
    out = cli(tmp_path, "--text", "log 500 milligrams of metformin", "--json")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    kinds = [e["kind"] for e in events if e["kind"] != "text-delta"]
    assert kinds == ["turn-started", "calls-proposed", "tool-call", "tool-result", "reply", "answer", "done"]
    call = next(e for e in events if e["kind"] == "tool-call")["call"]
    args = {"drug": "metformin", "amount": 500, "unit": "milligrams"}
    assert call == {"name": "log_dose", "arguments": args}
    assert next(e for e in events if e["kind"] == "tool-result")["ok"] is True
    rows = sqlite3.connect(tmp_path / "assistant.sqlite3").execute("SELECT * FROM doses").fetchall()
    assert len(rows) == 1 and "metformin" in str(rows[0])


def test_destructive_call_asks_and_confirm_flag_answers(tmp_path: Path) -> None:
    cli(tmp_path, "--text", "take a note buy oat milk")
    out = cli(tmp_path, "--text", "delete note 1")
    assert "confirm" in out.stdout and "Should I delete note" in out.stdout
    out = cli(tmp_path, "--text", "search my notes for milk")
    assert "oat milk" in out.stdout  # still there: nobody said yes
    out = cli(tmp_path, "--text", "delete note 1", "--confirm", "yes")
    assert out.returncode == 0, out.stderr
    out = cli(tmp_path, "--text", "search my notes for milk", "--json")
    result = next(json.loads(x) for x in out.stdout.splitlines() if '"tool-result"' in x)
    assert "oat milk" not in json.dumps(result["data"])


def test_weather_without_a_place_is_for_home_or_asks_which(tmp_path: Path) -> None:
    def result(*args: str) -> dict:
        out = cli(tmp_path, "--text", "what's the weather like", "--json", *args)
        assert out.returncode == 0, out.stderr
        events = [json.loads(line) for line in out.stdout.splitlines()]
        assert next(e for e in events if e["kind"] == "tool-call")["call"] == {
            "name": "get_weather", "arguments": {}}
        return next(e for e in events if e["kind"] == "tool-result")

    asked = result()
    assert asked["error_code"] == "invalid-arguments" and "Which place?" in asked["message"]
    # With --home the tool looks the home city up (offline here: it cannot reach the service).
    home = result("--home", "Leeds")
    assert home["error_code"] == "unavailable" and "Which place?" not in home["message"]


def test_bad_wav_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all")
    out = cli(tmp_path, "--wav", str(bad))
    assert out.returncode == 2 and "error:" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.slow
def test_text_default_is_the_model_and_it_calculates(tmp_path: Path) -> None:
    """No --engine: a typed request goes to the default chat brain, which calls the calculator
    and answers with the result."""
    out = cli(tmp_path, "--text", "what is 12 times 7", "--json", engine="")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    call = next(e for e in events if e["kind"] == "tool-call")["call"]
    assert call["name"] == "calculate"
    answer = next(e for e in events if e["kind"] == "answer")["text"]
    assert "84" in answer


def test_the_log_says_how_sure_the_asr_was_and_which_call_it_withheld() -> None:
    from assistant.cli import Printer
    from assistant.events import CallWithheld, Heard
    from assistant.toolcall import ToolCall

    assert Printer.describe(Heard(text="delete note 5", confidence=0.31)) == \
        "'delete note 5'  (confidence 0.31)"
    line = Printer.describe(CallWithheld(calls=(ToolCall("delete_note", {"note_id": 5}),),
                                         raw="", confidence=0.31, min_confidence=0.5))
    assert line == "[delete_note(note_id=5)] not run: heard with confidence 0.31 < 0.5"


def test_the_log_says_what_grounding_changed() -> None:
    from assistant.cli import Printer
    from assistant.events import CallsGrounded

    assert Printer.describe(CallsGrounded(calls=(), dropped=("get_weather.location='Paris'",))) \
        == "not said, dropped: get_weather.location='Paris'"
    assert Printer.describe(CallsGrounded(
        calls=(), dropped=(), corrected=("set_timer {'hours': 30} -> {'minutes': 30}",))) == \
        "as said: set_timer {'hours': 30} -> {'minutes': 30}"


def test_the_log_says_why_a_call_was_held_back() -> None:
    from assistant.cli import Printer
    from assistant.events import CallsHeldBack
    from assistant.toolcall import ToolCall
    from assistant.tools.asking import NOT_SAID

    timer = (ToolCall("set_timer", {"label": "pizza", "minutes": 10}),)
    assert Printer.describe(CallsHeldBack(calls=timer, why=NOT_SAID)) == \
        "[set_timer(label='pizza', minutes=10)] not run: a number not said"


def test_the_log_says_a_call_was_made_for_a_plain_question() -> None:
    from assistant.cli import Printer
    from assistant.events import CallAsked
    from assistant.toolcall import ToolCall

    asked = CallAsked(call=ToolCall("get_time", {"location": "Seoul"}), written="list_timers")
    assert Printer.describe(asked) == \
        "get_time(location='Seoul'): the request asks it plainly, not list_timers"


def test_the_log_says_how_a_request_of_two_asks_was_read() -> None:
    from assistant.cli import Printer
    from assistant.events import ClauseCalls

    parts = ("cancel the egg timer", "start a new one for 7 minutes")
    used = ClauseCalls(clauses=parts, p_calls=(0.96, 0.94), threshold=0.54,
                       names=("cancel_timer", "set_timer"), used=True)
    assert Printer.describe(used) == ("'cancel the egg timer' P(call) 0.96; 'start a new one for 7 "
                                      "minutes' P(call) 0.94 -> cancel_timer, set_timer")
    one = ClauseCalls(clauses=parts, p_calls=(0.96, 0.1), threshold=0.54, names=(), used=False)
    assert Printer.describe(one).endswith("P(call) 0.10 -> read as one request")
