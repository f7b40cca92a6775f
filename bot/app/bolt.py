"""The Slack app: one Bolt `App` for both HTTP and Socket Mode (bot/app/server.py serves it).

How a request is handled. Bolt runs with `process_before_response=True`: each listener runs in
the thread that received the request, and Slack's acknowledgement (the HTTP 200, or the Socket
Mode envelope) is sent when the listener returns. Listeners therefore only do quick work — filter
the event, store its job in SQLite in the transaction that records it as seen (so a retried
delivery or the `message` twin of an `app_mention` is never answered twice, and a crash after the
acknowledgement loses nothing: copydesk.storage.jobs), acknowledge a slash command — and leave
everything slow (fetching a link, the analysis, posting the reply) to `Workers`, a fixed set of
threads taking jobs from that queue. Acknowledgements never wait behind slow work, however busy.

The listeners live in copydesk.handlers (messages, mentions, commands, lifecycle); each module's
`register(app, deps)` adds its own. `Deps` is what they share. The archive, analyzer and settings
are also put in every request's Bolt context (`context["archive"]` …) for listeners written
against the context, such as `/digest`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext
from slack_bolt.error import BoltError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copydesk.bot.app.webapi import api_error, check_tokens, web_client
from copydesk.bot.app.workers import Workers
from copydesk.bot.errors import BadInput, CopydeskError
from copydesk.bot.settings import Settings
from copydesk.handlers import commands, lifecycle, mentions, messages
from copydesk.handlers.common import Deps
from copydesk.storage.jobs import JobQueue

if TYPE_CHECKING:
    from copydesk.storage.archive import Archive

    from copydesk.bot.analysis.engine import Analyzer


# ---------------------------------------------------------------- the app
class _SameTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and warns that it goes unused
    beside the `client` given — a client that carries that very token (Settings read it). Drop
    that one misleading warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


BOLT_LOGGER = logging.getLogger("copydesk.slack")
BOLT_LOGGER.addFilter(_SameTokenWarning())


def build_app(settings: Settings, archive: Archive, analyzer: Analyzer, *, client: WebClient | None = None,
              workers: Workers | None = None, socket_mode: bool = False) -> App:
    """The Copydesk Bolt app with every listener registered.

    `client` defaults to `web_client(settings)`; Bolt calls `auth.test` with it now, so a refused
    token fails here (BadInput naming SLACK_BOT_TOKEN). `workers` runs the slow work (default: a
    new pool; pass your own to wait for it or shut it down). With `socket_mode` the app serves
    Socket Mode only and needs no signing secret; otherwise every HTTP request must carry a valid
    signature (Bolt answers 401)."""
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
    deps.workers.serve(JobQueue(archive))  # resumes what a dead process left unfinished
    return app
