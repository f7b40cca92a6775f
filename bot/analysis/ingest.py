"""Storing an article: the one path by which the CLI, the analysis (`--store`, Slack) and the
benchmarks add articles to the archive. Cheap by design (no spaCy): the engine computes what the
archive indexes (text hash, sentence fingerprints, search terms: bot/language/terms.py), the
archive stores it with the article and its FTS index, and the article joins its story."""

from __future__ import annotations

from copydesk.bot.analysis.stories import assign_story
from copydesk.bot.language import terms
from copydesk.bot.model import CLI_SCOPE, Article, Indexed, Scope


def add(
    archive, article: Article, scope: Scope = CLI_SCOPE, message_ts: str | None = None, index: Indexed | None = None
) -> tuple[int, bool]:
    """Add `article` to the archive (once per workspace) with its index (computed unless given),
    without placing it in a story. Returns (id, created)."""
    return archive.add(article, scope, message_ts, index=index or terms.index(article))


def store(
    archive, article: Article, scope: Scope = CLI_SCOPE, message_ts: str | None = None, index: Indexed | None = None
) -> tuple[int, bool]:
    """Add `article` (once per workspace) and place a new one in its story. Returns (id, created)."""
    article_id, created = add(archive, article, scope, message_ts, index)
    if created:
        assign_story(archive, article_id)
    return article_id, created
