"""The BFCL-style checker and value normalisation, on hand-written cases."""

from __future__ import annotations

import pytest

from assistant.toolcall import ToolCall
from evalkit.checker import check
from evalkit.items import ExpectedCall
from evalkit.values import eval_expression, norm_time, norm_unit, values_match

WEATHER = ExpectedCall("get_weather", {"location": ("Paris", "Paris, France"), "day": ("today",)},
                       frozenset({"day"}))
TIMER = ExpectedCall("set_timer", {"seconds": (300,)}, frozenset({"label"}))
DOSE = ExpectedCall("log_dose", {"drug": ("metformin",), "amount": (500,), "unit": ("mg",)},
                    frozenset({"time"}))


@pytest.mark.parametrize(("calls", "passed", "reason_part"), [
    ([ToolCall("get_weather", {"location": "Paris"})], True, ""),
    ([ToolCall("get_weather", {"location": "paris, france"})], True, ""),
    ([ToolCall("get_weather", {"location": "Paris", "day": "today"})], True, ""),  # optional ok
    ([ToolCall("get_weather", {"location": "Paris", "day": "tomorrow"})], False, "day="),
    ([ToolCall("get_weather", {"location": "Lyon"})], False, "location="),
    ([ToolCall("get_weather", {})], False, "missing location"),
    ([ToolCall("get_weather", {"location": "Paris", "units": "c"})], False, "unexpected units"),
    ([ToolCall("get_time", {"location": "Paris"})], False, "wrong function"),
    ([], False, "missed call"),
    ([ToolCall("get_weather", {"location": "Paris"}), ToolCall("get_time", {})], False, "extra"),
])
def test_weather_cases(calls: list[ToolCall], passed: bool, reason_part: str) -> None:
    v = check((WEATHER,), calls)
    assert v.passed is passed
    assert reason_part in v.reason


def test_optional_without_listed_values_accepts_anything() -> None:
    assert check((TIMER,), [ToolCall("set_timer", {"seconds": 300, "label": "pasta"})]).passed
    assert check((TIMER,), [ToolCall("set_timer", {"seconds": "300"})]).passed
    assert not check((TIMER,), [ToolCall("set_timer", {"seconds": 30})]).passed


def test_a_duration_is_checked_as_its_total_in_whatever_units() -> None:
    """set_timer takes hours/minutes/seconds as said; gold and call compare by the total."""
    said = ExpectedCall("set_timer", {"hours": (1,), "minutes": (30,)}, frozenset({"label"}))
    for gold in (said, ExpectedCall("set_timer", {"seconds": (5400,)}, frozenset({"label"}))):
        for args in ({"seconds": 5400}, {"minutes": 90}, {"hours": 1, "minutes": 30},
                     {"hours": "1", "minutes": 30.0, "label": "roast"}):
            assert check((gold,), [ToolCall("set_timer", args)]).passed, (gold, args)
        for args in ({"minutes": 30}, {"hours": 1, "seconds": 30}, {"hours": "one", "minutes": 30},
                     {"label": "roast"}):
            verdict = check((gold,), [ToolCall("set_timer", args)])
            assert not verdict.passed and "seconds" in verdict.wrong_args, (gold, args)


def test_no_call_items_pass_iff_no_call() -> None:
    assert check((), []).passed
    v = check((), [ToolCall("get_weather", {"location": "Paris"})])
    assert not v.passed and v.called and "false alarm" in v.reason


def test_a_malformed_call_counts_as_a_call() -> None:
    # On a no-call item the user saw the assistant try to act: a false alarm.
    v = check((), [], malformed=True)
    assert not v.passed and v.called and not v.should_call and "false alarm" in v.reason
    # On a call item the decision was right, but no function or argument was.
    v = check((WEATHER,), [], malformed=True)
    assert not v.passed and v.called and not v.name_ok and v.args.fn == 1
    assert "malformed" in v.reason
    # A retry that parsed is judged on its calls.
    assert check((WEATHER,), [ToolCall("get_weather", {"location": "Paris"})], malformed=True).passed


def test_normalised_values_numbers_units_drugs() -> None:
    good = ToolCall("log_dose", {"drug": "Glucophage", "amount": 500.0, "unit": "milligrams"})
    assert check((DOSE,), [good]).passed  # brand -> generic, float, unit alias
    wrong = ToolCall("log_dose", {"drug": "metronidazole", "amount": 500, "unit": "mg"})
    v = check((DOSE,), [wrong])
    assert not v.passed and v.name_ok and not v.args_ok
    assert (v.args.tp, v.args.fp, v.args.fn) == (2, 1, 1)
    assert v.wrong_args == ("drug",)


def test_times_and_reminders() -> None:
    sched = ExpectedCall("add_medication_schedule", {"drug": ("metformin",), "amount": (500,),
                                                     "unit": ("mg",),
                                                     "times": (("08:00", "20:00"),)})
    call = ToolCall("add_medication_schedule", {"drug": "metformin", "amount": 500, "unit": "mg",
                                                "times": ["8 pm", "8:00 am"]})
    assert check((sched,), [call]).passed
    rem = ExpectedCall("set_reminder", {"text": ("call mom",), "when": ("tomorrow at 7 am",)})
    assert check((rem,), [ToolCall("set_reminder", {"text": "Call Mom.",
                                                    "when": "tomorrow 07:00"})]).passed
    assert not check((rem,), [ToolCall("set_reminder", {"text": "call mom",
                                                        "when": "tomorrow at 8 am"})]).passed


def test_expression_by_value_never_eval() -> None:
    calc = ExpectedCall("calculate", {"expression": ("15*80/100",)})
    assert check((calc,), [ToolCall("calculate", {"expression": "15% of 80"})]).passed
    assert check((calc,), [ToolCall("calculate", {"expression": "0.15 * 80"})]).passed
    assert not check((calc,), [ToolCall("calculate", {"expression": "15 + 80"})]).passed
    assert eval_expression("__import__('os').system('true')") is None
    assert eval_expression("9**9**9") is None
    # Functions are valued as the calculator tool computes them: "729**0.5" is "sqrt(729)".
    root = ExpectedCall("calculate", {"expression": ("sqrt(729)",)})
    assert check((root,), [ToolCall("calculate", {"expression": "729**0.5"})]).passed
    assert not check((root,), [ToolCall("calculate", {"expression": "729/2"})]).passed


def test_several_gold_calls_any_order() -> None:
    a = ExpectedCall("set_timer", {"seconds": (60,)})
    b = ExpectedCall("set_timer", {"seconds": (120,)})
    calls = [ToolCall("set_timer", {"seconds": 120}), ToolCall("set_timer", {"seconds": 60})]
    assert check((a, b), calls).passed
    assert not check((a, b), calls[:1]).passed


def test_value_helpers() -> None:
    assert norm_time("8 pm") == norm_time("20:00") == "20:00"
    assert norm_time("12 am") == "00:00"
    assert norm_unit("Miles") == norm_unit("mi")
    assert norm_unit("cap") == norm_unit("Capsules") != norm_unit("tablets")


def test_a_dose_unit_is_scored_as_the_tool_reads_it() -> None:
    from assistant.tools.medication import UNITS

    read = {unit: {norm_unit(form) for form in forms} for unit, forms in UNITS.items()}
    assert all(len(forms) == 1 for forms in read.values()), read
    assert len({next(iter(forms)) for forms in read.values()}) == len(UNITS), read
    assert values_match("location", "Paris, France", "Paris")
    assert not values_match("note_id", True, 1)  # a boolean is not a number


def test_a_day_is_read_the_way_its_tool_reads_it() -> None:
    """list_doses looks back ("monday": the Monday gone), get_weather ahead; the fixed now is a
    Wednesday, so "monday" and "last monday" are one day for the dose log, two for weather."""
    doses = ExpectedCall("list_doses", {"day": ("last monday",)})
    assert check((doses,), [ToolCall("list_doses", {"day": "monday"})]).passed
    assert check((doses,), [ToolCall("list_doses", {"day": "2025-03-10"})]).passed
    assert not check((doses,), [ToolCall("list_doses", {"day": "tuesday"})]).passed
    assert values_match("day", "monday", "monday", "get_weather")
    assert not values_match("day", "monday", "last monday", "get_weather")
    assert not values_match("day", ["monday"], "monday", "list_doses")


def test_the_kind_of_problem_is_a_value_not_prose() -> None:
    from evalkit.checker import Problem

    timer = (ExpectedCall("set_timer", {"seconds": (600,)}),)
    assert check(timer, [ToolCall("set_timer", {"seconds": 600})]).problem is Problem.NONE
    assert check((), [ToolCall("set_timer", {"seconds": 600})]).problem is Problem.FALSE_ALARM
    assert check((), [], malformed=True).problem is Problem.FALSE_ALARM
    assert check(timer, [], malformed=True).problem is Problem.MALFORMED
    assert check(timer, []).problem is Problem.MISSED
    assert check(timer, [ToolCall("get_time", {})]).problem is Problem.WRONG_FUNCTION
    wrong = check(timer, [ToolCall("set_timer", {"seconds": 60, "label": "x"})])
    assert wrong.problem is Problem.WRONG_ARGUMENTS
    assert set(wrong.wrong_args) == {"seconds", "label"}


def test_a_weather_place_is_scored_as_the_tool_reads_it() -> None:
    """"should I wear shorts today" -> location 'today': the tool reads the day, at home."""
    home = ExpectedCall("get_weather", {"day": ("today",)}, frozenset({"day"}))
    for args in ({"location": "today"}, {"location": "here"}, {"location": "Outside"}, {}):
        assert check((home,), [ToolCall("get_weather", args)]).passed, args
    tomorrow = ExpectedCall("get_weather", {"day": ("tomorrow",)})
    assert check((tomorrow,), [ToolCall("get_weather", {"location": "tomorrow"})]).passed
    assert not check((tomorrow,), [ToolCall("get_weather", {"location": "today"})]).passed
    assert not check((home,), [ToolCall("get_weather", {"location": "Paris"})]).passed
    assert not check((home,), [ToolCall("get_weather", {"location": 7})]).passed


def test_a_drug_is_scored_as_the_medication_tools_read_it() -> None:
    # A close spelling the tool takes without asking logs the right drug; one it would ask
    # about ("metformine or metoprolol?") or a wrong drug is not right.
    for drug, right in (("lamotrigin", True), ("Lamictal", True), ("lamotrigine", True),
                        ("lamotrigine xr", True), ("lamo", False), ("levetiracetam", False)):
        gold = ExpectedCall("log_dose", {"drug": ("lamotrigine",), "amount": (25,),
                                         "unit": ("mg",)})
        call = ToolCall("log_dose", {"drug": drug, "amount": 25, "unit": "mg"})
        assert check((gold,), [call]).passed is right, drug
