"""transformers (torch): any causal LM directory or hub id whose tokenizer has a chat template,
fp32 on CPU. The runtime for hub brains (LFM2.5-1.2B-Instruct, a fine-tuned directory), for the
tiny random models in the tests, and the baseline of the runtime benchmark.

No grammar engine here: `supports_grammar` is False and a bad call goes back through the loop's
validate-and-retry.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.engines.chat.runtime import Decoding, check_cancel, common_prefix, logsumexp


class TorchRuntime:
    name = "torch"
    supports_grammar = False

    def __init__(self, source: str | Path, *, gguf_file: str | None = None,
                 threads: int | None = None, device: str = "cpu", adapter: Path | None = None,
                 quantize: str | None = None) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if threads:
            torch.set_num_threads(threads)
        kwargs: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(source), **kwargs)
        model: Any = AutoModelForCausalLM.from_pretrained(str(source), dtype=torch.float32,
                                                          **kwargs)
        if adapter is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
        self.model = model.to(device).eval()
        if quantize is not None:
            self.model = _quantized(self.model, quantize, device)
        self.device = device
        template = self.tokenizer.chat_template
        if isinstance(template, dict):  # several named templates: the tool-use one
            template = template.get("tool_use") or template.get("default") or ""
        self.chat_template: str = template or ""
        self.bos: str = self.tokenizer.bos_token or ""
        self.eos: str = self.tokenizer.eos_token or ""
        self._ids: list[int] = []
        self._cache: Any = None
        self._last: np.ndarray | None = None
        # The prompt head's cache, kept for models whose cache cannot drop tokens.
        self._head: tuple[list[int], Any] = ([], None)
        self._lock = threading.Lock()
        self.token_logprobs: list[float] = []

    def tokenize(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def detokenize(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=False))

    def _new_cache(self) -> Any:
        from transformers import DynamicCache

        # The config tells hybrid models (LFM2's conv layers) which layer keeps which state.
        return DynamicCache(config=self.model.config)

    @staticmethod
    def _rewindable(cache: Any) -> bool:
        """Can `cache` drop its last tokens? Attention KV can; a recurrent or conv state
        (LFM2's short convolutions) cannot, so such a model restarts from the saved head."""
        return not any(hasattr(layer, "conv_states") or hasattr(layer, "recurrent_states")
                       for layer in getattr(cache, "layers", ()))

    def _feed(self, ids: Sequence[int]) -> np.ndarray:
        import copy

        import torch

        keep = common_prefix(self._ids, ids)
        if keep == len(ids) == len(self._ids) and self._last is not None:
            return self._last
        keep = min(keep, len(ids) - 1)
        if self._cache is not None and 0 < keep < len(self._ids) and \
                not self._rewindable(self._cache):
            self._cache, keep = None, 0
            head_ids, head_cache = self._head
            if head_cache is not None and 0 < len(head_ids) <= len(ids) - 1 and \
                    list(ids[:len(head_ids)]) == head_ids:
                self._cache, keep = copy.deepcopy(head_cache), len(head_ids)
        if self._cache is None or keep == 0:
            self._cache, keep = self._new_cache(), 0
        elif keep < self._cache.get_seq_length():
            self._cache.crop(keep - self._cache.get_seq_length())  # drop the tail past `keep`
        new = torch.tensor([list(ids[keep:])], device=self.device)
        with torch.inference_mode():
            out = self.model(input_ids=new, past_key_values=self._cache, use_cache=True,
                             cache_position=torch.arange(keep, len(ids), device=self.device),
                             logits_to_keep=1)
        self._cache = out.past_key_values
        self._ids = list(ids)
        self._last = out.logits[0, -1].float().cpu().numpy()
        return self._last

    def preload(self, ids: Sequence[int]) -> None:
        import copy

        with self._lock:
            self._feed(ids)
            if not self._rewindable(self._cache) and self._head[0] != list(ids):
                self._head = (list(ids), copy.deepcopy(self._cache))

    def logits(self, ids: Sequence[int]) -> np.ndarray:
        with self._lock:
            return self._feed(ids).copy()

    def generate(self, ids: Sequence[int], decoding: Decoding,
                 cancel: threading.Event | None = None) -> Iterator[int]:
        banned = sorted(decoding.banned)
        logprobs: list[float] = []
        self.token_logprobs = logprobs
        with self._lock:
            seq = list(ids)
            for _ in range(decoding.max_tokens):
                check_cancel(cancel)
                logits = self._feed(seq).copy()
                norm = logsumexp(logits) if decoding.logprobs else 0.0
                if banned:
                    logits[banned] = -np.inf
                token = int(logits.argmax())
                if token in decoding.stop:
                    return
                if decoding.logprobs:
                    logprobs.append(float(logits[token]) - norm)
                yield token
                seq.append(token)


def _quantized(model: Any, how: str, device: str) -> Any:
    """int8 weight-only linear layers (PyTorch's dynamic quantisation, a scale per output row):
    decoding on a CPU reads every weight once per token, so 4x fewer bytes is what speeds it
    up (LFM2-1.2B: 3.3 -> 7.9 tok/s on 2 cores, bench/results/sequential-cpu-2threads.txt)."""
    if how != "int8":
        raise ValueError(f"unknown quantisation {how!r} for a torch brain; use int8")
    if device != "cpu":
        raise ValueError("int8 dynamic quantisation runs on CPU; on a GPU keep bf16")
    import warnings

    import torch
    from torch import nn

    with warnings.catch_warnings():  # torch.ao.quantization is deprecated in favour of torchao
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        return quantize_dynamic(model, {nn.Linear: per_channel_dynamic_qconfig},
                                dtype=torch.qint8, inplace=True)


__all__ = ["TorchRuntime"]
