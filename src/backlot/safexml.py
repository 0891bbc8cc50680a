"""Untrusted XML read safely, with the source line of the elements that matter.

Reading goes only through defusedxml with document type declarations refused: entities and
external references can only be declared inside a DOCTYPE, so refusing it stops entity
bombs and file reads before anything is expanded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.parsers.expat import XMLParserType

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from backlot.errors import BacklotError


class LineTreeBuilder(ET.TreeBuilder):
    """A TreeBuilder that remembers the source line of the root and of elements in `tags`."""

    # Assigned once the parser that feeds this builder (and owns the expat object) exists.
    expat: XMLParserType

    def __init__(self, tags: frozenset[str]) -> None:
        super().__init__()
        self.tags = tags
        self.lines: dict[int, int] = {}
        self.root_line = 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        if tag in self.tags:
            self.lines[id(element)] = self.expat.CurrentLineNumber
        elif not self.root_line:
            self.root_line = self.expat.CurrentLineNumber
        return element


def parse_xml(
    data: bytes,
    source: str | None,
    tags: frozenset[str],
    kind: str,
    error: type[BacklotError] = BacklotError,
) -> tuple[ET.Element, LineTreeBuilder]:
    """The document's root and the builder that knows its lines, or one `error` naming
    `source` and the line; `kind` names the document in the message ('a Final Draft file')."""
    builder = LineTreeBuilder(tags)
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    expat = parser.parser
    builder.expat = expat
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise error(
            "refused unsafe XML: a document type declaration (<!DOCTYPE …>) is not allowed "
            f"in {kind} (its entities could expand without limit or read files)",
            source,
            expat.CurrentLineNumber,
        ) from None
    except ET.ParseError as exc:
        message = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
        raise error(f"malformed XML: {message}", source, exc.position[0]) from None
    except LookupError as exc:  # an encoding Python does not know, named in <?xml …?>
        raise error(f"malformed XML: {exc}", source, 1) from None
    return root, builder
