"""The errors of the notices capability, declared once: each names the field at fault."""

from __future__ import annotations

from silkpost.errors import InvalidRequest, NotFound, SilkpostError


class InvalidNotice(InvalidRequest):
    """A notice whose fields break a rule (texts, codes, validity window)."""

    code = "notices.invalid"
    title = "Invalid notice"


class UnknownCode(InvalidNotice):
    """A node or service code the platform's network does not have."""

    code = "notices.unknown_code"
    title = "Unknown node or service"


class NoticeNotFound(NotFound):
    """No notice has this id."""

    code = "notices.not_found"
    title = "No such notice"


class NoticeConflict(SilkpostError):
    """The notice's state forbids the change (publishing a withdrawn notice, a taken id)."""

    code = "notices.conflict"
    kind = "conflict"
    title = "Notice cannot change that way"
