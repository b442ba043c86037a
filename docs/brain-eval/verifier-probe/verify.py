"""Can a base instruct model tell a call that does what was asked from a near-miss?

For every call the shipped brain made in committed records, the base model (no adapter) is asked
yes or no: does this tool, as its description says, do what the user asked? The AUC of P(yes),
right calls against false alarms and wrong tools, is printed beside that of the name check's
P(name) on the same calls (records without `name-decision` events give nan).

python docs/brain-eval/verifier-probe/verify.py BRAIN [LIMIT]   (from the repository root)
    writes runs/probe/BRAIN.jsonl; LIMIT: stop after that many calls (a smoke run).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from assistant.engines.chat.brains import BRAINS, gguf_path  # noqa: E402
from assistant.engines.chat.llama import LlamaRuntime  # noqa: E402
from assistant.tools import catalogue  # noqa: E402
from evalkit.compare import load  # noqa: E402

RECORDS = ROOT / "docs" / "brain-eval"
SETS = {
    "everyday-4": RECORDS / "ft11-experiment/records/shipped-everyday-4.jsonl.gz",
    "holdout": RECORDS / "ft11-experiment/records/shipped-holdout-phrasings.jsonl.gz",
    "dev": RECORDS / "ft11-experiment/records/shipped-dev.jsonl.gz",
    "everyday-3": RECORDS / "everyday-3/records/cascade-text-0.5b-tools-merged.jsonl.gz",
    "everyday-2": RECORDS / "everyday-2/records/cascade-text-0.5b-tools-merged.jsonl.gz",
}
SYSTEM = ("You check a voice assistant's actions. Given what the user said and the action the "
          "assistant chose, answer yes if the action does what the user asked, no if the user "
          "asked for something else (even on the same topic) or for nothing the action does.")
TOOLS = {t.name: t for t in catalogue()}


def prompt(text: str, call: dict) -> str:
    tool = TOOLS[call["name"]]
    user = (f'The user said: "{text}"\n'
            f"The assistant chose: {tool.name}({json.dumps(call.get('arguments', {}))})\n"
            f"What {tool.name} does: {tool.description}\n"
            "Does this action do what the user asked? Answer yes or no.")
    return (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
            "<|im_start|>assistant\n")


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    a, b = np.array(pos)[:, None], np.array(neg)[None, :]
    return float(((a > b).sum() + 0.5 * (a == b).sum()) / (a.size * b.size))


def main(brain: str, limit: int) -> None:
    rt = LlamaRuntime(gguf_path(BRAINS[brain]), threads=2)
    yes = [rt.tokenize(s)[0] for s in ("yes", "Yes", " yes", " Yes")]
    no = [rt.tokenize(s)[0] for s in ("no", "No", " no", " No")]
    rows = []
    start = time.time()
    for set_name, path in SETS.items():
        for r in load(str(path))[1]:
            calls = r.get("calls") or []
            if not r["called"] or not calls or calls[0].get("name") not in TOOLS:
                continue
            if limit and len(rows) >= limit:
                break
            logits = rt.logits(rt.tokenize(prompt(r["text"], calls[0])))
            p = np.exp(logits - logits.max())
            named = next((e for e in r["events"] if e["kind"] == "name-decision"), None)
            rows.append({"set": set_name, "text": r["text"], "name": calls[0]["name"],
                         "good": bool(r["should_call"]) and calls[0]["name"] == r.get("tool"),
                         "fa": not r["should_call"],
                         "p_yes": float(p[yes].sum() / (p[yes].sum() + p[no].sum())),
                         "p_name": named["p_name"] if named else None})
    print(f"{len(rows)} calls in {time.time() - start:.0f} s", flush=True)
    out = ROOT / "runs" / "probe" / f"{brain}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(x) + "\n" for x in rows))
    for s in [*SETS, "all"]:
        rs = [x for x in rows if s in ("all", x["set"])]
        good = [x for x in rs if x["good"]]
        bad = [x for x in rs if not x["good"]]
        named = [x for x in rs if x["p_name"] is not None]
        line = (f"{s}: good {len(good)} bad {len(bad)} (FA {sum(x['fa'] for x in bad)}) "
                f"AUC p_yes {auc([x['p_yes'] for x in good], [x['p_yes'] for x in bad]):.3f} "
                f"p_name {auc([x['p_name'] for x in named if x['good']],
                              [x['p_name'] for x in named if not x['good']]):.3f}")
        for cut in (0.1, 0.2, 0.3, 0.5):
            line += (f" | cut {cut}: keeps good {sum(x['p_yes'] >= cut for x in good)} "
                     f"bad {sum(x['p_yes'] >= cut for x in bad)}")
        print(line)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
