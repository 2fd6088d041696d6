"""Untrusted templates (organisations' variants) compiled and rendered in worker processes.

A variant is a Jinja program written by a user: a loop can run for hours and a string product
can fill the memory. So it runs in a small pool of worker processes, each with an address-space
limit (RLIMIT_AS); the caller waits at most `seconds`, then the worker is killed and replaced,
and the caller gets a Russian message. At most `processes` renders run at once and at most
`waiting` more callers wait for a worker; any further caller is told at once that the service
is busy, so most web threads stay free whatever the variants do. Built-in templates are trusted
and keep rendering in the caller's process (docx.render).

Workers need no database: template bytes and a context in, DOCX bytes out. They die with the
process that started them (PR_SET_PDEATHSIG), even after its kill -9. Other work on untrusted
bytes (the check of an uploaded file) runs the same way through `run`, in a pool of its own so
that it never takes a variant's worker, with its own Russian messages at the limits.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import dataclasses
import importlib
import io
import json
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from docgen.errors import DocgenError, FieldErrors
from docgen.rendering import docx as render

MB = 1024 * 1024
STARTUP_SECONDS = 120
_HEADER = struct.Struct("!Q")
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    """What one render of an untrusted template may take (app config VARIANT_*)."""

    seconds: float = 10.0
    memory_mb: int = 512
    output_mb: int = 8
    processes: int = 2
    waiting: int = 1
    cache_mb: int = 32

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(
            seconds=float(config["VARIANT_RENDER_SECONDS"]),
            memory_mb=int(config["VARIANT_RENDER_MEMORY_MB"]),
            output_mb=int(config["VARIANT_RENDER_OUTPUT_MB"]),
            processes=max(1, int(config["VARIANT_RENDER_PROCESSES"])),
            waiting=max(0, int(config["VARIANT_RENDER_WAITING"])),
            cache_mb=int(config["VARIANT_CACHE_MB"]),
        )


class Busy(DocgenError):
    """Every worker is taken and the waiting room is full."""

    status = 503


@dataclass(frozen=True)
class Messages:
    """What a person is told at each limit, and when the work fails; {seconds}, {mb} and
    {detail} are filled in."""

    slow: str
    memory: str
    output: str
    busy: str
    failed: str


TEMPLATE_MESSAGES = Messages(
    slow="Шаблон заполняется дольше {seconds} с — проверьте циклы.",
    memory="Шаблону не хватает {mb} МБ памяти — проверьте циклы и повторения.",
    output="Шаблон даёт слишком большой документ (больше {mb} МБ).",
    busy="Сейчас заполняются другие шаблоны организаций — повторите через минуту.",
    failed="Ошибка при заполнении шаблона: {detail}",
)


class BrokenPackage(render.TemplateInvalid):
    """The package could not be read as a template at all."""


class LimitExceeded(render.TemplateInvalid):
    """A render ran past the time, memory or output limit."""


@dataclass(frozen=True)
class Inspection:
    """What compiling a template tells: the names it uses and the hostile constructs it has."""

    variables: frozenset[str]
    hostile: str | None


# ---- the worker process ---------------------------------------------------------------------


def _rendered_size(compiled: render.Compiled, docx: bytes) -> int:
    """The bytes of the templated parts as rendered (uncompressed): what the preview and the PDF
    will have to lay out."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return sum(package.getinfo(info.filename).file_size for info, _ in compiled.parts)


def _serve(limits: Limits) -> None:
    """Answer requests from stdin on a private copy of stdout until stdin closes."""
    from docgen.rendering import hostile  # imported before the limit, like everything else

    reader = os.fdopen(0, "rb", buffering=0)
    writer = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # a stray print must not corrupt the answers
    render.set_cache_limit(limits.cache_mb * MB)
    used = _vm_bytes()
    memory = used + limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    _write_frame(writer, pickle.dumps(("ready", None)))
    while True:
        request = _read_frame(reader)
        if request is None:
            return
        op, data, context = pickle.loads(request)
        try:
            if op == "call":
                result = _call(context["function"], data)
                if len(pickle.dumps(result)) > limits.output_mb * MB:
                    reply = ("output", None)
                else:
                    reply = ("ok", result)
            elif op == "inspect":
                # Before compiling: Jinja folds literal arithmetic such as 9**9**9 at compile time.
                found = hostile.find(data)
                variables = frozenset() if found else render.compile_template(data).variables
                reply: tuple = ("ok", Inspection(variables, found))
            else:
                compiled = render.compile_template(data)
                docx = render.render(compiled, context)
                if _rendered_size(compiled, docx) > limits.output_mb * MB:
                    reply = ("output", None)
                else:
                    reply = ("ok", docx)
        except MemoryError:
            reply = ("memory", None)
        except OverflowError:  # the Jinja sandbox refuses a range() past 100,000 this way
            reply = ("invalid", "В шаблоне слишком длинный цикл или слишком большое число.")
        except render.TemplateInvalid as err:
            reply = ("invalid", err.message)
        except DocgenError as err:  # a function run by `run` refuses its input
            reply = ("refused", (err.message, err.fields))
        except Exception as err:  # docxtpl/lxml/zipfile raise many types on a broken package
            reply = ("broken" if op == "inspect" else "error", f"{type(err).__name__}: {err}")
        try:
            answer = pickle.dumps(reply)
        except MemoryError:
            answer = pickle.dumps(("memory", None))
        _write_frame(writer, answer)


def _call(function: str, data: bytes) -> Any:
    """`module:name` imported in the worker (no import of the callers' layers here) and called."""
    module, _, name = function.partition(":")
    return getattr(importlib.import_module(module), name)(data)


def _vm_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _die_with_parent(parent: int) -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:
        os._exit(1)


def _read_frame(reader: Any) -> bytes | None:
    header = _read_exactly(reader, _HEADER.size)
    if header is None:
        return None
    return _read_exactly(reader, _HEADER.unpack(header)[0])


def _read_exactly(reader: Any, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = reader.read(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def _write_frame(writer: Any, payload: bytes) -> None:
    writer.write(_HEADER.pack(len(payload)) + payload)
    writer.flush()


# ---- the caller's side ----------------------------------------------------------------------


class _Timeout(Exception):
    """The worker did not answer in time."""


class _Died(Exception):
    """The worker exited without answering."""


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, limits: Limits) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "docgen.rendering.sandbox",
                json.dumps(dataclasses.asdict(limits)),
                str(os.getpid()),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        # The limits count from a request, not from the imports of a starting worker.
        try:
            self._receive(STARTUP_SECONDS)
        except (_Timeout, _Died):
            self.kill()
            raise

    def call(self, request: bytes, seconds: float) -> tuple:
        assert self.process.stdin
        try:
            _write_frame(self.process.stdin, request)
        except (BrokenPipeError, OSError) as err:
            raise _Died from err
        return self._receive(seconds)

    def _receive(self, seconds: float) -> tuple:
        assert self.process.stdout
        deadline = time.monotonic() + seconds
        fd = self.process.stdout.fileno()
        buffer = bytearray()
        need = _HEADER.size
        header_done = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Timeout
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise _Timeout
            chunk = os.read(fd, max(need - len(buffer), 1 << 16))
            if not chunk:
                raise _Died
            buffer += chunk
            if not header_done and len(buffer) >= _HEADER.size:
                need = _HEADER.size + _HEADER.unpack(bytes(buffer[: _HEADER.size]))[0]
                header_done = True
            if header_done and len(buffer) >= need:
                return pickle.loads(bytes(buffer[_HEADER.size : need]))

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                stream.close()


class Sandbox:
    """The pool of worker processes with its limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(limits.processes)
        self._admitted = threading.BoundedSemaphore(limits.processes + limits.waiting)
        self._spawns: list[tuple[Future, Limits]] = []
        self._spawn_ready = threading.Condition()
        # The kernel's parent-death signal follows the thread that started a child, so every
        # worker is started by this one thread, which lives as long as the process.
        threading.Thread(target=self._spawner, name="sandbox-spawner", daemon=True).start()

    def _spawner(self) -> None:
        while True:
            with self._spawn_ready:
                while not self._spawns:
                    self._spawn_ready.wait()
                future, limits = self._spawns.pop(0)
            try:
                future.set_result(_Worker(limits))
            except Exception as err:  # handed to the caller waiting for the worker
                future.set_exception(err)

    def _spawn(self) -> _Worker:
        future: Future = Future()
        with self._spawn_ready:
            self._spawns.append((future, self.limits))
            self._spawn_ready.notify()
        worker = future.result()
        with self._lock:
            self._all.add(worker)
        return worker

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.poll() is None:
                    return worker
                self._all.discard(worker)
        return self._spawn()

    def _drop(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def call(
        self,
        op: str,
        data: bytes,
        context: Mapping[str, Any] | None,
        messages: Messages = TEMPLATE_MESSAGES,
    ) -> tuple:
        """A worker's reply to one request, within the limits; Busy if none is free soon."""
        limits = self.limits
        if not self._admitted.acquire(blocking=False):
            raise Busy(messages.busy)
        try:
            if not self._slots.acquire(timeout=limits.seconds):
                raise Busy(messages.busy)
            try:
                request = pickle.dumps((op, data, dict(context) if context else None))
                worker = self._take()
                try:
                    reply = worker.call(request, limits.seconds)
                except _Timeout:
                    self._drop(worker)
                    raise LimitExceeded(
                        messages.slow.format(seconds=_number(limits.seconds))
                    ) from None
                except _Died:
                    self._drop(worker)
                    return ("memory", None)
                with self._lock:
                    self._idle.append(worker)
                return reply
            finally:
                self._slots.release()
        finally:
            self._admitted.release()

    def close(self) -> None:
        """Stop every worker (at exit; the kernel would kill them anyway)."""
        with self._lock:
            workers, self._all, self._idle = list(self._all), set(), []
        for worker in workers:
            worker.kill()


BUSY = TEMPLATE_MESSAGES.busy


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _raise_for(reply: tuple, limits: Limits, messages: Messages = TEMPLATE_MESSAGES) -> Any:
    kind, value = reply
    if kind == "ok":
        return value
    if kind == "invalid":
        raise render.TemplateInvalid(value)
    if kind == "broken":
        raise BrokenPackage(value)
    if kind == "refused":
        message, fields = value
        raise FieldErrors(message, fields=fields)
    if kind == "output":
        raise LimitExceeded(messages.output.format(mb=limits.output_mb))
    if kind == "memory":
        raise LimitExceeded(messages.memory.format(mb=limits.memory_mb))
    raise render.TemplateInvalid(messages.failed.format(detail=value))


# One pool per kind of work: "variants" (templates) and the pools of `run`.
_pools: dict[str, Sandbox] = {}
_sandbox_lock = threading.Lock()
_limits = Limits()


def configure(limits: Limits) -> None:
    """Use these limits from now on (create_app); running workers are replaced."""
    global _limits
    render.set_cache_limit(limits.cache_mb * MB)
    with _sandbox_lock:
        _limits = limits
        old = [pool for pool in _pools.values() if pool.limits != limits]
        for name in [name for name, pool in _pools.items() if pool.limits != limits]:
            del _pools[name]
    for pool in old:
        pool.close()


def _current(pool: str = "variants") -> Sandbox:
    with _sandbox_lock:
        if pool not in _pools:
            _pools[pool] = Sandbox(_limits)
            atexit.register(_pools[pool].close)
        return _pools[pool]


def limits() -> Limits:
    """The limits in force."""
    return _limits


def inspect(template: bytes) -> Inspection:
    """The names an untrusted template uses and its hostile constructs, compiled in a worker."""
    sandbox = _current()
    return _raise_for(sandbox.call("inspect", bytes(template), None), sandbox.limits)


def render_untrusted(template: bytes, context: Mapping[str, Any]) -> bytes:
    """docx.render of an untrusted template in a worker, within the limits."""
    sandbox = _current()
    return _raise_for(sandbox.call("render", bytes(template), context), sandbox.limits)


def run(function: str, data: bytes, messages: Messages) -> Any:
    """`function` («module:name», a function of bytes whose answer pickles) on untrusted bytes
    in a worker of its own pool, within the limits; its DocgenError comes back as FieldErrors,
    a limit as LimitExceeded with `messages`, a full pool as Busy."""
    sandbox = _current(function)
    reply = sandbox.call("call", bytes(data), {"function": function}, messages)
    return _raise_for(reply, sandbox.limits, messages)


def _main(argv: list[str]) -> None:
    _die_with_parent(int(argv[2]))
    _serve(Limits(**json.loads(argv[1])))


if __name__ == "__main__":
    # Run as the imported module, so what is pickled names docgen.rendering.sandbox, not __main__.
    from docgen.rendering import sandbox as _module

    _module._main(sys.argv)
