"""`app_uninstalled` and `tokens_revoked`: the workspace's installation and data are deleted on
either (they can arrive in either order; deleting twice is harmless). The installation (its
tokens, in OAuth mode) is deleted at once, before Slack is acknowledged; the purge — every
article, sighting, cached analysis, story, setting and digest subscription of the workspace —
runs in the worker pool after that, and the digest scheduler drops the workspace's jobs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext

from copydesk.bot.app import scheduler
from copydesk.storage import installations

from .common import team_of

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.event("app_uninstalled")
    def on_uninstalled(body: dict, context: BoltContext) -> None:
        _purge_later(deps, team_of(body, context), "app_uninstalled", context)

    @app.event("tokens_revoked")
    def on_tokens_revoked(body: dict, context: BoltContext) -> None:
        _purge_later(deps, team_of(body, context), "tokens_revoked", context)


def _purge_later(deps: Deps, team_id: str, why: str, context: BoltContext | None = None) -> None:
    enterprise_id = getattr(context, "enterprise_id", None)
    if team_id or enterprise_id:
        org_wide = bool(getattr(context, "is_enterprise_install", False))
        installations.delete(deps.archive, enterprise_id, team_id, org_wide)
    if team_id:
        deps.workers.submit(f"purge {team_id} ({why})", purge, deps, team_id, why)


def purge(deps: Deps, team_id: str, why: str) -> None:
    removed = deps.archive.purge_team(team_id)
    scheduler.refresh(deps.archive)
    log.info("%s: purged workspace %s (%d article(s))", why, team_id, removed)
