"""The features cache (attributions, claims, sentences of archived articles, in article_nlp):
its key is derived from the extraction code, a stale entry is recomputed, and an article's
features never depend on which other articles were parsed with it."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from copydesk.bot.analysis import engine, ingest
from copydesk.bot.analysis.engine import Analyzer
from copydesk.bot.reading import reader
from copydesk.storage.archive import Archive

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def archive(tmp_path):
    a = Archive.open(tmp_path / "a.db")
    yield a
    a.close()


def _article(name):
    path = FIXTURES / "coverage" / name
    return reader.read_text(path.read_text(), path.name)


def test_the_key_is_a_digest_of_the_extraction_code(tmp_path):
    source = tmp_path / "claims.py"
    source.write_text("RULE = 1\n")
    module = types.SimpleNamespace(__file__=str(source))
    before = engine._code_digest(module)
    source.write_text("RULE = 2\n")
    assert engine._code_digest(module) != before
    # the key covers the language package and the model; reports also cover the comparison code
    assert engine.report_version().startswith(engine.features_version())
    assert len(engine.report_version()) > len(engine.features_version())


def test_a_stale_cache_entry_is_recomputed(archive, nlp):
    analyzer = Analyzer(archive, nlp=nlp)
    article_id, _ = ingest.add(archive, _article("02_tram_brennick_gazette.txt"))
    stored = archive.get(article_id)
    stale = {"sentences": [], "attributions": [], "claims": [], "quotes": []}
    archive.nlp_cache_put({article_id: stale}, "1:en_core_web_sm-3.8.0")  # an older Copydesk's key
    fresh = analyzer.features_for([stored])[article_id]
    assert fresh.sentences and fresh.claims
    assert archive.nlp_cache_get([article_id], analyzer.version)[article_id] == fresh.to_dict()
    assert archive.nlp_cache_get([article_id], "1:en_core_web_sm-3.8.0") == {}


def test_features_do_not_depend_on_what_was_parsed_with_them(archive, nlp):
    analyzer = Analyzer(archive, nlp=nlp)
    names = ["02_tram_brennick_gazette.txt", "05_fire_brennick_post.txt", "09_dam_nordkraft_crack.txt"]
    ids = [ingest.add(archive, _article(name))[0] for name in names]
    arts = archive.get_many(ids)
    together = analyzer.features_for([arts[i] for i in ids])  # one call: parsed together
    for i in ids:
        alone = Analyzer(None, nlp=nlp).features(arts[i].text)
        assert together[i].to_dict() == alone.to_dict()
