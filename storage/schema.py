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
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE VIRTUAL TABLE articles_fts_vocab USING fts5vocab(articles_fts, 'row');
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
    # 3: stories (articles about the same event, grouped as they arrive: bot/analysis/stories.py) with their
    #    matching index, and the daily digest's subscriptions and posting claims (bot/app/scheduler.py).
    #    stories.merged_into: the story it was merged into (NULL while it is live).
    #    story_articles.at / story_keys.at: the article's time (published, else added_at), UTC ISO;
    #    channel (both tables): '' for an article of a public channel or the CLI, else its private
    #    channel (only that channel sees it); story_articles.keys: how many matching keys (names,
    #    figures) it has; .score: the similarity with which it joined its story (1.0: it opened it).
    #    digest_subscriptions.time: HH:MM in zone tz (NULL: COPYDESK_TZ, else the machine's);
    #    quiet: post nothing on a day without articles. digest_posts: one row per posting, claimed
    #    BEFORE posting (the primary key makes a second claim fail); status claimed|posted|quiet|failed.
    """
    CREATE TABLE stories (
        id          INTEGER PRIMARY KEY,
        team_id     TEXT    NOT NULL DEFAULT '',
        created_at  TEXT    NOT NULL,
        merged_into INTEGER
    );
    CREATE INDEX stories_team ON stories(team_id);

    CREATE TABLE story_articles (
        article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        team_id     TEXT    NOT NULL,
        channel     TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        keys        INTEGER NOT NULL,
        score       REAL    NOT NULL
    );
    CREATE INDEX story_articles_story ON story_articles(story_id, at);
    CREATE INDEX story_articles_team_at ON story_articles(team_id, at);

    CREATE TABLE story_keys (
        team_id     TEXT    NOT NULL,
        key         TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        channel     TEXT    NOT NULL,
        PRIMARY KEY (team_id, key, at, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX story_keys_article ON story_keys(article_id);

    CREATE TABLE digest_subscriptions (
        team_id     TEXT    NOT NULL,
        channel_id  TEXT    NOT NULL,
        time        TEXT    NOT NULL,
        tz          TEXT,
        quiet       INTEGER NOT NULL DEFAULT 0,
        created_by  TEXT,
        updated_at  TEXT    NOT NULL,
        PRIMARY KEY (team_id, channel_id)
    );

    CREATE TABLE digest_posts (
        team_id     TEXT    NOT NULL,
        channel_id  TEXT    NOT NULL,
        day         TEXT    NOT NULL,
        claimed_at  TEXT    NOT NULL,
        status      TEXT    NOT NULL,
        ts          TEXT,
        detail      TEXT,
        PRIMARY KEY (team_id, channel_id, day)
    );
    """,
    # 4: term_docs: how many archived articles (title or text) hold each search term (the weights of the
    #    candidate query, bot/language/terms.py), kept as articles are stored: counting them in the
    #    FTS index's vocabulary walked every term's whole posting list, a cost that grew with the
    #    archive. Filled here from that vocabulary for an existing archive. Deleting an article
    #    leaves its counts (like the article count the weights use, max(id), they only grow).
    """
    CREATE TABLE term_docs (
        term  TEXT PRIMARY KEY,
        docs  INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO term_docs (term, docs) SELECT term, doc FROM articles_fts_vocab WHERE length(term) >= 3;
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
