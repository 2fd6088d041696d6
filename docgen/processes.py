"""Whether a process that claimed work (an import, a job) is still there.

A process killed with its parent can stay a zombie until something reaps it; it does no more
work, so it counts as gone (os.kill(pid, 0) alone would call it alive).
"""

from __future__ import annotations

import os
from pathlib import Path


def alive(pid: int) -> bool:
    """The process exists on this host and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc to ask: trust the signal
    return state not in ("Z", "X")
