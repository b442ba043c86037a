"""Judge recorded calls again with this checkout's checker, which reads times with the parser
the change mends (`evalkit.values.norm_when` calls `assistant.tools.when.parse_when`): a run
judged by the old parser and one by the new are not comparable until both are judged by one.
Writes each records file again, its verdict fields replaced, into `rejudged/` beside its
folder, and says which verdicts changed; `python -m evalkit compare` then pairs them.

python docs/brain-eval/month-days/rejudge.py docs/brain-eval/month-days/records/md-with.jsonl.gz
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.toolcall import ToolCall
from evalkit.checker import check
from evalkit.compare import load
from evalkit.items import ExpectedCall


def rejudge(path: Path) -> None:
    rows, changed = [], []
    for r in map(dict, load(str(path))[1]):
        if "calls" in r and "expected" in r:
            calls = [ToolCall(c["name"], c["arguments"]) for c in r["calls"]]
            v = check([ExpectedCall.from_dict(e) for e in r["expected"]], calls,
                      malformed=bool(r.get("malformed")) and not calls)
            if v.passed != r["passed"]:
                changed.append(f"  {r['passed']} -> {v.passed}  {r['text'][:70]!r}")
            r.update(passed=v.passed, name_ok=v.name_ok, args_ok=v.args_ok, reason=v.reason,
                     problem=str(v.problem), arg_tp=v.args.tp, arg_fp=v.args.fp,
                     arg_fn=v.args.fn, wrong_args=list(v.wrong_args))
        rows.append(json.dumps(r, ensure_ascii=False))
    out = path.parent.parent / "rejudged" / path.name
    out.parent.mkdir(exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    print(f"{path.name}: {len(changed)} verdicts changed -> {out.name}", *changed, sep="\n")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        rejudge(Path(arg))
