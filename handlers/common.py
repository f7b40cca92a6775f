"""What the Slack listeners share: a channel's privacy, reading the article a message or command
points at, and answering in a message's thread.

Everything here except `team_of` and `is_private_type` runs in the worker pool, after Slack was
acknowledged: it may call Slack's Web API, fetch a link (up to 15 s) or run an analysis (about a
second for a long article).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copydesk.bot.reading import reader
from copydesk.bot.app.webapi import api_error
from copydesk.bot.present.blocks import render_report
from copydesk.bot.errors import BadInput
from copydesk.bot.reading.fetch import FetchError, fetch_url
from copydesk.bot.model import Article, Scope
from copydesk.bot.settings import Settings
from copydesk.bot.present.slacktext import MIN_PASTED_WORDS, ArticleRequest, escape
from copydesk.storage import settings as settingstore

if TYPE_CHECKING:
    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.app.workers import Workers
    from copydesk.storage.archive import Archive

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    """What the listeners share: one of each per process (built by the app factory)."""

    settings: Settings
    archive: Archive
    analyzer: Analyzer
    workers: Workers

SORRY = "Sorry, something went wrong while analysing this. Please try again in a minute."
HINT = (f"Paste an article (at least {MIN_PASTED_WORDS} words) or share a link to one, and I'll tell you "
        "in its thread what is new, copied, contradicted or corroborated compared with the coverage I've seen "
        "here. `/compare` does the same, visible only to you.")


# ---------------------------------------------------------------- where a request comes from
def team_of(body: dict, context: Any) -> str:
    """The workspace a request belongs to: the envelope's team, else what Bolt resolved."""
    return body.get("team_id") or (body.get("team") or {}).get("id") or getattr(context, "team_id", None) or ""


def first_delivery(archive, body: dict, team_id: str, channel_id: str, ts: str) -> bool:
    """Record a message event as seen, before any slow work: True only for its first delivery.
    Keyed by event_id (Slack's retries) and by team + channel + ts (the same message arriving as
    both `message` and `app_mention`)."""
    keys = [f"msg:{team_id}:{channel_id}:{ts}"]
    if body.get("event_id"):
        keys.insert(0, f"event:{body['event_id']}")
    return archive.claim_event(*keys)


def is_private_type(channel_type: str | None) -> bool | None:
    """Privacy from an event's `channel_type`: "channel" is public; "group" (a private channel),
    "im" and "mpim" are private; None when the event does not say."""
    if channel_type == "channel":
        return False
    if channel_type in ("group", "im", "mpim"):
        return True
    return None


def channel_scope(client: WebClient, team_id: str, channel_id: str, channel_type: str | None = None) -> Scope:
    """The scope of a channel: private per the event's `channel_type` when given, else per
    `conversations.info`; when Slack does not say (an error, a channel the bot cannot see) the
    channel counts as private, so nothing from it can leak elsewhere."""
    private = is_private_type(channel_type)
    if private is None:
        try:
            info = client.conversations_info(channel=channel_id).get("channel") or {}
            private = bool(info.get("is_private", True) or info.get("is_im") or info.get("is_mpim"))
        except SlackApiError as exc:
            log.info("conversations.info refused for %s (%s): treating it as private", channel_id, api_error(exc))
            private = True
        except OSError as exc:
            log.warning("conversations.info failed for %s (%s): treating it as private", channel_id,
                        exc.__class__.__name__)
            private = True
    return Scope(team_id, channel_id, private)


# ---------------------------------------------------------------- reading
def read_link(url: str, settings: Settings) -> Article:
    """The article at `url`, through the guarded fetcher. Raises BadInput with the reply to give."""
    try:
        page = fetch_url(url, allow_hosts=settings.fetch_allow_hosts)
    except FetchError as exc:
        raise BadInput(f"Couldn't read that link: {exc}.") from None
    try:
        return reader.read_html(page.html, page.final_url, name=page.final_url)
    except BadInput as exc:
        raise BadInput(f"Couldn't read {exc}") from None


def read_pasted(text: str) -> Article:
    """A pasted article (plain text, optionally with the `key: value` header). Raises BadInput."""
    try:
        return reader.read_text(text, "your message")
    except BadInput as exc:
        raise BadInput(f"Couldn't read {exc}") from None


def read_request(request: ArticleRequest, settings: Settings) -> Article:
    return read_link(request.link, settings) if request.link else read_pasted(request.text or "")


def links_note(request: ArticleRequest) -> str | None:
    """Which link was read, when a message held several."""
    if request.link and request.links > 1:
        return f"Your message has {request.links} article links; I read the first one: {request.link}"
    return None


# ---------------------------------------------------------------- answering
def post_in_thread(client: WebClient, channel_id: str, thread_ts: str, text: str,
                   blocks: list[dict] | None = None) -> str | None:
    """Reply in a thread; returns the reply's ts, or None when Slack refused (logged)."""
    try:
        response = client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=text, blocks=blocks,
                                           unfurl_links=False, unfurl_media=False)
    except SlackApiError as exc:
        log.warning("chat.postMessage to %s refused: %s", channel_id, api_error(exc))
        return None
    except OSError as exc:
        log.warning("chat.postMessage to %s failed: %s", channel_id, exc.__class__.__name__)
        return None
    return response.get("ts")


def answer_in_thread(deps: Deps, client: WebClient, *, team_id: str, channel_id: str, channel_type: str | None,
                     ts: str, thread_ts: str, request: ArticleRequest, automatic: bool = False) -> None:
    """The slow half of a channel message or mention: read the article, analyse it against the
    coverage visible in the channel (with the channel's settings), store it (so that later articles
    are compared with it, and a deleted message can forget it) and answer in the thread. For an
    `automatic` answer (a message, not a mention) a linked article shorter than the channel's
    minimum article length is left alone (pasted text was measured by `request_of`)."""
    try:
        article = read_request(request, deps.settings)
        tuning = settingstore.effective(deps.archive, team_id, channel_id)
        if automatic and request.link and article.words < tuning.min_article_words:
            log.info("message %s in %s: the linked article is shorter than the channel's minimum", ts, channel_id)
            return
        scope = channel_scope(client, team_id, channel_id, channel_type)
        report = deps.analyzer.analyze(article, scope, store=True, message_ts=ts, tuning=tuning)
        text, blocks = render_report(report.to_dict(), note=links_note(request))
    except BadInput as exc:
        text, blocks = escape(str(exc)), None
    except Exception:
        log.exception("analysing message %s in %s failed", ts, channel_id)
        text, blocks = SORRY, None
    post_in_thread(client, channel_id, thread_ts, text, blocks)
