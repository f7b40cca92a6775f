"""Stories: the articles about one event, grouped as they arrive.

Each archived article joins the story of its most similar recent article, or opens a story of its
own. Similarity is cheap (no spaCy, so ingest stays fast) and combines:

- shared names and figures: capitalised words that are not merely sentence-initial ("Corrin",
  "Okafor", "PORT ALDANE") and numbers of two digits or more, weighted by how rare they are among
  the articles of the time window (a name most articles carry says little);
- shared text: sentences found verbatim in both (the archive's sentence fingerprints);
- time: only articles within WINDOW of each other (by published time, else the time archived)
  are compared, and a larger gap weakens the match.

An article that strongly matches two stories shows they are one: they are merged into the oldest.
A private channel's article may join a public story (it can see public coverage) but never causes
a merge, and it is matched only against what its channel may see; in the other channels' views
(the digest) it is left out. Everything is per workspace.

`assign_story(archive, article_id)` is idempotent and is called after an article is archived;
`ensure_stories` assigns, in archive order, whatever a caller needs that is not yet assigned.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from copydesk.storage.archive import Archive, utcnow

from copydesk.bot.language import text as textmod
from copydesk.bot.language.terms import STOPWORDS
from copydesk.bot.model import Scope

WINDOW = timedelta(days=4)  # articles further apart in time are never the same story
JOIN = 0.30  # similarity with a story's article needed to join that story
MERGE = 0.45  # similarity with two stories' articles (each) that merges them
MIN_SHARED_KEYS = 2  # a single shared name is never enough on its own
COMMON_MIN, COMMON_SHARE = 40, 0.05  # a key carried by more window articles than this says nothing
MAX_KEYS = 80  # the most frequent names and figures of a long article
TIME_PENALTY = 0.3  # the similarity loses up to this share at the edge of the window
BATCH = 500

# Capitalised words that are not names.
_NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today yesterday tomorrow mr mrs ms dr sir madam
    he she it we they i you his her its our their this that these those there here if but and or
    so as in on at for by with from to of a an the""".split()
) | STOPWORDS
# A figure ("1,250", "2.5", "213") or a word ("Okafor", "O’Neill", "Jean-Luc").
_TOKEN_RE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|([^\W\d_][^\W_]*(?:['’\-][^\W_]+)*)")
_POSSESSIVE_RE = re.compile(r"['’]s$")


# ---------------------------------------------------------------- keys and times
def extract_keys(text: str) -> list[str]:
    """The article's names and figures, most frequent first (at most MAX_KEYS): lower-case name
    tokens ("okafor") and figures prefixed with '#' ("#213"). A capitalised word that opens a
    sentence counts only when it is part of a longer name or is capitalised elsewhere too."""
    return _keys(s.text for s in textmod.sentences(text))


def _keys(sentences: Iterable[str]) -> list[str]:
    counts: Counter[str] = Counter()
    initial: Counter[str] = Counter()
    for sentence in sentences:
        first_word = True
        for i, (figure, word) in enumerate(pairs := _TOKEN_RE.findall(sentence)):
            if figure:
                figure = figure.replace(",", "")
                if len(figure) - figure.count(".") >= 2:
                    counts["#" + figure] += 1
                continue
            opening, first_word = first_word, False
            if not word[0].isupper():
                continue
            key = _POSSESSIVE_RE.sub("", word).lower()
            if len(key) < 2 or key in _NOT_NAMES:
                continue
            if opening and not word.isupper():
                following = pairs[i + 1][1] if i + 1 < len(pairs) else ""
                if not following[:1].isupper():
                    initial[key] += 1  # a sentence's first word: a name only if capitalised elsewhere
                    continue
            counts[key] += 1
    for key, n in initial.items():
        if key in counts:
            counts[key] += n
    return [k for k, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:MAX_KEYS]]


def _parse_utc(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def article_time(published: str | None, added_at: str | None) -> datetime:
    """When an article appeared (UTC): its published time; for a published date without a time,
    the time it was archived if that is the same day, else noon UTC; else the time it was archived."""
    added = _parse_utc(added_at) if added_at else datetime.now(timezone.utc)
    if not published:
        return added
    try:
        dt = _parse_utc(published)
    except ValueError:
        return added
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", published.strip()):
        return added if added.date() == dt.date() else dt.replace(hour=12)
    return dt


def iso(dt: datetime) -> str:
    """The archive's timestamp form (UTC, seconds), which sorts as text."""
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- assignment
@dataclass(frozen=True)
class _Row:
    id: int
    team_id: str
    channel: str  # '' when public
    is_private: bool
    text: str
    at: datetime


def _load_rows(conn: sqlite3.Connection, ids: list[int]) -> list[_Row]:
    out: list[_Row] = []
    for k in range(0, len(ids), BATCH):
        chunk = ids[k:k + BATCH]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            f"SELECT id, team_id, channel_id, is_private, text, published, added_at FROM articles WHERE id IN ({marks})",
            chunk,
        ):
            out.append(_Row(r[0], r[1], r[2] if r[3] else "", bool(r[3]), r[4], article_time(r[5], r[6])))
    return sorted(out, key=lambda r: r.id)


def _similar(conn: sqlite3.Connection, row: _Row, keys: list[str], fps: list[int]) -> dict[int, tuple[float, int]]:
    """Similarity of `row` (its keys, the fingerprints of its sentences of six words or more) with
    each assigned article visible to it in its time window: {article_id: (similarity, story_id)}."""
    lo, hi = iso(row.at - WINDOW), iso(row.at + WINDOW)
    visible = (row.team_id, lo, hi, row.channel)  # workspace, window, and what the channel may see
    shared: dict[int, list[str]] = {}
    idf: dict[str, float] = {}
    if keys:
        n_window = conn.execute("SELECT count(*) FROM story_articles WHERE team_id = ? AND at BETWEEN ? AND ?",
                                visible[:3]).fetchone()[0]
        cap = max(COMMON_MIN, COMMON_SHARE * n_window)
        marks = ",".join("?" * len(keys))
        df = dict(conn.execute(
            f"SELECT key, count(*) FROM story_keys WHERE key IN ({marks}) AND team_id = ? AND at BETWEEN ? AND ? "
            f"AND channel IN ('', ?) GROUP BY key", (*keys, *visible)))
        idf = {k: math.log(1.0 + (n_window + 1) / (df.get(k, 0) + 1)) for k in keys if df.get(k, 0) <= cap}
        telling = [k for k in idf if df.get(k)]
        if telling:
            marks = ",".join("?" * len(telling))
            for key, article_id in conn.execute(
                f"SELECT key, article_id FROM story_keys WHERE key IN ({marks}) AND team_id = ? AND at BETWEEN ? AND ? "
                f"AND channel IN ('', ?) AND article_id != ?", (*telling, *visible, row.id)):
                shared.setdefault(article_id, []).append(key)
    copied: dict[int, int] = {}
    if fps:
        marks = ",".join(str(f) for f in dict.fromkeys(fps))
        # CROSS JOIN: look the sentences up by fingerprint first, then keep those in the window
        copied = dict(conn.execute(
            f"SELECT s.article_id, count(DISTINCT s.fp) FROM sentences s CROSS JOIN story_articles sa "
            f"ON sa.article_id = s.article_id WHERE s.fp IN ({marks}) AND s.article_id != ? AND sa.team_id = ? "
            f"AND sa.at BETWEEN ? AND ? AND sa.channel IN ('', ?) GROUP BY s.article_id", (row.id, *visible)))
    candidates = [a for a, ks in shared.items() if len(ks) >= MIN_SHARED_KEYS] + [a for a in copied if a not in shared]
    candidates = list(dict.fromkeys(candidates))
    if not candidates:
        return {}
    weight_a = sum(idf.values())
    mean_w = weight_a / len(idf) if idf else 0.0
    out: dict[int, tuple[float, int]] = {}
    for k in range(0, len(candidates), BATCH):
        chunk = candidates[k:k + BATCH]
        marks = ",".join("?" * len(chunk))
        for article_id, story_id, at, n_keys in conn.execute(
            f"SELECT article_id, story_id, at, keys FROM story_articles WHERE article_id IN ({marks})", chunk
        ):
            ks = shared.get(article_id, [])
            ent = 0.0
            if len(ks) >= MIN_SHARED_KEYS and weight_a > 0 and n_keys:
                ent = min(1.0, sum(idf[x] for x in ks) / math.sqrt(weight_a * n_keys * mean_w))
            txt = min(1.0, copied.get(article_id, 0) / len(fps)) if fps else 0.0
            sim = 1.0 - (1.0 - ent) * (1.0 - txt)
            gap = abs((_parse_utc(at) - row.at) / WINDOW)
            out[article_id] = (sim * (1.0 - TIME_PENALTY * min(1.0, gap)), story_id)
    return out


def _assign(conn: sqlite3.Connection, row: _Row) -> int:
    """Assign one article inside an open transaction; returns its story."""
    found = conn.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (row.id,)).fetchone()
    if found:
        return found[0]
    # the sentences as the archive split and fingerprinted them when it stored the article
    spans = conn.execute('SELECT start, "end", fp FROM sentences WHERE article_id = ? ORDER BY idx', (row.id,)).fetchall()
    keys = _keys(row.text[a:b] for a, b, _ in spans)
    fps = [fp for a, b, fp in spans if row.text.count(" ", a, b) >= 5]  # sentences of about six words or more
    best: dict[int, float] = {}
    for sim, story_id in _similar(conn, row, keys, fps).values():
        best[story_id] = max(sim, best.get(story_id, 0.0))
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked and ranked[0][1] >= JOIN:
        story_id, score = ranked[0]
        if score >= MERGE and not row.is_private:
            others = [s for s, sim in ranked[1:] if sim >= MERGE]
            if others:
                story_id = _merge(conn, [story_id, *others])
    else:
        story_id = conn.execute("INSERT INTO stories (team_id, created_at) VALUES (?, ?)",
                                (row.team_id, utcnow())).lastrowid
        score = 1.0
    at = iso(row.at)
    conn.execute(
        "INSERT INTO story_articles (article_id, story_id, team_id, channel, at, keys, score) VALUES (?,?,?,?,?,?,?)",
        (row.id, story_id, row.team_id, row.channel, at, len(keys), round(score, 4)),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO story_keys (team_id, key, at, article_id, channel) VALUES (?,?,?,?,?)",
        [(row.team_id, k, at, row.id, row.channel) for k in keys],
    )
    return story_id


def _merge(conn: sqlite3.Connection, story_ids: list[int]) -> int:
    """Merge stories into the oldest of them; returns it. Merged stories keep a pointer to it."""
    keep, rest = min(story_ids), sorted(set(story_ids) - {min(story_ids)})
    marks = ",".join("?" * len(rest))
    conn.execute(f"UPDATE story_articles SET story_id = ? WHERE story_id IN ({marks})", (keep, *rest))
    conn.execute(f"UPDATE stories SET merged_into = ? WHERE id IN ({marks}) OR merged_into IN ({marks})",
                 (keep, *rest, *rest))
    return keep


def assign_story(archive: Archive, article_id: int) -> int:
    """The story of an archived article, assigning it first if needed (idempotent)."""
    with archive.transaction() as conn:
        rows = _load_rows(conn, [article_id])
        if not rows:
            raise LookupError(f"no archived article {article_id}")
        return _assign(conn, rows[0])


def assign_stories(archive: Archive, article_ids: Iterable[int]) -> dict[int, int]:
    """Assign many archived articles, in archive order (one transaction per batch). Returns their
    stories as they are after all of them were assigned (a later one may have merged stories)."""
    ids = sorted(set(article_ids))
    for k in range(0, len(ids), BATCH):
        with archive.transaction() as conn:
            for row in _load_rows(conn, ids[k:k + BATCH]):
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
        marks = ",".join("?" * len(missing))
        spans = archive.query(
            f"SELECT team_id, min(added_at) AS first, max(id) AS last FROM articles WHERE id IN ({marks}) GROUP BY team_id",
            missing,
        )
        backlog = set(missing)
        for span in spans:
            since = iso(_parse_utc(span["first"]) - WINDOW)
            backlog.update(r["id"] for r in archive.query(
                "SELECT a.id FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id "
                "WHERE a.team_id = ? AND a.added_at >= ? AND a.id <= ? AND s.article_id IS NULL",
                (span["team_id"], since, span["last"]),
            ))
        assign_stories(archive, backlog)
        have = stories_of(archive, ids)  # after any merge the backlog caused
    return have


def stories_of(archive: Archive, article_ids: Iterable[int]) -> dict[int, int]:
    """{article_id: story_id} for the given articles that have a story."""
    ids = list(dict.fromkeys(article_ids))
    out: dict[int, int] = {}
    for k in range(0, len(ids), BATCH):
        chunk = ids[k:k + BATCH]
        marks = ",".join("?" * len(chunk))
        out.update((r["article_id"], r["story_id"]) for r in archive.query(
            f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", chunk))
    return out


def resolve(archive: Archive, story_id: int) -> int:
    """The live story a (possibly merged) story id now stands for."""
    rows = archive.query("SELECT merged_into FROM stories WHERE id = ?", (story_id,))
    return rows[0]["merged_into"] if rows and rows[0]["merged_into"] else story_id


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
        return {"article_id": str(self.article_id), "outlet": self.outlet, "url": self.url,
                "title": self.title, "published": self.published, "at": iso(self.at)}

    @property
    def outlet_key(self) -> str:
        """Who published it, for counting outlets: the outlet, else the link's host, else the article."""
        if self.outlet:
            return self.outlet
        if self.url:
            host = re.sub(r"^[a-z]+://", "", self.url).split("/", 1)[0].lower()
            if host:
                return re.sub(r"^www\d?\.", "", host)
        return f"article {self.article_id}"


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
    ids = list(dict.fromkeys(story_ids))
    members: dict[int, list[Entry]] = {}
    for k in range(0, len(ids), BATCH):
        chunk = ids[k:k + BATCH]
        marks = ",".join("?" * len(chunk))
        for r in archive.query(
            "SELECT sa.story_id, sa.at, a.id, a.outlet, a.title, a.url, a.published, substr(a.text, 1, 400) AS opening "
            "FROM story_articles sa "
            f"JOIN articles a ON a.id = sa.article_id WHERE sa.story_id IN ({marks}) AND sa.team_id = ? "
            "AND sa.channel IN ('', ?)",
            (*chunk, scope.team_id, scope.channel_id),
        ):
            members.setdefault(r["story_id"], []).append(
                Entry(r["id"], r["outlet"], r["title"], r["url"], r["published"], _parse_utc(r["at"]), r["opening"]))
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
