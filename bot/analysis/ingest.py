"""Storing an article: the one path by which the CLI, the analysis (`--store`, Slack) and the
benchmarks add articles to the archive. Cheap by design (no spaCy): the engine computes what the
archive indexes (text hash, sentence fingerprints, search terms: bot/language/terms.py), the
archive stores it with the article and its FTS index, and the article joins its story.

`prepare(article)` is everything of that which needs only the article (no archive): `ingest
--jobs` computes it in worker processes, so the process that writes the archive only writes."""

from __future__ import annotations

from dataclasses import dataclass

from copydesk.bot.analysis.stories import StoryKeys, assign_story, story_keys
from copydesk.bot.language import terms
from copydesk.bot.model import CLI_SCOPE, Article, Indexed, Scope


@dataclass(frozen=True)
class Prepared:
    """What storing an article computes from the article alone: its index and its story keys."""

    index: Indexed
    keys: StoryKeys


def prepare(article: Article) -> Prepared:
    index = terms.index(article)
    return Prepared(index, story_keys(article.text, index.sentences))


def add(
    archive, article: Article, scope: Scope = CLI_SCOPE, message_ts: str | None = None, index: Indexed | None = None
) -> tuple[int, bool]:
    """Add `article` to the archive (once per workspace) with its index (computed unless given),
    without placing it in a story. Returns (id, created)."""
    return archive.add(article, scope, message_ts, index=index or terms.index(article))


def store(
    archive,
    article: Article,
    scope: Scope = CLI_SCOPE,
    message_ts: str | None = None,
    prepared: Prepared | None = None,
) -> tuple[int, bool]:
    """Add `article` (once per workspace) and place a new one in its story (with what `prepared`
    holds of it, computed unless given). Returns (id, created)."""
    article_id, created = add(archive, article, scope, message_ts, prepared.index if prepared else None)
    if created:
        assign_story(archive, article_id, prepared.keys if prepared else None)
    return article_id, created
