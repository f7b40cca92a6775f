"""One speaker's remark told differently by two outlets (bot/analysis/quotes.py, the speaker side
in bot/language/attributions/speakers.py): a speaker called by an epithet or a misspelt surname is
still the person the article named; another translation of a sentence is the same remark even with
other sentences quoted around it; a short quotation with one word in another form is a changed
quote. Each mechanism has a must-not-flag twin. All texts are fictional."""

from __future__ import annotations

import json

import pytest

from copydesk.bot.analysis.engine import _changed_words
from copydesk.bot.analysis.quotes import quote_diff, short_variant

pytestmark = pytest.mark.usefixtures("short_articles")


def _article(path, outlet, date, body):
    path.write_text(f"outlet: {outlet}\npublished: {date}\n---\n{body}\n")
    return path


def _report(cli, path) -> dict:
    result = cli("analyze", path, "--json", "--store")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _direct(report: dict, words: str) -> dict:
    found = [a for a in report["attributions"] if a["direct"] and words in a["content"]]
    assert found, report["attributions"]
    return found[0]


# --- speakers ---------------------------------------------------------------------------------


def test_an_epithet_is_the_person_the_article_named(cli, tmp_path):
    art = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Maria Kellner has left Hessel Rovers after eleven seasons, the club said on Tuesday.\n\n"
        "In a letter to the fans, the three-time league winner said the town had been her home.\n\n"
        "\u201cI leave with nothing but gratitude for this club and for every supporter in the stands,\u201d "
        "she said.",
    )
    quote = _direct(_report(cli, art), "nothing but gratitude")
    assert quote["speaker_key"] == "kellner" and "Kellner" in quote["speaker"]


def test_an_epithet_after_two_named_people_stays_unresolved(cli, tmp_path):
    art = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Maria Kellner and Laura Ostberg have both left Hessel Rovers after eleven seasons.\n\n"
        "In a letter to the fans, the three-time league winner said the town had been her home.\n\n"
        "\u201cI leave with nothing but gratitude for this club and for every supporter in the stands,\u201d "
        "she said.",
    )
    quote = _direct(_report(cli, art), "nothing but gratitude")
    assert quote["speaker_key"] not in ("kellner", "ostberg"), quote


def test_an_age_is_an_epithet_too(cli, tmp_path):
    body = (
        "{names} signed for Hessel Rovers on Monday after eleven seasons on the mainland.\n\n"
        "\u201cI am happy to be home at last and I want to win the league here,\u201d the 33-year-old said."
    )
    one = _article(tmp_path / "a.txt", "Harbour Gazette", "2026-04-02", body.format(names="Maria Kellner"))
    quote = _direct(_report(cli, one), "happy to be home")
    assert quote["speaker_key"] == "kellner", quote
    two = _article(
        tmp_path / "b.txt", "Island Post", "2026-04-02", body.format(names="Maria Kellner and Laura Ostberg")
    )
    report = _report(cli, two)
    assert not [a for a in report["attributions"] if a["speaker_key"] in ("kellner", "ostberg") and a["direct"]]


def test_a_bare_role_is_no_epithet(cli, tmp_path):
    art = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Maria Kellner, a ferry passenger, watched the rescue from the pier on Tuesday.\n\n"
        "\u201cThe pier will stay closed until the divers have checked every pillar,\u201d the harbour "
        "mayor said.",
    )
    quote = _direct(_report(cli, art), "pier will stay closed")
    assert quote["speaker_key"] != "kellner", quote


def test_a_misspelt_surname_is_the_person_named_in_full(cli, tmp_path):
    art = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Dorian Halvorsen, the harbour engineer, inspected the sea wall on Tuesday.\n\n"
        "\u201cThe wall has held through the worst storm in twenty years,\u201d Halvorson said.",
    )
    quote = _direct(_report(cli, art), "wall has held")
    assert quote["speaker_key"] == "halvorsen", quote


def test_a_short_bare_name_near_a_full_one_is_another_person(cli, tmp_path):
    art = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Karl Berge, the harbour engineer, inspected the sea wall on Tuesday.\n\n"
        "\u201cThe wall has held through the worst storm in twenty years,\u201d Berga said.",
    )
    quote = _direct(_report(cli, art), "wall has held")
    assert quote["speaker_key"] == "berga", quote


def test_two_people_with_near_names_stay_apart(cli, tmp_path):
    art = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Karl Brandt, the harbour engineer, and Lena Brand, the ferry captain, inspected the wall.\n\n"
        "\u201cThe wall has held through the worst storm in twenty years,\u201d Brand said.",
    )
    quote = _direct(_report(cli, art), "wall has held")
    assert quote["speaker_key"] == "brand", quote


# --- sentences of a remark ----------------------------------------------------------------------


def test_another_translation_of_a_sentence_is_the_same_remark():
    d = quote_diff(
        "While she is on shore she somehow checked the valves on the main pumping station. "
        "She was alone in the control room.",
        "When she was on shore, the engineer checked the valves of the main pumping station to stop the flood",
    )
    assert d.same_remark and d.reworded, d


def test_a_fragment_in_the_reporters_sentence_is_not_aligned_by_its_sentences():
    # a partial quotation bends to the reporter's syntax: its lower overlap is not enough
    d = quote_diff(
        "open a partner-like dialogue with the island council on the basis of trust, fairness and "
        "respect for local customs.",
        "success in the new season and said she was ready to build a dialogue of partnership with the "
        "island council on the principles of trust, fairness and respect for each other's customs.",
    )
    assert not d.same_remark, d


def test_different_remarks_sharing_few_content_words_are_not_the_same_remark():
    d = quote_diff(
        "For Hessel Rovers, Maria Kellner will always be one of its greatest captains and an example for "
        "the young players to come.",
        "Hessel Rovers will always be her home.",
    )
    assert not d.same_remark, d


def test_a_translated_letter_told_differently_is_a_quote_contradiction(cli, tmp_path):
    first = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Maria Kellner has left Hessel Rovers after eleven seasons, the club said on Tuesday.\n\n"
        "In a letter to the fans, the three-time league winner thanked the town.\n\n"
        "\u201cBut I think the moment has come to start a new chapter in my career and that is why I asked "
        "the club to accept my transfer.\u201d",
    )
    second = _article(
        tmp_path / "b.txt",
        "Island Post",
        "2026-04-03",
        "Captain Maria Kellner is leaving Hessel Rovers for a club on the mainland.\n\n"
        "\u201cI believe that the moment has come to begin a new chapter in my career and that is why I "
        "have asked the club to accept my transfer request,\u201d Kellner wrote.",
    )
    _report(cli, first)
    report = _report(cli, second)
    quotes = [c for c in report["contradictions"] if c["kind"] == "quote"]
    assert len(quotes) == 1, report["contradictions"]
    assert "begin a new chapter" in quotes[0]["text"] and "start a new chapter" in quotes[0]["other_text"]
    assert "Kellner" in quotes[0]["explanation"]


def test_the_same_translation_with_more_quoted_is_no_contradiction(cli, tmp_path):
    first = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Maria Kellner has left Hessel Rovers after eleven seasons, the club said on Tuesday.\n\n"
        "\u201cI think the moment has come to start a new chapter in my career,\u201d Kellner wrote.",
    )
    second = _article(
        tmp_path / "b.txt",
        "Island Post",
        "2026-04-03",
        "Captain Maria Kellner is leaving Hessel Rovers for a club on the mainland.\n\n"
        "\u201cI think the moment has come to start a new chapter in my career. I will miss the fans "
        "more than anything,\u201d Kellner wrote.",
    )
    _report(cli, first)
    report = _report(cli, second)
    assert not [c for c in report["contradictions"] if c["kind"] == "quote"], report["contradictions"]
    assert report["shared_quotes"]


# --- short quotations ----------------------------------------------------------------------------


def test_a_short_quote_with_a_word_in_another_form():
    assert short_variant(
        "Forty ships in a harbour built for ten ... that's just recklessness", "That's just reckless."
    ) == ("recklessness", "reckless")
    assert (
        short_variant("That's just reckless.", "Forty ships in a harbour built for ten ... that's just wrong") is None
    )
    assert short_variant("That's just reckless.", "That's just reckless.") is None
    assert short_variant("We are ready", "We were ready") is None  # a function word


def test_a_short_quote_in_other_words_is_a_quote_contradiction(cli, tmp_path):
    first = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Harbour master Anya Petrova was told on Tuesday that forty ships had been moored at the quay.\n\n"
        "Petrova, hearing the number of ships, said, \u201cThat's just recklessness.\u201d",
    )
    second = _article(
        tmp_path / "b.txt",
        "Island Post",
        "2026-04-03",
        "Harbour master Anya Petrova reacted with dismay to the number of ships at the quay.\n\n"
        "\u201cForty ships in a harbour built for ten ... that's just reckless,\u201d Petrova said.",
    )
    _report(cli, first)
    report = _report(cli, second)
    quotes = [c for c in report["contradictions"] if c["kind"] == "quote"]
    assert len(quotes) == 1, report["contradictions"]
    assert "reckless" in quotes[0]["text"] and "recklessness" in quotes[0]["other_text"]


def test_a_short_quote_of_another_remark_is_not_compared(cli, tmp_path):
    first = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-04-02",
        "Harbour master Anya Petrova was told on Tuesday that forty ships had been moored at the quay.\n\n"
        "Petrova, hearing the number of ships, said, \u201cThat's just wrong.\u201d",
    )
    second = _article(
        tmp_path / "b.txt",
        "Island Post",
        "2026-04-03",
        "Harbour master Anya Petrova reacted with dismay to the number of ships at the quay.\n\n"
        "\u201cForty ships in a harbour built for ten ... that's just reckless,\u201d Petrova said.",
    )
    _report(cli, first)
    report = _report(cli, second)
    assert not [c for c in report["contradictions"] if c["kind"] == "quote"], report["contradictions"]


# --- what changed -------------------------------------------------------------------------------


def test_words_beyond_the_other_renderings_edge_are_no_change():
    # one outlet quotes an opening clause the other leaves out: its "not" is no negation
    assert (
        _changed_words("for us the harbour has been a burden", "while it was not easy the harbour has been a burden")
        is None
    )
    assert "negation" in (_changed_words("the vessel was taking on water", "the vessel was not taking on water") or "")
