"""The shipped brain's committed records that verify.py and names.py read, by set."""

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SETS = {
    "holdout": "docs/brain-eval/merged/records/holdout-phrasings.jsonl.gz",
    "everyday": "docs/brain-eval/merged/records/everyday.jsonl.gz",
    "durations": "docs/brain-eval/merged/records/timer-durations.jsonl.gz",
    "everyday-2": "docs/brain-eval/everyday-2/records/cascade-text-0.5b-tools-merged.jsonl.gz",
    "everyday-3": "docs/brain-eval/everyday-3/records/cascade-text-0.5b-tools-merged.jsonl.gz",
}


def records(names: str) -> Iterator[tuple[str, dict]]:
    """(set, record) for each set named in the comma-separated `names`."""
    for name in names.split(","):
        for line in gzip.decompress((ROOT / SETS[name]).read_bytes()).decode().splitlines():
            yield name, json.loads(line)
