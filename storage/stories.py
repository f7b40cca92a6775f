"""The stories' tables: which story each archived article belongs to, and the index that matches a
new article with the coverage around it (bot/analysis/stories.py decides the grouping; this module
only reads and writes).

Tables (storage/schema.py): `stories` (one row per story; `merged_into` points to the story it was
merged into), `story_articles` (an article's story, its time `at`, the channel that may see it:
'' when public) and `story_keys` (the names and figures of each assigned article, by workspace
and time, for the matching lookups).

Functions taking `conn` run inside the caller's open transaction (`Archive.transaction()`), so an
assignment is all or nothing; those taking the `archive` read on their own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from . import schema
from .archive import Archive

BATCH = 500  # ids per IN (...) list


def _chunks(ids: list[int]) -> Iterator[tuple[list[int], str]]:
    for k in range(0, len(ids), BATCH):
        chunk = ids[k : k + BATCH]
        yield chunk, ",".join("?" * len(chunk))


@dataclass(frozen=True)
class Window:
    """What one article is matched against: the assigned articles of its workspace that `channel`
    may see ('' for a public article: public ones only) and whose time is near its own. Times are
    UTC ISO. A dated article (its publication date known) is near another dated one published in
    [start, end], and near an undated one archived in [added_start, added_end]; an undated article
    (`dated` False) is near any article archived in [added_start, added_end]."""

    team_id: str
    channel: str
    dated: bool
    start: str
    end: str
    added_start: str
    added_end: str
    dated_articles: int = -1  # how many dated articles are near (window_near counts them; -1: not counted)
    undated_articles: int = -1  # how many undated articles are near

    @property
    def size(self) -> int:
        """How many assigned articles are in the window (whatever channel may see them)."""
        return max(0, self.dated_articles) + max(0, self.undated_articles)

    def sql(self, alias: str) -> str:
        """The condition on a story_keys or story_articles row `alias` (named parameters of params())."""
        near_added = f"{alias}.added BETWEEN :added_start AND :added_end"
        visible = f"{alias}.team_id = :team AND {alias}.channel IN ('', :channel)"
        if not self.dated:
            return f"{visible} AND {near_added}"
        if not self.undated_articles:
            return f"{visible} AND {alias}.dated = 1 AND {alias}.at BETWEEN :start AND :end"
        return (
            f"{visible} AND (({alias}.dated = 1 AND {alias}.at BETWEEN :start AND :end) "
            f"OR ({alias}.dated = 0 AND {near_added}))"
        )

    def params(self) -> dict[str, str | int]:
        return {
            "team": self.team_id,
            "channel": self.channel,
            "start": self.start,
            "end": self.end,
            "added_start": self.added_start,
            "added_end": self.added_end,
            "added_start_s": _seconds(self.added_start),
            "added_end_s": _seconds(self.added_end),
        }


def _seconds(value: str) -> int:
    """A UTC ISO time as seconds since 1970 (story_keys.added_s)."""
    dt = datetime.fromisoformat(value)
    return int((dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp())


def _named(keys: list[str]) -> tuple[str, dict[str, str]]:
    return ",".join(f":k{i}" for i in range(len(keys))), {f"k{i}": k for i, k in enumerate(keys)}


# ---------------------------------------------------------------- assignment (inside a transaction)
def articles_to_assign(conn: sqlite3.Connection, article_ids: list[int]) -> list[dict]:
    """The archived articles among `article_ids` with what assignment needs, in archive order:
    {"id", "team_id", "channel_id", "is_private", "text", "published", "added_at"}."""
    out: list[dict] = []
    for chunk, marks in _chunks(article_ids):
        for r in conn.execute(
            f"SELECT id, team_id, channel_id, is_private, text, published, added_at FROM articles WHERE id IN ({marks})",
            chunk,
        ):
            out.append(
                {
                    "id": r[0],
                    "team_id": r[1],
                    "channel_id": r[2],
                    "is_private": bool(r[3]),
                    "text": schema.unpack_text(r[4]),
                    "published": r[5],
                    "added_at": r[6],
                }
            )
    return sorted(out, key=lambda r: r["id"])


def story_of(conn: sqlite3.Connection, article_id: int) -> int | None:
    """The story an article was assigned to, or None."""
    found = conn.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)).fetchone()
    return found[0] if found else None


def sentence_spans(conn: sqlite3.Connection, article_id: int) -> list[tuple[int, int, int]]:
    """The article's sentences as the archive split and fingerprinted them: [(start, end, fp)]."""
    return conn.execute(
        'SELECT start, "end", fp FROM sentences WHERE article_id = ? ORDER BY idx', (article_id,)
    ).fetchall()


def window_near(
    conn: sqlite3.Connection,
    team_id: str,
    channel: str,
    dated: bool,
    start: str,
    end: str,
    added_start: str,
    added_end: str,
) -> Window:
    """The Window of an article (see Window), with its dated and undated articles counted
    (whatever channel may see them): one index range each."""
    window = Window(team_id, channel, dated, start, end, added_start, added_end)
    near = "at BETWEEN :start AND :end" if dated else "added BETWEEN :added_start AND :added_end"
    n_dated, n_undated = conn.execute(
        f"SELECT (SELECT count(*) FROM story_articles WHERE team_id = :team AND dated = 1 AND {near}),"
        " (SELECT count(*) FROM story_articles WHERE team_id = :team AND dated = 0 "
        "AND added BETWEEN :added_start AND :added_end)",
        window.params(),
    ).fetchone()
    return replace(window, dated_articles=n_dated, undated_articles=n_undated)


def _keys_in_window(keys: list[str], window: Window, what: str, tail: str = "") -> tuple[str, dict]:
    """A query over the window's story_keys rows carrying any of `keys`, as one index range per
    part (UNION ALL of disjoint parts): dated articles by publication time (or archive time, for an
    undated article), undated ones by archive time."""
    marks, named = _named(keys)

    def part(index: str, condition: str) -> str:
        return (
            f"SELECT {what} FROM story_keys k {index} WHERE k.key IN ({marks}) AND k.team_id = :team "
            f"AND k.channel IN ('', :channel) AND {condition}{tail}"
        )

    by_added = "INDEXED BY story_keys_added"
    added = "k.added_s BETWEEN :added_start_s AND :added_end_s"
    parts = []
    if window.dated_articles:  # (a part known to hold no article is left out)
        parts.append(
            part("", "k.dated = 1 AND k.at BETWEEN :start AND :end")
            if window.dated
            else part(by_added, f"k.dated = 1 AND {added}")
        )
    if window.undated_articles:
        parts.append(part(by_added, f"k.dated = 0 AND {added}"))
    return " UNION ALL ".join(parts), {**window.params(), **named}


def key_counts(conn: sqlite3.Connection, keys: list[str], window: Window) -> dict[str, int]:
    """For each of `keys`, how many articles of the window carry it (keys no article carries are absent)."""
    sql, params = _keys_in_window(keys, window, "k.key, count(*)", " GROUP BY k.key")
    if not keys or not sql:
        return {}
    counts: dict[str, int] = {}
    for key, n in conn.execute(sql, params):  # a key may come from both parts
        counts[key] = counts.get(key, 0) + n
    return counts


def articles_with_keys(
    conn: sqlite3.Connection, keys: list[str], window: Window, exclude: int
) -> list[tuple[str, int, int]]:
    """[(key, article_id, how often that article has the key)] for the window's articles (but
    `exclude`) carrying any of `keys`."""
    sql, params = _keys_in_window(keys, window, "k.key, k.article_id, k.n", " AND k.article_id != :exclude")
    if not keys or not sql:
        return []
    return conn.execute(sql, {**params, "exclude": exclude}).fetchall()


def articles_sharing_sentences(
    conn: sqlite3.Connection, fingerprints: list[int], window: Window, exclude: int
) -> dict[int, int]:
    """{article_id: how many of the sentence `fingerprints` it holds} for the window's articles but
    `exclude` (looked up by fingerprint first, then kept when in the window)."""
    if not fingerprints or not window.size:
        return {}
    marks = ",".join(str(int(f)) for f in dict.fromkeys(fingerprints))
    # CROSS JOIN: look the sentences up by fingerprint first, then keep those in the window
    return dict(
        conn.execute(
            f"SELECT s.article_id, count(DISTINCT s.fp) FROM sentences s CROSS JOIN story_articles sa "
            f"ON sa.article_id = s.article_id WHERE s.fp IN ({marks}) AND s.article_id != :exclude AND {window.sql('sa')} "
            f"GROUP BY s.article_id",
            {**window.params(), "exclude": exclude},
        )
    )


@dataclass(frozen=True)
class Assigned:
    """An article's place in its story, as matching needs it."""

    article_id: int
    story_id: int
    at: str  # its story time: published, else archived
    added: str  # when it was archived
    dated: bool  # its publication date is known
    keys: int  # how many keys it has
    norm: float | None  # the length of its weighted key vector (None: assigned before weights)


def assignments(conn: sqlite3.Connection, article_ids: list[int]) -> list[Assigned]:
    """The assigned articles among `article_ids`."""
    out: list[Assigned] = []
    for chunk, marks in _chunks(article_ids):
        out.extend(
            Assigned(r[0], r[1], r[2], r[3] or r[2], bool(r[4]), r[5], r[6])
            for r in conn.execute(
                f"SELECT article_id, story_id, at, added, dated, keys, norm FROM story_articles WHERE article_id IN ({marks})",
                chunk,
            )
        )
    return out


def open_story(conn: sqlite3.Connection, team_id: str, created_at: str) -> int:
    """A new, empty story of the workspace; returns its id."""
    return conn.execute("INSERT INTO stories (team_id, created_at) VALUES (?, ?)", (team_id, created_at)).lastrowid


def add_to_story(
    conn: sqlite3.Connection,
    article_id: int,
    story_id: int,
    *,
    team_id: str,
    channel: str,
    at: str,
    added: str,
    dated: bool,
    keys: dict[str, int],
    norm: float | None,
    score: float,
) -> None:
    """Record an article in its story: its story time `at`, when it was archived, whether its
    publication date is known, the channel that may see it ('' public), the similarity with which
    it joined (1.0: it opened the story), and its keys with their counts for later matching."""
    conn.execute(
        "INSERT INTO story_articles (article_id, story_id, team_id, channel, at, keys, score, added, dated, norm) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)",
        (article_id, story_id, team_id, channel, at, len(keys), score, added, int(dated), norm),
    )
    added_s = _seconds(added)
    conn.executemany(
        "INSERT OR IGNORE INTO story_keys (team_id, key, at, article_id, channel, added_s, dated, n) "
        "VALUES (?,?,?,?,?,?,?,?)",
        [(team_id, k, at, article_id, channel, added_s, int(dated), n) for k, n in keys.items()],
    )


def merge_stories(conn: sqlite3.Connection, keep: int, others: list[int]) -> None:
    """Move the articles of `others` into story `keep`; the merged stories (and any merged into
    them before) point to it."""
    if not others:
        return
    marks = ",".join("?" * len(others))
    conn.execute(f"UPDATE story_articles SET story_id = ? WHERE story_id IN ({marks})", (keep, *others))
    conn.execute(
        f"UPDATE stories SET merged_into = ? WHERE id IN ({marks}) OR merged_into IN ({marks})",
        (keep, *others, *others),
    )


# ---------------------------------------------------------------- reading
def stories_of(archive: Archive, article_ids: Iterable[int]) -> dict[int, int]:
    """{article_id: story_id} for the given articles that have a story."""
    out: dict[int, int] = {}
    for chunk, marks in _chunks(list(dict.fromkeys(article_ids))):
        out.update(
            (r["article_id"], r["story_id"])
            for r in archive.query(
                f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", chunk
            )
        )
    return out


def merged_into(archive: Archive, story_id: int) -> int | None:
    """The story that `story_id` was merged into, or None (a live or unknown story)."""
    rows = archive.query("SELECT merged_into FROM stories WHERE id = ?", (story_id,))
    return rows[0]["merged_into"] if rows and rows[0]["merged_into"] else None


def first_added(archive: Archive, article_ids: list[int]) -> list[tuple[str, str, int]]:
    """[(team_id, the earliest added_at, the highest id)] of the given articles, per workspace."""
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    return [
        (r["team_id"], r["first"], r["last"])
        for r in archive.query(
            f"SELECT team_id, min(added_at) AS first, max(id) AS last FROM articles WHERE id IN ({marks}) GROUP BY team_id",
            article_ids,
        )
    ]


def unassigned(archive: Archive, team_id: str, added_since: str, up_to_id: int) -> list[int]:
    """The workspace's articles without a story, archived at `added_since` or later, ids up to `up_to_id`."""
    return [
        r["id"]
        for r in archive.query(
            "SELECT a.id FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id "
            "WHERE a.team_id = ? AND a.added_at >= ? AND a.id <= ? AND s.article_id IS NULL",
            (team_id, added_since, up_to_id),
        )
    ]


def members(archive: Archive, story_ids: Iterable[int], team_id: str, channel_id: str) -> list[dict]:
    """The articles of the given stories that a channel of the workspace may see, as
    {"story_id", "at", "id", "outlet", "title", "url", "published", "opening"} (`opening`: the
    first 400 characters of the text)."""
    out: list[dict] = []
    for chunk, marks in _chunks(list(dict.fromkeys(story_ids))):
        out.extend(
            archive.query(
                "SELECT sa.story_id, sa.at, a.id, a.outlet, a.title, a.url, a.published, substr(copydesk_text(a.text), 1, 400) AS opening "
                "FROM story_articles sa "
                f"JOIN articles a ON a.id = sa.article_id WHERE sa.story_id IN ({marks}) AND sa.team_id = ? "
                "AND sa.channel IN ('', ?)",
                (*chunk, team_id, channel_id),
            )
        )
    return out
