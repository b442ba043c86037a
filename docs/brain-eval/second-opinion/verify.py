"""A second opinion, zero-shot: does an untuned instruct model, asked "is the user asking for
exactly this?", tell the shipped brain's wrong calls from its right ones?

python docs/brain-eval/second-opinion/verify.py MODEL.gguf OUT.jsonl everyday-2,everyday,holdout

Reads the calls the shipped brain proposed in committed records (nothing is re-run), asks the
model once per call and keeps P(yes) / (P(yes) + P(no)) at the answer's first token.
"""

import json
import math
import sys
import time
from pathlib import Path

import llama_cpp
import numpy as np
from records import ROOT, records

sys.path.insert(0, str(ROOT))
from assistant.tools import catalogue

DESC = {t.name: t.description for t in catalogue()}


def prompt(text: str, call: dict) -> str:
    args = json.dumps(call["arguments"]) if call["arguments"] else "no arguments"
    return ("<|im_start|>system\nYou check the actions of a voice assistant. Answer only yes or "
            "no.<|im_end|>\n"
            f"<|im_start|>user\nThe user said: \"{text}\"\n\nThe assistant is about to run this "
            f"action:\n{call['name']} ({DESC[call['name']]}) with {args}\n\n"
            "Is the user asking the assistant to do exactly this, right now? Answer yes or no."
            "<|im_end|>\n<|im_start|>assistant\n")


def main(model: str, out: str, which: str) -> None:
    llm = llama_cpp.Llama(model_path=model, n_ctx=1024, n_threads=2, verbose=False)
    yes = [llm.tokenize(w.encode(), add_bos=False)[0] for w in ("yes", "Yes")]
    no = [llm.tokenize(w.encode(), add_bos=False)[0] for w in ("no", "No")]
    rows, t0 = [], time.time()
    for name, r in records(which):
        if not r["calls"] or r["calls"][0]["name"] not in DESC:
            continue
        call = r["calls"][0]
        llm.reset()
        llm.eval(llm.tokenize(prompt(r["text"], call).encode(), add_bos=False, special=True))
        ptr = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
        logits = np.ctypeslib.as_array(ptr, shape=(llm.n_vocab(),)).astype(np.float64)
        p = 1 / (1 + math.exp(np.logaddexp.reduce(logits[no]) - np.logaddexp.reduce(logits[yes])))
        rows.append({"set": name, "id": r["unit_id"], "text": r["text"], "call": call["name"],
                     "good": bool(r["should_call"] and r["name_ok"]),
                     "fa": not r["should_call"], "p_yes": p})
    print(f"{len(rows)} calls in {time.time() - t0:.0f} s", file=sys.stderr)
    Path(out).write_text("\n".join(json.dumps(r) for r in rows) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
