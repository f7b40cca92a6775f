"""A local stand-in for Slack, over real HTTP on 127.0.0.1, for the Slack app's tests and
bench/slack_latency.py.

- `FakeSlack`: Slack's Web API (`auth.test`, `chat.postMessage`, `conversations.info`,
  `conversations.replies` over GET, with each reply's `metadata` when asked) and slash-command
  response URLs (`/response/ID`), on a free port. Every call is recorded with its
  form or JSON body; `chat.postMessage` is checked against Block Kit's limits as Slack checks them
  (a non-empty text, at most 50 blocks, section text 3,000, header 150) and refused with
  `invalid_blocks` otherwise; `rate_limit_once(method)` makes the next call of a method answer 429
  with `Retry-After: 1`.
- `SlackSender`: sends requests to the app as Slack does — event_callback envelopes and
  form-encoded slash commands, signed with the signing secret (`v0:{timestamp}:{raw body}`,
  HMAC-SHA256) — and measures how long the acknowledgement took.
- `Pages`: a tiny web site (article pages) on a given loopback address, counting requests.
- `ServedApp`: the app as `copydesk serve --http` runs it (`Runtime`, uvicorn), in a thread, on
  a free 127.0.0.1 port.
- `ServeProcess`: a real `copydesk serve --http` process on a free port (to kill and restart).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

BOT_USER_ID, BOT_ID, APP_ID = "UCOPYDESK", "BCOPYDESK", "ACOPYDESK"


@dataclass
class Call:
    """One request the fake received."""

    method: str  # the Web API method, or "response" for a response_url
    payload: dict
    headers: dict
    status: int = 200
    path: str = ""
    at: float = field(default_factory=time.monotonic)


def _serve(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> tuple[ThreadingHTTPServer, threading.Thread]:
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread


def _blocks_problem(payload: dict) -> str | None:
    """Why Slack would refuse this message's text and blocks, or None."""
    blocks = payload.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not (payload.get("text") or "").strip():
        return "no_text"
    if blocks is None:
        return None
    if len(blocks) > 50:
        return "invalid_blocks"
    for block in blocks:
        text = (block.get("text") or {}).get("text", "")
        if block["type"] == "section" and not 0 < len(text) <= 3000:
            return "invalid_blocks"
        if block["type"] == "header" and not 0 < len(text) <= 150:
            return "invalid_blocks"
        if block["type"] == "context" and not 0 < len(block.get("elements", [])) <= 10:
            return "invalid_blocks"
    return None


class FakeSlack:
    """Slack's Web API and response URLs on 127.0.0.1 (see the module docstring)."""

    def __init__(self, *, private_channels: set[str] | None = None, unknown_channels: set[str] | None = None) -> None:
        self.calls: list[Call] = []
        self.private_channels = set(private_channels or ())
        self.unknown_channels = set(unknown_channels or ())
        self.auth_error: str | None = None  # set to make auth.test refuse the token (e.g. "invalid_auth")
        self.refuse: set[str] = set()  # channels where chat.postMessage answers not_in_channel
        self._rate_limited: set[str] = set()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._last_ts = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (slack_sdk sends conversations.replies as GET)
                parts = urlsplit(self.path)
                payload = {k: v[0] for k, v in parse_qs(parts.query).items()}
                method = parts.path.rsplit("/", 1)[-1]
                status, answer, extra = fake._api(method, payload)
                fake._record(Call(method, payload, dict(self.headers), status, parts.path))
                self._answer(status, json.dumps(answer).encode(), "application/json", extra)

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    payload = json.loads(raw or "{}")
                else:
                    payload = {k: v[0] for k, v in parse_qs(raw).items()}
                path = urlsplit(self.path).path
                if path.startswith("/response/"):
                    fake._record(Call("response", payload, dict(self.headers), 200, path))
                    self._answer(200, b"ok", "text/plain")
                    return
                method = path.rsplit("/", 1)[-1]
                status, answer, extra = fake._api(method, payload)
                fake._record(Call(method, payload, dict(self.headers), status, path))
                self._answer(status, json.dumps(answer).encode(), "application/json", extra)

            def _answer(self, status: int, data: bytes, ctype: str, extra: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server, self.thread = _serve(Handler)

    # ------------------------------------------------------------ the API
    def _api(self, method: str, payload: dict) -> tuple[int, dict, dict]:
        with self._lock:
            if method in self._rate_limited:
                self._rate_limited.discard(method)
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        if method == "auth.test" and self.auth_error:
            return 200, {"ok": False, "error": self.auth_error}, {}
        if method == "auth.test":
            return 200, {"ok": True, "url": "https://newsroom.example.slack.com/", "team": "Newsroom",
                         "user": "copydesk", "team_id": "T1", "user_id": BOT_USER_ID, "bot_id": BOT_ID}, {}
        if method == "chat.postMessage" and payload.get("channel") in self.refuse:
            return 200, {"ok": False, "error": "not_in_channel"}, {}
        if method == "chat.postMessage":
            problem = _blocks_problem(payload)
            if problem:
                return 200, {"ok": False, "error": problem}, {}
            with self._lock:  # later than anything before it, the thread's parent included (as Slack's)
                after = max(time.time(), self._last_ts + 1e-6, float(payload.get("thread_ts") or 0) + 1e-6)
                self._last_ts = after
            ts = f"{after:.6f}"
            payload["_ts"] = ts
            return 200, {"ok": True, "channel": payload.get("channel"), "ts": ts,
                         "message": {"text": payload.get("text"), "ts": ts}}, {}
        if method == "conversations.replies":
            parent, oldest = payload.get("ts") or "", float(payload.get("oldest") or 0)
            with_meta = payload.get("include_all_metadata") in ("1", "true", "True")
            messages = [{"type": "message", "ts": parent, "user": "U1", "text": "…", "thread_ts": parent}]
            for post in self.posts(payload.get("channel")):
                if post.get("thread_ts") == parent and float(post["_ts"]) >= oldest:
                    reply = {"type": "message", "ts": post["_ts"], "thread_ts": parent, "text": post.get("text"),
                             "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID}
                    if with_meta and post.get("metadata"):
                        reply["metadata"] = post["metadata"]
                    messages.append(reply)
            return 200, {"ok": True, "messages": messages, "has_more": False}, {}
        if method == "conversations.info":
            channel = payload.get("channel")
            if channel in self.unknown_channels:
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            private = channel in self.private_channels
            return 200, {"ok": True, "channel": {"id": channel, "is_channel": not private, "is_group": private,
                                                 "is_private": private, "is_im": False, "is_mpim": False}}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # ------------------------------------------------------------ for tests
    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        """The Web API base URL (COPYDESK_SLACK_API_URL), ending in "/"."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def rate_limit_once(self, method: str) -> None:
        """The next call of `method` answers 429 with Retry-After: 1."""
        with self._lock:
            self._rate_limited.add(method)

    def recorded(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if method in (None, c.method)]

    def posts(self, channel: str | None = None) -> list[dict]:
        """Messages Slack accepted (chat.postMessage answered ok), optionally in one channel."""
        return [c.payload for c in self.recorded("chat.postMessage")
                if c.status == 200 and not _blocks_problem(c.payload) and channel in (None, c.payload.get("channel"))]

    def responses(self, name: str | None = None) -> list[dict]:
        """What was posted to response URLs (optionally the one named `name`)."""
        return [c.payload for c in self.recorded("response") if name in (None, c.path.rsplit("/", 1)[-1])]

    def wait_for(self, found: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Wait until `found()` returns something truthy (checked again after every recorded
        call); returns it. AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                seen = len(self.calls)
            value = found()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"Slack saw nothing matching within {timeout} s; calls: "
                                     f"{[c.method for c in self.recorded()]}")
            with self._changed:
                self._changed.wait_for(lambda: len(self.calls) != seen, left)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


# ---------------------------------------------------------------- Slack's side of the requests
def signature(secret: str, timestamp: str, body: bytes) -> str:
    """X-Slack-Signature for a body: v0= + HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Sent:
    """The app's answer to one request, and how long it took."""

    status: int
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Sends signed requests to the app's POST /slack/events, as Slack does."""

    def __init__(self, app_url: str, signing_secret: str, *, api_app_id: str = APP_ID) -> None:
        parts = urlsplit(app_url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path or "/slack/events"
        self.secret = signing_secret
        self.api_app_id = api_app_id
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)

    def next_ts(self) -> str:
        """A fresh message ts."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    def post(self, body: bytes, content_type: str, *, headers: dict | None = None, timestamp: str | None = None,
             signed: bool = True, secret: str | None = None) -> Sent:
        timestamp = timestamp or str(int(time.time()))
        head = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if signed:
            head["X-Slack-Request-Timestamp"] = timestamp
            head["X-Slack-Signature"] = signature(secret or self.secret, timestamp, body)
        head.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        start = time.monotonic()
        try:
            conn.request("POST", self.path, body=body, headers=head)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        return Sent(response.status, data, time.monotonic() - start)

    def envelope(self, event: dict, *, team_id: str = "T1", event_id: str | None = None) -> dict:
        """An event_callback envelope as Slack sends it."""
        return {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": team_id, "user_id": BOT_USER_ID,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
            "event_context": f"4-{team_id}-{next(self._ids)}",
        }

    def event(self, event: dict, *, team_id: str = "T1", event_id: str | None = None, retry: int | None = None,
              **kwargs: Any) -> Sent:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        body = json.dumps(self.envelope(event, team_id=team_id, event_id=event_id)).encode()
        return self.post(body, "application/json", headers=headers, **kwargs)

    def command(self, command: str, text: str, *, response_url: str, team_id: str = "T1", channel_id: str = "C1",
                user_id: str = "U1", **kwargs: Any) -> Sent:
        """A slash command, form-encoded as Slack sends it."""
        form = {
            "token": "legacy-verification-token", "team_id": team_id, "team_domain": "newsroom",
            "channel_id": channel_id, "channel_name": "desk", "user_id": user_id, "user_name": "reporter",
            "command": command, "text": text, "api_app_id": self.api_app_id, "is_enterprise_install": "false",
            "response_url": response_url, "trigger_id": f"{next(self._ids)}.1.abc",
        }
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded", **kwargs)


def message(text: str, *, channel: str = "C1", ts: str, channel_type: str = "channel", user: str = "U1",
            **extra: Any) -> dict:
    """A `message` event as Slack sends it for a person's message."""
    event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts, "event_ts": ts,
             "channel_type": channel_type, "client_msg_id": f"msg-{ts}"}
    event.update(extra)
    return event


def slack_escape(text: str) -> str:
    """Text as Slack puts a person's message in an event (`&`, `<`, `>` escaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- a web site
class Pages:
    """Article pages served on `host` (a loopback address) at a free port; counts requests."""

    def __init__(self, pages: dict[str, str], host: str = "127.0.0.1") -> None:
        self.pages = pages
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                site.hits.append(self.path)
                html = site.pages.get(urlsplit(self.path).path)
                data = (html or "<html><body><h1>Not found</h1></body></html>").encode()
                self.send_response(200 if html else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.host = host
        self.server, self.thread = _serve(Handler, host)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


# ---------------------------------------------------------------- the app, served
class ServedApp:
    """The Slack app as `copydesk serve --http` runs it — `Runtime` (archive, analyzer, workers,
    Bolt app, digest scheduler) behind uvicorn — in a background thread on 127.0.0.1."""

    def __init__(self, settings: Any, *, nlp: Any = None) -> None:
        from copydesk.bot.app.server import Runtime, http_server, listen

        self.runtime = Runtime(settings, socket_mode=False, nlp=nlp)
        try:
            sock = listen("127.0.0.1", 0)
            self.port = sock.getsockname()[1]
            self.server = http_server(self.runtime.app, self.runtime.archive)
            self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
            self.thread.start()
            deadline = time.monotonic() + 10
            while not self.server.started:
                if time.monotonic() > deadline or not self.thread.is_alive():
                    raise RuntimeError("uvicorn did not start")
                time.sleep(0.01)
        except BaseException:
            self.runtime.close(drain=0)
            raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def workers(self):
        return self.runtime.workers

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.runtime.close(drain=15)



# ---------------------------------------------------------------- a real `copydesk serve` process
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """`copydesk serve --http` in its own process on a free 127.0.0.1 port, talking to `fake`,
    with the given signing secret, bot token and archive; its standard error goes to `log`.
    `start()` waits until /healthz answers; `kill()` (SIGKILL) and `stop()` (SIGTERM) end it."""

    def __init__(self, db: Any, fake: FakeSlack, *, secret: str, token: str, log: Any, **env: str) -> None:
        self.db, self.fake, self.log = str(db), fake, log
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPYDESK_"))}
        self.env.update(SLACK_BOT_TOKEN=token, SLACK_SIGNING_SECRET=secret, COPYDESK_SLACK_API_URL=fake.url,
                        COPYDESK_DB=self.db, COPYDESK_TZ="UTC", COPYDESK_FETCH_ALLOW_HOSTS="127.0.0.1", **env)
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> "ServeProcess":
        self.port = free_port()
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "copydesk.bot.cli", "serve", "--http", "--host", "127.0.0.1",
                 "--port", str(self.port)], env=self.env, cwd=os.path.dirname(self.db) or ".",
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + timeout
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                pass
            finally:
                conn.close()
            if self.proc.poll() is not None:
                raise RuntimeError(f"copydesk serve exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("copydesk serve did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM, then wait for the exit; returns the exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)
