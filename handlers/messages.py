"""Channel messages (`message.channels`, `message.groups`).

A person's message that holds an article link, or pasted text of at least 80 words, is answered in
its thread (see `copydesk.bot.present.slacktext.request_of` for which: 80+ words outside links are the
article; otherwise the first article link is read, and the reply says so when there were more).
Everything else is left alone: other bots' messages (`bot_id`, subtype `bot_message`), edits
(`message_changed`), joins, leaves, topic changes and every other subtype, and chatter. Plain
replies in a thread, `thread_broadcast` and `file_share` messages are people's messages too.

A deleted message makes Copydesk forget the article it brought (unless another message holds it):
`message_deleted`, or — for a message with thread replies, which every answered message has —
`message_changed` whose message became a `tombstone`.

A channel's settings (copydesk.handlers.settings) decide whether it is answered at all (answer
mode `all`; `mention` and `never` leave its messages alone), how long pasted text or a linked
article must be (minimum article length) and how the analysis compares (recency window, copy
threshold, minimum copied passage).

Each answered message is recorded as seen first (its event id, and team + channel + ts) so a
retried delivery, or the `app_mention` twin of the same message, is not answered again.
Each answered message is stored as a job, and recorded as seen (its event id, and team + channel +
ts) in the same transaction, before Slack is acknowledged: a retried delivery, or the
`app_mention` twin of the same message, is not answered again, and a crash loses nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from copydesk.bot.present.slacktext import request_of
from copydesk.storage import settings as settingstore
from copydesk.storage.messages import Messages

from .common import answer_payload, enqueue, register_jobs, team_of

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps

log = logging.getLogger(__name__)

PEOPLE_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def register(app: App, deps: Deps) -> None:
    register_jobs(deps, deps.client_for)  # the "answer" and "hint" jobs of messages and mentions

    @app.event("message")
    def on_message(event: dict, body: dict, context: BoltContext, client: WebClient) -> None:
        handle_message(deps, event, body, context, client)


def handle_message(deps: Deps, event: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    team_id, channel_id = team_of(body, context), event.get("channel") or ""
    subtype = event.get("subtype")
    if subtype == "message_deleted" and event.get("deleted_ts"):
        forget(deps, team_id, channel_id, event["deleted_ts"])
        return
    changed = event.get("message") or {}
    if subtype == "message_changed" and changed.get("subtype") == "tombstone" and changed.get("ts"):
        forget(deps, team_id, channel_id, changed["ts"])
        return
    if subtype not in PEOPLE_SUBTYPES or event.get("bot_id") or event.get("hidden"):
        return
    if not channel_id or not event.get("ts"):
        return
    tuning = settingstore.effective(deps.archive, team_id, channel_id)
    if tuning.answer_mode != "all":
        return
    request = request_of(event.get("text") or "", min_words=tuning.min_article_words)
    if request is None:
        return
    ts = event["ts"]
    payload = answer_payload(
        channel_type=event.get("channel_type"),
        ts=ts,
        thread_ts=event.get("thread_ts") or ts,
        request=request,
        user_id=event.get("user"),
        automatic=True,
    )
    if not enqueue(deps, "answer", payload, team_id=team_id, channel_id=channel_id, message_ts=ts, body=body):
        log.info("message %s in %s already handled (retry or mention)", ts, channel_id)


def forget(deps: Deps, team_id: str, channel_id: str, ts: str) -> None:
    if deps.workers.queue is not None:
        deps.workers.queue.cancel_message(team_id, channel_id, ts)  # not answered if not begun
    removed = deps.archive.forget_message(team_id, channel_id, ts)
    Messages(deps.archive).forget(team_id, channel_id, ts)
    if removed:
        log.info("message %s in %s deleted: forgot %d article(s)", ts, channel_id, removed)
