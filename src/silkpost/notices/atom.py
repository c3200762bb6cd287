"""The notices as an Atom feed (RFC 4287), so partners can follow them in any feed reader.

Built with the standard library's ElementTree: one function from notices to bytes, no I/O.
Entries are ids ``urn:silkpost:notice:<id>``, one category per node and per service concerned
and one for the severity, texts in the reader's language with the domain's fallback.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime

from silkpost.domain.notices import Notice
from silkpost.domain.text import LINE_BREAKS, strip_control

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
FEED_ID = "urn:silkpost:notices"
NODE_SCHEME = "urn:silkpost:node"
SERVICE_SCHEME = "urn:silkpost:service"
SEVERITY_SCHEME = "urn:silkpost:severity"
_TITLES = {
    "en": "Silkpost notices", "zh": "丝路邮政通告", "ru": "Объявления Silkpost",
    "kk": "Silkpost хабарландырулары",
}

ET.register_namespace("", ATOM_NS)


def entry_id(notice_id: str) -> str:
    """The permanent Atom id of a notice."""
    return f"urn:silkpost:notice:{notice_id}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        # Notices refuse control characters when written; this keeps the document well-formed
        # whatever a notice was built from (XML 1.0 cannot carry them at all).
        element.text = strip_control(text, keep=LINE_BREAKS)
    return element


def feed(notices: Sequence[Notice], *, lang: str, base_url: str, now: datetime) -> bytes:
    """The feed document for published notices (the caller leaves out drafts and withdrawn).

    ``updated`` is the newest publication; ``now`` is used only for an empty feed.
    """
    base = base_url.rstrip("/")
    root = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": lang})
    _sub(root, "id", FEED_ID)
    _sub(root, "title", _TITLES.get(lang, _TITLES["en"]))
    published = [n.published_at for n in notices if n.published_at is not None]
    _sub(root, "updated", _stamp(max(published, default=now)))
    _sub(_sub(root, "author"), "name", "Silkpost")
    _sub(root, "link", rel="self", href=f"{base}/notices.atom?lang={lang}")
    for n in notices:
        assert n.published_at is not None, "drafts are not fed"
        entry = _sub(root, "entry")
        _sub(entry, "id", entry_id(n.notice_id))
        _sub(entry, "title", n.title_in(lang))
        # A notice does not change once published (only withdrawal, which drops it).
        _sub(entry, "updated", _stamp(n.published_at))
        _sub(entry, "published", _stamp(n.published_at))
        _sub(entry, "link", rel="alternate", type="application/json",
             href=f"{base}/api/v1/notices/{n.notice_id}")
        window = f"valid from {_stamp(n.valid_from)}" + (
            f" until {_stamp(n.valid_until)}" if n.valid_until else "")
        _sub(entry, "summary", f"{n.severity.value}: {window}", type="text")
        _sub(entry, "content", n.body_in(lang) or n.title_in(lang), type="text")
        _sub(entry, "category", term=n.severity.value, scheme=SEVERITY_SCHEME)
        for code in n.nodes:
            _sub(entry, "category", term=code, scheme=NODE_SCHEME)
        for code in n.services:
            _sub(entry, "category", term=code, scheme=SERVICE_SCHEME)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
