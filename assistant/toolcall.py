"""Tools and calls as values: what a model is told of a tool (`ToolSpec`), and calls parsed out
of model text and rendered back (`ToolCall`).

Two wire forms are accepted, because LFM2 models are asked for one and sometimes write the other:
- LFM2's Pythonic list between `<|tool_call_start|>` and `<|tool_call_end|>`:
  `[get_weather(city="Paris"), set_timer(seconds=60)]`
- JSON: `{"name": ..., "arguments": {...}}` or a list of those, bare or between the same markers.

Only literal values are accepted (strings, numbers, booleans, None, lists, dicts). Anything else,
a variable, an expression or a nested call, is a parse error with a stable code. Model text is
parsed with `ast` / `json` and never evaluated.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

CALL_START = "<|tool_call_start|>"
CALL_END = "<|tool_call_end|>"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MARKED = re.compile(re.escape(CALL_START) + r"(.*?)(?:" + re.escape(CALL_END) + r"|$)", re.S)

JSON = Any  # a JSON-compatible value


@dataclass(frozen=True)
class ToolSpec:
    """What a model needs to know of a tool: the same schema the registry validates against."""

    name: str
    description: str
    parameters: Mapping[str, Any]

    def to_lfm2(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "parameters": self.parameters}

    def to_openai(self) -> dict[str, Any]:
        return {"type": "function", "function": self.to_lfm2()}


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: Mapping[str, JSON] = field(default_factory=dict)

    def to_dict(self) -> dict[str, JSON]:
        return {"name": self.name, "arguments": dict(self.arguments)}


class ParseErrorCode(StrEnum):
    EMPTY = "empty-call"
    SYNTAX = "syntax-error"
    NOT_A_CALL = "not-a-call"
    NON_LITERAL = "non-literal-argument"
    POSITIONAL = "positional-argument"
    BAD_NAME = "bad-function-name"
    UNTERMINATED = "unterminated-call"


@dataclass(frozen=True)
class ParseError:
    code: ParseErrorCode
    detail: str
    raw: str


@dataclass(frozen=True)
class Parsed:
    """What a piece of model text holds: calls, errors, and the text outside any call."""

    calls: tuple[ToolCall, ...] = ()
    errors: tuple[ParseError, ...] = ()
    text: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


class _CallError(ValueError):
    def __init__(self, code: ParseErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def _literal(node: ast.AST) -> JSON:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        raise _CallError(ParseErrorCode.NON_LITERAL, f"argument is not a literal: {exc}") from None
    if isinstance(value, (set, frozenset, bytes, complex)):
        raise _CallError(ParseErrorCode.NON_LITERAL, f"{type(value).__name__} is not JSON")
    if isinstance(value, tuple):
        return list(value)
    return value


def _pythonic_call(node: ast.AST) -> ToolCall:
    if not isinstance(node, ast.Call):
        raise _CallError(ParseErrorCode.NOT_A_CALL, f"expected name(arg=...), got {type(node).__name__}")
    func = node.func
    # Dotted names (functions.get_weather) appear in some models' output: keep the last part.
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        raise _CallError(ParseErrorCode.BAD_NAME, "function name must be an identifier")
    name = parts[0] if parts else func.id
    if node.args:
        raise _CallError(ParseErrorCode.POSITIONAL, f"{name}: arguments must be given by name")
    arguments: dict[str, JSON] = {}
    for kw in node.keywords:
        if kw.arg is None:
            raise _CallError(ParseErrorCode.NON_LITERAL, f"{name}: **kwargs are not allowed")
        arguments[kw.arg] = _literal(kw.value)
    return ToolCall(name, arguments)


def _parse_pythonic(src: str) -> list[ToolCall]:
    try:
        tree = ast.parse(src.strip(), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        raise _CallError(ParseErrorCode.SYNTAX, f"not a Python call list: {exc}") from None
    body = tree.body
    nodes = body.elts if isinstance(body, (ast.List, ast.Tuple)) else [body]
    return [_pythonic_call(n) for n in nodes]


def _json_call(obj: JSON) -> ToolCall:
    if not isinstance(obj, dict):
        raise _CallError(ParseErrorCode.NOT_A_CALL, "a JSON call must be an object")
    if "function" in obj and isinstance(obj["function"], dict):  # OpenAI style wrapper
        obj = obj["function"]
    name = obj.get("name")
    if not isinstance(name, str) or not _IDENT.match(name):
        raise _CallError(ParseErrorCode.BAD_NAME, f"bad or missing function name: {name!r}")
    args = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(args, str):  # OpenAI encodes arguments as a JSON string
        try:
            args = json.loads(args)
        except json.JSONDecodeError as exc:
            raise _CallError(ParseErrorCode.SYNTAX, f"{name}: arguments are not JSON: {exc}") from None
    if not isinstance(args, dict):
        raise _CallError(ParseErrorCode.NOT_A_CALL, f"{name}: arguments must be an object")
    return ToolCall(name, args)


def _parse_json(src: str) -> list[ToolCall]:
    try:
        obj = json.loads(src)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise _CallError(ParseErrorCode.SYNTAX, f"not JSON: {exc}") from None
    items = obj if isinstance(obj, list) else [obj]
    return [_json_call(o) for o in items]


def parse_call_block(src: str) -> list[ToolCall]:
    """Parse the body of one call block (JSON or Pythonic). Raises `_CallError`."""
    body = src.strip()
    if not body or body in ("[]", "()"):
        raise _CallError(ParseErrorCode.EMPTY, "empty tool call")
    if body[0] == "{":
        return _parse_json(body)
    if body[0] == "[" and body[1:].lstrip()[:1] == "{":
        # `[{"name": ...}]` is also a valid Python list of dicts: read it as JSON first.
        try:
            return _parse_json(body)
        except _CallError:
            pass
    calls = _parse_pythonic(body)
    if not calls:  # `[ ]`, `(\n)`: a block is a call attempt, so holding nothing is an error
        raise _CallError(ParseErrorCode.EMPTY, "empty tool call")
    return calls


def _looks_like_bare_json_call(text: str) -> bool:
    t = text.strip()
    return t[:1] in "{[" and '"name"' in t


def parse_tool_calls(text: str) -> Parsed:
    """Find every tool call in `text`. Never raises on any input string."""
    calls: list[ToolCall] = []
    errors: list[ParseError] = []
    outside: list[str] = []
    pos = 0
    for m in _MARKED.finditer(text):
        outside.append(text[pos : m.start()])
        pos = m.end()
        body = m.group(1)
        if not m.group(0).endswith(CALL_END):
            errors.append(ParseError(ParseErrorCode.UNTERMINATED, "no <|tool_call_end|>", body))
            continue
        try:
            calls.extend(parse_call_block(body))
        except _CallError as exc:
            errors.append(ParseError(exc.code, str(exc), body))
    outside.append(text[pos:])
    if any(CALL_END in piece for piece in outside):
        # An end marker with no block open is a broken attempt, not text to show or speak.
        errors.append(ParseError(ParseErrorCode.SYNTAX, f"{CALL_END} without {CALL_START}",
                                 text))
    rest = "".join(outside).strip()
    if not calls and not errors and _looks_like_bare_json_call(rest):
        try:
            found = tuple(_parse_json(rest))
        except _CallError as exc:
            return Parsed((), (ParseError(exc.code, str(exc), rest),), "")
        if not found:
            return Parsed((), (ParseError(ParseErrorCode.EMPTY, "empty tool call", rest),), "")
        return Parsed(found, (), "")
    return Parsed(tuple(calls), tuple(errors), rest)


def _py_literal(value: JSON) -> str:
    # JSON literals written as Python literals (True/None, not true/null).
    return repr(value)


def render_pythonic(calls: Sequence[ToolCall]) -> str:
    """`[name(a=1, b="x"), ...]`: LFM2's call syntax, without the markers."""
    inner = ", ".join(
        f"{c.name}(" + ", ".join(f"{k}={_py_literal(v)}" for k, v in c.arguments.items()) + ")"
        for c in calls
    )
    return f"[{inner}]"


def render_lfm2(calls: Sequence[ToolCall]) -> str:
    """The full assistant text for a call turn, markers included."""
    return f"{CALL_START}{render_pythonic(calls)}{CALL_END}"
