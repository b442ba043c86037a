"""Shared by the tests/test_lfm2_*.py files: one tiny checkpoint per test process."""

from __future__ import annotations

import tempfile
from pathlib import Path

_DIR: Path | None = None


def tiny_checkpoint() -> Path:
    """Built once (through the CLI entry point) and reused by every lfm2 test module."""
    global _DIR
    if _DIR is None:
        import torch

        from assistant.engines.lfm2.tiny import main

        torch.set_num_threads(1)
        out = Path(tempfile.mkdtemp(prefix="tiny-lfm2-")) / "ckpt"
        assert main([str(out)]) == 0
        _DIR = out
    return _DIR


def script_hook(token_ids: list[int], after: int | None = None):
    """A test-only text-logits hook: forces `token_ids` one by one, then `after` (if given)
    forever, then leaves the model alone. Records how often it was asked."""
    import torch

    calls: list[int] = []

    def hook(logits: torch.Tensor, so_far: list[int]) -> torch.Tensor:
        calls.append(len(so_far))
        i = len(so_far)
        forced = token_ids[i] if i < len(token_ids) else after
        if forced is None:
            return logits
        out = torch.full_like(logits, -1e9)
        out[forced] = 0.0
        return out

    hook.calls = calls  # type: ignore[attr-defined]
    return hook


def tiny_chat(processor):
    """A chat with a system turn (its length is returned as the prefix), one second of random
    audio from the user and an open assistant turn."""
    import torch
    from liquid_audio import ChatState

    state = ChatState(processor, dtype=torch.float32)
    state.new_turn("system")
    state.add_text("Tools: <|tool_list_start|>[]<|tool_list_end|>")
    state.end_turn()
    prefix = state.text.shape[1]
    state.new_turn("user")
    state.add_audio(torch.randn(1, 16000, generator=torch.Generator().manual_seed(0)) * 0.1,
                    16000)
    state.end_turn()
    state.new_turn("assistant")
    return state, prefix
