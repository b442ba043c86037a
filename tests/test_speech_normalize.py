"""The English WER normaliser: equal readings compare equal, different words do not."""

from __future__ import annotations

import pytest

from assistant.speech.normalize import corpus_wer, normalize, wer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Log five hundred milligrams at four p.m.!", "log 500 milligrams at 4 pm"),
        ("log 500 milligrams at 4 PM", "log 500 milligrams at 4 pm"),
        ("Remind me at 7 a.m.", "remind me at 7 am"),
        ("4pm", "4 pm"),
        ("10mg", "10 mg"),
        ("Set a timer for ten minutes.", "set a timer for 10 minutes"),
        ("twenty-five degrees", "25 degrees"),
        ("It's 2.5 mg, 1,000 people", "it's 2.5 mg 1000 people"),
        ("What’s the weather in Paris?", "what's the weather in paris"),
        ("100%", "100 percent"),
        ("the first one", "the 1st 1"),
        ("  Mixed   CASE\tand\nspace ", "mixed case and space"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected
    assert normalize(expected) == expected  # idempotent


def test_wer_ignores_form_but_not_words() -> None:
    assert wer("Log five hundred milligrams of metformin.", "log 500 milligrams of metformin") == 0
    assert wer("log 500 milligrams of metformin", "log 500 milligrams of metform and") == 0.4
    assert wer("", "") == 0 and wer("", "two words") == 2


def test_corpus_wer_weights_by_length() -> None:
    refs = ["one two three four", "five"]
    hyps = ["one two three four", "six"]
    assert corpus_wer(refs, hyps) == pytest.approx(1 / 5)
    with pytest.raises(ValueError):
        corpus_wer(refs, hyps[:1])
