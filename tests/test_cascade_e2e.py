"""A bundled spoken request through the whole offline cascade: WAV -> Whisper base -> Gemma 3
270M -> parsed call -> the loop. The base Gemma is weak at tool calling (it may pick the wrong
tool or none), so this checks the plumbing honestly: the transcript is right, events flow in
order, and every call the model proposed was validated against the tool's schema before it ran.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.audio.io import load_speech
from assistant.engine import Engine
from assistant.engines import EngineOptions, create_engine
from assistant.events import Answer, CallsProposed, Done, Heard, TextDelta, ToolStarted
from assistant.loop import Conversation, UserInput
from assistant.speech.normalize import wer
from assistant.tools import Store, ToolContext, default_registry

pytestmark = pytest.mark.slow
REQUESTS = Path(__file__).resolve().parents[1] / "assets" / "requests"


def offline_http_get(url: str, params: dict[str, Any]) -> Any:
    raise ConnectionError("tests run offline")


@pytest.fixture(scope="module")
def cascade() -> Engine:
    return create_engine("cascade", EngineOptions(threads=1))


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Any]:
    ctx = ToolContext(store=Store(tmp_path / "a.sqlite3"), data_dir=tmp_path,
                      http_get=offline_http_get)
    with default_registry(ctx) as reg:
        yield reg


@pytest.mark.parametrize(("stem", "said"), [("timer_ten_minutes", "Set a timer for ten minutes."),
                                            ("log_metformin", "Log 500 milligrams of metformin.")])
def test_spoken_request_through_the_cascade(cascade: Engine, registry: Any, stem: str,
                                            said: str) -> None:
    bot = Conversation(cascade, registry, tts=None)
    events = list(bot.turn(UserInput(audio=load_speech(REQUESTS / f"{stem}.wav")),
                           threading.Event()))
    kinds = [e.kind for e in events]
    assert kinds[0] == "turn-started" and isinstance(events[-1], Done), kinds
    assert all(a.t <= b.t for a, b in itertools.pairwise(events))
    heard = [e for e in events if isinstance(e, Heard)]
    assert len(heard) == 1 and wer(said, heard[0].text) <= 0.2, heard
    assert any(isinstance(e, TextDelta) for e in events)  # the text model streamed
    batches = [e.calls for e in events if isinstance(e, CallsProposed)]
    ran = [e.call for e in events if isinstance(e, ToolStarted)]
    for call in ran:  # nothing ran that the model did not propose or the schema rejects
        assert any(call in b for b in batches) and registry.validate(call) is None
    for batch in batches:  # a valid first call ran, unless the user is asked first
        if registry.validate(batch[0]) is None and events[-1].status != "needs-confirmation":
            assert batch[0] in ran
    assert events[-1].status in ("answered", "failed", "needs-confirmation")
    if events[-1].status != "needs-confirmation":
        assert any(isinstance(e, Answer) and e.text for e in events)
