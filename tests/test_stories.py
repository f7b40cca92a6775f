"""Stories: fictional coverage of interleaved events lands in the right stories as it arrives;
stories merge when an article shows two are one; time windows, workspaces and private channels
are respected; deleting and purging leave nothing behind."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from copydesk.bot.reading import reader

from copydesk.bot.analysis import stories
from copydesk.bot.model import Article, Scope
from copydesk.storage.archive import Archive
from copydesk.bot.analysis import ingest

COVERAGE = Path(__file__).resolve().parent / "fixtures" / "coverage"


@pytest.fixture
def archive(tmp_path):
    a = Archive.open(tmp_path / "stories.db")
    yield a
    a.close()


def coverage() -> list[Article]:
    """The fictional coverage in arrival order (file name order; not publication order). Each file's
    `event` header says which event it reports."""
    return [reader.read(src) for src in reader.expand([str(COVERAGE)])]


def add(archive: Archive, article: Article, scope: Scope = Scope()) -> tuple[int, int]:
    article_id, _ = ingest.add(archive, article, scope)
    return article_id, stories.assign_story(archive, article_id)


def partition(pairs: list[tuple[str, int]]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = defaultdict(set)
    for label, story in pairs:
        groups[story].add(label)
    return {frozenset(g) for g in groups.values()}


def test_interleaved_events_land_in_their_stories_and_a_bridge_merges_two(archive):
    events: list[tuple[str, int]] = []
    dam_before_bridge: set[int] = set()
    for article in coverage():
        article_id, story = add(archive, article)
        events.append((article.meta["event"], article_id))
        if article.meta["event"] == "dam" and "Sarn" in (article.title or "") and "Velkor" not in article.title:
            dam_before_bridge.add(story)  # the evacuation report alone does not name the dam
        if article.meta["event"] == "dam" and article.title and article.title.startswith("Crack"):
            dam_before_bridge.add(story)
    # before the bridging article, the dam crack and the Sarn evacuation were two stories
    assert len(dam_before_bridge) == 2
    final = stories.stories_of(archive, [i for _, i in events])
    by_event = partition([(f"{e}:{i}", final[i]) for e, i in events])
    expected = defaultdict(set)
    for e, i in events:
        expected[e].add(f"{e}:{i}")
    assert by_event == {frozenset(g) for g in expected.values()}
    # the merged story is the older one; the other points to it
    dam_story = final[next(i for e, i in events if e == "dam")]
    merged = [r for r in archive.query("SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL")]
    assert merged and all(r["merged_into"] == dam_story for r in merged)
    assert dam_story == min(dam_before_bridge)
    assert stories.resolve(archive, max(dam_before_bridge)) == dam_story


def test_the_same_names_eleven_days_later_open_a_new_story(archive):
    ids = {article.meta["event"] + str(i): add(archive, article) for i, article in enumerate(coverage())}
    tram = {s for key, (_, s) in ids.items() if key.startswith("tram") and not key.startswith("tram-contract")}
    later = {s for key, (_, s) in ids.items() if key.startswith("tram-contract")}
    assert len(tram) == 1 and len(later) == 1 and tram != later


def test_title_first_outlet_and_timeline(archive):
    for article in coverage():
        add(archive, article)
    tram_id = next(r["story_id"] for r in archive.query(
        "SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE a.title LIKE 'Tram vote%'"))
    story = stories.stories(archive, [tram_id], Scope())[tram_id]
    assert story.title == "Brennick council approves harbour to campus tram line"
    assert story.first.outlet == "Brennick Gazette"
    # the timeline is in publication order although The Brennick Post's article arrived last
    assert [e.outlet for e in story.entries] == ["Brennick Gazette", "Nordwind Radio", "The Civic Ledger",
                                                   "Brennick Post"]
    assert story.outlets() == ["Brennick Gazette", "Nordwind Radio", "The Civic Ledger", "Brennick Post"]
    assert story.first.source()["at"] == "2026-03-12T19:10:00+00:00"


def test_a_story_without_headlines_is_titled_by_its_opening_sentence(archive):
    text = coverage()[0].text
    _, story_id = add(archive, Article(text=text))
    story = stories.stories(archive, [story_id], Scope())[story_id]
    # the first sentence, clipped to 120 characters
    assert story.title.startswith("Farmers in the Oster valley are facing the driest spring in forty years")
    assert len(story.title) == 120 and story.title.endswith("…") and text.startswith(story.title[:-1])


def test_assignment_is_idempotent_and_backfills_an_unassigned_archive(archive):
    articles = coverage()
    ids = [ingest.add(archive, a)[0] for a in articles]  # archived without stories, as before stories existed
    assert stories.stories_of(archive, ids) == {}
    got = stories.ensure_stories(archive, [ids[-2]])  # one article: the backlog before it comes too
    assert set(got) == {ids[-2]}
    assert set(stories.stories_of(archive, ids)) == set(ids[:-1])
    stories.ensure_stories(archive, ids)
    assigned = stories.stories_of(archive, ids)
    assert set(assigned) == set(ids)
    assert stories.assign_story(archive, ids[0]) == assigned[ids[0]]
    groups = partition([(a.meta["event"], assigned[i]) for a, i in zip(articles, ids)])
    assert len(groups) == 5 and all(len(g) == 1 for g in groups)


def test_workspaces_never_share_stories(archive):
    article = coverage()[1]
    _, first = add(archive, article, Scope("T1", "C1"))
    twin = reader.read_text(f"title: {article.title}\n---\n{article.text}", "twin")
    _, second = add(archive, twin, Scope("T2", "C1"))
    assert first != second
    assert stories.stories(archive, [first], Scope("T2", "C1")) == {}


def test_private_articles_join_public_stories_but_stay_private(archive):
    articles = [a for a in coverage() if a.meta["event"] == "fire"]
    _, public_story = add(archive, articles[0], Scope("T1", "CPUB"))
    _, private_story = add(archive, articles[1], Scope("T1", "GPRIV", is_private=True))
    assert private_story == public_story  # the private channel can see the public coverage
    inside = stories.stories(archive, [public_story], Scope("T1", "GPRIV", True))[public_story]
    outside = stories.stories(archive, [public_story], Scope("T1", "COTHER"))[public_story]
    assert len(inside.entries) == 2 and len(outside.entries) == 1
    assert articles[1].outlet not in outside.outlets()


def test_a_public_article_never_matches_a_private_only_story(archive):
    articles = [a for a in coverage() if a.meta["event"] == "drought"]
    _, private_story = add(archive, articles[0], Scope("T1", "GPRIV", is_private=True))
    _, public_story = add(archive, articles[1], Scope("T1", "CPUB"))
    assert public_story != private_story


def test_deleting_and_purging_leave_no_story_rows(archive):
    ids = [add(archive, a, Scope("T1", "C1"))[0] for a in coverage()[:4]]
    archive.delete(ids[0])
    assert not archive.query("SELECT 1 FROM story_keys WHERE article_id = ?", (ids[0],))
    assert not archive.query("SELECT 1 FROM story_articles WHERE article_id = ?", (ids[0],))
    archive.purge_team("T1")
    for table in ("stories", "story_articles", "story_keys"):
        assert archive.query(f"SELECT count(*) AS n FROM {table}")[0]["n"] == 0, table


def test_names_and_figures_ignore_sentence_openers_and_calendar_words():
    keys = stories.extract_keys(
        "Critics said the plan was late. Mayor Ilse Varga said on Monday that 1,250 homes and 12.5 km "
        "of road were affected. Varga spoke in March. Okafor's team arrived; Okafor said 7 boats left.")
    assert {"ilse", "varga", "mayor", "okafor", "#1250", "#12.5"} <= set(keys)
    assert not {"critics", "monday", "march", "#7"} & set(keys)
