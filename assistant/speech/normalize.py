"""An English text normaliser for word error rate: two transcripts that a person would read as
the same words compare equal.

"Log five hundred milligrams at four p.m.!" and "log 500 milligrams at 4 PM" both become
"log 500 milligrams at 4 pm". Steps: lower case; "a.m."/"p.m." -> "am"/"pm"; "%" -> "percent";
hyphens and slashes split words; other punctuation dropped (apostrophes in contractions kept);
number words -> digits (text2num's `alpha2digit`, which also turns "one", "two" into 1, 2);
ordinals too ("first" -> "1st"); "4pm" -> "4 pm"; whitespace collapsed. For scoring only: the
loop reads spoken confirmations from the raw transcript, not from this.
"""

from __future__ import annotations

import re
import unicodedata

_AMPM = re.compile(r"\b([ap])\.?\s?m\b\.?", re.I)
_DIGIT_UNIT = re.compile(r"(\d)(am|pm|mg|ml|kg|km|g|h|s)\b")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_DECIMAL_KEEP = re.compile(r"(?<=\d)\.(?=\d)")
_KEEP = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")
_EDGE_APOSTROPHE = re.compile(r"(^|\s)'+|'+(\s|$)")
_DECIMAL_MARK = "\u2024"  # a placeholder that survives punctuation removal


def _words_to_digits(text: str) -> str:
    from text_to_num import alpha2digit

    return str(alpha2digit(text, "en", threshold=0))


def normalize(text: str) -> str:
    """Normalise English `text` for WER. Idempotent."""
    s = unicodedata.normalize("NFKC", text).lower()
    s = s.replace("’", "'").replace("‘", "'")
    s = _AMPM.sub(lambda m: f" {m.group(1)}m ", s)
    s = s.replace("%", " percent ").replace("&", " and ").replace("+", " plus ")
    s = _THOUSANDS.sub("", s)
    s = _DECIMAL_KEEP.sub(_DECIMAL_MARK, s)
    s = re.sub(r"[-/_]", " ", s)
    s = _KEEP.sub(lambda m: m.group(0) if _DECIMAL_MARK in m.group(0) else " ", s)
    s = _EDGE_APOSTROPHE.sub(" ", s)
    s = _words_to_digits(_SPACES.sub(" ", s).strip())
    s = s.replace(_DECIMAL_MARK, ".")
    s = _DIGIT_UNIT.sub(r"\1 \2", s)
    return _SPACES.sub(" ", s).strip()


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate after normalising both sides (jiwer). An empty reference counts every
    hypothesis word as an insertion."""
    import jiwer

    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return float(len(hyp.split()))
    return float(jiwer.wer(ref, hyp))


def corpus_wer(references: list[str], hypotheses: list[str]) -> float:
    """Corpus WER: total errors over total reference words (not the mean of per-item WERs)."""
    import jiwer

    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    refs = [normalize(r) for r in references]
    hyps = [normalize(h) for h in hypotheses]
    pairs = [(r, h) for r, h in zip(refs, hyps, strict=True) if r]
    if not pairs:
        raise ValueError("all references are empty")
    return float(jiwer.wer([r for r, _ in pairs], [h for _, h in pairs]))


__all__ = ["corpus_wer", "normalize", "wer"]
