"""`app_mention`: a message that mentions the bot.

With an article (a link, or 80+ words of pasted text) it is answered in its thread exactly as a
channel message is; the same message also arrives as a `message` event, and whichever of the two
comes first claims team + channel + ts, so it is answered once. A mention without an article gets
a one-paragraph hint in the thread. `app_mention` carries no `channel_type`, so the channel's
privacy comes from `conversations.info` (private when Slack does not say). In a channel whose
answer mode is `never` a mention gets a one-line note instead; the channel's other settings
(recency window, copy threshold, minimum copied passage) apply to the analysis.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from copydesk.bot.present.slacktext import request_of
from copydesk.storage import settings as settingstore

from .common import answer_payload, enqueue, team_of

OFF = (
    "I don't answer in this channel: its answer mode is _never_ (workspace admins change it in Copydesk's "
    "App Home). `/compare` still works here, only for you."
)

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.event("app_mention")
    def on_mention(event: dict, body: dict, context: BoltContext, client: WebClient) -> None:
        handle_mention(deps, event, body, context, client)


def handle_mention(deps: Deps, event: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    if event.get("bot_id") or event.get("subtype"):
        return
    team_id, channel_id, ts = team_of(body, context), event.get("channel") or "", event.get("ts") or ""
    if not channel_id or not ts:
        return
    thread_ts = event.get("thread_ts") or ts
    tuning = settingstore.effective(deps.archive, team_id, channel_id)
    request = request_of(event.get("text") or "")
    if tuning.answer_mode == "never":
        kind, payload = "hint", {"thread_ts": thread_ts, "text": OFF}
    elif request is None:
        kind, payload = "hint", {"thread_ts": thread_ts}
    else:
        kind, payload = (
            "answer",
            answer_payload(
                channel_type=event.get("channel_type"),
                ts=ts,
                thread_ts=thread_ts,
                request=request,
                user_id=event.get("user"),
            ),
        )
    if not enqueue(deps, kind, payload, team_id=team_id, channel_id=channel_id, message_ts=ts, body=body):
        log.info("mention %s in %s already handled (retry or message)", ts, channel_id)
