"""llama.cpp (through `llama-cpp-python`): GGUF weights as shipped (Q4_K_M here), one KV cache
reused across turns, and JSON-schema constrained decoding compiled to a llama.cpp grammar.

Chosen by measurement over torch fp32 and CTranslate2 int8 (`bench/bench_brain.py`).
"""

from __future__ import annotations

import ctypes
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.engines.chat.runtime import Decoding, check_cancel, common_prefix, logsumexp
from assistant.speech import BackendUnavailable

# llama-cpp-python's Python port of json-schema-to-grammar lets raw control characters (a newline)
# into JSON strings, which then fail to parse; llama.cpp's own converter excludes them.
_LOOSE_CHAR = r'char ::= [^"\\]'
_JSON_CHAR = r'char ::= [^"\\\x7F\x00-\x1F]'


# JSON as `json.dumps` writes it, the way chat templates render calls in history and the
# adapter was trained on: ", " and ": " between items, no other whitespace. The converter allows
# an optional space at each of those places, so no character of a call's frame was ever forced.
_CANONICAL = (('":" space', '": "'), ('"," space', '", "'), ('space ::= " "?', 'space ::= ""'))


@functools.cache
def gbnf(schema: str) -> str:
    """The llama.cpp grammar of a JSON schema (a JSON string), with JSON's own string rule,
    json.dumps' spacing, and an optional newline after the value. Qwen closes a call with one
    token `}}\n`: a grammar that refuses it leaves the model its next choice, often `,` and an
    argument nobody asked for ("ten minutes" became seconds=600 plus label="ten minutes")."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    grammar = json_schema_to_gbnf(schema).replace(_LOOSE_CHAR, _JSON_CHAR)
    for loose, canonical in _CANONICAL:
        grammar = grammar.replace(loose, canonical)
    return grammar.replace("root ::=", "value-root ::=", 1) + '\nroot ::= value-root "\\n"?\n'


def head_digest(ids: Sequence[int]) -> str:
    """A prompt head's identity: the SHA-256 of its token ids. A tail-only adapter records the
    head it was trained behind (finetune/chat.py) and is served behind that head only."""
    import hashlib

    return hashlib.sha256(np.asarray(ids, dtype=np.int32).tobytes()).hexdigest()


class LlamaRuntime:
    name = "llama.cpp"
    supports_grammar = True

    def __init__(self, gguf: Path, *, threads: int | None = None, n_ctx: int = 8192,
                 lora: Path | None = None, lora_tail_only: bool = False, lora_head: str = "",
                 state_dir: Path | None = None, draft_tokens: int = 1,
                 learn_drafts: bool = True, head_gguf: Path | None = None) -> None:
        """`lora`: a GGUF LoRA adapter. `lora_tail_only`: the adapter was trained with the
        prompt head as a frozen base-model prefix (finetune/chat.py), so it is switched off
        while the head is evaluated and on for everything after it; the head's saved state is
        then the base model's, shared with the brain without the adapter. `lora_head`: the
        `head_digest` of the head it was trained behind; another head (another tool list or
        system text) is refused, since the adapter would misbehave without a sign.
        `draft_tokens`: the most prompt-lookup draft tokens checked with each decoded token (0:
        no drafts at all); `learn_drafts`: draft them only while this machine's batch costs
        say it pays (`_lookup_budget`), else whenever a lookup finds some. `head_gguf`: `gguf`
        has a tail-only adapter merged in (merge.py), so the prompt head's KV is that base
        model's: evaluated there once (or read from its saved state) and restored here, never
        evaluated by `gguf`."""
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise BackendUnavailable(
                f"the llama.cpp runtime needs llama-cpp-python ({exc}); install the project from "
                "its lock file (make test / make demo) or use --runtime torch") from None
        if not Path(gguf).is_file():
            raise BackendUnavailable(f"llama.cpp: no GGUF file at {gguf}")
        from llama_cpp._utils import suppress_stdout_stderr

        # An adapter's load prints a warning per tensor from C (its f16 LoRA cannot use the
        # repacked Q4 buffers; it runs on the plain CPU buffers); a failed load still raises.
        with suppress_stdout_stderr(disable=lora is None):
            self.llm: Any = Llama(model_path=str(gguf), n_ctx=n_ctx, n_batch=512,
                                  n_threads=threads, n_threads_batch=threads,
                                  lora_path=str(lora) if lora else None, verbose=False)
        meta: dict[str, str] = self.llm.metadata
        self.chat_template = meta.get("tokenizer.chat_template", "")
        self.bos = self._piece(meta.get("tokenizer.ggml.bos_token_id"))
        self.eos = self._piece(meta.get("tokenizer.ggml.eos_token_id"))
        self.n_vocab: int = self.llm.n_vocab()
        # End-of-generation tokens (Qwen has several: <|im_end|>, <|endoftext|>, <|fim_pad|>...):
        # once a grammar is complete it allows only these.
        import llama_cpp

        vocab = self.llm._model.vocab
        self.eog = frozenset(t for t in range(self.n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, t))
        self._fresh = -1  # n_tokens for which the context's last logits are current
        self.token_logprobs: list[float] = []
        self.draft_tokens = draft_tokens
        self.drafter: Callable[[np.ndarray, int], list[int]] = lookup_draft
        self.learn_drafts = learn_drafts
        self._batch_s: dict[int, float] = {}  # seconds per decode batch, by its size (averaged)
        self._lookup_rate = 0.5  # the share of lookup-draft tokens accepted (averaged)
        self._batches = 0
        # One-character tokens, to ask a grammar which character it allows next.
        singles = [(c, self.llm.tokenize(c, add_bos=False, special=False))
                   for c in (bytes([b]) for b in (*range(32, 127), 10))]
        self._chars = [(c, ids[0]) for c, ids in singles if len(ids) == 1]
        self._lock = threading.Lock()
        self._tail_only = lora is not None and lora_tail_only
        self._head_len = 0  # tokens of the prompt head (set by preload)
        self._clean = 0  # leading cached tokens evaluated with the adapter off
        self._lora_on = lora is not None
        self._lora_name = Path(lora).parent.name if lora else Path(gguf).name
        self._lora_head = lora_head if self._tail_only or head_gguf is not None else ""
        self.head_gguf = head_gguf
        self._head_state: Any = None  # the head's context state, from the base (head_gguf)
        self._head_ids: list[int] = []
        # Saved KV states of prompt heads live here, keyed by the model file and the tokens.
        self.state_dir = state_dir
        # A merged model's head is its base's: they share the base's saved states.
        state_of = Path(head_gguf or gguf)
        st = state_of.stat()
        head_lora = None if self._tail_only else lora
        self._identity = f"{state_of.resolve()}|{st.st_size}|{st.st_mtime_ns}|{head_lora}|{n_ctx}"
        self._n_ctx, self._threads = n_ctx, threads

    def _piece(self, token_id: str | None) -> str:
        return "" if token_id is None else self.detokenize([int(token_id)])

    def tokenize(self, text: str) -> list[int]:
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def detokenize(self, ids: Sequence[int]) -> str:
        return bytes(self.llm.detokenize(list(ids), special=True)).decode("utf-8", "replace")

    def _feed(self, ids: Sequence[int]) -> None:
        """Make the context hold exactly `ids`, evaluating only what it does not hold yet (the
        last token again when nothing is new, so the logits are for `ids`)."""
        if len(ids) >= self.llm.n_ctx():  # llama.cpp would fail only after the whole prefill
            raise ValueError(f"the conversation is {len(ids)} tokens, more than the model's "
                             f"context of {self.llm.n_ctx()}")
        held = self.llm.n_tokens
        keep = common_prefix(self.llm.input_ids[:held].tolist(), ids)
        if self._tail_only and self._clean < min(keep, self._head_len):
            keep = self._clean  # head tokens evaluated with the adapter on are not the head
        if keep == len(ids) == held and self._fresh == held:
            return
        keep = min(keep, len(ids) - 1)
        if self.head_gguf is not None and not self._head_ids:
            raise ValueError("a merged brain needs its prompt head preloaded (`preload`): "
                             "its head is the base model's")
        if self.head_gguf is not None and keep < self._head_len:
            if len(ids) <= self._head_len:  # its last logits would be the merged weights'
                raise ValueError("a merged brain gives no logits within its prompt head")
            self._restore_head(ids)  # the merged weights must not evaluate the head
            keep = self._head_len
        self.llm.n_tokens = keep  # eval() drops the cache beyond n_tokens first
        if self._tail_only and keep < self._head_len:
            self._use_lora(False)
            self.llm.eval(list(ids[keep:self._head_len]))
            keep = self._clean = self._head_len
        if keep < len(ids):
            self._use_lora(True)
            self.llm.eval(list(ids[keep:]))
            self._clean = min(self._clean, keep)
        self._fresh = self.llm.n_tokens

    def _use_lora(self, on: bool) -> None:
        """Switch the adapter on or off for the tokens evaluated next (tail-only adapters)."""
        adapter = getattr(self.llm, "_lora_adapter", None)
        if not self._tail_only or adapter is None or on == self._lora_on:
            return
        import llama_cpp

        adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(adapter)
        scales = (ctypes.c_float * 1)(self.llm.lora_scale)
        if llama_cpp.llama_set_adapters_lora(self.llm.ctx, adapters, 1 if on else 0, scales):
            raise RuntimeError("llama.cpp could not switch the LoRA adapter")
        self._lora_on = on

    def preload(self, ids: Sequence[int]) -> None:
        """Make the context hold the prompt head `ids`: from memory, else from its saved state
        on disk, else by evaluating it once and saving the state. The system text and tool list
        are thousands of tokens (30-50 s on 2 cores): a new session, and every one-shot
        `--text` run, pays that once per machine rather than once per process."""
        if self._lora_head and head_digest(ids) != self._lora_head:
            raise BackendUnavailable(
                f"the adapter {self._lora_name!r} was trained behind another prompt head (its "
                "system text and tool list); this request's differs, and the adapter would "
                "misbehave without a sign. Retrain it for these tools (`python -m finetune "
                "train finetune/configs/qwen-0.5b.toml`) or use a brain without it "
                "(--brain qwen-0.5b)")
        with self._lock:
            self._head_len = len(ids)
            if self.head_gguf is not None:
                self._preload_merged(ids, self.head_gguf)
                return
            held = self.llm.n_tokens
            if common_prefix(self.llm.input_ids[:held].tolist(), ids) == len(ids) and \
                    (not self._tail_only or self._clean >= len(ids)):
                return
            path = self._state_path(ids)
            if path is not None and path.is_file() and self._load_state(path, ids):
                return
            self._feed(ids)
            if path is not None:
                self._save_state(path, ids)

    def _preload_merged(self, ids: Sequence[int], base_gguf: Path) -> None:
        """The head `ids` in the context, as the base model evaluates it: from memory, else its
        saved state (the one the unmerged brain saves), else the base model loaded for a moment
        to evaluate it. Kept in memory for `_restore_head`."""
        import llama_cpp

        if self._head_ids != list(ids):
            path = self._state_path(ids)
            if path is None or not (path.is_file() and self._load_state(path, ids)):
                import tempfile

                with tempfile.TemporaryDirectory() as tmp:
                    path = path or Path(tmp) / "head.llama-state"
                    base = type(self)(base_gguf, threads=self._threads, n_ctx=self._n_ctx)
                    try:
                        base._feed(ids)
                        base._save_state(path, ids)
                    finally:
                        base.llm.close()
                    if not self._load_state(path, ids):
                        raise RuntimeError(f"llama.cpp could not restore the prompt head "
                                           f"that {base_gguf.name} evaluated")
            size = llama_cpp.llama_state_get_size(self.llm.ctx)
            state = (ctypes.c_uint8 * size)()
            llama_cpp.llama_state_get_data(self.llm.ctx, state, size)
            self._head_state, self._head_ids = state, list(ids)
        held = self.llm.n_tokens
        if common_prefix(self.llm.input_ids[:held].tolist(), ids) < len(ids):
            self._restore_head(ids)

    def _restore_head(self, ids: Sequence[int]) -> None:
        """Put the base model's head back in the context (merged weights, `head_gguf`)."""
        import llama_cpp

        head = self._head_ids
        if not head or list(ids[:len(head)]) != head:
            raise ValueError("a merged brain serves only prompts that go on from the head it "
                             "preloaded (its system text and tool list)")
        if not llama_cpp.llama_state_set_data(self.llm.ctx, self._head_state,
                                              len(self._head_state)):
            raise RuntimeError("llama.cpp could not restore the prompt head")
        self.llm.input_ids[:len(head)] = head
        self.llm.n_tokens = len(head)
        self._fresh = -1  # a restored state's logits are not kept

    def _state_path(self, ids: Sequence[int]) -> Path | None:
        if self.state_dir is None:
            return None
        import hashlib

        digest = hashlib.sha256(self._identity.encode())
        digest.update(np.asarray(ids, dtype=np.int32).tobytes())
        return self.state_dir / f"{digest.hexdigest()[:32]}.llama-state"

    def _load_state(self, path: Path, ids: Sequence[int]) -> bool:
        import llama_cpp

        tokens = (llama_cpp.llama_token * len(ids))()
        count = ctypes.c_size_t(0)
        ok = llama_cpp.llama_state_load_file(self.llm.ctx, str(path).encode(), tokens, len(ids),
                                             ctypes.byref(count))
        if not ok or count.value != len(ids) or list(tokens) != list(ids):
            path.unlink(missing_ok=True)  # stale or damaged: evaluate again and re-save
            self.llm.reset()
            self._fresh, self._clean = -1, 0
            return False
        self.llm.input_ids[:len(ids)] = ids
        self.llm.n_tokens = len(ids)
        self._clean = len(ids)  # saved states are of heads, evaluated without an adapter
        self._fresh = -1  # the logits of a restored state are not kept
        return True

    def _save_state(self, path: Path, ids: Sequence[int]) -> None:
        import llama_cpp

        path.parent.mkdir(parents=True, exist_ok=True)
        for old in sorted(path.parent.glob("*.llama-state"), key=lambda p: p.stat().st_mtime)[:-3]:
            old.unlink(missing_ok=True)  # keep a few heads (tool sets, models), not all
        tmp = path.with_name(f"{path.name}.partial{os.getpid()}")
        tokens = (llama_cpp.llama_token * len(ids))(*ids)
        if llama_cpp.llama_state_save_file(self.llm.ctx, str(tmp).encode(), tokens, len(ids)):
            tmp.replace(path)  # atomic: a reader never sees half a state
        else:
            tmp.unlink(missing_ok=True)

    def _last_logits(self) -> np.ndarray:
        import llama_cpp

        ptr = llama_cpp.llama_get_logits_ith(self.llm.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)).copy()

    def logits(self, ids: Sequence[int]) -> np.ndarray:
        with self._lock:
            self._feed(ids)
            return self._last_logits()

    def generate(self, ids: Sequence[int], decoding: Decoding,
                 cancel: threading.Event | None = None) -> Iterator[int]:
        """Greedy decoding with drafts: under a grammar, the text it forces next (a call's
        frame); otherwise prompt lookup, the tokens that followed the latest earlier occurrence
        of the last few tokens (a drug name from the request, words of a tool result). A draft
        is checked in one batch with the next token and kept as far as it agrees with greedy
        picks: where a batch costs little more than one token, an agreed draft token is nearly
        free (lookup drafts are taken only where that holds: `_lookup_budget`). The output is
        the greedy one (up to rounding between batch sizes). A draft cut short leaves only real
        tokens' KV behind: each one's KV depends on the tokens before it, never on what was
        accepted."""
        banned = np.fromiter(decoding.banned, dtype=np.int64)
        grammar = _Grammar(self.llm._model.vocab, gbnf(decoding.schema)) \
            if decoding.schema is not None else None

        logprobs: list[float] = []
        self.token_logprobs = logprobs
        picked: list[float] = []  # log P of the latest pick, when asked for: moved on its yield

        def pick(logits: np.ndarray) -> int:
            norm = logsumexp(logits) if decoding.logprobs else 0.0
            logits[banned] = -np.inf
            token = int(logits.argmax()) if grammar is None else grammar.pick(logits)
            if decoding.logprobs:  # masks only touch the tokens not picked
                picked[:] = [float(logits[token]) - norm]
            return token

        def stops(token: int) -> bool:
            return token in decoding.stop or token in self.eog

        try:
            with self._lock:
                self._feed(ids)
                context = np.asarray(ids, dtype=np.int32)
                token, left = pick(self._last_logits()), decoding.max_tokens
                while left > 0 and not stops(token):
                    check_cancel(cancel)
                    logprobs += picked
                    yield token
                    left -= 1
                    if left == 0:
                        return  # the last token is evaluated by whoever goes on from here
                    context = np.append(context, token)
                    draft = self._forced(grammar, left) if grammar and self.draft_tokens else []
                    lookup = not draft
                    if lookup:
                        draft = self.drafter(context, self._lookup_budget(left))
                    rows = self._eval_rows([token, *draft])
                    token = pick(rows[0])
                    agreed = 0
                    # A draft is at most `left` long, so accepting all of it never overruns.
                    while agreed < len(draft) and token == draft[agreed] and not stops(token):
                        check_cancel(cancel)
                        logprobs += picked
                        yield token
                        left -= 1
                        context = np.append(context, token)
                        agreed += 1
                        token = pick(rows[agreed])
                    if lookup and draft:
                        self._lookup_rate += 0.1 * (agreed / len(draft) - self._lookup_rate)
                    if agreed < len(draft):
                        self.llm.n_tokens -= len(draft) - agreed  # the rest of the draft: wrong
                        self._fresh = -1  # the context's last logits are the draft's
                    else:
                        self._fresh = self.llm.n_tokens
        finally:
            if grammar is not None:
                grammar.close()

    def _forced(self, grammar: _Grammar, left: int) -> list[int]:
        """The tokens of the text the grammar allows alone from here (a call's frame: `"name":
        "`, `", "arguments": {"`, a required key), as a draft: a call's frame comes in a
        batch or two instead of a token at a time. Dropped when it stops inside a word: the
        model would write that word in its own tokens (`_timer`, not the forced `_`)."""
        text = grammar.forced(self._chars, limit=96)
        if not text or text[-1:].isalnum() or text.endswith(b"_"):
            return []
        return list(self.llm.tokenize(text, add_bos=False, special=False))[:left]

    def _lookup_budget(self, left: int) -> int:
        """How many lookup-draft tokens to check with the next token: up to `draft_tokens`, or
        none while a batch that wide costs more than the tokens it is expected to save. What a
        batch costs depends on the machine (two tokens cost 1.25x one on a 2-core Xeon, 1.9x
        on a 2-core EPYC, whose single-token kernel is the fast one: bench/results), so it is
        learned from this runtime's own batches. Every 32nd batch drafts anyway, to keep both
        averages current. (Batch sizes round differently, so where two tokens nearly tie the
        pick can differ from run to run.)"""
        k = min(self.draft_tokens, left)
        if not self.learn_drafts or k == 0:
            return k
        one, wide = self._batch_s.get(1), self._batch_s.get(k + 1)
        if one is None:
            return 0  # learn the single-token cost first
        if wide is None or self._batches % 32 == 0:
            return k
        return k if wide < one * (1 + self._lookup_rate * k) else 0

    def _eval_rows(self, tokens: Sequence[int]) -> np.ndarray:
        """Evaluate `tokens` after the cache in one batch; the logits after each of them."""
        import llama_cpp

        llm = self.llm
        self._use_lora(True)  # generated tokens are always past the head
        n_past = llm.n_tokens
        llm._ctx.kv_cache_seq_rm(-1, n_past, -1)
        llm._batch.set_batch(batch=list(tokens), n_past=n_past, logits_all=True)
        start = time.perf_counter()
        llm._ctx.decode(llm._batch)
        seconds = time.perf_counter() - start
        average = self._batch_s.get(len(tokens), seconds)
        self._batch_s[len(tokens)] = average + 0.2 * (seconds - average)
        self._batches += 1
        llm.input_ids[n_past:n_past + len(tokens)] = tokens
        llm.n_tokens = n_past + len(tokens)
        ptr = llama_cpp.llama_get_logits(llm.ctx)
        return np.ctypeslib.as_array(ptr, shape=(len(tokens), self.n_vocab)).copy()


def lookup_draft(context: np.ndarray, limit: int, longest: int = 3, shortest: int = 1) -> list[int]:
    """Prompt-lookup drafting: find the latest earlier occurrence of the context's last
    `longest`..`shortest` tokens and propose up to `limit` tokens that followed it there."""
    for n in range(longest, shortest - 1, -1):
        if limit <= 0 or len(context) <= n:
            break
        windows = np.lib.stride_tricks.sliding_window_view(context[:-1], n)
        hits = np.flatnonzero((windows == context[-n:]).all(axis=1))
        if hits.size:
            start = int(hits[-1]) + n
            return context[start:start + limit].tolist()
    return []


class _Grammar:
    """A llama.cpp grammar, applied the way llama.cpp's own sampler does it: the greedy token is
    checked alone first, and only when the grammar rejects it are all 150k candidates masked
    (most tokens of a call pass; masking every candidate every step halved decoding speed)."""

    def __init__(self, vocab: Any, grammar: str) -> None:
        import llama_cpp

        self._lib = llama_cpp
        self._sampler = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode(), b"root")
        if not self._sampler:
            raise ValueError("llama.cpp could not parse the call grammar")

    def _apply(self, ids: np.ndarray, logits: np.ndarray, sampler: Any = None) -> np.ndarray:
        lib = self._lib
        data = (lib.llama_token_data * len(ids))()
        view = np.ctypeslib.as_array(data)  # a structured view: fields id, logit, p
        view["id"], view["logit"], view["p"] = ids, logits, 0.0
        array = lib.llama_token_data_array(data=data, size=len(ids), selected=-1, sorted=False)
        lib.llama_sampler_apply(sampler or self._sampler, ctypes.byref(array))
        return np.asarray(view["logit"], dtype=np.float32)

    def forced(self, chars: Sequence[tuple[bytes, int]], limit: int) -> bytes:
        """The characters the grammar allows one at a time from its state, as far as only one
        of `chars` (character, its one-character token) is allowed at each step; a copy of the
        grammar walks them, so this one's state is untouched. Only a draft: a character left
        out of `chars` might have been allowed too, and the model checks every draft token."""
        lib = self._lib
        ids = np.array([t for _, t in chars], dtype=np.int32)
        zeros = np.zeros(len(ids), dtype=np.float32)
        walker = lib.llama_sampler_clone(self._sampler)
        out = bytearray()
        try:
            while len(out) < limit:
                allowed = np.flatnonzero(np.isfinite(self._apply(ids, zeros, walker)))
                if len(allowed) != 1:
                    break
                char, token = chars[int(allowed[0])]
                lib.llama_sampler_accept(walker, token)
                out += char
        finally:
            lib.llama_sampler_free(walker)
        return bytes(out)

    def pick(self, logits: np.ndarray) -> int:
        token = int(logits.argmax())
        one = np.array([token], dtype=np.int32)
        if not np.isfinite(self._apply(one, logits[one])[0]):
            masked = self._apply(np.arange(len(logits), dtype=np.int32), logits)
            token = int(masked.argmax())
            if not np.isfinite(masked[token]):  # accepting a rejected token aborts llama.cpp
                raise RuntimeError("the call grammar allows no next token")
        self._lib.llama_sampler_accept(self._sampler, token)
        return token

    def close(self) -> None:
        if self._sampler:
            self._lib.llama_sampler_free(self._sampler)
            self._sampler = None


__all__ = ["LlamaRuntime", "lookup_draft"]
