"""The message shortcut **Check coverage** (manifest: `features.shortcuts`, type `message`,
callback_id CHECK_COVERAGE): the same analysis as a channel message gets, of the message the
shortcut is used on, answered in that message's thread.

Acknowledged at once; the work runs in the worker pool. Shorter text is accepted than for
messages checked unasked (someone asked): a link, or at least MIN_WORDS words. A message with
nothing to check, or Copydesk's own reply, gets a note only the user sees (the payload's
response_url).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from copydesk.bot.present.slacktext import request_of

from .common import answer_in_thread, team_of

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps

log = logging.getLogger(__name__)

CHECK_COVERAGE = "copydesk_check_coverage"
MIN_WORDS = 20
NOTHING = (
    "Nothing to check in that message: use *Check coverage* on a message that holds an article "
    f"(at least {MIN_WORDS} words) or a link to one."
)
OWN = "That is one of my own replies: use *Check coverage* on the message that shared the article."
NOT_IN_CHANNEL = (
    "I can't post in this channel's threads: invite me first (`/invite @Copydesk`), then use *Check coverage* again."
)


def register(app: App, deps: Deps) -> None:
    @app.shortcut({"type": "message_action", "callback_id": CHECK_COVERAGE})
    def on_check_coverage(ack: Any, body: dict, respond: Respond, client: WebClient, context: BoltContext) -> None:
        ack()
        handle_check(deps, body, respond, client, team_of(body, context), getattr(context, "bot_id", None))


def handle_check(deps: Deps, body: dict, respond: Respond, client: WebClient, team_id: str, bot_id: str | None) -> None:
    message = body.get("message") or {}
    channel_id = (body.get("channel") or {}).get("id") or ""
    ts = message.get("ts") or body.get("message_ts") or ""
    if not channel_id or not ts:
        return
    if bot_id and message.get("bot_id") == bot_id:
        deps.workers.submit(f"shortcut note {ts} in {channel_id}", _note, respond, OWN)
        return
    request = request_of(message.get("text") or "", min_words=MIN_WORDS)
    if request is None:
        deps.workers.submit(f"shortcut note {ts} in {channel_id}", _note, respond, NOTHING)
        return
    deps.workers.submit(
        f"check coverage {ts} in {channel_id}",
        _check,
        deps,
        client,
        respond,
        team_id=team_id,
        channel_id=channel_id,
        channel_type=None,
        ts=ts,
        thread_ts=message.get("thread_ts") or ts,
        request=request,
        user_id=message.get("user"),
    )


def _check(deps: Deps, client: WebClient, respond: Respond, **message: Any) -> None:
    """The analysis answered in the message's thread; when Slack refuses the reply (the bot is
    not in the channel), the user is told how to fix it."""
    if answer_in_thread(deps, client, **message) is None:
        _note(respond, NOT_IN_CHANNEL)


def _note(respond: Respond, text: str) -> None:
    try:
        respond(text=text, response_type="ephemeral", replace_original=False)
    except Exception as exc:  # an expired response_url: nobody to tell but the log
        log.warning("shortcut note could not be delivered: %s", exc.__class__.__name__)
