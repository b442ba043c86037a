"""Shared test set-up."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _qt_objects_die_on_the_gui_thread() -> Iterator[None]:
    """Delete the widgets pytest-qt closed (it only calls deleteLater) before the next test.

    Outside a running event loop Qt never gets to those deferred deletes, so the windows would
    be destroyed by Python's cyclic collector, in whichever thread it runs: in the app tests
    often the next window's model thread, and Qt crashes later in some paint event. Torn down
    after every other fixture (autouse fixtures are set up first).
    """
    yield
    qt = sys.modules.get("PySide6.QtCore")
    if qt is not None and qt.QCoreApplication.instance() is not None:
        qt.QCoreApplication.sendPostedEvents(None, qt.QEvent.Type.DeferredDelete)
