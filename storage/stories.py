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
from dataclasses import dataclass
from typing import Iterable, Iterator

from .archive import Archive

BATCH = 500  # ids per IN (...) list


def _chunks(ids: list[int]) -> Iterator[tuple[list[int], str]]:
    for k in range(0, len(ids), BATCH):
        chunk = ids[k:k + BATCH]
        yield chunk, ",".join("?" * len(chunk))


@dataclass(frozen=True)
class Window:
    """What one article is matched against: the assigned articles of its workspace whose time is
    in [start, end] (UTC ISO) and that `channel` may see ('' for a public article: public ones only)."""

    team_id: str
    start: str
    end: str
    channel: str

    def params(self) -> tuple[str, str, str, str]:
        return self.team_id, self.start, self.end, self.channel


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
            out.append({"id": r[0], "team_id": r[1], "channel_id": r[2], "is_private": bool(r[3]), "text": r[4],
                        "published": r[5], "added_at": r[6]})
    return sorted(out, key=lambda r: r["id"])


def story_of(conn: sqlite3.Connection, article_id: int) -> int | None:
    """The story an article was assigned to, or None."""
    found = conn.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)).fetchone()
    return found[0] if found else None


def sentence_spans(conn: sqlite3.Connection, article_id: int) -> list[tuple[int, int, int]]:
    """The article's sentences as the archive split and fingerprinted them: [(start, end, fp)]."""
    return conn.execute('SELECT start, "end", fp FROM sentences WHERE article_id = ? ORDER BY idx',
                        (article_id,)).fetchall()


def articles_in_window(conn: sqlite3.Connection, window: Window) -> int:
    """How many assigned articles of the window's workspace have their time in the window."""
    return conn.execute("SELECT count(*) FROM story_articles WHERE team_id = ? AND at BETWEEN ? AND ?",
                        window.params()[:3]).fetchone()[0]


def key_counts(conn: sqlite3.Connection, keys: list[str], window: Window) -> dict[str, int]:
    """For each of `keys`, how many articles of the window carry it (keys no article carries are absent)."""
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    return dict(conn.execute(
        f"SELECT key, count(*) FROM story_keys WHERE key IN ({marks}) AND team_id = ? AND at BETWEEN ? AND ? "
        f"AND channel IN ('', ?) GROUP BY key", (*keys, *window.params())))


def articles_with_keys(conn: sqlite3.Connection, keys: list[str], window: Window,
                       exclude: int) -> list[tuple[str, int]]:
    """[(key, article_id)] for the window's articles (but `exclude`) carrying any of `keys`."""
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    return conn.execute(
        f"SELECT key, article_id FROM story_keys WHERE key IN ({marks}) AND team_id = ? AND at BETWEEN ? AND ? "
        f"AND channel IN ('', ?) AND article_id != ?", (*keys, *window.params(), exclude)).fetchall()


def articles_sharing_sentences(conn: sqlite3.Connection, fingerprints: list[int], window: Window,
                               exclude: int) -> dict[int, int]:
    """{article_id: how many of the sentence `fingerprints` it holds} for the window's articles but
    `exclude` (looked up by fingerprint first, then kept when in the window)."""
    if not fingerprints:
        return {}
    marks = ",".join(str(int(f)) for f in dict.fromkeys(fingerprints))
    # CROSS JOIN: look the sentences up by fingerprint first, then keep those in the window
    return dict(conn.execute(
        f"SELECT s.article_id, count(DISTINCT s.fp) FROM sentences s CROSS JOIN story_articles sa "
        f"ON sa.article_id = s.article_id WHERE s.fp IN ({marks}) AND s.article_id != ? AND sa.team_id = ? "
        f"AND sa.at BETWEEN ? AND ? AND sa.channel IN ('', ?) GROUP BY s.article_id", (exclude, *window.params())))


def assignments(conn: sqlite3.Connection, article_ids: list[int]) -> list[tuple[int, int, str, int]]:
    """[(article_id, story_id, at, number of keys)] for the assigned articles among `article_ids`."""
    out: list[tuple[int, int, str, int]] = []
    for chunk, marks in _chunks(article_ids):
        out.extend(conn.execute(
            f"SELECT article_id, story_id, at, keys FROM story_articles WHERE article_id IN ({marks})", chunk))
    return out


def open_story(conn: sqlite3.Connection, team_id: str, created_at: str) -> int:
    """A new, empty story of the workspace; returns its id."""
    return conn.execute("INSERT INTO stories (team_id, created_at) VALUES (?, ?)", (team_id, created_at)).lastrowid


def add_to_story(conn: sqlite3.Connection, article_id: int, story_id: int, *, team_id: str, channel: str, at: str,
                 keys: list[str], score: float) -> None:
    """Record an article in its story with its time, the channel that may see it ('' public), the
    similarity with which it joined (1.0: it opened the story) and its keys for later matching."""
    conn.execute(
        "INSERT INTO story_articles (article_id, story_id, team_id, channel, at, keys, score) VALUES (?,?,?,?,?,?,?)",
        (article_id, story_id, team_id, channel, at, len(keys), score),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO story_keys (team_id, key, at, article_id, channel) VALUES (?,?,?,?,?)",
        [(team_id, k, at, article_id, channel) for k in keys],
    )


def merge_stories(conn: sqlite3.Connection, keep: int, others: list[int]) -> None:
    """Move the articles of `others` into story `keep`; the merged stories (and any merged into
    them before) point to it."""
    if not others:
        return
    marks = ",".join("?" * len(others))
    conn.execute(f"UPDATE story_articles SET story_id = ? WHERE story_id IN ({marks})", (keep, *others))
    conn.execute(f"UPDATE stories SET merged_into = ? WHERE id IN ({marks}) OR merged_into IN ({marks})",
                 (keep, *others, *others))


# ---------------------------------------------------------------- reading
def stories_of(archive: Archive, article_ids: Iterable[int]) -> dict[int, int]:
    """{article_id: story_id} for the given articles that have a story."""
    out: dict[int, int] = {}
    for chunk, marks in _chunks(list(dict.fromkeys(article_ids))):
        out.update((r["article_id"], r["story_id"]) for r in archive.query(
            f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", chunk))
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
    return [(r["team_id"], r["first"], r["last"]) for r in archive.query(
        f"SELECT team_id, min(added_at) AS first, max(id) AS last FROM articles WHERE id IN ({marks}) GROUP BY team_id",
        article_ids,
    )]


def unassigned(archive: Archive, team_id: str, added_since: str, up_to_id: int) -> list[int]:
    """The workspace's articles without a story, archived at `added_since` or later, ids up to `up_to_id`."""
    return [r["id"] for r in archive.query(
        "SELECT a.id FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id "
        "WHERE a.team_id = ? AND a.added_at >= ? AND a.id <= ? AND s.article_id IS NULL",
        (team_id, added_since, up_to_id),
    )]


def members(archive: Archive, story_ids: Iterable[int], team_id: str, channel_id: str) -> list[dict]:
    """The articles of the given stories that a channel of the workspace may see, as
    {"story_id", "at", "id", "outlet", "title", "url", "published", "opening"} (`opening`: the
    first 400 characters of the text)."""
    out: list[dict] = []
    for chunk, marks in _chunks(list(dict.fromkeys(story_ids))):
        out.extend(archive.query(
            "SELECT sa.story_id, sa.at, a.id, a.outlet, a.title, a.url, a.published, substr(a.text, 1, 400) AS opening "
            "FROM story_articles sa "
            f"JOIN articles a ON a.id = sa.article_id WHERE sa.story_id IN ({marks}) AND sa.team_id = ? "
            "AND sa.channel IN ('', ?)",
            (*chunk, team_id, channel_id),
        ))
    return out
