"""The error family every capability raises: a stable code, a message, and the field at fault.

Errors carry no HTTP: ``silkpost.api.problems`` maps them to RFC 9457 problem+json and the CLI
maps them to exit codes. A new error is a subclass with its own ``code`` and ``kind``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar, Literal

from silkpost.domain.errors import InvalidValue

ErrorKind = Literal["invalid", "not_found", "conflict", "unavailable", "unauthenticated",
                    "forbidden", "rate_limited"]


class SilkpostError(Exception):
    """Base of all errors the platform reports to its callers."""

    code: ClassVar[str] = "silkpost.error"
    kind: ClassVar[ErrorKind] = "invalid"
    title: ClassVar[str] = "Request could not be processed"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class NotFound(SilkpostError):
    """Something asked for by id does not exist (or is not the caller's to see)."""

    code = "silkpost.not_found"
    kind = "not_found"
    title = "Not found"


class InvalidRequest(SilkpostError):
    """A request whose parameters are malformed."""

    code = "silkpost.invalid_request"
    kind = "invalid"
    title = "Invalid request"


@contextmanager
def invalid_request(field: str | None = None) -> Iterator[None]:
    """A domain check's error (:class:`InvalidValue`) inside becomes the caller's
    :class:`InvalidRequest`, naming ``field`` (or the field the check named): the one place
    services turn a value the domain refuses into a 400 or a CLI error line."""
    try:
        yield
    except InvalidValue as exc:
        raise InvalidRequest(exc.message, field=field or exc.field) from None
