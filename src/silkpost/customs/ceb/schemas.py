"""The CEB schemas shipped with Silkpost (``xsd/``), loaded once each, offline.

Each version has an export and an import schema; both import W3C xmldsig by a relative
location, and the DXP envelope includes its terminal schema under a Chinese file name that the
shipped files carry in English. A resolver serves every such reference from the package, so
nothing is read from the network or from outside the package.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from enum import StrEnum
from functools import cache
from importlib.resources import files
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:  # the stubs' name for what resolve_string returns
    from lxml.etree._docloader import _InputDocument

CEB_NS = "http://www.chinaport.gov.cn/ceb"
DXP_NS = "http://www.chinaport.gov.cn/dxp"
XS_NS = "http://www.w3.org/2001/XMLSchema"
CHINA_TIME = timezone(timedelta(hours=8), "CST")  # the zone of every CEB time
TIME_FORMAT = "%Y%m%d%H%M%S"  # appTime, leaveTime, returnTime…: YYYYMMDDhhmmss
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
"""The largest CEB message read (checked or imported): 100 entities of 100 lines are about
2 MB."""


def safe_parser(*, strip_comments: bool = False) -> etree.XMLParser:
    """An XML parser for a CEB message from outside: it resolves no entity, loads no DTD,
    touches no network and keeps lxml's limits on depth and text size. A new one per message:
    lxml parsers are not to be shared between threads. ``strip_comments`` drops comments and
    processing instructions, for a reader that walks the elements' children."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=strip_comments,
                           remove_pis=strip_comments)


class Version(StrEnum):
    """A schema version: the 2022-05 one Silkpost writes, and the 2018 trial one."""

    V202205 = "202205"
    V2018 = "2018-113"


class Side(StrEnum):
    """Which way the goods go: the export schema or the import one."""

    EXPORT = "export"
    IMPORT = "import"


# The version attribute a message carries, and the schema it names. The 2018 trial messages
# say "1.0" (the schema's documented default); Silkpost writes its 202205 messages with
# "202205" so that a reader can tell them apart (the XSD fixes no value).
BY_VERSION_ATTRIBUTE = {"1.0": Version.V2018, "202205": Version.V202205}

_FILES = {
    Version.V202205: {Side.EXPORT: "ceb-export-202205.xsd", Side.IMPORT: "ceb-import-202205.xsd",
                      "dxp": "dxp-server-transfer-202205.xsd",
                      "terminal": "dxp-terminal-202205.xsd"},
    Version.V2018: {Side.EXPORT: "ceb-export.xsd", Side.IMPORT: "ceb-import.xsd",
                    "dxp": "dxp-server-transfer.xsd", "terminal": "dxp-terminal.xsd"},
}
# How the DXP server schema names the terminal one it includes.
_TERMINAL_ALIAS = "终端节点报文.xsd"
_XMLDSIG = "xmldsig-core-schema.xsd"


class _PackageResolver(etree.Resolver):
    """Serves the schemas' imports and includes from the package, and nothing else."""

    def __init__(self, version: Version) -> None:
        super().__init__()
        self.version = version

    def resolve(self, system_url: str | None, public_id: str | None,
                context: object, /) -> _InputDocument | None:
        name = PurePosixPath(system_url or "").name
        if name not in (*_FILES[self.version].values(), _XMLDSIG):
            raise LookupError(f"schema reference {system_url!r} is not shipped with Silkpost")
        return self.resolve_string(_read(self.version, name), context)


def _read(version: Version, name: str) -> bytes:
    return files("silkpost.customs.ceb").joinpath("xsd", version.value, name).read_bytes()


def _schema(version: Version, key: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    parser.resolvers.add(_PackageResolver(version))
    name = _FILES[version][key]
    # A base URL of the package's own, so that relative references reach the resolver.
    doc = etree.fromstring(_read(version, name), parser,
                           base_url=f"silkpost-ceb:/{version.value}/{name}")
    # libxml2 builds no URI from a non-ASCII schemaLocation: name the shipped file instead.
    for include in doc.iterchildren(f"{{{XS_NS}}}include"):
        if include.get("schemaLocation") == _TERMINAL_ALIAS:
            include.set("schemaLocation", _FILES[version]["terminal"])
    return etree.XMLSchema(etree.ElementTree(doc))


@cache
def schema(version: Version, side: Side) -> etree.XMLSchema:
    """The compiled schema of one version and side (compiled once per process)."""
    return _schema(version, side)


@cache
def envelope_schema(version: Version) -> etree.XMLSchema:
    """The DXP transport envelope's schema (its terminal part included from the package)."""
    return _schema(version, "dxp")


@cache
def messages(version: Version) -> dict[str, Side]:
    """The messages a version defines (root element name, e.g. ``CEB303Message``), and the
    side of each: read from the schemas' own top-level declarations."""
    out: dict[str, Side] = {}
    for side in Side:
        doc = etree.fromstring(_read(version, _FILES[version][side]),
                               etree.XMLParser(resolve_entities=False, no_network=True,
                                               load_dtd=False))
        for element in doc.iterchildren(f"{{{XS_NS}}}element"):
            name = element.get("name", "")
            if name.startswith("CEB") and name.endswith("Message"):
                out[name] = side
    return out
