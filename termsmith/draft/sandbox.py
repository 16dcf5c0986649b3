"""Limits on what clause text may cost: the Jinja sandbox plus bounds on time, size and iteration.

Why: a clause file arrives through a pull request and is run on every draft. Jinja's sandbox stops it from
reaching Python, but not from looping 10^10 times, building a 3 GB string or a number with a billion
digits. Every operation that can grow without bound passes through a check here, against a budget that
each render opens (`guarded_render`), so a hostile clause ends in a located library error within seconds.
"""

from __future__ import annotations

import contextvars
import difflib
import functools
import re
import time
from collections.abc import Iterator
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from pydantic import BaseModel

MAX_TEXT = 200_000  # characters of any one string or sequence a clause builds, and of one clause's output
MAX_INT_BITS = 4_096  # about 1,200 decimal digits: far beyond any money amount or period
MAX_ITERATIONS = 200_000  # loop turns and calls in one render
MAX_SECONDS = 2.0  # one render (a clause, a definition or a condition)
MAX_FORMAT_WIDTH = 1_000  # a width or precision in a format string
CODE_GENERATION = 2  # what ClauseSandbox compiles: bump when it changes (compiled code kept on disk names it)

_WIDTH = re.compile(r"\d{4,}")


class _Budget:
    __slots__ = ("deadline", "turns")

    def __init__(self, deadline: float) -> None:
        self.deadline, self.turns = deadline, 0

    def tick(self) -> None:
        self.turns += 1
        if self.turns > MAX_ITERATIONS:
            raise SecurityError(f"the clause text runs more than {MAX_ITERATIONS:,} loop turns or calls")
        if self.turns % 256 == 0 and time.monotonic() > self.deadline:
            raise SecurityError(f"the clause text took more than {MAX_SECONDS:g} s to render")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("termsmith_render_budget", default=None)


def _tick() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.tick()


def check_size(value: Any) -> Any:
    """`value`, unless it is a string, sequence or number too large for clause text."""
    if isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_TEXT:
        raise SecurityError(f"the clause text builds a value of more than {MAX_TEXT:,} characters or items")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise SecurityError("the clause text builds a number that is too large")
    return value


def _check_format_string(text: object) -> None:
    if isinstance(text, str) and any(int(m) > MAX_FORMAT_WIDTH for m in _WIDTH.findall(text)):
        raise SecurityError(f"a format width or precision above {MAX_FORMAT_WIDTH} is not allowed in clause text")


def _int_bits(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value.bit_length()


def _bounded_range(*args: int) -> Iterator[int]:
    values = range(*args)
    if len(values) > MAX_TEXT:
        raise SecurityError(f"Range too big: more than {MAX_TEXT:,} numbers")
    for value in values:
        _tick()
        yield value


def _counted(items: Any) -> Iterator[Any]:
    for item in items:
        _tick()
        yield item


def _loop_turns(items: Any) -> Any:
    """The items of a `{% for %}` loop, each turn counted against the render's budget (a `range` counts its own
    numbers already): without this, two loops over a list of 100,000 items ran 10^10 times, past every limit."""
    if getattr(items, "gi_code", None) is _bounded_range.__code__:
        return items
    return _counted(items)


class _BoundedNamespace(Namespace):
    """`namespace()`, whose attributes cannot grow past the size limit (the one way state crosses loop turns)."""

    def __setitem__(self, name: str, value: Any) -> None:
        _tick()
        super().__setitem__(name, check_size(value))


def _checked_filter(func):
    formats = getattr(func, "__name__", "") == "do_format"  # `"%9999d" | format(1)`: its first argument

    def checked(*args, **kwargs):
        _tick()
        if formats and args:
            _check_format_string(args[0])
        return check_size(func(*args, **kwargs))

    for attr in ("jinja_pass_arg",):  # keep pass_context / pass_eval_context markers
        if hasattr(func, attr):
            setattr(checked, attr, getattr(func, attr))
    checked.__name__ = getattr(func, "__name__", "filter")
    return checked


# The deal fields clause text and conditions read while a draft is composed, as (id(model), field name):
# the defaults a draft applied are those it actually read (draft/defaults.py). None when nobody asks.
_READS: contextvars.ContextVar[set[tuple[int, str]] | None] = contextvars.ContextVar("termsmith_reads", default=None)


class recording_reads:
    """`with recording_reads() as reads:` collects every deal field read through the sandbox meanwhile."""

    def __enter__(self) -> set[tuple[int, str]]:
        self.reads: set[tuple[int, str]] = set()
        self.token = _READS.set(self.reads)
        return self.reads

    def __exit__(self, *exc: object) -> None:
        _READS.reset(self.token)


@functools.lru_cache(maxsize=1_024)  # bounded: a library's terms model is made anew as the library changes
def readable_names(model: type[BaseModel]) -> frozenset[str]:
    """What clause text may read of a deal model: its fields and the public properties the deal model
    itself defines (not pydantic's, such as model_extra), never a method."""
    names = set(model.model_fields)
    for klass in model.__mro__:
        if klass.__module__.startswith("pydantic") or klass is object:
            continue
        names.update(name for name, attr in vars(klass).items()
                     if isinstance(attr, property) and not name.startswith("_"))
    return frozenset(names)


class MissingValue(StrictUndefined):
    """A value clause text reads and the deal does not have. Of a deal model, the message names the field as a
    deal file spells it, with the nearest name there is ('options.personal_dta: no such field; did you mean
    'personal_data'?'), not by the Python class that holds it."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if self._undefined_hint or not isinstance(obj, BaseModel) or not isinstance(name, str):
            return super()._undefined_message
        from termsmith.deal.fields import model_paths
        from termsmith.deal.model import Deal

        where = model_paths(Deal).get(type(obj)) or type(obj).__name__.lower()  # the library's terms: 'terms'
        guess = difflib.get_close_matches(name, sorted(readable_names(type(obj))), n=1)
        return f"{where}.{name}: no such field" + (f"; did you mean '{guess[0]}'?" if guess else "")


MAX_VERDICTS = 4_096  # (type, attribute) pairs whose verdict the sandbox keeps
_SAFE, _MODEL_FIELD, _UNSAFE = object(), object(), object()


class ClauseSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every growing operation checked against the render's budget.

    Templates read the validated (frozen) deal models themselves, as data: of a model only its fields
    and the deal model's own properties are visible (`readable_names`), so clause text cannot call
    `model_dump`, `model_copy` or any other method, nor reach private attributes.
    """

    intercepted_binops = frozenset(["*", "**", "+", "%", "//", "<<"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], object] = {}  # (type, attribute) → _SAFE, _MODEL_FIELD or _UNSAFE
        self.globals["range"] = _bounded_range
        self.globals["namespace"] = _BoundedNamespace
        self.globals.pop("lipsum", None)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        verdict = self._verdicts.get((type(obj), attr))
        if verdict is None:
            verdict = self._verdict(obj, attr, value)
        if verdict is _MODEL_FIELD:
            reads = _READS.get()
            if reads is not None:
                reads.add((id(obj), attr))
        return verdict is not _UNSAFE

    def _verdict(self, obj: Any, attr: str, value: Any) -> object:
        """Whether `attr` of `obj` may be read. Every check here (and in Jinja's sandbox) depends on the
        object's type and the attribute's name alone, never on the value: the verdict is kept per (type,
        name), for as many pairs as `MAX_VERDICTS` (a library reads a few hundred)."""
        if isinstance(obj, BaseModel):
            safe = attr in readable_names(type(obj)) and super().is_safe_attribute(obj, attr, value)
            verdict = _MODEL_FIELD if safe else _UNSAFE
        else:
            verdict = _SAFE if super().is_safe_attribute(obj, attr, value) else _UNSAFE
        if len(self._verdicts) < MAX_VERDICTS:
            self._verdicts[(type(obj), attr)] = verdict
        return verdict

    loop_turns = staticmethod(_loop_turns)

    def _generate(self, source: nodes.Template, name: str | None, filename: str | None,
                  defer_init: bool = False) -> str:
        """Python code for a template, every `{% for %}` loop's items passed through `loop_turns` first (as
        `environment.loop_turns`, which no template can name or replace). Only compiled code changes: the
        syntax tree `parse()` gives (lint reads it) stays as written."""
        for loop in source.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("loop_turns"), [loop.iter], [], None, None,
                                   lineno=loop.iter.lineno)
        return super()._generate(source, name, filename, defer_init=defer_init)

    def bound_filters(self) -> None:
        """Wrap every filter so its result is size-checked (call after the filters are registered)."""
        self.filters = {name: _checked_filter(func) for name, func in self.filters.items()}

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "**" and isinstance(right, (int, float)) and not isinstance(right, bool):
            if right > 0 and _int_bits(left) * right > MAX_INT_BITS or abs(right) > MAX_INT_BITS:
                raise SecurityError("the clause text raises a number to too high a power: the result is too large")
        if operator == "<<" and isinstance(right, int) and right > MAX_INT_BITS:
            raise SecurityError("the clause text shifts a number too far")
        if operator == "*":
            if _int_bits(left) + _int_bits(right) > MAX_INT_BITS:
                raise SecurityError("the clause text builds a number that is too large")
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_TEXT:
                    raise SecurityError(f"the result of * would be too long (over {MAX_TEXT:,})")
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            if len(left) + len(right) > MAX_TEXT:
                raise SecurityError(f"the result of + would be too long (over {MAX_TEXT:,})")
        if operator == "%":
            _check_format_string(left)
        return check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _tick()
        if getattr(__obj, "__name__", None) in ("format", "format_map"):
            _check_format_string(getattr(__obj, "__self__", None))
        for arg in args:
            if isinstance(arg, (str, list, tuple)) and len(arg) > MAX_TEXT:
                raise SecurityError(f"the clause text passes a value of more than {MAX_TEXT:,} characters")
        if isinstance(__obj, LoopContext) and args:  # `loop(items)` in a recursive loop: a loop of its own
            args = (_loop_turns(args[0]), *args[1:])
        return check_size(super().call(__context, __obj, *args, **kwargs))


def guarded_render(template, names: dict[str, Any]) -> str:
    """Render `template` within the budget: time, loop turns and output length, streamed so that an
    oversized output is stopped while it grows.

    `names`: everything the template sees, the environment's globals among them (templating.deal_context
    puts them in). The template reads them as they are: rendering never changes them, so the hundreds of
    renders of a draft need not copy them each time, as Template.render would."""
    budget = _Budget(deadline=time.monotonic() + MAX_SECONDS)
    token = _BUDGET.set(budget)
    try:
        parts: list[str] = []
        size = 0
        # Template.new_context(names, shared=True), without the set of the globals' names it builds for
        # `{% import %}` (clause text has no templates to import: the environment has no loader)
        environment = template.environment
        context = environment.context_class(environment, names, template.name, template.blocks)
        try:  # Template.generate, without its copy of the names
            for chunk in template.root_render_func(context):
                size += len(chunk)
                if size > MAX_TEXT:
                    raise SecurityError(f"the clause text renders to more than {MAX_TEXT:,} characters")
                budget.tick()
                parts.append(chunk)
        except Exception:
            template.environment.handle_exception()  # re-raised with the template's lines in its traceback
        finally:
            # a macro the template defines is kept in the context's vars and refers back to the context: a
            # reference cycle, which would hold the draft's names (the deal, the draft's state) until the
            # garbage collector runs
            context.vars.clear()
        return "".join(parts)
    finally:
        _BUDGET.reset(token)
