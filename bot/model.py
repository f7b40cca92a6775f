"""Plain data shared by the reader, the archive, the analysis and the Slack app."""

from __future__ import annotations

from dataclasses import dataclass, field

from copydesk.bot.language.text import word_count


@dataclass(frozen=True)
class Scope:
    """Where an article was seen. The CLI's scope is empty: team "" and no channel."""

    team_id: str = ""
    channel_id: str = ""
    is_private: bool = False

    def can_see(self, team_id: str, channel_id: str, is_private: bool) -> bool:
        """Whether an article stored with the given scope may be compared and cited here."""
        return team_id == self.team_id and (not is_private or channel_id == self.channel_id)


CLI_SCOPE = Scope()


@dataclass
class Article:
    text: str  # cleaned text
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date or datetime when known
    author: str | None = None
    meta: dict = field(default_factory=dict)
    id: int | None = None  # archive id once stored
    added_at: str | None = None
    team_id: str = ""
    channel_id: str = ""
    is_private: bool = False

    @property
    def words(self) -> int:
        return word_count(self.text)

    def source(self) -> dict:
        """The SOURCE object of the JSON report."""
        return {
            "article_id": str(self.id) if self.id else None,  # None or 0: not archived
            "outlet": self.outlet,
            "url": self.url,
            "title": self.title,
            "published": self.published,
        }

    def label(self) -> str:
        """A short human label: outlet, else title, else the archive id."""
        return self.outlet or self.title or (f"article {self.id}" if self.id is not None else "article")


@dataclass(frozen=True)
class Indexed:
    """What the archive stores of an article besides its fields, computed by the engine
    (bot/language/terms.index): the hash of its normal form, its sentences as (start, end,
    fingerprint), and the distinct search terms of its title and text."""

    text_hash: str
    sentences: list[tuple[int, int, int]]
    terms: list[str]


@dataclass(frozen=True)
class Query:
    """What the candidate index looks up for a text (bot/language/terms.query): its hash, the
    fingerprints of its longer sentences, and its search terms with their frequencies."""

    text_hash: str
    fingerprints: list[int]
    terms: dict[str, int]
