"""Obviously hostile constructs in a template's tags, found without running them.

A first line only: `range(10**9)`, loops nested to billions of turns, `'ab ' * 700000` are
refused at upload with a plain message. Anything computed at render time escapes this check;
the sandbox's time, memory and output limits are the real defence.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes

from docgen.rendering import docx as render

MAX_TURNS = 100_000  # turns of one loop, or of loops nested in each other
MAX_REPEAT = 10_000  # a string or a list repeated by a literal number
_HUGE = object()  # a literal number too large to compute safely


def find(data: bytes) -> str | None:
    """A Russian message naming the first hostile construct of a DOCX template, or None."""
    env = render.environment()
    patcher = DocxTemplate(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            if not render._TEMPLATED.fullmatch(info.filename):
                continue
            content = package.read(info)
            if b"{" not in content:
                continue
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patcher.patch_xml(content.decode()))
            try:
                tree = env.parse(source)
            except TemplateSyntaxError:
                return None  # compile reports it with the line
            found = _walk(tree, 1)
            if found:
                return found
    return None


def _walk(node: nodes.Node, turns: int) -> str | None:
    if isinstance(node, nodes.For):
        count = _range_turns(node.iter)
        if count is _HUGE or (isinstance(count, int) and count * turns > MAX_TURNS):
            return "Цикл в шаблоне повторяется слишком много раз — проверьте циклы."
        inner = turns * (count if isinstance(count, int) else 1)
        for child in node.iter_child_nodes():
            found = _walk(child, inner if child is not node.iter else turns)
            if found:
                return found
        return None
    if isinstance(node, nodes.Call):
        count = _range_turns(node)
        if count is _HUGE or (isinstance(count, int) and count > MAX_TURNS):
            return "Цикл в шаблоне повторяется слишком много раз — проверьте циклы."
    if isinstance(node, nodes.Mul):
        left, right = _const(node.left), _const(node.right)
        for number, other in ((left, right), (right, left)):
            if number is _HUGE or (
                isinstance(number, int) and not isinstance(other, int) and number > MAX_REPEAT
            ):
                return "Шаблон повторяет текст слишком много раз — так документ станет огромным."
    if isinstance(node, nodes.Pow) and _const(node) is _HUGE:
        return "В шаблоне слишком большое число — проверьте выражения."
    for child in node.iter_child_nodes():
        found = _walk(child, turns)
        if found:
            return found
    return None


def _range_turns(node: nodes.Node) -> Any:
    """How many turns `range(<literals>)` makes; None if it is not one."""
    if not (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "range"
        and not node.kwargs
    ):
        return None
    args = [_const(arg) for arg in node.args]
    if any(arg is _HUGE for arg in args):
        return _HUGE
    if not args or len(args) > 3 or not all(isinstance(arg, int) for arg in args):
        return None
    try:
        return len(range(*args))
    except (ValueError, OverflowError):
        return _HUGE


def _const(node: nodes.Node) -> Any:
    """The value of a literal expression (numbers, strings, + - * ** of them), _HUGE if it is
    a number too large to compute, None if it is not literal."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Neg | nodes.Pos):
        value = _const(node.node)
        if isinstance(value, int) and not isinstance(value, bool):
            return -value if isinstance(node, nodes.Neg) else value
        return value if value is _HUGE else None
    if isinstance(node, nodes.Add | nodes.Sub | nodes.Mul | nodes.Pow | nodes.FloorDiv):
        left, right = _const(node.left), _const(node.right)
        if left is _HUGE or right is _HUGE:
            return _HUGE
        if not (isinstance(left, int) and isinstance(right, int)):
            return None
        if isinstance(node, nodes.Pow):
            if right < 0:
                return None
            if right > 64 or abs(left) > 10**6:
                return _HUGE
            value = left**right
        elif isinstance(node, nodes.Add):
            value = left + right
        elif isinstance(node, nodes.Sub):
            value = left - right
        elif isinstance(node, nodes.Mul):
            value = left * right
        else:
            value = left // right if right else None
        if isinstance(value, int) and abs(value) > 10**18:
            return _HUGE
        return value
    return None
