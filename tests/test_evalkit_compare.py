"""evalkit compare: paired differences, McNemar's exact test, the flipped items, loading."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from evalkit import compare
from evalkit.cli import main


def record(i: int, passed: bool, *, should: bool = True, called: bool | None = None,
           latency: float | None = 1.0) -> dict[str, Any]:
    called = should if called is None else called
    return {"unit_id": f"u{i:03d}", "item_id": f"u{i:03d}", "text": f"request {i}",
            "should_call": should, "called": called, "passed": passed, "name_ok": passed,
            "arg_tp": 1 if passed else 0, "arg_fp": 0, "arg_fn": 0 if passed else 1,
            "expected": [{"name": "set_timer", "args": {}}] if should else [],
            "calls": [{"name": "set_timer", "arguments": {"minutes": i}}] if called else [],
            "reason": "" if passed else "set_timer: wrong minutes", "latency_call_s": latency}


@pytest.mark.parametrize(("b", "c", "p"), [(0, 0, 1.0), (3, 3, 1.0), (0, 8, 2 / 2**8),
                                           (1, 9, 0.021484375), (9, 1, 0.021484375),
                                           (2, 5, 0.453125)])
def test_mcnemar_exact_matches_the_binomial(b: int, c: int, p: float) -> None:
    assert compare.mcnemar_exact(b, c) == pytest.approx(p)


def test_the_same_records_differ_by_nothing() -> None:
    recs = [record(i, i % 3 != 0) for i in range(30)]
    c = compare.compare(("a", recs), ("b", recs), n_boot=200)
    assert c.paired == 30 and not c.fixed and not c.broken and c.p_value == 1.0
    for d in c.deltas:
        if d.metric == "false_alarm_rate":  # no item here needs no call: undefined, not 0
            assert d.n == 0 and d.diff is None
        else:
            assert d.diff == 0 and d.low == d.high == 0, d


def test_a_gain_on_the_same_items_is_counted_listed_and_significant() -> None:
    base = [record(i, i >= 10) for i in range(40)]  # items 0-9 wrong
    new = [record(i, i >= 2) for i in range(40)]  # 8 of them fixed, nothing broken
    c = compare.compare(("base", base), ("new", new), n_boot=500)
    acc = next(d for d in c.deltas if d.metric == "item_accuracy")
    assert acc.base == pytest.approx(0.75) and acc.new == pytest.approx(0.95)
    assert acc.diff == pytest.approx(0.2)
    assert acc.low is not None and acc.high is not None and 0 < acc.low <= 0.2 <= acc.high
    assert [f.unit_id for f in c.fixed] == [f"u{i:03d}" for i in range(2, 10)]
    assert not c.broken and c.both_right == 30 and c.both_wrong == 2
    assert c.p_value == pytest.approx(2 / 2**8)
    md = compare.markdown(c)
    assert "right only in NEW: 8" in md and "u009" in md and "wrong minutes" in md


def test_a_false_alarm_shows_as_a_rise_of_the_rate() -> None:
    base = [record(i, True, should=False) for i in range(20)]
    new = [record(i, i != 5, should=False, called=i == 5) for i in range(20)]
    c = compare.compare(("base", base), ("new", new), n_boot=200)
    fa = next(d for d in c.deltas if d.metric == "false_alarm_rate")
    assert fa.base == 0 and fa.new == pytest.approx(0.05) and fa.diff == pytest.approx(0.05)
    assert [f.unit_id for f in c.broken] == ["u005"] and "set_timer" in c.broken[0].new


def test_only_shared_items_pair_and_different_sets_are_refused() -> None:
    base = [record(i, True) for i in range(10)]
    new = [record(i, True) for i in range(5, 15)]
    c = compare.compare(("a", base), ("b", new), n_boot=0)
    assert (c.paired, c.only_base, c.only_new) == (5, 5, 5)
    with pytest.raises(ValueError, match="share no item"):
        compare.compare(("a", base[:5]), ("b", new[5:]), n_boot=0)
    renamed = [dict(r, text="something else") for r in base]
    with pytest.raises(ValueError, match="not the same set"):
        compare.compare(("a", base), ("b", renamed), n_boot=0)
    with pytest.raises(ValueError, match="unknown metric"):
        compare.compare(("a", base), ("b", base), names=["accuracy"], n_boot=0)


def test_latency_differences_are_paired_medians() -> None:
    base = [record(i, True, latency=2.0) for i in range(10)]
    new = [record(i, True, latency=None if i == 0 else 1.5) for i in range(10)]
    c = compare.compare(("a", base), ("b", new), names=["latency_call_p50"], n_boot=100)
    (d,) = c.deltas
    assert d.diff == pytest.approx(-0.5) and d.n == 9


def _write_run(run_dir: Path, name: str, recs: list[dict[str, Any]], gz: bool = False) -> None:
    folder = run_dir / "records" if gz else run_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.meta.json").write_text(json.dumps({"status": "run"}))
    text = "".join(json.dumps(r) + "\n" for r in recs)
    if gz:
        with gzip.open(folder / f"{name}.jsonl.gz", "wt") as f:
            f.write(text)
    else:
        (folder / f"{name}.jsonl").write_text(text)


def test_loading_run_directories_docs_layouts_and_files(tmp_path: Path) -> None:
    recs = [record(i, True) for i in range(4)]
    _write_run(tmp_path / "run", "cascade-text-0.5b", recs)
    _write_run(tmp_path / "run", "gemma-text", recs)
    _write_run(tmp_path / "docs", "cascade-text-0.5b-tools-merged", recs, gz=True)
    (tmp_path / "run" / "heard-cache.jsonl").write_text("{}\n")  # no meta: not a variant
    old = tmp_path / "old-docs" / "records"  # records kept before metas were: found by content
    old.mkdir(parents=True)
    with gzip.open(old / "cascade-text-0.5b-tools.jsonl.gz", "wt") as f:
        f.write("".join(json.dumps(r) + "\n" for r in recs))
    with gzip.open(old / "heard-by-unit.jsonl.gz", "wt") as f:
        f.write('{"unit_id": "u000", "heard": "request"}\n')
    assert compare.load(str(tmp_path / "old-docs")) == ("old-docs:cascade-text-0.5b-tools", recs)
    with pytest.raises(ValueError, match=r"2 variants.*name one"):
        compare.load(str(tmp_path / "run"))
    with pytest.raises(ValueError, match="no records of 'qwen'"):
        compare.load(f"{tmp_path / 'run'}:qwen")
    label, got = compare.load(f"{tmp_path / 'run'}:cascade-text-0.5b")
    assert label == "run:cascade-text-0.5b" and got == recs
    label, got = compare.load(str(tmp_path / "docs"))
    assert label == "docs:cascade-text-0.5b-tools-merged" and got == recs
    label, _ = compare.load(str(tmp_path / "docs" / "records" /
                                "cascade-text-0.5b-tools-merged.jsonl.gz"))
    assert label == "cascade-text-0.5b-tools-merged"
    with pytest.raises(FileNotFoundError):
        compare.load(str(tmp_path / "nowhere"))


def test_the_command_writes_markdown_and_says_why_it_cannot(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    _write_run(tmp_path / "a", "x", [record(i, i > 3) for i in range(12)])
    _write_run(tmp_path / "b", "y", [record(i, True) for i in range(12)])
    out = tmp_path / "cmp.md"
    assert main(["--n-boot", "100", "compare", str(tmp_path / "a"), str(tmp_path / "b"),
                 "--md", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# b:y vs a:x, paired") and "right only in NEW: 4" in text
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "missing")]) == 2
    assert "no such records file" in capsys.readouterr().err
