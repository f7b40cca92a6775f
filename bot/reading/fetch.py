"""The guarded link fetcher: fetches one article page for the CLI and the Slack app, safely.

A link shared in Slack is untrusted input, so `fetch_url` is built to never be usable for
server-side request forgery (SSRF):

* Only ``http``/``https`` links with a host and no credentials are accepted.
* The host is resolved once per hop with `socket.getaddrinfo`; if *any* of its addresses is not a
  public unicast address (private, loopback, link-local, multicast, reserved, unspecified, shared
  100.64/10, documentation, IPv4-mapped/NAT64 forms of those...), the link is refused before any
  connection is made -- unless the host, as written in the link, is in ``allow_hosts``.
* The connection goes to the very address that was checked (the address is pinned, so DNS
  rebinding cannot switch it); the ``Host`` header, TLS SNI and certificate check use the name.
* Redirects are followed by hand, at most ``max_redirects``, and every hop is checked like the
  first before anything connects to it.
* One deadline (``total_timeout``) covers name resolution, every hop and the body; when it passes
  the live socket is shut down, so a server that drips bytes cannot hold a fetch open. The body is
  read in chunks and refused as soon as it (decompressed) exceeds ``max_bytes``.
* No proxy from the environment is used, no cookies or credentials are ever sent, this module
  logs nothing, and error messages are one short line with no URL, header or traceback in it.

Every failure is a `FetchError` whose ``reason`` is a stable code and whose ``str()`` is a
user-facing sentence.
"""

from __future__ import annotations

import codecs
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.response import HTTPResponse

try:  # a dependency of trafilatura; the system store is the fallback
    import certifi

    _CA_CERTS: str | None = certifi.where()
except ImportError:  # pragma: no cover - depends on the environment
    _CA_CERTS = None

__all__ = ["FetchError", "FetchedPage", "fetch_url", "allow_hosts_from_env", "is_public_address"]

DEFAULT_USER_AGENT = "Copydesk/0.1 (+newsroom link reader)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 64 * 1024
_MAX_URL_LENGTH = 8192

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# --------------------------------------------------------------------------- errors and results


class FetchError(Exception):
    """A link that could not (or may not) be fetched.

    ``reason`` is one of `FetchError.REASONS`; ``str(exc)`` is a short, user-facing, one-line
    message; ``status`` is the HTTP status for ``not_found`` and ``http_error``, else None.
    """

    REASONS = frozenset(
        {
            "bad_url",
            "not_allowed",
            "not_found",
            "too_large",
            "not_html",
            "timeout",
            "network",
            "http_error",
            "too_many_redirects",
        }
    )
    _MESSAGES = {
        "bad_url": "that is not a web link Copydesk can fetch",
        "not_allowed": "that link points to a private or local address, which Copydesk does not fetch",
        "not_found": "the site says that page does not exist",
        "too_large": "that page is too large to fetch",
        "not_html": "that link is not a web page",
        "timeout": "the site took too long to answer",
        "network": "could not connect to the site",
        "http_error": "the site answered with an error",
        "too_many_redirects": "that link redirects too many times",
    }

    def __init__(self, reason: str, message: str | None = None, *, status: int | None = None):
        if reason not in self.REASONS:
            raise ValueError(f"unknown FetchError reason: {reason!r}")
        self.reason = reason
        self.message = message or self._MESSAGES[reason]
        self.status = status
        super().__init__(reason, self.message)  # args that re-create it (pickling)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"FetchError({self.reason!r}, {self.message!r})"


@dataclass
class FetchedPage:
    """A fetched HTML page."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content_type: str  # the media type, lower-cased, without parameters ("" when the site sent none)
    html: str  # the decoded text


# --------------------------------------------------------------------------- addresses

_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata services live here)
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",  # documentation
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the limited broadcast address
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/96",  # unspecified, loopback, deprecated IPv4-compatible addresses
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo, benchmarking, ORCHID...)
        "2001:db8::/32",
        "3fff::/20",  # documentation
        "2002::/16",  # 6to4: may tunnel to any IPv4 address
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public_address(ip: IPAddress) -> bool:
    """Whether `ip` is a public unicast address that Copydesk may connect to.

    IPv4-mapped (``::ffff:a.b.c.d``) and NAT64 (``64:ff9b::a.b.c.d``) addresses are judged by the
    IPv4 address they carry; addresses with an IPv6 zone are never public.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        if ip.ipv4_mapped is not None:
            return is_public_address(ip.ipv4_mapped)
        if ip in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.is_site_local or any(ip in net for net in _BLOCKED_V6):
            return False
    elif any(ip in net for net in _BLOCKED_V4):
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


# --------------------------------------------------------------------------- hosts and URLs

_HOST_NAME = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*")
# Characters left alone when re-quoting a path or query: RFC 3986 reserved and unreserved ones,
# and "%" so existing escapes survive. Anything else (spaces, non-ASCII) is percent-encoded.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


def _normalize_host(host: str) -> str | None:
    """The canonical form of a host name or IP literal: lower-case ASCII (IDNA), no trailing dot,
    IPv6 without brackets and compressed. None if it is not a valid host."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None if getattr(ip, "scope_id", None) else str(ip)
    host = host[:-1] if host.endswith(".") else host
    if not host:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return None
    if len(host) > 253 or not _HOST_NAME.fullmatch(host):
        return None
    return host


@dataclass(frozen=True)
class _Target:
    """One hop's request, parsed and validated."""

    scheme: str
    host: str  # canonical (see _normalize_host)
    ip: IPAddress | None  # when the host is an IP literal
    port: int
    path: str  # what goes on the request line

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if isinstance(self.ip, ipaddress.IPv6Address) else self.host
        return name if self.port == _DEFAULT_PORTS[self.scheme] else f"{name}:{self.port}"


def _parse(url: str, *, redirect: bool) -> _Target:
    """Validate `url` and split it into what a request needs; FetchError("bad_url") if unusable."""

    def bad(message: str) -> FetchError:
        subject = "that link's redirect target" if redirect else "that link"
        return FetchError("bad_url", f"{subject} {message}")

    if not isinstance(url, str) or not url or len(url) > _MAX_URL_LENGTH:
        raise bad("is not a usable web address")
    # urlsplit silently drops tabs and newlines; refuse them (and other control characters).
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise bad("contains control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise bad("is not a well-formed web address") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise bad("is not an http:// or https:// web address")
    if "@" in parts.netloc:
        raise bad("has a user name or password in it, which Copydesk does not fetch")
    if "\\" in parts.netloc or "%" in parts.netloc:
        raise bad("is not a well-formed web address")
    if not parts.hostname:
        raise bad("has no host name")
    host = _normalize_host(parts.hostname)
    if host is None:
        raise bad("has a malformed host name")
    if port == 0:
        raise bad("has a bad port number")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    path = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_URL_SAFE)
    return _Target(scheme, host, ip, port or _DEFAULT_PORTS[scheme], path)


def allow_hosts_from_env(value: str | None) -> frozenset[str]:
    """Parse COPYDESK_FETCH_ALLOW_HOSTS: hosts separated by commas, e.g. ``intranet.local, 10.0.0.5``.

    Entries are trimmed and lower-cased; ports (``host:8080``, ``[::1]:8080``) and URL parts
    (``http://host/``) are dropped, IPv6 brackets removed; empty or malformed entries are skipped.
    """
    hosts: set[str] = set()
    for entry in (value or "").split(","):
        entry = entry.strip()
        if "://" in entry:
            try:
                entry = urlsplit(entry).netloc.rpartition("@")[2]
            except ValueError:
                continue
        if entry.startswith("["):
            entry = entry[1:].partition("]")[0]
        elif entry.count(":") == 1:
            entry = entry.partition(":")[0]
        host = _normalize_host(entry) if entry else None
        if host:
            hosts.add(host)
    return frozenset(hosts)


# --------------------------------------------------------------------------- the deadline


class _Deadline:
    """One deadline for a whole fetch.

    `remaining()` gives the time left (raising FetchError("timeout") once none is), to clamp each
    operation's timeout. Socket timeouts alone cannot bound a whole fetch -- a server that sends a
    byte every few seconds never trips them -- so a timer also shuts down the socket being used
    when the deadline passes, which ends any blocked read at once; `expired` then says why.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None  # our own duplicate of the live connection's socket
        self.expired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def error(self) -> FetchError:
        return FetchError("timeout", f"the site took too long to answer (over {self.seconds:g} s)")

    def remaining(self) -> float:
        left = self._at - time.monotonic()
        if left <= 0 or self.expired:
            raise self.error()
        return left

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down when the deadline passes. A duplicate descriptor is kept, so that the
        shutdown reaches the connection even once TLS has wrapped (and detached) `sock`, and never
        touches a descriptor number the process has meanwhile reused."""
        dup = sock.dup()
        with self._lock:
            self._release()
            self._sock = dup
            if self.expired:
                self._shutdown()

    def unwatch(self) -> None:
        with self._lock:
            self._release()

    def close(self) -> None:
        self._timer.cancel()
        self.unwatch()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _release(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class _GuardedHTTPConnection(HTTPConnection):
    """An HTTP connection whose socket is shut down when the fetch's deadline passes."""

    deadline: _Deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    """An HTTPS connection whose socket is shut down when the fetch's deadline passes."""

    deadline: _Deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)
        return sock


# --------------------------------------------------------------------------- resolving


def _getaddrinfo(host: str, port: int, deadline: _Deadline) -> list[tuple]:
    """socket.getaddrinfo, bounded by the deadline (it has no timeout of its own), in a daemon
    thread that is abandoned if the resolver hangs."""
    box: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["result"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # handed to the caller
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="copydesk-resolve", daemon=True).start()
    if not done.wait(deadline.remaining()):
        raise deadline.error()
    if "error" in box:
        error = box["error"]
        if isinstance(error, (socket.gaierror, UnicodeError)):
            raise FetchError("network", "could not find the site (its name does not resolve)") from None
        raise FetchError("network", "could not look up the site's address") from None
    return box["result"]  # type: ignore[return-value]


def _addresses(target: _Target, allowed: frozenset[str], deadline: _Deadline, redirect: bool) -> list[IPAddress]:
    """The addresses to connect to, all checked; FetchError("not_allowed") if any is not public."""
    if target.ip is not None:
        found: list[IPAddress] = [target.ip]
    else:
        found = []
        for family, _, _, _, sockaddr in _getaddrinfo(target.host, target.port, deadline):
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            try:
                ip = ipaddress.ip_address(sockaddr[0])
            except ValueError:
                found = []
                break  # an address we cannot judge: refuse below
            if ip not in found:
                found.append(ip)
        if not found:
            raise FetchError("network", "could not find the site (its name has no usable address)")
    if target.host not in allowed and not all(is_public_address(ip) for ip in found):
        where = "redirects" if redirect else "points"
        raise FetchError(
            "not_allowed", f"that link {where} to a private or local address, which Copydesk does not fetch"
        )
    return found


# --------------------------------------------------------------------------- one hop


def _connect(target: _Target, ip: IPAddress, deadline: _Deadline, connect_timeout: float) -> HTTPConnection:
    """A connection to exactly `ip` (never re-resolved), with TLS checked against the host name."""
    timeout = min(connect_timeout, deadline.remaining())
    conn: HTTPConnection
    if target.scheme == "https":
        # The certificate is verified against the host of the link (name or IP literal; urllib3
        # sends no SNI for an IP), not against the pinned address.
        conn = _GuardedHTTPSConnection(
            str(ip),
            target.port,
            timeout=timeout,
            server_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=_CA_CERTS,
        )
    else:
        conn = _GuardedHTTPConnection(str(ip), target.port, timeout=timeout)
    conn.deadline = deadline
    try:
        conn.connect()
    except BaseException:
        conn.close()
        raise
    return conn


def _request(
    target: _Target,
    ips: list[IPAddress],
    deadline: _Deadline,
    connect_timeout: float,
    user_agent: str,
) -> tuple[HTTPConnection, HTTPResponse]:
    """Send the GET for one hop; returns the open connection and the response (body unread).
    Addresses are tried in order until one accepts the connection."""
    conn: HTTPConnection | None = None
    failure: FetchError | None = None
    for ip in ips:
        try:
            conn = _connect(target, ip, deadline, connect_timeout)
            break
        except NewConnectionError:
            failure = FetchError("network", "could not connect to the site")
        except ConnectTimeoutError:
            failure = FetchError("timeout", "the site did not accept a connection in time")
        if deadline.expired:
            raise deadline.error()
    if conn is None:
        raise failure or FetchError("network")
    headers = {
        "Host": target.host_header,
        "User-Agent": user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    try:
        conn.timeout = deadline.remaining()
        conn.request("GET", target.path, headers=headers, preload_content=False, decode_content=False)
        return conn, conn.getresponse()
    except BaseException:
        conn.close()
        raise


class _Decoder:
    """Content-Encoding decoding with a bound on the output, so a small compressed body cannot
    expand past max_bytes in one step (a "zip bomb")."""

    def __init__(self, encoding: str):
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        self._z: zlib._Decompress | None = None
        self._raw_fallback = False  # "deflate" is meant to be zlib-wrapped; some servers send it raw
        self._started = False
        if codings in (["gzip"], ["x-gzip"]):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif codings == ["deflate"]:
            self._z = zlib.decompressobj()
            self._raw_fallback = True
        elif codings:
            raise FetchError("http_error", "the site sent the page in an encoding Copydesk cannot read")

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decode `data`, producing at most `limit` bytes (the caller refuses when it gets that many)."""
        if self._z is None:
            return data
        try:
            out = self._z.decompress(data, limit)
        except zlib.error:
            if self._started or not self._raw_fallback:
                raise FetchError("http_error", "the site sent a damaged compressed page") from None
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            self._raw_fallback = False
            return self.feed(data, limit)
        self._started = True
        return out

    def flush(self, limit: int) -> bytes:
        if self._z is None:
            return b""
        try:
            return self._z.decompress(self._z.unconsumed_tail, limit) + self._z.flush()
        except zlib.error:
            raise FetchError("http_error", "the site sent a damaged compressed page") from None


def _content_length(resp: HTTPResponse) -> int | None:
    values = {v.strip() for v in (resp.headers.get("Content-Length") or "").split(",") if v.strip()}
    if len(values) != 1:
        return None
    value = values.pop()
    return int(value) if value.isdigit() else None


def _read_body(resp: HTTPResponse, deadline: _Deadline, max_bytes: int) -> bytes:
    """The (decoded) body, read in chunks; FetchError("too_large") as soon as it exceeds max_bytes."""
    too_large = FetchError("too_large", f"that page is larger than {_size(max_bytes)}, the most Copydesk fetches")
    length = _content_length(resp)
    if length is not None and length > max_bytes:
        raise too_large
    decoder = _Decoder(resp.headers.get("Content-Encoding", ""))
    body = bytearray()
    while True:
        deadline.remaining()
        raw = resp.read1(_CHUNK, decode_content=False)
        if not raw:
            break
        body += decoder.feed(raw, max_bytes + 1 - len(body))
        if len(body) > max_bytes:
            raise too_large
    if deadline.expired:  # the watchdog's shutdown looks like the end of the body
        raise deadline.error()
    body += decoder.flush(max_bytes + 1 - len(body))
    if len(body) > max_bytes:
        raise too_large
    return bytes(body)


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1e6:g} MB"
    if n >= 1_000:
        return f"{n / 1e3:g} kB"
    return f"{n} bytes"


# --------------------------------------------------------------------------- content types and text


def _split_content_type(value: str | None) -> tuple[str, str | None]:
    """("text/html", "utf-8") from 'text/html; charset="UTF-8"'."""
    if not value:
        return "", None
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").strip() or None
    return media.strip().lower(), charset


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\f").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<!--") and b"<html" in head)


def _printable_type(media: str) -> str:
    return media if re.fullmatch(r"[a-z0-9!#$&^_.+-]{1,40}/[a-z0-9!#$&^_.+-]{1,60}", media) else "an unknown type"


_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.I)
# What browsers decode these labels as (WHATWG Encoding): latin-1 pages are really windows-1252.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
}


def _decode_html(body: bytes, header_charset: str | None) -> str:
    """Text of an HTML body: a BOM wins, then the header's charset, then a <meta> charset, then
    UTF-8; undecodable bytes become U+FFFD."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    candidates = [header_charset]
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        label = meta.group(1).decode("ascii").lower()
        # A <meta> cannot truthfully declare UTF-16 (it would not be readable as ASCII).
        candidates.append("utf-8" if label.startswith("utf-16") else label)
    for label in candidates:
        if not label:
            continue
        label = label.strip().lower()
        try:
            return body.decode(_CHARSET_ALIASES.get(label, label), errors="replace")
        except LookupError:  # unknown, or not a text encoding (e.g. "rot13")
            continue
    return body.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- the fetcher


def fetch_url(
    url: str,
    *,
    allow_hosts: Iterable[str] = (),
    connect_timeout: float = 5.0,
    total_timeout: float = 15.0,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    user_agent: str = DEFAULT_USER_AGENT,
) -> FetchedPage:
    """Fetch the HTML page at `url`, refusing anything that is not a public web page.

    `allow_hosts` names hosts (as written in links, case-insensitive, e.g. an intranet's name or
    "127.0.0.1") that may be fetched even though they resolve to non-public addresses. Raises
    FetchError; see the module docstring for the guarantees.
    """
    if connect_timeout <= 0 or total_timeout <= 0 or max_bytes < 0 or max_redirects < 0:
        raise ValueError("timeouts must be positive, max_bytes and max_redirects not negative")
    if isinstance(allow_hosts, str):
        raise TypeError("allow_hosts is a collection of host names; see allow_hosts_from_env() for a string")
    allowed = frozenset(h for h in map(_normalize_host, allow_hosts) if h)
    deadline = _Deadline(total_timeout)
    try:
        return _fetch(url, allowed, deadline, connect_timeout, max_bytes, max_redirects, user_agent)
    finally:
        deadline.close()


def _fetch(
    url: str,
    allowed: frozenset[str],
    deadline: _Deadline,
    connect_timeout: float,
    max_bytes: int,
    max_redirects: int,
    user_agent: str,
) -> FetchedPage:
    current = url.strip() if isinstance(url, str) else url
    redirects = 0
    while True:
        target = _parse(current, redirect=redirects > 0)
        ips = _addresses(target, allowed, deadline, redirect=redirects > 0)
        conn: HTTPConnection | None = None
        resp: HTTPResponse | None = None
        try:
            conn, resp = _request(target, ips, deadline, connect_timeout, user_agent)
            status = resp.status
            if status in REDIRECT_STATUSES:
                location = resp.headers.get("Location", "").strip()
                if not location:
                    raise FetchError(
                        "http_error", f"the site sent a redirect (HTTP {status}) without a target", status=status
                    )
                if redirects >= max_redirects:
                    raise FetchError(
                        "too_many_redirects", f"that link redirects too many times (more than {max_redirects})"
                    )
                redirects += 1
                current = urljoin(current, _location(location))
                continue
            _check_status(status)
            media, charset = _split_content_type(resp.headers.get("Content-Type"))
            if media and media not in HTML_TYPES:
                raise FetchError("not_html", f"that link is not a web page (the site sent {_printable_type(media)})")
            body = _read_body(resp, deadline, max_bytes)
            if not media and not _looks_like_html(body):
                raise FetchError("not_html", "that link is not a web page")
            return FetchedPage(
                url=url, final_url=current, status=status, content_type=media, html=_decode_html(body, charset)
            )
        except FetchError:
            raise
        except (ReadTimeoutError, ConnectTimeoutError, TimeoutError):
            # Read timeouts are clamped to the time left, so any of them means the deadline.
            raise deadline.error() from None
        except (SSLError, ssl.SSLError):
            if deadline.expired:
                raise deadline.error() from None
            raise FetchError("network", "could not set up a verified secure connection to the site") from None
        except (HTTPError, http.client.HTTPException, OSError):
            # Connection resets, malformed responses, truncated bodies; after the deadline's
            # watchdog has shut the socket down, these are its doing.
            if deadline.expired:
                raise deadline.error() from None
            raise FetchError("network", "the connection to the site failed") from None
        finally:
            if resp is not None:
                resp.close()  # with "Connection: close", the response alone holds the socket open
            if conn is not None:
                deadline.unwatch()
                conn.close()


def _location(value: str) -> str:
    """A Location header as text: its bytes came as latin-1 but are usually UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _check_status(status: int) -> None:
    if status in (404, 410):
        raise FetchError("not_found", f"the site says that page does not exist (HTTP {status})", status=status)
    if status in (401, 402, 403):
        raise FetchError(
            "http_error",
            f"the site refused access (HTTP {status}); it may need a login or a subscription",
            status=status,
        )
    if status == 429:
        raise FetchError(
            "http_error", "the site is refusing requests for now (HTTP 429, too many requests)", status=status
        )
    if not 200 <= status < 300:
        raise FetchError("http_error", f"the site answered with an error (HTTP {status})", status=status)
