"""Lane keys: ``ORIGIN>DESTINATION``, made and read back in one place.

A lane is named by its two ends joined with ``>`` (the network's promises use the same keys).
The ends come from data: an office code and a payload destination a partner wrote, and an
older store may hold a destination such as ``A>B``. Joined naively, such a key cannot be split
back, and the dashboard asked for "the lane CNURCA>A>B" and got a 400 for everyone. So the
ends are escaped where the key is made: ``%`` and ``>`` inside an end become ``%25`` and
``%3E``; codes of the network contain neither, so their keys read as before.

>>> lane_key("CNURCA", "KZALAA")
'CNURCA>KZALAA'
>>> lane_key("CNURCA", "A>B"), lane_ends(lane_key("CNURCA", "A>B"))
('CNURCA>A%3EB', ('CNURCA', 'A>B'))
"""

from __future__ import annotations

import re

from silkpost.domain.errors import InvalidFormat

SEPARATOR = ">"
_PLAIN = {"%25": "%", "%3E": SEPARATOR}
_ESCAPED = re.compile("|".join(_PLAIN))


def _escape(end: str) -> str:
    return end.replace("%", "%25").replace(SEPARATOR, "%3E")


def _unescape(end: str) -> str:
    return _ESCAPED.sub(lambda m: _PLAIN[m.group(0)], end)  # one pass: %253E stays %3E


def lane_key(origin: str, destination: str) -> str:
    """The key of the lane from ``origin`` to ``destination``, whatever characters they hold."""
    return f"{_escape(origin)}{SEPARATOR}{_escape(destination)}"


def lane_ends(key: str) -> tuple[str, str]:
    """The two ends of a key made by :func:`lane_key`, or an error naming the field ``lane``.

    >>> lane_ends("A>B>C")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    silkpost.domain.errors.InvalidFormat: lane 'A>B>C' is not ORIGIN>DESTINATION (...)
    """
    origin, sep, destination = key.partition(SEPARATOR)
    if not sep or not origin or not destination or SEPARATOR in destination:
        raise InvalidFormat(f"lane {key!r} is not ORIGIN>DESTINATION (a '>' inside a code "
                            "is written %3E)", field="lane")
    return _unescape(origin), _unescape(destination)
