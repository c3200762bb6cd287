"""Element paths as a report names them: ``/CEB303Message/Order[2]/OrderList/totalPrice`` —
local names, and a position only where an element has same-named siblings (XPath's own
convention, without namespace prefixes)."""

from __future__ import annotations

from lxml import etree


def local(tag: object) -> str:
    """An element's name without its namespace."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def path_of(element: etree._Element) -> str:
    """The element's path from the document's root."""
    parts = []
    node: etree._Element | None = element
    while node is not None:
        parent = node.getparent()
        name = local(node.tag)
        if parent is not None:
            same = list(parent.iterchildren(str(node.tag)))
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))
