"""The brain's own confidence in the tool it names: once it opens a call, P(name | call) over
the 17 tool names (each name's tokens scored after `<tool_call>\\n{"name": "`, renormalised).
Are near-miss false alarms and wrong tools less sure than right calls?

python docs/brain-eval/second-opinion/names.py OUT.jsonl everyday-2,everyday,holdout,durations

Runs the default brain (merged adapter) on the texts of committed records; P(call) is
recomputed and matches the record's to the printed digits.
"""

import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from records import ROOT, records

sys.path.insert(0, str(ROOT))
from assistant.engine import Message, Request
from assistant.engines import chat
from assistant.engines.chat.runtime import log_softmax
from assistant.tools import catalogue


def main(out: str, which: str) -> None:
    engine = chat.build(chat.Options(threads=2))
    rt, specs = engine.runtime, catalogue()
    rows, t0 = [], time.time()
    for name, r in records(which):
        if not r["calls"] and not r["should_call"]:
            continue
        req = Request((Message("user", text=r["text"]),), specs)
        rt.preload(engine.head(req))
        ids = rt.tokenize(engine.prompt(req))
        base = ids + rt.tokenize(engine.call_start) + rt.tokenize("\n") + \
            rt.tokenize('{"name": "')
        logp = {}
        for spec in specs:
            toks = rt.tokenize(spec.name + '"')
            logp[spec.name] = sum(float(log_softmax(rt.logits(base + toks[:i]))[t])
                                  for i, t in enumerate(toks))
        z = np.logaddexp.reduce(list(logp.values()))
        pn = {n: math.exp(v - z) for n, v in logp.items()}
        rows.append({"set": name, "id": r["unit_id"], "text": r["text"],
                     "should": r["should_call"], "gold": r["tool"],
                     "called": r["calls"][0]["name"] if r["calls"] else None,
                     "passed": r["passed"], "name_ok": r["name_ok"],
                     "p_call": engine.p_call(ids), "pn": pn})
    print(f"{len(rows)} items in {time.time() - t0:.0f} s", file=sys.stderr)
    Path(out).write_text("\n".join(json.dumps(r) for r in rows) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
