"""Quotations compared across articles (bot/analysis/quotes.py and the engine's shared quotes and
quote contradictions): the same remark in other words is a `quote` contradiction with both
wordings; spelling variants, an editor's brackets, ellipses, abbreviations and function words are
not, and such a lightly edited quotation is a shared quote. All texts are fictional."""

from __future__ import annotations

import json

import pytest

from copydesk.bot.analysis.quotes import quote_diff

pytestmark = pytest.mark.usefixtures("short_articles")  # the cases are a sentence or three


@pytest.mark.parametrize(
    "a, b",
    [
        (
            "We will rebuild the harbour wall before the winter storms arrive.",
            "We will rebuild the harbor wall before the winter storms arrive.",
        ),  # spelling
        (
            "The skipper's plan (was) to reach the harbour before dark",
            "The skipper's plan to reach the harbour before dark",
        ),  # an editor's word
        (
            "The skipper's plan [was] to reach the harbour before dark",
            "The skipper's plan was to reach the harbour before dark",
        ),
        (
            "We will rebuild the pier ... before the summer season begins",
            "We will rebuild the pier and the harbour wall before the summer season begins",
        ),  # ellipsis
        (
            "the talks covered trade between the United Kingdom and Norway and the fishing quotas",
            "the talks covered trade between the UK and Norway and the fishing quotas",
        ),  # abbreviation
        (
            "the crews are worried both by the tides and by the fog on the channel",
            "the crews are worried by both the tides and the fog on the channel",
        ),  # function words
        (
            "Ferry passengers were waiting for hours, and the company said nothing to them at all",
            "the company said nothing to them at all",
        ),  # a shorter excerpt
    ],
)
def test_light_edits_are_the_same_wording(a, b):
    d = quote_diff(a, b)
    assert d.same_remark and not d.reworded, d


@pytest.mark.parametrize(
    "a, b",
    [
        (
            "If the port closes, the fishermen and their families will suffer this winter.",
            "If the port closes, the fishermen and their communities will suffer this winter.",
        ),
        (
            "I do not think it would be wise for me to try to lead the council next year.",
            "I do not think it would be wise for me to lead the council next year.",
        ),
        (
            "I think it will be a difficult winter for the island and its ferries.",
            "This will be a difficult winter for the island and its ferries.",
        ),
    ],
)
def test_the_same_remark_in_other_words(a, b):
    d = quote_diff(a, b)
    assert d.same_remark and d.reworded, d


def test_different_remarks_are_not_compared():
    d = quote_diff(
        "We have a meeting with the harbour board in the future",
        "It was agreed to keep in touch by phone and to arrange a meeting in the future, with a date to be set",
    )
    assert not d.same_remark


def test_one_rewording_in_a_long_quotation_is_light_editing():
    a = (
        "During the visit, the two ministers discussed a range of subjects including the fishing quotas of "
        "Norway and Iceland, the ferry links and the long Norway-Iceland partnership that dates back centuries"
    )
    b = (
        "During the visit, the two ministers discussed a range of subjects including the fishing quotas of "
        "Norway and Iceland, the ferry links and the two countries' partnership that dates back centuries"
    )
    d = quote_diff(a, b)
    assert d.same_remark and not d.reworded


def _article(path, outlet, date, body):
    path.write_text(f"outlet: {outlet}\npublished: {date}\n---\n{body}\n")
    return path


def test_reworded_quote_is_a_quote_contradiction_and_edited_one_a_shared_quote(cli, tmp_path):
    first = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-03-01",
        "Mayor Tomas Lind spoke to reporters on Monday about the closure of the port at Hessel.\n\n"
        '"If the port closes, the fishermen and their families will suffer this winter," Lind said.\n\n'
        '"We will rebuild the harbour wall before the winter storms arrive," he added.',
    )
    second = _article(
        tmp_path / "b.txt",
        "Island Post",
        "2026-03-02",
        "The mayor of Hessel, Tomas Lind, met reporters on Monday to talk about the port.\n\n"
        "\u201cIf the port closes, the fishermen and their communities will suffer this winter,\u201d "
        "Lind said.\n\n\u201cWe will rebuild the harbor wall before the winter storms arrive,\u201d he added.",
    )
    assert cli("analyze", first, "--store").exit_code == 0
    result = cli("analyze", second, "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    quotes = [c for c in report["contradictions"] if c["kind"] == "quote"]
    assert len(quotes) == 1, report["contradictions"]
    assert "communities" in quotes[0]["text"] and "families" in quotes[0]["other_text"]
    assert "Lind" in quotes[0]["explanation"]
    shared = [q for q in report["shared_quotes"] if "harbor wall" in q["text"]]
    assert shared and shared[0]["source"]["outlet"] == "Harbour Gazette"
    assert not any("harbor wall" in c["text"] for c in report["contradictions"])


def test_a_first_name_used_alone_is_the_same_speaker(cli, tmp_path):
    first = _article(
        tmp_path / "a.txt",
        "Harbour Gazette",
        "2026-03-01",
        '"The ferries will run again on Friday, whatever the weather brings," said Anya Petrova Lindqvist, '
        "the harbour master.",
    )
    second = _article(
        tmp_path / "b.txt",
        "Island Post",
        "2026-03-02",
        "Anya Petrova, the harbour master, spoke at the pier.\n\n"
        '"The ferries will run again on Friday, whatever the weather brings," Petrova said.',
    )
    assert cli("analyze", first, "--store").exit_code == 0
    report = json.loads(cli("analyze", second, "--json").stdout)
    assert not [c for c in report["contradictions"] if c["kind"] == "speaker"], report["contradictions"]
    assert report["shared_quotes"]


@pytest.mark.parametrize(
    "a, b, changed",
    [
        (
            "The mayor wants to close the old quay because it fails what she calls the “civic duty” of safe harbours.",
            "The mayor wants to close the old quay because it fails what she calls the “public duty” of safe harbours.",
            True,
        ),  # another word quoted at the same place
        (
            "The skipper says the ferry line has fallen short of its promise as a service for “island families.”",
            "The skipper says the ferry line does not keep its promise as a service for “local residents”.",
            True,
        ),  # a translated sentence with another quoted term
        (
            "The mayor wants to close the old quay because it fails what she calls the “civic duty” of safe harbours.",
            "The mayor wants to close the old quay because it fails what she calls the “civic  Duty” of safe harbours.",
            False,
        ),  # the same term
        (
            "The mayor wants to close the old quay because it fails what she calls the “civic duty” of safe harbours.",
            "The mayor wants to close the old quay because it fails what she calls the “duty” of safe harbours.",
            False,
        ),  # a trimmed term
        (
            "The council says the grant is meant for the “harbour trust” of the northern isles.",
            "The council says the grant is meant for the “HT” of the northern isles.",
            False,
        ),  # an abbreviation
        (
            "The mayor wants to close the old quay because it fails what she calls the “civic duty” of safe harbours.",
            "Fishermen marched on Monday against what she calls the “harbour tax” of the new council.",
            False,
        ),  # another sentence that happens to share the words before the quote
    ],
)
def test_a_short_quoted_term_changed_in_the_same_sentence(a, b, changed):
    from copydesk.bot.analysis.quotes import quoted_terms, term_changed

    ta, tb = quoted_terms(a), quoted_terms(b)
    assert len(ta) == 1 and len(tb) == 1
    assert term_changed(ta[0], tb[0]) is changed


def test_a_changed_quoted_term_is_a_quote_contradiction(cli, tmp_path):
    body = (
        "The harbour board met on Tuesday to discuss the future of the old quay.\n\n"
        "The mayor wants to close the old quay because it fails what she calls the “{}” of safe harbours.\n\n"
        "A vote is expected next month."
    )
    first = _article(tmp_path / "a.txt", "Harbour Gazette", "2026-03-01", body.format("civic duty"))
    second = _article(tmp_path / "b.txt", "Island Post", "2026-03-02", body.format("public duty"))
    same = _article(tmp_path / "c.txt", "Coast News", "2026-03-03", body.format("civic duty"))
    assert cli("analyze", first, "--store").exit_code == 0
    report = json.loads(cli("analyze", second, "--json", "--store").stdout)
    found = [c for c in report["contradictions"] if c["kind"] == "quote"]
    assert len(found) == 1, report["contradictions"]
    assert "public duty" in found[0]["text"] and "civic duty" in found[0]["other_text"]
    assert "“public duty” here, “civic duty” earlier" in found[0]["explanation"]
    report = json.loads(cli("analyze", same, "--json").stdout)
    found = [c for c in report["contradictions"] if c["kind"] == "quote"]
    # the third article agrees with the first, and differs from the second
    assert len(found) == 1 and found[0]["sources"][0]["outlet"] == "Island Post", found
