"""The one event stream. Engines, the turn loop, the UI, logs and evalkit all speak it.

Every event carries a monotonic timestamp `t` (seconds, `time.monotonic()`), so latency is
always a difference of two event timestamps. `to_dict()` gives a JSON-safe record for logs and
eval result files (audio samples are summarised, not dumped).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, ClassVar

from assistant.audio import Audio
from assistant.toolcall import ParseError, ToolCall


class Stage(StrEnum):
    """Where a turn failed (`Failed.stage`)."""

    AUDIO = "audio"  # the clip itself: empty, silent, corrupt
    ASR = "asr"
    ENGINE = "engine"
    PARSE = "parse"  # the model's call could not be read
    VALIDATE = "validate"  # the call broke its tool's schema
    CONFIRM = "confirm"
    TTS = "tts"
    LOOP = "loop"
    APP = "app"


class TurnStatus(StrEnum):
    """How a turn ended (`Done.status`)."""

    ANSWERED = "answered"
    NEEDS_CONFIRMATION = "needs-confirmation"
    CANCELLED = "cancelled"
    FAILED = "failed"


class LoopError(StrEnum):
    """The loop's own `Failed.code`s (audio, parser and tool codes come from those layers)."""

    NOTHING_PENDING = "nothing-pending"
    TRANSCRIBE_FAILED = "transcribe-failed"
    INTERNAL_ERROR = "internal-error"
    ENGINE_ERROR = "engine-error"
    EMPTY_REPLY = "empty-reply"
    NO_OUTPUT = "no-output"
    TOO_MANY_ROUNDS = "too-many-rounds"
    TTS_FAILED = "tts-failed"
    NOT_READY = "not-ready"  # the app: no engine loaded yet


@dataclass(frozen=True, kw_only=True)
class Event:
    kind: ClassVar[str] = "event"
    t: float = field(default_factory=time.monotonic)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):
            out[f.name] = _jsonable(getattr(self, f.name))
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Audio):
        return {"sample_rate": value.sample_rate, "seconds": round(value.duration_s, 3)}
    if isinstance(value, ToolCall):
        return value.to_dict()
    if isinstance(value, ParseError):
        return {"code": str(value.code), "detail": value.detail, "raw": value.raw}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


# --- Emitted by engines (and re-emitted by the loop) -------------------------------------------


@dataclass(frozen=True)
class Heard(Event):
    """A transcript of the user's speech, when the engine produces one."""

    kind: ClassVar[str] = "heard"
    text: str
    # The ASR's geometric-mean token probability (0-1), where it gives one.
    confidence: float | None = None


@dataclass(frozen=True)
class TextDelta(Event):
    kind: ClassVar[str] = "text-delta"
    text: str


@dataclass(frozen=True)
class AudioChunk(Event):
    """Answer speech, as it is generated or synthesised."""

    kind: ClassVar[str] = "audio"
    audio: Audio


@dataclass(frozen=True)
class CallsProposed(Event):
    """The model finished a call block. Emitted the moment `<|tool_call_end|>` is seen."""

    kind: ClassVar[str] = "calls-proposed"
    calls: tuple[ToolCall, ...]
    raw: str


@dataclass(frozen=True)
class CallMalformed(Event):
    """The model tried to call a tool but the call could not be parsed."""

    kind: ClassVar[str] = "call-malformed"
    errors: tuple[ParseError, ...]
    raw: str


@dataclass(frozen=True)
class Reply(Event):
    """The engine's final text for this generation (no call in it)."""

    kind: ClassVar[str] = "reply"
    text: str
    spoken: bool = False  # True when the engine itself produced the answer audio


@dataclass(frozen=True)
class CallWithheld(Event):
    """A call the brain proposed that the cascade did not run: the ASR was less sure of the
    words than `min_confidence`, so the user is asked to say it again (a `Reply` follows)."""

    kind: ClassVar[str] = "call-withheld"
    calls: tuple[ToolCall, ...]  # empty for a call that did not parse
    raw: str
    confidence: float
    min_confidence: float


@dataclass(frozen=True)
class CallsHeldBack(Event):
    """Calls that write the user's own record, not run: the request did not ask for one (it
    asked advice, or told of someone else's medicine; `assistant.tools.asking`). The user is
    told so when no other call is left."""

    kind: ClassVar[str] = "calls-held-back"
    calls: tuple[ToolCall, ...]
    why: str  # "advice", "someone else's", ...


@dataclass(frozen=True)
class CallAsked(Event):
    """The call a request plainly asks for (`Tool.plainly_asked`), made in place of the brain's
    where the brain's takes nothing from the request: its name check held it back ("Is it
    Thursday yet in Seoul?", `get_time` at P(name) 0.17), the loop held it back as not about
    the request or for a number nobody said ("is the pie ready yet" -> `last_dose("pie")`), or it
    only reads and has no argument ("has it gone five o'clock yet" -> `list_timers()`); or the
    call a request or one of its asks dictates (`Tool.dictated`: "note: parked on level 3"),
    where the brain called nothing (`written` is then "") or its call for it was held back. It
    goes through the loop's rules like the brain's own."""

    kind: ClassVar[str] = "call-asked"
    call: ToolCall
    written: str  # the tool the brain named


@dataclass(frozen=True)
class CallsGrounded(Event):
    """The proposed calls as they run: arguments the user never said were dropped, a duration
    other than the one said was set to it (`assistant.grounding`). Sent only when that changed
    a call."""

    kind: ClassVar[str] = "calls-grounded"
    calls: tuple[ToolCall, ...]
    dropped: tuple[str, ...]  # "get_weather.location='Paris'"
    corrected: tuple[str, ...] = ()  # "set_timer {'hours': 30} -> {'minutes': 30}"


@dataclass(frozen=True)
class CallsListed(Event):
    """A list said where a call takes one value ("the weather in Leeds and York", "remove notes
    3 and 7"): the engine was asked again with each of `asked` (the request less the items
    before one), and `calls` are the proposed calls with those it wrote for an item as said,
    with those for each of `said` (an item taken as the user said it, `Tool.as_said`), and with
    each of `split` (a call whose value holds the list) as one call per item
    (`assistant.listing`); they go on to be checked and run."""

    kind: ClassVar[str] = "calls-listed"
    calls: tuple[ToolCall, ...]
    asked: tuple[str, ...]
    failed: str = ""  # the engine's error on an item: the calls before it still run
    split: tuple[ToolCall, ...] = ()
    said: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallDecision(Event):
    """A brain's "call or not" before it writes: P(it opens a call) against its threshold.
    evalkit plots precision/recall/false alarms over thresholds from these."""

    kind: ClassVar[str] = "call-decision"
    p_call: float
    threshold: float


@dataclass(frozen=True)
class NameDecision(Event):
    """A brain's confidence in the tool it named, once it wrote a call: P(the name's tokens).
    Below the threshold the call is not run and the user is asked to say it another way (a wrong
    tool is often a call the brain is less sure of; confident near-misses pass)."""

    kind: ClassVar[str] = "name-decision"
    name: str
    p_name: float
    threshold: float
    raw: str  # the call as written, whether it runs or not
    calls: tuple[ToolCall, ...] = ()  # the calls `raw` holds, where it parses


@dataclass(frozen=True)
class ClauseCalls(Event):
    """A request of several asks ("cancel the egg timer and start a new one for 7 minutes") read
    one clause at a time: each clause's P(call) on its own, the tools the clauses named, and
    whether their calls replaced the one the brain wrote for the whole request."""

    kind: ClassVar[str] = "clause-calls"
    clauses: tuple[str, ...]
    p_calls: tuple[float, ...]
    threshold: float
    names: tuple[str, ...]
    used: bool


# --- Emitted by the turn loop -----------------------------------------------------------------


@dataclass(frozen=True)
class TurnStarted(Event):
    """A turn started; for audio input this is the end of the user's speech."""

    kind: ClassVar[str] = "turn-started"
    turn: int
    modality: str  # "audio" | "text"


@dataclass(frozen=True)
class ToolStarted(Event):
    kind: ClassVar[str] = "tool-call"
    call: ToolCall
    side_effect: str


@dataclass(frozen=True)
class ToolFinished(Event):
    kind: ClassVar[str] = "tool-result"
    call: ToolCall
    ok: bool
    data: Any
    error_code: str | None
    message: str
    seconds: float


@dataclass(frozen=True)
class ConfirmationRequested(Event):
    """A call waits for the user: a destructive action, or an ambiguous name with candidates."""

    kind: ClassVar[str] = "confirm"
    call: ToolCall
    prompt: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer(Event):
    kind: ClassVar[str] = "answer"
    text: str


@dataclass(frozen=True)
class Speaking(Event):
    """Answer audio starts (first chunk available). `source` is "native" or a TTS name."""

    kind: ClassVar[str] = "speaking"
    source: str


@dataclass(frozen=True)
class Notification(Event):
    """Something happened outside a turn: a timer or reminder fired."""

    kind: ClassVar[str] = "notification"
    title: str
    message: str


@dataclass(frozen=True)
class Failed(Event):
    """A stage failed. `code` is stable (evalkit counts them); `message` is for people."""

    kind: ClassVar[str] = "error"
    stage: Stage | str
    code: LoopError | str
    message: str


@dataclass(frozen=True)
class Done(Event):
    kind: ClassVar[str] = "done"
    turn: int
    status: TurnStatus
