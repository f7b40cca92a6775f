"""App Home: `app_home_opened` (the Home tab) publishes the workspace's home view with
`views.publish` — the week's numbers and findings of its public channels, the channels with a
daily digest, and the settings (editable by workspace admins: copydesk.handlers.settings).

The listener only hands the work to the pool; building the view reads SQLite (and asks Slack for
the permalinks of the messages it cites) after Slack was acknowledged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copydesk.bot.app.webapi import api_error
from copydesk.bot.present.home import home_view
from copydesk.storage import insights
from copydesk.storage import settings as settingstore

from .common import team_of

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict, body: dict, context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        team_id = team_of(body, context)
        deps.workers.submit(f"home of {event['user']}", publish_home, deps, client, team_id, event["user"])


def build_home(deps: Deps, client: WebClient | None, team_id: str) -> dict:
    """The home view of a workspace (the same for each of its users)."""
    since = (datetime.now(UTC) - WEEK).isoformat(timespec="seconds")
    week = insights.week_summary(deps.archive, team_id, since)
    permalinks = {}
    for c in week["recent_contradictions"]:
        art = c["article"]
        if art.get("url") or not art.get("channel_id") or not art.get("message_ts") or client is None:
            continue
        try:
            found = client.chat_getPermalink(channel=art["channel_id"], message_ts=art["message_ts"])
            permalinks[(art["channel_id"], art["message_ts"])] = found.get("permalink")
        except (SlackApiError, OSError):
            pass  # the channel and date are shown instead
    return home_view(
        week,
        deps.archive.digest_subscriptions(team_id),
        settingstore.effective(deps.archive, team_id),
        settingstore.channel_overrides(deps.archive, team_id),
        permalinks=permalinks,
        default_zone=deps.settings.tz or "this server's zone",
    )


def publish_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> bool:
    """Publish the workspace's home view for one user; False when Slack refused (logged)."""
    try:
        client.views_publish(user_id=user_id, view=build_home(deps, client, team_id))
    except SlackApiError as exc:
        log.warning("views.publish for %s refused: %s", user_id, api_error(exc))
        return False
    except OSError as exc:
        log.warning("views.publish for %s failed: %s", user_id, exc.__class__.__name__)
        return False
    return True
