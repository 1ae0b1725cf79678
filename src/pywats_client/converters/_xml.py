"""Safe XML loading for the XML-based converters, and finding elements by local name (the
formats differ in namespaces, not in element names).

The parser rejects any DOCTYPE, so no entity can be declared: that rules out entity-expansion
bombs and external entities whatever the expat version. Bytes go to expat untouched, so the
encoding declared in the file (UTF-8 with BOM, ISO-8859-1, ...) applies. Every element keeps the
line it starts on, for error messages.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from pywats_client.converters._base import ConversionError, Source

__all__ = ["XmlDocument", "child", "children", "load_xml", "local", "path"]

# TestStand once wrote `<?xml:stylesheet ...?>`; a colon in a PI target is not namespace
# well-formed, so expat rejects it. Same length, so line and column numbers stay right.
_COLON_STYLESHEET = re.compile(rb"<\?xml:stylesheet")


class XmlDocument:
    """A parsed file: its root element and the start line of every element."""

    def __init__(self, source: Source, root: ET.Element, lines: dict[int, int]) -> None:
        self.source = source
        self.root = root
        self._lines = lines

    def line(self, element: ET.Element) -> int | None:
        """The line the element's start tag is on."""
        return self._lines.get(id(element))

    def where(self, element: ET.Element, what: str | None = None) -> str:
        """`line N, <Tag>` (plus `what`) for error messages."""
        tag = element.tag.rsplit("}", 1)[-1]
        line = self.line(element)
        place = f"line {line}, <{tag}>" if line is not None else f"<{tag}>"
        return f"{place} {what}" if what else place

    def error(self, element: ET.Element, message: str, what: str | None = None) -> ConversionError:
        """A ConversionError about `element` of this file."""
        return self.source.error(message, self.where(element, what))


def _name(raw: str) -> str:
    """expat's `uri}local` as ElementTree's `{uri}local`."""
    return "{" + raw if "}" in raw else raw


class _DoctypeError(Exception):
    pass


def load_xml(source: Source) -> XmlDocument:
    """Parse `source.data`; ConversionError names the line and column of malformed XML."""
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(_name(tag), {_name(k): v for k, v in attrs.items()})
        lines[id(element)] = parser.CurrentLineNumber

    def reject_doctype(*_: object) -> None:
        raise _DoctypeError

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_name(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = reject_doctype
    parser.buffer_text = True
    data = _COLON_STYLESHEET.sub(b"<?xml-stylesheet", source.data[:4096], count=1)
    try:
        parser.Parse(data + source.data[4096:], True)
    except _DoctypeError:
        raise source.error(
            "DOCTYPE declarations are not accepted (entities could expand without bound)",
            f"line {parser.CurrentLineNumber}",
        ) from None
    except LookupError as exc:  # an encoding declaration Python has no codec for
        raise source.error(f"unknown text encoding ({exc})", "line 1") from None
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        raise source.error(
            f"malformed XML ({reason})", f"line {exc.lineno}, column {exc.offset}"
        ) from None
    return XmlDocument(source, builder.close(), lines)


def local(element: ET.Element) -> str:
    """The element's tag without its namespace."""
    return element.tag.rsplit("}", 1)[-1]


def child(element: ET.Element | None, name: str) -> ET.Element | None:
    """The first child with local name `name`."""
    if element is None:
        return None
    return next((e for e in element if local(e) == name), None)


def children(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if element is None else [e for e in element if local(e) == name]


def path(element: ET.Element | None, *names: str) -> ET.Element | None:
    """Follow local names down from `element`."""
    for name in names:
        element = child(element, name)
    return element
