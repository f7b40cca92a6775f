"""App Home and the settings views in Block Kit: the home tab (`views.publish`), the settings
modal (`views.open`) and its refusal, and the text of `/copydesk settings`. Every view stays
within MODAL_BLOCKS (100) blocks."""

from __future__ import annotations

import json

from copydesk.bot.model import ANSWER_MODES, SETTING, SETTINGS, ChannelSettings

from .limits import MODAL_BLOCKS, SECTION_CHARS, clip
from .slacktext import escape, link

EDIT_ACTION = "copydesk_edit_settings"  # a button: value "" (the workspace), a channel id, or PICK
PICK = "pick"  # the button that asks which channel
SETTINGS_CALLBACK = "copydesk_settings"  # the modal's view_submission
CHANNEL_BLOCK = "channel"
MAX_OVERRIDES = 20  # channel overrides listed on the home tab (each a section with a button)
MODES = {"all": "every article", "mention": "only when mentioned", "never": "never"}


def _section(text: str, accessory: dict | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_CHARS]}}
    if accessory:
        block["accessory"] = accessory
    return block


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def _button(text: str, value: str, action_id: str = EDIT_ACTION, style: str | None = None) -> dict:
    button = {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def _value(name: str, value: object) -> str:
    shown = SETTING[name].show(value)
    return f"{shown} ({MODES[value]})" if name == "answer_mode" else shown


def settings_lines(values: ChannelSettings | dict, origins: dict[str, str] | None = None) -> list[str]:
    """One line per setting: its label, value and (given `origins`) where the value comes from."""
    get = values.get if isinstance(values, dict) else (lambda n: getattr(values, n))
    lines = []
    for s in SETTINGS:
        if isinstance(values, dict) and s.name not in values:
            continue
        origin = f" _({origins[s.name]})_" if origins else ""
        lines.append(f"• *{s.label}*: {_value(s.name, get(s.name))}{origin}")
    return lines


def settings_text(channel_id: str, values: ChannelSettings, origins: dict[str, str]) -> str:
    """The answer to `/copydesk settings`: the channel's effective settings and where each comes from."""
    return "\n".join(
        [
            f"Copydesk's settings in <#{channel_id}>:",
            *settings_lines(values, origins),
            "_default_: Copydesk's own · _workspace_: set for the whole workspace · _channel_: set for "
            "this channel. Workspace admins change them in Copydesk's App Home.",
        ]
    )


# ---------------------------------------------------------------- the home tab
def _source_link(src: dict | None) -> str:
    src = src or {}
    return link(src.get("url"), src.get("outlet") or src.get("title") or "an earlier article")


def _article_link(article: dict, permalink: str | None) -> str:
    label = article.get("outlet") or article.get("title") or "an article"
    if article.get("url"):
        return link(article["url"], label)
    if permalink:
        return link(permalink, label) + (f" in <#{article['channel_id']}>" if article.get("channel_id") else "")
    return f"{escape(label)} in <#{article['channel_id']}>" if article.get("channel_id") else escape(label)


def home_view(
    week: dict,
    digests: list[dict],
    workspace: ChannelSettings,
    overrides: dict[str, dict],
    *,
    permalinks: dict | None = None,
    default_zone: str = "this server's zone",
) -> dict:
    """The home tab: the week's numbers and findings, the daily digests, the settings."""
    permalinks = permalinks or {}
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Copydesk this week"}},
        _section(
            f"*{week['articles']}* article{'s' if week['articles'] != 1 else ''} · *{week['stories']}* "
            f"stor{'ies' if week['stories'] != 1 else 'y'} · *{week['copied_passages']}* copied "
            f"passage{'s' if week['copied_passages'] != 1 else ''} · *{week['contradictions']}* "
            f"contradiction{'s' if week['contradictions'] != 1 else ''}"
        ),
        _context("Articles shared in this workspace's public channels in the last 7 days."),
    ]
    if week["most_copied"]:
        lines = [
            f"• {link(e['url'], e['name'])}: {e['passages']} passage{'s' if e['passages'] != 1 else ''} "
            f"in {e['articles']} article{'s' if e['articles'] != 1 else ''}"
            for e in week["most_copied"]
        ]
        blocks.append(_section("*Most copied sources*\n" + "\n".join(lines)))
    if week["recent_contradictions"]:
        blocks.append(_section("*Recent contradictions*"))
        for c in week["recent_contradictions"]:
            art = c["article"]
            where = _article_link(art, permalinks.get((art.get("channel_id"), art.get("message_ts"))))
            blocks.append(
                _section(
                    f"{where}: “{escape(clip(c['text'] or '', 300))}” — "
                    f"{escape(clip(c.get('explanation') or '', 400))} (vs {_source_link(c.get('source'))})"
                )
            )
    blocks.append({"type": "divider"})
    if digests:
        lines = [
            f"• <#{d['channel_id']}> at {d['time']} ({escape(d['tz'] or default_zone)})"
            + (", quiet" if d.get("quiet") else "")
            for d in digests[:40]
        ]
        if len(digests) > 40:
            lines.append(f"…and {len(digests) - 40} more")
        blocks.append(_section("*Daily digests*\n" + "\n".join(lines)))
    else:
        blocks.append(
            _section("*Daily digests*\nNo channel has one: `/digest subscribe HH:MM` in a channel sets it up.")
        )
    blocks.append({"type": "divider"})
    blocks.append(
        _section(
            "*Settings of this workspace*\n" + "\n".join(settings_lines(workspace)),
            _button("Edit", "", style="primary"),
        )
    )
    shown = list(overrides.items())[:MAX_OVERRIDES]
    for channel_id, values in shown:
        blocks.append(_section(f"*<#{channel_id}>*\n" + "\n".join(settings_lines(values)), _button("Edit", channel_id)))
    if len(overrides) > MAX_OVERRIDES:
        blocks.append(
            _context(
                f"…and {len(overrides) - MAX_OVERRIDES} more channels with their own settings "
                "(`/copydesk settings` in a channel shows its own)."
            )
        )
    blocks.append({"type": "actions", "elements": [_button("Set a channel's settings", PICK)]})
    blocks.append(
        _context(
            "Only workspace admins and owners can change the settings. A channel's settings override "
            "the workspace's; `/copydesk settings` shows those in force in a channel."
        )
    )
    assert len(blocks) <= MODAL_BLOCKS
    return {"type": "home", "blocks": blocks}


# ---------------------------------------------------------------- the settings modal
def settings_modal(team_id: str, target: str, values: dict, inherited: ChannelSettings | None = None) -> dict:
    """The modal editing a workspace's settings (`target` ""), a channel's (a channel id), or a
    channel's to be picked (PICK). `values`: what is set now; a blank field inherits (`inherited`
    shows what it would be: the workspace's value for a channel, else the default)."""
    inherited = inherited or ChannelSettings()
    blocks: list[dict] = []
    if target == PICK:
        blocks.append(
            {
                "type": "input",
                "block_id": CHANNEL_BLOCK,
                "label": {"type": "plain_text", "text": "Channel"},
                "element": {
                    "type": "conversations_select",
                    "action_id": "value",
                    "filter": {"include": ["public", "private"], "exclude_bot_users": True},
                },
            }
        )
    if target:
        where = "the channel" if target == PICK else f"<#{target}>"
        blocks.append(_section(f"Settings of {where}. A blank field uses the workspace's value."))
    else:
        blocks.append(
            _section(
                "Settings of the whole workspace (a channel's own settings override them). "
                "A blank field uses Copydesk's default."
            )
        )
    for s in SETTINGS:
        hint = f"{s.help}. Blank: {_value(s.name, getattr(inherited, s.name))}."
        if s.name == "answer_mode":
            options = [{"text": {"type": "plain_text", "text": f"{m}: {MODES[m]}"}, "value": m} for m in ANSWER_MODES]
            element = {"type": "static_select", "action_id": "value", "options": options}
            if values.get(s.name) is not None:
                element["initial_option"] = next(o for o in options if o["value"] == values[s.name])
        else:
            element = {
                "type": "number_input",
                "action_id": "value",
                "is_decimal_allowed": False,
                "min_value": str(s.low),
                "max_value": str(s.high),
            }
            if values.get(s.name) is not None:
                element["initial_value"] = str(values[s.name])
        blocks.append(
            {
                "type": "input",
                "block_id": s.name,
                "optional": True,
                "element": element,
                "label": {"type": "plain_text", "text": s.label},
                "hint": {"type": "plain_text", "text": hint[:150]},
            }
        )
    return {
        "type": "modal",
        "callback_id": SETTINGS_CALLBACK,
        "title": {"type": "plain_text", "text": "Copydesk settings"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"team": team_id, "target": target}),
        "blocks": blocks,
    }


def refusal_modal() -> dict:
    """What a user who is not a workspace admin sees on pressing Edit."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Copydesk settings"},
        "close": {"type": "plain_text", "text": "OK"},
        "blocks": [
            _section(
                "Only workspace admins and owners can change Copydesk's settings. "
                "`/copydesk settings` in a channel shows the settings in force there."
            )
        ],
    }
