"""The **Full report** button of a reply (`block_actions`, action FULL_REPORT_ACTION): the modal
holding the whole report, opened with `views.open` and the click's `trigger_id` — in the
listener itself, before the acknowledgement, since a trigger_id lives only 3 seconds. The report
is read from the archive (storage/messages.py) by the key the button carries, only for the
workspace and channel where the reply was posted."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copydesk.bot.app.webapi import api_error
from copydesk.bot.present.blocks import FULL_REPORT_ACTION, render_modal
from copydesk.storage.messages import Messages

from .common import team_of

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.action(FULL_REPORT_ACTION)
    def on_full_report(ack: Any, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        open_full_report(deps, body, client, team_of(body, context))


def channel_of(body: dict) -> str:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""


def open_full_report(deps: Deps, body: dict, client: WebClient, team_id: str) -> None:
    action = (body.get("actions") or [{}])[0]
    channel_id = channel_of(body)
    report = Messages(deps.archive).reply_report(str(action.get("value") or ""), team_id, channel_id)
    view = render_modal(report, title=(report or {}).get("title"))
    try:
        client.views_open(trigger_id=body.get("trigger_id") or "", view=view)
    except SlackApiError as exc:
        log.warning("views.open for a full report in %s refused: %s", channel_id, api_error(exc))
    except OSError as exc:
        log.warning("views.open for a full report in %s failed: %s", channel_id, exc.__class__.__name__)
