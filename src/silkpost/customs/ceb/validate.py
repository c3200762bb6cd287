"""Check one CEB message: read it safely, tell which message and schema it is, validate it
against that XSD, then against the rules the XSD only documents (:mod:`.rules`).

Every problem is reported, each with its element path and reason; a document that cannot be
read at all (not XML, a DOCTYPE, too large, another namespace, an unknown message or version)
is one problem on ``(file)`` or the root, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from silkpost.customs.ceb import schemas
from silkpost.customs.ceb.paths import local, path_of
from silkpost.customs.ceb.rules import rule_problems
from silkpost.customs.ceb.schemas import (
    BY_VERSION_ATTRIBUTE,
    CEB_NS,
    DXP_NS,
    MAX_MESSAGE_BYTES,
    Side,
    Version,
    safe_parser,
)
from silkpost.domain.errors import Problem

_ELEMENT = re.compile(r"^Element '(?:\{[^}]*\})?[^']*'(?:, attribute '([^']*)')?: ")
_BRACED_NS = re.compile(r"\{[^}]*\}")
# libxml2's advice to programmers ("use XML_PARSE_HUGE option"), not to the file's sender.
_LIBXML_ADVICE = re.compile(r",? (?:see|use) (?:xml|XML)\w*(?: option)?\.?")


@dataclass(frozen=True, slots=True)
class MessageReport:
    """What checking one message came to: which message and schema it is (None when that
    could not be told), and every problem found."""

    source: str
    message: str | None
    version: Version | None
    side: Side | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether the message passed the schema and the rules."""
        return not self.problems


def validate_message(data: bytes, *, source: str = "(message)",
                     version: Version | None = None) -> MessageReport:
    """Check the bytes of one CEB message; ``version`` forces a schema instead of the one
    the message's version attribute names."""

    def refused(where: str, why: str, message: str | None = None,
                side: Side | None = None, at: Version | None = None) -> MessageReport:
        return MessageReport(source, message, at, side, (Problem(where, why),))

    if len(data) > MAX_MESSAGE_BYTES:
        return refused("(file)", f"{len(data):,} bytes: a CEB message is read up to "
                                 f"{MAX_MESSAGE_BYTES:,}")
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        return refused("(file)", f"not well-formed XML: {_LIBXML_ADVICE.sub('', exc.msg)}")
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        return refused("(file)", "declares a DOCTYPE: a CEB message has no DTD and no "
                                 "entities, and is not read with them")
    if not isinstance(root.tag, str):
        return refused("(file)", "no root element")
    name = local(root.tag)
    namespace = etree.QName(root).namespace
    if namespace == DXP_NS:
        return refused(f"/{name}", "a DXP transport envelope: Silkpost checks the CEB "
                                   "message it carries, not the envelope; give the message")
    if namespace != CEB_NS:
        return refused(f"/{name}", f"not a CEB message: its namespace is "
                                   f"{namespace or 'none'}, not {CEB_NS}")
    attribute = root.get("version")
    if version is None:
        if attribute is None:
            return refused(f"/{name}/@version", "is required: it tells the schema version",
                           name)
        version = BY_VERSION_ATTRIBUTE.get(attribute.strip())
        if version is None:
            known = ", ".join(f"{k} ({v.value})" for k, v in BY_VERSION_ATTRIBUTE.items())
            return refused(f"/{name}/@version", f"{attribute!r} is no version Silkpost knows: "
                                                f"{known}; name the schema to use", name)
    side = schemas.messages(version).get(name)
    if side is None:
        return refused(f"/{name}", f"{name} is not a message of the {version.value} schemas",
                       name, at=version)
    return MessageReport(source, name, version, side, tree_problems(root, version, side))


def tree_problems(root: etree._Element, version: Version, side: Side) -> tuple[Problem, ...]:
    """The problems of a parsed message of known schema: the XSD's, then the rules'."""
    tree = root.getroottree()
    xsd = schemas.schema(version, side)
    problems = [] if xsd.validate(tree) else [_schema_problem(tree, root, e)
                                              for e in xsd.error_log]
    problems.extend(rule_problems(root, side))
    return tuple(problems)


def _schema_problem(tree: etree._ElementTree, root: etree._Element,
                    error: etree._LogEntry) -> Problem:
    """An XSD error with the element's path in the report's form, its text without
    namespaces."""
    message = error.message or "does not match the schema"
    matched = _ELEMENT.match(message)
    attribute = matched.group(1) if matched else None
    reason = _BRACED_NS.sub("", message[matched.end():] if matched else message).strip()
    where = error.path or ""
    try:
        found = tree.xpath(where, namespaces={k: v for k, v in root.nsmap.items() if k})
        if isinstance(found, list) and found and isinstance(found[0], etree._Element):
            where = path_of(found[0])
    except etree.XPathError:
        where = _BRACED_NS.sub("", where)
    if attribute:
        where = f"{where}/@{attribute}"
    return Problem(where or f"(line {error.line})", reason)
