"""Fault-injection points for the crash-safety tests (inactive unless the test sets them).

``VOICE_MONITOR_FAULT_POINT=<name>`` makes ``reached(<name>)`` write the marker file named by
``VOICE_MONITOR_FAULT_MARKER`` and then, with ``VOICE_MONITOR_FAULT_MODE=pause`` (default),
sleep so the test can ``kill -9`` the run at exactly that moment.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def reached(point: str) -> None:
    if os.environ.get("VOICE_MONITOR_FAULT_POINT") != point:
        return
    marker = os.environ.get("VOICE_MONITOR_FAULT_MARKER")
    if marker:
        Path(marker).write_text(f"{os.getpid()} {point}\n", encoding="utf-8")
    if os.environ.get("VOICE_MONITOR_FAULT_MODE", "pause") == "pause":
        time.sleep(600)
