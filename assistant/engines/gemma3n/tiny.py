"""A tiny Gemma 3n checkpoint with random weights, for tests and demos.

The real weights (`google/gemma-3n-E2B-it`) cannot be downloaded here, so this writes a checkpoint
with the same layout and the same classes (`Gemma3nForConditionalGeneration` + `Gemma3nProcessor`:
feature extractor, image processor, tokenizer, chat template) but tiny dimensions. It loads
through the very same `from_pretrained(DIR)` route as the real model, so the engine runs
unchanged on it.

What differs from the real checkpoint:
- the tokenizer is byte-level (every text encodes and decodes back exactly); Gemma's special
  tokens keep their names, and the multimodal ids keep their layout (text ids, then the vision
  range whose first ids are `<end_of_image>` and `<image_soft_token>`, then the audio range with
  `<end_of_audio>` and `<audio_soft_token>`), just at small ids;
- the vision tower is timm's `test_efficientnet` instead of MobileNetV5 (the engine never uses
  vision, but transformers builds the tower to load any Gemma 3n);
- the chat template is Gemma 3n's own turn format, written out below (system text opens the
  first user turn; `assistant` is `model`; audio is `<audio_soft_token>`; roles must alternate).
The audio front end (16 kHz, 128 mel bins, 188 soft tokens per clip) is the real one.

    python -m assistant.engines.gemma3n.tiny OUTDIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

N_SPECIAL = 32  # ids 0..31: Gemma's named special tokens, then reserved ones
SPECIAL_TOKENS: dict[int, str] = {
    0: "<pad>",
    1: "<eos>",
    2: "<bos>",
    3: "<unk>",
    4: "<start_of_turn>",
    5: "<end_of_turn>",
    6: "<start_of_audio>",
    7: "<start_of_image>",
}
TEXT_VOCAB = N_SPECIAL + 256  # then the 256 byte tokens
VISION_OFFSET, VISION_VOCAB = TEXT_VOCAB, 8
AUDIO_OFFSET, AUDIO_VOCAB = VISION_OFFSET + VISION_VOCAB, 8
VOCAB_SIZE = AUDIO_OFFSET + AUDIO_VOCAB
MM_TOKENS: dict[int, str] = {  # as in the real vocabulary: first ids of each multimodal range
    VISION_OFFSET: "<end_of_image>",
    VISION_OFFSET + 1: "<image_soft_token>",
    AUDIO_OFFSET: "<end_of_audio>",
    AUDIO_OFFSET + 1: "<audio_soft_token>",
}
AUDIO_SOFT_TOKENS = 188  # the real processor's and config's value (30 s of audio)

# Gemma 3n's chat template (the turn format of google/gemma-3n-E2B-it).
CHAT_TEMPLATE = """{{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- if messages[0]['content'] is string -%}
        {%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}
    {%- else -%}
        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '\n\n' -%}
    {%- endif -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}
    {%- endif -%}
    {%- if (message['role'] == 'assistant') -%}
        {%- set role = "model" -%}
    {%- else -%}
        {%- set role = message['role'] -%}
    {%- endif -%}
    {{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else "") }}
    {%- if message['content'] is string -%}
        {{ message['content'] | trim }}
    {%- elif message['content'] is iterable -%}
        {%- for item in message['content'] -%}
            {%- if item['type'] == 'audio' -%}
                {{ '<audio_soft_token>' }}
            {%- elif item['type'] == 'image' -%}
                {{ '<image_soft_token>' }}
            {%- elif item['type'] == 'text' -%}
                {{ item['text'] | trim }}
            {%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {{ raise_exception("Invalid content type") }}
    {%- endif -%}
    {{ '<end_of_turn>\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{'<start_of_turn>model\n'}}
{%- endif -%}
"""


def tiny_config(*, hidden: int = 64, layers: int = 4) -> dict[str, Any]:
    """The `Gemma3nConfig` arguments of the tiny model: the real structure, small dims."""
    return {
        "text_config": {
            "vocab_size": VOCAB_SIZE,
            "vocab_size_per_layer_input": TEXT_VOCAB,
            "hidden_size": hidden,
            "intermediate_size": [2 * hidden] * layers,
            "num_hidden_layers": layers,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "head_dim": 32,
            "hidden_size_per_layer_input": 16,
            "laurel_rank": 8,
            "altup_num_inputs": 2,
            "num_kv_shared_layers": 2,
            "sliding_window": 64,
            "layer_types": ["sliding_attention", "full_attention"] * (layers // 2),
            "activation_sparsity_pattern": [0.95] + [0.0] * (layers - 1),
            "max_position_embeddings": 4096,
            "pad_token_id": 0,
            "eos_token_id": [1, 5],
            "bos_token_id": 2,
        },
        "audio_config": {
            "vocab_size": AUDIO_VOCAB,
            "vocab_offset": AUDIO_OFFSET,
            "hidden_size": 32,
            "conf_num_attention_heads": 2,
            "conf_num_hidden_layers": 2,
            "sscp_conv_channel_size": [16, 8],
        },
        "vision_config": {
            "architecture": "test_efficientnet",
            "hidden_size": 32,
            "vocab_size": VISION_VOCAB,
            "vocab_offset": VISION_OFFSET,
            "label_names": ["none"],
        },
        "audio_soft_tokens_per_image": AUDIO_SOFT_TOKENS,
        "vision_soft_tokens_per_image": 16,
        "boi_token_id": 7,
        "eoi_token_id": VISION_OFFSET,
        "image_token_id": VISION_OFFSET + 1,
        "boa_token_id": 6,
        "eoa_token_id": AUDIO_OFFSET,
        "audio_token_id": AUDIO_OFFSET + 1,
        "tie_word_embeddings": True,
    }


def _tokenizer() -> Any:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    names = {**SPECIAL_TOKENS, **MM_TOKENS}

    def name(i: int) -> str:
        return names.get(i, f"<unused{i}>")

    vocab: dict[str, int] = {name(i): i for i in range(N_SPECIAL)}
    for j, ch in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet())):
        vocab[ch] = N_SPECIAL + j
    vocab.update({name(i): i for i in range(TEXT_VOCAB, VOCAB_SIZE)})
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = [*range(N_SPECIAL), *range(TEXT_VOCAB, VOCAB_SIZE)]
    tok.add_special_tokens([AddedToken(name(i), special=True, normalized=False) for i in specials])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<bos>",
        eos_token="<eos>",
        pad_token="<pad>",
        unk_token="<unk>",
        extra_special_tokens={
            "audio_token": "<audio_soft_token>",
            "boa_token": "<start_of_audio>",
            "eoa_token": "<end_of_audio>",
            "image_token": "<image_soft_token>",
            "boi_token": "<start_of_image>",
            "eoi_token": "<end_of_image>",
        },
        chat_template=CHAT_TEMPLATE,
    )


def write_tiny_checkpoint(out: str | Path, *, seed: int = 0, hidden: int = 64) -> Path:
    """Write a loadable tiny Gemma 3n checkpoint (model + processor) to `out`; return its path."""
    import torch
    from transformers import (
        Gemma3nAudioFeatureExtractor,
        Gemma3nConfig,
        Gemma3nForConditionalGeneration,
        Gemma3nProcessor,
        SiglipImageProcessor,
    )

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    config = Gemma3nConfig(**tiny_config(hidden=hidden))
    model = Gemma3nForConditionalGeneration(config).eval()
    model.save_pretrained(str(out))
    image_processor = SiglipImageProcessor(size={"height": 32, "width": 32})
    processor = Gemma3nProcessor(
        feature_extractor=Gemma3nAudioFeatureExtractor(),
        image_processor=image_processor,
        tokenizer=_tokenizer(),
        chat_template=CHAT_TEMPLATE,
        audio_seq_length=AUDIO_SOFT_TOKENS,
        image_seq_length=16,
    )
    processor.save_pretrained(str(out))
    (out / "TINY.md").write_text(
        "Tiny Gemma 3n checkpoint with RANDOM weights, written by "
        "`python -m assistant.engines.gemma3n.tiny`. It exercises the code, it does not talk.\n"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    path = write_tiny_checkpoint(args.outdir, seed=args.seed)
    print(f"wrote a tiny Gemma 3n checkpoint (random weights) to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
