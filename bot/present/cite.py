"""How Copydesk names earlier coverage, in one place for every presentation (terminal, Slack
replies, modals, digests).

A SOURCE (INTERFACE.md: article_id, outlet, url, title, published) is cited by its outlet, else its
title, with its date — never by its archive id, which no reader can open. In Slack a SOURCE may
also carry `shared` (added by copydesk.handlers.common.cite_sources): the earliest message visible
here that shared it, {"channel_id", "user_id", "at", "permalink"}. A source without an outlet is
then cited by that channel and who shared it, and a source without a URL links to that message.
"""

from __future__ import annotations

from copydesk.bot.present.limits import clip
from copydesk.bot.present.slacktext import escape, link

TITLE_CHARS = 80
UNNAMED = "an unnamed report"  # no outlet, no title, nowhere to point at


def source_name(src: dict | None) -> str:
    """The outlet, else the (clipped) title, else "a message" (one shared in Slack), else
    "an unnamed report"."""
    if not src:
        return "an earlier article"
    shared = (src.get("shared") or {}).get("channel_id")
    return src.get("outlet") or clip(src.get("title") or "", TITLE_CHARS) or ("a message" if shared else UNNAMED)


def source_date(src: dict | None) -> str:
    """The publication date (YYYY-MM-DD), else the day it was shared in Slack, else ""."""
    if not src:
        return ""
    return (src.get("published") or (src.get("shared") or {}).get("at") or "")[:10]


def source_label(src: dict | None, *, date: bool = True, title: bool = False) -> str:
    """Plain text: `Outlet, 2026-03-14 — “Title”` (the date and the title when asked for and known)."""
    if not src:
        return "an earlier article"
    label = source_name(src)
    when = source_date(src) if date else ""
    if when:
        label += f", {when}"
    if title and src.get("title") and src.get("outlet"):
        label += f" — “{clip(src['title'], TITLE_CHARS)}”"
    return label


def source_url(src: dict | None) -> str | None:
    """Where a reader can open the source: its URL, else the Slack message that shared it."""
    if not src:
        return None
    return src.get("url") or (src.get("shared") or {}).get("permalink")


def source_ref(src: dict | None, *, date: bool = True) -> str:
    """Slack mrkdwn: the source's name linked to its URL (else to the message that shared it),
    then — when it has no outlet — the channel and who shared it, then the date."""
    if not src:
        return "an earlier article"
    ref = link(source_url(src), source_name(src))
    shared = src.get("shared") or {}
    if not src.get("outlet") and shared.get("channel_id"):
        ref += f" shared in <#{escape(shared['channel_id'])}>"
        if shared.get("user_id"):
            ref += f" by <@{escape(shared['user_id'])}>"
    when = source_date(src) if date else ""
    return f"{ref}, {escape(when)}" if when else ref
