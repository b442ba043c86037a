"""BFCL-style checking of proposed calls against an item's gold calls.

A call matches a gold call when the function name is the same, every required argument is
present with one of its acceptable values (after normalisation, values.py), every optional
argument that is present is acceptable, and no other argument is given. An item with no gold call
passes iff no call was made (BFCL's "irrelevance"). Several gold calls are matched without regard
to order.

A malformed call (a call attempt that did not parse, `assistant.outcome`) counts as a call: on a
no-call item it is a false alarm, since the user saw the assistant try to act; on a call item
the decision was right but no function or argument was. This is the one rule: evalkit's records
and finetune's scores both come from `check`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from assistant.toolcall import ToolCall
from evalkit.items import ExpectedCall
from evalkit.values import DURATION_PARTS, as_read, total_duration, values_match


@dataclass(frozen=True)
class ArgCounts:
    """Per-argument outcomes, for argument precision / recall / F1."""

    tp: int = 0  # argument given with an acceptable value
    fp: int = 0  # argument given with a wrong value, or not expected at all
    fn: int = 0  # required argument missing, or given with a wrong value

    def __add__(self, other: ArgCounts) -> ArgCounts:
        return ArgCounts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


class Problem(StrEnum):
    """What went wrong with an item, first problem first (`Verdict.problem`)."""

    NONE = ""  # passed
    FALSE_ALARM = "false-alarm"  # a call (or a malformed one) where none was needed
    MALFORMED = "malformed"  # a call was needed; the attempt did not parse
    MISSED = "missed-call"  # a call was needed; none was made
    WRONG_FUNCTION = "wrong-function"  # the multiset of function names is wrong
    WRONG_ARGUMENTS = "wrong-arguments"  # right functions, some argument missing or wrong


@dataclass(frozen=True)
class ArgProblem:
    """One argument of one call that is not right."""

    name: str
    kind: str  # "missing" | "unexpected" | "wrong"
    detail: str  # for people: what was given and what was wanted

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class Verdict:
    passed: bool  # the whole item: right decision, names and arguments
    should_call: bool
    called: bool
    name_ok: bool  # the multiset of function names is right (True for a right abstention)
    args_ok: bool  # every matched call's arguments are right
    args: ArgCounts
    reason: str  # "" when passed; otherwise the first problem, for people (the error list)
    wrong_args: tuple[str, ...] = ()  # names of arguments that were missing, wrong or unexpected
    problem: Problem = Problem.NONE  # the kind of the first problem, for counting


def check_call(gold: ExpectedCall, call: ToolCall) -> tuple[ArgCounts, list[ArgProblem]]:
    """Argument outcomes of one call against one gold call of the same name."""
    tp = fp = fn = 0
    wrong: list[ArgProblem] = []
    gold, args = _total_gold(gold), as_read(call.name, total_duration(dict(call.arguments)))
    for arg, value in args.items():
        if arg not in gold.args:
            if arg in gold.optional:  # optional, any value accepted
                continue
            fp += 1
            wrong.append(ArgProblem(arg, "unexpected", f"unexpected {arg}={value!r}"))
            continue
        if any(values_match(arg, value, want, call.name) for want in gold.args[arg]):
            tp += 1
        else:
            fp += 1
            fn += 1
            wrong.append(ArgProblem(arg, "wrong", f"{arg}={value!r} (want "
                                    f"{' | '.join(map(repr, gold.args[arg]))})"))
    for arg in gold.args:
        if arg not in args and arg not in gold.optional:
            fn += 1
            wrong.append(ArgProblem(arg, "missing", f"missing {arg}"))
    return ArgCounts(tp, fp, fn), wrong


def _total_gold(gold: ExpectedCall) -> ExpectedCall:
    """A gold duration said in parts ("an hour and a half": hours 1, minutes 30) as its total."""
    if not {"hours", "minutes"} & set(gold.args):
        return gold
    parts = {k: v[0] for k, v in gold.args.items() if k in DURATION_PARTS}
    rest = {k: v for k, v in gold.args.items() if k not in DURATION_PARTS}
    return replace(gold, args={**rest, "seconds": (total_duration(parts)["seconds"],)})


def check(expected: Sequence[ExpectedCall], calls: Sequence[ToolCall], *,
          malformed: bool = False) -> Verdict:
    """`calls`: the calls that parsed; `malformed`: a call attempt that did not parse was made
    (with no calls, the attempt is all there was)."""
    should_call, called = bool(expected), bool(calls) or malformed
    if not should_call:
        if not called:
            return Verdict(True, False, False, True, True, ArgCounts(), "")
        what = "called " + ", ".join(c.name for c in calls) if calls else "a malformed call"
        return Verdict(False, False, True, False, False, ArgCounts(), f"false alarm: {what}",
                       problem=Problem.FALSE_ALARM)
    if not calls and malformed:
        want = ", ".join(e.name for e in expected)
        fn = sum(len([a for a in e.args if a not in e.optional]) for e in expected)
        return Verdict(False, True, True, False, False, ArgCounts(0, 0, fn),
                       f"malformed call: wanted {want}", problem=Problem.MALFORMED)
    if not called:
        want = ", ".join(e.name for e in expected)
        fn = sum(len([a for a in e.args if a not in e.optional]) for e in expected)
        return Verdict(False, True, False, False, False, ArgCounts(0, 0, fn),
                       f"missed call: wanted {want}", problem=Problem.MISSED)
    name_ok = sorted(c.name for c in calls) == sorted(e.name for e in expected)
    # Pair each gold call with the best unused proposed call of the same name.
    unused = list(calls)
    total = ArgCounts()
    problems: list[str] = []
    wrong_args: list[str] = []
    arg_problem = False
    for gold in expected:
        candidates = [c for c in unused if c.name == gold.name]
        if not candidates:
            fn = len([a for a in gold.args if a not in gold.optional])
            total += ArgCounts(0, 0, fn)
            problems.append(f"no {gold.name} call")
            continue
        scored = [(check_call(gold, c), c) for c in candidates]
        (counts, wrong), best = max(scored, key=lambda s: (not s[0][1], s[0][0].tp))
        unused.remove(best)
        total += counts
        if wrong:
            arg_problem = True
            problems.append(f"{gold.name}: " + "; ".join(map(str, wrong)))
            wrong_args.extend(w.name for w in wrong)
    for extra in unused:
        total += ArgCounts(0, len(extra.arguments), 0)
        problems.append(f"extra call {extra.name}")
    if not name_ok and not problems:
        problems.append("wrong function")
    passed = name_ok and not problems
    got = ", ".join(c.name for c in calls)
    reason = "" if passed else (problems[0] if name_ok else f"wrong function: called {got}; "
                                + "; ".join(problems))
    problem = Problem.NONE if passed else (
        Problem.WRONG_ARGUMENTS if name_ok else Problem.WRONG_FUNCTION)
    return Verdict(passed, True, True, name_ok, name_ok and not arg_problem, total, reason,
                   tuple(wrong_args), problem)
