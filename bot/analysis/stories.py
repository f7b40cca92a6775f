"""Stories: the articles about one event, grouped as they arrive.

Each archived article joins the story of its most similar article near it in time, or opens a
story of its own. Similarity is cheap (no spaCy, so ingest stays fast) and combines:

- shared names and figures: capitalised words that are not merely sentence-initial ("Corrin",
  "Okafor", "PORT ALDANE", the capitalised parts of "Velkor-based"), titles and roles aside
  ("President", "Mayor"), and numbers of two digits or more. Each article is a vector of its
  keys, weighted by how often it uses them (1 + ln count) and by how rare they are among the
  articles near it (a name most articles carry says little; one carried by too many says
  nothing); two articles match by the cosine of their vectors, so the names each report is
  about count most, whatever else the wording adds. One name is never a story: words written
  side by side ("Donald Trump") are one name, and the strongest shared name counts at most half
  as much as all the others together (DOMINANCE 1.5), so one leader and one country in common
  do not make two events one;
- shared text: sentences found verbatim in both (the archive's sentence fingerprints);
- time: only articles near each other are compared, and a larger gap weakens the match. Two
  articles whose publication dates are known are near when published within WINDOW of each
  other. A header often gives no usable date ("unknown", a month alone): such an article is
  compared with whatever was archived within WINDOW of it, dated or not (coverage that reaches
  the archive together is from the same days, unless its dates say otherwise).

An article that strongly matches two stories shows they are one: they are merged into the oldest.
A private channel's article may join a public story (it can see public coverage) but never causes
a merge, and it is matched only against what its channel may see; in the other channels' views
(the digest) it is left out. Everything is per workspace. The tables and their lookups (index
ranges only, never a scan of the archive) are in storage/stories.py.

`assign_story(archive, article_id)` is idempotent and is called after an article is archived;
`ensure_stories` assigns, in archive order, whatever a caller needs that is not yet assigned.
"""

from __future__ import annotations

import itertools
import math
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from copydesk.bot.language import text as textmod
from copydesk.bot.language.attributions import PERSON_NOUNS
from copydesk.bot.language.terms import STOPWORDS
from copydesk.bot.model import Article, Scope
from copydesk.bot.reading.reader import outlet_from_url
from copydesk.storage import stories as store
from copydesk.storage.archive import Archive, utcnow

WINDOW = timedelta(days=4)  # articles further apart in time are never the same story
JOIN = 0.20  # similarity with a story's article needed to join that story
MERGE = 0.30  # similarity with two stories' articles (each) that merges them
MIN_SHARED_KEYS = 2  # a single shared name is never enough on its own
DOMINANCE = 1.5  # shared names count up to this many times all but the strongest (which counts <= half the rest)
COMMON_MIN, COMMON_SHARE = 40, 0.05  # a key carried by more window articles than this says nothing
MAX_KEYS = 80  # the most frequent names and figures of a long article
TIME_PENALTY = 0.3  # the similarity loses up to this share at the edge of the window
BATCH = 500  # articles assigned per transaction

# Capitalised words that are not names.
_NOT_NAMES = (
    frozenset(
        """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today yesterday tomorrow mr mrs ms dr sir madam
    he she it we they i you his her its our their this that these those there here if but and or
    so as in on at for by with from to of a an the""".split()
    )
    | STOPWORDS
    | PERSON_NOUNS
)  # titles and roles ("President", "Mayor") name no one in particular
# A figure ("1,250", "2.5", "213") or a word ("Okafor", "O’Neill", "Jean-Luc").
_TOKEN_RE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|([^\W\d_][^\W_]*(?:['’\-][^\W_]+)*)")
_POSSESSIVE_RE = re.compile(r"['’]s$")
# The same, with what stands before each token (a space between two capitalised words: one name).
_GAP_TOKEN_RE = re.compile(r"(\W*)(?:" + _TOKEN_RE.pattern + ")")


# ---------------------------------------------------------------- keys and times
StoryKeys = tuple[dict[str, int], dict[str, str]]  # an article's keys with their counts, and the name of each


def story_keys(text: str, sentences: Iterable[tuple[int, int, int]]) -> StoryKeys:
    """The keys of an article (see extract_keys) with their counts and names, from its sentences
    as the archive splits and stores them, (start, end, fingerprint)."""
    return _keys_and_names(text[a:b] for a, b, _ in sentences)


def extract_keys(text: str) -> list[str]:
    """The article's names and figures, most frequent first (at most MAX_KEYS): lower-case name
    tokens ("okafor") and figures prefixed with '#' ("#213"). A capitalised word that opens a
    sentence counts only when it is part of a longer name or is capitalised elsewhere too; a
    hyphenated word gives its capitalised parts ("California-based": "california")."""
    return list(_keys(s.text for s in textmod.sentences(text)))


@lru_cache(maxsize=65536)
def _name_keys(word: str) -> tuple[str, ...]:
    """The keys of a capitalised word: itself, or the capitalised parts of a hyphenated word."""
    word = _POSSESSIVE_RE.sub("", word)
    parts = [p for p in word.split("-") if p[:1].isupper()] if "-" in word else [word]
    return tuple(k for k in (p.lower() for p in parts) if len(k) >= 2 and k not in _NOT_NAMES)


def _keys(sentences: Iterable[str]) -> dict[str, int]:
    """{key: how often the article has it}, most frequent first (at most MAX_KEYS)."""
    return _keys_and_names(sentences)[0]


def _keys_and_names(sentences: Iterable[str]) -> tuple[dict[str, int], dict[str, str]]:
    """The article's keys with their counts (see extract_keys) and, for each name key, the name
    it belongs to: words the article mostly writes side by side ("Donald Trump", "United
    States") are one name, {key: one key standing for that name}."""
    counts: Counter[str] = Counter()
    initial: Counter[str] = Counter()
    together: Counter[tuple[str, str]] = Counter()  # two capitalised words side by side

    for sentence in sentences:
        first_word = True
        run: list[str] = []  # the keys of the capitalised word just read
        for i, (gap, figure, word) in enumerate(pairs := _GAP_TOKEN_RE.findall(sentence)):
            if figure:
                figure = figure.replace(",", "")
                if len(figure) - figure.count(".") >= 2:
                    counts["#" + figure] += 1
                run = []
                continue
            opening, first_word = first_word, False
            keys = _name_keys(word) if word[0].isupper() else ()
            if not keys:
                run = []
                continue
            if opening and not word.isupper():
                following = pairs[i + 1][2] if i + 1 < len(pairs) else ""
                if not following[:1].isupper():
                    for key in keys:  # a sentence's first word: a name only if capitalised elsewhere
                        initial[key] += 1
                    continue
            for key in keys:
                counts[key] += 1
            if run and gap.isspace():
                together[(run[-1], keys[0])] += 1
            for a, b in itertools.pairwise(keys):
                together[(a, b)] += 1
            run = list(keys)
    for key, n in initial.items():
        if key in counts:
            counts[key] += n
    top = dict(sorted(counts.items(), key=lambda kv: -kv[1])[:MAX_KEYS])
    parent: dict[str, str] = {}

    def name_of(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for (a, b), n in together.items():
        # one name when at least half of the rarer word's uses are beside the other
        if a != b and a in top and b in top and 2 * n >= min(counts[a], counts[b]):
            ra, rb = name_of(a), name_of(b)
            if ra != rb:
                parent[rb] = ra
    return top, {k: name_of(k) for k in top if not k.startswith("#")}


def _parse_utc(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


# A publication date (and time) the header gives first, whatever follows it ("2026-03-12 (from the link)").
_PUBLISHED_RE = re.compile(
    r"\s*(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?))?(?!\d)"
)


def published_time(published: str | None) -> tuple[datetime, bool] | None:
    """The publication time a header gives (UTC) and whether it has a time of day; None when it
    gives no full date ("unknown", a month alone)."""
    m = _PUBLISHED_RE.match(published or "")
    if not m:
        return None
    try:
        if m.group(2):
            return _parse_utc(f"{m.group(1)}T{m.group(2).replace('Z', '+00:00')}"), True
        return _parse_utc(m.group(1)), False
    except ValueError:
        return None


def article_time(published: str | None, added_at: str | None) -> datetime:
    """When an article appeared (UTC): its published time; for a published date without a time,
    the time it was archived if that is the same day, else noon UTC; else the time it was archived."""
    added = _parse_utc(added_at) if added_at else datetime.now(UTC)
    found = published_time(published)
    if found is None:
        return added
    dt, has_time = found
    if not has_time:
        return added if added.date() == dt.date() else dt.replace(hour=12)
    return dt


def iso(dt: datetime) -> str:
    """The archive's timestamp form (UTC, seconds), which sorts as text."""
    return dt.astimezone(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------- assignment
@dataclass(frozen=True)
class _Row:
    id: int
    team_id: str
    channel: str  # '' when public
    is_private: bool
    text: str
    at: datetime  # its story time: published, else archived
    added: datetime  # when it was archived
    dated: bool  # its publication date is known


def _load_rows(conn: sqlite3.Connection, ids: list[int]) -> list[_Row]:
    rows = []
    for r in store.articles_to_assign(conn, ids):
        added = _parse_utc(r["added_at"]) if r["added_at"] else datetime.now(UTC)
        rows.append(
            _Row(
                r["id"],
                r["team_id"],
                r["channel_id"] if r["is_private"] else "",
                r["is_private"],
                r["text"],
                article_time(r["published"], r["added_at"]),
                added,
                published_time(r["published"]) is not None,
            )
        )
    return rows


def _similar(
    conn: sqlite3.Connection, row: _Row, keys: dict[str, int], names: dict[str, str], fps: list[int]
) -> tuple[dict[int, tuple[float, int]], float | None]:
    """Similarity of `row` (its keys with their counts, the name each name key belongs to, the
    fingerprints of its sentences of six words or more) with each assigned article near it in
    time and visible to it: ({article_id: (similarity, story_id)}, the length of the row's
    key vector weighted by use only, which is kept with it)."""
    window = store.window_near(
        conn,
        row.team_id,
        row.channel,
        row.dated,
        iso(row.at - WINDOW),
        iso(row.at + WINDOW),
        iso(row.added - WINDOW),
        iso(row.added + WINDOW),
    )
    weights = {k: _weight(n) for k, n in keys.items()}
    shared: dict[int, dict[str, float]] = {}  # article: {shared key: its weight there}
    idf: dict[str, float] = {}
    if keys:
        n_window = window.size
        cap = max(COMMON_MIN, COMMON_SHARE * n_window)
        df = store.key_counts(conn, list(keys), window)
        idf = {k: math.log(1.0 + (n_window + 1) / (df.get(k, 0) + 1)) for k in keys if df.get(k, 0) <= cap}
        telling = [k for k in idf if df.get(k)]
        for key, article_id, n in store.articles_with_keys(conn, telling, window, exclude=row.id):
            shared.setdefault(article_id, {})[key] = _weight(n)
    vector = {k: weights[k] * w for k, w in idf.items()}
    norm = math.sqrt(sum(x * x for x in vector.values()))
    use_norm = math.sqrt(sum(w * w for w in weights.values())) if weights else None
    copied = store.articles_sharing_sentences(conn, fps, window, exclude=row.id)
    candidates = [a for a, ks in shared.items() if len(ks) >= MIN_SHARED_KEYS] + [a for a in copied if a not in shared]
    candidates = list(dict.fromkeys(candidates))
    if not candidates:
        return {}, use_norm
    # the rarity of another article's keys this one does not share is not looked up: it is taken
    # to be that of this article's keys (their mean square)
    mean_idf2 = sum(w * w for w in idf.values()) / len(idf) if idf else 0.0
    out: dict[int, tuple[float, int]] = {}
    for other in store.assignments(conn, candidates):
        ks = shared.get(other.article_id, {})
        ent = 0.0
        if len(ks) >= MIN_SHARED_KEYS and norm and other.keys:
            # cosine of the weighted key vectors (an article assigned before counts were kept
            # counts each of its keys once)
            use2 = other.norm**2 if other.norm else float(other.keys)
            shared_use2 = sum(w * w for w in ks.values())
            other_norm = math.sqrt(
                sum((w * idf[k]) ** 2 for k, w in ks.items()) + max(0.0, use2 - shared_use2) * mean_idf2
            )
            parts: dict[str, float] = defaultdict(float)
            for k, w in ks.items():
                parts[names.get(k, k)] += vector[k] * w * idf[k]
            # one name is never a story: the strongest shared name counts at most half as much as the others
            total, strongest = sum(parts.values()), max(parts.values())
            ent = min(1.0, min(total, DOMINANCE * (total - strongest)) / (norm * other_norm))
        txt = min(1.0, copied.get(other.article_id, 0) / len(fps)) if fps else 0.0
        sim = 1.0 - (1.0 - ent) * (1.0 - txt)
        if row.dated and other.dated:
            gap = abs((_parse_utc(other.at) - row.at) / WINDOW)
        else:
            gap = abs((_parse_utc(other.added) - row.added) / WINDOW)
        out[other.article_id] = (sim * (1.0 - TIME_PENALTY * min(1.0, gap)), other.story_id)
    return out, use_norm


def _weight(count: int) -> float:
    """How strongly a key marks an article it occurs in `count` times."""
    return 1.0 + math.log(count)


def _assign(conn: sqlite3.Connection, row: _Row, computed: StoryKeys | None = None) -> int:
    """Assign one article inside an open transaction (with its keys, when the caller computed
    them: story_keys); returns its story."""
    found = store.story_of(conn, row.id)
    if found is not None:
        return found
    # the sentences as the archive split and fingerprinted them when it stored the article
    spans = store.sentence_spans(conn, row.id)
    keys, names = computed if computed is not None else story_keys(row.text, spans)
    fps = [fp for a, b, fp in spans if row.text.count(" ", a, b) >= 5]  # sentences of about six words or more
    best: dict[int, float] = {}
    similar, norm = _similar(conn, row, keys, names, fps)
    for sim, story_id in similar.values():
        best[story_id] = max(sim, best.get(story_id, 0.0))
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked and ranked[0][1] >= JOIN:
        story_id, score = ranked[0]
        if score >= MERGE and not row.is_private:
            others = [s for s, sim in ranked[1:] if sim >= MERGE]
            if others:
                story_id = _merge(conn, [story_id, *others])
    else:
        story_id = store.open_story(conn, row.team_id, utcnow())
        score = 1.0
    store.add_to_story(
        conn,
        row.id,
        story_id,
        team_id=row.team_id,
        channel=row.channel,
        at=iso(row.at),
        added=iso(row.added),
        dated=row.dated,
        keys=keys,
        norm=norm,
        score=round(score, 4),
    )
    return story_id


def _merge(conn: sqlite3.Connection, story_ids: list[int]) -> int:
    """Merge stories into the oldest of them; returns it. Merged stories keep a pointer to it."""
    keep = min(story_ids)
    store.merge_stories(conn, keep, sorted(set(story_ids) - {keep}))
    return keep


def assign_story(archive: Archive, article_id: int, keys: StoryKeys | None = None) -> int:
    """The story of an archived article, assigning it first if needed (idempotent); `keys`: its
    story_keys, when already computed."""
    with archive.transaction() as conn:
        rows = _load_rows(conn, [article_id])
        if not rows:
            raise LookupError(f"no archived article {article_id}")
        return _assign(conn, rows[0], keys)


def assign_stories(archive: Archive, article_ids: Iterable[int]) -> dict[int, int]:
    """Assign many archived articles, in archive order (one transaction per batch). Returns their
    stories as they are after all of them were assigned (a later one may have merged stories)."""
    ids = sorted(set(article_ids))
    for k in range(0, len(ids), BATCH):
        with archive.transaction() as conn:
            for row in _load_rows(conn, ids[k : k + BATCH]):
                _assign(conn, row)
    return stories_of(archive, ids)


def ensure_stories(archive: Archive, article_ids: Iterable[int]) -> dict[int, int]:
    """The stories of the given articles. Any of them not yet assigned (an archive filled before
    stories existed, or by a path that does not assign) is assigned now, together with the
    unassigned articles of its workspace archived up to WINDOW before it, in archive order, so that
    it meets the coverage it belongs with."""
    ids = sorted(set(article_ids))
    have = stories_of(archive, ids)
    missing = [i for i in ids if i not in have]
    if missing:
        backlog = set(missing)
        for team_id, first, last in store.first_added(archive, missing):
            backlog.update(store.unassigned(archive, team_id, iso(_parse_utc(first) - WINDOW), last))
        assign_stories(archive, backlog)
        have = stories_of(archive, ids)  # after any merge the backlog caused
    return have


def stories_of(archive: Archive, article_ids: Iterable[int]) -> dict[int, int]:
    """{article_id: story_id} for the given articles that have a story."""
    return store.stories_of(archive, article_ids)


def resolve(archive: Archive, story_id: int) -> int:
    """The live story a (possibly merged) story id now stands for."""
    return store.merged_into(archive, story_id) or story_id


# ---------------------------------------------------------------- reading stories
@dataclass(frozen=True)
class Entry:
    """One article of a story's timeline."""

    article_id: int
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    at: datetime
    opening: str  # the start of its text, for a story none of whose articles has a title

    def source(self) -> dict:
        """The report's SOURCE object, with the story time `at` (UTC ISO) added."""
        article = Article(
            text="", id=self.article_id, outlet=self.outlet, url=self.url, title=self.title, published=self.published
        )
        return {**article.source(), "at": iso(self.at)}

    @property
    def outlet_key(self) -> str:
        """Who published it, for counting outlets: the outlet, else the link's host, else the article."""
        return self.outlet or outlet_from_url(self.url) or f"article {self.article_id}"


@dataclass(frozen=True)
class Story:
    """A story as one scope sees it: only the articles visible there, earliest first."""

    id: int
    entries: tuple[Entry, ...]

    @property
    def title(self) -> str:
        """The most representative headline; without any, the opening words of the first article."""
        title = representative_title([e.title for e in self.entries])
        if title:
            return title
        spans = textmod.sentences(" ".join(self.first.opening.split()))
        lead = spans[0].text if spans else f"Story {self.id}"
        return lead if len(lead) <= 120 else lead[:119].rstrip() + "…"

    @property
    def first(self) -> Entry:
        return self.entries[0]

    def outlets(self) -> list[str]:
        return list(dict.fromkeys(e.outlet_key for e in self.entries))


def stories(archive: Archive, story_ids: Iterable[int], scope: Scope) -> dict[int, Story]:
    """The given stories as `scope` sees them (stories with no visible article are left out)."""
    members: dict[int, list[Entry]] = {}
    for r in store.members(archive, story_ids, scope.team_id, scope.channel_id):
        members.setdefault(r["story_id"], []).append(
            Entry(r["id"], r["outlet"], r["title"], r["url"], r["published"], _parse_utc(r["at"]), r["opening"])
        )
    return {sid: Story(sid, tuple(sorted(es, key=lambda e: (e.at, e.article_id)))) for sid, es in members.items()}


def representative_title(titles: list[str | None]) -> str | None:
    """The headline that best stands for a story: the one whose words the other headlines share
    most (normalised by its length), the earliest on a tie."""
    heads = [" ".join(t.split()) for t in titles if t and t.strip()]
    if len(heads) <= 2:
        return heads[0] if heads else None
    words = [{w for w in textmod.normalize(h).split() if len(w) >= 3 and w not in STOPWORDS} for h in heads]
    df = Counter(w for ws in words for w in ws)
    scores = [sum(df[w] - 1 for w in ws) / math.sqrt(len(ws)) if ws else 0.0 for ws in words]
    return heads[max(range(len(heads)), key=lambda i: (scores[i], -i))]
