"""Speech recognition and synthesis backends (Whisper, Piper, espeak, Kokoro). Each lives in a
submodule and imports its heavy dependencies lazily, so importing this package is cheap. The
protocols they implement and `BackendUnavailable` are `assistant.backend`'s, re-exported here.

A leaf: speech/ imports nothing from engines/, tools/ or the loop; what it needs of the domain
(the drug names Whisper is biased towards) is given to it.
"""

from __future__ import annotations

from assistant.backend import BackendUnavailable, Synthesizer, Transcriber

__all__ = ["BackendUnavailable", "Synthesizer", "Transcriber"]
