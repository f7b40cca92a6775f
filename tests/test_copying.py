"""Copied passages through the CLI, on fictional articles (tests/fixtures/copying): a sentence split
in two, two sentences merged into one, a dateline before the lede, a clause added to a copied
sentence, a whole reprint found as one passage, the earliest source when no dates are known, and
quotations of a third party left out."""

from __future__ import annotations

import json
from pathlib import Path

FIX = Path(__file__).resolve().parent / "fixtures" / "copying"


def report_of(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def analyze_after(cli, *earlier: str, then: str) -> dict:
    for name in earlier:
        assert cli("analyze", FIX / name, "--store", "--json").exit_code == 0
    return report_of(cli("analyze", FIX / then, "--store", "--json"))


def covering(report: dict, phrase: str) -> list[dict]:
    return [c for c in report["copied"] if phrase in c["text"]]


def test_split_merged_and_extended_sentences_are_copies_of_the_earlier_wording(cli):
    report = analyze_after(cli, "01_wire.txt", then="02_rewrite.txt")
    # the lede split in two after a dateline: both halves copied, from the one earlier sentence
    lede = covering(report, "will raise household tariffs by nine percent from July.")
    assert lede and "after a dry winter" in lede[0]["source_text"]
    assert covering(report, "A dry winter left its reservoirs")
    # two earlier sentences merged into one
    merged = covering(report, "which engineers expect to be finished")
    assert merged and "Engineers expect the pipeline" in merged[0]["source_text"]
    # a clause added to a copied sentence: the copied part is reported, not the addition
    extended = covering(report, "Farmers in the Lessen valley")
    assert extended and "review their rate" not in extended[0]["text"]
    assert extended[0]["text"].endswith("according to the board's published plan,")
    # the quotation of the chairwoman is her words, not the wire's; the new sentence is new
    assert not covering(report, "no choice")
    assert not covering(report, "old town")
    assert all(c["source"]["outlet"] == "Northwire" for c in report["copied"])
    assert all(0.85 <= c["similarity"] <= 1.0 for c in report["copied"])


def test_whole_reprint_is_one_passage_from_the_earliest_source(cli):
    # the rewrite is archived before the reprint but after the wire; no article has a date
    report = analyze_after(cli, "01_wire.txt", "02_rewrite.txt", then="03_reprint.txt")
    assert len(report["copied"]) == 1, [c["text"][:40] for c in report["copied"]]
    passage = report["copied"][0]
    assert passage["source"]["outlet"] == "Northwire"
    assert passage["similarity"] == 1.0
    assert passage["start"] == 0 and passage["end"] == len(report["text"])
    assert report["copied_share"] == 1.0
