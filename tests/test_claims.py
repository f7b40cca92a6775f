"""Figures as measured quantities, through `copydesk analyze --json` on fictional coverage: a
figure is compared only with figures of the same thing (unit, currency, place, holder), read with
its approximation, bounds and rounding; every disagreeing report is cited with its own wording."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("short_articles")  # the cases are a sentence or three


def _report(cli, tmp_path, earlier: list[str], article: str) -> dict:
    files = []
    for i, text in enumerate(earlier):
        f = tmp_path / f"earlier{i}.txt"
        f.write_text(f"outlet: Outlet {i}\npublished: 2026-01-0{i + 1}\n---\n{text}\n")
        files.append(f)
    assert cli("ingest", *files).exit_code == 0
    result = cli("analyze", "-", "--json", input=f"outlet: Later Outlet\npublished: 2026-02-01\n---\n{article}\n")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _numbers(report: dict) -> list[dict]:
    return [c for c in report["contradictions"] if c["kind"] == "number"]


QUAKE = (
    "The earthquake that struck the Varna valley on Monday killed 93 people in Tolmec City, "
    "the regional civil protection agency said."
)


@pytest.mark.parametrize(
    "article, expect",
    [
        # the same city's count, told differently: a conflict
        (
            "The earthquake that struck the Varna valley on Monday killed 97 people in Tolmec City, "
            "the regional civil protection agency said.",
            "97",
        ),
        # another place's count is another quantity
        (
            "The earthquake that struck the Varna valley on Monday killed 41 people in Ostrava Springs, "
            "the regional civil protection agency said.",
            None,
        ),
        # approximation: "about 90" fits 93
        (
            "The earthquake that struck the Varna valley on Monday killed about 90 people in Tolmec City, "
            "the regional civil protection agency said.",
            None,
        ),
        # a lower bound fits any higher figure, and not a lower one
        (
            "The earthquake that struck the Varna valley on Monday killed at least 80 people in Tolmec City, "
            "the regional civil protection agency said.",
            None,
        ),
        (
            "The earthquake that struck the Varna valley on Monday killed at least 95 people in Tolmec City, "
            "the regional civil protection agency said.",
            "95",
        ),
    ],
)
def test_counts_per_place_and_bounds(cli, tmp_path, article, expect):
    found = _numbers(_report(cli, tmp_path, [QUAKE], article))
    if expect is None:
        assert found == [], found
    else:
        assert len(found) == 1 and expect in found[0]["text"] and "93" in found[0]["other_text"], found


def test_rounding_and_precision(cli, tmp_path):
    earlier = "Voters in Kestria backed the new constitution with 51.9 percent of the vote in Sunday's referendum."
    rounded = "Voters in Kestria backed the new constitution with about 52 percent of the vote in Sunday's referendum."
    assert _numbers(_report(cli, tmp_path, [earlier], rounded)) == []


def test_one_digit_apart_is_a_conflict(cli, tmp_path):
    earlier = "Voters in Kestria backed the new constitution with 51.9 percent of the vote in Sunday's referendum."
    other = "Voters in Kestria backed the new constitution with 51.7 percent of the vote in Sunday's referendum."
    found = _numbers(_report(cli, tmp_path, [earlier], other))
    assert len(found) == 1 and "51.7" in found[0]["text"], found


def test_per_cent_is_a_unit_not_a_qualifier(cli, tmp_path):
    # "per cent" spelt in two words is the same unit as "percent": the figures are compared
    earlier = "About 46 per cent of voters in Kestria backed the new constitution in Sunday's referendum."
    other = "About 61 percent of voters in Kestria backed the new constitution in Sunday's referendum."
    found = _numbers(_report(cli, tmp_path, [earlier], other))
    assert len(found) == 1 and "61" in found[0]["text"], found


def test_per_cent_before_a_noun_is_a_percentage(cli, tmp_path):
    earlier = "The Kestria Union won a 46 per cent share of the vote in Sunday's referendum."
    other = "The Kestria Union won a 61 percent share of the vote in Sunday's referendum."
    found = _numbers(_report(cli, tmp_path, [earlier], other))
    assert len(found) == 1 and "61" in found[0]["text"], found


def test_conversions_compare_currency_with_currency(cli, tmp_path):
    earlier = (
        "Corvale Athletic paid Marsden Rovers 210 million euros ($250 million) for forward Ilan Petrov, "
        "the club said on Friday."
    )
    same_fee = (
        "Corvale Athletic paid Marsden Rovers 210 million euros ($249.6 million) for forward Ilan Petrov, "
        "the club said on Friday."
    )
    assert _numbers(_report(cli, tmp_path, [earlier], same_fee)) == []


def test_conversions_at_other_rates_agree(cli, tmp_path):
    earlier = (
        "Corvale Athletic paid Marsden Rovers 210 million euros ($250 million) for forward Ilan Petrov, "
        "the club said on Friday."
    )
    other = (
        "Corvale Athletic paid Marsden Rovers 210 million euros ($236 million) for forward Ilan Petrov, "
        "the club said on Friday."
    )
    assert _numbers(_report(cli, tmp_path, [earlier], other)) == []


def test_dollars_against_a_conversion_to_dollars(cli, tmp_path):
    earlier = "Corvale Athletic paid Marsden Rovers $262 million for forward Ilan Petrov, the club said on Friday."
    other = (
        "Corvale Athletic paid Marsden Rovers 210 million euros ($250 million) for forward Ilan Petrov, "
        "the club said on Friday."
    )
    found = _numbers(_report(cli, tmp_path, [earlier], other))
    assert len(found) == 1 and "262" in found[0]["explanation"] and "250" in found[0]["explanation"], found


def test_periods_tell_figures_apart(cli, tmp_path):
    earlier = "Revenue at Palisade Systems in the second quarter was $8.2 billion, the company said."
    other = "Palisade Systems forecast revenue of $9.1 billion for the third quarter, the company said."
    assert _numbers(_report(cli, tmp_path, [earlier], other)) == []


JOINED = "Forward Ilan Petrov, who joined Marsden Rovers from Corvale Athletic in 2015, scored twice on Sunday."


def test_years_of_one_event(cli, tmp_path):
    same = "Ilan Petrov joined Marsden Rovers in 2016 from Corvale Athletic and scored twice on Sunday."
    found = _report(cli, tmp_path, [JOINED], same)["contradictions"]
    assert [c["kind"] for c in found] == ["date"], found


def test_years_of_two_events_of_one_verb(cli, tmp_path):
    other = "Ilan Petrov joined Corvale Athletic in 2011, long before he scored twice for Marsden Rovers on Sunday."
    assert _report(cli, tmp_path, [JOINED], other)["contradictions"] == []


BRIEFING = (
    "At a news conference in {} on Friday, fisheries minister Ida Berg of Norway said the cod quota "
    "for the Barents Sea will be cut by a fifth."
)


@pytest.mark.parametrize(
    "article, expect",
    [
        # one news conference, another city: a name conflict
        (
            "Fisheries minister Ida Berg of Norway said at a news conference on Friday in Bergen that the "
            "cod quota for the Barents Sea will be cut by a fifth.",
            "Bergen",
        ),
        # the same city
        (
            "Fisheries minister Ida Berg of Norway said at a news conference on Friday in Oslo that the "
            "cod quota for the Barents Sea will be cut by a fifth.",
            None,
        ),
        # a place given for something else (where the boats are) is not where the conference was
        (
            "Fisheries minister Ida Berg of Norway said on Friday the cod quota for the Barents Sea will be "
            "cut by a fifth, to the anger of the fleets in Bergen.",
            None,
        ),
    ],
)
def test_one_event_in_two_places(cli, tmp_path, article, expect):
    report = _report(cli, tmp_path, [BRIEFING.format("Oslo")], article)
    names = [c for c in report["contradictions"] if c["kind"] == "name"]
    if expect is None:
        assert not names, names
    else:
        assert len(names) == 1 and expect in names[0]["explanation"] and "Oslo" in names[0]["explanation"], report


def test_a_named_measure_compared_across_little_shared_wording(cli, tmp_path):
    # the statements share nothing but the thing measured ("descent"), given once in each article
    earlier = "Investigators said the Tarrow ferry began a twelve-minute descent into the harbour mud before it sank."
    later = "According to the recording of the vessel's 15-minute descent, the crew stayed calm to the end."
    found = _numbers(_report(cli, tmp_path, [earlier], later))
    assert len(found) == 1 and "15-minute" in found[0]["text"], found


@pytest.mark.parametrize(
    "later",
    [
        "Aides described the tense 60-minute meeting as frank but useful.",  # two terms shared
        "Officials described the tense 60-minute meeting as frank but useful.",  # only the measure
    ],
)
def test_a_measure_given_two_values_in_one_article_names_two_things(cli, tmp_path, later):
    # two meetings of one day: a later report's meeting may be either, so it is not flagged
    earlier = (
        "The two ministers held a 40-minute meeting in Vexmoor on Monday morning. "
        "Later they sat down with their aides for a 90-minute meeting at the harbour office."
    )
    assert _numbers(_report(cli, tmp_path, [earlier], later)) == []


def test_a_named_measure_needs_the_same_holder(cli, tmp_path):
    earlier = "Investigators said the Tarrow ferry began a twelve-minute descent into the harbour mud before it sank."
    later = "According to the recording of the 15-minute rescue, the crew stayed calm to the end."
    assert _numbers(_report(cli, tmp_path, [earlier], later)) == []


PRICE = "Shares of Korvel Foods rose 4% on Tuesday to $23.40 a share."


@pytest.mark.parametrize(
    "later, expect",
    [
        # the level the stock reached, told as a level it stood at: one price, two values
        ("Korvel Foods stock was up about 4% after the results, hovering around $23.95.", "$23.95"),
        # "around" a two-decimal price allows a few cents, not more
        ("Korvel Foods stock was up about 4% after the results, hovering around $23.42.", None),
        # the size of the move is not the price the stock reached
        ("Shares of Korvel Foods rose $1.20 on Tuesday after the results.", None),
    ],
)
def test_the_level_a_thing_reached_is_a_value_of_that_thing(cli, tmp_path, later, expect):
    found = _numbers(_report(cli, tmp_path, [PRICE], later))
    if expect is None:
        assert found == [], found
    else:
        assert len(found) == 1 and expect in found[0]["text"] and "$23.40" in found[0]["other_text"], found


DERAILED = "Four carriages of the Norvik express derailed near Halden station on Sunday evening, police said."


@pytest.mark.parametrize(
    "later, expect",
    [
        # one event told with other words ("careened off the tracks", "jumped the rails"): a count
        # of concrete things in one event is one measure, however little else the statements share
        ("Witnesses saw five carriages careen off the tracks as the train entered the bend.", "five carriages"),
        ("Five carriages jumped the rails, a railway spokesman told reporters.", "Five carriages"),
        # the same count agrees
        ("Witnesses saw four carriages careen off the tracks as the train entered the bend.", None),
        # carriages that took part in another event are another count
        ("Five carriages were damaged by fire while the train stood in the sidings.", None),
    ],
)
def test_a_count_of_things_in_one_event_is_one_measure(cli, tmp_path, later, expect):
    found = _numbers(_report(cli, tmp_path, [DERAILED], later))
    if expect is None:
        assert found == [], found
    else:
        assert len(found) == 1 and expect in found[0]["text"] and "Four carriages" in found[0]["other_text"], found


@pytest.mark.parametrize(
    "later, expect",
    [
        # a headline's count is a claim of its article: an exact count of the same event differs
        ("Five people were killed when fire swept through the Morlan ferry on Saturday night.", "Five people"),
        # the same count agrees
        ("Four people were killed when fire swept through the Morlan ferry on Saturday night.", None),
        # a headline cannot say "at least": a bound is not compared with it
        ("At least five people were killed when fire swept through the Morlan ferry on Saturday.", None),
        # a count of another event (injured, not killed)
        ("Five people were injured when fire swept through the Morlan ferry on Saturday night.", None),
    ],
)
def test_a_headline_count_is_a_claim_of_its_article(cli, tmp_path, later, expect):
    f = tmp_path / "earlier.txt"
    f.write_text(
        "outlet: Harbour Post\npublished: 2026-01-01\ntitle: 4 dead in Morlan ferry fire\n---\n"
        "Firefighters worked through the night at the quay after the blaze, the harbour master said.\n"
    )
    assert cli("ingest", str(f)).exit_code == 0
    result = cli("analyze", "-", "--json", input=f"outlet: Later Outlet\npublished: 2026-02-01\n---\n{later}\n")
    found = _numbers(json.loads(result.stdout))
    if expect is None:
        assert found == [], found
    else:
        assert len(found) == 1 and expect in found[0]["text"], found
        assert found[0]["other_text"] == "4 dead in Morlan ferry fire" and "headline" in found[0]["explanation"]


VOTE = "Okafor won 52.4% of the vote to Mensah's 47.6%, the electoral commission said on Sunday."


@pytest.mark.parametrize(
    "later, expect",
    [
        # a named side's share, told with another verb: one measure
        ("The electoral commission said on Sunday that 52.1 per cent voted for Okafor.", "52.1 per cent"),
        ("Mensah took 47.9% of the vote, the electoral commission said on Sunday.", "47.9%"),
        # rounding of the same share
        ("The electoral commission said on Sunday that Okafor won 52% of the vote.", None),
        # no named side: a share of something else
        ("The electoral commission said on Sunday that the ruling party won 52.1% of the vote.", None),
    ],
)
def test_a_share_of_a_vote_belongs_to_its_named_side(cli, tmp_path, later, expect):
    found = _numbers(_report(cli, tmp_path, [VOTE], later))
    if expect is None:
        assert found == [], found
    else:
        assert len(found) == 1 and expect in found[0]["text"], found


def test_summary_bullets_above_the_first_paragraph_are_statements_of_the_story(cli, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(
        "Okafor wins the presidency after a bitter campaign\n\n"
        "* Okafor's vote leads 52.4 per cent to Mensah's 47.6 per cent\n"
        "* Share this story\n\n"
        "Crowds gathered outside the electoral commission in Port Vesna as the last results were read out.\n"
    )
    report = json.loads(cli("analyze", str(f), "--json").stdout)
    assert report["article"]["title"] == "Okafor wins the presidency after a bitter campaign"
    assert "Okafor's vote leads 52.4 per cent" in report["text"] and "Share this story" not in report["text"]


BUYBACK = (
    "Korvel Foods returned $1.42 billion to shareholders via its share buyback programme during the quarter "
    "but announced $5 billion in additional repurchases."
)


@pytest.mark.parametrize(
    "later, expect",
    [
        # what an amount went through ("via its buyback programme") is what it measures; "a $1.24
        # billion share repurchase" measures the repurchase; "the quarter" fits the third quarter
        (
            "Korvel Foods said its board approved a new $5 billion buyback plan, following a $1.24 billion "
            "share repurchase in the third quarter.",
            "$1.24 billion",
        ),
        (
            "Korvel Foods said its board approved a new $5 billion buyback plan, following a $1.42 billion "
            "share repurchase in the third quarter.",
            None,
        ),
        # another thing of the same size class: a bond sale is not a buyback
        (
            "Korvel Foods said its board approved a new $5 billion buyback plan, following a $1.24 billion "
            "bond sale in the third quarter.",
            None,
        ),
    ],
)
def test_an_amount_measures_what_it_went_through(cli, tmp_path, later, expect):
    found = _numbers(_report(cli, tmp_path, [BUYBACK], later))
    if expect is None:
        assert found == [], found
    else:
        assert len(found) == 1 and expect in found[0]["text"] and "$1.42 billion" in found[0]["other_text"], found


@pytest.mark.parametrize(
    "head, title",
    [
        # a section label above the headline is not the headline
        ("World\n\n3 Dead, 40 Hurt As Morlan Ferry Burns At Quay\n\n", "3 Dead, 40 Hurt As Morlan Ferry Burns At Quay"),
        # a short headline with a longer subheadline under it stays the headline
        ("Ferry ablaze\n\nFirefighters fought the fire for hours\n\n", "Ferry ablaze"),
    ],
)
def test_the_headline_below_a_section_label_is_the_title(cli, tmp_path, head, title):
    f = tmp_path / "a.txt"
    f.write_text(head + "Firefighters worked through the night at the quay after the blaze, the harbour master said.\n")
    report = json.loads(cli("analyze", str(f), "--json").stdout)
    assert report["article"]["title"] == title
