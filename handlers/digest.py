"""The `/digest` slash command.

    /digest                                   today's digest of this channel, shown only to you
    /digest subscribe [HH:MM] [Zone/Name] [quiet]
                                              post it here every day at that time (default
                                              COPYDESK_DIGEST_TIME, in COPYDESK_TZ or the zone given);
                                              `quiet`: post nothing on a day without articles
    /digest quiet on|off                      the same switch for an existing subscription
    /digest unsubscribe                       stop this channel's daily digest
    /digest list                              this workspace's daily digests

The listener acknowledges at once; the work (a digest can take seconds) follows, answered through
`respond` (the command's response_url), visible only to the user who asked. The archive, analyzer
and settings come from the listeners' Deps, as every listener's do.
"""

from __future__ import annotations

import logging

from copydesk.bot.analysis import digest as digestmod
from copydesk.bot.app import scheduler as schedulermod
from copydesk.bot.errors import BadInput
from copydesk.bot.model import Scope
from copydesk.bot.present.digest import slack_message

log = logging.getLogger(__name__)

USAGE = (
    "Usage: `/digest` (today's digest, only for you) · `/digest subscribe HH:MM [Zone/Name] [quiet]` · "
    "`/digest quiet on|off` · `/digest unsubscribe` · `/digest list`"
)


def handle_digest(ack, respond, command, deps) -> None:
    """`/digest …` for the command's channel; `deps` is the listeners' Deps (its archive, analyzer
    and settings are used)."""
    ack()
    archive, analyzer, settings = deps.archive, deps.analyzer, deps.settings
    team_id, channel_id = command.get("team_id") or "", command.get("channel_id") or ""
    words = (command.get("text") or "").split()
    verb, args = (words[0].lower(), words[1:]) if words else ("", [])
    try:
        if verb == "":
            sub = archive.digest_subscription(team_id, channel_id)
            zone = digestmod.resolve_zone((sub or {}).get("tz") or settings.tz)
            result = digestmod.build_digest(archive, analyzer, Scope(team_id, channel_id), digestmod.today(zone), zone)
            text, blocks = slack_message(result)
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            return
        if verb == "subscribe":
            message = _subscribe(archive, settings, team_id, channel_id, command.get("user_id"), args)
        elif verb == "unsubscribe" and not args:
            removed = archive.unsubscribe_digest(team_id, channel_id)
            schedulermod.refresh(archive)
            message = "This channel's daily digest is cancelled." if removed else "This channel has no daily digest."
        elif verb == "quiet" and len(args) == 1 and args[0].lower() in ("on", "off"):
            quiet = args[0].lower() == "on"
            if archive.set_digest_quiet(team_id, channel_id, quiet):
                message = (
                    "On a day without articles the daily digest now posts nothing."
                    if quiet
                    else "On a day without articles the daily digest now posts a one-line note."
                )
            else:
                message = "This channel has no daily digest: subscribe first with `/digest subscribe HH:MM`."
        elif verb == "list" and not args:
            message = _list(archive, settings, team_id)
        else:
            message = USAGE
    except BadInput as exc:
        message = f"{exc}\n{USAGE}"
    respond(text=message, response_type="ephemeral", replace_original=False)


def _subscribe(archive, settings, team_id: str, channel_id: str, user_id: str | None, args: list[str]) -> str:
    time_, zone_name, quiet = settings.digest_time, None, False
    for arg in args:
        if arg.lower() == "quiet":
            quiet = True
        elif ":" in arg:
            time_ = arg
        else:
            zone_name = arg
    time_ = schedulermod.parse_time(time_)
    zone = digestmod.resolve_zone(zone_name or settings.tz)  # validates a given name
    archive.subscribe_digest(team_id, channel_id, time_, zone_name, quiet, user_id)
    schedulermod.refresh(archive)
    empty = "posts nothing" if quiet else "posts a one-line note"
    return (
        f"This channel's coverage digest will be posted every day at {time_} ({digestmod.zone_name(zone)}). "
        f"On a day without articles it {empty} (`/digest quiet on|off` to change)."
    )


def _list(archive, settings, team_id: str) -> str:
    subs = archive.digest_subscriptions(team_id)
    if not subs:
        return "No channel in this workspace has a daily digest."
    lines = ["Daily digests in this workspace:"]
    for sub in subs:
        zone = sub["tz"] or (settings.tz or "this server's zone")
        lines.append(f"• <#{sub['channel_id']}> at {sub['time']} ({zone})" + (", quiet" if sub["quiet"] else ""))
    return "\n".join(lines)
