"""Serving the Slack app: `copydesk serve --http` and `copydesk serve --socket`.

HTTP mode: a Starlette application served by uvicorn (a production ASGI server, not Bolt's
development server):

    POST /slack/events   events, slash commands and interactivity, verified by Bolt (401 for a
                         bad, missing or stale signature) through Bolt's Starlette adapter helpers;
                         Bolt's dispatch runs in a thread so the event loop never blocks
    GET  /healthz        200 {"status": "ok", "db": "ok"}, or 503 when the archive cannot be read
    GET  /slack/install  OAuth mode only (bot/app/oauth.py): the "Add to Slack" page, a new state
    GET  /slack/oauth_redirect
                         OAuth mode only: Slack's redirect; the state checked, the code exchanged
                         with oauth.v2.access, the installation stored (tokens encrypted)

Socket Mode: Bolt's built-in Socket Mode handler; no public URL needed.

Both check the tokens first (BadInput naming the variable: the CLI prints it and exits 2), load
the spaCy model once, then answer. Logs go to standard error through a filter that removes the
tokens and the signing secret (and anything shaped like a Slack token) from every line.
"""

from __future__ import annotations

import logging
import re
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from copydesk.bot.app.bolt import BOLT_LOGGER, build_app
from copydesk.bot.app.webapi import api_error, check_tokens, web_client
from copydesk.bot.app.workers import Workers
from copydesk.bot.errors import BadInput, CopydeskError
from copydesk.bot.settings import Settings
from copydesk.storage.archive import Archive

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 5_000_000  # bytes: far above any Slack payload, a bound for unauthenticated requests
DRAIN_SECONDS = 30  # on shutdown, how long running analyses may take to finish and answer


# ---------------------------------------------------------------- logging without secrets
class RedactSecrets(logging.Filter):
    """Removes the given secrets, and anything shaped like a Slack token, from log records (the
    message, its arguments and the traceback text) before a handler writes them."""

    TOKEN_RE = re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+")
    # the OAuth redirect's code and state (in access-log lines, Bolt's "with code: …" and
    # slack_sdk's debug lines of request parameters)
    OAUTH_RE = re.compile(r"((?<!\w)(?:code|state)=|with code: |'(?:code|state)': \[?')[^&\s\"']+")
    MASK = "[redacted]"

    def __init__(self, secrets: list[str | None]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, self.MASK)
        text = self.OAUTH_RE.sub(lambda m: m.group(1) + self.MASK, text)
        return self.TOKEN_RE.sub(self.MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_handler: logging.Handler | None = None


def configure_logging(settings: Settings, level: int = logging.INFO) -> logging.Handler:
    """Log to standard error, one line per record, secrets redacted. Replaces the handler a
    previous call installed. Returns the handler."""
    global _handler
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(
        RedactSecrets(
            [
                settings.slack_bot_token,
                settings.slack_app_token,
                settings.slack_signing_secret,
                settings.slack_client_secret,
                *(settings.secret_key or "").split(","),
            ]
        )
    )
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("apscheduler", "urllib3", "slack_sdk.socket_mode"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    _handler = handler
    return handler


# ---------------------------------------------------------------- what a serving process holds
class Runtime:
    """Everything `copydesk serve` runs on, opened in order and closed in reverse: the archive,
    the analyzer (its spaCy model loaded now, once), the worker pool, the Slack app (Bolt calls
    auth.test), the daily digest scheduler and the background enrichment (archived articles'
    features computed ahead of the replies that need them, unless COPYDESK_ENRICH=0). A context manager. `nlp` shares a spaCy pipeline
    already loaded (the tests' session model); by default the configured one is loaded."""

    def __init__(self, settings: Settings, *, socket_mode: bool, nlp: Any = None) -> None:
        from copydesk.bot.analysis.engine import Analyzer
        from copydesk.bot.app import scheduler as schedulermod

        check_tokens(settings, socket_mode=socket_mode)
        self.settings = settings
        self.archive = Archive.open(settings.db_path, busy_timeout=settings.busy_timeout)
        self.workers = Workers()
        self.scheduler: schedulermod.DigestScheduler | None = None
        self.enricher = None
        try:
            self.analyzer = Analyzer(self.archive, settings, nlp=nlp)
            self.analyzer.nlp  # noqa: B018 (load the model before the first request, in one thread)
            self.client = web_client(settings)
            client_for = None
            self.oauth = None
            if settings.oauth_mode:
                from copydesk.bot.app import oauth

                self.oauth = oauth.build(settings, self.archive, self.client, BOLT_LOGGER)
                client_for = oauth.TeamClients(self.oauth, lambda token: web_client(settings, token))
            self.app: App = build_app(
                settings,
                self.archive,
                self.analyzer,
                client=self.client,
                workers=self.workers,
                socket_mode=socket_mode,
                oauth=self.oauth,
                tokens_checked=True,
            )
            self.scheduler = schedulermod.start_scheduler(
                settings, self.archive, self.analyzer, self.client, client_for=client_for
            )
            if settings.enrich:
                from copydesk.bot.analysis.enrich import Enricher

                self.enricher = Enricher(self.analyzer).start()
        except BaseException:
            self.close(drain=0)
            raise

    def close(self, drain: float = DRAIN_SECONDS) -> None:
        if self.enricher is not None:
            self.enricher.stop()  # ends after the article being parsed
            self.enricher = None
        if self.scheduler is not None:
            self.scheduler.shutdown()  # waits for a digest being posted
            self.scheduler = None
        self.workers.shutdown(timeout=drain)
        self.archive.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------- HTTP
def asgi_app(bolt_app: App, archive: Archive) -> Starlette:
    """The ASGI application of HTTP mode: Slack's requests and the health check (and, in OAuth
    mode, the install and redirect pages of Bolt's OAuth flow)."""

    async def slack_events(request: Request) -> Response:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return PlainTextResponse("payload too large", status_code=413)
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return PlainTextResponse("the body is not UTF-8", status_code=400)
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, bytes(body)))
        return to_starlette_response(bolt_response)

    async def healthz(request: Request) -> Response:
        def database_ok() -> bool:
            try:
                return archive.readable()
            except Exception:
                return False

        ok = await run_in_threadpool(database_ok)
        return JSONResponse(
            {"status": "ok" if ok else "error", "db": "ok" if ok else "unavailable"}, status_code=200 if ok else 503
        )

    routes = [Route(EVENTS_PATH, slack_events, methods=["POST"]), Route(HEALTH_PATH, healthz, methods=["GET"])]
    flow = bolt_app.oauth_flow
    if flow is not None:

        async def install(request: Request) -> Response:
            return to_starlette_response(
                await run_in_threadpool(flow.handle_installation, to_bolt_request(request, b""))
            )

        async def oauth_redirect(request: Request) -> Response:
            return to_starlette_response(await run_in_threadpool(flow.handle_callback, to_bolt_request(request, b"")))

        routes += [
            Route(flow.install_path, install, methods=["GET"]),
            Route(flow.redirect_uri_path, oauth_redirect, methods=["GET"]),
        ]
    return Starlette(routes=routes)


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket; CopydeskError with a one-line reason when the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise CopydeskError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, telling `on_exit` as soon as a stop signal arrives (before it waits for
    open connections), so the workers stop taking jobs at once."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self.on_exit = on_exit

    def handle_exit(self, sig: int, frame: Any) -> None:
        if self.on_exit is not None:
            self.on_exit()
        super().handle_exit(sig, frame)


def http_server(bolt_app: App, archive: Archive, on_exit: Callable[[], None] | None = None) -> uvicorn.Server:
    """The uvicorn server of HTTP mode (call `.run(sockets=[listen(host, port)])`); `on_exit` is
    called when SIGINT or SIGTERM arrives."""
    config = uvicorn.Config(
        asgi_app(bolt_app, archive),
        log_config=None,
        lifespan="off",
        server_header=False,
        proxy_headers=True,
        timeout_graceful_shutdown=DRAIN_SECONDS,
    )
    return _Server(config, on_exit)


@contextmanager
def stop_signals(on_stop: Callable[[], None]) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM call `on_stop` instead of ending the process (main thread
    only), so that a stopping server can finish its work and close the archive. uvicorn handles
    the signals itself while serving and raises them again when done: they land here."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, lambda *_: on_stop()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_http(settings: Settings, port: int, *, host: str = "0.0.0.0") -> None:
    """`copydesk serve --http`: serve POST /slack/events and GET /healthz on host:port until
    SIGINT/SIGTERM; then take no more jobs, let the running ones finish and answer (up to
    DRAIN_SECONDS; those that do not go back in the queue), and exit."""
    configure_logging(settings)
    with Runtime(settings, socket_mode=False) as runtime:  # checks the tokens first
        sock = listen(host, port)
        log.info("serving Slack on http://%s:%d%s (health: %s)", host, port, EVENTS_PATH, HEALTH_PATH)
        if settings.oauth_mode:
            log.info("OAuth mode: installs start at %s/slack/install", settings.public_url or f"http://{host}:{port}")
        with stop_signals(lambda: None):
            http_server(runtime.app, runtime.archive, on_exit=runtime.workers.stop_taking).run(sockets=[sock])
        log.info("stopping: no more jobs taken; waiting for the running ones (the queued ones wait for the next start)")


# ---------------------------------------------------------------- Socket Mode
def run_socket(settings: Settings) -> None:
    """`copydesk serve --socket`: connect to Slack over Socket Mode (SLACK_APP_TOKEN) and answer
    until SIGINT/SIGTERM."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    configure_logging(settings)
    with Runtime(settings, socket_mode=True) as runtime:  # checks the tokens first
        handler = SocketModeHandler(runtime.app, settings.slack_app_token)
        stop = threading.Event()

        def on_stop() -> None:
            runtime.workers.stop_taking()
            stop.set()

        with stop_signals(on_stop):
            try:
                handler.connect()
            except SlackApiError as exc:
                raise BadInput(f"Slack refused SLACK_APP_TOKEN (apps.connections.open: {api_error(exc)})") from None
            except OSError as exc:
                raise CopydeskError(f"could not reach Slack for Socket Mode ({exc.__class__.__name__})") from None
            log.info("connected to Slack over Socket Mode")
            try:
                stop.wait()
            finally:
                log.info("stopping: waiting for running analyses")
                handler.close()
