"""Safe XML loading: entity declarations refused, errors located, TestStand quirks accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from pywats_client._identity import Station
from pywats_client.converters import ConversionError, Source
from pywats_client.converters._xml import load_xml


def _load(data: bytes) -> object:
    return load_xml(Source(Path("report.xml"), data, Station("ST")))


def test_doctype_is_refused_before_any_entity_expands() -> None:
    laughs = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
    with pytest.raises(ConversionError, match=r"report.xml: line 2: DOCTYPE declarations"):
        _load(laughs + b"<r>&b;</r>")


def test_malformed_xml_names_line_and_column() -> None:
    with pytest.raises(ConversionError, match=r"report.xml: line 3, column 2: malformed XML"):
        _load(b"<a>\n<b>\n</a>")


def test_elements_know_their_lines_and_old_stylesheet_pis_are_accepted() -> None:
    data = b"\xef\xbb\xbf<?xml:stylesheet type='text/xsl' href='x.xsl'?>\n<a>\n <b x='1'/>\n</a>"
    doc = load_xml(Source(Path("report.xml"), data, Station("ST")))
    [child] = list(doc.root)
    assert doc.line(child) == 3
    assert doc.where(child, "attribute x") == "line 3, <b> attribute x"


def test_declared_encoding_is_honoured() -> None:
    data = "<?xml version='1.0' encoding='iso-8859-1'?><a>Ström</a>".encode("latin-1")
    doc = load_xml(Source(Path("report.xml"), data, Station("ST")))
    assert doc.root.text == "Ström"


def test_an_encoding_python_does_not_know_is_a_located_error() -> None:
    with pytest.raises(ConversionError, match=r"report.xml: line 1: unknown text encoding"):
        _load(b"<?xml version='1.0' encoding='abc'?><a/>")
