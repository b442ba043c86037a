"""Tools as data: a name, a description, a JSON Schema, a plain function and a side-effect level."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from assistant.toolcall import ToolCall, ToolSpec


class SideEffect(StrEnum):
    READ = "read-only"
    WRITE = "reversible-write"
    DESTRUCTIVE = "destructive"


class ErrorCode(StrEnum):
    """Stable codes: evalkit counts them, the UI maps them to messages, tests assert them."""

    UNKNOWN_TOOL = "unknown-tool"
    INVALID_ARGUMENTS = "invalid-arguments"
    TOOL_ERROR = "tool-error"  # the tool raised something unexpected: a bug or a broken backend
    TIMEOUT = "timeout"
    NEEDS_CONFIRMATION = "needs-confirmation"
    DECLINED = "declined"  # the user said no
    NOT_FOUND = "not-found"  # e.g. no such timer / note / place
    UNAVAILABLE = "unavailable"  # e.g. offline: the service cannot be reached
    REFUSED = "refused"  # a request the tool will not serve (dosing advice)


class ToolFailure(Exception):
    """Raised by a tool for an expected failure; `message` is spoken to the user as is."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class NeedsConfirmation(Exception):
    """Raised by a tool that will not guess: `options` are candidate values for `argument`.

    The loop asks the user; a chosen option is put into `argument` and the call runs again
    with `confirmed=True`. With no options it is a yes/no question about the call as it is.
    """

    def __init__(self, prompt: str, argument: str | None = None, options: Sequence[str] = ()):
        super().__init__(prompt)
        self.prompt = prompt
        self.argument = argument
        self.options = tuple(options)


def unbound(**_: Any) -> Any:
    """The function of a declared tool not yet bound to a context (`bind`)."""
    raise RuntimeError("this tool is declared but not bound to a context: use its family's "
                       "tools(ctx)")


def whole_number(value: object) -> bool:
    """A thing's number (a note's, a timer's): the kind of a listed id."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Strength:
    """Where a call holds a number said bare after a thing's name ("telma 40", "lantus 22"):
    the string argument that names the thing, the number argument that holds the amount, and
    the unit that number means for that thing (None where the call's own unit stands: "panadol
    2" counts tablets, "eltroxin 50" may be micrograms)."""

    name: str
    amount: str
    unit: Callable[[str, float], str | None]


@dataclass(frozen=True)
class Tool:
    """A tool as data. A family declares its tools at module level (`TOOLS`, no function yet:
    the catalogue reads them without a context) and `bind`s functions in `tools(ctx)`."""

    name: str
    description: str
    parameters: Mapping[str, Any]  # JSON Schema of the arguments object
    fn: Callable[..., Any] = unbound  # called with the validated arguments as keywords
    side_effect: SideEffect = SideEffect.READ
    timeout_s: float = 10.0
    # Tools whose results carry text that came from outside (notes, web data): a write proposed
    # right after reading it needs confirmation, since that text may hold injected instructions.
    returns_untrusted_text: bool = False
    # Set when `fn` accepts `confirmed: bool` (tools that raise NeedsConfirmation).
    accepts_confirmation: bool = False
    # String arguments the user must have said (`assistant.grounding`): the loop drops a value
    # no word of the user's matches, so `fn` must take them as optional, and validation does
    # too, even where the schema the model was tuned on marks them required.
    grounded: tuple[str, ...] = ()
    # Integer arguments that add up to a duration, with the seconds each counts: the loop sets
    # them to the one duration the newest request says when the model wrote another
    # (`assistant.grounding.ground_duration`).
    duration: Mapping[str, int] = field(default_factory=dict)
    # String arguments that name a moment as said, with the way an ambiguous one is read
    # ("future": a reminder; "past": a dose taken): the loop sets one to the moment the newest
    # request says when the model wrote another (`assistant.grounding.ground_moment`).
    moments: Mapping[str, str] = field(default_factory=dict)
    # String arguments that hold a day as said, each with how the tool reads a weekday
    # ("future" for a forecast, "past" for the doses of a day): the loop sets one to the one day
    # the newest request says when the model wrote another, none, or one the parser cannot
    # read (`assistant.grounding.ground_day`): "day after tomorrow" written "tomorrow".
    days: Mapping[str, str] = field(default_factory=dict)
    # String arguments that name a unit, with each spoken form's unit (alias -> unit): the loop
    # sets one to the one unit the newest request says when the model wrote another or a form
    # the table lacks (`assistant.grounding.ground_unit`).
    units: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Unit arguments with the unit a bare count means ("two Nurofen": tablets): the loop sets one
    # to it when the newest request says no unit and the model wrote a form the table lacks.
    count_units: Mapping[str, str] = field(default_factory=dict)
    # A number said bare right after the thing's name ("telma 40": mg, "lantus 22": units): the
    # loop sets the unit to the one it means when the newest request says none
    # (`grounding.ground_strength`).
    strength: Strength | None = None
    # Array arguments that list a day's times (a daily schedule's): the loop sets one to the
    # times the newest request lists when the model wrote others (`ground_times`).
    times_of_day: tuple[str, ...] = ()
    # String arguments that name a place, each with the tool's offline test of one (a zone, or
    # None): the loop sets one the call lacks to the place the newest request names ("what time
    # is it in japan") when the test knows it (`assistant.grounding.ground_place`).
    places: Mapping[str, Callable[[str], object]] = field(default_factory=dict)
    # Place arguments the newest request may speak of as "there" ("my sister's in Perth, is it
    # raining there?"), each with the tool's offline test of a place: the loop sets one the call
    # lacks to the place the user's turns name last (`assistant.grounding.ground_there`).
    there: Mapping[str, Callable[[str], object]] = field(default_factory=dict)
    # Reasons a call is not run for, when the newest request says one (`assistant.tools.asking`):
    # a dose is not logged for "is 800 mg too much?", the clock not read for "what time does the
    # pharmacy close?".
    held_back_by: tuple[str, ...] = ()
    # What the tool does, as people name it (a key of `assistant.tools.asking.ACTIONS`, or of
    # `TOPICS` for a tool that only reads): a call held back by "said not to" is held when the
    # "don't" names it or names nothing ("no reminder, just a 10 minute timer" still sets the
    # timer; "don't save that" sets nothing); one held back for an action no tool does is run
    # when a later clause asks for it by name ("text Sam, then what time is it in Leeds?").
    action: str = ""
    # The tool a lone call of this one becomes when the newest request says a daily routine
    # (`assistant.grounding.as_routine`): a dose "at 8 and 4" is a schedule. Arguments of the
    # same name carry over; the other tool's times of day get the times said.
    routine: str = ""
    # The tool a call of this one becomes when its words tell of a dose taken and no routine
    # (`assistant.grounding.as_taken`): a schedule "at 6am, log please" is a dose logged.
    # Arguments of the same name carry over; one time of day becomes the other tool's moment.
    taken: str = ""
    # Number arguments held to the one number the newest request says outside its moment
    # (`assistant.grounding.ground_amount`).
    amounts: tuple[str, ...] = ()
    # A conversion's unit arguments, from and to, and the tool's reading of a unit as what it is
    # and what it measures ("km/h" -> kilometres per hour, a speed; None for no unit): the loop
    # sets them to the unit the newest request says after its amount ("180c") and to the one
    # it asks for ("in mph") where the call wrote others (`assistant.grounding.ground_measure`).
    measures: tuple[str, ...] = ()
    unit_of: Callable[[str], object] | None = None
    # String arguments that hold a sum, held to what the newest request asks done with its
    # numbers: an average divides, a split shares, a discount comes off
    # (`assistant.tools.sums.as_asked`).
    sums: tuple[str, ...] = ()
    # Integer arguments that pick one thing by its number (a note's id): the loop holds back a
    # call whose number no user turn says and no tool result showed (`grounding.made_up`);
    # so is one whose `duration` nobody said. Note 1 deleted for "undo deleting that note" is
    # a guess with nothing to go on.
    ids: tuple[str, ...] = ()
    # Arguments a request may name several of, one call each ("the weather in Leeds and York",
    # "remove notes 3 and 7"), each with the tool's offline test of its kind, which returns what
    # an item names (a zone, a unit, a medicine, a day), True where it cannot tell which, or
    # None or False for no item of the kind. The loop asks its engine for a call per further
    # item said and keeps it where the item, as said, is of the kind ("and preheat the oven"
    # names no unit), and splits a list the brain wrote as one value where each item names a
    # different thing (`assistant.listing`). Not free text: a reminder "to buy bread and milk"
    # is one value.
    listed: Mapping[str, Callable[[Any], object]] = field(default_factory=dict)
    # Listed arguments whose further item is the item as the user said it, in the first call's
    # place, with no engine pass, where the item names a thing of the kind (a place, a day):
    # "is it later in dubai or singapore rn" -> location 'singapore'. Not an item that brings
    # its own other arguments (a dose's amount), which the engine writes.
    as_said: tuple[str, ...] = ()
    # A test of the user's words for what every request of this tool names (the dose log's: a
    # medicine, or the user whose record it is): the loop holds a call back when no user turn in
    # the window passes it ("when did vesuvius last erupt" read as `last_dose('vesuvius')`).
    about: Callable[[str], bool] | None = None
    # The same for a call's arguments, with the user's words: the dose log's drug names a
    # medicine, or the words do ("my last eye test was in 2019" speaks of the user, but
    # `last_dose("eye test")` is no medicine's read); a dose or a schedule saves a drug the
    # words name (`log_dose("metformin")` for "what units can a dose be in?" saves a guess).
    about_args: Callable[[Mapping[str, Any], str], bool] | None = None
    # A test of the user's words for a thing of this tool's that the assistant gives no advice
    # on (the dose log's: a medicine named): a request the brain makes no call for that asks
    # about one, not of the user's own past doses, gets the loop's "advice" answer, never the
    # model's own words (the base 0.5B said "Yes, you can take Sudafed if you have high blood
    # pressure.": docs/brain-eval/answers-in-words/).
    no_advice_on: Callable[[str], bool] | None = None
    # A test of the newest request for a question only this tool answers (the clock's: "is it
    # Thursday yet in Seoul?"): where the brain's call takes nothing from the request (its name
    # check held it back, the loop held it back as not about the request or for a number not
    # said, or it reads with no argument), the loop calls this tool instead, with the place said
    # (`Conversation._plainly_asked`).
    plainly_asked: Callable[[str], bool] | None = None
    # Integer arguments the newest request's words count, each with its reading of them (None
    # where they say no count): `read_notes`' limit is 1 for "my latest note", 3 for "my last 3
    # notes" (`assistant.grounding.ground_counted`).
    counted: Mapping[str, Callable[[str], int | None]] = field(default_factory=dict)
    # The arguments of a call the words of a request or of one of its asks dictate outright, or
    # None: "note to self: the spare key is under the blue pot" is `add_note`'s. The loop calls it
    # where the brain called nothing, held back its call as not about the words or for a number
    # not said, or was unsure of the tool (`Conversation._dictated`).
    dictated: Callable[[str], Mapping[str, Any] | None] | None = None
    # What a destructive call would undo, as the question before it says it ("the reminder
    # "call the dentist", due tomorrow at 9:00 AM" for a label, not "timer with label dentist"),
    # from the call's arguments; None where the call undoes nothing without asking on its own
    # (nothing found, or several: the tool says so or asks which). Bound with `fn` (`bind`).
    target: Callable[..., str | None] | None = None

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(self.name, self.description, self.parameters)


@dataclass(frozen=True)
class ToolResult:
    call: ToolCall
    ok: bool
    data: Any = None  # JSON-compatible; for ok results this is what the model sees
    error: ErrorCode | None = None
    message: str = ""  # human-readable, spoken-friendly
    seconds: float = 0.0
    options: tuple[str, ...] = ()  # candidates, with NEEDS_CONFIRMATION
    argument: str | None = None  # the argument the options are for

    def for_model(self) -> dict[str, Any]:
        """What goes back to the model inside the tool turn: data, never instructions."""
        if self.ok:
            return {"ok": True, "result": self.data}
        out: dict[str, Any] = {"ok": False, "error": str(self.error), "message": self.message}
        if self.options:
            out["options"] = list(self.options)
        return out


def bind(tools: Sequence[Tool], targets: Mapping[str, Callable[..., str | None]] | None = None,
         **functions: Callable[..., Any]) -> list[Tool]:
    """A family's declared `tools` with their functions, one per tool, by name, and the
    `targets` of those that undo things."""
    names = {t.name for t in tools}
    if names != set(functions) or not set(targets or {}) <= names:
        raise ValueError(f"bind: functions for {sorted(set(functions))}, targets for "
                         f"{sorted(targets or {})}, tools {sorted(names)}")
    return [replace(t, fn=functions[t.name], target=(targets or {}).get(t.name)) for t in tools]
