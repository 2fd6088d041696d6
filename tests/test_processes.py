"""A process that claimed work counts as alive only while it can still do it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from docgen import processes


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_running_process_is_alive_and_a_zombie_or_a_reaped_one_is_not():
    assert processes.alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    # Not reaped yet: once it has exited it stays a zombie until wait() (bounded, not timed).
    for _ in range(6000):
        if _state(child.pid) == "Z":
            break
        time.sleep(0.01)
    assert _state(child.pid) == "Z"
    assert not processes.alive(child.pid)
    child.wait()
    assert not processes.alive(child.pid)
