"""`app_uninstalled` and `tokens_revoked`: the workspace's installation and data are deleted on
either (they can arrive in either order; deleting twice is harmless). The installation (its
tokens, in OAuth mode) is deleted at once, before Slack is acknowledged; the purge — every
article, sighting, cached analysis, story, setting, digest subscription, seen event and job of the
workspace, and its FTS rows, with no text left in free pages or the WAL (see Archive.purge_team) —
is a job stored before Slack is acknowledged (a crash resumes it), and the digest scheduler drops
the workspace's jobs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext

from copydesk.bot.app import scheduler
from copydesk.storage import installations

from .common import enqueue, team_of

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    deps.workers.handle("purge", lambda job: purge(deps, job.team_id, job.payload.get("why") or "purge"))

    @app.event("app_uninstalled")
    def on_uninstalled(body: dict, context: BoltContext) -> None:
        _purge_later(deps, team_of(body, context), "app_uninstalled", body, context)

    @app.event("tokens_revoked")
    def on_tokens_revoked(body: dict, context: BoltContext) -> None:
        _purge_later(deps, team_of(body, context), "tokens_revoked", body, context)


def _purge_later(deps: Deps, team_id: str, why: str, body: dict, context: BoltContext | None = None) -> None:
    enterprise_id = getattr(context, "enterprise_id", None)
    if team_id or enterprise_id:
        org_wide = bool(getattr(context, "is_enterprise_install", False))
        installations.delete(deps.archive, enterprise_id, team_id, org_wide)
    if team_id:  # a retried delivery (same event_id) is not purged again
        enqueue(deps, "purge", {"why": why}, team_id=team_id, body=body)


def purge(deps: Deps, team_id: str, why: str) -> None:
    removed = deps.archive.purge_team(team_id)
    scheduler.refresh(deps.archive)
    log.info("%s: purged workspace %s (%d article(s))", why, team_id, removed)
