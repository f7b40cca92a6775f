"""The archive's schema: the one place that creates and migrates tables.

The schema version lives in SQLite's `PRAGMA user_version`; each migration moves it one step and
runs in one transaction, so a database is never left half-migrated.
"""

from __future__ import annotations

import sqlite3
import zlib

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
    # Slack messages that shared an article (storage/messages.py): who posted each (user_id) and its
    #    permalink (chat.getPermalink, cached: NULL until first asked), keyed like sightings; and the
    #    reports behind a reply's "Full report" button (reply_reports.key: the button's value, random;
    #    channel_id: where the reply was posted; message_ts: the message it answers, NULL for /compare;
    #    data: the report as shown, JSON).
    """
    CREATE TABLE IF NOT EXISTS shared_messages (
        team_id     TEXT NOT NULL,
        channel_id  TEXT NOT NULL,
        message_ts  TEXT NOT NULL,
        user_id     TEXT,
        permalink   TEXT,
        PRIMARY KEY (team_id, channel_id, message_ts)
    );

    CREATE TABLE IF NOT EXISTS reply_reports (
        key         TEXT PRIMARY KEY,
        team_id     TEXT NOT NULL,
        channel_id  TEXT NOT NULL,
        message_ts  TEXT,
        created_at  TEXT NOT NULL,
        data        TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS reply_reports_message ON reply_reports(team_id, channel_id, message_ts);
    CREATE INDEX IF NOT EXISTS reply_reports_team ON reply_reports(team_id, created_at);
    """,
    # OAuth distribution and per-workspace settings (storage/installations.py, storage/settings.py).
    #    installations: one row per workspace (enterprise_id '' outside Enterprise Grid) or per
    #    organisation (an org-wide install: team_id ''), the latest install; `secret` is the whole
    #    installation (tokens, refresh tokens, expiry) as JSON encrypted with COPYDESK_SECRET_KEY
    #    (Fernet); the other columns are plain so that rows can be found and listed.
    #    oauth_states: the install flow's single-use states, until expires_at (Unix seconds).
    #    workspace_settings: a workspace's settings (channel_id '') and a channel's overrides;
    #    a NULL column inherits (the workspace's value, else the default).
    """
    CREATE TABLE installations (
        enterprise_id          TEXT    NOT NULL DEFAULT '',
        team_id                TEXT    NOT NULL DEFAULT '',
        is_enterprise_install  INTEGER NOT NULL DEFAULT 0,
        team_name              TEXT,
        enterprise_name        TEXT,
        app_id                 TEXT,
        bot_user_id            TEXT,
        installer_user_id      TEXT,
        bot_token_expires_at   INTEGER,
        secret                 TEXT    NOT NULL,
        installed_at           TEXT    NOT NULL,
        updated_at             TEXT    NOT NULL,
        PRIMARY KEY (enterprise_id, team_id)
    );
    CREATE INDEX installations_team ON installations(team_id);

    CREATE TABLE oauth_states (
        state       TEXT PRIMARY KEY,
        expires_at  REAL NOT NULL
    );

    CREATE TABLE workspace_settings (
        team_id            TEXT    NOT NULL,
        channel_id         TEXT    NOT NULL DEFAULT '',
        recency_days       INTEGER,
        copy_threshold     INTEGER,
        min_passage_words  INTEGER,
        min_article_words  INTEGER,
        answer_mode        TEXT,
        updated_by         TEXT,
        updated_at         TEXT    NOT NULL,
        PRIMARY KEY (team_id, channel_id)
    );
    """,
    # the durable work queue (storage/jobs.py): every Slack event or command that needs slow work
    #    is a job, stored in the transaction that records the event as seen, before Slack is
    #    acknowledged. state: queued -> running -> done | failed (a running job of a process that
    #    died is queued again when `serve` starts). attempts: how often it was taken. reply: the
    #    message about to be posted (JSON), written just BEFORE posting, so that a job resumed with
    #    a reply set looks for it in Slack before posting again; payload and reply are emptied when
    #    the job is done. events.team_id: the workspace of a seen event, so that a purge removes it.
    #    AUTOINCREMENT: a job id is never reused (a purge deletes the running job's row; its finish
    #    must not land on a newer job that got the same id).
    """
    ALTER TABLE events ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
    UPDATE events SET team_id = substr(key, 5, instr(substr(key, 5), ':') - 1) WHERE key LIKE 'msg:%:%';
    CREATE INDEX events_team ON events(team_id);

    CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        team_id     TEXT    NOT NULL DEFAULT '',
        channel_id  TEXT    NOT NULL DEFAULT '',
        kind        TEXT    NOT NULL,
        message_ts  TEXT,
        payload     TEXT    NOT NULL,
        state       TEXT    NOT NULL DEFAULT 'queued',
        attempts    INTEGER NOT NULL DEFAULT 0,
        owner       TEXT,
        reply       TEXT,
        reply_ts    TEXT,
        detail      TEXT,
        created_at  TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL
    );
    CREATE INDEX jobs_state ON jobs(state, id);
    CREATE INDEX jobs_team ON jobs(team_id);
    """,
    # stories, matching on two time axes and with counted names (bot/analysis/stories.py): an
    #    article whose publication date is known ("dated") is compared by that date with other dated
    #    ones, and by the time it was archived (`added`: articles.added_at) with undated ones.
    #    story_keys.added_s: that archive time in seconds since 1970 (UTC), compact for the index;
    #    story_keys.n: how often the article has the key; story_articles.norm: the length of its
    #    key vector weighted by use, 1 + ln n per key (NULL: assigned before this migration).
    """
    ALTER TABLE story_articles ADD COLUMN added TEXT NOT NULL DEFAULT '';
    ALTER TABLE story_articles ADD COLUMN dated INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE story_articles ADD COLUMN norm REAL;
    ALTER TABLE story_keys ADD COLUMN added_s INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE story_keys ADD COLUMN dated INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE story_keys ADD COLUMN n INTEGER NOT NULL DEFAULT 1;
    UPDATE story_articles SET
        added = coalesce((SELECT added_at FROM articles WHERE articles.id = story_articles.article_id), at),
        dated = coalesce((SELECT published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' FROM articles
                          WHERE articles.id = story_articles.article_id), 0);
    UPDATE story_keys SET
        added_s = coalesce((SELECT CAST(strftime('%s', added) AS INTEGER) FROM story_articles
                            WHERE story_articles.article_id = story_keys.article_id), 0),
        dated = coalesce((SELECT dated FROM story_articles WHERE story_articles.article_id = story_keys.article_id), 0);
    CREATE INDEX story_keys_added ON story_keys(team_id, key, dated, added_s);
    CREATE INDEX story_articles_added ON story_articles(team_id, dated, added);
    """,
    # term_docs: how many archived articles of a workspace (title or text) hold each search term (the
    #    weights of the candidate query, bot/language/terms.py), kept as articles are stored:
    #    counting them in the FTS index's vocabulary walked every term's whole posting list, a cost
    #    that grew with the archive. Per workspace, so that a workspace's words weigh only its own
    #    searches and its purge leaves none behind. Filled here from the index's instances for an
    #    existing archive. Deleting an article leaves its counts (like the article count the weights
    #    use, max(id), they only grow); a purge removes the workspace's.
    """
    CREATE TABLE term_docs (
        team_id  TEXT NOT NULL DEFAULT '',
        term     TEXT NOT NULL,
        docs     INTEGER NOT NULL,
        PRIMARY KEY (team_id, term)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE temp.fts_instances USING fts5vocab(main, articles_fts, instance);
    INSERT INTO term_docs (team_id, term, docs)
        SELECT a.team_id, v.term, count(DISTINCT v.doc) FROM temp.fts_instances v JOIN articles a ON a.id = v.doc
        WHERE length(v.term) >= 3 GROUP BY a.team_id, v.term;
    DROP TABLE temp.fts_instances;
    """,
    # the text stored once, compressed: articles.text holds the cleaned text zlib-compressed
    #    (a BLOB; copydesk_text() reads either form, and a TEXT value written by an older Copydesk
    #    stays readable), and the full-text index no longer reads the text back from the table
    #    (contentless FTS5: it keeps only its index; the triggers hand it the plain text on insert
    #    and, as a contentless table's 'delete' requires, the same values on delete). The archive
    #    held its text twice before (table and FTS content reads); the text is about half of an
    #    archive's size. copydesk_text/copydesk_pack are registered on every connection the
    #    archive opens (register_functions); a plain sqlite3 shell shows the text as a BLOB.
    """
    DROP TRIGGER articles_fts_insert;
    DROP TRIGGER articles_fts_delete;
    DROP TABLE articles_fts_vocab;
    DROP TABLE articles_fts;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE VIRTUAL TABLE articles_fts_vocab USING fts5vocab(articles_fts, 'row');
    INSERT INTO articles_fts(rowid, title, text) SELECT id, coalesce(title, ''), copydesk_text(text) FROM articles;
    UPDATE articles SET text = copydesk_pack(text) WHERE typeof(text) = 'text';
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), copydesk_text(new.text));
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, coalesce(old.title, ''), copydesk_text(old.text));
    END;
    """,
]

VERSION = len(MIGRATIONS)


def pack_text(text: str | None) -> bytes | None:
    """An article's text as the archive stores it (zlib-compressed UTF-8)."""
    return None if text is None else zlib.compress(text.encode("utf-8"), 6)


def unpack_text(value: bytes | str | None) -> str | None:
    """An article's text from its stored form: compressed (BLOB) or, as written before compression
    (or by a tool), plain TEXT."""
    if isinstance(value, bytes):
        return zlib.decompress(value).decode("utf-8")
    return value


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the schema's triggers and migrations use, on one connection."""
    conn.create_function("copydesk_text", 1, unpack_text, deterministic=True)
    conn.create_function("copydesk_pack", 1, pack_text, deterministic=True)


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
