"""Attributions (bot/language/attributions/): every quote shape, indirect speech, speakers and their keys,
pronouns, aliases, non-attributions, the seed articles and the labelled evaluation set.

All sentences here are fictional, written for these tests; the seed articles are read from
../shared/seeds (skipped when absent)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from copydesk.bot.language import attributions as A
from copydesk.bot.language import doc as docmod

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def extract(nlp, text: str) -> list[A.Attribution]:
    return A.extract(docmod.parse(text, nlp))


def covers(text: str, a: A.Attribution) -> bool:
    """text[start:end] holds the content: the quoted parts for a direct quote, else the clause."""
    window = text[a.start : a.end]
    if a.direct:
        return (
            bool(a.quotes)
            and a.quotes[0][0] == a.start
            and a.quotes[-1][1] == a.end
            and all(text[s:e] in window for s, e in a.quotes)
            and " ".join(text[s:e] for s, e in a.quotes).strip(" ,;:") == a.content
        )
    return all(piece in " ".join(window.split()) for piece in a.content.split(" "))


def one(found: list[A.Attribution], direct: bool | None = None, contains: str = "") -> A.Attribution:
    hits = [a for a in found if (direct is None or a.direct == direct) and contains in a.content]
    assert len(hits) == 1, [(a.speaker_key, a.direct, a.content) for a in found]
    return hits[0]


# ---------------------------------------------------------------------------------------------
# Direct quotes, shape by shape
# ---------------------------------------------------------------------------------------------


def test_quote_then_speaker_said(nlp):
    text = '"The bridge will reopen on Friday," Mayor Tomas Lind said.'
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.cue, a.direct) == ("lind", "say", True)
    assert a.content == "The bridge will reopen on Friday"
    assert a.speaker == "Mayor Tomas Lind" and a.sentence == 0
    assert covers(text, a)


def test_speaker_said_colon_quote(nlp):
    text = 'Coastguard commander Rita Okafor said: "Nobody was seriously hurt."'
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.cue, a.direct) == ("okafor", "say", True)
    assert a.content == "Nobody was seriously hurt."
    assert covers(text, a)


def test_quote_then_said_speaker_inverted(nlp):
    text = '"We have never seen fog like this," said Jonas Feld, the ferry\'s captain.'
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.cue, a.direct) == ("feld", "say", True)
    assert a.content == "We have never seen fog like this"


def test_split_quote_is_one_attribution(nlp):
    text = '"We will rebuild the pier," the mayor said, "and we will do it before the summer."'
    found = extract(nlp, text)
    a = one(found)
    assert (a.speaker_key, a.cue, a.direct) == ("mayor", "say", True)
    assert a.content == "We will rebuild the pier, and we will do it before the summer."
    assert len(a.quotes) == 2 and covers(text, a)
    assert "the mayor said" in text[a.start : a.end]


def test_quote_over_several_sentences(nlp):
    text = (
        '"The inspection found three cracks in the hull. None of them was new. We reported all of them," '
        "the operator's safety chief, Ines Moreau, said on Tuesday."
    )
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.direct) == ("moreau", True)
    assert a.content.startswith("The inspection found") and a.content.endswith("We reported all of them")
    assert a.sentence == 0 and covers(text, a)


def test_quote_over_paragraphs(nlp):
    text = (
        '"We are asking every passenger to come forward," police spokeswoman Dana Cole said. '
        '"Some of them may have seen the collision.\n\n"Any photograph could help."'
    )
    found = extract(nlp, text)
    assert [a.speaker_key for a in found] == ["cole", "cole"]
    second = one(found, contains="Any photograph")
    assert second.direct and len(second.quotes) == 2
    assert second.content == "Some of them may have seen the collision. Any photograph could help."
    assert covers(text, second)


@pytest.mark.parametrize("marks", [('"', '"'), ("“", "”"), ("«", "»"), ("‘", "’")])
def test_curly_straight_and_guillemet_marks(nlp, marks):
    o, c = marks
    text = f"{o}The timetable is unrealistic,{c} the opposition leader Marek Hall told the assembly."
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.cue, a.direct) == ("hall", "tell", True)
    assert a.content == "The timetable is unrealistic"


def test_partial_quote_inside_indirect_speech(nlp):
    text = (
        "Brightwater Ferries said on Monday that nobody had been hurt. The operator also expressed its hope "
        'for a "swift and complete recovery" of the injured, according to the statement.'
    )
    found = extract(nlp, text)
    quote = one(found, direct=True)
    assert (quote.speaker_key, quote.cue) == ("brightwater ferries", "according to")
    assert quote.content == "swift and complete recovery" and covers(text, quote)
    clause = one(found, direct=False, contains="expressed its hope")
    assert clause.speaker_key == "brightwater ferries" and clause.quotes == []


def test_speaker_in_next_sentence(nlp):
    text = '"We are not going anywhere." That was how the fishermen\'s leader, Oskar Lund, put it on Monday.'
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.cue, a.direct) == ("lund", "put", True)
    assert a.content == "We are not going anywhere."


def test_quote_carried_from_previous_attribution(nlp):
    text = (
        'The harbour authority said in a statement on Sunday. "Safety remains our first priority. '
        'The terminal stays closed."'
    )
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.direct) == ("harbour authority", True)
    assert a.content.startswith("Safety remains") and covers(text, a)


def test_quote_paragraph_after_colon_paragraph(nlp):
    text = 'The ministry said in a statement:\n\n"The ferry operator failed to report two earlier incidents."'
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.direct) == ("ministry", True)


def test_following_quote_in_paragraph_belongs_to_previous_speaker(nlp):
    text = '"The fog came in within minutes," the captain said. "By then we were already in the channel."'
    found = extract(nlp, text)
    assert [(a.speaker_key, a.direct) for a in found] == [("captain", True), ("captain", True)]
    assert found[1].content == "By then we were already in the channel."


def test_quote_without_any_speaker_is_not_attributed(nlp):
    text = 'The ferry sank in 1998.\n\n"Nobody expected it."'
    assert extract(nlp, text) == []


# ---------------------------------------------------------------------------------------------
# Indirect speech
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, key, cue, content",
    [
        (
            "The regional coastguard said that all 213 passengers had been taken ashore by noon.",
            "regional coastguard",
            "say",
            "all 213 passengers had been taken ashore by noon",
        ),
        (
            "Police said the driver of the lorry was not injured.",
            "police",
            "say",
            "the driver of the lorry was not injured",
        ),
        (
            "The ferry will be towed to Port Aldane on Tuesday, the operator said.",
            "operator",
            "say",
            "The ferry will be towed to Port Aldane on Tuesday",
        ),
        (
            "According to Brightwater Ferries, the vessel had passed its inspection in January.",
            "brightwater ferries",
            "according to",
            "the vessel had passed its inspection in January",
        ),
        (
            "Nine people were treated in hospital, according to the regional health authority.",
            "regional health authority",
            "according to",
            "Nine people were treated in hospital",
        ),
        (
            "Petrova told Meridian Radio the government would pay for the repairs.",
            "petrova",
            "tell",
            "the government would pay for the repairs",
        ),
        (
            "In a statement, the Maritime Safety Board confirmed that it had opened an investigation.",
            "maritime safety board",
            "confirm",
            "it had opened an investigation",
        ),
        (
            "In a statement, the ministry expressed regret over the delays.",
            "ministry",
            "statement",
            "the ministry expressed regret over the delays",
        ),
        (
            "The governor's office said the state of emergency would be lifted on Thursday.",
            "governor:office",
            "say",
            "the state of emergency would be lifted on Thursday",
        ),
        (
            "The captain reportedly told investigators that the radar had failed.",
            "captain",
            "tell",
            "the radar had failed",
        ),
        (
            "The repairs, the operator said, would cost about 2 million euros.",
            "operator",
            "say",
            "The repairs would cost about 2 million euros",
        ),
    ],
)
def test_indirect_speech(nlp, text, key, cue, content):
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.cue, a.direct, a.content) == (key, cue, False, content)
    assert a.quotes == [] and covers(text, a)


@pytest.mark.parametrize(
    "verb, lemma",
    [
        ("added", "add"),
        ("noted", "note"),
        ("insisted", "insist"),
        ("warned", "warn"),
        ("confirmed", "confirm"),
        ("denied", "deny"),
        ("claimed", "claim"),
        ("announced", "announce"),
    ],
)
def test_speech_verbs_by_lemma(nlp, verb, lemma):
    text = f"The company {verb} that the ferry had been fully crewed."
    a = one(extract(nlp, text))
    assert (a.speaker_key, a.cue, a.direct) == ("company", lemma, False)
    assert a.content == "the ferry had been fully crewed"


def test_accusation(nlp):
    text = 'Opposition leader Marek Hall accused the government of "criminal negligence" over the inspections.'
    found = extract(nlp, text)
    assert {(a.speaker_key, a.cue) for a in found} == {("hall", "accuse")}
    assert one(found, direct=True).content == "criminal negligence"


def test_quote_with_adding_that(nlp):
    text = '"The crew did everything right," the company said, adding that it would cooperate with investigators.'
    found = extract(nlp, text)
    assert [(a.speaker_key, a.cue, a.direct) for a in found] == [("company", "say", True), ("company", "add", False)]
    assert found[1].content == "it would cooperate with investigators"


# ---------------------------------------------------------------------------------------------
# Speakers, pronouns, keys
# ---------------------------------------------------------------------------------------------


def test_pronoun_resolved_to_speaker_of_previous_paragraph(nlp):
    text = '"It is deep enough for any ferry," Harbourmaster Piet Vos said.\n\n"We dredged it in March," he added.'
    found = extract(nlp, text)
    assert [(a.speaker_key, a.cue) for a in found] == [("vos", "say"), ("vos", "add")]
    assert found[1].speaker == "Harbourmaster Piet Vos"


def test_pronoun_resolved_to_subject_of_narration(nlp):
    text = 'Transport Minister Anya Petrova visited the harbour on Sunday.\n\n"We will review every rule," she said.'
    assert [a.speaker_key for a in extract(nlp, text)] == ["petrova"]


def test_it_resolves_to_an_organisation_not_a_person(nlp):
    text = (
        "Okafor met inspectors from the Maritime Safety Board on Monday. The Maritime Safety Board sent "
        "three inspectors. It said a report would follow within 30 days."
    )
    a = one(extract(nlp, text))
    assert a.speaker_key == "maritime safety board"


def test_unresolvable_pronoun_gives_no_attribution(nlp):
    assert extract(nlp, "He said the bridge was unsafe.") == []


def test_alias_table_maps_roles_to_names(nlp):
    text = (
        "Russian President Vladimir Putin opened the new port on Monday.\n\n"
        '"This is a great day," Mr. Putin said.\n\n'
        "The Russian president told guests that a second terminal would follow.\n\n"
        "Vladimir Putin also said the port would employ 2,000 people."
    )
    found = extract(nlp, text)
    assert len(found) == 3
    assert {a.speaker_key for a in found} == {"putin"}


def test_role_of_two_people_is_not_an_alias(nlp):
    text = (
        "Tessalian Minister Ivo Maric and Aldanian Minister Petra Kos met on Friday. "
        "The minister said the talks had gone well."
    )
    a = one(extract(nlp, text))
    assert a.speaker_key == "minister"


@pytest.mark.parametrize(
    "name, key",
    [
        ("Putin", "putin"),
        ("Vladimir Putin", "putin"),
        ("President Putin", "putin"),
        ("Mr. Putin", "putin"),
        ("Russian President Vladimir Putin", "putin"),
        ("Kremlin spokesman Dmitry Peskov", "peskov"),
        ("the Kremlin", "kremlin"),
        ("The Kremlin", "kremlin"),
        ("Trump's transition team", "trump:office"),
        ("Trump’s office", "trump:office"),
        ("the Trump transition team", "trump:office"),
        ("Trump's presidential transition team", "trump:office"),
        ("a spokesman for the ministry", "ministry:office"),
        ("the ministry", "ministry"),
        ("officials", "officials"),
        ("the Foreign Ministry", "foreign ministry"),
        ("President-elect Donald Trump", "trump"),
        ("a Kremlin press release", "kremlin"),
        ("", ""),
    ],
)
def test_speaker_key(name, key):
    assert A.speaker_key(name) == key


def test_speaker_key_with_aliases():
    aliases = {"russian president": "putin", "russian leader": "putin"}
    assert A.speaker_key("the Russian president", aliases) == "putin"
    assert A.speaker_key("the Russian leader", aliases) == "putin"
    assert A.speaker_key("the Russian president") == "russian president"


def test_same_speaker():
    assert A.same_speaker("putin", "putin")
    assert A.same_speaker("putin+trump", "trump+putin")
    assert not A.same_speaker("putin", "trump:office")
    assert not A.same_speaker("", "")


# ---------------------------------------------------------------------------------------------
# Not attributions
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The MV Corrin Star struck a sandbank shortly after 6 a.m. while sailing to Hessel.",
        "The said agreement between the two ferry companies expired in 2019.",
        "Did the operator say when the ferry would sail again?",
        "The ministry's statement came two days after the grounding.",
        "The captain did not say why the ship had left the channel.",
        "The minister will announce the results of the review next month.",
        'The documentary "Lights on the Water" was filmed on Hessel in 2015.',
        'The so-called "fog season" usually lasts from October to December.',
        "Reporters asked the minister whether she would resign.",
    ],
)
def test_not_attributions(nlp, text):
    assert extract(nlp, text) == []


# ---------------------------------------------------------------------------------------------
# Quote spans and serialisation
# ---------------------------------------------------------------------------------------------


def test_quote_spans_marks_and_nesting():
    text = (
        "He said \"yes, 'maybe' later\" and “no”. She called it « absurd ». Trump's aides' plans weren't 'final' then."
    )
    got = [text[s:e] for s, e in A.quote_spans(text)]
    assert got == ["yes, 'maybe' later", "maybe", "no", "absurd", "final"]


def test_quote_spans_over_paragraphs():
    text = '"First part.\n\n"Second part," she said.\n\nNo quote here.'
    assert [text[s:e] for s, e in A.quote_spans(text)] == ["First part.", "Second part,"]


def test_round_trip_through_json(nlp):
    text = '"We will rebuild the pier," the mayor said, "and quickly."'
    for a in extract(nlp, text):
        d = json.loads(json.dumps(a.to_dict()))
        assert A.Attribution.from_dict(d) == a


def test_empty_text(nlp):
    assert extract(nlp, "") == []


# ---------------------------------------------------------------------------------------------
# The seed articles
# ---------------------------------------------------------------------------------------------


def _seed(nlp, n: int) -> tuple[str, list[A.Attribution]]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    raw = next(SEEDS.glob(f"{n:03d}_*.txt")).read_text(encoding="utf-8")
    try:
        from copydesk.bot.reading.clean import clean_article

        text = clean_article(raw).text
    except ImportError:
        text = raw
    return text, extract(nlp, text)


def test_seed_transition_team_quote_shared_with_trumps_office(nlp):
    text2, found2 = _seed(nlp, 2)
    text3, found3 = _seed(nlp, 3)
    team = one(found2, direct=True, contains="During the call, the two leaders discussed")
    office = one(found3, direct=True, contains="President-elect Trump noted")
    assert team.speaker_key == office.speaker_key == "trump:office"
    assert office.cue == "say" and "Trump" in office.speaker
    assert covers(text2, team) and covers(text3, office)
    # the following quote of 002 ("President-elect Trump noted…") is carried to the same team
    assert one(found2, direct=True, contains="President-elect Trump noted").speaker_key == "trump:office"


def test_seed_kremlin_attributions(nlp):
    for n in (2, 3):
        _, found = _seed(nlp, n)
        kremlin = [a for a in found if a.speaker_key == "kremlin"]
        assert len(kremlin) >= 3, [(a.speaker_key, a.content[:40]) for a in found]
        assert any(a.direct for a in kremlin) and any(not a.direct for a in kremlin)


def test_seed_putin_and_lavrov_quotes(nlp):
    text, found = _seed(nlp, 0)
    heard = one(found, direct=True, contains="We heard")
    assert (heard.speaker_key, heard.cue) == ("putin", "say")
    understand = one(found, direct=True, contains="We understand")
    assert (understand.speaker_key, understand.cue) == ("putin", "add")
    lavrov = one(found, direct=True, contains="cannot be called friendly")
    assert lavrov.speaker_key == "lavrov" and "Hopefully" in lavrov.content
    assert covers(text, lavrov)
    told = one(found, direct=False, contains="ready to maintain constructive dialogue")
    assert told.speaker_key == "putin"  # "The Russian president reportedly told…"


def test_seed_clinton_accusation(nlp):
    _, found = _seed(nlp, 2)
    clinton = [a for a in found if a.speaker_key == "clinton"]
    assert clinton and all(a.cue == "accuse" for a in clinton)
    assert any("puppet" in a.content for a in clinton)


# ---------------------------------------------------------------------------------------------
# The labelled evaluation set
# ---------------------------------------------------------------------------------------------


def test_eval_set_f1(nlp):
    spec = importlib.util.spec_from_file_location("attributions_eval", ROOT / "eval" / "attributions_eval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    cases = mod.load_cases()
    assert len(cases) >= 40 and sum(1 for c in cases if not c["expected"]) >= 10
    s = mod.score_attributions(cases, nlp)
    assert s["f1"] >= 0.85, s["errors"]
