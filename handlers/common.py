"""What the Slack listeners share: a channel's privacy, reading the article a message or command
points at, handing slow work to the durable job queue, and answering in a message's thread.

How a listener hands over work: `enqueue` stores a job (kind + JSON payload) in SQLite before the
listener returns (and so before Slack is acknowledged); for a message it records the event as seen
in the same transaction, so a redelivery or the `app_mention` twin finds it seen, and a crash after
the acknowledgement leaves the job to be resumed. The job's handler (registered with
`deps.workers.handle`) runs in a worker thread.

Everything here except `team_of`, `is_private_type`, `delivery_keys`, `first_delivery` and
`enqueue` runs in a worker thread, after Slack was acknowledged: it may call Slack's Web API,
fetch a link (up to 15 s) or run an analysis (about a second for a long article).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copydesk.bot.app.webapi import api_error
from copydesk.bot.app.workers import MAX_ATTEMPTS
from copydesk.bot.errors import BadInput
from copydesk.bot.model import Article, Scope
from copydesk.bot.present.blocks import heading, render_report
from copydesk.bot.present.slacktext import MIN_PASTED_WORDS, ArticleRequest, escape
from copydesk.bot.reading import reader
from copydesk.bot.settings import Settings
from copydesk.storage import settings as settingstore
from copydesk.storage.messages import Messages

if TYPE_CHECKING:
    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.app.workers import Workers
    from copydesk.storage.archive import Archive
    from copydesk.storage.jobs import Job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    """What the listeners share: one of each per process (built by the app factory)."""

    settings: Settings
    archive: Archive
    analyzer: Analyzer
    workers: Workers
    # the Web API client a job of a workspace posts with (jobs run after their request: in OAuth
    # mode each workspace's own bot token; with one bot token, the app's client)
    client_for: Callable[[str], WebClient]


SORRY = "Sorry, something went wrong while analysing this. Please try again in a minute."
HINT = (
    f"Paste an article (at least {MIN_PASTED_WORDS} words) or share a link to one, and I'll tell you "
    "in its thread what is new, copied, contradicted or corroborated compared with the coverage I've seen "
    "here. `/compare` does the same, visible only to you."
)


# ---------------------------------------------------------------- where a request comes from
def team_of(body: dict, context: Any) -> str:
    """The workspace a request belongs to: the envelope's team, else what Bolt resolved."""
    return body.get("team_id") or (body.get("team") or {}).get("id") or getattr(context, "team_id", None) or ""


def delivery_keys(body: dict, team_id: str, channel_id: str, ts: str) -> list[str]:
    """What identifies a message's delivery: event_id (Slack's retries) and team + channel + ts
    (the same message arriving as both `message` and `app_mention`)."""
    keys = [f"msg:{team_id}:{channel_id}:{ts}"]
    if body.get("event_id"):
        keys.insert(0, f"event:{body['event_id']}")
    return keys


def first_delivery(archive, body: dict, team_id: str, channel_id: str, ts: str) -> bool:
    """Record a message event as seen, before any slow work: True only for its first delivery.
    (A listener that hands work over uses `enqueue`, which records it with the job.)"""
    return archive.claim_event(*delivery_keys(body, team_id, channel_id, ts), team_id=team_id)


def enqueue(
    deps: Deps,
    kind: str,
    payload: dict,
    *,
    team_id: str,
    channel_id: str = "",
    message_ts: str | None = None,
    body: dict | None = None,
) -> bool:
    """Store a job of `kind` for the worker threads, durably, before the listener returns. With
    the event's `body` the event is recorded as seen in the same transaction (by event_id, and
    for a message, `message_ts`, by team + channel + ts): False, and nothing stored, when it was
    seen before."""
    queue = deps.workers.queue
    if queue is None:
        raise RuntimeError("the workers have no job queue (Workers.serve was not called)")
    keys: list[str] = []
    if body is not None and message_ts:
        keys = delivery_keys(body, team_id, channel_id, message_ts)
    elif body is not None and body.get("event_id"):
        keys = [f"event:{body['event_id']}"]
    if (
        queue.enqueue(kind, payload, team_id=team_id, channel_id=channel_id, message_ts=message_ts, seen_keys=keys)
        is None
    ):
        return False
    deps.workers.notify()
    return True


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
            log.warning(
                "conversations.info failed for %s (%s): treating it as private", channel_id, exc.__class__.__name__
            )
            private = True
    return Scope(team_id, channel_id, private)


# ---------------------------------------------------------------- reading
def read_link(url: str, settings: Settings) -> Article:
    """The article at `url`, through the guarded fetcher. Raises BadInput with the reply to give."""
    try:
        return reader.read_url(url, allow_hosts=settings.fetch_allow_hosts, min_words=settings.min_words)
    except reader.LinkError as exc:
        raise BadInput(f"Couldn't read that link: {exc.reason}.") from None
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
REPLY_EVENT = "copydesk_reply"  # message metadata of a thread reply: which message it answers


def post_in_thread(
    client: WebClient,
    channel_id: str,
    thread_ts: str,
    text: str,
    blocks: list[dict] | None = None,
    *,
    answers: str | None = None,
) -> str | None:
    """Reply in a thread; returns the reply's ts, or None when Slack refused (logged). `answers`:
    the ts of the message answered, carried in the reply's metadata (see `find_reply`)."""
    metadata = {"event_type": REPLY_EVENT, "event_payload": {"message_ts": answers}} if answers else None
    try:
        response = client.chat_postMessage(
            channel=channel_id,
            thread_ts=thread_ts,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            unfurl_media=False,
            metadata=metadata,
        )
    except SlackApiError as exc:
        log.warning("chat.postMessage to %s refused: %s", channel_id, api_error(exc))
        return None
    except OSError as exc:
        log.warning("chat.postMessage to %s failed: %s", channel_id, exc.__class__.__name__)
        return None
    return response.get("ts")


def log_failure(what: str, exc: BaseException) -> None:
    """Log a failed job by ids and the exception's type and stack, never its message (which may
    quote the article: a private channel's text must not reach the logs)."""
    import traceback

    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s failed: %s\n%s", what, exc.__class__.__name__, stack.rstrip())


# ---------------------------------------------------------------- citing earlier coverage
def _sources(report: dict) -> list[dict]:
    """Every SOURCE object of a report (the dicts themselves, to be completed in place)."""
    found = [report["seen_before"]] if report.get("seen_before") else []
    for key in ("copied", "shared_quotes"):
        found += [item["source"] for item in report.get(key) or [] if item.get("source")]
    for c in report.get("contradictions") or []:
        found += [s for s in [c.get("source"), *(c.get("sources") or [])] if s]
    for c in report.get("corroborated") or []:
        found += [s for s in c.get("sources") or [] if s]
    return found


def permalink(deps: Deps, client: WebClient, team_id: str, shared: dict) -> str | None:
    """The link to a Slack message (`chat.getPermalink`, asked once and kept in the archive)."""
    if shared.get("permalink"):
        return shared["permalink"]
    try:
        link = client.chat_getPermalink(channel=shared["channel_id"], message_ts=shared["message_ts"]).get("permalink")
    except SlackApiError as exc:
        log.info(
            "chat.getPermalink refused for %s in %s: %s", shared["message_ts"], shared["channel_id"], api_error(exc)
        )
        return None
    except OSError as exc:
        log.warning(
            "chat.getPermalink failed for %s in %s: %s",
            shared["message_ts"],
            shared["channel_id"],
            exc.__class__.__name__,
        )
        return None
    if link:
        Messages(deps.archive).set_permalink(team_id, shared["channel_id"], shared["message_ts"], link)
    return link


def cite_sources(deps: Deps, client: WebClient, report: dict, scope: Scope, *, message_ts: str | None = None) -> dict:
    """Complete a report's sources for a Slack reply, in place: each archived source gets `shared`,
    the earliest message visible in `scope` that shared it (channel, who, when, and its permalink
    when the source has no URL of its own, or is the article seen before). `message_ts` is the
    message being answered: never cited as where its own article was seen before, so an article
    whose only sighting is that message is not "seen before"."""
    sources = _sources(report)
    ids = {int(s["article_id"]) for s in sources if str(s.get("article_id") or "").isdigit()}
    first = Messages(deps.archive).first_shared(ids, scope, besides=message_ts)
    seen = report.get("seen_before")
    if seen and message_ts and int(seen["article_id"]) not in first:
        own = Messages(deps.archive).first_shared([int(seen["article_id"])], scope).get(int(seen["article_id"]))
        if own and (own["channel_id"], own["message_ts"]) == (scope.channel_id, message_ts):
            report["seen_before"] = seen = None  # shared by this very message only (checked again)
    for src in sources:
        shared = first.get(int(src.get("article_id") or 0)) if str(src.get("article_id") or "").isdigit() else None
        if shared is None:
            continue
        if not src.get("url") or src is seen:
            shared["permalink"] = permalink(deps, client, scope.team_id, shared)
        src["shared"] = {k: shared[k] for k in ("channel_id", "user_id", "at", "permalink")}
    return report


def slim(report: dict, title: str | None = None) -> dict:
    """What the Full report needs of a report: not the article's whole text, but the heading the
    reply showed (`title`)."""
    return {**{k: v for k, v in report.items() if k != "text"}, "title": heading(report, title)}


def find_reply(client: WebClient, channel_id: str, thread_ts: str, message_ts: str) -> str | None:
    """The ts of Copydesk's reply to message `message_ts` in thread `thread_ts`, "" when the
    thread has none, None when Slack cannot tell (an error)."""
    cursor = None
    try:
        for _ in range(20):
            response = client.conversations_replies(
                channel=channel_id,
                ts=thread_ts,
                oldest=message_ts,
                inclusive=True,
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
            for msg in response.get("messages") or []:
                meta = msg.get("metadata") or {}
                if (
                    meta.get("event_type") == REPLY_EVENT
                    and (meta.get("event_payload") or {}).get("message_ts") == message_ts
                ):
                    return msg.get("ts") or ""
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                return ""
    except SlackApiError as exc:
        log.warning("conversations.replies in %s refused: %s", channel_id, api_error(exc))
    except OSError as exc:
        log.warning("conversations.replies in %s failed: %s", channel_id, exc.__class__.__name__)
    return None


def reply_once(
    deps: Deps,
    client: WebClient,
    job: Job,
    channel_id: str,
    thread_ts: str,
    text: str,
    blocks: list[dict] | None = None,
) -> str | None:
    """Post a job's reply in a thread at most once: the reply is recorded in the job before it
    is posted, and the job is finished with the reply's ts right after. A job purged meanwhile
    (its workspace uninstalled) posts nothing and forgets what it stored."""
    if not job.prepare_reply({"text": text, "blocks": blocks}):
        deps.workers.queue.undo_attempt(job)
        return None
    ts = post_in_thread(client, channel_id, thread_ts, text, blocks, answers=job.message_ts)
    job.finish(ts, None if ts else "Slack refused the reply")
    return ts


def resume_reply(deps: Deps, client: WebClient, job: Job, channel_id: str, thread_ts: str) -> bool:
    """For a job resumed after an attempt that was posting its reply (and may have posted it):
    finish it when the reply is in the thread (or Slack cannot tell: never post twice), else post
    the recorded reply. True when the job was handled so."""
    if job.reply is None:
        return False
    found = find_reply(client, channel_id, thread_ts, job.message_ts or thread_ts)
    if found:
        job.finish(found, "the reply was already in the thread")
    elif found is None:
        job.finish(None, "could not tell whether the reply was posted: not posted again")
    else:
        reply_once(deps, client, job, channel_id, thread_ts, job.reply.get("text") or SORRY, job.reply.get("blocks"))
    return True


def answer_in_thread(
    deps: Deps,
    client: WebClient,
    *,
    team_id: str,
    channel_id: str,
    channel_type: str | None,
    ts: str,
    thread_ts: str,
    request: ArticleRequest,
    user_id: str | None = None,
    automatic: bool = False,
    job: Job | None = None,
) -> str | None:
    """The slow half of a channel message, mention or "Check coverage" shortcut: read the article,
    analyse it against the coverage visible in the channel (with the channel's settings), store it
    (so that later articles are compared with it, and a deleted message can forget it) and answer
    in the thread, citing earlier coverage by links a reader can open, with the Full report button.
    For an `automatic` answer (a message, not a mention) a linked article shorter than the
    channel's minimum article length is left alone (pasted text was measured by `request_of`).
    With the `job` it runs for, the reply is posted at most once (`reply_once`); a resumed job
    first undoes what an unfinished attempt stored, and one that was tried too often answers with
    an apology. Returns the reply's ts, or None when Slack refused it or nothing was posted."""
    if job is not None and resume_reply(deps, client, job, channel_id, thread_ts):
        return None
    if job is not None and job.attempts > 1:
        deps.workers.queue.undo_attempt(job)
    messages = Messages(deps.archive)
    try:
        if job is not None and job.attempts > MAX_ATTEMPTS:
            raise RuntimeError(f"given up after {job.attempts - 1} attempts")
        article = read_request(request, deps.settings)
        tuning = settingstore.effective(deps.archive, team_id, channel_id)
        if automatic and request.link and article.words < tuning.min_article_words:
            log.info("message %s in %s: the linked article is shorter than the channel's minimum", ts, channel_id)
            if job is not None:
                job.finish(None, "the linked article is shorter than the channel's minimum: not answered")
            return None
        scope = channel_scope(client, team_id, channel_id, channel_type)
        messages.record(team_id, channel_id, ts, user_id)
        analysed = deps.analyzer.analyze(article, scope, store=True, message_ts=ts, tuning=tuning)
        report = cite_sources(deps, client, analysed.to_dict(), scope, message_ts=ts)
        key = messages.save_reply_report(team_id, channel_id, slim(report), message_ts=ts)
        text, blocks = render_report(report, note=links_note(request), full_report=key)
        log.info(
            "message %s in %s: article %s analysed (%d earlier, seen before: %s)",
            ts,
            channel_id,
            report["article"]["id"],
            report.get("compared_with", 0),
            (report.get("seen_before") or {}).get("article_id"),
        )
    except BadInput as exc:
        text, blocks = escape(str(exc)), None
    except Exception as exc:
        log_failure(f"analysing message {ts} in {channel_id}", exc)
        text, blocks = SORRY, None
    if job is None:
        return post_in_thread(client, channel_id, thread_ts, text, blocks, answers=ts)
    return reply_once(deps, client, job, channel_id, thread_ts, text, blocks)


# ---------------------------------------------------------------- jobs of messages and mentions
def answer_payload(
    *,
    channel_type: str | None,
    ts: str,
    thread_ts: str,
    request: ArticleRequest,
    user_id: str | None = None,
    automatic: bool = False,
) -> dict:
    """The payload of an "answer" job (see `run_answer`): `user_id` shared the message (cited
    later), `automatic` when it is a plain message rather than a mention."""
    return {
        "channel_type": channel_type,
        "thread_ts": thread_ts,
        "user_id": user_id,
        "automatic": automatic,
        "request": {"text": request.text, "link": request.link, "links": request.links},
    }


def run_answer(deps: Deps, client: WebClient, job: Job) -> None:
    """An "answer" job: a message or mention with an article, answered in its thread."""
    p = job.payload
    answer_in_thread(
        deps,
        client,
        team_id=job.team_id,
        channel_id=job.channel_id,
        channel_type=p.get("channel_type"),
        ts=job.message_ts or "",
        thread_ts=p["thread_ts"],
        request=ArticleRequest(**p["request"]),
        user_id=p.get("user_id"),
        automatic=bool(p.get("automatic")),
        job=job,
    )


def run_hint(deps: Deps, client: WebClient, job: Job) -> None:
    """A "hint" job: a mention without an article gets the hint (or the payload's `text`, such as
    the note of a channel where Copydesk does not answer) in its thread."""
    thread_ts = job.payload["thread_ts"]
    if not resume_reply(deps, client, job, job.channel_id, thread_ts):
        reply_once(deps, client, job, job.channel_id, thread_ts, job.payload.get("text") or HINT)


def register_jobs(deps: Deps, client_for: Callable[[str], WebClient]) -> None:
    deps.workers.handle("answer", lambda job: run_answer(deps, client_for(job.team_id), job))
    deps.workers.handle("hint", lambda job: run_hint(deps, client_for(job.team_id), job))
