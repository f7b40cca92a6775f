"""The archive's schema: the one place that creates and migrates tables.

The schema version lives in SQLite's `PRAGMA user_version`; each migration moves it one step and
runs in one transaction, so a database is never left half-migrated.
"""

from __future__ import annotations

import sqlite3

# Each entry migrates from version i to i + 1.
MIGRATIONS: list[str] = [
    # 1: articles, their sentences with fingerprints, the candidate index (FTS5), cached NLP,
    #    Slack sightings and delivered events.
    """
    CREATE TABLE articles (
        id          INTEGER PRIMARY KEY,
        team_id     TEXT    NOT NULL DEFAULT '',
        channel_id  TEXT    NOT NULL DEFAULT '',
        is_private  INTEGER NOT NULL DEFAULT 0,
        url         TEXT,
        outlet      TEXT,
        title       TEXT,
        author      TEXT,
        published   TEXT,
        text        TEXT    NOT NULL,
        text_hash   TEXT    NOT NULL,
        words       INTEGER NOT NULL,
        added_at    TEXT    NOT NULL,
        meta        TEXT    NOT NULL DEFAULT '{}'
    );
    CREATE UNIQUE INDEX articles_team_hash ON articles(team_id, text_hash);
    CREATE UNIQUE INDEX articles_team_url ON articles(team_id, url) WHERE url IS NOT NULL;
    CREATE INDEX articles_added ON articles(team_id, added_at);

    CREATE TABLE sentences (
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx         INTEGER NOT NULL,
        start       INTEGER NOT NULL,
        "end"       INTEGER NOT NULL,
        fp          INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    ) WITHOUT ROWID;
    CREATE INDEX sentences_fp ON sentences(fp);

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, coalesce(old.title, ''), old.text);
    END;

    CREATE TABLE article_nlp (
        article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        version     TEXT NOT NULL,
        data        TEXT NOT NULL
    );

    CREATE TABLE sightings (
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        team_id     TEXT NOT NULL,
        channel_id  TEXT NOT NULL,
        is_private  INTEGER NOT NULL DEFAULT 0,
        message_ts  TEXT NOT NULL,
        seen_at     TEXT NOT NULL,
        PRIMARY KEY (team_id, channel_id, message_ts)
    );
    CREATE INDEX sightings_article ON sightings(article_id);
    CREATE INDEX sightings_seen ON sightings(team_id, seen_at);

    CREATE TABLE events (
        key      TEXT PRIMARY KEY,
        seen_at  TEXT NOT NULL
    );
    """,
    # 2: cached reports: the analysis of an archived article against the coverage archived before it
    #    (what the thread reply said; what the digest summarises).
    """
    CREATE TABLE reports (
        article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        version     TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        data        TEXT NOT NULL
    );
    """,
]

VERSION = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to VERSION. Returns the version it had. Refuses a newer database."""
    current = version(conn)
    if current > VERSION:
        raise RuntimeError(f"archive schema version {current} is newer than this Copydesk ({VERSION})")
    for target in range(current + 1, VERSION + 1):
        script = MIGRATIONS[target - 1]
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers hold semicolons until their END)."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        chunk = "\n".join(buf).strip()
        if chunk.endswith(";") and sqlite3.complete_statement(chunk):
            out.append(chunk)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out
