"""The Slack app: one Bolt `App` for both HTTP and Socket Mode (see bot/server.py for serving).

How a request is handled. Bolt runs with `process_before_response=True`: each listener runs in
the thread that received the request, and Slack's acknowledgement (the HTTP 200, or the Socket
Mode envelope) is sent when the listener returns. Listeners therefore only do quick work — filter
the event, record it as seen in SQLite (`Archive.claim_event`, so a retried delivery or the
`message` twin of an `app_mention` is never answered twice), acknowledge a slash command — and
hand everything slow (fetching a link, the analysis, posting the reply) to `Workers`, a bounded
thread pool of this process. Acknowledgements never wait behind slow work, however busy the pool.

The listeners live in copydesk.handlers (messages, mentions, commands, lifecycle); each module's
`register(app, deps)` adds its own. `Deps` is what they share. The archive, analyzer and settings
are also put in every request's Bolt context (`context["archive"]` …) for listeners written
against the context, such as `/digest`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext
from slack_bolt.error import BoltError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from .errors import BadInput, CopydeskError
from .settings import Settings

if TYPE_CHECKING:
    from copydesk.storage.archive import Archive

    from .analysis import Analyzer

log = logging.getLogger(__name__)

WORKERS = 4  # slow jobs (link fetches, analyses) running at once; more wait in the pool's queue
API_TIMEOUT = 30  # seconds for one Slack Web API call
RATE_LIMIT_RETRIES = 3  # 429s retried after their Retry-After
CONNECTION_RETRIES = 2

_BOT_TOKEN_RE = re.compile(r"xoxb-[A-Za-z0-9-]+")
_APP_TOKEN_RE = re.compile(r"xapp-[A-Za-z0-9-]+")


# ---------------------------------------------------------------- settings and the Web API client
def check_tokens(settings: Settings, *, socket_mode: bool) -> None:
    """Refuse to start without usable Slack credentials. Raises BadInput with a one-line reason
    that names the variable (never its value)."""
    token = settings.slack_bot_token
    if not token:
        raise BadInput("SLACK_BOT_TOKEN is not set: give the app's bot token (xoxb-…, from OAuth & Permissions)")
    if not _BOT_TOKEN_RE.fullmatch(token):
        raise BadInput("SLACK_BOT_TOKEN is not a bot token: it should start with xoxb- (OAuth & Permissions)")
    if socket_mode:
        app_token = settings.slack_app_token
        if not app_token:
            raise BadInput("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…, "
                           "Basic Information > App-Level Tokens, scope connections:write)")
        if not _APP_TOKEN_RE.fullmatch(app_token):
            raise BadInput("SLACK_APP_TOKEN is not an app-level token: it should start with xapp-")
    else:
        secret = settings.slack_signing_secret
        if not secret:
            raise BadInput("SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's signing secret "
                           "(Basic Information > App Credentials)")
        if any(c.isspace() for c in secret) or not secret.isascii():
            raise BadInput("SLACK_SIGNING_SECRET is malformed: it should be the signing secret exactly as Slack shows it")


def api_error(exc: SlackApiError) -> str:
    """Slack's one-word reason for refusing a Web API call (e.g. `not_in_channel`), else the HTTP status."""
    data = exc.response.data
    return str(data.get("error") or "error") if isinstance(data, dict) else f"HTTP {exc.response.status_code}"


def web_client(settings: Settings) -> WebClient:
    """A Slack Web API client with the bot token and COPYDESK_SLACK_API_URL as its base URL
    (ending in "/": slack_sdk joins method names with urljoin). Connection errors and 429s are
    retried, the latter after Slack's Retry-After."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=API_TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


# ---------------------------------------------------------------- the worker pool
class Workers:
    """The pool that runs slow work after Slack has been acknowledged. A job's exception is
    logged, never lost; `wait_idle` tells when every submitted job has finished (graceful
    shutdown, tests)."""

    def __init__(self, size: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="copydesk-worker")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, what: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run `fn(*args, **kwargs)` in the pool; `what` names the job in logs."""
        with self._idle:
            self._pending += 1
        try:
            return self._pool.submit(self._run, what, fn, args, kwargs)
        except RuntimeError:  # the pool is shut down: the process is stopping
            self._done()
            raise

    def _run(self, what: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            fn(*args, **kwargs)
        except Exception:
            log.exception("background job failed: %s", what)
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    @property
    def pending(self) -> int:
        """Jobs submitted and not yet finished (queued or running)."""
        with self._idle:
            return self._pending

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no job is queued or running; False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def shutdown(self, timeout: float = 30.0) -> None:
        """Let running and queued jobs finish for up to `timeout` seconds, then stop the pool
        (jobs still queued are dropped)."""
        if not self.wait_idle(timeout):
            log.warning("stopping with %d background job(s) unfinished", self.pending)
        self._pool.shutdown(wait=False, cancel_futures=True)


# ---------------------------------------------------------------- the app
class _SameTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and warns that it goes unused
    beside the `client` given — a client that carries that very token (Settings read it). Drop
    that one misleading warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


BOLT_LOGGER = logging.getLogger("copydesk.slack")
BOLT_LOGGER.addFilter(_SameTokenWarning())


@dataclass(frozen=True)
class Deps:
    """What the listeners share: one of each per process."""

    settings: Settings
    archive: Archive
    analyzer: Analyzer
    workers: Workers


def build_app(settings: Settings, archive: Archive, analyzer: Analyzer, *, client: WebClient | None = None,
              workers: Workers | None = None, socket_mode: bool = False) -> App:
    """The Copydesk Bolt app with every listener registered.

    `client` defaults to `web_client(settings)`; Bolt calls `auth.test` with it now, so a refused
    token fails here (BadInput naming SLACK_BOT_TOKEN). `workers` runs the slow work (default: a
    new pool; pass your own to wait for it or shut it down). With `socket_mode` the app serves
    Socket Mode only and needs no signing secret; otherwise every HTTP request must carry a valid
    signature (Bolt answers 401)."""
    from copydesk.handlers import commands, lifecycle, mentions, messages

    check_tokens(settings, socket_mode=socket_mode)
    client = client or web_client(settings)
    try:
        app = App(
            name="copydesk",
            client=client,
            signing_secret=settings.slack_signing_secret or "",
            request_verification_enabled=not socket_mode,
            process_before_response=True,
            logger=BOLT_LOGGER,
        )
    except BoltError as exc:
        cause = exc.__context__
        if isinstance(cause, SlackApiError):
            raise BadInput(f"Slack refused SLACK_BOT_TOKEN (auth.test: {api_error(cause)})") from None
        raise CopydeskError(f"the Slack app could not start: {exc.__class__.__name__}") from None
    except OSError as exc:
        raise CopydeskError(f"could not reach the Slack Web API at {settings.slack_api_url} "
                            f"({exc.__class__.__name__})") from None

    deps = Deps(settings=settings, archive=archive, analyzer=analyzer, workers=workers or Workers())

    def provide(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002 (Bolt's name)
        context["archive"], context["analyzer"], context["settings"] = archive, analyzer, settings
        next()

    app.middleware(provide)
    for module in (messages, mentions, commands, lifecycle):
        module.register(app, deps)
    return app
