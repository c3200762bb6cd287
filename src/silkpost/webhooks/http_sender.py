"""The sender that makes webhook attempts over HTTP(S), with the standard library's client.

What it guards against, and how:
- **SSRF**: the URL is a partner's, so it could name the server's own admin port, a database
  on the private network or the cloud metadata address. The host is resolved here, every
  address it gives is checked (:func:`silkpost.domain.webhooks.private_address`), and the
  connection goes to the address checked, not to a name resolved again later (which a
  short-lived DNS answer could point elsewhere). Private targets are allowed only by
  ``SILKPOST_WEBHOOKS_ALLOW_PRIVATE`` (a partner system on the same private network).
- **Redirects** are not followed (``http.client`` never does): a 3xx is a failed attempt.
- **Slow receivers**: every connect and read times out (15 s by default); at most 64 KiB of
  an answer is read.

Connections are kept open per worker thread and endpoint, so a burst to one receiver reuses
them; a failed attempt closes its connection.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

from silkpost.domain.webhooks import Outcome, private_address

TIMEOUT_S = 15.0
MAX_ANSWER = 64 * 1024


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the certificate checked for the URL's host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._context = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a checked address, with the URL's host in the Host header."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class HttpSender:
    """One POST per attempt; an :class:`Outcome` whatever happens, never an exception."""

    def __init__(self, *, allow_private: bool = False, timeout: float = TIMEOUT_S) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self._local = threading.local()
        self._context = ssl.create_default_context()

    def _pool(self) -> dict[tuple[str, str, int], http.client.HTTPConnection]:
        pool: dict[tuple[str, str, int], http.client.HTTPConnection] | None = getattr(
            self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        return pool

    def _address(self, host: str, port: int) -> tuple[str | None, str]:
        """The address to connect to, or None and why not."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            return None, f"cannot resolve {host}: {exc}"
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            return None, f"{host} has no address"
        if not self.allow_private:
            private = [a for a in addresses if private_address(a)]
            if private:
                return None, (f"refused: {host} resolves to the private address {private[0]} "
                              "(allow with SILKPOST_WEBHOOKS_ALLOW_PRIVATE=1)")
        return addresses[0], ""

    def send(self, url: str, headers: Mapping[str, str], body: bytes) -> Outcome:
        """POST ``body`` to ``url`` with ``headers``.

        A kept-open connection the receiver has since closed fails before any answer; that
        attempt is made again once on a new connection, as it never reached the receiver.
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        key = (parts.scheme, host, port)
        pool = self._pool()
        for reused in (key in pool, False):
            conn = pool.get(key)
            if conn is None:
                address, why = self._address(host, port)
                if address is None:
                    return Outcome(None, error=why)
                conn = (_PinnedHTTPS(host, address, port, self.timeout, self._context)
                        if https else _PinnedHTTP(host, address, port, self.timeout))
                pool[key] = conn
            try:
                conn.request("POST", path, body=body, headers=dict(headers))
                answer = conn.getresponse()
                answer.read(MAX_ANSWER)
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError) as exc:
                self._drop(pool, key)
                if reused:
                    continue
                return Outcome(None, error=f"{type(exc).__name__}: {exc}")
            except (OSError, http.client.HTTPException) as exc:
                self._drop(pool, key)
                return Outcome(None, error=f"{type(exc).__name__}: {exc}")
            if answer.will_close or not answer.isclosed():
                self._drop(pool, key)
            return Outcome(answer.status, retry_after=answer.getheader("retry-after"))
        raise AssertionError("unreachable: the second pass never continues")

    @staticmethod
    def _drop(pool: dict[tuple[str, str, int], http.client.HTTPConnection],
              key: tuple[str, str, int]) -> None:
        conn = pool.pop(key, None)
        if conn is not None:
            conn.close()

