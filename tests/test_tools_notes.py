"""Notes: add, FTS5 search, read back, delete, persistence."""

from __future__ import annotations

import pytest
from tools_helpers import Clock, call, make_ctx

from assistant.tools import ErrorCode, Registry
from assistant.tools.notes import tools


@pytest.fixture
def notes(tmp_path):
    clock = Clock()
    ctx = make_ctx(tmp_path, now=clock)
    registry = Registry(tools(ctx))
    for text in ("Dentist appointment on Friday at 3 pm", "Buy milk, eggs and bread",
                 "The wifi password is on the fridge", "Call the dentist about the bill"):
        clock.advance(60)
        assert call(registry, "add_note", text=text).ok
    yield registry, ctx, clock
    ctx.store.close()


def test_add_returns_id_and_rejects_blank(notes):
    registry, _, _ = notes
    added = call(registry, "add_note", text="  remember the umbrella  ")
    assert added.ok and added.data["note_id"] == 5 and added.data["text"] == "remember the umbrella"
    assert call(registry, "add_note", text="   ").error == ErrorCode.INVALID_ARGUMENTS
    assert call(registry, "add_note", text="").error == ErrorCode.INVALID_ARGUMENTS


def test_search_uses_fts_with_stemming_and_ranking(notes):
    registry, _, _ = notes
    found = call(registry, "search_notes", query="dentist appointments").data
    assert [n["text"] for n in found["notes"]] == ["Dentist appointment on Friday at 3 pm"]
    assert found["summary"] == "I found 1 note about dentist appointments."
    both = call(registry, "search_notes", query="what did I write about the dentist").data
    assert {n["note_id"] for n in both["notes"]} == {1, 4}
    # No note has every word: fall back to any word.
    anyword = call(registry, "search_notes", query="milk password").data
    assert {n["note_id"] for n in anyword["notes"]} == {2, 3}
    none = call(registry, "search_notes", query="giraffe").data
    assert none["notes"] == [] and none["summary"] == "I found no notes about giraffe."


@pytest.mark.parametrize("query", ['"', "NEAR(a b", "milk OR", "*", "a:b", "') DROP TABLE notes;--"])
def test_search_never_passes_fts_syntax_through(notes, query):
    registry, _, _ = notes
    result = call(registry, "search_notes", query=query)
    assert result.ok or result.error == ErrorCode.INVALID_ARGUMENTS, result.message
    assert call(registry, "read_notes", limit=50).data["total"] == 4


def test_read_latest_first_with_limit(notes):
    registry, _, _ = notes
    data = call(registry, "read_notes", limit=2).data
    assert [n["note_id"] for n in data["notes"]] == [4, 3]
    assert data["total"] == 4 and data["summary"] == "Here are your latest 2 notes, newest first."
    assert len(call(registry, "read_notes").data["notes"]) == 4


def test_delete_removes_from_search_and_missing_is_not_found(notes):
    registry, _, _ = notes
    deleted = call(registry, "delete_note", note_id=1)
    assert deleted.ok and deleted.data["text"].startswith("Dentist appointment")
    found = call(registry, "search_notes", query="dentist").data
    assert [n["note_id"] for n in found["notes"]] == [4]
    missing = call(registry, "delete_note", note_id=1)
    assert missing.error == ErrorCode.NOT_FOUND and "no note number 1" in missing.message


def test_notes_persist_across_reopening_the_store(notes, tmp_path):
    _, ctx, _ = notes
    ctx.store.close()
    ctx2 = make_ctx(tmp_path)
    registry = Registry(tools(ctx2))  # migrations are idempotent
    assert call(registry, "read_notes", limit=10).data["total"] == 4
    assert call(registry, "search_notes", query="wifi").data["notes"][0]["note_id"] == 3
    ctx2.store.close()


def test_wal_mode(notes):
    _, ctx, _ = notes
    assert ctx.store.query("PRAGMA journal_mode")[0][0] == "wal"
