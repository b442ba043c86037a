"""The lock file is the one resolved from this pyproject.toml (`make lock` records which)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_lock_was_resolved_from_this_pyproject() -> None:
    lock = (ROOT / "requirements" / "lock.txt").read_text("utf-8")
    recorded = re.findall(r"^# resolved from pyproject\.toml sha256 ([0-9a-f]{64})$", lock, re.M)
    current = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    assert recorded == [current], "pyproject.toml changed since `make lock`: run it again"
