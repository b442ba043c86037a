"""A tiny random LFM2 text model (`Lfm2ForCausalLM`) with a tool-calling chat template, for tests.

LFM2.5-1.2B-Instruct cannot be downloaded here, so this writes a directory with the same layout
(`config.json`, `model.safetensors`, a tokenizer with a chat template) and tiny random weights;
the chat brain loads it through the same `from_pretrained` path as the real model.

The tokenizer is the tiny LFM2-Audio one (byte-level, LFM2's special tokens at LFM2's ids). The
chat template follows LFM2's documented tool format: the tool list as JSON between
`<|tool_list_start|>` and `<|tool_list_end|>` in the system turn, calls as a Pythonic list
between `<|tool_call_start|>` and `<|tool_call_end|>`, tool results in a `tool` turn between
`<|tool_response_start|>` and `<|tool_response_end|>`. Like LFM2's first templates it renders only
each message's `content` (no `tool_calls`), the harder case for the engine.

    python -m assistant.engines.chat.tiny_lfm2 OUTDIR
"""

from __future__ import annotations

import sys
from pathlib import Path

CHAT_TEMPLATE = """{{- bos_token -}}
{%- set ns = namespace(system="") -%}
{%- if messages and messages[0]["role"] == "system" -%}
{%- set ns.system = messages[0]["content"] -%}
{%- set messages = messages[1:] -%}
{%- endif -%}
{%- if tools -%}
{%- set ns.system = ns.system + ("\\n" if ns.system else "") + "List of tools: <|tool_list_start|>[" -%}
{%- for tool in tools -%}
{%- set ns.system = ns.system + (", " if not loop.first else "") + (tool | tojson) -%}
{%- endfor -%}
{%- set ns.system = ns.system + "]<|tool_list_end|>" -%}
{%- endif -%}
{%- if ns.system -%}{{- "<|im_start|>system\\n" + ns.system + "<|im_end|>\\n" -}}{%- endif -%}
{%- for message in messages -%}
{%- set content = message["content"] or "" -%}
{%- if message["role"] == "tool" -%}
{%- set content = "<|tool_response_start|>" + content + "<|tool_response_end|>" -%}
{%- endif -%}
{{- "<|im_start|>" + message["role"] + "\\n" + content + "<|im_end|>\\n" -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- "<|im_start|>assistant\\n" -}}{%- endif -%}
"""


def write_tiny_lfm2_text(out: Path, *, seed: int = 0, hidden: int = 64, layers: int = 4) -> Path:
    """Write the tiny model to `out` (a directory) and return it."""
    import torch
    from transformers import Lfm2Config, Lfm2ForCausalLM

    from assistant.engines.lfm2.tiny import VOCAB_SIZE, _write_tokenizer

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    config = Lfm2Config(
        vocab_size=VOCAB_SIZE, hidden_size=hidden, intermediate_size=2 * hidden,
        block_auto_adjust_ff_dim=False, num_hidden_layers=layers, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=8192,
        layer_types=["conv", "full_attention"] * (layers // 2) + ["conv"] * (layers % 2),
        bos_token_id=1, eos_token_id=7, pad_token_id=0)
    Lfm2ForCausalLM(config).eval().save_pretrained(str(out))
    _write_tokenizer(out, chat_template=CHAT_TEMPLATE)
    (out / "TINY.md").write_text(
        "Tiny LFM2 text model with RANDOM weights, written by "
        "`python -m assistant.engines.chat.tiny_lfm2`. It exercises the code, it does not talk.\n")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(write_tiny_lfm2_text(Path(sys.argv[1])))
