"""A newsroom's backfill at scale: `copydesk ingest --jobs`, `copydesk enrich` and the background
enrichment of `serve`, the candidate index's term counts (and their migration for an existing
archive), and what keeps each lookup's cost independent of the archive's size."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from conftest import old_archive

from copydesk.bot.analysis import enrich as enrichmod
from copydesk.bot.analysis import ingest
from copydesk.bot.analysis.engine import Analyzer, Features
from copydesk.bot.language import doc as docmod
from copydesk.bot.language import terms
from copydesk.bot.model import Article, Scope
from copydesk.bot.reading import reader
from copydesk.storage import archive as archivemod
from copydesk.storage import schema
from copydesk.storage.archive import Archive

COVERAGE = Path(__file__).parent / "fixtures" / "coverage"


def _coverage() -> list[Article]:
    return [reader.read_text(p.read_text(), p.name) for p in sorted(COVERAGE.glob("*.txt"))]


def _dump(path: Path) -> dict:
    """What ingest stored, independent of row order: articles, sentences, term counts, stories."""
    conn = sqlite3.connect(path)
    try:
        return {
            "articles": conn.execute("SELECT id, title, outlet, text_hash, words FROM articles ORDER BY id").fetchall(),
            "sentences": conn.execute(
                'SELECT article_id, idx, start, "end", fp FROM sentences ORDER BY 1, 2'
            ).fetchall(),
            "terms": conn.execute("SELECT term, docs FROM term_docs ORDER BY term").fetchall(),
            "stories": conn.execute("SELECT article_id, story_id FROM story_articles ORDER BY 1").fetchall(),
            "fts": conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'tram' ORDER BY rowid"
            ).fetchall(),
        }
    finally:
        conn.close()


def test_ingest_with_jobs_stores_exactly_what_one_process_stores(cli, tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    a = cli("ingest", str(COVERAGE), "--db", str(one))
    b = cli("ingest", str(COVERAGE), "--db", str(two), "--jobs", "2")
    assert a.exit_code == b.exit_code == 0, (a.stderr, b.stderr)
    assert a.stdout == b.stdout == "ingested 14, skipped 0, failed 0\n"
    assert _dump(one) == _dump(two)
    assert _dump(one)["terms"]


def test_a_large_ingest_reads_in_worker_processes_by_default_and_stores_the_same(cli, tmp_path, monkeypatch):
    """Without --jobs, an ingest of many sources on a machine with several cores reads and
    prepares them in worker processes (one per core but the writer's); a small one, or --jobs 1,
    reads in the writing process. Either way the archive holds the same."""
    from copydesk.bot import cli as climod

    monkeypatch.setattr(climod.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert climod._readers(0, [None] * climod.AUTO_JOBS_MIN) == 3
    assert climod._readers(0, [None] * (climod.AUTO_JOBS_MIN - 1)) == 0
    assert climod._readers(1, [None] * 5000) == 0 and climod._readers(2, [None]) == 2
    monkeypatch.setattr(climod.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert climod._readers(0, [None] * 5000) == 0

    monkeypatch.setattr(climod.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(climod, "AUTO_JOBS_MIN", 10)  # the coverage's 14 files count as many
    one, auto = tmp_path / "one.db", tmp_path / "auto.db"
    assert cli("ingest", str(COVERAGE), "--db", str(one), "--jobs", "1").exit_code == 0
    result = cli("ingest", str(COVERAGE), "--db", str(auto))
    assert result.exit_code == 0 and result.stdout == "ingested 14, skipped 0, failed 0\n", result.stderr
    assert _dump(one) == _dump(auto)


def test_ingest_with_jobs_reports_bad_files_like_one_process(cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(COVERAGE / "01_drought_valley_courier.txt", folder / "a.txt")
    (folder / "b.txt").write_text("title: Empty\n---\n")
    result = cli("ingest", str(folder), "--jobs", "2")
    assert result.exit_code == 2
    assert result.stdout == "ingested 1, skipped 0, failed 1\n"
    assert "b.txt: has a header but no article text" in result.stderr


def test_term_counts_are_the_fts_vocabulary_counts(tmp_path):
    archive = Archive.open(tmp_path / "a.db")
    try:
        for article in _coverage():
            ingest.store(archive, article)
        ours = {r["term"]: r["docs"] for r in archive.query("SELECT term, docs FROM term_docs")}
        vocab = {
            r["term"]: r["doc"]
            for r in archive.query("SELECT term, doc FROM articles_fts_vocab WHERE length(term) >= 3")
        }
        assert ours == {t: n for t, n in vocab.items() if t not in terms.STOPWORDS}
    finally:
        archive.close()


def _fill_old(conn: sqlite3.Connection, articles: list[Article], *, term_docs: bool) -> None:
    """Store `articles` in an older schema's archive as that Copydesk did (plain text; term
    counts when that schema kept them), then close it."""
    for i, a in enumerate(articles, start=1):
        index = terms.index(a)
        conn.execute(
            "INSERT INTO articles (id, title, text, text_hash, words, added_at) VALUES (?,?,?,?,?,?)",
            (i, a.title, a.text, index.text_hash, a.words, "2026-03-01T10:00:00+00:00"),
        )
        conn.executemany(
            'INSERT INTO sentences (article_id, idx, start, "end", fp) VALUES (?,?,?,?,?)',
            [(i, k, s, e, fp) for k, (s, e, fp) in enumerate(index.sentences)],
        )
        if term_docs:
            conn.executemany(
                "INSERT INTO term_docs (team_id, term, docs) VALUES ('', ?, 1) "
                "ON CONFLICT (team_id, term) DO UPDATE SET docs = docs + 1",
                [(t,) for t in index.terms],
            )
    conn.close()


def test_an_archive_of_the_previous_schema_migrates_and_keeps_its_candidates(tmp_path):
    """An archive built before term_docs existed opens, gets the counts from its FTS vocabulary,
    and finds the same candidates as an archive built now."""
    old = tmp_path / "old.db"
    articles = _coverage()
    _fill_old(old_archive(old, before="CREATE TABLE term_docs"), articles, term_docs=False)
    migrated = Archive.open(old)
    fresh = Archive.open(tmp_path / "new.db")
    try:
        assert schema.version(migrated.conn) == schema.VERSION
        for a in articles:
            ingest.add(fresh, Article(text=a.text, title=a.title))
        query = terms.query(articles[3].text + " " + articles[7].text)
        assert migrated.candidates(query, Scope()) == fresh.candidates(query, Scope())
        assert migrated.distinctive_terms(query.terms) == fresh.distinctive_terms(query.terms)
    finally:
        migrated.close()
        fresh.close()


def test_the_archive_stores_each_text_once_compressed_and_migrates_an_older_archive(tmp_path):
    """Text is stored once, compressed (the full-text index keeps no copy of it): an archive of
    the previous schema, its texts plain, migrates to compressed texts that read back the same,
    finds the same candidates as a fresh archive, and forgets a deleted article in its index."""
    old = tmp_path / "old.db"
    articles = _coverage()
    _fill_old(old_archive(old, before="copydesk_pack(text)"), articles, term_docs=True)
    migrated, fresh = Archive.open(old), Archive.open(tmp_path / "new.db")
    try:
        for a in articles:
            ingest.add(fresh, Article(text=a.text, title=a.title))
        for archive in (migrated, fresh):
            assert [r["t"] for r in archive.query("SELECT DISTINCT typeof(text) AS t FROM articles")] == ["blob"]
            assert [archive.get(i).text for i in range(1, len(articles) + 1)] == [a.text for a in articles]
        query = terms.query(articles[3].text)
        found = migrated.candidates(query, Scope())
        assert found == fresh.candidates(query, Scope()) and 4 in found
        migrated.delete(4)
        assert 4 not in migrated.candidates(query, Scope())
        word = terms.index(articles[3]).terms[0]
        hits = migrated.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (f'"{word}"',))
        assert 4 not in {r["rowid"] for r in hits}
        assert migrated.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    finally:
        migrated.close()
        fresh.close()
    stored = (tmp_path / "new.db").read_bytes()  # closed: the WAL is checkpointed into it
    sentence = next(s for s in articles[0].text.split(". ") if len(s.split()) >= 6)
    assert sentence.encode() not in stored and articles[0].text.encode()[:200] not in stored


def test_terms_and_sentences_shared_by_too_many_articles_are_left_out(tmp_path, monkeypatch):
    archive = Archive.open(tmp_path / "a.db")
    try:
        common = "Residents of the valley gathered at the town hall on Monday evening."
        for i in range(6):
            ingest.add(archive, Article(text=f"{common} Story number {i} about tram line {i}x{i} and budget."))
        query = terms.query(f"{common} A further note on budget matters.")
        assert archive.candidates(query, Scope())  # found through the shared sentence and terms
        monkeypatch.setattr(archivemod, "MAX_SENTENCE_DOCS", 5)
        monkeypatch.setattr(archivemod, "MAX_TERM_DOCS", 5)
        assert archive.distinctive_terms(query.terms) == []
        assert archive.candidates(query, Scope()) == []
    finally:
        archive.close()


def test_enrich_caches_what_an_analysis_would_compute_most_recent_first(cli, nlp, tmp_path):
    assert cli("ingest", str(COVERAGE)).exit_code == 0
    result = cli("enrich", "--limit", "5")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("enriched 5") and result.stdout.endswith(", 9 left\n")
    archive = Archive.open(tmp_path / "archive.db")
    try:
        analyzer = Analyzer(archive, nlp=nlp)
        cached = archive.nlp_cache_get(range(1, 15), analyzer.version)
        assert sorted(cached) == [10, 11, 12, 13, 14]  # the most recent first
        article = archive.get(12)
        assert cached[12] == analyzer.features(article.text).to_dict()
        blob = archive.query("SELECT data FROM article_nlp WHERE article_id = 12")[0]["data"]
        assert isinstance(blob, bytes) and len(blob) < len(str(cached[12]))  # stored compressed
    finally:
        archive.close()
    result = cli("enrich")
    assert result.exit_code == 0 and result.stdout.startswith("enriched 9") and result.stdout.endswith(", 0 left\n")
    assert cli("enrich").stdout == "enriched 0, 0 left\n"


def test_after_enrichment_an_analysis_parses_only_its_own_article(tmp_path, nlp, monkeypatch):
    archive = Archive.open(tmp_path / "a.db")
    try:
        articles = _coverage()
        for a in articles[:-1]:
            ingest.store(archive, a)
        analyzer = Analyzer(archive, nlp=nlp)
        assert enrichmod.enrich(analyzer) == len(articles) - 1
        parsed = []
        original = docmod.parse
        monkeypatch.setattr(
            docmod, "parse", lambda text, nlp_, *a, **k: parsed.append(text) or original(text, nlp_, *a, **k)
        )
        report = analyzer.analyze(articles[-1])
        assert report.compared_with > 0
        # its own text only (its headline, not part of the text, in the same stream)
        assert parsed == [articles[-1].text]
    finally:
        archive.close()


def test_old_json_features_rows_are_still_read(tmp_path, nlp):
    archive = Archive.open(tmp_path / "a.db")
    try:
        article = _coverage()[0]
        article_id, _ = ingest.add(archive, article)
        analyzer = Analyzer(archive, nlp=nlp)
        feats = analyzer.features(article.text)
        import json

        with archive.transaction() as conn:
            conn.execute(
                "INSERT INTO article_nlp (article_id, version, data) VALUES (?, ?, ?)",
                (article_id, analyzer.version, json.dumps(feats.to_dict())),
            )
        got = analyzer.features_for([archive.get(article_id)])[article_id]
        assert got.to_dict() == feats.to_dict() and isinstance(got, Features)
    finally:
        archive.close()


def test_the_background_enricher_steps_aside_while_an_analysis_runs(tmp_path, nlp):
    archive = Archive.open(tmp_path / "a.db")
    try:
        articles = _coverage()
        for a in articles:
            ingest.store(archive, a)
        analyzer = Analyzer(archive, nlp=nlp)
        entered = threading.Event()
        release = threading.Event()

        def busy():
            with analyzer._working():
                entered.set()
                release.wait(10)

        holder = threading.Thread(target=busy)
        holder.start()
        entered.wait(5)
        enricher = enrichmod.Enricher(analyzer, idle=0.05).start()
        try:
            threading.Event().wait(0.5)
            assert enricher.enriched == 0  # waits while the analysis runs
            release.set()
            holder.join(5)
            for _ in range(600):
                if not archive.count_lacking_features(analyzer.version):
                    break
                threading.Event().wait(0.1)
            assert archive.count_lacking_features(analyzer.version) == 0
            assert enricher.enriched == len(articles)
        finally:
            release.set()
            enricher.stop()
        assert not enricher._thread.is_alive()
    finally:
        archive.close()


@pytest.mark.parametrize("value, expected", [(None, True), ("0", False), ("off", False), ("1", True)])
def test_background_enrichment_can_be_turned_off(monkeypatch, value, expected):
    from copydesk.bot.settings import Settings

    if value is None:
        monkeypatch.delenv("COPYDESK_ENRICH", raising=False)
    else:
        monkeypatch.setenv("COPYDESK_ENRICH", value)
    assert Settings.from_env().enrich is expected


def test_enrich_reports_caches_the_reports_of_recent_articles(cli, nlp, tmp_path):
    assert cli("ingest", str(COVERAGE)).exit_code == 0
    result = cli("enrich", "--reports")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(", 0 left; cached 14 reports\n")
    archive = Archive.open(tmp_path / "archive.db")
    try:
        analyzer = Analyzer(archive, nlp=nlp)
        cached = archive.get_report(14, analyzer.report_version)
        archive.query("DELETE FROM reports")
        assert cached == analyzer.report_for(14)  # what the digest would compute
    finally:
        archive.close()
    # the others' reports were dropped: recomputed; then nothing is left to do
    assert cli("enrich", "--reports").stdout == "enriched 0, 0 left; cached 13 reports\n"
    assert cli("enrich", "--reports").stdout == "enriched 0, 0 left; cached 0 reports\n"


def test_the_integrity_check_at_open_is_skipped_only_for_a_large_archive(tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    archive = Archive.open(path)
    for article in _coverage():
        ingest.add(archive, article)
    archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = archive.conn.execute("PRAGMA page_size").fetchone()[0]
    pages = archive.conn.execute("PRAGMA page_count").fetchone()[0]
    archive.close()
    data = bytearray(path.read_bytes())
    last = (pages - 2) * page_size  # a page near the end (FTS or index data), not the schema
    data[last : last + page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))
    from copydesk.bot.errors import ArchiveError

    with pytest.raises(ArchiveError, match="damaged|corrupt"):
        Archive.open(path)
    monkeypatch.setattr(archivemod, "QUICK_CHECK_MAX_BYTES", page_size)  # "large": not checked at open
    Archive.open(path).close()
