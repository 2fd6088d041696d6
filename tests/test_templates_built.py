"""The committed .docx templates are exactly what their builders in docgen/kinds/ make."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from docgen.kinds import build, catalog


def parts(data: bytes) -> dict[str, bytes]:
    """Every part of a .docx zip; XML canonicalised, so zip timestamps and layout do not count."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        result = {}
        for name in package.namelist():
            content = package.read(name)
            if name.endswith((".xml", ".rels")):
                content = etree.tostring(etree.fromstring(content), method="c14n2")
            result[name] = content
    return result


def test_every_kind_has_a_builder():
    assert sorted(kind.template for kind in catalog.KINDS) == sorted(build.TEMPLATES)


@pytest.mark.parametrize("name", sorted(build.TEMPLATES))
def test_committed_template_matches_its_builder(name):
    built = parts(build.build(name))
    committed = parts((build.OUT / name).read_bytes())
    assert sorted(built) == sorted(committed)
    changed = [part for part in built if built[part] != committed[part]]
    assert changed == [], f"{name}: run `python -m docgen.kinds.build {name}` and commit"
