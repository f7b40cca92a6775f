"""Per-workspace settings in Slack: `/copydesk settings` and the settings modal of App Home.

    /copydesk settings   the settings in force in this channel, and where each comes from
                         (Copydesk's default, the workspace's, the channel's own); only you see it

App Home's Edit buttons open the settings modal (`views.open`) for the workspace, a listed
channel, or a channel to pick — for workspace admins and owners only (`users.info`: is_admin,
is_owner, is_primary_owner); anyone else gets a modal saying so. The submission is checked again
(admin, and every value in range) before it is saved; then the home tab is published anew.

The listeners read the settings in force in a channel with copydesk.storage.settings.effective.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copydesk.bot.app.webapi import api_error
from copydesk.bot.errors import BadInput
from copydesk.bot.model import SETTING, SETTINGS
from copydesk.bot.present.home import (
    CHANNEL_BLOCK,
    EDIT_ACTION,
    PICK,
    SETTINGS_CALLBACK,
    refusal_modal,
    settings_modal,
    settings_text,
)
from copydesk.storage import settings as settingstore

from .common import team_of

if TYPE_CHECKING:
    from copydesk.handlers.common import Deps

log = logging.getLogger(__name__)

COMMAND = "/copydesk"
USAGE = (
    "Usage: `/copydesk settings` shows Copydesk's settings in this channel (only you see them). "
    "Workspace admins change them in Copydesk's App Home."
)
NOT_ADMIN = "Only workspace admins and owners can change Copydesk's settings."


def is_admin(client: WebClient, user_id: str) -> bool:
    """Whether a user is an admin or owner of the workspace (users.info); False when Slack does not say."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        log.info("users.info refused for %s (%s): not treated as an admin", user_id, api_error(exc))
        return False
    except OSError as exc:
        log.warning("users.info failed for %s (%s): not treated as an admin", user_id, exc.__class__.__name__)
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def on_copydesk(ack: Ack, command: dict) -> None:
        words = (command.get("text") or "").split()
        if words[:1] != ["settings"] or len(words) > 1:
            ack(text=USAGE)
            return
        team_id, channel_id = command.get("team_id") or "", command.get("channel_id") or ""
        ack(
            text=settings_text(
                channel_id,
                settingstore.effective(deps.archive, team_id, channel_id),
                settingstore.origins(deps.archive, team_id, channel_id),
            )
        )

    @app.action(EDIT_ACTION)
    def on_edit(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        user_id = (body.get("user") or {}).get("id") or ""
        trigger = body.get("trigger_id")
        if not is_admin(client, user_id):
            view = refusal_modal()
        else:
            team_id, target = team_of(body, context), action.get("value") or ""
            workspace = settingstore.effective(deps.archive, team_id)
            if target and target != PICK:
                view = settings_modal(team_id, target, settingstore.row(deps.archive, team_id, target), workspace)
            elif target == PICK:
                view = settings_modal(team_id, PICK, {}, workspace)
            else:
                view = settings_modal(team_id, "", settingstore.row(deps.archive, team_id))
        try:
            client.views_open(trigger_id=trigger, view=view)
        except SlackApiError as exc:
            log.warning("views.open refused: %s", api_error(exc))
        except OSError as exc:
            log.warning("views.open failed: %s", exc.__class__.__name__)

    @app.view(SETTINGS_CALLBACK)
    def on_submit(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
        user_id = (body.get("user") or {}).get("id") or ""
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            meta = {}
        team_id = team_of(body, context) or meta.get("team") or ""
        values = (view.get("state") or {}).get("values") or {}
        if not is_admin(client, user_id):
            ack(response_action="errors", errors={SETTINGS[0].name: NOT_ADMIN})
            return
        target = meta.get("target") or ""
        if target == PICK:
            target = ((values.get(CHANNEL_BLOCK) or {}).get("value") or {}).get("selected_conversation") or ""
            if not target:
                ack(response_action="errors", errors={CHANNEL_BLOCK: "Pick the channel these settings are for."})
                return
        parsed, errors = parse_submission(values)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        settingstore.save(deps.archive, team_id, target, parsed, user_id)
        ack()
        log.info("settings of %s/%s changed by %s", team_id, target or "workspace", user_id)
        from .home import publish_home

        deps.workers.submit(f"home of {user_id}", publish_home, deps, client, team_id, user_id)


def parse_submission(values: dict) -> tuple[dict, dict]:
    """The settings a modal submission gives ({name: value or None to inherit}) and the errors
    ({block id: message}) of the fields that are out of range."""
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for s in SETTINGS:
        field = (values.get(s.name) or {}).get("value") or {}
        raw = (field.get("selected_option") or {}).get("value") if s.name == "answer_mode" else field.get("value")
        if raw is None or str(raw).strip() == "":
            parsed[s.name] = None
            continue
        try:
            parsed[s.name] = SETTING[s.name].parse(raw)
        except BadInput as exc:
            errors[s.name] = str(exc)[:150]
    return parsed, errors
