"""The archive: every article Copydesk has seen, in one SQLite file (WAL, foreign keys on).

One `Archive` per process is shared by threads (the Slack app's workers); a lock serialises use of
the connection. All writes of one operation happen in one transaction, so a failure changes nothing.
A write waits up to `busy_timeout` seconds (COPYDESK_BUSY_TIMEOUT) for another process's write
lock, then raises ArchiveBusy; reading never waits for a writer (WAL).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from copydesk.bot.errors import ArchiveBusy, ArchiveError
from copydesk.bot.model import Article, Indexed, Query, Scope

from . import schema

# A search term held by more archived articles than this is left out of the candidate query (its
# posting list would make the query's cost grow with the archive; such a term tells little), and so
# is a sentence fingerprint shared by more articles than this (boilerplate).
MAX_TERM_DOCS = 2_000
MAX_SENTENCE_DOCS = 200
# Opening checks the archive's integrity (PRAGMA quick_check) up to this size: the check reads the
# whole file, 8 s for a 100,000-article archive, a cost each command would pay.
QUICK_CHECK_MAX_BYTES = 64_000_000


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


DEFAULT_BUSY_TIMEOUT = 60.0  # seconds a write waits for another process's write lock


def _is_busy(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def _visible_sql(alias: str = "a") -> str:
    return f"{alias}.team_id = :team AND ({alias}.is_private = 0 OR {alias}.channel_id = :channel)"


class Archive:
    def __init__(self, conn: sqlite3.Connection, path: str, busy_timeout: float = DEFAULT_BUSY_TIMEOUT):
        self.conn = conn
        self.path = path
        self.busy_timeout = busy_timeout
        self.lock = threading.RLock()

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | os.PathLike, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Archive:
        """Open (creating and migrating as needed). Raises ArchiveError with a one-line reason
        (ArchiveBusy when a migration waited `busy_timeout` seconds for the write lock)."""
        path = str(path)
        p = Path(path)
        if p.is_dir():
            raise ArchiveError(f"the archive path {path} is a directory, not a database file")
        if p.exists() and not os.access(p, os.W_OK):
            raise ArchiveError(f"the archive {path} is not writable")
        if not p.exists() and not os.access(p.parent if str(p.parent) else Path("."), os.W_OK):
            raise ArchiveError(f"cannot create the archive {path}: its folder is not writable")
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open the archive {path}: {exc}") from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise ArchiveError(f"the archive {path} cannot use write-ahead logging ({mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            schema.register_functions(conn)
            schema.migrate(conn)
            # the full check reads every page: at open only while that is quick (a large archive's
            # damaged page is still reported, as an error, by the statement that reads it)
            pages = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
            if pages <= QUICK_CHECK_MAX_BYTES and conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise ArchiveError(f"the archive {path} is damaged (integrity check failed)")
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _is_busy(exc):
                raise ArchiveBusy() from None
            msg = str(exc)
            if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
                raise ArchiveError(f"the archive {path} is not a Copydesk database or is corrupt") from None
            if "readonly" in msg or "unable to open" in msg:
                raise ArchiveError(f"the archive {path} is not writable") from None
            raise ArchiveError(f"cannot open the archive {path}: {msg}") from None
        except (ArchiveError, RuntimeError) as exc:
            conn.close()
            raise ArchiveError(str(exc)) from None
        return cls(conn, path, busy_timeout)

    def prepare_bulk_writes(self) -> None:
        """For a process that stores many articles (a backfill): a page cache that holds the
        indexes' working set (128 MiB at most, instead of SQLite's 2 MiB), and reads through a
        memory map. At 100,000 articles each stored article otherwise rereads index pages from
        the operating system (2.8 ms of CPU per article stored, 2.4 ms with these)."""
        with self.lock:
            self.conn.execute("PRAGMA cache_size = -131072")
            self.conn.execute("PRAGMA mmap_size = 1073741824")

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a transaction opened inside another joins it (all or nothing)."""
        with self.lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise ArchiveBusy() from None
                raise
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def readable(self) -> bool:
        """True when the archive answers a query (the health check)."""
        return self.query("SELECT 1 AS ok")[0]["ok"] == 1

    @property
    def db(self):
        """The connection as a sqlite-utils Database (imported on first use: the CLI starts faster)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def query(self, sql: str, params=()) -> list[dict]:
        """Rows as dicts (column name: value)."""
        with self.lock:
            cur = self.conn.execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    # ---------------------------------------------------------------- articles
    def find_existing(self, article: Article, team_id: str, text_hash: str) -> int | None:
        """The id of a stored article with the same URL or the same cleaned text (`text_hash`, the
        hash of its normal form), in this workspace."""
        rows = self.query(
            "SELECT id FROM articles WHERE team_id = :team AND (text_hash = :hash OR (url IS NOT NULL AND url = :url)) "
            "ORDER BY id LIMIT 1",
            {"team": team_id, "hash": text_hash, "url": article.url},
        )
        return rows[0]["id"] if rows else None

    def add(
        self, article: Article, scope: Scope = Scope(), message_ts: str | None = None, *, index: Indexed
    ) -> tuple[int, bool]:
        """Store an article (once per workspace) with what `index` says of it (its text hash,
        sentences and search terms, bot/language/terms.index). Returns (id, created). Also records
        the Slack sighting."""
        now = utcnow()
        digest = index.text_hash
        with self.transaction() as conn:
            existing = self.find_existing(article, scope.team_id, digest)
            if existing is not None:
                article_id, created = existing, False
            else:
                cur = conn.execute(
                    "INSERT INTO articles (team_id, channel_id, is_private, url, outlet, title, author, published, "
                    "text, text_hash, words, added_at, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        scope.team_id,
                        scope.channel_id,
                        int(scope.is_private),
                        article.url,
                        article.outlet,
                        article.title,
                        article.author,
                        article.published,
                        schema.pack_text(article.text),
                        digest,
                        article.words,
                        now,
                        json.dumps(article.meta, ensure_ascii=False),
                    ),
                )
                article_id, created = cur.lastrowid, True
                conn.executemany(
                    'INSERT INTO sentences (article_id, idx, start, "end", fp) VALUES (?,?,?,?,?)',
                    [(article_id, i, a, b, fp) for i, (a, b, fp) in enumerate(index.sentences)],
                )
                conn.executemany(
                    "INSERT INTO term_docs (team_id, term, docs) VALUES (?, ?, 1) "
                    "ON CONFLICT (team_id, term) DO UPDATE SET docs = docs + 1",
                    [(scope.team_id, t) for t in index.terms],
                )
            if message_ts is not None:
                conn.execute(
                    "INSERT OR IGNORE INTO sightings (article_id, team_id, channel_id, is_private, message_ts, seen_at) "
                    "VALUES (?,?,?,?,?,?)",
                    (article_id, scope.team_id, scope.channel_id, int(scope.is_private), message_ts, now),
                )
        article.id = article_id
        return article_id, created

    def _row_to_article(self, row: dict) -> Article:
        return Article(
            text=schema.unpack_text(row["text"]) or "",
            title=row["title"],
            outlet=row["outlet"],
            url=row["url"],
            published=row["published"],
            author=row["author"],
            meta=json.loads(row["meta"] or "{}"),
            id=row["id"],
            added_at=row["added_at"],
            team_id=row["team_id"],
            channel_id=row["channel_id"],
            is_private=bool(row["is_private"]),
        )

    def get(self, article_id: int) -> Article | None:
        rows = self.query("SELECT * FROM articles WHERE id = ?", (article_id,))
        return self._row_to_article(rows[0]) if rows else None

    def get_many(self, ids: Iterable[int]) -> dict[int, Article]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.query(f"SELECT * FROM articles WHERE id IN ({marks})", ids)
        return {r["id"]: self._row_to_article(r) for r in rows}

    def count(self, team_id: str | None = None) -> int:
        if team_id is None:
            return self.query("SELECT count(*) AS n FROM articles")[0]["n"]
        return self.query("SELECT count(*) AS n FROM articles WHERE team_id = ?", (team_id,))[0]["n"]

    def delete(self, article_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def forget_message(self, team_id: str, channel_id: str, message_ts: str) -> int:
        """Forget a deleted Slack message: its sighting, and its article if no other message holds it.
        Returns the number of articles removed."""
        with self.transaction() as conn:
            rows = conn.execute(
                "SELECT article_id FROM sightings WHERE team_id=? AND channel_id=? AND message_ts=?",
                (team_id, channel_id, message_ts),
            ).fetchall()
            conn.execute(
                "DELETE FROM sightings WHERE team_id=? AND channel_id=? AND message_ts=?",
                (team_id, channel_id, message_ts),
            )
            removed = 0
            for (article_id,) in rows:
                left = conn.execute("SELECT count(*) FROM sightings WHERE article_id=?", (article_id,)).fetchone()[0]
                if not left:
                    conn.execute("DELETE FROM articles WHERE id=?", (article_id,))
                    removed += 1
            return removed

    def purge_team(self, team_id: str) -> int:
        """Remove everything stored for a workspace (on uninstall or token revocation): every row
        of a table with a team_id column (events and jobs included, and events recorded before
        events had one), its FTS rows (the index is merged so no deleted entry stays in it), with
        deleted content overwritten; then `scrub` leaves no text in free pages or the WAL.
        Returns the number of articles removed."""
        with self.lock:
            secure = self.conn.execute("PRAGMA secure_delete").fetchone()[0]
            self.conn.execute("PRAGMA secure_delete = ON")
            try:
                with self.transaction() as conn:
                    n = conn.execute("DELETE FROM articles WHERE team_id=?", (team_id,)).rowcount
                    conn.execute("DELETE FROM sightings WHERE team_id=?", (team_id,))
                    for table in self.team_tables():
                        conn.execute(f"DELETE FROM {table} WHERE team_id=?", (team_id,))
                    conn.execute(
                        "DELETE FROM events WHERE substr(key, 1, ?) = ?", (len(team_id) + 5, f"msg:{team_id}:")
                    )
                    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
            finally:
                self.conn.execute(f"PRAGMA secure_delete = {int(secure)}")
            self.scrub()
            return n

    def scrub(self) -> None:
        """Leave no deleted content in the file: VACUUM (no free pages left), then a checkpoint
        that truncates the WAL (retried while another process still reads an older snapshot)."""
        with self.lock:
            self.conn.execute("VACUUM")
            for _ in range(50):
                busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                if not busy:
                    return
                time.sleep(0.1)

    def team_tables(self) -> list[str]:
        """Tables other than articles/sightings that hold per-workspace rows (a team_id column)."""
        names = [
            r["name"]
            for r in self.query(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('articles','sightings') "
                "AND name NOT LIKE 'articles_fts%'"
            )
        ]
        return [n for n in names if "team_id" in {c["name"] for c in self.query(f"PRAGMA table_info({n})")}]

    # ---------------------------------------------------------------- candidates
    def candidates(
        self,
        query: Query,
        scope: Scope,
        *,
        limit: int = 30,
        exclude: Iterable[int] = (),
        before_id: int | None = None,
        ignore_terms: Iterable[Iterable[str]] = (),
    ) -> list[int]:
        """Earlier articles visible in `scope` that may share text or subject with the text `query`
        describes (bot/language/terms.query), best first: articles sharing an exact sentence
        (fingerprint index), then the best BM25 matches of the text's distinctive terms (FTS5).
        Never a scan of the archive: each lookup reads only the index entries of the fingerprints
        and terms it asks for, and those shared by very many articles are left out. `before_id`
        keeps only articles archived before that one."""
        excluded = set(exclude)
        params = {"team": scope.team_id, "channel": scope.channel_id, "before": before_id or 2**62}
        found: dict[int, float] = {}
        if query.fingerprints:
            values = ",".join(f"({int(f)})" for f in query.fingerprints)
            for row in self.query(
                f"WITH q(fp) AS (VALUES {values}) "
                f"SELECT s.article_id AS id, count(*) AS n FROM q CROSS JOIN sentences s ON s.fp = q.fp "
                f"JOIN articles a ON a.id = s.article_id "
                f"WHERE (SELECT count(*) FROM (SELECT 1 FROM sentences WHERE fp = q.fp LIMIT {MAX_SENTENCE_DOCS + 1})) "
                f"<= {MAX_SENTENCE_DOCS} AND {_visible_sql()} AND a.id < :before "
                f"GROUP BY s.article_id ORDER BY n DESC LIMIT :limit",
                {**params, "limit": limit},
            ):
                if row["id"] not in excluded:
                    found[row["id"]] = 1000.0 + row["n"]
        # an excluded article (the archived copy of this very text) must not make its own terms
        # look distinctive: the rest of the coverage is what is searched (`ignore_terms`: the
        # excluded articles' terms, computed by the engine)
        terms = self.distinctive_terms(query.terms, ignore=ignore_terms, team_id=scope.team_id)
        if terms:
            match = " OR ".join(f'"{t}"' for t in terms)
            for row in self.query(
                f"SELECT a.id AS id, f.rank AS rank FROM articles_fts f JOIN articles a ON a.id = f.rowid "
                f"WHERE articles_fts MATCH :match AND {_visible_sql()} AND a.id < :before ORDER BY f.rank LIMIT :limit",
                {**params, "match": match, "limit": limit + len(excluded)},
            ):
                if row["id"] not in excluded and row["id"] not in found:
                    found[row["id"]] = -row["rank"]
        ranked = sorted(found, key=lambda i: -found[i])
        return ranked[:limit]

    def distinctive_terms(
        self, counts: dict[str, int], most: int = 16, ignore: Iterable[Iterable[str]] = (), team_id: str = ""
    ) -> list[str]:
        """The most distinctive of a text's terms (term: frequency in the text) against the
        document frequencies of the workspace's archived articles (term_docs, one indexed lookup
        per term), not counting the archived articles whose terms are in `ignore`."""
        if not counts:
            return []
        words = list(counts)[:900]
        marks = ",".join("?" * len(words))
        df = {
            r["term"]: r["docs"]
            for r in self.query(
                f"SELECT term, docs FROM term_docs WHERE team_id = ? AND term IN ({marks})", [team_id, *words]
            )
        }
        for other in ignore:
            for t in set(other) & df.keys():
                df[t] -= 1
        total = self.query("SELECT max(id) AS n FROM articles")[0]["n"] or 0
        # frequent in the text, rare in the archive (tf-idf); terms no archived article has
        # cannot find anything and are left out, and so are terms too common to tell
        scored = {
            t: tf * math.log((total + 1) / df[t]) for t, tf in counts.items() if df.get(t) and df[t] <= MAX_TERM_DOCS
        }
        return sorted(scored, key=lambda t: -scored[t])[:most]

    # ---------------------------------------------------------------- cached analysis
    def nlp_cache_get(self, ids: Iterable[int], version: str) -> dict[int, dict]:
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.query(
            f"SELECT article_id, data FROM article_nlp WHERE version = ? AND article_id IN ({marks})", [version, *ids]
        )
        return {r["article_id"]: _unpack(r["data"]) for r in rows}

    def nlp_cache_put(self, items: dict[int, dict], version: str) -> None:
        """Cache features (zlib-compressed JSON: a tenth of the space of the JSON text). Only a
        cache: outside a transaction it never waits for another process's write lock (skipped
        then), so a read-only analysis never waits."""
        if not items:
            return
        with self.lock:
            waits = self.conn.in_transaction
            if not waits:
                self.conn.execute("PRAGMA busy_timeout = 0")
            try:
                with self.transaction() as conn:
                    conn.executemany(
                        "INSERT OR REPLACE INTO article_nlp (article_id, version, data) "
                        "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?)",
                        [(i, version, _pack(d), i) for i, d in items.items()],
                    )
            except ArchiveBusy:
                pass
            finally:
                if not waits:
                    self.conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    def lacking_features(self, version: str, limit: int, before_id: int | None = None) -> list[int]:
        """Up to `limit` archived articles without cached features of `version`, most recent
        (highest id) first, below `before_id` when given: the enrichment's next batch."""
        return [
            r["id"]
            for r in self.query(
                "SELECT a.id FROM articles a WHERE a.id < ? AND NOT EXISTS "
                "(SELECT 1 FROM article_nlp n WHERE n.article_id = a.id AND n.version = ?) ORDER BY a.id DESC LIMIT ?",
                (before_id or 2**62, version, limit),
            )
        ]

    def lacking_reports(self, version: str, since: str, limit: int, before_id: int | None = None) -> list[int]:
        """Up to `limit` articles archived at or after `since` (UTC ISO) without a cached report of
        `version`, most recent first, below `before_id` when given: the enrichment's report batch."""
        return [
            r["id"]
            for r in self.query(
                "SELECT a.id FROM articles a WHERE a.id < ? AND a.added_at >= ? AND NOT EXISTS "
                "(SELECT 1 FROM reports r WHERE r.article_id = a.id AND r.version = ?) ORDER BY a.id DESC LIMIT ?",
                (before_id or 2**62, since, version, limit),
            )
        ]

    def count_lacking_features(self, version: str) -> int:
        """How many archived articles have no cached features of `version`."""
        return self.query(
            "SELECT count(*) AS n FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_nlp n WHERE n.article_id = a.id AND n.version = ?)",
            (version,),
        )[0]["n"]

    def save_report(self, article_id: int, version: str, report: dict) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO reports (article_id, version, created_at, data) "
                "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?)",
                (article_id, version, utcnow(), json.dumps(report, ensure_ascii=False), article_id),
            )

    def get_report(self, article_id: int, version: str) -> dict | None:
        rows = self.query("SELECT data FROM reports WHERE article_id = ? AND version = ?", (article_id, version))
        return json.loads(rows[0]["data"]) if rows else None

    # ---------------------------------------------------------------- Slack delivery
    def claim_event(self, *keys: str, team_id: str = "") -> bool:
        """Record delivered events (of workspace `team_id`); True only the first time any of `keys`
        is seen (atomic, persistent)."""
        with self.transaction() as conn:
            placeholders = ",".join("?" * len(keys))
            if conn.execute(f"SELECT 1 FROM events WHERE key IN ({placeholders})", keys).fetchone():
                return False
            now = utcnow()
            conn.executemany(
                "INSERT INTO events (key, seen_at, team_id) VALUES (?, ?, ?)", [(k, now, team_id) for k in keys]
            )
            return True

    # ---------------------------------------------------------------- the daily digest
    def articles_seen(self, scope: Scope, start: str, end: str) -> list[Article]:
        """The articles seen in [start, end) (UTC ISO timestamps) that a digest for `scope` covers:
        those first archived then, or posted then in the scope's channel or in a public channel of
        its workspace, and visible in the scope (a private channel's articles only in that channel).
        In archive order."""
        rows = self.query(
            "SELECT a.* FROM articles a WHERE a.id IN ("
            "  SELECT id FROM articles WHERE team_id = :team AND added_at >= :start AND added_at < :end"
            "  UNION"
            "  SELECT article_id FROM sightings WHERE team_id = :team AND seen_at >= :start AND seen_at < :end"
            "  AND (is_private = 0 OR channel_id = :channel)"
            f") AND {_visible_sql()} ORDER BY a.id",
            {"team": scope.team_id, "channel": scope.channel_id, "start": start, "end": end},
        )
        return [self._row_to_article(r) for r in rows]

    def subscribe_digest(
        self, team_id: str, channel_id: str, time: str, tz: str | None, quiet: bool, user_id: str | None = None
    ) -> None:
        """Create or replace a channel's daily digest subscription (`time` HH:MM in zone `tz`)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO digest_subscriptions (team_id, channel_id, time, tz, quiet, created_by, updated_at) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT (team_id, channel_id) DO UPDATE SET time = excluded.time, "
                "tz = excluded.tz, quiet = excluded.quiet, created_by = excluded.created_by, "
                "updated_at = excluded.updated_at",
                (team_id, channel_id, time, tz, int(quiet), user_id, utcnow()),
            )

    def set_digest_quiet(self, team_id: str, channel_id: str, quiet: bool) -> bool:
        """Turn quiet days on or off for a subscription; False when the channel has none."""
        with self.transaction() as conn:
            return (
                conn.execute(
                    "UPDATE digest_subscriptions SET quiet = ? WHERE team_id = ? AND channel_id = ?",
                    (int(quiet), team_id, channel_id),
                ).rowcount
                > 0
            )

    def unsubscribe_digest(self, team_id: str, channel_id: str) -> bool:
        """Remove a channel's subscription; False when it had none."""
        with self.transaction() as conn:
            return (
                conn.execute(
                    "DELETE FROM digest_subscriptions WHERE team_id = ? AND channel_id = ?", (team_id, channel_id)
                ).rowcount
                > 0
            )

    def digest_subscriptions(self, team_id: str | None = None) -> list[dict]:
        """Subscriptions (all, or one workspace's) as rows of digest_subscriptions."""
        if team_id is None:
            return self.query("SELECT * FROM digest_subscriptions ORDER BY team_id, channel_id")
        return self.query("SELECT * FROM digest_subscriptions WHERE team_id = ? ORDER BY channel_id", (team_id,))

    def digest_subscription(self, team_id: str, channel_id: str) -> dict | None:
        rows = self.query(
            "SELECT * FROM digest_subscriptions WHERE team_id = ? AND channel_id = ?", (team_id, channel_id)
        )
        return rows[0] if rows else None

    def claim_digest(self, team_id: str, channel_id: str, day: str) -> bool:
        """Claim the posting of a channel's digest for a day, before posting it. True only for the
        first claimant, across threads and processes sharing the file (the primary key decides)."""
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO digest_posts (team_id, channel_id, day, claimed_at, status) VALUES (?,?,?,?,?)",
                    (team_id, channel_id, day, utcnow(), "claimed"),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def finish_digest(
        self, team_id: str, channel_id: str, day: str, status: str, ts: str | None = None, detail: str | None = None
    ) -> None:
        """Record how a claimed posting ended: posted (with the message ts), quiet or failed."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE digest_posts SET status = ?, ts = ?, detail = ? WHERE team_id = ? AND channel_id = ? AND day = ?",
                (status, ts, detail, team_id, channel_id, day),
            )

    def digest_post(self, team_id: str, channel_id: str, day: str) -> dict | None:
        rows = self.query(
            "SELECT * FROM digest_posts WHERE team_id = ? AND channel_id = ? AND day = ?", (team_id, channel_id, day)
        )
        return rows[0] if rows else None


def _pack(data: dict) -> bytes:
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def _unpack(data: bytes | str) -> dict:
    """Cached features: compressed JSON, or JSON text as archives before compression held."""
    return json.loads(zlib.decompress(data) if isinstance(data, bytes) else data)
