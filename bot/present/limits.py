"""Slack's message limits (see ../shared/slack/NOTES.md) and the budget Copydesk keeps below them,
in one place for replies, modals and digests."""

from __future__ import annotations

MAX_BLOCKS = 50  # blocks in one message
MODAL_BLOCKS = 100  # blocks in one view (modal, App Home)
SECTION_CHARS = 3000  # text of one section block
FIELD_CHARS = 2000  # one of a section's fields (at most 10)
HEADER_CHARS = 150  # a header block's plain text
CONTEXT_ELEMENTS = 10  # elements of one context block
MESSAGE_CHARS = 11_000  # all blocks' text together; Slack refuses much longer messages
MODAL_CHARS = 60_000  # all text of one modal view (Slack refuses views much over 250 kB of JSON)
FALLBACK_CHARS = 1000  # a reply's notification / screen-reader text
DIGEST_FALLBACK_CHARS = 3000  # a digest's text fallback lists its stories
MORE = "…and {n} more"


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def block_chars(blocks: list[dict]) -> int:
    """The text all blocks carry (what Slack's total message size counts)."""
    total = 0
    for b in blocks:
        total += len(b.get("text", {}).get("text", ""))
        total += sum(len(f.get("text", "")) for f in b.get("fields", []))
        total += sum(len(e.get("text", "")) for e in b.get("elements", []))
    return total
