"""WordprocessingML as the converter reads it: properties and styles as dicts, then CSS."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word's "single" line of Times New Roman is about 1.15 of the font size.
_SINGLE_LINE = 1.15
_JC = {
    "left": "left",
    "start": "left",
    "center": "center",
    "right": "right",
    "end": "right",
    "both": "justify",
    "distribute": "justify",
}
_BORDER_STYLES = {
    "single": "solid",
    "thick": "solid",
    "double": "double",
    "dotted": "dotted",
    "dashed": "dashed",
    "dashSmallGap": "dashed",
    "dotDash": "dashed",
    "dotDotDash": "dashed",
}
_HEX = re.compile(r"[0-9A-Fa-f]{6}")
_OFF = ("0", "false", "off")


def _children(el):
    """Child elements of the WordprocessingML namespace, as (local name, element)."""
    if el is None:
        return
    for child in el.iterchildren(tag=etree.Element):
        tag = child.tag
        if tag.startswith(W):
            yield tag[len(W) :], child


def _val(el, name: str = "val") -> str | None:
    return None if el is None else el.get(W + name)


def _num(el, *names: str) -> int | None:
    for name in names or ("val",):
        value = _val(el, name)
        if value is not None:
            return _int(value)
    return None


def _int(value: str | None) -> int | None:
    """An attribute's number as _num reads it (None if missing or not a number)."""
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _on(el) -> bool:
    return _val(el) not in _OFF


def _ppr_props(ppr) -> dict:
    props: dict = {}
    for name, el in _children(ppr):
        if name == "jc":
            props["jc"] = _val(el)
        elif name == "ind":
            for key, attrs in (("left", ("left", "start")), ("right", ("right", "end"))):
                value = _num(el, *attrs)
                if value is not None:
                    props[key] = value
            hanging, first = _num(el, "hanging"), _num(el, "firstLine")
            if hanging is not None:
                props["first"] = -hanging
            elif first is not None:
                props["first"] = first
        elif name == "spacing":
            for key in ("before", "after", "line"):
                value = _num(el, key)
                if value is not None:
                    props[key] = value
            if _val(el, "lineRule"):
                props["lineRule"] = _val(el, "lineRule")
        elif name in ("keepNext", "keepLines", "pageBreakBefore"):
            props[name] = _on(el)
        elif name == "tabs":
            props["tabs"] = {
                _num(tab, "pos"): _val(tab) for tab in el.iterfind(W + "tab") if _num(tab, "pos")
            }
    return props


def _rpr_props(rpr) -> dict:
    props: dict = {}
    for name, el in _children(rpr):
        if name in ("b", "i", "caps", "smallCaps", "strike", "dstrike", "vanish"):
            props[name] = _on(el)
        elif name == "u":
            props["u"] = _val(el) not in (None, "none")
        elif name == "sz" and _num(el) is not None:
            props["sz"] = _num(el)
        elif name == "color" and _val(el) and _HEX.fullmatch(_val(el)):
            props["color"] = _val(el)
        elif name == "vertAlign":
            props["vertAlign"] = _val(el)
        elif name == "spacing" and _num(el) is not None:
            props["spacing"] = _num(el)
    return props


def _merge_ppr(base: dict, over: dict) -> dict:
    merged = {**base, **over}
    if "tabs" in base and "tabs" in over:
        tabs = dict(base["tabs"])
        for pos, kind in over["tabs"].items():
            if kind == "clear":
                tabs.pop(pos, None)
            else:
                tabs[pos] = kind
        merged["tabs"] = tabs
    return merged


def _borders(el) -> dict:
    """Border definitions by side (top/left/bottom/right/insideH/insideV)."""
    sides = {"start": "left", "end": "right"}
    return {sides.get(name, name): b for name, b in _children(el)}


def _margins(el) -> dict:
    sides = {"start": "left", "end": "right"}
    return {sides.get(name, name): _num(m, "w") or 0 for name, m in _children(el)}


# A document repeats a handful of lengths and borders in every cell and paragraph: each
# is formatted once.
@functools.lru_cache(maxsize=1024)
def _pt(twips: float) -> str:
    return f"{twips / 20:.2f}".rstrip("0").rstrip(".") + "pt"


def _ppr_css(p: dict) -> list[str]:
    css = []
    if p.get("jc") in _JC:
        css.append(f"text-align:{_JC[p['jc']]}")
    if "left" in p:
        css.append(f"margin-left:{_pt(p['left'])}")
    if "right" in p:
        css.append(f"margin-right:{_pt(p['right'])}")
    if "first" in p:
        css.append(f"text-indent:{_pt(p['first'])}")
    if "before" in p:
        css.append(f"margin-top:{_pt(p['before'])}")
    if "after" in p:
        css.append(f"margin-bottom:{_pt(p['after'])}")
    if "line" in p:
        if p.get("lineRule", "auto") == "auto":
            css.append(f"line-height:{p['line'] / 240 * _SINGLE_LINE:.3f}")
        else:
            css.append(f"line-height:{_pt(p['line'])}")
    if "keepNext" in p:
        css.append("break-after:" + ("avoid" if p["keepNext"] else "auto"))
    if "keepLines" in p:
        css.append("break-inside:" + ("avoid" if p["keepLines"] else "auto"))
    if p.get("pageBreakBefore"):
        css.append("break-before:page")
    return css


def _rpr_css(r: dict) -> list[str]:
    css = []
    if "b" in r:
        css.append("font-weight:" + ("bold" if r["b"] else "normal"))
    if "i" in r:
        css.append("font-style:" + ("italic" if r["i"] else "normal"))
    lines = []
    if r.get("u"):
        lines.append("underline")
    if r.get("strike") or r.get("dstrike"):
        lines.append("line-through")
    if lines or "u" in r or "strike" in r:
        css.append("text-decoration:" + (" ".join(lines) or "none"))
    if r.get("caps"):
        css.append("text-transform:uppercase")
    if r.get("smallCaps"):
        css.append("font-variant:small-caps")
    if "sz" in r:
        css.append(f"font-size:{r['sz'] / 2:g}pt")
    if "color" in r and r["color"] != "000000":  # black is the default
        css.append(f"color:#{r['color']}")
    if r.get("vertAlign") in ("superscript", "subscript"):
        css.append("vertical-align:" + ("super" if r["vertAlign"] == "superscript" else "sub"))
        css.append("font-size:smaller")
    if "spacing" in r:
        css.append(f"letter-spacing:{_pt(r['spacing'])}")
    return css


def _border_css(b) -> str:
    if b is None:
        return "none"
    return _border_css_of(b.get(W + "val"), b.get(W + "sz"), b.get(W + "color"))


@functools.lru_cache(maxsize=256)
def _border_css_of(kind: str | None, size: str | None, color: str | None) -> str:
    if kind in (None, "nil", "none"):
        return "none"
    width = max((_int(size) or 4) / 8, 0.25)
    style = _BORDER_STYLES.get(kind, "solid")
    if style == "double":
        width = max(width, 2.25)
    color = f"#{color}" if color and _HEX.fullmatch(color) else "#000"
    return f"{width:g}pt {style} {color}"


def _parse_xml(data: bytes):
    # A parser per call: lxml parsers must not be shared between threads.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


@functools.lru_cache(maxsize=32)
def _styles(xml: bytes) -> _Styles:
    """Styles of a styles.xml; documents from one template share it, so it is kept."""
    return _Styles(_parse_xml(xml) if xml else None)


class _Styles:
    """styles.xml with `basedOn` chains and docDefaults resolved."""

    def __init__(self, root) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default: dict[str, str] = {}
        self.ppr_default: dict = {}
        self.rpr_default: dict = {}
        self._cache: dict = {}
        if root is None:
            return
        for style in root.iterfind(W + "style"):
            sid, kind = style.get(W + "styleId"), style.get(W + "type")
            if sid is None:
                continue
            self.by_id[sid] = style
            if style.get(W + "default") in ("1", "true", "on"):
                self.default.setdefault(kind, sid)
        defaults = root.find(W + "docDefaults")
        if defaults is not None:
            self.ppr_default = _ppr_props(defaults.find(f"{W}pPrDefault/{W}pPr"))
            self.rpr_default = _rpr_props(defaults.find(f"{W}rPrDefault/{W}rPr"))

    def chain(self, sid: str | None) -> list:
        """Styles from the root of the `basedOn` chain down to `sid`."""
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            style = self.by_id[sid]
            out.append(style)
            sid = _val(style.find(W + "basedOn"))
        return out[::-1]

    def para_own(self, sid: str | None) -> tuple[dict, dict]:
        """Paragraph and run properties a paragraph style chain sets, docDefaults apart."""
        key = ("own", sid)
        if key not in self._cache:
            ppr: dict = {}
            rpr: dict = {}
            for style in self.chain(sid):
                ppr = _merge_ppr(ppr, _ppr_props(style.find(W + "pPr")))
                rpr = {**rpr, **_rpr_props(style.find(W + "rPr"))}
            self._cache[key] = (ppr, rpr)
        return self._cache[key]

    def para(self, sid: str | None) -> tuple[dict, dict]:
        ppr, rpr = self.para_own(sid)
        return _merge_ppr(self.ppr_default, ppr), {**self.rpr_default, **rpr}

    def char(self, sid: str | None) -> dict:
        key = ("char", sid)
        if key not in self._cache:
            rpr: dict = {}
            for style in self.chain(sid):
                rpr = {**rpr, **_rpr_props(style.find(W + "rPr"))}
            self._cache[key] = rpr
        return self._cache[key]

    def table(self, sid: str | None) -> _TableStyle:
        key = ("table", sid)
        if key not in self._cache:
            ts = _TableStyle()
            for style in self.chain(sid):
                tblpr = style.find(W + "tblPr")
                if tblpr is not None:
                    ts.borders.update(_borders(tblpr.find(W + "tblBorders")))
                    ts.margins.update(_margins(tblpr.find(W + "tblCellMar")))
                ts.ppr = _merge_ppr(ts.ppr, _ppr_props(style.find(W + "pPr")))
                ts.rpr.update(_rpr_props(style.find(W + "rPr")))
            self._cache[key] = ts
        return self._cache[key]


@dataclass
class _TableStyle:
    borders: dict = field(default_factory=dict)
    margins: dict = field(default_factory=dict)
    ppr: dict = field(default_factory=dict)
    rpr: dict = field(default_factory=dict)


def _elements(parent):
    return [] if parent is None else list(parent.iterchildren(tag=etree.Element))


def _split_sections(body) -> list[tuple[list, object]]:
    """Body blocks grouped by section; a paragraph holding a sectPr ends its section."""
    sections, current, final = [], [], None
    for el in _elements(body):
        if el.tag == W + "sectPr":
            final = el
            continue
        current.append(el)
        if el.tag == W + "p":
            sect_pr = el.find(f"{W}pPr/{W}sectPr")
            if sect_pr is not None:
                sections.append((current, sect_pr))
                current = []
    if current or not sections:
        sections.append((current, final))  # an empty last section would add a blank page
    return sections
