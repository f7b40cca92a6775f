"""The archive file: schema, pragmas, idempotent storage, scoped candidates, forgetting."""

from __future__ import annotations

import sqlite3

import pytest

from copydesk.bot.analysis import ingest
from copydesk.bot.errors import ArchiveError
from copydesk.bot.language import terms
from copydesk.bot.model import Article, Scope
from copydesk.storage import schema
from copydesk.storage.archive import Archive

TEXT_A = (
    "The city council of Brennick approved a new tram line on Tuesday after a four-hour debate. "
    "The line will connect the harbour with the university campus and cost 84 million euros."
)
TEXT_B = (
    "Farmers in the Oster valley reported the driest spring in forty years, and the regional water "
    "board imposed limits on irrigation from the river for the first time since 2009."
)


@pytest.fixture
def archive(tmp_path):
    a = Archive.open(tmp_path / "a.db")
    yield a
    a.close()


def test_schema_pragmas_and_version(tmp_path, archive):
    conn = sqlite3.connect(tmp_path / "a.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "sentences", "articles_fts", "article_nlp", "sightings", "events"} <= tables
    assert archive.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_does_not_migrate_again(tmp_path, archive):
    ingest.add(archive, Article(text=TEXT_A))
    archive.close()
    again = Archive.open(tmp_path / "a.db")
    assert again.count() == 1
    again.close()


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.VERSION + 5}")
    conn.close()
    with pytest.raises(ArchiveError, match="newer"):
        Archive.open(path)


def test_the_stored_hash_and_fingerprints_are_those_of_the_whole_text_and_each_sentence(cli, tmp_path):
    """Storing normalises each sentence once and derives the text hash from those normal forms:
    on real coverage (the shared devset and seeds, when beside the project) and the fixtures, what
    the archive file holds equals the hash of the whole text and each sentence's own fingerprint,
    so a text pasted again is still recognised by its hash."""
    from pathlib import Path

    from copydesk.bot.language import text as textmod

    root, shared = Path(__file__).parent, Path(__file__).parent.parent.parent / "shared"
    sources = [root / "fixtures" / "coverage", *sorted((shared / "devset" / "corpus").glob("*/"))]
    sources += [shared / "seeds"] if (shared / "seeds").is_dir() else []
    db = tmp_path / "h.db"
    result = cli("ingest", *map(str, sources), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    archive = Archive.open(db)
    try:
        ids = [r["id"] for r in archive.query("SELECT id FROM articles")]
        assert len(ids) >= 14
        for article_id in ids:
            article = archive.get(article_id)
            stored = archive.query("SELECT text_hash FROM articles WHERE id = ?", (article_id,))[0]["text_hash"]
            assert stored == textmod.text_hash(article.text)
            spans = archive.query(
                'SELECT start, "end", fp FROM sentences WHERE article_id = ? ORDER BY idx', (article_id,)
            )
            assert [r["fp"] for r in spans] == [terms.fingerprint(article.text[r["start"] : r["end"]]) for r in spans]
    finally:
        archive.close()


def test_add_is_idempotent_by_text_and_url(archive):
    first = ingest.add(archive, Article(text=TEXT_A, url="https://a.example/1"))
    assert first[1] is True
    assert ingest.add(archive, Article(text=TEXT_A))[1] is False
    assert ingest.add(archive, Article(text=TEXT_B, url="https://a.example/1"))[1] is False
    assert archive.count() == 1
    sentences = archive.query("SELECT count(*) AS n FROM sentences WHERE article_id = ?", (first[0],))[0]["n"]
    assert sentences == 2


def test_candidates_are_scoped_to_workspace_and_private_channel(archive):
    public = Scope("T1", "C1", False)
    private = Scope("T1", "G1", True)
    other_team = Scope("T2", "C9", False)
    a, _ = ingest.add(archive, Article(text=TEXT_A), private, message_ts="1.0")
    b, _ = ingest.add(archive, Article(text=TEXT_B), public, message_ts="2.0")
    query = terms.query(TEXT_A + " " + TEXT_B)
    assert set(archive.candidates(query, private)) == {a, b}
    assert archive.candidates(query, public) == [b]
    assert archive.candidates(query, Scope("T1", "G2", True)) == [b]
    assert archive.candidates(query, other_team) == []


def test_candidates_rank_shared_sentences_first(archive):
    ids = [
        ingest.add(archive, Article(text=f"Story {i} about the Brennick tram line and the harbour. " + TEXT_B))[0]
        for i in range(5)
    ]
    target, _ = ingest.add(archive, Article(text=TEXT_A))
    assert archive.candidates(terms.query(TEXT_A), Scope(), limit=3)[0] == target
    both = archive.candidates(terms.query(TEXT_A + TEXT_B), Scope(), limit=3)
    assert len(both) == 3 and target in both and set(both) - {target} <= set(ids)


def test_forget_message_removes_article_and_cached_rows(archive):
    scope = Scope("T1", "C1", False)
    aid, _ = ingest.add(archive, Article(text=TEXT_A), scope, message_ts="111.1")
    archive.nlp_cache_put({aid: {"x": 1}}, "v")
    assert archive.forget_message("T1", "C1", "111.1") == 1
    assert archive.count() == 0
    assert archive.query("SELECT count(*) AS n FROM sentences")[0]["n"] == 0
    assert archive.query("SELECT count(*) AS n FROM article_nlp")[0]["n"] == 0
    assert archive.candidates(terms.query(TEXT_A), scope) == []


def test_article_kept_while_another_message_holds_it(archive):
    scope = Scope("T1", "C1", False)
    ingest.add(archive, Article(text=TEXT_A), scope, message_ts="1.0")
    ingest.add(archive, Article(text=TEXT_A), scope, message_ts="2.0")
    assert archive.forget_message("T1", "C1", "1.0") == 0
    assert archive.count() == 1


def test_purge_team(archive):
    ingest.add(archive, Article(text=TEXT_A), Scope("T1", "C1"), message_ts="1.0")
    ingest.add(archive, Article(text=TEXT_B), Scope("T2", "C1"), message_ts="1.0")
    assert archive.purge_team("T1") == 1
    assert archive.count("T1") == 0 and archive.count("T2") == 1


def test_claim_event_once_and_persistent(tmp_path, archive):
    assert archive.claim_event("event:Ev1", "msg:T:C:1.0") is True
    assert archive.claim_event("event:Ev1") is False
    assert archive.claim_event("event:Ev2", "msg:T:C:1.0") is False
    archive.close()
    again = Archive.open(tmp_path / "a.db")
    assert again.claim_event("event:Ev1") is False
    again.close()
