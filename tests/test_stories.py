"""Stories: fictional coverage of interleaved events lands in the right stories as it arrives;
stories merge when an article shows two are one; time windows, workspaces and private channels
are respected; deleting and purging leave nothing behind."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import old_archive

from copydesk.bot.analysis import ingest, stories
from copydesk.bot.model import Article, Scope
from copydesk.bot.reading import reader
from copydesk.storage.archive import Archive

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
    tram_id = next(
        r["story_id"]
        for r in archive.query(
            "SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE a.title LIKE 'Tram vote%'"
        )
    )
    story = stories.stories(archive, [tram_id], Scope())[tram_id]
    assert story.title == "Brennick council approves harbour to campus tram line"
    assert story.first.outlet == "Brennick Gazette"
    # the timeline is in publication order although The Brennick Post's article arrived last
    assert [e.outlet for e in story.entries] == [
        "Brennick Gazette",
        "Nordwind Radio",
        "The Civic Ledger",
        "Brennick Post",
    ]
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
    groups = partition([(a.meta["event"], assigned[i]) for a, i in zip(articles, ids, strict=True)])
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
        "of road were affected. Varga spoke in March. Okafor's team arrived; Okafor said 7 boats left."
    )
    assert {"ilse", "varga", "okafor", "#1250", "#12.5"} <= set(keys)
    assert not {"critics", "monday", "march", "#7", "mayor"} & set(keys)  # a title names no one


def test_an_article_without_an_outlet_counts_as_its_links_host(archive):
    article = coverage()[1]
    bare = Article(text=article.text, title=article.title, url="https://www.nordpress.example/tram/vote")
    _, story_id = add(archive, bare)
    story = stories.stories(archive, [story_id], Scope())[story_id]
    assert story.outlets() == ["nordpress.example"]
    assert story.first.source()["article_id"] == str(story.first.article_id)


# Undated reports, as real pages often give them: the same events in other words.
UNDATED_FIRE = """outlet: Harbour Weekly
title: Lindqvist warehouse gutted
published: unknown
---
Investigators were still sifting through the ashes of the Lindqvist Logistics depot in Brennick's harbour district, where flames raged through the night.

Fire chief Tomasz Weller told reporters that crews had worked until dawn and that no one had been hurt. Sixty firefighters took part, according to the city.

Lindqvist Logistics stored paper and furniture at the depot, a company spokesperson confirmed.
"""
UNDATED_DROUGHT = """outlet: Farm Wire
title: Irrigation limits for the Oster
published: March, as the page says
---
Growers along the Oster now face irrigation limits two days a week, after the Oster Water Board measured the river at 38 centimetres at Lindau.

Hanne Roos, head of the farmers' union, warned that the first planting would fail on many farms. Emil Strand, a hydrologist with the Oster Water Board, said reservoirs were at less than half their usual level.
"""
# Another event that shares the city's name and its officials' titles, nothing else.
UNDATED_OTHER = """outlet: Brennick Post
title: Brennick library reopens after renovation
published: unknown
---
The central library of Brennick reopened on Saturday after two years of renovation, with a new reading hall and a children's wing designed by the architect Maren Solvik.

Librarian Ida Haugen said 4,000 visitors came on the first day. The renovation cost 7.2 million crowns, paid by the city and the Falk Foundation.
"""


def test_undated_reports_join_the_dated_coverage_archived_with_them(archive):
    placed = {}
    for article in coverage():
        placed[article.meta["event"]] = add(archive, article)[1]
    for text, event in ((UNDATED_FIRE, "fire"), (UNDATED_DROUGHT, "drought")):
        article = reader.read_text(text, event)
        article_id, story = add(archive, article)
        assert stories.published_time(article.published) is None  # no usable date
        assert story == stories.resolve(archive, placed[event]), event
    _, other = add(archive, reader.read_text(UNDATED_OTHER, "library"))
    assert other not in {stories.resolve(archive, s) for s in placed.values()}


def test_an_undated_report_archived_long_after_opens_a_story_of_its_own(archive):
    fire = [a for a in coverage() if a.meta["event"] == "fire"]
    story = add(archive, fire[0])[1]
    first_added = archive.get(stories.stories(archive, [story], Scope())[story].first.article_id).added_at
    article_id, _ = ingest.add(archive, reader.read_text(UNDATED_FIRE, "fire"))
    # archived eleven days after the coverage: too late for its story; four days after: in time
    later = stories.iso(datetime.fromisoformat(first_added) + timedelta(days=11))
    archive.conn.execute("UPDATE articles SET added_at = ? WHERE id = ?", (later, article_id))
    assert stories.assign_story(archive, article_id) != story
    soon_id, _ = ingest.add(
        archive, reader.read_text(UNDATED_FIRE.replace("Harbour Weekly", "Bay Times") + "More soon.", "x")
    )
    soon = stories.iso(datetime.fromisoformat(first_added) + timedelta(days=3))
    archive.conn.execute("UPDATE articles SET added_at = ? WHERE id = ?", (soon, soon_id))
    assert stories.assign_story(archive, soon_id) == story


def test_publication_dates_are_read_from_the_start_of_a_header_value():
    when = stories.published_time
    assert when("2026-03-12 (from the link)") == (datetime(2026, 3, 12, tzinfo=UTC), False)
    assert when("2026-03-12T09:30:00+01:00") == (datetime(2026, 3, 12, 8, 30, tzinfo=UTC), True)
    assert when("2026-03-12 09:30 (local)") == (datetime(2026, 3, 12, 9, 30, tzinfo=UTC), True)
    for value in (None, "", "unknown", "2026-03", "2026-03 (month only)", "12 March", "2026-13-40"):
        assert when(value) is None, value


def test_hyphenated_names_give_their_capitalised_parts():
    keys = stories.extract_keys("The Lindau-based board met Jean-Luc Amsel. Amsel runs the Lindau mill in Oster-Nord.")
    assert {"lindau", "jean", "luc", "amsel", "oster", "nord"} <= set(keys)
    assert not {"based", "lindau-based", "jean-luc"} & set(keys)


def test_an_archive_assigned_before_time_axes_migrates_and_keeps_matching(tmp_path):
    """An archive whose stories were assigned by the schema before the two time axes opens, its
    rows get their archive time and dating, and a new article still joins the old story."""

    path = tmp_path / "old.db"
    conn = old_archive(path, before="story_keys_added")
    fire = [a for a in coverage() if a.meta["event"] == "fire"]
    conn.execute(
        "INSERT INTO articles (id, team_id, text, text_hash, words, added_at, published) "
        "VALUES (1, '', ?, 'h1', 50, '2026-03-13T03:00:00+00:00', '2026-03-13T02:30:00+00:00')",
        (fire[0].text,),
    )
    conn.execute("INSERT INTO stories (id, team_id, created_at) VALUES (1, '', '2026-03-13T03:00:00+00:00')")
    conn.execute(
        "INSERT INTO story_articles (article_id, story_id, team_id, channel, at, keys, score) "
        "VALUES (1, 1, '', '', '2026-03-13T02:30:00+00:00', 4, 1.0)"
    )
    conn.executemany(
        "INSERT INTO story_keys (team_id, key, at, article_id, channel) "
        "VALUES ('', ?, '2026-03-13T02:30:00+00:00', 1, '')",
        [(k,) for k in ("lindqvist", "logistics", "weller", "tomasz", "brennick", "#60")],
    )
    conn.close()
    archive = Archive.open(path)
    try:
        row = archive.query("SELECT added, dated FROM story_articles WHERE article_id = 1")[0]
        assert row == {"added": "2026-03-13T03:00:00+00:00", "dated": 1}
        assert {r["dated"] for r in archive.query("SELECT dated FROM story_keys")} == {1}
        new_id, _ = ingest.add(archive, fire[1])
        assert stories.assign_story(archive, new_id) == 1
    finally:
        archive.close()


# Two events of one week with the same leader and country, and nothing else in common.
MARIC_TRADE = """outlet: Tessalia Today
title: Maric and Okonjo sign grain pact
published: unknown
---
President Ivo Maric of Tessalia signed a grain agreement with the Vantorian prime minister, Adaeze Okonjo, in the port of Quellin on Tuesday.

Under the pact Vantoria will buy 2.4 million tonnes of Tessalian wheat over three years. Maric called the deal historic, and Okonjo said Quellin would become the hub of the trade.

Tessalia's farm minister Petra Lusk said the first ships would sail from Quellin in June.
"""
MARIC_STORM = """outlet: Northern Ledger
title: Storm floods Harwick valley
published: unknown
---
Storm Ilsa flooded dozens of villages in the Harwick valley overnight, and Ivo Maric, Tessalia's president, flew over the area by helicopter.

The Harwick river rose 3.8 metres at Denby bridge, said Oren Vale of the national weather office. About 900 people spent the night in schools in Denby and Askel.

Maric promised help for the farmers of the valley. "Tessalia stands with Harwick," Maric said, and Tessalia's army sent boats to Askel.

Maric said Tessalia would pay for new dikes. Ivo Maric will return to the valley next week.
"""
MARIC_TRADE_2 = """outlet: Vantoria Herald
title: Vantoria to buy Tessalian wheat
published: unknown
---
Vantoria will import 2.4 million tonnes of wheat from Tessalia under a three-year pact signed in Quellin, Prime Minister Adaeze Okonjo said.

Okonjo and President Ivo Maric shook hands in the harbour. Farm minister Petra Lusk said ships would leave Quellin in June.
"""


def test_one_leader_and_one_country_in_common_do_not_make_one_story(archive):
    trade = add(archive, reader.read_text(MARIC_TRADE, "trade"))[1]
    storm = add(archive, reader.read_text(MARIC_STORM, "storm"))[1]
    again = add(archive, reader.read_text(MARIC_TRADE_2, "trade again"))[1]
    assert storm != trade
    assert again == trade


def test_words_written_together_are_one_name():
    keys, names = stories._keys_and_names(
        [
            "President Ivo Maric of Tessalia met Adaeze Okonjo.",
            "Maric and Okonjo spoke in Quellin.",
            "Ivo Maric said the United States agreed.",
            "The United States sent Okonjo a letter.",
        ]
    )
    assert names["ivo"] == names["maric"] and names["united"] == names["states"]
    assert len({names["maric"], names["okonjo"], names["united"], names["tessalia"], names["quellin"]}) == 5
    assert "president" not in keys


def test_cli_digest_groups_undated_reports_with_their_dated_coverage(cli, tmp_path):
    """Through `copydesk ingest` and `copydesk digest --json`, as a newsroom fills its archive:
    dated reports of two events, undated reports of both, and an undated report of a third."""
    folder = tmp_path / "in"
    folder.mkdir()
    for src in sorted(COVERAGE.iterdir()):
        if "_fire_" in src.name or "_drought_" in src.name:
            (folder / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in (
        ("20_fire_undated.txt", UNDATED_FIRE),
        ("21_drought_undated.txt", UNDATED_DROUGHT),
        ("22_library_undated.txt", UNDATED_OTHER),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    assert cli("ingest", str(folder)).exit_code == 0
    result = cli("digest", "--json")
    assert result.exit_code == 0, result.stderr
    groups = sorted(sorted(e["outlet"] for e in s["timeline"]) for s in json.loads(result.stdout)["stories"])
    assert groups == [
        ["Agri Weekly", "Brennick Gazette", "Farm Wire", "Valley Courier"],
        ["Brennick Post"],  # the library reopening
        ["Brennick Post", "Harbour Weekly", "Nordwind Radio", "The Civic Ledger"],
    ]
