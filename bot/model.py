"""Plain data shared by the reader, the archive, the analysis and the Slack app."""

from __future__ import annotations

from dataclasses import dataclass, field

from copydesk.bot.errors import BadInput
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
        """How many words the text has (counted once per text: reading, storing and reporting ask)."""
        counted = self.__dict__.get("_words")
        if counted is None or counted[0] is not self.text:
            counted = self.__dict__["_words"] = (self.text, word_count(self.text))
        return counted[1]

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
        """A short human label: outlet, else title, else "an unnamed report" (never an archive id,
        which no reader can open)."""
        return self.outlet or self.title or "an unnamed report"


# ---------------------------------------------------------------- per-workspace settings
ANSWER_MODES = ("all", "mention", "never")


@dataclass(frozen=True)
class Setting:
    """One setting a workspace admin may change: its name, label, default and allowed range."""

    name: str
    label: str
    default: object
    low: int | None = None
    high: int | None = None
    help: str = ""

    def parse(self, raw: object) -> object:
        """The value `raw` (text from a modal, the CLI or the database) stands for. Raises BadInput."""
        text = str(raw).strip().lower()
        if self.name == "answer_mode":
            if text not in ANSWER_MODES:
                raise BadInput(f"{self.label} must be one of {', '.join(ANSWER_MODES)}, not {raw!r}")
            return text
        if self.name == "recency_days" and text in ("all", "0", "none", "off"):
            return 0
        try:
            value = int(text.removesuffix("%"))
        except ValueError:
            raise BadInput(f"{self.label} must be a whole number from {self.low} to {self.high}, not {raw!r}") from None
        if not self.low <= value <= self.high:
            raise BadInput(f"{self.label} must be from {self.low} to {self.high}, not {value}")
        return value

    def show(self, value: object) -> str:
        if self.name == "recency_days":
            return "all coverage" if not value else f"last {value} day{'s' if value != 1 else ''}"
        if self.name == "copy_threshold":
            return f"{value}%"
        if self.name in ("min_passage_words", "min_article_words"):
            return f"{value} words"
        return str(value)


SETTINGS = (
    Setting(
        "recency_days",
        "Recency window",
        0,
        0,
        3650,
        "compare only with coverage from the last N days (0: all coverage)",
    ),
    Setting(
        "copy_threshold",
        "Copy similarity threshold",
        85,
        70,
        100,
        "how similar (in %) a sentence must be to an earlier one to count as copied",
    ),
    Setting(
        "min_passage_words",
        "Minimum copied passage",
        6,
        3,
        60,
        "sentences shorter than this (in words, quotations left out) are never called copied",
    ),
    Setting(
        "min_article_words",
        "Minimum article length",
        80,
        20,
        5000,
        "pasted text or a linked article shorter than this (in words) gets no automatic answer",
    ),
    Setting("answer_mode", "Answer mode", "all", help="all: every article · mention: only when mentioned · never"),
)
SETTING = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class ChannelSettings:
    """The settings in force in a channel: the defaults, overridden by the workspace's, overridden
    by the channel's (see copydesk.storage.settings). The engine uses the first three
    (`Analyzer.analyze(..., tuning=)`), the Slack listeners the last two."""

    recency_days: int = 0  # 0: all coverage
    copy_threshold: int = 85  # 0-100
    min_passage_words: int = 6
    min_article_words: int = 80
    answer_mode: str = "all"  # all | mention | never


DEFAULT_SETTINGS = ChannelSettings()


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
