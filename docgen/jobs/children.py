"""Render worker processes of the web process (embedded queue): PDF layout off the web
process's lock and on another core, and gone as soon as the web process is, even by kill -9."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from huey import Huey

    from docgen.jobs.queue import Settings

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
RESTART_SECONDS = 1.0


def recycle_after(render: Huey, documents: int) -> None:
    """Have this render worker stop gracefully, after its current task, once it has laid out
    `documents` documents (0: never); its parent starts a fresh one.

    Each layout leaves memory behind below Python (about 2 MB a chunk of 50 consents, the
    same whether the documents differ or not; a malloc_trim gives little of it back), so a
    worker that lives through a 3,000-document job grows by ~100 MB. A fresh process costs
    about 2 CPU seconds; 1,000 documents cost some 100.
    """
    laid_out = 0
    stopping = False

    @render.post_execute(name="recycle")
    def count(task: Any, value: Any, exception: BaseException | None) -> None:
        nonlocal laid_out, stopping
        if task.name == "render_pdf":
            laid_out += len(task.args[0])
        elif task.name == "render_one":
            laid_out += 1
        if documents and laid_out >= documents and not stopping:
            stopping = True  # a second SIGINT would interrupt the graceful stop
            log.info("render worker laid out %d documents: making way for a fresh one", laid_out)
            os.kill(os.getpid(), signal.SIGINT)


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), and exit now if it
    already has."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    # The parent may have died before prctl: then this process was already handed to init.
    if os.getppid() != parent:
        os._exit(1)


class RenderChild:
    """One `flask --app docgen worker --render-only` process, restarted if it exits.

    It is started from a thread of its own that lives as long as this process: the kernel's
    parent-death signal follows the thread that started the child, not the process.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="render-child", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "docgen",
            "worker",
            "--render-only",
            "--parent",
            str(os.getpid()),
        ]

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("DOCGEN_")}
        return env | {
            "DOCGEN_DATABASE": self.settings.database,
            "DOCGEN_QUEUE_URL": self.settings.url,
            "DOCGEN_INSTANCE_PATH": self.settings.instance,
            "DOCGEN_QUEUE_CONSUMER": "false",
            "DOCGEN_QUEUE_IMMEDIATE": "false",
            "DOCGEN_QUEUE_RENDER_RECYCLE": str(self.settings.render_recycle),
            # It serves no page: a key of its own, never written to the instance folder.
            "DOCGEN_SECRET_KEY": secrets.token_hex(16),
        }

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(self._command(), env=self._environment())
            code = self.process.wait()
            if code == 0 and time.monotonic() - started >= RESTART_SECONDS:
                continue  # it made way for a fresh one (recycle_after), or was stopped
            if not self._stopping.is_set():
                log.warning("render worker exited with %s; starting another", code)
                self._stopping.wait(RESTART_SECONDS)

    def stop(self, timeout: float = 30) -> None:
        """Stop gracefully (the current chunk is finished), or kill after `timeout`."""
        self._stopping.set()
        _stop(self.process, timeout)
        self._thread.join(timeout)
        _stop(self.process, timeout)  # one the supervisor started just before it saw the flag


def _stop(process: subprocess.Popen | None, timeout: float) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
