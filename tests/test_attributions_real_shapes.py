"""Attribution shapes that real coverage uses and that once lost their speaker: wire-copy quote
marks, coordinated and participial verbs, forecasts and announcements, unissued reports, dates
parsed as subjects, a name resumed by a pronoun. All texts are fictional, written for these tests."""

from __future__ import annotations

import pytest

from copydesk.bot.language import attributions as A
from copydesk.bot.language import doc as docmod


def extract(nlp, text: str) -> list[A.Attribution]:
    return A.extract(docmod.parse(text, nlp))


def found(atts, key: str, contains: str, direct: bool | None = None) -> bool:
    return any(a.speaker_key == key and contains in a.content and (direct is None or a.direct == direct) for a in atts)


def test_typewriter_quote_marks_of_wire_copy(nlp):
    text = (
        "The skipper's \"plan (was) to reach the harbour before dark,'' coastguard commander Rita Okafor said.\n\n"
        "``Nobody could have seen the rocks,'' Okafor said."
    )
    spans = [text[s:e] for s, e in A.quote_spans(text)]
    assert "plan (was) to reach the harbour before dark," in spans
    assert "Nobody could have seen the rocks," in spans
    atts = extract(nlp, text)
    assert found(atts, "okafor", "plan (was) to reach the harbour", direct=True)
    assert found(atts, "okafor", "Nobody could have seen the rocks", direct=True)


def test_subject_shared_by_a_passive_and_a_speech_verb(nlp):
    text = "Passenger Mira Castell, 41, was seated in the last carriage and said the tram was going very fast."
    assert found(extract(nlp, text), "castell", "the tram was going very fast", direct=False)


def test_with_someone_saying(nlp):
    text = "Brennick United confirmed the sale of its goalkeeper, with the veteran keeper saying the time had come for a change."
    atts = extract(nlp, text)
    assert any("keeper" in a.speaker and "the time had come" in a.content for a in atts)


def test_report_attached_higher_in_the_parse(nlp):
    text = "The offer comes after Ines Moreau revealed last week she had raised 40 million euros to buy the ferry line."
    assert found(extract(nlp, text), "moreau", "she had raised 40 million euros", direct=False)


@pytest.mark.parametrize(
    "text, key, contains",
    [
        (
            "Brightwater Ferries forecast second-half revenue of about 90 million euros.",
            "brightwater ferries",
            "second-half revenue of about 90 million euros",
        ),
        (
            "Harbour analysts predict a 20% drop in freight traffic this winter.",
            "harbour analysts",
            "a 20% drop in freight traffic",
        ),
        ("Brightwater Ferries announced a 5 million euro share buyback.", "brightwater ferries", "share buyback"),
        (
            "Brightwater Ferries issued full-year guidance of 180 million euros.",
            "brightwater ferries",
            "full-year guidance of 180 million euros",
        ),
    ],
)
def test_forecasts_and_announcements_attribute_their_object(nlp, text, key, contains):
    assert found(extract(nlp, text), key, contains, direct=False)


@pytest.mark.parametrize(
    "text",
    [
        "Daylight revealed the damage to the pier.",
        "The first counting areas reported their results after midnight.",
    ],
)
def test_things_that_reveal_or_report_are_not_speakers(nlp, text):
    assert extract(nlp, text) == []


def test_an_owner_of_expectations_speaks(nlp):
    text = "Revenue reached 95 million euros, beating analysts' expectations of 88 million euros."
    assert any("analysts" in a.speaker and "expectations of 88 million euros" in a.content for a in extract(nlp, text))


def test_reports_with_no_issuer_speak_for_themselves(nlp):
    text = "Local media reports said the ferry line could cost the buyer 40 million euros."
    atts = extract(nlp, text)
    assert any(a.speaker == "Local media reports" and "could cost the buyer" in a.content for a in atts)


def test_a_date_parsed_as_a_subject_is_not_a_speaker(nlp):
    text = "During a briefing Tuesday, Anya Petrova, the harbour master, said the channel was clear again."
    atts = extract(nlp, text)
    assert found(atts, "petrova", "the channel was clear again", direct=False)
    assert all("tuesday" not in a.speaker_key for a in atts)


def test_a_name_resumed_by_a_pronoun(nlp):
    text = "Brightwater it said it will become a private company after the sale closes."
    assert found(extract(nlp, text), "brightwater", "it will become a private company", direct=False)


def test_quote_only_cue_governing_a_partial_quote(nlp):
    text = "Mayor Tomas Lind described the reopening as the town's \u201cnew beginning\u201d and thanked the crews."
    assert found(extract(nlp, text), "lind", "new beginning", direct=True)


def test_headline_verb_with_a_quote(nlp):
    text = "Tomas Lind hails 'a new beginning' for the harbour"
    assert found(extract(nlp, text), "lind", "a new beginning", direct=True)


def test_quotes_resumed_after_a_paragraph_of_figures(nlp):
    text = (
        '"The water is still rising," said Anya Petrova, the harbour master.\n\n'
        "By Tuesday evening, 42 boats had been moved to the inner basin.\n\n"
        '"We have asked every skipper to stay ashore tonight. We will open the gates at dawn."'
    )
    assert found(extract(nlp, text), "petrova", "We have asked every skipper", direct=True)


def test_quotes_resumed_after_a_named_paragraph_are_not_carried(nlp):
    text = (
        '"The water is still rising," said Anya Petrova, the harbour master.\n\n'
        "Tomas Lind, the mayor, visited the pier on Tuesday.\n\n"
        '"We have asked every skipper to stay ashore tonight."'
    )
    assert not found(extract(nlp, text), "petrova", "We have asked every skipper")


def test_a_pull_quote_opening_the_article(nlp):
    text = (
        '"We have asked every skipper to stay ashore tonight."\n\n'
        "Harbour master Anya Petrova closed the port on Tuesday, but said the ferries would run on Friday."
    )
    assert found(extract(nlp, text), "petrova", "We have asked every skipper", direct=True)


def test_transcript_lines(nlp):
    text = (
        "Mayor Tomas Lind and Anya Petrova met at the pier on Tuesday.\n\n"
        "Lind: The pier will reopen before the summer.\n\n"
        "Petrova (through an interpreter): We will need more crews for that.\n\n"
        "Update: the meeting ended at noon."
    )
    atts = extract(nlp, text)
    assert found(atts, "lind", "The pier will reopen before the summer", direct=True)
    assert found(atts, "petrova", "We will need more crews", direct=True)
    assert not any("meeting ended" in a.content for a in atts)


def test_a_quote_about_someone_is_not_theirs(nlp):
    text = (
        '"The skipper was alone on the bridge," coastguard commander Rita Okafor said.\n\n'
        "Jonas Feld was awake before the collision.\n\n"
        '"His radio was on. He did not answer our calls," she said.\n\n'
    )
    text = text.replace("she said", "he said").replace("Rita Okafor", "Marek Okafor")
    atts = extract(nlp, text)
    assert found(atts, "okafor", "He did not answer our calls", direct=True)


def test_saying_nothing_is_not_a_cue(nlp):
    text = (
        "Okafor said the skipper said nothing after the engine stopped.\n\n"
        '"It was absolute silence on the bridge," he said.'
    )
    atts = extract(nlp, text.replace("Okafor", "Marek Okafor"))
    assert found(atts, "okafor", "absolute silence on the bridge", direct=True)
    assert not any(a.speaker_key == "skipper" for a in atts)


def test_the_club_is_the_club_named_before(nlp):
    text = (
        "Harbourside Football Club announced the sale of its captain on Tuesday.\n\n"
        '"We thank him for ten wonderful years at the club," the club said in a statement.'
    )
    assert found(extract(nlp, text), "harbourside football club", "ten wonderful years", direct=True)
