"""Checks on uploaded Office packages (DOCX, XLSX) before any parser opens them.

A package is a zip: its sizes are checked from the central directory (zipfile never reads a
member past its declared size, so a forged header cannot smuggle more), and every XML part is
parsed (expat, streamed, nothing resolved) and refused if it carries a DTD, the door to entity
expansion and external entities. Parsing, not searching the bytes, is what sees a DTD in
whatever encoding the part declares (a UTF-16 part hides «<!DOCTYPE» from a byte search).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from docgen.errors import FieldErrors

_DTD_MARKS = (b"<!doctype", b"<!entity")
_XML_PARTS = (".xml", ".rels")
_CHUNK = 64 * 1024


class _DtdFound(Exception):
    """Raised from the expat handlers when a part declares a DTD or an entity."""


@dataclass(frozen=True)
class Limits:
    max_compressed: int = 10 * 1024 * 1024
    max_total: int = 100 * 1024 * 1024
    max_ratio: int = 200
    max_members: int = 2000


def _refuse(field: str, message: str) -> FieldErrors:
    return FieldErrors(message, fields={field: [message]})


def open_package(
    content: bytes,
    *,
    what: str,
    required: tuple[str, ...],
    limits: Limits = Limits(),
    field: str = "file",
) -> zipfile.ZipFile:
    """The package as an open ZipFile once it passes every check; FieldErrors otherwise.

    `what` names the expected format, in the instrumental case («документом DOCX»); `required` lists parts
    that must be present (e.g. word/document.xml).
    """
    if not isinstance(content, bytes | bytearray) or not content:
        raise _refuse(field, "Файл пустой.")
    if len(content) > limits.max_compressed:
        mb = limits.max_compressed // (1024 * 1024)
        raise _refuse(field, f"Файл больше {mb} МБ.")
    try:
        package = zipfile.ZipFile(io.BytesIO(bytes(content)))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise _refuse(field, f"Файл не является {what}.") from err
    if len(infos) > limits.max_members:
        raise _refuse(field, f"Файл не является {what}: в нём слишком много частей.")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total:
        mb = limits.max_total // (1024 * 1024)
        raise _refuse(
            field, f"Файл в распакованном виде больше {mb} МБ — такой файл не принимается."
        )
    for info in infos:
        if (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
            and info.file_size > 1_000_000
        ):
            raise _refuse(
                field, "Файл сжат подозрительно сильно (похож на «zip-бомбу») и не принимается."
            )
    names = {info.filename for info in infos}
    missing = [name for name in required if name not in names]
    if missing:
        raise _refuse(field, f"Файл не является {what}: нет части {missing[0]}.")
    try:
        for info in infos:
            name = info.filename
            if not name.lower().endswith((*_XML_PARTS, ".vml")):
                continue
            well_formed = _check_part(package, info)
            if well_formed is None:
                raise _refuse(
                    field,
                    f"Файл содержит объявление DTD/сущностей ({name}) — "
                    "такие файлы не принимаются.",
                )
            if not well_formed and name.lower().endswith(_XML_PARTS):
                raise _refuse(
                    field,
                    f"Файл повреждён (часть {name} — неправильный XML): он не является {what}.",
                )
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
        raise _refuse(field, f"Файл повреждён: он не является {what}.") from err
    return package


def _check_part(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool | None:
    """Whether a part is well-formed XML; None if it declares a DTD or an entity.

    expat finds the encoding from the byte order mark or the declaration, as every reader of
    the part will. A VML part (Office writes it loosely) that is not well-formed falls back to
    a search of its bytes.
    """

    def refuse(*_args: object) -> None:
        raise _DtdFound

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.NotationDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        with package.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _DtdFound:
        return None
    except expat.ExpatError:
        if info.filename.lower().endswith(".vml"):
            head = package.read(info).lower()
            return None if any(mark in head for mark in _DTD_MARKS) else True
        return False
    return True
