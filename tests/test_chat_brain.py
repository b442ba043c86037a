"""The chat brain: its prompt (the model's own template with tools), the decision, constrained
calls and the prefix cache, on a tiny random Qwen2 GGUF with the real tokenizer (no download),
run by llama.cpp and by transformers; one slow test on the real Qwen2.5-Coder-0.5B weights."""

from __future__ import annotations

import functools
import json
import math
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from assistant.engine import Message, Request, ToolSpec
from assistant.engines.chat.engine import (
    ChatEngine,
    ChatSettings,
    alike,
    call_schema,
    clauses,
    name_confidence,
)
from assistant.engines.chat.template import ChatTemplate, chat_messages
from assistant.events import (
    CallDecision,
    CallMalformed,
    CallsProposed,
    ClauseCalls,
    NameDecision,
    Reply,
    TextDelta,
)
from assistant.toolcall import ToolCall
from evalkit.values import total_duration

TOOLS = (
    ToolSpec("set_timer", "Start a countdown timer.", {
        "type": "object", "properties": {
            "seconds": {"type": "integer", "minimum": 1},
            "label": {"type": "string"}},
        "required": ["seconds"], "additionalProperties": False}),
    ToolSpec("log_dose", "Log a dose of a medication.", {
        "type": "object", "properties": {
            "drug": {"type": "string"},
            "amount": {"type": "number"},
            "unit": {"type": "string", "enum": ["mg", "g", "ml", "tablet"]}},
        "required": ["drug", "amount", "unit"], "additionalProperties": False}),
    ToolSpec("get_weather", "Current weather and forecast for a place.", {
        "type": "object", "properties": {"location": {"type": "string"}},
        "required": ["location"], "additionalProperties": False}),
)


@pytest.fixture(scope="module")
def llama_rt(tiny_gguf: Path) -> Any:
    from assistant.engines.chat.llama import LlamaRuntime

    return LlamaRuntime(tiny_gguf, threads=1, n_ctx=4096)


def ask(text: str, history: tuple[Message, ...] = ()) -> Request:
    return Request(history=(*history, Message("user", text=text)), tools=TOOLS)


def ask_all(text: str) -> Request:
    """A request with the real catalogue, as the loop sends it (the tuned brain's adapter was
    trained behind exactly this tool list)."""
    from assistant.tools import catalogue

    return Request(history=(Message("user", text=text),), tools=catalogue())


def run(engine: ChatEngine, request: Request) -> list[Any]:
    return list(engine.respond(request, threading.Event()))


# --- the prompt ---------------------------------------------------------------------------------


def test_template_renders_like_transformers(llama_rt: Any) -> None:
    from transformers.utils.chat_template_utils import render_jinja_template

    history = (Message("user", text="set a timer for 5 minutes"),
               Message("assistant", text="<tool_call>...</tool_call>",
                       calls=(ToolCall("set_timer", {"seconds": 300}),)),
               Message("tool", text='[{"name": "set_timer", "ok": true}]'),
               Message("assistant", text="Done."),
               Message("user", text="and log 200 mg of ibuprofen"))
    messages = chat_messages(history, system="Be brief.")
    ours = ChatTemplate(llama_rt.chat_template).render(messages, TOOLS)
    theirs, _ = render_jinja_template(conversations=[messages],
                                      tools=[t.to_openai() for t in TOOLS],
                                      chat_template=llama_rt.chat_template,
                                      add_generation_prompt=True)
    assert ours == theirs[0]
    assert ours.startswith("<|im_start|>system\nBe brief.\n\n# Tools")
    assert '<tool_call>\n{"name": "set_timer", "arguments": {"seconds": 300}}\n</tool_call>' in ours
    assert "<tool_response>\n[{\"name\": \"set_timer\", \"ok\": true}]\n</tool_response>" in ours
    assert ours.endswith("<|im_start|>assistant\n")


def test_chat_messages_keep_the_conversation_system_text() -> None:
    history = (Message("system", text="Custom."), Message("user", text="hi"))
    assert chat_messages(history, system="Default.")[0] == {"role": "system", "content": "Custom."}
    assert [m["role"] for m in chat_messages(history)] == ["system", "user"]


def test_the_template_tells_the_native_call_markers(llama_rt: Any) -> None:
    template = ChatTemplate(llama_rt.chat_template)
    assert template.supports_tools
    assert template.call_markers == ("<tool_call>", "</tool_call>")


# --- the decision and the two ways out ----------------------------------------------------------


def test_above_threshold_every_call_is_valid_by_construction(llama_rt: Any) -> None:
    """Random weights, grammar on: whatever the model writes is a call to one of the tools with
    arguments that pass the tool's own schema."""
    engine = ChatEngine(llama_rt, ChatSettings(call_threshold=0.0, name_threshold=0.0))
    specs = {t.name: t for t in TOOLS}
    for text in ("set a timer", "log my dose", "weather?", "hello", "x" * 50):
        events = run(engine, ask(text))
        decision = next(e for e in events if isinstance(e, CallDecision))
        assert 0.0 <= decision.p_call <= 1.0
        last = events[-1]
        assert isinstance(last, CallsProposed), last
        for call in last.calls:
            jsonschema.validate(dict(call.arguments), specs[call.name].parameters)
        assert last.raw.startswith("<|tool_call_start|>")


def test_prompt_lookup_drafts_what_followed_the_latest_occurrence() -> None:
    import numpy as np

    from assistant.engines.chat.llama import lookup_draft

    ctx = np.array([5, 6, 7, 8, 9, 1, 5, 6, 7, 2, 3, 4, 5, 6, 7], dtype=np.int32)
    assert lookup_draft(ctx, 4) == [2, 3, 4, 5]  # the latest earlier [5, 6, 7]
    assert lookup_draft(ctx, 2) == [2, 3]
    assert lookup_draft(ctx, 0) == []
    assert lookup_draft(np.array([1, 2, 3, 4], dtype=np.int32), 4) == []  # nothing repeats
    # Two tokens match when three do not; one alone only when allowed.
    assert lookup_draft(np.array([9, 2, 3, 8, 1, 2, 3], dtype=np.int32), 3) == [8, 1, 2]
    assert lookup_draft(np.array([3, 8, 1, 3], dtype=np.int32), 3) == [8, 1, 3]
    assert lookup_draft(np.array([3, 8, 1, 3], dtype=np.int32), 3, shortest=2) == []


def test_lookup_drafts_are_taken_only_where_this_machines_batches_make_them_pay(
        tiny_gguf: Path) -> None:
    """A lookup draft is checked only while a batch that wide costs less than the tokens it
    is expected to save, by the costs and acceptance this runtime has seen; unknown costs are
    learned first, and every 32nd batch drafts anyway."""
    from assistant.engines.chat.llama import LlamaRuntime
    from assistant.engines.chat.runtime import Decoding

    rt = LlamaRuntime(tiny_gguf, threads=1, n_ctx=512, draft_tokens=1)
    assert rt._lookup_budget(10) == 0  # the single-token cost first
    rt._batch_s[1], rt._batches = 0.026, 1
    assert rt._lookup_budget(10) == 1  # then the two-token cost
    rt._batch_s[2], rt._batches, rt._lookup_rate = 0.049, 2, 0.5
    assert rt._lookup_budget(10) == 0  # 1.9x for an expected 1.5 tokens (seen on an EPYC)
    rt._batch_s[2] = 0.0325
    assert rt._lookup_budget(10) == 1  # 1.25x for 1.5 (seen on a Xeon)
    rt._lookup_rate = 0.2
    assert rt._lookup_budget(10) == 0  # drafts seldom agree: 1.25x buys 1.2 tokens
    rt._batches = 32
    assert rt._lookup_budget(10) == 1  # a look again
    assert rt._lookup_budget(0) == 0
    rt.learn_drafts, rt._batches = False, 33
    assert rt._lookup_budget(10) == 1

    # Decoding learns the costs from its own batches.
    fresh = LlamaRuntime(tiny_gguf, threads=1, n_ctx=512, draft_tokens=1)
    ids = fresh.tokenize("one two three one two three one two")
    assert len(list(fresh.generate(ids, Decoding(12, frozenset())))) == 12
    assert 1 in fresh._batch_s and fresh._batches >= 6


def _oracle(context: Any, limit: int, *, start: int, want: list[int]) -> list[int]:
    at = len(context) - start
    wrong = [want[at + 2] + 1] if at + 2 < len(want) else []
    return [*want[at:at + 2], *wrong, *want[at + 3:]][:limit]


def _spy(original: Any, sizes: list[int], tokens: list[int]) -> Any:
    sizes.append(len(tokens))
    return original(tokens)


@pytest.mark.parametrize("constrained", [False, True])
def test_drafted_decoding_writes_exactly_the_greedy_tokens(tiny_gguf: Path,
                                                           constrained: bool) -> None:
    """The same tokens with and without drafts (free text and grammar-constrained calls), some
    drafts taken, and the cache left holding exactly what was written: the next logits agree
    with a runtime that never drafted."""
    import numpy as np

    from assistant.engines.chat.llama import LlamaRuntime
    from assistant.engines.chat.runtime import Decoding

    plain = LlamaRuntime(tiny_gguf, threads=1, n_ctx=4096, draft_tokens=0)
    drafting = LlamaRuntime(tiny_gguf, threads=1, n_ctx=4096, draft_tokens=4, learn_drafts=False)
    engine = ChatEngine(plain, ChatSettings())
    schema = json.dumps(call_schema(TOOLS)) if constrained else None
    decoding = Decoding(40, frozenset(), schema=schema, logprobs=True)
    original, original_forced = drafting._eval_rows, drafting._forced
    forced: list[int] = []

    def spy_forced(grammar: Any, left: int) -> list[int]:
        forced.append(len(draft := original_forced(grammar, left)))
        return draft

    drafting._forced = spy_forced  # type: ignore[method-assign]
    for text in ("log 500 mg of metformin", "set a timer", "hello"):
        ids = plain.tokenize(engine.prompt(ask(text)))
        want = list(plain.generate(ids, decoding))
        assert len(want) > 8
        # Random weights repeat nothing, so the drafts here come from an oracle that knows the
        # greedy text: right for two tokens, then wrong (a token that differs), then right.
        drafting.drafter = functools.partial(_oracle, start=len(ids), want=want)
        batches: list[int] = []
        drafting._eval_rows = functools.partial(_spy, original, batches)  # type: ignore[method-assign]
        got = list(drafting.generate(ids, decoding))
        assert got == want
        np.testing.assert_allclose(drafting.token_logprobs, plain.token_logprobs, atol=1e-3)
        assert max(batches) > 1 and len(batches) < len(want)  # drafts were taken
        after = [*ids, *got]
        np.testing.assert_allclose(drafting.logits(after), plain.logits(after), atol=1e-3)
    assert drafting.llm.n_tokens == plain.llm.n_tokens
    # Under the grammar, its forced text was drafted too (the random model may refuse it).
    assert (max(forced, default=0) > 1) == constrained


def test_the_call_grammar_keeps_json_dumps_spacing_and_forces_the_frame(llama_rt: Any) -> None:
    """Calls are written as json.dumps writes them (how the template renders calls in history
    and the adapter was trained), so a call's frame is forced and can be drafted."""
    import numpy as np

    from assistant.engines.chat.llama import _Grammar, gbnf

    reminder = ToolSpec("set_reminder", "Remind me.", {
        "type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]})
    schema = json.dumps(call_schema((*TOOLS, reminder)))
    grammar = _Grammar(llama_rt.llm._model.vocab, gbnf(schema))

    def allows(text: str) -> bool:
        ids = np.array(llama_rt.tokenize(text)[:1], dtype=np.int32)
        return bool(np.isfinite(grammar._apply(ids, np.zeros(1, dtype=np.float32)))[0])

    def accept(text: str) -> None:
        for token in llama_rt.tokenize(text):
            grammar._lib.llama_sampler_accept(grammar._sampler, token)

    try:
        assert grammar.forced(llama_rt._chars, 96) == b'{"name": "'
        assert allows("{") and not allows(" ")
        accept('{"name": "set')
        assert grammar.forced(llama_rt._chars, 96) == b"_"
        assert llama_rt._forced(grammar, 40) == []  # inside a word: the model's own tokens
        accept("_timer")
        assert grammar.forced(llama_rt._chars, 96) == b'", "arguments": {"seconds": '
        draft = llama_rt._forced(grammar, 40)
        assert llama_rt.detokenize(draft) == '", "arguments": {"seconds": '
        assert llama_rt._forced(grammar, 3) == draft[:3]
        assert grammar.forced(llama_rt._chars, 5) == b'", "a'
        accept('", "arguments": {"seconds":')
        assert allows(" ") and not allows("6")  # ": " as json.dumps writes it
        accept(" 6")
        assert grammar.forced(llama_rt._chars, 96) == b""  # more digits, "," or "}"
        accept('00, "')
        assert grammar.forced(llama_rt._chars, 96) == b'label": "'
        assert allows("l")  # forcing looked ahead on a copy: the grammar itself is where it was
    finally:
        grammar.close()


def test_call_schema_is_one_of_the_tools() -> None:
    schema = call_schema(TOOLS)
    jsonschema.validate({"name": "set_timer", "arguments": {"seconds": 60}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "set_timer", "arguments": {"drug": "x"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "launch_rocket", "arguments": {}}, schema)


def test_the_call_grammar_takes_qwens_closing_token(llama_rt: Any) -> None:
    """Qwen ends a call with the single token `}}\n`. A grammar that refused it made the model
    take its next choice, `,`, and add an argument nobody asked for (seen: "set a timer for
    ten minutes" -> seconds=600 plus label="ten minutes")."""
    import json

    import numpy as np

    from assistant.engines.chat.llama import _Grammar, gbnf

    closing = llama_rt.tokenize("}}\n")
    assert len(closing) == 1  # one token in Qwen's vocabulary
    grammar = _Grammar(llama_rt.llm._model.vocab, gbnf(json.dumps(call_schema(TOOLS))))
    try:
        for token in llama_rt.tokenize('{"name": "set_timer", "arguments": {"seconds": 600'):
            grammar._lib.llama_sampler_accept(grammar._sampler, token)
        ids = np.array([closing[0], llama_rt.tokenize("}}")[0]], dtype=np.int32)
        assert np.isfinite(grammar._apply(ids, np.zeros(2, dtype=np.float32))).all()
    finally:
        grammar.close()


def test_below_threshold_it_answers_and_never_opens_a_call(llama_rt: Any) -> None:
    engine = ChatEngine(llama_rt, ChatSettings(call_threshold=1.01, max_reply_tokens=24))
    events = run(engine, ask("tell me a joke"))
    last = events[-1]
    assert isinstance(last, Reply), last
    assert "<tool_call>" not in last.text
    assert "".join(e.text for e in events if isinstance(e, TextDelta)).strip() == last.text


def test_a_brain_without_words_answers_nothing_at_once(llama_rt: Any) -> None:
    """A tuned brain writes no words: below its threshold its reply is empty, nothing is
    generated (the loop answers)."""
    generated = []
    engine = ChatEngine(llama_rt, ChatSettings(call_threshold=1.01, words=False))
    original = llama_rt.generate
    llama_rt.generate = lambda *a, **kw: generated.append(a) or original(*a, **kw)
    try:
        events = run(engine, ask("hello"))
    finally:
        del llama_rt.generate
    assert isinstance(events[-1], Reply) and events[-1].text == "" and generated == []


def test_only_a_brain_with_our_adapter_is_tuned() -> None:
    from assistant.engines.chat.brains import tuned

    assert tuned("qwen-0.5b-tools-merged") and tuned("qwen-0.5b-tools")
    assert tuned("qwen-0.5b-tools-iq4") and tuned("qwen-0.5b", Path("my-adapter"))
    assert not tuned("qwen-0.5b") and not tuned("qwen-1.5b") and not tuned("org/model")


class _Pieces:
    """A tokenizer whose token i is `pieces[i]`: offsets are plain to read."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces

    def detokenize(self, ids: Any) -> str:
        return "".join(self.pieces[i] for i in ids)


def test_the_name_confidence_is_the_product_over_the_tokens_that_wrote_the_name() -> None:
    body = '{"name": "set_timer", "arguments": {"seconds": 5}}'
    chars, ids = _Pieces(list(body)), list(range(len(body)))  # one token per character
    start, quote = body.index("set_timer"), body.index('", "arguments')
    logprobs = [-1.0 if start <= i <= quote else -100.0 for i in ids]
    name, p = name_confidence(chars, ids, logprobs)  # type: ignore[arg-type,misc]
    assert name == "set_timer"
    assert p == pytest.approx(math.exp(-(quote - start + 1)))  # 9 letters and the closing quote
    # A token that straddles the name's edge counts: the model wrote part of the name with it.
    pieces = _Pieces(['{"name": "se', 't_tim', 'er",', ' "arguments": {}}'])
    name, p = name_confidence(pieces, list(range(4)), [-100.0, -0.5, -0.25, -100.0])  # type: ignore[arg-type,misc]
    assert p == pytest.approx(math.exp(-100.75))
    assert name_confidence(_Pieces(list("[f()]")), list(range(5)), [0.0] * 5) is None  # type: ignore[arg-type]
    assert name_confidence(chars, ids, logprobs[:-1]) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("runtime", ["llama", "torch"])
def test_each_generated_tokens_log_probability_is_the_models(llama_rt: Any, tiny_hf: Path,
                                                              runtime: str) -> None:
    """`token_logprobs` holds, for each token `generate` yielded, its log-softmax under the model
    before bans and grammar, as `logits` gives it one step at a time (llama.cpp: through drafts
    and the grammar's forced frame)."""
    import numpy as np

    from assistant.engines.chat.hf import TorchRuntime
    from assistant.engines.chat.runtime import Decoding, log_softmax

    rt = llama_rt if runtime == "llama" else TorchRuntime(tiny_hf, threads=1)
    engine = ChatEngine(rt, ChatSettings())
    prompt = rt.tokenize(engine.prompt(ask("set a timer for five minutes"))) + \
        rt.tokenize(engine.call_start) + rt.tokenize("\n")
    schema = json.dumps(call_schema(TOOLS)) if runtime == "llama" else None
    body = list(rt.generate(prompt, Decoding(24, frozenset(), schema=schema, logprobs=True)))
    recorded = list(rt.token_logprobs)
    assert len(recorded) == len(body) == 24
    want = [float(log_softmax(rt.logits(prompt + body[:i]))[t]) for i, t in enumerate(body)]
    np.testing.assert_allclose(recorded, want, atol=2e-3)
    assert list(rt.generate(prompt, Decoding(24, frozenset(), schema=schema))) == body
    assert rt.token_logprobs == []  # not asked for (answers): no per-token normalising


def test_the_name_decision_reports_the_name_the_call_was_written_with(llama_rt: Any) -> None:
    from assistant.engines.chat.runtime import Decoding

    engine = ChatEngine(llama_rt, ChatSettings(call_threshold=0.0, name_threshold=0.0))
    request = ask("log 500 mg of metformin")
    decision = next(e for e in run(engine, request) if isinstance(e, NameDecision))
    prompt = llama_rt.tokenize(engine.prompt(request)) + llama_rt.tokenize(engine.call_start) + \
        llama_rt.tokenize("\n")
    body = list(llama_rt.generate(prompt, Decoding(24, frozenset(), logprobs=True,
                                                   schema=json.dumps(call_schema(TOOLS)))))
    name, p = name_confidence(llama_rt, body, llama_rt.token_logprobs) or ("", -1.0)
    assert decision.name == name and name in {t.name for t in TOOLS}
    assert decision.p_name == pytest.approx(p, rel=1e-3) and 0.0 < p < 1.0
    assert f'"name": "{name}"' in decision.raw


def test_a_call_whose_name_the_brain_doubts_is_not_run(llama_rt: Any) -> None:
    """At or above the name threshold the call goes out; below it the user is asked to say it
    another way, and the event keeps the call that was not run."""
    sure = run(ChatEngine(llama_rt, ChatSettings(call_threshold=0.0, name_threshold=0.0)),
               ask("set a timer"))
    assert isinstance(sure[-1], CallsProposed)
    settings = ChatSettings(call_threshold=0.0, name_threshold=1.01)
    doubted = run(ChatEngine(llama_rt, settings), ask("set a timer"))
    decision = next(e for e in doubted if isinstance(e, NameDecision))
    assert decision.p_name < 1.01 and decision.raw == sure[-1].raw.replace(
        "<|tool_call_start|>", "<tool_call>").replace("<|tool_call_end|>", "</tool_call>")
    assert isinstance(doubted[-1], Reply) and doubted[-1].text == settings.unsure_reply
    assert not any(isinstance(e, CallsProposed) for e in doubted)
    # The call held back, parsed: the loop may run the one a plain question asks instead.
    assert decision.calls == sure[-1].calls



@pytest.mark.parametrize(("parts", "names", "used"), [
    # A pair of one shape may call one tool twice (asks-same-2: asks-same's calls were dropped).
    (["how many cm is 5 ft", "how many cm is 6 ft"], ["convert_units"] * 2, True),
    (["whats 15% of 80", "whats 20% of 45"], ["calculate"] * 2, True),
    (["convert 5 feet to cm", "convert 10 pounds to kg"], ["convert_units"] * 2, True),
    (["list my timers", "search notes for bread"], ["list_timers", "search_notes"], True),
    # Two clauses of one tool otherwise: the brain's call of the whole stands.
    (["set a timer for 5 min", "set one for 10 min"], ["set_timer"] * 2, False),
    (["whats 15% of 80", "how many cm is 6 ft"], ["calculate"] * 2, False),
    # asks-same-3's pairs: no verb, an "of"/"on" said again, "by", "squared".
    (["100 km to miles", "42 km to miles"], ["convert_units"] * 2, True),
    (["an 18% tip on $64", "an 18% tip on $92"], ["calculate"] * 2, True),
    (["divide 250 by 4", "divide 360 by 6"], ["calculate"] * 2, True),
    (["what's 12 squared", "what's 15 squared"], ["calculate"] * 2, True),
    (["sqrt of 144", "sqrt of 225"], ["calculate"] * 2, True),  # asks-same-4
    (["5 pm to call mom", "6 pm to eat"], ["set_reminder"] * 2, False),
    (["100 km to miles", "divide 360 by 6"], ["calculate"] * 2, False),
])
def test_only_a_pair_of_one_shape_calls_one_tool_twice(parts: list[str], names: list[str],
                                                        used: bool) -> None:
    assert alike(parts, names) is used


def test_the_two_timers_a_request_asks_for_call_the_timer_twice() -> None:
    text = "timer 8 minutes for eggs and another for 12 for the toast"
    parts = clauses(text)
    assert alike(parts, ["set_timer"] * 2, text)
    assert not alike(parts, ["set_timer"] * 2)  # the request's own split only
    assert not alike(["set a timer for 5 min", "set a timer for 8 min"], ["set_timer"] * 2,
                     "set a timer for 5 min. actually set a timer for 8 min")
    # After a greeting, as `clauses` reads it (the greeting left out of the first ask).
    greeted = "hey, set a timer for 10 min for the rice and another one for 25 for the chicken"
    assert alike(clauses(greeted), ["set_timer"] * 2, greeted)


@pytest.mark.parametrize(("text", "parts"), [
    ("cancel the egg timer and start a new one for 7 minutes",
     ["cancel the egg timer", "start a new one for 7 minutes"]),
    ("convert 10 miles to km, oh and what's 15% of 240", ["convert 10 miles to km", "what's 15% of 240"]),
    ("Could you set a timer for 5 minutes. Then log 2 ibuprofen",
     ["Could you set a timer for 5 minutes", "log 2 ibuprofen"]),
    ("what's 12 times 9? oh and make a note to buy stamps",
     ["what's 12 times 9", "make a note to buy stamps"]),
    ("search my notes for the alarm code and then tell me the time in Perth",
     ["search my notes for the alarm code", "tell me the time in Perth"]),
    # past "while you're at it", "by the way", a dash, "Also,"; opening with "find"
    ("how hot is it in Phoenix tomorrow? and while ur at it whats 40C in fahrenheit",
     ["how hot is it in Phoenix tomorrow", "whats 40C in fahrenheit"]),
    ("delete note 9 - oh and find whatever I saved about the landlord",
     ["delete note 9", "find whatever I saved about the landlord"]),
    ("What's the weather in Leeds. Also, is it going to rain in York",
     ["What's the weather in Leeds", "is it going to rain in York"]),
    ("log 2 ibuprofen, and by the way, what time is it in Tokyo",
     ["log 2 ibuprofen", "what time is it in Tokyo"]),
    # one ask: the joined words are a reminder's text, a duration, or not an ask
    ("remind me to buy bread and find the receipt", None),
    ("remind me to buy bread and milk", None),
    ("remind me at 5 to call mum and tell her", None),
    ("set a timer for an hour and a half", None),
    ("had my metformin, 500 milligrams", None),
    ("Leave the other timers alone and set a new one for 45 minutes", None),
    ("Pause the pasta timer, and how many timers have I got?", None),
    # asks-sentences-2: a sentence's end; a greeting before the first ask is no part of it.
    ("Took 2 puffs of salbutamol at 6am. Remind me to book the asthma review tomorrow at 11 am.",
     ["Took 2 puffs of salbutamol at 6am", "Remind me to book the asthma review tomorrow at 11 am."]),
    ("Cancel the laundry timer. What reminders do I have left?",
     ["Cancel the laundry timer", "What reminders do I have left?"]),
    ("hey! log 2 paracetamol tablets for me. What's the weather in Leeds today?",
     ["log 2 paracetamol tablets for me", "What's the weather in Leeds today?"]),
    ("Namaste. Please delete note number 7 and tell me the current time in Mumbai.",
     ["Please delete note number 7", "tell me the current time in Mumbai."]),
    ("what's the time in Oslo? set a timer for 5 minutes",
     ["what's the time in Oslo", "set a timer for 5 minutes"]),
    # After a question, a question is a follow-up; an exclamation, "Dr." and a greeting alone
    # open no ask.
    ("When did I last take melatonin? Would it be alright to take another one tonight?", None),
    ("is the timer for the rice still going? how long has it got", None),
    ("Took 600 mg of ibuprofen at 2 pm. What a day it's been.", None),
    ("remind me to call Dr. Patel at 5. Log 2 ibuprofen", ["remind me to call Dr. Patel at 5",
                                                          "Log 2 ibuprofen"]),
    ("hey! log 2 paracetamol tablets for me", None),
    # asks-sentences-3: a sentence that refers back to the one before is no ask of its own.
    ("What time is it in New York or LA right now? Give me both.", None),
    ("had a look through my notes, the old wifi one is number 7. delete it", None),
    ("Add 5ml of amoxicillin suspension to my dose log. Is 5 ml even the right amount for a 4 "
     "year old tho?", None),
    ("set a timer for 15 min. make it 20 instead", None),
    ("cancel the pasta timer. set one for 12 min instead",
     ["cancel the pasta timer", "set one for 12 min instead"]),
    # asks-shared: two things of different tools asked with one verb, each an ask with the
    # verb and what follows; a search after "and" where no reminder's or note's text is said.
    ("what timers and reminders have I got on",
     ["what timers have I got on", "what reminders have I got on"]),
    ("what's the time and weather in paris", ["what's the time in paris",
                                              "what's the weather in paris"]),
    ("show me my timers and my reminders", ["show me my timers", "show me my reminders"]),
    ("hey, can you tell me the weather & the time in Rome?",
     ["can you tell me the weather in Rome?", "can you tell me the time in Rome?"]),
    ("set a timer for 5 min and check the weather n time in rome",
     ["set a timer for 5 min", "check the weather in rome", "check the time in rome"]),
    ("cancel the egg timer and search my notes for banana bread",
     ["cancel the egg timer", "search my notes for banana bread"]),
    ("remind me to check the weather and time the roast", None),
    ("what's the weather and the forecast for tomorrow", None),
    ("whats the best time and weather to visit paris", None),
    ("note the weather and time of the match", None),
    ("set a reminder to buy milk and find my keys", None),
    # asks-shared-2: "or" as "and"; each thing with its own words; a day's possessive first.
    ("any timers or reminders going atm?", ["any timers going atm?", "any reminders going atm?"]),
    ("give me the weather in paris and the time in new york",
     ["give me the weather in paris", "give me the time in new york"]),
    ("whats the weather tmrw in manchester and the time?",
     ["whats the weather tmrw in manchester", "whats the time tmrw in manchester?"]),
    ("show me yesterday's doses and my reminders", ["show me yesterday's doses",
                                                    "show me my reminders"]),
    ("list my timers and search notes for bread", ["list my timers", "search notes for bread"]),
    ("what's the weather in leeds or york", None),  # one tool: the list's to read
    ("is it better to use notes or reminders for this", None),
    # asks-same: two conversions or two sums of one shape, one verb (each one call at f532726).
    ("convert 180C to F, and 250g to ounces", ["convert 180C to F", "convert 250g to ounces"]),
    ("convert 5 feet to cm and 10 pounds to kg", ["convert 5 feet to cm", "convert 10 pounds to kg"]),
    ("how many km is 10 miles and 26.2 miles", ["how many km is 10 miles",
                                                "how many km is 26.2 miles"]),
    ("whats 15% of 80 and 20% of 45", ["whats 15% of 80", "whats 20% of 45"]),
    ("what's 12 times 7 and 9 times 8", ["what's 12 times 7", "what's 9 times 8"]),
    ("whats 20% of 50 & 10% of 30?", ["whats 20% of 50?", "whats 10% of 30?"]),
    ("what is 7x8 and 6x9", ["what is 7x8", "what is 6x9"]),
    ("what is 5 plus 3", None),  # one sum
    ("what's 45 and 38 added together", None),
    ("convert 2 feet and 3 inches to cm", None),
    ("1 and a half cups to ml", None),
    ("log 2 advil and 1 tylenol", None),  # a list: the listing's
    ("set timers for 5 and 10 minutes",  # two timers (timers-two-2; one at b58a3f5)
     ["set a timer for 5 minutes", "set a timer for 10 minutes"]),
    # asks-same-3: pairs said in other ways (each one call, or two added, at 3fc1ac8).
    ("convert 60 kg and 75 kg to stone", ["convert 60 kg to stone", "convert 75 kg to stone"]),
    ("15 C and 30 C in F", ["15 C in F", "30 C in F"]),
    ("convert 5 and 10 kg to lbs", ["convert 5 kg to lbs", "convert 10 kg to lbs"]),
    ("oven recipe says 350F and 425F what are those in celcius",
     ["convert 350F in celcius", "convert 425F in celcius"]),
    ("100 km to miles, 42 km to miles", ["100 km to miles", "42 km to miles"]),
    ("quick: 9 × 12 and 11 × 13", ["quick: 9 × 12", "quick: 11 × 13"]),
    ("whats 72F in celsius, also 85F", ["whats 72F in celsius", "whats 85F in celsius"]),
    ("convert 3 miles to km and what about 10", ["convert 3 miles to km", "convert 10 miles to km"]),
    ("an 18% tip on $64 and on $92", ["an 18% tip on $64", "an 18% tip on $92"]),
    ("square root of 169 and of 225?", ["square root of 169?", "square root of 225?"]),
    ("divide 250 by 4 and 360 by 6", ["divide 250 by 4", "divide 360 by 6"]),
    ("what's 12 squared and 15 squared", ["what's 12 squared", "what's 15 squared"]),
    # ... and not where the words say one thing, or the target is no unit.
    ("remind me at 5 pm and 6 pm to take meds", None),
    ("5 pm to call mom, 6 pm to eat", None),
    ("convert 2 feet and 3 inches to cm", None),
    ("what's 5 feet in cm and 3 inches", None),
    ("what's 15% of 80 and 120", None),
    ("multiply 3 by 4 and add 5", None),
    ("convert 3,000 yen to pounds", None),  # a thousands comma
    # A number before: "150" takes no "km"; two asks of two shapes (asks-bare; one at 86b05aa).
    ("work out 20% of 150 and 5 km in miles", ["work out 20% of 150", "5 km in miles"]),
    # asks-bare: a second ask said bare, a conversion or a sum (one call at 86b05aa).
    ("whats 15% of 86, and 72F in celsius?", ["whats 15% of 86", "72F in celsius?"]),
    ("whats the weather in leeds, and 10 km in miles?",
     ["whats the weather in leeds", "10 km in miles?"]),
    ("weather in leeds and 10 km in miles", ["weather in leeds", "10 km in miles"]),
    ("set a timer for 10 minutes, 350F to C?", ["set a timer for 10 minutes", "350F to C?"]),
    ("what time is it in tokyo and 5 km in miles", ["what time is it in tokyo", "5 km in miles"]),
    # ... not a measure in two parts, a reminder's or a note's amounts, the user's news.
    ("remind me to buy 2 kg of flour and 5 kg in pounds", None),
    ("add a note: 5 kg in pounds and 2 l in pints", None),
    ("i ran 5 km and 10 km in miles?", None),
    # Mended on reading the guard's texts: a mixed number, "plus" in a sum, a correction.
    ("how many ml in 1 and 1/2 tsp", None),
    ("add 3/4 and 2/3", None),
    ("whats 12 plus 8 plus 30, sorry my brain is fried", None),
    ("convert 70 kg to lbs. no wait, other way round, 70 lbs to kg", None),
    ("what's 15% of 80 and also 12% of 150", ["what's 15% of 80", "what's 12% of 150"]),
    # asks-same-4: pairs asks-same-3 left (each one call, or two added, at 4370870).
    ("sqrt of 144 and sqrt of 225", ["sqrt of 144", "sqrt of 225"]),
    ("conver 5 miles and 10 miles to km", ["conver 5 miles to km", "conver 10 miles to km"]),
    ("calc 0.75*120 and 0.6*85", ["calc 0.75*120", "calc 0.6*85"]),
    ("what's 25% of 360? also 40% of 90", ["what's 25% of 360", "what's 40% of 90"]),
    ("70kg in lbs... and what about 85 kg", ["70kg in lbs.", "85 kg in lbs."]),
    ("oven question: 200 celsius in fahrenheit, and 180?",
     ["oven question: 200 celsius in fahrenheit?", "oven question: 180 celsius in fahrenheit?"]),
    ("convert 60 mph to km/h and 100 km/h to mph",
     ["convert 60 mph to km/h", "convert 100 km/h to mph"]),
    ("whats 2^10 n 2^16", ["whats 2^10", "whats 2^16"]),
    ("7 × 8 and 9 × 6 — checking my kid's homework", ["7 × 8", "9 × 6"]),
    ("20 C in F and 20 F in C?? always mix these up", ["20 C in F??", "20 F in C??"]),
    ("how many ml in 1 tsp and in 1 tbsp", ["how many ml in 1 tsp", "how many ml in 1 tbsp"]),
    ("Multiply 37 by 4, and separately 56 by 9.", ["Multiply 37 by 4.", "Multiply 56 by 9."]),
    # ... not a remark that asks more, nor "in" of what the converter does not measure.
    ("convert 5 km to miles and 10 km to miles. remind me to run",
     ["convert 5 km to miles", "convert 10 km to miles", "remind me to run"]),
    ("how many calories in 2 eggs and in 1 toast", None),
    ("note: 5*3 and 4*2", None),
    # Mended on reading the guard's texts: words after the pair that take part of it back.
    ("convert 180 lbs to kg and 6 feet to cm... oh never mind the height, just the weight", None),
    # timers-two: two timers in one request (one timer at f71fb7e).
    ("set a timer for 10 min for the rice and another one for 25 for the chicken",
     ["set a timer for 10 min for the rice", "set a timer for 25 min for the chicken"]),
    ("timer 8 minutes for eggs and another for 12 for the toast",
     ["timer 8 minutes for eggs", "set a timer for 12 minutes for the toast"]),
    ("start a 5 min timer and a 20 min one", ["start a 5 min timer", "set a 20 min timer"]),
    ("pasta timer 9 min and a second one for sauce, 20 min",
     ["pasta timer 9 min", "set a timer for sauce, 20 min"]),
    ("set a timer for 5 minutes and one more for 90 seconds",
     ["set a timer for 5 minutes", "set a timer for 90 seconds"]),
    ("set a timer for 1 hour and 20 minutes", None),
    ("set a 10 minute timer and another one", None),  # no second length
    ("add 5 minutes to the timer and another 2 to the oven one", None),
    # timers-two-2: timers asked in other ways (one timer at b58a3f5).
    ("can u do two timers: 8 and 12 minutes",
     ["set a timer for 8 minutes", "set a timer for 12 minutes"]),
    ("laundry 45 min, dishwasher 1 hr, timers please",
     ["set a timer for 45 min for laundry", "set a timer for 1 hr for dishwasher"]),
    ("timers for 3, 6 and 9 minutes", ["set a timer for 3 minutes", "set a timer for 6 minutes",
                                       "set a timer for 9 minutes"]),
    ("timer for the roast 1h20m and for the yorkshire puds 25m",
     ["set a timer for 1 h 20 m for roast", "set a timer for 25 m for yorkshire puds"]),
    ("put a 25 minute timer on for the cake and also a 2 hour one for the bread dough",
     ["set a timer for 25 minute for cake", "set a timer for 2 hour for bread dough"]),
    ("pomodoro time. 25 min work timer and a 5 min break timer",
     ["set a timer for 25 min for work", "set a timer for 5 min for break"]),
    ("set a timer for 1 minute 30 seconds and one for 45 seconds",
     ["set a timer for 1 minute 30 seconds", "set a timer for 45 seconds"]),
    ("set a 20 min timer, the oven is at 180", None),  # not a length
    ("set a timer for 10 minutes and text me at 5", None),
    ("how long is left on my 20 minute timer and the 10 minute one", None),
    ("timer for 10 min and remind me at 6 to call the vet", None),
    # timers-two-3: a count of one length, the unit after both, lengths in words, a last unit
    # left out, "time the ..." (one timer at 4370870).
    ("i need two 10 minute timers, one for each pizza",
     ["set a timer for 10 minute", "set a timer for 10 minute"]),
    ("3 timers of 5 min", ["set a timer for 5 min"] * 3),
    ("Can you do a 15 and a 20 minute timer",
     ["set a timer for 15 minute", "set a timer for 20 minute"]),
    ("timers for an hour and for two hours", ["set a timer for 1 hour", "set a timer for 2 hours"]),
    ("two timers please, one for ten minutes and one for twenty",
     ["set a timer for 10 minutes", "set a timer for 20 minutes"]),
    ("two timers: half an hour and forty-five minutes",
     ["set a timer for 30 minutes", "set a timer for 45 minutes"]),
    ("dishwasher 1hr 5, dryer 50 min, set timers",
     ["set a timer for 1 hr 5 minutes for dishwasher", "set a timer for 50 min for dryer"]),
    ("can you time the cookies 12 min and the brownies 25 min",
     ["set a timer for 12 min for cookies", "set a timer for 25 min for brownies"]),
    ("set a timer for an hour and a half", None),
    ("set a timer for 10 or 15 minutes", None),  # in doubt: one timer
    ("I already set two 10 minute timers", None),
    ("a timer for 5 min for two pizzas", None),
    # Mended on reading the guard's texts: one length in words, a length taken back.
    ("Can you set a timer for twenty-five minutes please?", None),
    ("Don't set it for an hour, make the timer 40 minutes.", None),
    ("timer for the kids bath 20 min n one for the dishwasher 1hr 5",
     ["set a timer for 20 min for kids bath", "set a timer for 1 hr 5 minutes for dishwasher"]),
])
def test_a_request_splits_only_into_clauses_that_each_open_as_an_ask(
        text: str, parts: list[str] | None) -> None:
    assert clauses(text) == (parts or [text])


def test_a_request_of_two_asks_gets_each_clauses_own_call(llama_rt: Any) -> None:
    """Every clause calls (threshold 0): the calls are the ones the brain writes for each clause
    alone, in order, instead of its one call for the whole; `by_clause=False` turns it off."""
    settings = ChatSettings(call_threshold=0.0, name_threshold=0.0)
    text = "log 2 tablets of ibuprofen and what's the weather in Rome"
    events = run(ChatEngine(llama_rt, settings), ask(text))
    split = next(e for e in events if isinstance(e, ClauseCalls))
    assert split.clauses == ("log 2 tablets of ibuprofen", "what's the weather in Rome")
    assert split.used and len(split.p_calls) == 2 and len(set(split.names)) == 2
    proposed = events[-1]
    assert isinstance(proposed, CallsProposed)
    assert tuple(c.name for c in proposed.calls) == split.names
    for clause, call in zip(split.clauses, proposed.calls, strict=True):
        alone = run(ChatEngine(llama_rt, settings), ask(clause))[-1]
        assert isinstance(alone, CallsProposed) and alone.calls[0] == call
    off = run(ChatEngine(llama_rt, replace(settings, by_clause=False)), ask(text))
    assert not any(isinstance(e, ClauseCalls) for e in off)
    assert isinstance(off[-1], CallsProposed) and off[-1].calls != proposed.calls

def test_without_grammar_a_bad_call_is_malformed_not_a_crash(llama_rt: Any) -> None:
    engine = ChatEngine(llama_rt, ChatSettings(call_threshold=0.0, constrain=False,
                                               max_call_tokens=12, name_threshold=0.0))
    last = run(engine, ask("set a timer"))[-1]
    assert isinstance(last, CallMalformed | CallsProposed)
    if isinstance(last, CallMalformed):
        assert last.errors


def test_no_tools_means_no_decision_to_call(llama_rt: Any) -> None:
    engine = ChatEngine(llama_rt, ChatSettings(call_threshold=0.0, max_reply_tokens=8))
    events = list(engine.respond(Request(history=(Message("user", text="hi"),), tools=()),
                                 threading.Event()))
    assert isinstance(events[-1], Reply)


# --- the prefix cache ---------------------------------------------------------------------------


def test_the_system_prompt_and_tools_are_processed_once(llama_rt: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = ChatEngine(llama_rt, ChatSettings(call_threshold=1.01, max_reply_tokens=4))
    run(engine, ask("first request"))
    evaluated: list[int] = []
    original = llama_rt.llm.eval
    monkeypatch.setattr(llama_rt.llm, "eval", lambda ids: (evaluated.append(len(ids)),
                                                           original(ids))[1])
    prompt_tokens = len(llama_rt.tokenize(engine.prompt(ask("a second, different request"))))
    run(engine, ask("a second, different request"))
    head = len(llama_rt.tokenize(engine.prompt(ask("")).split("<|im_start|>user")[0]))
    assert head > 100  # the tool list is the bulk of the prompt
    assert evaluated[0] <= prompt_tokens - head + 1  # only the new turn, not the head again


def test_torch_runtime_agrees_with_llama_cpp_on_the_same_weights(llama_rt: Any,
                                                                 tiny_hf: Path) -> None:
    """Same tiny GGUF through transformers (fp32; read from the GGUF once, `tiny_hf`) and
    llama.cpp: the same prompt tokens and the same decision probability, so the prompt and the
    runtimes are interchangeable."""
    from assistant.engines.chat.hf import TorchRuntime

    torch_rt = TorchRuntime(tiny_hf, threads=1)
    a = ChatEngine(llama_rt, ChatSettings(call_threshold=1.01))
    b = ChatEngine(torch_rt, ChatSettings(call_threshold=1.01))
    request = ask("what's the weather in Paris")
    ids = llama_rt.tokenize(a.prompt(request))
    assert torch_rt.tokenize(b.prompt(request)) == ids
    assert a.p_call(ids) == pytest.approx(b.p_call(ids), rel=0.05, abs=1e-6)
    la, lb = llama_rt.logits(ids), torch_rt.logits(ids)
    assert int(la.argmax()) == int(lb.argmax())


# --- the real weights ---------------------------------------------------------------------------


@pytest.mark.slow
def test_the_tuned_0_5b_brain_calls_when_asked_and_not_otherwise() -> None:
    """The real 0.5B weights with the shipped tail-only LoRA (assets/adapters/qwen-0.5b-tools)
    and its threshold from dev."""
    from assistant.engines import chat

    engine = chat.build(chat.Options(brain="qwen-0.5b-tools", threads=2))
    called = run(engine, ask_all("set a timer for ten minutes"))[-1]
    assert isinstance(called, CallsProposed), called
    assert called.calls[0].name == "set_timer"
    assert total_duration(dict(called.calls[0].arguments)).get("seconds") == 600
    for text in ("thanks, that's all for now", "turn off the kitchen lights"):
        assert isinstance(run(engine, ask_all(text))[-1], Reply), text
    # Two asks: a call for each (the brain alone writes only the first).
    both = run(engine, ask_all("cancel the egg timer and start a new one for seven minutes"))[-1]
    assert isinstance(both, CallsProposed), both
    assert [c.name for c in both.calls] == ["cancel_timer", "set_timer"], both.calls
    assert total_duration(dict(both.calls[1].arguments)).get("seconds") == 420
    # Two timers: each (timers-two; the brain's one call for the whole before).
    two = run(engine, ask_all("set a timer for 5 minutes and set another one for 10"))[-1]
    assert isinstance(two, CallsProposed), two
    assert [c.arguments.get("minutes") for c in two.calls] == [5, 10], two.calls
    both_timers = run(engine, ask_all("set a timer for 5 minutes. set one for 10"))[-1]
    assert isinstance(both_timers, CallsProposed), both_timers  # timers-two-2: a length each
    assert [c.arguments.get("minutes") for c in both_timers.calls] == [5, 10], both_timers.calls
    # The same tool twice otherwise: the brain's call for the whole.
    one = run(engine, ask_all("remind me at 5 to call mum. remind me at 6 to feed the cat"))[-1]
    assert isinstance(one, CallsProposed) and len(one.calls) == 1, one
    # Behind another tool list the adapter was never trained: refused, with the fix named.
    from assistant.speech import BackendUnavailable

    with pytest.raises(BackendUnavailable, match="another prompt head"):
        run(engine, ask("set a timer for ten minutes"))


@pytest.mark.slow
def test_the_default_brain_calls_when_asked_and_not_otherwise() -> None:
    """The real default brain (Qwen2.5-Coder-0.5B + the shipped LoRA) with its threshold."""
    from assistant.engines import chat

    engine = chat.build(chat.Options(threads=2))
    called = run(engine, ask_all("set a timer for ten minutes"))[-1]
    assert isinstance(called, CallsProposed), called
    assert called.calls[0].name == "set_timer"
    assert total_duration(dict(called.calls[0].arguments)).get("seconds") == 600
    chat_only = run(engine, ask_all("thanks, that's all for now"))[-1]
    assert isinstance(chat_only, Reply), chat_only
    assert json.dumps(chat_only.text)


@pytest.mark.slow
def test_the_merged_brain_decides_as_the_adapter_beside_the_weights() -> None:
    """The default brain (the shipped LoRA merged in, merge.py) against the same LoRA served
    beside the weights: the same outcome and nearly the same P(call) on each request. Given an
    adapter of its own, the merged brain serves it beside the weights instead. The requests say
    every argument in full: one the model must invent is a near-tie that each CPU's kernels tip
    their own way ("at six" came out "six am" merged and "6 am" beside on an AVX-512 Xeon,
    while CI runs on two AMD machines had written the same)."""
    from assistant.engines import chat
    from assistant.engines.chat.brains import ROOT, load_runtime

    merged = chat.build(chat.Options(brain="qwen-0.5b-tools-merged", threads=2))
    beside = chat.build(chat.Options(brain="qwen-0.5b-tools", threads=2))
    assert merged.runtime.head_gguf is not None and beside.runtime.head_gguf is None
    for text in ("log 500 milligrams of metformin", "what's the weather in Paris",
                 "remind me to water the plants at 6 pm", "tell me a joke",
                 "is the back door locked?"):
        got, want = run(merged, ask_all(text)), run(beside, ask_all(text))
        assert type(got[-1]) is type(want[-1]), text
        if isinstance(want[-1], CallsProposed):
            assert got[-1].calls == want[-1].calls, text  # type: ignore[attr-defined]
        p = [next(e.p_call for e in events if isinstance(e, CallDecision))
             for events in (got, want)]
        assert p[0] == pytest.approx(p[1], abs=0.05), text
    rt = load_runtime("qwen-0.5b-tools-merged", adapter=ROOT / "assets/adapters/qwen-0.5b-tools")
    assert rt.head_gguf is None and rt._lora_on  # type: ignore[attr-defined]


def test_the_prompt_head_state_is_saved_and_restored(tiny_gguf: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process (here: a second runtime) restores the head from disk instead of
    evaluating it, and then gives the same logits as one that evaluated everything."""
    from assistant.engines.chat.llama import LlamaRuntime

    first = LlamaRuntime(tiny_gguf, threads=1, n_ctx=4096, state_dir=tmp_path)
    engine = ChatEngine(first, ChatSettings(call_threshold=1.01, max_reply_tokens=2))
    request = ask("what's the time in Lima")
    run(engine, request)
    assert len(list(tmp_path.glob("*.llama-state"))) == 1
    ids = first.tokenize(engine.prompt(request))
    expected = first.logits(ids)

    second = LlamaRuntime(tiny_gguf, threads=1, n_ctx=4096, state_dir=tmp_path)
    evaluated: list[int] = []
    original = second.llm.eval
    monkeypatch.setattr(second.llm, "eval", lambda t: (evaluated.append(len(t)), original(t))[1])
    restored = ChatEngine(second, ChatSettings(call_threshold=1.01))
    second.preload(restored.head(request))
    assert evaluated == []  # the head came from disk
    got = second.logits(ids)
    assert sum(evaluated) < len(ids) - 100
    assert got == pytest.approx(expected, abs=1e-4)


def test_a_damaged_saved_state_is_evaluated_again(tiny_gguf: Path, tmp_path: Path) -> None:
    from assistant.engines.chat.llama import LlamaRuntime

    rt = LlamaRuntime(tiny_gguf, threads=1, n_ctx=4096, state_dir=tmp_path)
    engine = ChatEngine(rt, ChatSettings(call_threshold=1.01, max_reply_tokens=2))
    head = engine.head(ask("x"))
    rt.preload(head)
    (state,) = tmp_path.glob("*.llama-state")
    state.write_bytes(state.read_bytes()[:100])  # cut short, as by a killed writer
    again = LlamaRuntime(tiny_gguf, threads=1, n_ctx=4096, state_dir=tmp_path)
    again.preload(head)  # no exception: evaluated and saved anew
    assert again.llm.n_tokens == len(head)
    assert state.stat().st_size > 100


def test_a_prompt_longer_than_the_context_is_refused_before_the_prefill(tiny_gguf: Path) -> None:
    from assistant.engines.chat.llama import LlamaRuntime

    rt = LlamaRuntime(tiny_gguf, threads=1, n_ctx=256)
    with pytest.raises(ValueError, match="more than the model's context of 256"):
        rt.logits(list(range(1, 300)))
    assert len(rt.logits(rt.tokenize("a short prompt"))) > 0  # the runtime still works


def test_the_name_threshold_reaches_the_brain_from_every_front_door(tiny_gguf: Path) -> None:
    from assistant import cli
    from assistant.engines import EngineOptions, cascade, chat, engine_options, lfm2

    assert chat.build(chat.Options(brain=str(tiny_gguf))).settings.name_threshold == 0.3
    engine = chat.build(chat.Options(brain=str(tiny_gguf), name_threshold=0.2))
    assert engine.settings.name_threshold == 0.2
    given = EngineOptions(name_threshold=0.2)
    for cls in (cascade.Options, lfm2.Options):
        assert engine_options(cls, given).name_threshold == 0.2
    args = cli.parser().parse_args(["--text", "hi", "--name-threshold", "0"])
    assert cli.engine_options(args).name_threshold == 0.0
