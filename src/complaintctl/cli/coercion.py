"""Option values converted without pydantic.

Typer converts every option value through a pydantic TypeAdapter, and importing pydantic takes
longer than everything else a command does. complaintctl's options are text, whole numbers
(some with a range), flags and repeated text, which need no schema. `use_plain_values` has
Typer convert those the way click always did; a parameter of any other type keeps Typer's own
conversion. This reaches into Typer's parameter class, so tests/test_startup.py checks that no
command imports pydantic: a Typer release that changes the class shows up there.
"""

from dataclasses import dataclass
from typing import Any

import typer
from typer import core

try:
    from typer._coercion import RuntimeParam
except ImportError:  # a Typer release without runtime coercion needs nothing of this
    RuntimeParam = None

PLAIN_TYPES = (str, int, bool)


def _number(value: Any, parameter_info: Any, param: Any, ctx: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise typer.BadParameter(f"{value!r} is not a whole number", ctx=ctx, param=param)
    try:
        number = int(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a whole number", ctx=ctx, param=param) from None
    low, high = parameter_info.min, parameter_info.max
    if low is not None and number < low:
        raise OutOfRange(f"{_named(param)} must be at least {low}", ctx=ctx, param=param)
    if high is not None and number > high:
        raise OutOfRange(f"{_named(param)} must be at most {high}", ctx=ctx, param=param)
    return number


class OutOfRange(typer.BadParameter):
    """A number outside its option's range, said in plain words: `--days must be at least 1`."""

    def format_message(self) -> str:
        return self.message


def _named(param: Any) -> str:
    """How help names a parameter: an option by its longest name, an argument by its metavar."""
    options = [name for name in getattr(param, "opts", ()) if name.startswith("--")]
    if getattr(param, "param_type_name", "") == "option" and options:
        return options[0]
    return (getattr(param, "metavar", None) or getattr(param, "name", None) or "the number").upper()


def _flag(value: Any, param: Any, ctx: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "on"):
        return True
    if text in ("0", "false", "no", "n", "off"):
        return False
    raise typer.BadParameter(f"{value!r} is not yes or no", ctx=ctx, param=param)


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainValue(RuntimeParam):
        """Text, a whole number within the option's range, a flag, or a list of one of them."""

        leaf: type

        def _convert(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.leaf is int:
                return _number(value, self.parameter_info, param, ctx)
            if self.leaf is bool:
                return _flag(value, param, ctx)
            return value if isinstance(value, str) else str(value)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.annotation is not self.leaf:  # list[leaf]
                items = value if isinstance(value, (list, tuple)) else [value]
                return [self._convert(item, param, ctx) for item in items]
            return self._convert(value, param, ctx)


def _plain(descriptor: Any) -> Any:
    """A PlainValue for the parameter, or None when Typer's own conversion is needed."""
    annotation = descriptor.annotation
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None or getattr(info, "clamp", False):
        return None
    leaf = annotation
    if getattr(annotation, "__origin__", None) is list and len(getattr(annotation, "__args__", ())) == 1:
        leaf = annotation.__args__[0]
    if leaf not in PLAIN_TYPES:
        return None
    return PlainValue(parameter_info=info, annotation=annotation, leaf=leaf)


def use_plain_values() -> None:
    """Have Typer convert text, numbers and flags without building pydantic adapters."""
    parameter = getattr(core, "_TyperParameter", None)
    typers_own = getattr(parameter, "get_runtime_param", None)
    if RuntimeParam is None or typers_own is None or getattr(typers_own, "plain_values", False):
        return

    def get_runtime_param(self):
        if getattr(self, "_runtime_param", None) is None:
            self._runtime_param = _plain(self.type_descriptor) or typers_own(self)
        return self._runtime_param

    get_runtime_param.plain_values = True
    parameter.get_runtime_param = get_runtime_param
