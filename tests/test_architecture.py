"""The import direction between packages: core <- speech <- engines <- app, evalkit <- finetune.

- core: the loop and its values (`engine`, `events`, `toolcall`, `outcome`, `prompt`, `policy`,
  `loop`, `batching`, `backend`), `audio/` and `tools/`;
- speech: ASR/TTS backends, a leaf that is given what it needs of the domain;
- engines: model pipelines (they may use speech and the core);
- app, the CLI, evalkit, finetune: built on everything below.
Every import counts, function-level ones included (heavy imports live inside functions).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RANK = {"core": 0, "speech": 1, "engines": 2, "app": 3, "evalkit": 3, "finetune": 4}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] in ("evalkit", "finetune"):
        return parts[0]
    sub = parts[1] if len(parts) > 1 else ""
    if sub in ("speech", "engines", "app"):
        return sub
    if sub in ("cli", "__main__"):
        return "app"
    return "core"


def imports() -> dict[tuple[str, str], list[str]]:
    """(from layer, to layer) -> 'module -> imported' for every import between two layers."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for package in ("assistant", "evalkit", "finetune"):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(
                ".__init__")
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                else:
                    continue
                for name in names:
                    if name.split(".")[0] in ("assistant", "evalkit", "finetune"):
                        a, b = layer(module), layer(name)
                        if a != b:
                            found[(a, b)].append(f"{module} -> {name}")
    return found


def test_no_package_imports_a_layer_above_it() -> None:
    found = imports()
    assert found, "the walk found no imports at all: it is broken"
    upward = {edge: where for edge, where in found.items() if RANK[edge[0]] < RANK[edge[1]]}
    assert not upward, "imports against the direction core <- speech <- engines <- apps:\n" + \
        "\n".join(f"  {a} -> {b}: {', '.join(w)}" for (a, b), w in sorted(upward.items()))
    cycles = [(a, b) for (a, b) in found if (b, a) in found]
    assert not cycles, f"packages that import each other: {cycles}"


def test_speech_and_tools_never_import_engines() -> None:
    found = imports()
    assert ("engines", "speech") in found  # the walk sees the edges that are allowed
    offenders = [w for (a, b), where in found.items() if b == "engines" and a in ("core", "speech")
                 for w in where]
    tools = [w for where in found.values() for w in where
             if w.startswith("assistant.tools") and (".engines" in w.split(" -> ")[1]
                                                     or ".speech" in w.split(" -> ")[1])]
    assert not offenders and not tools, offenders + tools


def test_the_layering_rule_can_fail() -> None:
    # a speech backend importing an engine would be reported
    assert RANK[layer("assistant.speech.whisper")] < RANK[layer("assistant.engines.lfm2")]
    assert layer("assistant.tools.formulary") == "core" and layer("evalkit.runner") == "evalkit"
