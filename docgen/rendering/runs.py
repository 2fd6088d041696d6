"""A paragraph's inline content: runs of text, tabs, breaks, images; and that content as HTML."""

from __future__ import annotations

import base64
import html
import posixpath
import re
from collections.abc import Callable

from docgen.rendering.ooxml import W, _children, _parse_xml, _rpr_css, _rpr_props, _Styles, _val

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_EMU_PER_PT = 12700
# What browsers and WeasyPrint draw; other formats (EMF, WMF, TIFF) are left out.
_IMAGE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "webp": "image/webp",
    "svg": "image/svg+xml",
}


def media(read: Callable[[str], bytes | None], document: bytes | None) -> dict[str, str]:
    """The images of document.xml by relationship id, as data: URIs.

    `read` gives a part of the package by name (None if missing); `document` is the document
    XML, or None for every image its relationships name whatever the document shows.
    """
    rels = read("word/_rels/document.xml.rels")
    if (document is not None and b"blip" not in document) or rels is None:
        return {}
    images = {}
    for rel in _parse_xml(rels).iter(_RELS):
        target = rel.get("Target") or ""
        if rel.get("Type") != _IMAGE_REL or rel.get("TargetMode") == "External":
            continue
        name = target.lstrip("/") if target.startswith("/") else posixpath.join("word", target)
        name = posixpath.normpath(name)
        mime = _IMAGE_TYPES.get(name.rsplit(".", 1)[-1].lower())
        if mime is None:
            continue
        content = read(name)
        if content is None:
            continue  # a dangling relationship: nothing to show
        images[rel.get("Id")] = f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
    return images


class _Runs:
    """Collects a paragraph's inline content as ("t", text, css) / ("tab",) / ("br",) / ("page",)
    / ("img", data URI, width pt, height pt)."""

    def __init__(self, styles: _Styles, para_r: dict, images: dict[str, str]) -> None:
        self.styles = styles
        self.para_r = para_r
        self.images = images
        self.fields: list[str] = []  # per open complex field: "instr" or "result"

    def collect(self, parent, items: list[tuple]) -> None:
        for name, el in _children(parent):
            if name == "r":
                self._run(el, items)
            elif name in ("hyperlink", "ins", "smartTag", "customXml", "fldSimple", "dir", "bdo"):
                self.collect(el, items)
            elif name == "moveTo":
                self.collect(el, items)
            elif name == "sdt":
                self.collect(el.find(W + "sdtContent"), items)

    def _run(self, r, items: list[tuple]) -> None:
        rpr = r.find(W + "rPr")
        rstyle = _val(rpr.find(W + "rStyle")) if rpr is not None else None
        run_r = {**self.styles.char(rstyle), **_rpr_props(rpr)}
        eff = {**self.para_r, **run_r}
        hidden = eff.get("vanish", False)
        css = ";".join(_rpr_css(run_r))
        for name, el in _children(r):
            if name == "fldChar":
                kind = _val(el, "fldCharType")
                if kind == "begin":
                    self.fields.append("instr")
                elif kind == "separate" and self.fields:
                    self.fields[-1] = "result"
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if hidden or "instr" in self.fields:
                continue
            if name == "t":
                text = _clean(el.text or "")
                # Capitals are applied to the text itself, so the HTML, the PDF and
                # docx_text agree on the visible letters.
                items.append(("t", text.upper() if eff.get("caps") else text, css))
            elif name in ("tab", "ptab"):
                items.append(("tab",))
            elif name == "br":
                items.append(("page",) if _val(el, "type") == "page" else ("br",))
            elif name == "cr":
                items.append(("br",))
            elif name == "noBreakHyphen":
                items.append(("t", "-", css))
            elif name == "drawing":
                self._drawing(el, items)

    def _drawing(self, drawing, items: list[tuple]) -> None:
        """A picture in line or floating (wp:inline, wp:anchor), shown in line at its extent."""
        for holder in drawing.iterchildren(WP + "inline", WP + "anchor"):
            extent = holder.find(WP + "extent")
            blip = next(holder.iter(A + "blip"), None)
            src = self.images.get(blip.get(R + "embed")) if blip is not None else None
            if src is None or extent is None:
                continue
            width = int(extent.get("cx") or 0) / _EMU_PER_PT
            height = int(extent.get("cy") or 0) / _EMU_PER_PT
            items.append(("img", src, width, height))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\u00ad]")


def _clean(text: str) -> str:
    """Drop soft hyphens (hyphenation is off) and control characters."""
    return _CONTROL.sub("", text).replace("\t", " ").replace("\n", " ")


def _inline_html(items) -> str:
    """Inline HTML for text/br/tab/img items; runs of spaces stay visible as in Word."""
    out: list[str] = []
    prev_space = True  # leading spaces of a line are kept too
    pending: list[str] = []
    pending_css: str | None = None

    def flush() -> None:
        if pending:
            text = html.escape("".join(pending), quote=False)
            out.append(f'<span style="{pending_css}">{text}</span>' if pending_css else text)
            pending.clear()

    for item in items:
        if item[0] == "t":
            if item[2] != pending_css:
                flush()
                pending_css = item[2]
            text = item[1]
            if "  " in text or (prev_space and text.startswith(" ")):
                chars = []
                for ch in text:
                    if ch == " " and prev_space:
                        chars.append("\u00a0")
                        prev_space = False
                    else:
                        chars.append(ch)
                        prev_space = ch == " "
                text = "".join(chars)
            elif text:  # no space to keep visible: the text as it is
                prev_space = text[-1] == " "
            pending.append(text)
        elif item[0] == "img":
            flush()
            size = f"width:{item[2]:.2f}pt;height:{item[3]:.2f}pt"
            out.append(f'<img src="{item[1]}" alt="" style="{size}">')
            prev_space = False
        else:
            flush()
            out.append("<br>" if item[0] == "br" else '<span class="tab"> </span>')
            prev_space = item[0] == "br"
    flush()
    return "".join(out)
