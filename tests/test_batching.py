"""Dynamic batching: the micro-batcher, and batched text-model generation that must give each
row exactly what one-at-a-time generation gives it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.batching import BatchedEngine, MicroBatcher
from assistant.engine import Message, Request, ToolSpec
from assistant.events import CallMalformed, CallsProposed, Reply, TextDelta


def _run_clients(batcher: MicroBatcher[int, int], values: list[int]) -> dict[int, object]:
    results: dict[int, object] = {}
    registered = threading.Barrier(len(values))

    def client(v: int) -> None:
        with batcher.client():
            registered.wait()  # as evalkit's workers: all registered before the first turn
            try:
                results[v] = batcher.submit(v)
            except Exception as exc:
                results[v] = exc

    threads = [threading.Thread(target=client, args=(v,)) for v in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    return results


def test_micro_batcher_gathers_rows_and_returns_each_its_own_result() -> None:
    seen: list[list[int]] = []

    def square(xs: list[int]) -> list[int]:
        seen.append(list(xs))
        return [x * x for x in xs]

    batcher = MicroBatcher(square, max_batch=4, max_wait=2.0)
    results = _run_clients(batcher, list(range(8)))
    batcher.close()
    assert results == {v: v * v for v in range(8)}
    assert sorted(x for b in seen for x in b) == list(range(8))
    assert [len(b) for b in seen] == [4, 4], seen  # full batches, none sent half-empty
    assert len(seen) <= 4, seen
    assert batcher.sizes == [len(b) for b in seen]


def test_micro_batcher_error_reaches_every_row_and_the_server_lives_on() -> None:
    calls = 0

    def flaky(xs: list[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("model fell over")
        return xs

    batcher = MicroBatcher(flaky, max_batch=8, max_wait=0.01)
    with pytest.raises(RuntimeError, match="fell over"):
        batcher.submit(1)
    assert batcher.submit(2) == 2
    short = MicroBatcher(lambda xs: xs[:-1], max_batch=2, max_wait=0.01)
    with pytest.raises(RuntimeError, match="0 results for 1 inputs"):
        short.submit(5)
    batcher.close()
    short.close()
    with pytest.raises(RuntimeError, match="closed"):
        batcher.submit(3)


def test_batched_engine_needs_a_batch_capable_engine() -> None:
    from assistant.engines.scripted import ScriptedEngine

    with pytest.raises(TypeError, match="respond_batch"):
        BatchedEngine(ScriptedEngine())


# --- batched generation on a tiny random model (the real Gemma is checked by the benchmark) -----

TOOLS = (ToolSpec("set_timer", "Start a timer.", {"type": "object", "properties": {
    "seconds": {"type": "integer"}}, "required": ["seconds"]}),)


@pytest.fixture(scope="module")
def toy_engine(tmp_path_factory: pytest.TempPathFactory) -> object:
    torch = pytest.importorskip("torch")
    peft = pytest.importorskip("peft")
    import os

    os.environ["FINETUNE_CACHE"] = str(tmp_path_factory.mktemp("ft-cache"))
    from transformers import AutoModelForCausalLM

    from assistant.engines.gemma import GemmaEngine, GemmaOptions
    from finetune.base import toy_dir

    base = toy_dir("toy-llama")
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(str(base))
    lora = peft.LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"],
                           init_lora_weights=False)
    adapter = tmp_path_factory.mktemp("adapter")
    peft.get_peft_model(model, lora).save_pretrained(str(adapter))
    # an adapter trained without the tool list: its prompts have no system text at all
    (adapter / "config.toml").write_text('[data]\ntool_list = "none"\n')
    torch.set_num_threads(1)
    return GemmaEngine(GemmaOptions(model_dir=base, adapter=adapter, max_new_tokens=20))


def _requests() -> list[Request]:
    texts = ["set a timer for ten minutes", "hi", "what's the weather like in Reykjavik today",
             "log 5 mg of warfarin", "x"]
    reqs = [Request((Message("user", t),), TOOLS) for t in texts]
    reqs.append(Request((Message("user", "set a timer"), Message("assistant", "ok"),
                         Message("tool", '[{"name": "set_timer", "ok": true}]')), TOOLS))
    return reqs


def test_batched_generation_equals_one_at_a_time(toy_engine: object) -> None:
    from assistant.engines.gemma import GemmaEngine

    assert isinstance(toy_engine, GemmaEngine)
    assert toy_engine.tool_list == "none" and toy_engine.style == "turns"
    reqs = _requests()
    one_by_one = ["".join(toy_engine.generate(r, threading.Event())) for r in reqs]
    assert toy_engine.generate_batch(reqs) == one_by_one
    assert toy_engine.generate_batch(reqs[::-1]) == one_by_one[::-1]
    assert len(set(one_by_one)) > 1  # the rows really differ


def test_batched_engine_serves_threads_with_the_events_respond_gives(toy_engine: object) -> None:
    from assistant.engines.gemma import GemmaEngine

    assert isinstance(toy_engine, GemmaEngine)
    reqs = _requests()
    expected = [list(toy_engine.respond(r, threading.Event())) for r in reqs]
    batched = BatchedEngine(toy_engine, max_batch=4)
    got: dict[int, list[object]] = {}

    def worker(i: int) -> None:
        with batched.client():
            got[i] = list(batched.respond(reqs[i], threading.Event()))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(reqs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    batched.close()
    def final(e: object) -> dict[str, object]:
        return {k: v for k, v in e.to_dict().items() if k != "t"}  # type: ignore[attr-defined]

    for i, events in enumerate(expected):
        assert isinstance(events[-1], CallsProposed | CallMalformed | Reply)
        assert final(got[i][-1]) == final(events[-1])
        text = "".join(e.text for e in events if isinstance(e, TextDelta))
        assert "".join(e.text for e in got[i] if isinstance(e, TextDelta)) == text
    assert max(batched.batcher.sizes) > 1


def test_engine_with_a_no_tool_list_adapter_answers(toy_engine: object, tmp_path: Path) -> None:
    """Regression: the prompt head of an adapter trained without the tool list was empty, and
    the engine crashed on the first request."""
    from assistant.engines.gemma import GemmaEngine

    assert isinstance(toy_engine, GemmaEngine)
    head, tail = toy_engine.prompt_parts(_requests()[0])
    assert head == "<bos><start_of_turn>user\n" and tail.startswith("set a timer")
    events = list(toy_engine.respond(_requests()[0], threading.Event()))
    assert isinstance(events[-1], CallsProposed | CallMalformed | Reply)
