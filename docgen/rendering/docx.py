"""DOCX from a template: docxtpl's tag cleaning, a sandboxed Jinja, compiled once per template.

docxtpl loads, patches and re-saves the whole package on every render. Here a template is
compiled once: its XML parts with tags become Jinja templates and every other part is kept in a
ready-made zip, so a render is one Jinja call per templated part and one append to that zip.
The tag cleaning and the post-processing are docxtpl's own functions, so the text is the same.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from docgen import ru, typography
from docgen.errors import DocgenError
from docgen.rendering.ooxml import _parse_xml

TEMPLATE_DIR = Path(__file__).parent.parent / "templates" / "docx"
# The parts of a package where docxtpl looks for tags.
_TEMPLATED = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
_TABLE_TAGS = re.compile(r"\{%-?\s*tc\b|\{\{-?\s*(colspan|hm|vm)\b")


class TemplateInvalid(DocgenError):
    """A template that cannot be compiled or rendered."""

    status = 422


# Names a plain dict answers as attributes; every other name of `d.name` is an item of d.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with `d.name` on a plain dict looked up as an item straight away.

    A dict instance has no attributes beyond its type's, so for any other name the sandbox
    would fail getattr (an exception) and then take the item: the same value, found faster.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


# The Russian language helpers as template filters; a missing value prints as nothing.


def _blank_on_none(func: Callable[..., str]) -> Callable[..., str]:
    def wrapper(value: Any, *args: Any, **kwargs: Any) -> str:
        if value is None or value == "":
            return ""
        return func(value, *args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _agree_filter(
    gender: str | None, masc: str | None, fem: str | None, neutral: str | None = None
) -> str:
    # The piped value is the gender, and None there is meaningful (unknown gender).
    if masc is None or fem is None:
        return ""
    return ru.agree(gender or None, masc, fem, neutral)


FILTERS: dict[str, Callable[..., str]] = {
    "inflect": _blank_on_none(ru.inflect),
    "date_short": _blank_on_none(ru.date_short),
    "date_long": _blank_on_none(ru.date_long),
    "month_year": _blank_on_none(ru.month_year),
    "number_words": _blank_on_none(ru.number_words),
    "money_words": _blank_on_none(ru.money_words),
    "plural": _blank_on_none(ru.plural),
    "grif_word": _blank_on_none(ru.grif_word),
    "agree": _agree_filter,
}


def _finalize(value: Any) -> Any:
    """Every printed value, before escaping: straight quotes people typed print as «…»."""
    if type(value) is str and typography.STRAIGHT in value:
        return typography.quotes(value)
    return value


@functools.cache
def environment() -> ImmutableSandboxedEnvironment:
    """The one Jinja environment for documents: sandboxed, XML-escaping, with the Russian filters.

    Values are finalized (straight quotes to «…»), the template's own text is not.
    """
    env = _Sandbox(autoescape=True, keep_trailing_newline=True, finalize=_finalize)
    # A template may not switch escaping off for a value: whatever it prints stays text.
    env.filters.pop("safe", None)
    env.filters.update(FILTERS)
    return env


@dataclass(frozen=True)
class Compiled:
    """A template ready to render: the untouched parts zipped once, the tagged parts compiled."""

    base_zip: bytes
    parts: tuple[tuple[zipfile.ZipInfo, Any], ...]
    variables: frozenset[str]
    fix_tables: bool
    sha256: str
    untouched: dict[str, bytes | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    """Untouched parts read back from `base_zip` by the readers of rendered parts."""

    @functools.cached_property
    def layout(self) -> _Layout:
        """Where the rendered parts go in `base_zip`, read once."""
        return _Layout.of(self.base_zip)


@dataclass(frozen=True)
class _Layout:
    """`base_zip` as zipfile's append mode finds it: the entries before its central directory,
    and their records, read once instead of for every document."""

    entries: bytes
    infos: tuple[zipfile.ZipInfo, ...]
    comment: bytes

    @classmethod
    def of(cls, base_zip: bytes) -> _Layout:
        with zipfile.ZipFile(io.BytesIO(base_zip)) as package:
            start, infos, comment = package.start_dir, package.infolist(), package.comment
        return cls(base_zip[:start], tuple(infos), comment)

    def pack(self, parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
        """The package with `parts` appended (deflated or stored as the template had them),
        byte for byte what `ZipFile(base, "a").writestr(info, data)` for each gives: zipfile
        writes them after the entries and then the directory of all, as append mode does. The
        template's ZipInfo objects are left untouched (writestr changes the one it is given)."""
        out = io.BytesIO()
        out.write(self.entries)
        with zipfile.ZipFile(out, "w") as package:
            package.filelist = list(self.infos)  # read-only here: the directory writes them
            package.comment = self.comment
            for info, data in parts:
                if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
                    raise TemplateInvalid("Часть шаблона сжата неизвестным способом.")
                package.writestr(copy.copy(info), data)
        return out.getvalue()


def _read_package(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise TemplateInvalid("Файл не является документом DOCX.") from err


class _Cache:
    """Compiled templates, least recently used dropped first once their bytes pass `max_bytes`.

    The weight of an entry is what it keeps: the package, the untouched parts' zip and the
    templated parts' sources. Built-in templates are pinned and never counted: they are few,
    trusted, and used by every document.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.pinned: set[str] = set()
        self._entries: OrderedDict[str, tuple[Compiled, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, sha256: str) -> Compiled | None:
        with self._lock:
            entry = self._entries.get(sha256)
            if entry is None:
                return None
            self._entries.move_to_end(sha256)
            return entry[0]

    def put(self, compiled: Compiled, weight: int) -> None:
        with self._lock:
            if compiled.sha256 in self._entries:
                return
            counted = 0 if compiled.sha256 in self.pinned else weight
            self._entries[compiled.sha256] = (compiled, counted)
            self._weight += counted
            for sha in list(self._entries):
                if self._weight <= self.max_bytes:
                    break
                if sha == compiled.sha256 or sha in self.pinned:
                    continue
                self._weight -= self._entries.pop(sha)[1]

    @property
    def weight(self) -> int:
        """The bytes the counted (not pinned) entries keep."""
        return self._weight

    def __len__(self) -> int:
        return len(self._entries)


CACHE_BYTES = 32 * 1024 * 1024
_cache = _Cache(CACHE_BYTES)


def set_cache_limit(max_bytes: int) -> None:
    """Cap the compile cache at `max_bytes` (of templates other than the built-ins)."""
    _cache.max_bytes = max_bytes


def cache_weight() -> int:
    """The bytes the compile cache keeps for templates other than the built-ins."""
    return _cache.weight


def _compile(sha256: str, data: bytes) -> Compiled:
    env = environment()
    patcher = DocxTemplate(io.BytesIO(data))
    base = io.BytesIO()
    parts: list[tuple[zipfile.ZipInfo, Any]] = []
    variables: set[str] = set()
    fix_tables = False
    with _read_package(data) as package, zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            content = package.read(info)
            if _TEMPLATED.fullmatch(info.filename) and b"{" in content:
                source = content.decode("utf-8")
                fix_tables = fix_tables or bool(_TABLE_TAGS.search(source))
                # docxtpl puts a newline before every <w:p> for Jinja's line numbers and takes
                # it out after rendering; whitespace control strips it or leaves it, both ways
                # the same text results, so it is never put in.
                patched = patcher.patch_xml(source)
                try:
                    variables |= meta.find_undeclared_variables(env.parse(patched))
                    parts.append((info, env.from_string(patched)))
                except TemplateError as err:
                    raise TemplateInvalid(f"Ошибка в тегах шаблона: {err.message}") from err
            else:
                out.writestr(info, content)
    return Compiled(base.getvalue(), tuple(parts), frozenset(variables), fix_tables, sha256)


def compile_template(data: bytes) -> Compiled:
    """Compile a DOCX template (cached by content, the cache capped by size)."""
    sha256 = hashlib.sha256(data).hexdigest()
    compiled = _cache.get(sha256)
    if compiled is None:
        compiled = _compile(sha256, data)
        sources = sum(info.file_size for info, _ in compiled.parts)
        _cache.put(compiled, len(data) + len(compiled.base_zip) + sources)
    return compiled


@functools.cache
def builtin_template(filename: str) -> bytes:
    """The bytes of a built-in template; they never change while the process runs."""
    data = (TEMPLATE_DIR / filename).read_bytes()
    _cache.pinned.add(hashlib.sha256(data).hexdigest())
    return data


_FIRST_PARAGRAPH = re.compile(r"<w:p[ >]")


def _has_listing_marks(xml: str) -> bool:
    """Whether docxtpl's resolve_listing can change the part.

    It rewrites tabs, newlines, \\a and \\f only inside the text of runs in paragraphs, so a
    mark before the first paragraph (the newline after the XML declaration every template
    has) changes nothing; without this check that newline costs every render the pass.
    """
    first = _FIRST_PARAGRAPH.search(xml)
    if first is None:
        return False
    start = first.start()
    return any(xml.find(mark, start) >= 0 for mark in "\t\n\a\f")


def _finish(xml: str, fix_tables: bool) -> str:
    """docxtpl's post-processing of a rendered part, run only where it can change something."""
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _has_listing_marks(xml):
        xml = DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]
    if fix_tables:
        from lxml import etree

        tree = DocxTemplate.fix_tables(None, xml)  # type: ignore[arg-type]
        xml = etree.tostring(tree, encoding="unicode")
    return xml


class Counter:
    """Item numbers of an order: `{{ n.next() }}` gives 1, 2, 3…; `{{ n.value }}` the current."""

    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


@dataclass(frozen=True)
class Parts:
    """A rendered document before it is packed: its templated parts as rendered, every other
    part as the template has it. What a reader of the document needs, without a zip."""

    compiled: Compiled
    rendered: Mapping[str, str]
    """The XML text of each templated part, by part name (word/document.xml, …)."""
    _trees: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def key(self) -> str:
        """What every rendering of one template shares: the template's content hash."""
        return self.compiled.sha256

    def read(self, name: str) -> bytes | None:
        """A part's bytes by name, or None if the package has no such part."""
        xml = self.rendered.get(name)
        if xml is not None:
            return xml.encode("utf-8")
        return template_part(self.compiled, name)

    def tree(self, name: str):
        """A part parsed, or None: parsed once for all its readers (the preview's converter and
        checker read one tree; neither changes it)."""
        if name not in self._trees:
            data = self.read(name)
            self._trees[name] = None if data is None else _parse_xml(data)
        return self._trees[name]

    def docx(self) -> bytes:
        """The package: the template's untouched parts with the rendered ones appended.

        The bytes zipfile writes when it appends the parts to `base_zip`, without reading the
        base's directory again for every document (see `_Layout`).
        """
        return self.compiled.layout.pack(
            [
                (info, self.rendered[info.filename].encode("utf-8"))
                for info, _ in self.compiled.parts
            ]
        )


def template_part(compiled: Compiled, name: str) -> bytes | None:
    """An untouched part of a compiled template (read from its zip once, then kept)."""
    cached = compiled.untouched.get(name, _MISSING)
    if cached is _MISSING:
        with zipfile.ZipFile(io.BytesIO(compiled.base_zip)) as package:
            try:
                cached = package.read(name)
            except KeyError:
                cached = None
        compiled.untouched[name] = cached
    return cached  # type: ignore[return-value]


_MISSING = object()


def render_parts(template: Compiled | bytes, context: Mapping[str, Any]) -> Parts:
    """Render a template's tagged parts, leaving them unpacked: `render` without the zip.

    Every render gets its own item counter `n`, so one context can be rendered many times.
    """
    compiled = template if isinstance(template, Compiled) else compile_template(template)
    context = {**context, "n": Counter()}
    rendered = {}
    for info, jinja_template in compiled.parts:
        try:
            xml = jinja_template.render(context)
        except SecurityError as err:
            raise TemplateInvalid("Шаблон обращается к недоступным данным.") from err
        except TemplateError as err:
            raise TemplateInvalid(f"Ошибка при заполнении шаблона: {err.message}") from err
        rendered[info.filename] = _finish(xml, compiled.fix_tables)
    return Parts(compiled, rendered)


def render(template: Compiled | bytes, context: Mapping[str, Any]) -> bytes:
    """Render a template with a context; values are escaped, tags run sandboxed.

    Every render gets its own item counter `n`, so one context can be rendered many times.
    """
    return render_parts(template, context).docx()
