"""Slash commands: `/compare` and `/digest` (the manifest registers exactly these, see COMMANDS).

    /compare TEXT_OR_URL   one article — pasted text (or a claim) or a link — against the coverage
                           visible in this channel (the workspace's public channels, and this
                           channel if it is private); not stored
    /compare URL1 URL2     two articles side by side: the later one against the earlier one

Both are acknowledged at once with "Working on it…" (or, for empty or unusable input, the usage),
then answered through the command's response_url (`respond`), visible only to the user.
`/digest` is acknowledged at once and handled by copydesk.handlers.digest.handle_digest in a
worker thread. Each command's work is stored as a job before it is acknowledged (see
copydesk.handlers.common.enqueue) and answered at most once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from copydesk.bot.errors import BadInput
from copydesk.bot.language.text import word_count
from copydesk.bot.present.blocks import render_report
from copydesk.bot.present.cite import source_name
from copydesk.bot.present.slacktext import escape, is_article_link, links, plain_text, without_links
from copydesk.storage import settings as settingstore
from copydesk.storage.messages import Messages

from .common import SORRY, channel_scope, cite_sources, enqueue, log_failure, read_link, read_pasted, slim
from .digest import handle_digest

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps
    from copydesk.storage.jobs import Job

log = logging.getLogger(__name__)

COMMANDS = ("/compare", "/digest")
WORKING = "Working on it…"
MIN_COMPARE_WORDS = 5  # pasted text shorter than this is not worth an analysis
MAX_LINK_ONLY_WORDS = 3  # "/compare URL1 and URL2": so few words besides links mean links only
COMPARE_USAGE = (
    "Usage: `/compare TEXT_OR_URL` compares an article — pasted text, a claim, or a link — with the coverage "
    "I've seen here · `/compare URL1 URL2` compares two articles side by side. Only you see the answer."
)


@dataclass(frozen=True)
class CompareJob:
    """What a `/compare` asks for: one or two links, or pasted text."""

    links: tuple[str, ...] = ()
    text: str | None = None


def parse_compare(text: str) -> CompareJob | str:
    """The job a `/compare` text asks for, or the reply explaining why there is none."""
    if not text.strip() or text.strip().lower() in ("help", "-h", "--help"):
        return COMPARE_USAGE
    found = links(text)
    other_words = word_count(plain_text(without_links(text)))
    if found and other_words <= MAX_LINK_ONLY_WORDS:
        if len(found) > 2:
            return f"Give one link (compared with the coverage I've seen) or two (compared with each other), not {len(found)}.\n{COMPARE_USAGE}"
        unreadable = [u for u in found if not is_article_link(u)]
        if unreadable:
            return f"{escape(unreadable[0])} is not a link to a web page I can read.\n{COMPARE_USAGE}"
        return CompareJob(links=tuple(found))
    if other_words < MIN_COMPARE_WORDS:
        return f"That is too short to compare: paste an article or a claim of at least {MIN_COMPARE_WORDS} words, or give a link.\n{COMPARE_USAGE}"
    return CompareJob(text=plain_text(text))


def register(app: App, deps: Deps) -> None:
    @app.command("/compare")
    def on_compare(ack: Any, respond: Respond, command: dict, client: WebClient) -> None:
        job = parse_compare(command.get("text") or "")
        if isinstance(job, str):
            ack(text=job)
            return
        _enqueue_command(deps, "compare", command, {"links": list(job.links), "text": job.text})
        ack(text=WORKING)

    @app.command("/digest")
    def on_digest(ack: Any, respond: Respond, command: dict, context: BoltContext) -> None:
        _enqueue_command(deps, "digest", command)
        ack()

    client_for = deps.client_for

    def compare_job(job: Job) -> None:
        links, text = tuple(job.payload["links"]), job.payload["text"]
        command_job(
            job,
            lambda respond: run_compare(
                deps, client_for(job.team_id), respond, job.payload["command"], CompareJob(links, text)
            ),
        )

    def digest_job(job: Job) -> None:
        command_job(job, lambda respond: handle_digest(_acknowledged, respond, job.payload["command"], deps))

    deps.workers.handle("compare", compare_job)
    deps.workers.handle("digest", digest_job)


COMMAND_FIELDS = ("command", "team_id", "channel_id", "user_id", "text", "response_url")  # what a job keeps


def _enqueue_command(deps: Deps, kind: str, command: dict, extra: dict | None = None) -> None:
    """Store a command's job before it is acknowledged (an error here fails the request: Slack
    shows the user that the command failed, nothing is half done)."""
    kept = {k: command.get(k) for k in COMMAND_FIELDS}
    enqueue(
        deps,
        kind,
        {"command": kept, **(extra or {})},
        team_id=command.get("team_id") or "",
        channel_id=command.get("channel_id") or "",
    )


class _RespondOnce:
    """A command job's `respond`: records that the answer is being sent before sending it, and
    finishes the job after (a response URL cannot be asked whether it was answered, so a job
    resumed after that point is not answered again)."""

    def __init__(self, job: Job, respond: Respond) -> None:
        self.job, self.respond = job, respond

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.job.prepare_reply({"response_url": True}):
            return None  # the workspace was purged meanwhile
        try:
            return self.respond(*args, **kwargs)
        finally:
            self.job.finish()


def command_job(job: Job, run: Any) -> None:
    """Run a command's job with a `respond` bound to its response URL, answering at most once."""
    if job.reply is not None:
        job.finish(None, "an earlier attempt was answering: not answered again")
        return
    run(_RespondOnce(job, Respond(response_url=job.payload["command"].get("response_url"))))


def _acknowledged(*args: Any, **kwargs: Any) -> None:
    """The `ack` handed to work that runs after the command was acknowledged: nothing left to do."""


def run_compare(deps: Deps, client: WebClient, respond: Respond, command: dict, job: CompareJob) -> None:
    team_id, channel_id = command.get("team_id") or "", command.get("channel_id") or ""
    try:
        title = None
        if len(job.links) == 2:
            first, second = (read_link(url, deps.settings) for url in job.links)
            result = deps.analyzer.compare(first, second)  # the later one against the earlier one
            earlier = first if result.article is second else second
            title = f"{source_name(result.article.source())} compared with {source_name(earlier.source())}"
            report = result.to_dict()
        else:
            article = read_link(job.links[0], deps.settings) if job.links else read_pasted(job.text or "")
            scope = channel_scope(client, team_id, channel_id)
            tuning = settingstore.effective(deps.archive, scope.team_id, scope.channel_id)
            report = cite_sources(deps, client, deps.analyzer.analyze(article, scope, tuning=tuning).to_dict(), scope)
        key = Messages(deps.archive).save_reply_report(team_id, channel_id, slim(report, title))
        text, blocks = render_report(report, title=title, full_report=key)
    except BadInput as exc:
        text, blocks = escape(str(exc)), None
    except Exception as exc:
        log_failure(f"/compare in {channel_id}", exc)
        text, blocks = SORRY, None
    try:
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    except Exception as exc:  # an expired response_url, or Slack unreachable: nobody to tell but the log
        log.warning("/compare answer could not be delivered: %s", exc.__class__.__name__)
