"""The Slack app: one Bolt `App` for both HTTP and Socket Mode (bot/app/server.py serves it).

How a request is handled. Bolt runs with `process_before_response=True`: each listener runs in
the thread that received the request, and Slack's acknowledgement (the HTTP 200, or the Socket
Mode envelope) is sent when the listener returns. Listeners therefore only do quick work — filter
the event, store its job in SQLite in the transaction that records it as seen (so a retried
delivery or the `message` twin of an `app_mention` is never answered twice, and a crash after the
acknowledgement loses nothing: copydesk.storage.jobs), acknowledge a slash command — and leave
everything slow (fetching a link, the analysis, posting the reply) to `Workers`, a fixed set of
threads taking jobs from that queue. Acknowledgements never wait behind slow work, however busy.

The listeners live in copydesk.handlers (messages, mentions, commands, shortcuts, reports,
lifecycle, home, settings); each module's `register(app, deps)` adds its own. `Deps` is what they
share, and the one way they receive the archive, analyzer, settings, workers and clients.

Two modes. Single workspace (SLACK_BOT_TOKEN): one token, checked with auth.test now. OAuth
distribution (SLACK_CLIENT_ID + SLACK_CLIENT_SECRET, no bot token; bot/app/oauth.py): Bolt's
OAuth flow and authorize middleware over the archive's installation store, each request answered
with its workspace's token; `app.oauth_flow` serves the install and redirect pages.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copydesk.bot.app.webapi import api_error, check_tokens, web_client
from copydesk.bot.app.workers import Workers
from copydesk.bot.errors import BadInput, CopydeskError
from copydesk.bot.settings import Settings
from copydesk.handlers import commands, home, lifecycle, mentions, messages, reports, shortcuts
from copydesk.handlers import settings as settings_handlers
from copydesk.handlers.common import Deps
from copydesk.storage.jobs import JobQueue

if TYPE_CHECKING:
    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.app.oauth import OAuth
    from copydesk.storage.archive import Archive


# ---------------------------------------------------------------- the app
class _SameTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and warns that it goes unused
    beside the `client` given — a client that carries that very token (Settings read it). Drop
    that one misleading warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


class _NoRequestBodies(logging.Filter):
    """Bolt logs a request refused for its signature with its whole body (a message's text: maybe
    a private channel's). Keep the line, drop the body. Bolt copies this logger's filters to the
    loggers of its middleware (slack_bolt.RequestVerification among them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Invalid request signature detected"):
            record.msg, record.args = "Invalid request signature detected (request body not logged)", None
        elif "without providing a response for the request (" in message:
            record.msg, record.args = message.split(" for the request (", 1)[0] + " (request body not logged)", None
        return True


BOLT_LOGGER = logging.getLogger("copydesk.slack")
BOLT_LOGGER.addFilter(_SameTokenWarning())
BOLT_LOGGER.addFilter(_NoRequestBodies())
logging.getLogger("slack_bolt.RequestVerification").addFilter(_NoRequestBodies())


@contextmanager
def _bolt_ignores_oauth_variables() -> Iterator[None]:
    """Bolt's App turns OAuth on by itself (with a file installation store, and dropping the bot
    token) when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are in the environment. In single-workspace
    mode SLACK_BOT_TOKEN decides: hide the two from Bolt while the app is built."""
    saved = {k: os.environ.pop(k) for k in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET") if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def build_app(
    settings: Settings,
    archive: Archive,
    analyzer: Analyzer,
    *,
    client: WebClient | None = None,
    workers: Workers | None = None,
    socket_mode: bool = False,
    oauth: OAuth | None = None,
    tokens_checked: bool = False,
) -> App:
    """The Copydesk Bolt app with every listener registered.

    `client` defaults to `web_client(settings)`; Bolt calls `auth.test` with it now, so a refused
    token fails here (BadInput naming SLACK_BOT_TOKEN). `workers` runs the slow work (default: a
    new pool; pass your own to wait for it or shut it down). With `socket_mode` the app serves
    Socket Mode only and needs no signing secret; otherwise every HTTP request must carry a valid
    signature (Bolt answers 401). In OAuth mode (`settings.oauth_mode`) `oauth` is the OAuth pieces
    (default: built now over `archive` and `client`)."""
    if not tokens_checked:  # the Runtime checks them once, before it loads anything
        check_tokens(settings, socket_mode=socket_mode)
    client = client or web_client(settings)
    options: dict = {}
    if settings.oauth_mode:
        from copydesk.bot.app import oauth as oauthmod

        oauth = oauth or oauthmod.build(settings, archive, client, BOLT_LOGGER)
        options = {"oauth_settings": oauth.settings, "authorize": oauth.authorize}
    try:
        with _bolt_ignores_oauth_variables() if not settings.oauth_mode else nullcontext():
            app = App(
                name="copydesk",
                client=client,
                signing_secret=settings.slack_signing_secret or "",
                request_verification_enabled=not socket_mode,
                process_before_response=True,
                logger=BOLT_LOGGER,
                **options,
            )
    except BoltError as exc:
        cause = exc.__context__
        if isinstance(cause, SlackApiError):
            raise BadInput(f"Slack refused SLACK_BOT_TOKEN (auth.test: {api_error(cause)})") from None
        raise CopydeskError(f"the Slack app could not start: {exc.__class__.__name__}") from None
    except OSError as exc:
        raise CopydeskError(
            f"could not reach the Slack Web API at {settings.slack_api_url} ({exc.__class__.__name__})"
        ) from None

    if settings.oauth_mode:
        # a job runs after its request: it posts with its workspace's own (refreshed) bot token
        client_for = oauthmod.TeamClients(oauth, lambda token: web_client(settings, token))
    else:
        client_for = lambda team_id: app.client  # noqa: E731 (one bot token: the app's client)
    deps = Deps(
        settings=settings, archive=archive, analyzer=analyzer, workers=workers or Workers(), client_for=client_for
    )

    for module in (messages, mentions, commands, shortcuts, reports, lifecycle, home, settings_handlers):
        module.register(app, deps)
    deps.workers.serve(JobQueue(archive))  # resumes what a dead process left unfinished
    return app
