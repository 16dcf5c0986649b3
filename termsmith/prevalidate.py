"""Validate the deal of a `termsmith draft` in a second process while this one loads everything else.

A cold draft spends about a third of its time importing pydantic, building the deal model and
validating, and as long again importing the template, Markdown and Word stack and opening the clause
library; neither needs the other. With a spare core, the command line calls `launch()` first thing:
it forks a process that imports pydantic and the deal model while this one parses the arguments.
`claim()` hands it the deal file; it loads and validates the deal and sends back what composing needs,
the deal as plain Records (`view.plain`) and its loaded source, while this process imports the rest.
`Pending.result()` gives exactly what validating here would have given, or raises the same
InputError.

The fork happens before anything heavy is imported and before any thread exists, and only from the
command line's entry point (never inside a program or test that calls the API). Whenever the second
process is unavailable (no fork on this platform, one CPU, TERMSMITH_SERIAL set) or fails in any
unexpected way, the deal is validated here instead: the second process only ever saves time.
This module imports nothing heavy itself.
"""

from __future__ import annotations

import os
from pathlib import Path

# Imported as late as possible (pickle, signal, typing…): whatever runs before the fork runs in series.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from termsmith.deal.source import Loaded


def available() -> bool:
    """Fork where there is a second CPU this process may run on (its affinity, where the platform says)."""
    if not hasattr(os, "fork") or os.environ.get("TERMSMITH_SERIAL"):
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cpus > 1


def validate_here(path: Path) -> tuple[object, Loaded]:
    """(the deal as Records, its Loaded source), or an InputError naming file, field and line."""
    from termsmith.deal.load import load_file
    from termsmith.deal.validate import validate
    from termsmith.draft.view import plain

    loaded = load_file(Path(path))
    return plain(validate(loaded)), loaded


class Pending:
    """A validation running in the second process. It sends two messages: as soon as the file is read,
    what the deal says of itself that helps prepare (`hint()`: its language), then the outcome
    (`result()`)."""

    def __init__(self, path: Path, pid: int, fd: int) -> None:
        self.path = Path(path)
        self._pid = pid
        self._pipe = os.fdopen(fd, "rb")
        self._hint: dict | None = None
        self._outcome: tuple | None = None

    def hint(self) -> dict:
        """What the deal file says before validation (e.g. {'language': 'de-DE'}); {} when unknown."""
        if self._hint is None:
            message = self._next()
            if message[0] == "hint":
                self._hint = message[1]
            else:  # no hint comes before a file that could not be read
                self._hint = {}
                self._finish(message)
        return self._hint

    def result(self) -> tuple[object, Loaded]:
        """(the deal as Records, its Loaded source), as `api.load_deal` gives them, or its InputError."""
        self.hint()
        if self._outcome is None:
            self._finish(self._next())
        kind, payload = self._outcome
        if kind == "ok":
            return payload
        if kind == "invalid":
            from termsmith.errors import InputError

            raise InputError(list(payload))
        return validate_here(self.path)  # the child could not say: find out here, with the usual errors

    def _finish(self, outcome: tuple) -> None:
        self._outcome = outcome
        self._pipe.close()
        try:
            os.waitpid(self._pid, 0)
        except OSError:
            pass

    def _next(self) -> tuple:
        try:
            return _receive(self._pipe)
        except Exception:  # noqa: BLE001 - a child that died or sent garbage: validate here instead
            return ("failed", None)


def _send(pipe, message: tuple) -> None:
    import pickle

    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(len(data).to_bytes(8, "big") + data)
    pipe.flush()


def _receive(pipe) -> tuple:
    size = int.from_bytes(pipe.read(8), "big")
    data = pipe.read(size)
    if size == 0 or len(data) != size:
        raise EOFError("the validating process ended early")
    import pickle

    kind, payload = pickle.loads(data)
    return kind, payload


# the launched process, until claimed or released: (pid, its result pipe, the pipe that gives it the path)
_launched: tuple[int, int, int] | None = None


def launch() -> None:
    """Fork the validating process now; it waits, with the validation stack imported, for `claim()`."""
    global _launched
    if _launched is not None or not available():
        return
    result_r, result_w = os.pipe()
    path_r, path_w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (result_r, result_w, path_r, path_w):
            os.close(fd)
        return
    if pid:
        os.close(result_w)
        os.close(path_r)
        _launched = (pid, result_r, path_w)
        return
    # the child: never returns, never runs the parent's exit handlers or flushes its buffers
    os.close(result_r)
    os.close(path_w)
    try:
        os._exit(_child(path_r, result_w))
    finally:
        os._exit(1)


def claim(path: Path) -> Pending | None:
    """Have the launched process load and validate the deal file; None when none was launched
    (validate here then)."""
    global _launched
    if _launched is None:
        return None
    pid, result_r, path_w = _launched
    _launched = None
    try:
        with os.fdopen(path_w, "wb") as pipe:
            pipe.write(os.fsencode(Path(path)))
    except OSError:  # the child is gone: validate here
        _stop(pid, result_r)
        return None
    return Pending(path, pid, result_r)


def release() -> None:
    """Stop the launched process unused (a batch validates each deal where it drafts it)."""
    global _launched
    if _launched is not None:
        _stop(*_launched)
        _launched = None


def _stop(pid: int, *fds: int) -> None:
    import signal

    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass  # already closed with its file object
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def _child(path_r: int, result_w: int) -> int:
    import importlib

    for module in ("termsmith.deal.load", "termsmith.deal.validate", "termsmith.draft.view"):  # while the parent parses arguments
        try:
            importlib.import_module(module)
        except BaseException:  # noqa: BLE001 - validate_here meets it again, and the parent validates itself
            break
    try:
        with os.fdopen(path_r, "rb") as pipe:
            path = os.fsdecode(pipe.read())
    except OSError:
        return 1
    if not path:  # released, or the parent is gone
        return 0
    from pickle import PicklingError

    from termsmith.errors import InputError
    from termsmith.deal.load import load_file
    from termsmith.deal.validate import validate
    from termsmith.draft.view import plain

    try:
        with os.fdopen(result_w, "wb") as pipe:
            try:
                loaded = load_file(Path(path))
                data = loaded.data if isinstance(loaded.data, dict) else {}
                deal = data.get("deal") if isinstance(data.get("deal"), dict) else {}
                language = deal.get("language")
                _send(pipe, ("hint", {"language": language} if isinstance(language, str) else {}))
                outcome: tuple = ("ok", (plain(validate(loaded)), loaded))
            except InputError as exc:
                outcome = ("invalid", tuple(exc.problems))
            except BaseException:  # noqa: BLE001 - reported by validating again in the parent
                outcome = ("failed", None)
            try:
                _send(pipe, outcome)
            except (PicklingError, TypeError, AttributeError):
                _send(pipe, ("failed", None))
    except OSError:  # the parent is gone
        return 1
    return 0
