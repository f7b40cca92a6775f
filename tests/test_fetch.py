"""The guarded link fetcher (copydesk.bot.reading.fetch), against a real HTTP server on 127.0.0.1.

Nothing here touches the network beyond 127.0.0.0/8: an autouse fixture records every connection
urllib3 opens and refuses any outside loopback, and host names other than "localhost" and numeric
addresses resolve only through a per-test table (the `dns` fixture).
"""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import urllib3.util.connection

from copydesk.bot.reading import fetch as fetchmod
from copydesk.bot.reading.fetch import (
    FetchedPage,
    FetchError,
    allow_hosts_from_env,
    fetch_url,
    is_public_address,
)

LOCAL = {"127.0.0.1"}

ARTICLE = b"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Council approves new harbour budget | The Coastal Herald</title>
  <meta name="author" content="Maria Lopez">
  <meta property="article:published_time" content="2024-03-14T09:30:00Z">
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
  <article>
    <h1>Council approves new harbour budget</h1>
    <p class="byline">By Maria Lopez, 14 March 2024</p>
    <p>The city council on Wednesday approved a budget of 4.2 million euros for repairs to the
    old harbour wall, after a storm in January damaged a 60-metre section.</p>
    <p>"We cannot wait for the next storm," said the mayor, Ana Ferreira, adding that work would
    begin in May. The opposition voted against, saying the cost had doubled since autumn.</p>
  </article>
  <footer>&copy; The Coastal Herald</footer>
</body>
</html>
"""

# ~5 KB on the wire, 5 MB once decompressed.
GZIP_BOMB = gzip.compress(b"<html>" + b" " * 5_000_000, compresslevel=9)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --------------------------------------------------------------------------- the local server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        route = getattr(self, "route_" + parts.path.strip("/").split("/")[0].replace("-", "_"), None)
        try:
            if route is None:
                self._send(404, b"<html><body>Not here</body></html>")
            else:
                route(parts.path, query)
        except (ConnectionError, OSError):
            pass  # the client hung up, as it is meant to for several routes

    # helpers
    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", headers={"Location": location})

    # routes
    def route_article(self, path, query):
        self._send(200, ARTICLE)

    def route_redirect(self, path, query):
        n = int(path.rsplit("/", 1)[1])
        if n == 0:
            self._redirect(self.server.url("/article"), 301)  # absolute
        else:
            self._redirect(f"/redirect/{n - 1}", 307 if n % 2 else 302)  # relative

    def route_loop(self, path, query):
        self._redirect("/loop")

    def route_to(self, path, query):
        self._redirect(query["url"])

    def route_no_location(self, path, query):
        self._send(302, b"")

    def route_status(self, path, query):
        self._send(int(path.rsplit("/", 1)[1]), b"<html><body>status page</body></html>")

    def route_sized(self, path, query):
        n = int(query["n"])
        self._send(200, (b"<html>" + b"x" * n)[:n])

    def route_declared_huge(self, path, query):
        """An honest header for a 50 MB page whose body is slow to come: a fetcher that checks
        Content-Length refuses at once; one that starts reading runs into its deadline."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(50_000_000))
        self.end_headers()
        self.wfile.flush()
        if self.server.stop.wait(3):
            return
        self.wfile.write(b"<html>" + b"x" * 1000)

    def route_stream(self, path, query):
        """A body without Content-Length: chunked, or delimited by closing the connection."""
        total, chunked = int(query["total"]), query["mode"] == "chunked"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        sent = 0
        while sent < total and not self.server.stop.is_set():
            block = (b"<html>" if sent == 0 else b"") + b"y" * 8192
            block = block[: total - sent]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            sent += len(block)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def route_gzip(self, path, query):
        self._send(200, gzip.compress(ARTICLE), headers={"Content-Encoding": "gzip"})

    def route_gzip_bomb(self, path, query):
        self._send(200, GZIP_BOMB, headers={"Content-Encoding": "gzip"})

    def route_pdf(self, path, query):
        self._send(200, PDF, "application/pdf")

    def route_json(self, path, query):
        self._send(200, b'{"html": "<html></html>"}', "application/json")

    def route_untyped_html(self, path, query):
        self._send(200, ARTICLE, content_type=None)

    def route_untyped_pdf(self, path, query):
        self._send(200, PDF, content_type=None)

    def route_xhtml(self, path, query):
        self._send(200, ARTICLE, "application/xhtml+xml")

    def route_latin1(self, path, query):
        self._send(
            200,
            "<html><body><p>Café crème, 5 €</p></body></html>".replace(" €", "").encode("iso-8859-1"),
            "text/html; charset=ISO-8859-1",
        )

    def route_meta_charset(self, path, query):
        body = '<html><head><meta charset="windows-1252"></head><body>\u201cQuoted\u201d</body></html>'
        self._send(200, body.encode("cp1252"), "text/html")

    def route_bad_utf8(self, path, query):
        self._send(200, b"<html><body>ok \xff\xfe end</body></html>", "text/html")

    def route_slow_headers(self, path, query):
        if self.server.stop.wait(5):
            return
        self._send(200, ARTICLE)

    def route_drip(self, path, query):
        """Sends a byte every 50 ms: no single read ever times out, only a total deadline helps."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "2000")
        self.end_headers()
        for _ in range(2000):
            self.wfile.write(b"z")
            self.wfile.flush()
            if self.server.stop.wait(0.05):
                return

    def route_drip_headers(self, path, query):
        """Sends its headers a byte every 50 ms: the stall is inside the HTTP library's header
        parsing, where only shutting the socket down can stop it."""
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
        for _ in range(60):
            self.wfile.write(b"a")
            self.wfile.flush()
            if self.server.stop.wait(0.05):
                return
        self.wfile.write(b"\r\nContent-Length: 6\r\n\r\n<html>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stop = threading.Event()
        self.scheme = "http"
        self.server_names: list[str | None] = []  # TLS SNI of each handshake
        if tls is not None:
            tls.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
            self.socket = tls.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def handle_error(self, request, client_address) -> None:  # no tracebacks on hang-ups
        pass


def _serve(tls: ssl.SSLContext | None = None):
    srv = _Server(tls)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.stop.set()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=2)


@pytest.fixture
def server():
    yield from _serve()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A throw-away CA and a certificate it signed for news.example and 127.0.0.1 (openssl CLI)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (d / "leaf.ext").write_text(
        "subjectAltName=DNS:news.example,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    commands = [
        [
            "openssl",
            "req",
            "-x509",
            *ec,
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Copydesk test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        ["openssl", "req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=news.example"],
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    ]
    for command in commands:
        if subprocess.run(command, cwd=d, capture_output=True).returncode != 0:
            pytest.skip("openssl could not make test certificates")
    return d


@pytest.fixture
def tls_server(tls_files, monkeypatch):
    """An HTTPS server for news.example, with the fetcher trusting the test CA."""
    monkeypatch.setattr(fetchmod, "_CA_CERTS", str(tls_files / "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "leaf.pem", tls_files / "leaf.key")
    yield from _serve(context)


# --------------------------------------------------------------------------- network guards


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Every (host, port) urllib3 connects to. Connections outside 127.0.0.0/8 are recorded and
    refused, so a fetcher that wrongly lets an address through fails with "network", never
    reaching anything."""
    made: list[tuple[str, int]] = []
    real = urllib3.util.connection.create_connection

    def guarded(address, *args, **kwargs):
        made.append(address)
        host = address[0].strip("[]")
        try:
            loopback = ipaddress.ip_address(host) in ipaddress.ip_network("127.0.0.0/8")
        except ValueError:
            loopback = False
        if not loopback:
            raise ConnectionRefusedError(f"test guard: no connections to {address!r}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", guarded)
    return made


class FakeDNS(dict):
    """Host name -> list of addresses (or a callable giving one); counts lookups."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups: list[str] = []
        self.release = threading.Event()  # for names that hang


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Numeric hosts and "localhost" resolve as usual (no DNS traffic); other names only from
    this table, so no test ever asks a real resolver."""
    table = FakeDNS()
    real = socket.getaddrinfo

    def fake(host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        try:
            return real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            pass
        if name == "localhost":
            return real(host, port, family, type, proto, flags)
        if name not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        table.lookups.append(name)
        addresses = table[name]() if callable(table[name]) else table[name]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    yield table
    table.release.set()


def refused(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch_url(url, **kwargs)
    return info.value


# --------------------------------------------------------------------------- fetching


def test_fetches_page_from_allowed_host(server, connections):
    url = server.url("/article")
    page = fetch_url(url, allow_hosts=LOCAL)
    assert isinstance(page, FetchedPage)
    assert (page.url, page.final_url, page.status, page.content_type) == (url, url, 200, "text/html")
    assert page.html == ARTICLE.decode("utf-8")
    assert server.paths == ["/article"]
    headers = server.requests[0][1]
    assert headers["Host"] == f"127.0.0.1:{server.port}"
    assert headers["User-Agent"] == "Copydesk/0.1 (+newsroom link reader)"
    assert "Cookie" not in headers and "Authorization" not in headers
    assert connections == [("127.0.0.1", server.port)]


def test_allow_list_is_case_insensitive_and_env_parsed(server):
    allowed = allow_hosts_from_env("  127.0.0.1:8080 ")
    assert fetch_url(server.url("/article"), allow_hosts=allowed).status == 200
    assert fetch_url(server.url("/xhtml"), allow_hosts=allowed).content_type == "application/xhtml+xml"


def test_non_ascii_path_is_percent_encoded(server):
    fetch_url(server.url("/article?q=café crème"), allow_hosts=LOCAL)
    assert server.paths == ["/article?q=caf%C3%A9%20cr%C3%A8me"]


def test_loopback_refused_when_not_allow_listed(server, connections):
    error = refused(server.url("/article"))
    assert error.reason == "not_allowed"
    assert str(error) == "that link points to a private or local address, which Copydesk does not fetch"
    assert server.requests == []
    assert connections == []


def test_allow_list_names_hosts_not_addresses(server, connections):
    # 127.0.0.1 is allowed, but "localhost" (which resolves to it) is another host.
    assert refused(server.url("/article", host="localhost"), allow_hosts=LOCAL).reason == "not_allowed"
    assert server.requests == [] and connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",
        "http://LOCALHOST./admin",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::1]:8080/",
        "http://0.0.0.0/",
        "http://127.1/",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://0x7f000001/",
        "http://100.64.0.1/",  # shared address space
        "http://198.18.0.1/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://[::ffff:a9fe:a9fe]/",  # IPv4-mapped 169.254.169.254
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
        "http://[2002:7f00:1::1]/",  # 6to4 of 127.0.0.1
        "http://[fe80::1]/",
        "http://[fd12:3456::1]/",
        "http://[ff02::1]/",
        "https://[::]/",
    ],
)
def test_private_and_local_addresses_refused_before_connecting(url, connections):
    error = refused(url)
    assert error.reason == "not_allowed", str(error)
    assert connections == []


def test_host_with_any_private_address_refused(dns, connections):
    dns["mixed.example"] = ["93.184.216.34", "10.1.2.3"]
    assert refused("http://mixed.example/news").reason == "not_allowed"
    assert dns.lookups == ["mixed.example"]
    assert connections == []


def test_public_addresses_pass_the_check(dns, connections):
    # The guard fixture refuses the connection itself, so these end as "network" errors -- after
    # the fetcher decided the addresses were fine to connect to.
    dns["news.example"] = ["93.184.216.34"]
    assert refused("http://news.example/story").reason == "network"
    assert refused("https://[2606:4700:4700::1111]/").reason == "network"
    assert connections == [("93.184.216.34", 80), ("2606:4700:4700::1111", 443)]


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.216.34", True),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::808:808", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("100.100.100.100", False),
        ("169.254.0.1", False),
        ("192.0.2.10", False),
        ("203.0.113.5", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("fec0::1", False),
        ("ff0e::1", False),
        ("2001:db8::1", False),
        ("2002:a00:1::", False),
        ("64:ff9b::a00:1", False),
        ("::127.0.0.1", False),
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_connects_to_the_checked_address_only(server, dns, connections):
    """The name is resolved once per hop and the connection goes to that very address (DNS
    rebinding cannot swap it); Host carries the name."""
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])
    dns["news.example"] = lambda: next(answers)
    page = fetch_url(server.url("/article", host="news.example"), allow_hosts={"News.Example"})
    assert page.html == ARTICLE.decode("utf-8")
    assert dns.lookups == ["news.example"]
    assert connections == [("127.0.0.1", server.port)]
    assert server.requests[0][1]["Host"] == f"news.example:{server.port}"


def test_https_checks_the_certificate_against_the_name(tls_server, dns, connections):
    dns["news.example"] = ["127.0.0.1"]
    page = fetch_url(tls_server.url("/article", host="news.example"), allow_hosts={"news.example"})
    assert page.html == ARTICLE.decode("utf-8")
    assert tls_server.server_names == ["news.example"]
    assert connections == [("127.0.0.1", tls_server.port)]
    assert tls_server.requests[0][1]["Host"] == f"news.example:{tls_server.port}"


def test_https_by_ip_literal(tls_server):
    page = fetch_url(tls_server.url("/article"), allow_hosts=LOCAL)
    assert page.status == 200
    assert tls_server.server_names == [None]  # no SNI for an address


def test_https_certificate_for_another_name_refused(tls_server, dns):
    dns["other.example"] = ["127.0.0.1"]
    error = refused(tls_server.url("/article", host="other.example"), allow_hosts={"other.example"})
    assert (error.reason, str(error)) == ("network", "could not set up a verified secure connection to the site")
    assert tls_server.requests == []


def test_https_untrusted_certificate_refused(tls_server, monkeypatch):
    monkeypatch.setattr(fetchmod, "_CA_CERTS", None)  # the system's CAs do not know the test CA
    assert refused(tls_server.url("/article"), allow_hosts=LOCAL).reason == "network"
    assert tls_server.requests == []


def test_plain_http_server_on_https_link(server):
    https = server.url("/article").replace("http://", "https://")
    assert refused(https, allow_hosts=LOCAL).reason == "network"


# --------------------------------------------------------------------------- redirects


def test_follows_redirect_chain(server):
    page = fetch_url(server.url("/redirect/3"), allow_hosts=LOCAL)
    assert page.url == server.url("/redirect/3")
    assert page.final_url == server.url("/article")
    assert page.html == ARTICLE.decode("utf-8")
    assert server.paths == ["/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0", "/article"]


def test_too_many_redirects(server):
    error = refused(server.url("/loop"), allow_hosts=LOCAL, max_redirects=3)
    assert error.reason == "too_many_redirects"
    assert server.paths == ["/loop"] * 4
    assert refused(server.url("/redirect/3"), allow_hosts=LOCAL, max_redirects=3).reason == "too_many_redirects"
    assert refused(server.url("/redirect/0"), allow_hosts=LOCAL, max_redirects=0).reason == "too_many_redirects"


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:{port}/article",
        "http://[::1]:{port}/article",
        "http://10.0.0.1/",
        "//192.168.0.1/admin",  # scheme-relative
    ],
)
def test_redirect_to_refused_address_never_connects(server, connections, target):
    start = server.url("/to?url=" + quote(target.format(port=server.port), safe=""))
    error = refused(start, allow_hosts=LOCAL)
    assert error.reason == "not_allowed"
    assert "redirects" in str(error)
    assert len(server.requests) == 1 and server.paths[0].startswith("/to?")
    assert connections == [("127.0.0.1", server.port)]


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/pub/",
        "gopher://127.0.0.1:6379/_INFO",
        "http://user:pw@127.0.0.1:{port}/article",
    ],
)
def test_redirect_to_bad_url_refused(server, connections, target):
    start = server.url("/to?url=" + quote(target.format(port=server.port), safe=""))
    assert refused(start, allow_hosts=LOCAL).reason == "bad_url"
    assert len(server.requests) == 1
    assert connections == [("127.0.0.1", server.port)]


def test_redirect_without_location(server):
    assert refused(server.url("/no-location"), allow_hosts=LOCAL).reason == "http_error"


# --------------------------------------------------------------------------- size, type, status


def test_size_limit_is_exact(server):
    assert len(fetch_url(server.url("/sized?n=2000"), allow_hosts=LOCAL, max_bytes=2000).html) == 2000
    error = refused(server.url("/sized?n=2000"), allow_hosts=LOCAL, max_bytes=1999)
    assert error.reason == "too_large"
    assert "1.999 kB" in str(error)


def test_declared_content_length_refused_before_reading(server):
    start = time.monotonic()
    error = refused(server.url("/declared-huge"), allow_hosts=LOCAL, total_timeout=1.5)
    assert error.reason == "too_large"
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("mode", ["chunked", "close"])
def test_streamed_body_without_length(server, mode):
    page = fetch_url(server.url(f"/stream?mode={mode}&total=30000"), allow_hosts=LOCAL, max_bytes=50_000)
    assert len(page.html) == 30000
    error = refused(server.url(f"/stream?mode={mode}&total=3000000"), allow_hosts=LOCAL, max_bytes=50_000)
    assert error.reason == "too_large"


def test_gzip_decoded_and_bounded(server):
    page = fetch_url(server.url("/gzip"), allow_hosts=LOCAL)
    assert page.html == ARTICLE.decode("utf-8")
    assert server.requests[0][1]["Accept-Encoding"] == "gzip, deflate"
    # Small on the wire, 5 MB decompressed: the limit applies to what it decompresses to.
    assert len(GZIP_BOMB) < 20_000
    assert refused(server.url("/gzip-bomb"), allow_hosts=LOCAL, max_bytes=100_000).reason == "too_large"


@pytest.mark.parametrize(
    "path, shown", [("/pdf", "application/pdf"), ("/json", "application/json"), ("/untyped-pdf", None)]
)
def test_not_html_refused(server, path, shown):
    error = refused(server.url(path), allow_hosts=LOCAL)
    assert error.reason == "not_html"
    if shown:
        assert shown in str(error)


def test_missing_content_type_sniffed(server):
    page = fetch_url(server.url("/untyped-html"), allow_hosts=LOCAL)
    assert page.content_type == "" and "<h1>Council approves" in page.html


@pytest.mark.parametrize("status", [404, 410])
def test_not_found(server, status):
    error = refused(server.url(f"/status/{status}"), allow_hosts=LOCAL)
    assert (error.reason, error.status) == ("not_found", status)


def test_unknown_path_is_not_found(server):
    assert refused(server.url("/no/such/page"), allow_hosts=LOCAL).reason == "not_found"


@pytest.mark.parametrize(
    "status, words",
    [
        (401, "refused access"),
        (402, "refused access"),
        (403, "refused access"),
        (429, "429"),
        (500, "HTTP 500"),
        (503, "HTTP 503"),
        (304, "HTTP 304"),
    ],
)
def test_http_errors(server, status, words):
    error = refused(server.url(f"/status/{status}"), allow_hosts=LOCAL)
    assert (error.reason, error.status) == ("http_error", status)
    assert words in str(error)


# --------------------------------------------------------------------------- text decoding


def test_charset_from_header(server):
    assert "Café crème" in fetch_url(server.url("/latin1"), allow_hosts=LOCAL).html


def test_charset_from_meta(server):
    assert "\u201cQuoted\u201d" in fetch_url(server.url("/meta-charset"), allow_hosts=LOCAL).html


def test_undecodable_bytes_replaced(server):
    assert "ok \ufffd\ufffd end" in fetch_url(server.url("/bad-utf8"), allow_hosts=LOCAL).html


# --------------------------------------------------------------------------- time limits


def test_slow_response_times_out(server):
    start = time.monotonic()
    error = refused(server.url("/slow-headers"), allow_hosts=LOCAL, total_timeout=0.3)
    assert error.reason == "timeout"
    assert time.monotonic() - start < 1.0


def test_total_deadline_covers_a_dripping_body(server):
    # Each byte arrives well within any per-read timeout; only the overall deadline stops this.
    start = time.monotonic()
    error = refused(server.url("/drip"), allow_hosts=LOCAL, total_timeout=0.5, connect_timeout=0.5)
    assert error.reason == "timeout"
    assert str(error) == "the site took too long to answer (over 0.5 s)"
    assert time.monotonic() - start < 1.2


def test_total_deadline_covers_dripping_headers(server):
    start = time.monotonic()
    error = refused(server.url("/drip-headers"), allow_hosts=LOCAL, total_timeout=0.5)
    assert error.reason == "timeout"
    assert time.monotonic() - start < 1.2


def test_hanging_name_lookup_times_out(dns):
    dns["hangs.example"] = lambda: dns.release.wait(5) and []
    start = time.monotonic()
    assert refused("http://hangs.example/", total_timeout=0.3).reason == "timeout"
    assert time.monotonic() - start < 1.0


def test_unknown_host_is_a_network_error(connections):
    error = refused("http://no-such-host.invalid/")
    assert error.reason == "network" and connections == []


def test_closed_port_is_a_network_error(server):
    port = server.port
    server.shutdown()
    server.server_close()
    assert refused(f"http://127.0.0.1:{port}/article", allow_hosts=LOCAL).reason == "network"


# --------------------------------------------------------------------------- bad links


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "127.0.0.1/article",  # no scheme
        "http:///article",  # no host
        "http://user:pw@127.0.0.1:{port}/article",
        "http://user@127.0.0.1:{port}/article",
        "http://127.0.0.1:{port}/article\r\nX-Injected: 1",
        "http://127.0.0.1:{port}/\tarticle",
        "http://[::1",
        "http://exa mple.com/",
        "http://127.0.0.1:99999/",
        "http://127.0.0.1:0/",
        "http://%31%32%37.0.0.1:{port}/article",
        "",
    ],
)
def test_bad_urls(server, connections, url):
    error = refused(url.format(port=server.port), allow_hosts=LOCAL)
    assert error.reason == "bad_url", str(error)
    assert server.requests == [] and connections == []


# --------------------------------------------------------------------------- messages and settings


def test_messages_are_short_single_lines(server):
    errors = [
        refused(server.url("/article")),
        refused(server.url("/pdf"), allow_hosts=LOCAL),
        refused(server.url("/status/403"), allow_hosts=LOCAL),
        refused(server.url("/loop"), allow_hosts=LOCAL),
        refused("ftp://x/"),
    ]
    for error in errors:
        message = str(error)
        assert message and "\n" not in message and len(message) < 120
        assert "Traceback" not in message and "Copydesk/0.1" not in message
        assert error.__cause__ is None


def test_fetch_error_rejects_unknown_reasons():
    with pytest.raises(ValueError):
        FetchError("oops")
    assert str(FetchError("timeout")) == "the site took too long to answer"


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, set()),
        ("", set()),
        (" , ,", set()),
        ("Intranet.Example", {"intranet.example"}),
        (" a.example , B.example:8080,,c.example. ", {"a.example", "b.example", "c.example"}),
        ("10.0.0.5, 10.0.0.6:80", {"10.0.0.5", "10.0.0.6"}),
        ("[::1]:8443, [FD00::1], ::1", {"::1", "fd00::1"}),
        ("http://wiki.example:8080/path", {"wiki.example"}),
        ("bücher.example", {"xn--bcher-kva.example"}),
        ("bad host, ok.example", {"ok.example"}),
    ],
)
def test_allow_hosts_from_env(value, expected):
    assert allow_hosts_from_env(value) == frozenset(expected)
