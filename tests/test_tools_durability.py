"""Kill during write: a process logging doses and notes is SIGKILLed; nothing committed is lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

WRITER = textwrap.dedent("""
    import os
    import sys
    from pathlib import Path
    from assistant.tools import Store, ToolContext
    from assistant.tools.medication import MedicationLog
    from assistant.tools.notes import Notes

    path = Path(sys.argv[1])
    ctx = ToolContext(store=Store(path), data_dir=path.parent)
    notes, log = Notes(ctx), MedicationLog(ctx)
    i = 0
    while True:
        i += 1
        note = notes.add_note(f"note {i} " + "x" * (1 + i % 50))
        # Acknowledged only after the commit returned, in one atomic write (print() may split it).
        os.write(1, f"note {note['note_id']} {i}\\n".encode())
        dose = log.log_dose("metformin", i, "mg")
        os.write(1, f"dose {dose['dose_id']} {i}\\n".encode())
""")


def _write_until_killed(db: Path, writes: int) -> list[tuple[str, int, int]]:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=root)
    acknowledged: list[tuple[str, int, int]] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    try:
        while len(acknowledged) < writes and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"writer died: {proc.stderr.read() if proc.stderr else ''}")
            kind, row_id, i = line.split()
            acknowledged.append((kind, int(row_id), int(i)))
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # mid-write, most likely: it writes in a tight loop
        proc.wait(timeout=10)
    rest = proc.stdout.read()  # through the same buffer readline used: nothing skipped
    proc.stdout.close()
    if proc.stderr is not None:
        proc.stderr.close()
    assert rest == "" or rest.endswith("\n"), repr(rest[-100:])  # whole lines only
    for line in rest.splitlines():  # written before the kill: those commits were acknowledged
        kind, row_id, i = line.split()
        acknowledged.append((kind, int(row_id), int(i)))
    assert proc.returncode == -signal.SIGKILL
    return acknowledged


@pytest.mark.parametrize("rounds", [2])
def test_sigkill_during_writes_loses_nothing_committed(tmp_path, rounds):
    db = tmp_path / "assistant.sqlite3"
    acknowledged: list[tuple[str, int, int]] = []
    for _ in range(rounds):  # each round reopens the file the last one was killed over
        acknowledged += _write_until_killed(db, writes=100)

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")
        notes = dict(conn.execute("SELECT id, text FROM notes"))
        doses = dict(conn.execute("SELECT id, amount FROM doses"))
        for kind, row_id, i in acknowledged:
            if kind == "note":
                assert notes[row_id].startswith(f"note {i} "), (row_id, i)
            else:
                assert doses[row_id] == float(i), (row_id, i)
        # At most the one write in flight per round is unacknowledged.
        acked_notes = sum(1 for k, _, _ in acknowledged if k == "note")
        acked_doses = len(acknowledged) - acked_notes
        assert acked_notes <= len(notes) <= acked_notes + rounds
        assert acked_doses <= len(doses) <= acked_doses + rounds
        fts_hits = conn.execute("SELECT COUNT(*) FROM notes_fts WHERE notes_fts MATCH 'note'")
        assert fts_hits.fetchone()[0] == len(notes)  # the search index matches the table
    finally:
        conn.close()
