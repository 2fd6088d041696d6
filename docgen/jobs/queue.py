"""The queue itself: huey on SQLite in the instance folder by default, on Redis when configured.

Three queues share one storage: `jobs` for tasks that need the registry database (they run
where the database is), `files` for the PDF of a version just stored (it needs the database
too, and has a queue of its own so that it never waits behind a bulk job) and `render` for
tasks that only turn bytes into bytes (they can run on any machine that reaches Redis).
`flask --app docgen worker` consumes all three, or only `render` with --render-only. When the queue is embedded, the web process consumes `jobs` in
a thread and starts render worker processes that die with it (PDF layout holds a lock and
the GIL: in the web process it would make every page wait).
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from docgen.jobs import children, state, tasks
from docgen.registry.excel import batches

log = logging.getLogger(__name__)
# The longest an idle consumer sleeps between looks at its queue: a job or a PDF chunk waits
# for it up to this long (huey's backoff reaches it after a few empty looks). A look is one
# indexed read of the queue's table.
POLL_MAX_SECONDS = 0.2


@dataclass(frozen=True)
class Settings:
    """What the queue needs from the application's configuration (read in create_app)."""

    database: str
    instance: str
    url: str = ""
    immediate: bool = False
    consumer: bool = False
    threads: int = 1
    render_processes: int = 1
    render_recycle: int = 1000

    @property
    def tmp_root(self) -> Path:
        return Path(self.instance) / "tmp" / "jobs"

    @property
    def embedded(self) -> bool:
        return not self.url

    @classmethod
    def from_config(cls, config: Any, instance: str) -> Settings:
        return cls(
            database=config["DATABASE"],
            instance=instance,
            url=config.get("QUEUE_URL") or "",
            immediate=bool(config.get("QUEUE_IMMEDIATE")),
            consumer=bool(config.get("QUEUE_CONSUMER")),
            threads=int(config.get("QUEUE_THREADS") or 1),
            render_processes=int(config.get("QUEUE_RENDER_PROCESSES") or 0),
            render_recycle=int(config.get("QUEUE_RENDER_RECYCLE") or 0),
        )


def _huey(settings: Settings, name: str) -> Huey:
    options: dict[str, Any] = {"immediate": settings.immediate, "utc": True}
    if settings.url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=settings.url, **options)
    if settings.url:
        raise ValueError(f"DOCGEN_QUEUE_URL: ожидается адрес redis://…, получено {settings.url!r}")
    if settings.immediate:
        return MemoryHuey(name, **options)
    Path(settings.instance).mkdir(parents=True, exist_ok=True)
    filename = str(Path(settings.instance) / "queue.sqlite")
    return SqliteHuey(name, filename=filename, **options)


class _ThreadConsumer(Consumer):
    """A consumer whose workers are threads of the current process, started from any thread:
    the host process keeps its own signal handlers."""

    def _set_signal_handlers(self) -> None:
        pass


@dataclass
class JobQueue:
    """The two huey queues and their tasks, made from the settings."""

    settings: Settings
    jobs: Huey = field(init=False)
    files: Huey = field(init=False)
    render: Huey = field(init=False)
    tasks: tasks.Tasks = field(init=False)
    _consumers: list[Consumer] = field(default_factory=list, init=False)
    _children: list[children.RenderChild] = field(default_factory=list, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.jobs = _huey(self.settings, "docgen-jobs")
        self.files = _huey(self.settings, "docgen-files")
        self.render = _huey(self.settings, "docgen-render")
        self.tasks = tasks.register(self.jobs, self.render, self.settings, self.files)

    def enqueue_bulk(self, job_id: int) -> None:
        """Queue a bulk job whose row is written (status queued)."""
        self.tasks.run_bulk(job_id)

    def enqueue_import(self, import_id: int) -> None:
        """Queue an Excel import whose record holds the upload and its limits (status queued)."""
        self.tasks.run_import(import_id)

    def enqueue_pdfs(self, version_ids: list[int]) -> None:
        """Queue the PDFs of versions whose pending rows are committed (service.PdfQueue)."""
        for version_id in version_ids:
            self.tasks.make_pdf(version_id)

    def recover(self) -> list[int]:
        """Jobs whose worker died: queued again once, or failed; stale temporary files removed;
        Excel imports whose process died taken back first (registry/excel/batches); every
        pending PDF that nobody is making queued again."""
        batches.recover(self.settings.database, enqueue=self.enqueue_import)
        state.recover_pdfs(
            self.settings.database,
            self.tasks.make_pdf,
            host=socket.gethostname(),
            waited=dt.timedelta(0),
        )
        return state.recover(
            self.settings.database,
            self.settings.tmp_root,
            self.enqueue_bulk,
            host=socket.gethostname(),
        )

    def consumers(self, render_only: bool = False, threads: int | None = None) -> list[Consumer]:
        """Consumers of the render queue and (unless render_only) the jobs queue."""
        options = {"periodic": True, "max_delay": POLL_MAX_SECONDS, "check_worker_health": True}
        made = [Consumer(self.render, workers=threads or self.settings.threads, **options)]
        if not render_only:
            made.append(Consumer(self.files, workers=1, **options))
            made.append(Consumer(self.jobs, workers=1, **options))
        return made

    def start_in_process(self) -> bool:
        """Run the jobs consumer in threads of this process and the render workers as its
        child processes (or threads, if render_processes is 0), once; False if they run."""
        with self._lock:
            if self._consumers or self.settings.immediate:
                return False
            self.recover()
            options = {
                "periodic": True,
                "max_delay": POLL_MAX_SECONDS,
                "check_worker_health": False,
            }
            self._consumers = [
                _ThreadConsumer(self.jobs, workers=1, **options),
                _ThreadConsumer(self.files, workers=1, **options),
            ]
            if not self.settings.render_processes:
                render = _ThreadConsumer(self.render, workers=self.settings.threads, **options)
                self._consumers.append(render)
            for consumer in self._consumers:
                consumer.start()
            self._children = [
                children.RenderChild(self.settings) for _ in range(self.settings.render_processes)
            ]
            for child in self._children:
                child.start()
            return True

    def stop_in_process(self) -> None:
        with self._lock:
            for child in self._children:
                child.stop()
            for consumer in self._consumers:
                consumer.stop(graceful=True)
            self._consumers = []
            self._children = []


def init_app(app: Flask, settings: Settings) -> JobQueue:
    """Attach the queue to the app; the embedded consumer starts with the first request."""
    queue = JobQueue(settings)
    app.extensions["docgen.jobs"] = queue
    if settings.consumer and not settings.immediate:

        @app.before_request
        def _start_consumer() -> None:
            if not queue._consumers:
                queue.start_in_process()

    return queue


def current() -> JobQueue:
    """The queue of the current application."""
    return current_app.extensions["docgen.jobs"]
