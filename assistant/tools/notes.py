"""Notes: add, full-text search (SQLite FTS5), read back the latest, delete.

Note text is the user's (or whoever dictated it): it goes back to the model as untrusted data.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from assistant.tools.asking import WRITTEN
from assistant.tools.base import ErrorCode, SideEffect, Tool, ToolFailure, bind, whole_number
from assistant.tools.context import ToolContext
from assistant.tools.when import say_when

MAX_NOTE_CHARS = 4000

SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(
    text, content='notes', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS notes_ai AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS notes_ad AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""

# Words that carry no search meaning in a spoken query ("what did I write about the dentist").
_STOPWORD_TEXT = ("a an and about any are did do for from i in is it me my note notes of on or "
                  "said say the to was what when where which with wrote write")
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


# How many notes a request asks to read: a count next to "notes" ("my last 3 notes", "the three
# newest notes"), or one where it asks for the newest in the singular ("my latest note", "the most
# recent one", "the last thing I noted"); the tool's default of 5 is for "read my notes".
_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
           "twenty": 20, "a couple of": 2, "couple of": 2, "a couple": 2, "couple": 2}
_NEWEST = r"(?:latest|last|newest|most\s+recent|recent|previous|final)"
_COUNTED = re.compile(
    rf"\b(?P<n>\d{{1,2}}|{'|'.join(k.replace(' ', r'\s+') for k in _COUNTS)})\s+"
    rf"(?:{_NEWEST}\s+|saved\s+)?notes\b", re.IGNORECASE)
_ONE = re.compile(
    rf"\b{_NEWEST}\s+(?:(?:saved|written|added|stored|[a-z]+'s)\s+)?note\b(?!s)"
    rf"|\b(?:the\s+)?{_NEWEST}\s+(?:one|thing\s+i\s+(?:noted|jotted|wrote|saved|added))\b"
    rf"(?=.*\bnote)", re.IGNORECASE | re.DOTALL)


def notes_asked(heard: str) -> int | None:
    """How many notes `heard` asks to read, where it says: "my latest note" 1, "my last 3 notes"
    3, "read my notes" None (the call keeps its own)."""
    text = heard.replace("\u2019", "'")
    if (count := _COUNTED.search(text)) is not None:
        n = count["n"].lower()
        return int(n) if n.isdigit() else _COUNTS[re.sub(r"\s+", " ", n)]
    return 1 if _ONE.search(text) else None


# A note dictated with its label: "note: parked on level 3", "nte to self tyre pressure is 36
# psi", "memo - bin day moved" (everyday-18: the brain called nothing, or `delete_note`).
_LABELLED = re.compile(
    r"\s*(?:(?:quick|new|a\s+quick)\s+)?(?:note|notes|nte|ntoe|noet|memo)"
    r"(?:\s*(?:[:\-\u2013\u2014]+)\s*|\s+to\s+(?:self|myself)\s*[:,\-\u2013\u2014]*\s*)"
    r"(?P<text>\w.*?)[\s.]*$", re.IGNORECASE | re.DOTALL)


def dictated_note(heard: str) -> dict[str, str] | None:
    """`add_note`'s arguments where `heard` dictates a note with its label ("note to self: the
    spare key is under the blue pot"), or None."""
    labelled = _LABELLED.fullmatch(heard)
    return {"text": labelled["text"]} if labelled else None


class Notes:
    def __init__(self, ctx: ToolContext) -> None:
        self.ctx = ctx
        ctx.store.migrate(SCHEMA)

    def _row(self, row: Any) -> dict[str, Any]:
        created = datetime.fromtimestamp(row["created_at"], self.ctx.now().tzinfo)
        return {"note_id": row["id"], "text": row["text"], "created_at": created.isoformat()}

    def add_note(self, text: str) -> dict[str, Any]:
        body = text.strip()
        if not body:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, "The note is empty: what should it say?")
        if len(body) > MAX_NOTE_CHARS:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                              f"That note is too long (over {MAX_NOTE_CHARS} characters).")
        with self.ctx.store.transaction() as conn:
            cur = conn.execute("INSERT INTO notes (text, created_at) VALUES (?, ?)",
                               (body, self.ctx.now().timestamp()))
            note_id = cur.lastrowid
        return {"note_id": note_id, "text": body, "summary": f"Saved note {note_id}."}

    def search_notes(self, query: str) -> dict[str, Any]:
        words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 1 or w.isdigit()]
        terms = [w for w in words if w not in _STOPWORDS] or words
        if not terms:
            raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, "What should I search the notes for?")
        quoted = [f'"{t}"*' for t in terms[:12]]  # quoted: user words are never FTS syntax
        rows: list[Any] = []
        for joiner in (" ", " OR "):  # every word first, then any word
            rows = self.ctx.store.query(
                "SELECT n.id, n.text, n.created_at FROM notes_fts f JOIN notes n ON n.id = f.rowid "
                "WHERE notes_fts MATCH ? ORDER BY bm25(notes_fts), n.id DESC LIMIT 10",
                (joiner.join(quoted),),
            )
            if rows:
                break
        notes = [self._row(r) for r in rows]
        phrase = " ".join(terms)
        if not notes:
            summary = f"I found no notes about {phrase}."
        else:
            summary = f"I found {len(notes)} note{'s' if len(notes) != 1 else ''} about {phrase}."
        return {"query": query, "notes": notes, "summary": summary}

    def read_notes(self, limit: int = 5) -> dict[str, Any]:
        rows = self.ctx.store.query(
            "SELECT id, text, created_at FROM notes ORDER BY created_at DESC, id DESC LIMIT ?",
            (limit,),
        )
        notes = [self._row(r) for r in rows]
        total = self.ctx.store.query("SELECT COUNT(*) AS n FROM notes")[0]["n"]
        if not notes:
            summary = "You have no notes."
        elif len(notes) == 1:
            summary = "Here is your latest note."
        else:
            summary = f"Here are your latest {len(notes)} notes, newest first."
        return {"notes": notes, "total": total, "summary": summary}

    def to_delete(self, note_id: int) -> str | None:
        """The note `delete_note` would delete, said by its number and when it was saved, not
        its words, which came from outside (`Tool.target`); None where there is none."""
        rows = self.ctx.store.query("SELECT created_at FROM notes WHERE id = ?", (note_id,))
        if not rows:
            return None
        now = self.ctx.now()
        return f"note {note_id}, from {say_when(datetime.fromtimestamp(rows[0][0], now.tzinfo), now)}"

    def delete_note(self, note_id: int) -> dict[str, Any]:
        with self.ctx.store.transaction() as conn:
            row = conn.execute("SELECT id, text, created_at FROM notes WHERE id = ?",
                               (note_id,)).fetchone()
            if row is None:
                raise ToolFailure(ErrorCode.NOT_FOUND, f"There is no note number {note_id}.")
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        created = datetime.fromtimestamp(row["created_at"], self.ctx.now().tzinfo)
        return {"note_id": note_id, "text": row["text"],
                "summary": f"Deleted note {note_id}, from {say_when(created, self.ctx.now())}."}


_OBJ = {"type": "object", "additionalProperties": False}
TOOLS = (
    Tool(
        name="add_note",
        description="Save a note with the given text, to read back or search later.",
        parameters={**_OBJ, "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_NOTE_CHARS,
                     "description": "The note's text, as the user said it."}},
            "required": ["text"]},
        side_effect=SideEffect.WRITE,
        held_back_by=WRITTEN,  # "should I paint the fence blue?" is not a note
        action="note",
        dictated=dictated_note,  # "note: parked on level 3, bay 42" got delete_note(1)
    ),
    Tool(
        name="search_notes",
        description=("Search saved notes by words they contain (full-text, any word form). "
                     "Returns matching notes, best match first, with their note_id."),
        parameters={**_OBJ, "properties": {
            "query": {"type": "string", "minLength": 1, "maxLength": 200,
                      "description": "Words to look for, e.g. 'dentist appointment'."}},
            "required": ["query"]},
        side_effect=SideEffect.READ,
        returns_untrusted_text=True,
        action="note",
    ),
    Tool(
        name="read_notes",
        description="Read back the most recent notes, newest first, with their note_id.",
        parameters={**_OBJ, "properties": {
            "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5,
                      "description": "How many notes to read (default 5)."}},
            "required": []},
        side_effect=SideEffect.READ,
        returns_untrusted_text=True,
        action="note",
        counted={"limit": notes_asked},  # "show me my latest note" read back five
    ),
    Tool(
        name="delete_note",
        description=("Permanently delete one note by its note_id (from search_notes or "
                     "read_notes). Cannot be undone."),
        parameters={**_OBJ, "properties": {
            "note_id": {"type": "integer", "minimum": 1,
                        "description": "The note_id of the note to delete."}},
            "required": ["note_id"]},
        side_effect=SideEffect.DESTRUCTIVE,
        held_back_by=("said not to",),  # "please don't delete anything"
        action="delete", ids=("note_id",), listed={"note_id": whole_number},
    ),
)


def tools(ctx: ToolContext) -> list[Tool]:
    notes = Notes(ctx)
    return bind(TOOLS, {"delete_note": notes.to_delete}, add_note=notes.add_note,
                search_notes=notes.search_notes, read_notes=notes.read_notes,
                delete_note=notes.delete_note)
