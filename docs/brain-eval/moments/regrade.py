"""Re-judge recorded calls with the moment grounding applied (offline): each record's calls are
grounded with `assistant.grounding.ground_moment` against its own text and judged again by
evalkit's checker at its reference time.

python docs/brain-eval/moments/regrade.py 'docs/brain-eval/ft11-experiment/records/shipped-*.jsonl.gz'
"""
import glob
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from evalkit.compare import load
from evalkit.checker import check
from evalkit.items import ExpectedCall
from evalkit.values import REFERENCE_NOW
from assistant.toolcall import ToolCall
from assistant.grounding import ground_moment

MOMENTS = {"set_reminder": {"when": "future"}, "log_dose": {"time": "past"}}

def exp(e):
    return ExpectedCall(e['name'], {k: tuple(v) if isinstance(v, list) else (v,) for k, v in e['args'].items()}, frozenset(e.get('optional', ())))

pattern = sys.argv[1]
tot = {"fixed": 0, "broken": 0, "changed": 0, "same": 0, "items": 0}
for f in sorted(glob.glob(pattern)):
    fixed = broken = changed = n = 0
    for r in load(f)[1]:
        n += 1
        calls = [ToolCall(c['name'], c['arguments']) for c in r['calls']]
        expected = [exp(e) for e in r['expected']]
        v0 = check(expected, calls, malformed=bool(r.get('malformed')) and not calls)
        if v0.passed != r['passed']:
            tot['same'] += 1  # sanity: re-judging the record as is should agree
        new = [ground_moment(c, MOMENTS.get(c.name, {}), r['text'], REFERENCE_NOW) for c in calls]
        if new == calls:
            continue
        changed += 1
        v1 = check(expected, new, malformed=bool(r.get('malformed')) and not new)
        if v1.passed and not v0.passed: fixed += 1
        if v0.passed and not v1.passed: broken += 1
        mark = "FIX " if v1.passed and not v0.passed else "BREAK" if v0.passed and not v1.passed else ("ok  " if v1.passed else "bad ")
        print(f"  {mark} {r['text'][:70]!r}: {[c.arguments for c in calls][:1]} -> {[c.arguments for c in new][:1]}")
    print(f"{f.split('/')[-1]}: {n} items, {changed} changed, {fixed} fixed, {broken} broken")
    tot['fixed'] += fixed; tot['broken'] += broken; tot['changed'] += changed; tot['items'] += n
print(tot)
