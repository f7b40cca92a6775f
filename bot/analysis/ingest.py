"""Storing an article: the one path by which the CLI, the analysis (`--store`, Slack) and the
benchmarks add articles to the archive. Cheap by design (no spaCy): the archive keeps sentence
fingerprints and the FTS index, and the article joins its story."""

from __future__ import annotations

from copydesk.bot.model import CLI_SCOPE, Article, Scope
from copydesk.bot.analysis.stories import assign_story


def store(archive, article: Article, scope: Scope = CLI_SCOPE, message_ts: str | None = None) -> tuple[int, bool]:
    """Add `article` (once per workspace) and place a new one in its story. Returns (id, created)."""
    article_id, created = archive.add(article, scope, message_ts=message_ts)
    if created:
        assign_story(archive, article_id)
    return article_id, created
