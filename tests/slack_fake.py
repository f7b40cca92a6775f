"""A local stand-in for Slack, over real HTTP on 127.0.0.1, for the Slack app's tests and
bench/slack_latency.py.

- `FakeSlack`: Slack's Web API (`auth.test`, `chat.postMessage`, `conversations.info`,
  `chat.getPermalink`, `views.open` — a view checked against a modal's limits, a trigger_id
  accepted only once and only within 3 seconds of the click `SlackSender` sent —,
  `conversations.replies` over GET, with each reply's `metadata` when asked) and slash-command
  response URLs (`/response/ID`), on a free port. Every call is recorded with its
  form or JSON body; `chat.postMessage` is checked against Block Kit's limits as Slack checks them
  (a non-empty text, at most 50 blocks, section text 3,000, header 150) and refused with
  `invalid_blocks` otherwise; `rate_limit_once(method)` makes the next call of a method answer 429
  with `Retry-After: 1`.
- OAuth, App Home and users (`OAuthFake`, mixed into `FakeSlack`): `oauth.v2.access` (a code
  from `grant()`, exchanged once, or a refresh token), `auth.test` per token (each granted token
  answers for its own workspace; once a token was granted, an unknown, expired or revoked one is
  refused on every method), `views.publish`, `views.open` (at most 100 blocks), `users.info`
  (`users[...]`: admins and owners).
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
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
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
    ok: bool = True  # what the fake answered: {"ok": true} or a refusal
    at: float = field(default_factory=time.monotonic)


def _serve(
    handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1"
) -> tuple[ThreadingHTTPServer, threading.Thread]:
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
        fields = block.get("fields")
        if block["type"] == "section" and fields is not None:
            if not 0 < len(fields) <= 10 or not all(0 < len(f.get("text", "")) <= 2000 for f in fields):
                return "invalid_blocks"
            if "text" in block and not 0 < len(text) <= 3000:
                return "invalid_blocks"
        elif block["type"] == "section" and not 0 < len(text) <= 3000:
            return "invalid_blocks"
        if block["type"] == "actions" and not 0 < len(block.get("elements", [])) <= 25:
            return "invalid_blocks"
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("type") == "button" and not (
                0 < len(element.get("value", "")) <= 2000 and 0 < len(element["text"]["text"]) <= 75
            ):
                return "invalid_blocks"
        if block["type"] == "header" and not 0 < len(text) <= 150:
            return "invalid_blocks"
        if block["type"] == "context" and not 0 < len(block.get("elements", [])) <= 10:
            return "invalid_blocks"
    return None


# ================================================================ OAuth, App Home and users (issue 14)
CLIENT_ID, CLIENT_SECRET = "4242.1717", "fake-client-secret-for-tests"
MODAL_BLOCKS = 100  # blocks in a modal or a home tab


class OAuthFake:
    """FakeSlack's OAuth, per-token, App Home and users.info methods, in one block of their own."""

    def _init_oauth(self) -> None:
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        self.tokens: dict[str, dict] = {}  # access token -> {"team_id", "enterprise_id", "expires_at", "revoked"}
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> team id
        self.codes: dict[str, dict] = {}  # unused codes
        self.users: dict[str, dict] = {}  # user id -> users.info's "user" (is_admin, is_owner…)
        self.published: list[dict] = []  # views.publish payloads accepted
        self.opened: list[dict] = []  # views.open payloads accepted
        self._serial = itertools.count(1)

    # ------------------------------------------------------------ for tests
    def grant(
        self,
        team_id: str,
        *,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        rotation: bool = False,
        expires_in: int = 43200,
        installer: str = "UINSTALLER",
    ) -> str:
        """A code that oauth.v2.access exchanges (once) for a new bot token of `team_id`."""
        code = f"code-{team_id}-{next(self._serial)}"
        self.codes[code] = {
            "team_id": team_id,
            "team_name": team_name or f"Newsroom {team_id}",
            "enterprise_id": enterprise_id,
            "rotation": rotation,
            "expires_in": expires_in,
            "installer": installer,
        }
        return code

    def token_of(self, call: Call) -> str | None:
        """The token a recorded call carried (Authorization: Bearer, else a `token` field)."""
        auth = {k.lower(): v for k, v in call.headers.items()}.get("authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else call.payload.get("token")

    def team_of_token(self, token: str | None) -> str | None:
        return (self.tokens.get(token or "") or {}).get("team_id")

    def revoke(self, token: str) -> None:
        self.tokens[token]["revoked"] = True

    # ------------------------------------------------------------ the methods
    def _new_token(self, team_id: str, enterprise_id: str | None, rotation: bool, expires_in: int) -> dict:
        n = next(self._serial)
        token = f"xoxb-{team_id}-{n}-fake" if not rotation else f"xoxe.xoxb-{team_id}-{n}-fake"
        entry = {
            "team_id": team_id,
            "enterprise_id": enterprise_id,
            "revoked": False,
            "expires_at": time.time() + expires_in if rotation else None,
        }
        self.tokens[token] = entry
        answer = {"access_token": token, "token_type": "bot"}
        if rotation:
            refresh = f"xoxe-1-{team_id}-{n}-refresh"
            self.refresh_tokens[refresh] = team_id
            answer.update(refresh_token=refresh, expires_in=expires_in)
        return answer

    def _oauth_api(self, method: str, payload: dict, headers: Any) -> tuple[int, dict, dict] | None:
        """The answer of the methods of this block, or None for FakeSlack's own."""
        head = {k.lower(): v for k, v in dict(headers).items()}
        if method == "oauth.v2.access":
            import base64

            expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            if head.get("authorization") != expected:
                return 200, {"ok": False, "error": "invalid_client_id"}, {}
            if payload.get("grant_type") == "refresh_token":
                team_id = self.refresh_tokens.pop(payload.get("refresh_token") or "", None)  # single use
                if team_id is None:
                    return 200, {"ok": False, "error": "invalid_refresh_token"}, {}
                old = next((t for t in self.tokens.values() if t["team_id"] == team_id), {})
                return (
                    200,
                    {
                        "ok": True,
                        "team": {"id": team_id},
                        **self._new_token(team_id, old.get("enterprise_id"), True, 43200),
                    },
                    {},
                )
            grant = self.codes.pop(payload.get("code") or "", None)
            if grant is None:
                return 200, {"ok": False, "error": "invalid_code"}, {}
            enterprise = {"id": grant["enterprise_id"], "name": "Group"} if grant["enterprise_id"] else None
            return (
                200,
                {
                    "ok": True,
                    "app_id": APP_ID,
                    "authed_user": {"id": grant["installer"]},
                    "scope": "app_mentions:read,channels:history,chat:write,commands",
                    "bot_user_id": BOT_USER_ID,
                    "team": {"id": grant["team_id"], "name": grant["team_name"]},
                    "enterprise": enterprise,
                    "is_enterprise_install": False,
                    **self._new_token(grant["team_id"], grant["enterprise_id"], grant["rotation"], grant["expires_in"]),
                },
                {},
            )
        auth = head.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else payload.get("token")
        if self.tokens:  # an OAuth app: every call needs a token Slack granted, alive
            entry = self.tokens.get(token or "")
            if entry is None:
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            if entry["revoked"]:
                return 200, {"ok": False, "error": "token_revoked"}, {}
            if entry["expires_at"] is not None and entry["expires_at"] < time.time():
                return 200, {"ok": False, "error": "token_expired"}, {}
            if method == "auth.test":
                team = entry["team_id"]
                return (
                    200,
                    {
                        "ok": True,
                        "url": f"https://{team.lower()}.example.slack.com/",
                        "team": f"Newsroom {team}",
                        "user": "copydesk",
                        "team_id": team,
                        "user_id": BOT_USER_ID,
                        "bot_id": BOT_ID,
                        "enterprise_id": entry["enterprise_id"],
                        "is_enterprise_install": False,
                    },
                    {},
                )
        if method in ("views.publish", "views.open"):
            view = payload.get("view")
            view = json.loads(view) if isinstance(view, str) else (view or {})
            if len(view.get("blocks") or []) > MODAL_BLOCKS or not view.get("type"):
                return 200, {"ok": False, "error": "invalid_arguments"}, {}
            if method == "views.open" and not payload.get("trigger_id"):
                return 200, {"ok": False, "error": "invalid_trigger_id"}, {}
            record = {**payload, "view": view, "token": token}
            (self.published if method == "views.publish" else self.opened).append(record)
            return 200, {"ok": True, "view": {**view, "id": f"V{next(self._serial):08d}"}}, {}
        if method == "users.info":
            user = self.users.get(payload.get("user") or "")
            if user is None:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            return (
                200,
                {
                    "ok": True,
                    "user": {
                        "id": payload.get("user"),
                        "is_admin": False,
                        "is_owner": False,
                        "is_primary_owner": False,
                        **user,
                    },
                },
                {},
            )
        return None


class FakeSlack(OAuthFake):
    """Slack's Web API and response URLs on 127.0.0.1 (see the module docstring)."""

    def __init__(self, *, private_channels: set[str] | None = None, unknown_channels: set[str] | None = None) -> None:
        self._init_oauth()
        self.calls: list[Call] = []
        self.private_channels = set(private_channels or ())
        self.unknown_channels = set(unknown_channels or ())
        self.auth_error: str | None = None  # set to make auth.test refuse the token (e.g. "invalid_auth")
        self.refuse: set[str] = set()  # channels where chat.postMessage answers not_in_channel
        self._rate_limited: set[str] = set()
        self.triggers: dict[str, float] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._last_ts = 0.0
        self._ids = itertools.count(1)  # view ids and trigger ids
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
                status, answer, extra = fake._oauth_api(method, payload, self.headers) or fake._api(method, payload)
                fake._record(Call(method, payload, dict(self.headers), status, path, ok=bool(answer.get("ok"))))
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
            return (
                200,
                {
                    "ok": True,
                    "url": "https://newsroom.example.slack.com/",
                    "team": "Newsroom",
                    "user": "copydesk",
                    "team_id": "T1",
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                },
                {},
            )
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
            return (
                200,
                {
                    "ok": True,
                    "channel": payload.get("channel"),
                    "ts": ts,
                    "message": {"text": payload.get("text"), "ts": ts},
                },
                {},
            )
        if method == "chat.getPermalink":
            channel, ts = payload.get("channel"), payload.get("message_ts") or ""
            if not channel or not ts or channel in self.unknown_channels:
                return 200, {"ok": False, "error": "message_not_found"}, {}
            return (
                200,
                {
                    "ok": True,
                    "channel": channel,
                    "permalink": f"https://newsroom.example.slack.com/archives/{channel}/p{ts.replace('.', '')}",
                },
                {},
            )
        if method == "views.open":
            return self._views_open(payload)
        if method == "conversations.replies":
            parent, oldest = payload.get("ts") or "", float(payload.get("oldest") or 0)
            with_meta = payload.get("include_all_metadata") in ("1", "true", "True")
            messages = [{"type": "message", "ts": parent, "user": "U1", "text": "…", "thread_ts": parent}]
            for post in self.posts(payload.get("channel")):
                if post.get("thread_ts") == parent and float(post["_ts"]) >= oldest:
                    reply = {
                        "type": "message",
                        "ts": post["_ts"],
                        "thread_ts": parent,
                        "text": post.get("text"),
                        "user": BOT_USER_ID,
                        "bot_id": BOT_ID,
                        "app_id": APP_ID,
                    }
                    if with_meta and post.get("metadata"):
                        reply["metadata"] = post["metadata"]
                    messages.append(reply)
            return 200, {"ok": True, "messages": messages, "has_more": False}, {}
        if method == "conversations.info":
            channel = payload.get("channel")
            if channel in self.unknown_channels:
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            private = channel in self.private_channels
            return (
                200,
                {
                    "ok": True,
                    "channel": {
                        "id": channel,
                        "is_channel": not private,
                        "is_group": private,
                        "is_private": private,
                        "is_im": False,
                        "is_mpim": False,
                    },
                },
                {},
            )
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def _views_open(self, payload: dict) -> tuple[int, dict, dict]:
        view = payload.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        trigger = payload.get("trigger_id") or ""
        with self._lock:
            issued = self.triggers.pop(trigger, None)
        if issued is None or time.monotonic() - issued > 3.0:
            return 200, {"ok": False, "error": "expired_trigger_id" if issued else "invalid_trigger_id"}, {}
        if not isinstance(view, dict) or view.get("type") != "modal":
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        title = (view.get("title") or {}).get("text", "")
        blocks = view.get("blocks") or []
        if not 0 < len(title) <= 24 or not 0 < len(blocks) <= 100 or _blocks_problem({"text": "x", "blocks": blocks}):
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        return 200, {"ok": True, "view": {**view, "id": f"V{next(self._ids):08d}"}}, {}

    def issue_trigger(self) -> str:
        """A trigger_id as Slack puts in an interaction payload, valid for 3 seconds from now."""
        trigger = f"{next(self._ids)}.{int(time.time())}.trigger"
        with self._lock:
            self.triggers[trigger] = time.monotonic()
        return trigger

    def views(self) -> list[dict]:
        """Views Slack opened (views.open answered ok)."""
        out = []
        for c in self.recorded("views.open"):
            view = c.payload.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            out.append(view)
        return [v for v, c in zip(out, self.recorded("views.open"), strict=True) if c.status == 200 and c.ok]

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
        return [
            c.payload
            for c in self.recorded("chat.postMessage")
            if c.status == 200 and not _blocks_problem(c.payload) and channel in (None, c.payload.get("channel"))
        ]

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
                raise AssertionError(
                    f"Slack saw nothing matching within {timeout} s; calls: {[c.method for c in self.recorded()]}"
                )
            with self._changed:
                self._changed.wait_for(lambda seen=seen: len(self.calls) != seen, left)

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

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        headers: dict | None = None,
        timestamp: str | None = None,
        signed: bool = True,
        secret: str | None = None,
    ) -> Sent:
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
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{team_id}-{next(self._ids)}",
        }

    def event(
        self, event: dict, *, team_id: str = "T1", event_id: str | None = None, retry: int | None = None, **kwargs: Any
    ) -> Sent:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        body = json.dumps(self.envelope(event, team_id=team_id, event_id=event_id)).encode()
        return self.post(body, "application/json", headers=headers, **kwargs)

    def interaction(self, payload: dict, **kwargs: Any) -> Sent:
        """An interactivity request (a button click, a shortcut), form-encoded as `payload=JSON`."""
        return self.post(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded", **kwargs
        )

    def click(
        self,
        message: dict,
        action_id: str,
        value: str,
        *,
        trigger_id: str,
        channel: str = "C1",
        team_id: str = "T1",
        user: str = "U1",
        **kwargs: Any,
    ) -> Sent:
        """A click on a button of a message the app posted (`block_actions`)."""
        return self.interaction(
            {
                "type": "block_actions",
                "team": {"id": team_id, "domain": "newsroom"},
                "user": {"id": user, "team_id": team_id},
                "api_app_id": self.api_app_id,
                "token": "legacy",
                "container": {
                    "type": "message",
                    "message_ts": message.get("ts", ""),
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                "trigger_id": trigger_id,
                "channel": {"id": channel, "name": "desk"},
                "message": message,
                "response_url": "http://127.0.0.1:9/never",
                "actions": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "block_id": "copydesk_report",
                        "value": value,
                        "action_ts": str(time.time()),
                    }
                ],
            },
            **kwargs,
        )

    def message_shortcut(
        self,
        callback_id: str,
        message: dict,
        *,
        trigger_id: str,
        response_url: str,
        channel: str = "C1",
        team_id: str = "T1",
        user: str = "U2",
        **kwargs: Any,
    ) -> Sent:
        """A message shortcut used on `message` (`message_action`)."""
        return self.interaction(
            {
                "type": "message_action",
                "token": "legacy",
                "action_ts": str(time.time()),
                "team": {"id": team_id, "domain": "newsroom"},
                "user": {"id": user, "name": "editor", "team_id": team_id},
                "channel": {"id": channel, "name": "desk"},
                "is_enterprise_install": False,
                "callback_id": callback_id,
                "trigger_id": trigger_id,
                "message_ts": message.get("ts"),
                "message": message,
                "response_url": response_url,
            },
            **kwargs,
        )

    def command(
        self,
        command: str,
        text: str,
        *,
        response_url: str,
        team_id: str = "T1",
        channel_id: str = "C1",
        user_id: str = "U1",
        **kwargs: Any,
    ) -> Sent:
        """A slash command, form-encoded as Slack sends it."""
        form = {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "newsroom",
            "channel_id": channel_id,
            "channel_name": "desk",
            "user_id": user_id,
            "user_name": "reporter",
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{next(self._ids)}.1.abc",
        }
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded", **kwargs)


def message(
    text: str, *, channel: str = "C1", ts: str, channel_type: str = "channel", user: str = "U1", **extra: Any
) -> dict:
    """A `message` event as Slack sends it for a person's message."""
    event = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": channel_type,
        "client_msg_id": f"msg-{ts}",
    }
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


def wait_healthy(proc: subprocess.Popen, port: int, timeout: float = 90.0) -> None:
    """Wait until the server process `proc` answers GET /healthz on 127.0.0.1:`port` with 200.
    RuntimeError when it exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        if proc.poll() is not None:
            raise RuntimeError(f"copydesk serve exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError("copydesk serve did not start")
        time.sleep(0.05)


class ServeProcess:
    """`copydesk serve --http` in its own process on a free 127.0.0.1 port, talking to `fake`,
    with the given signing secret, bot token and archive; its standard error goes to `log`.
    `start()` waits until /healthz answers; `kill()` (SIGKILL) and `stop()` (SIGTERM) end it."""

    def __init__(self, db: Any, fake: FakeSlack, *, secret: str, token: str, log: Any, **env: str) -> None:
        self.db, self.fake, self.log = str(db), fake, log
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPYDESK_"))}
        self.env.update(
            SLACK_BOT_TOKEN=token,
            SLACK_SIGNING_SECRET=secret,
            COPYDESK_SLACK_API_URL=fake.url,
            COPYDESK_DB=self.db,
            COPYDESK_TZ="UTC",
            COPYDESK_FETCH_ALLOW_HOSTS="127.0.0.1",
            **env,
        )
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> ServeProcess:
        self.port = free_port()
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "copydesk.bot.cli",
                    "serve",
                    "--http",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=self.env,
                cwd=os.path.dirname(self.db) or ".",
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        try:
            wait_healthy(self.proc, self.port, timeout)
        except RuntimeError:
            self.kill()
            raise
        return self

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
