"""Page furniture removal (copydesk.bot.reading.clean): the five real seed pages (read from
../shared/seeds, never copied here) and fictional pages written for these tests."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from copydesk.bot.reading.clean import Cleaned, clean_article

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
MODULE = Path(__file__).resolve().parents[1] / "bot" / "reading" / "clean.py"


# ---------------------------------------------------------------------------------------------
# The seed pages
# ---------------------------------------------------------------------------------------------


def seed_text(n: int) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed pages not found: {SEEDS} (the shared folder beside the project) is absent")
    paths = sorted(SEEDS.glob(f"{n:03d}_*.txt"))
    if not paths:
        pytest.skip(f"seed {n:03d} not found in {SEEDS}")
    return paths[0].read_text(encoding="utf-8")


def paras(cleaned: Cleaned) -> list[str]:
    return cleaned.text.split("\n\n")


# Per seed: the detected title, how many real paragraphs the page has, the first and the last
# real paragraph (by prefix), furniture that must be gone (substrings) and furniture lines that
# must not survive as paragraphs of their own (the same words occur inside real sentences).
SEED_EXPECTATIONS = {
    0: dict(
        title="Putin And Trump Make Contact Over The Phone",
        count=14,
        first="Russian President Vladimir Putin had a phone",
        last="“The Russian Parliament will welcome",
        gone=[
            "Fact checked by",
            "About Edmondo Burr",
            "3498 Articles",
            "BA Economics",
            "Edmondo Burr",
            "Make Contact Over The Phone",
        ],
        not_paragraphs=[],
    ),
    1: dict(
        title="Vladimir Putin spoke with President-elect Donald Trump",
        count=6,
        first="The scheduled phone conversation",
        last="Lastly, both have agreed",
        gone=[
            "BREAKING",
            "0 0 vote",
            "Article Rating",
            "Help us grow",
            "Patreon",
            "The statements, views",
            "What do you think?",
            "Notify of",
            "Inline Feedbacks",
            "View all comments",
            "MUST WATCH",
            "Julian Assange",
        ],
        not_paragraphs=["in ,"],
    ),
    2: dict(
        title="Trump, Putin Speak Over the Phone",
        count=10,
        first="U.S. President-elect Donald Trump and Russian",
        last="Trump was declared president-elect",
        gone=["ADVERTISEMENT", "Speak Over the Phone", "November 14, 2016", "President-elect wants"],
        not_paragraphs=["AP", "Donald Trump"],
    ),
    3: dict(
        title="Trump and Putin agree to work to improve ties",
        count=13,
        first="Russian President Vladimir Putin and President-elect",
        last="Throughout the campaign, the Kremlin",
        gone=["agree to work to improve ties", "Leave a Reply", "Akismet", "comment data"],
        not_paragraphs=["Russian President Vladimir Putin"],
    ),
    4: dict(
        title=None,
        count=11,
        first="Russian President Vladimir Putin and US President-elect",
        last="No one in the intelligence community",
        gone=[
            "1 comment",
            "Leave a Reply",
            "Your email address",
            "Required fields",
            "You May Also Like",
            "The middle class that vanished",
            "giants of the South",
            "TB pandemic",
            "tuberculosis",
        ],
        not_paragraphs=[],
    ),
}


@pytest.mark.parametrize("n", sorted(SEED_EXPECTATIONS))
def test_seed_furniture_removed_and_article_kept(n):
    expected = SEED_EXPECTATIONS[n]
    cleaned = clean_article(seed_text(n))
    found = paras(cleaned)
    for phrase in expected["gone"]:
        assert phrase not in cleaned.text, phrase
    for line in expected["not_paragraphs"]:
        assert line not in found, line
    assert found[0].startswith(expected["first"]), found[0]
    assert found[-1].startswith(expected["last"]), found[-1]
    assert len(found) == expected["count"], found


@pytest.mark.parametrize("n", sorted(SEED_EXPECTATIONS))
def test_seed_title_detected(n):
    assert clean_article(seed_text(n)).title == SEED_EXPECTATIONS[n]["title"]


@pytest.mark.parametrize("n", sorted(SEED_EXPECTATIONS))
def test_seed_every_long_paragraph_kept_verbatim(n):
    """Every paragraph of the page with 25 words or more is article text here, and it comes out
    with only its whitespace normalised (curly quotes and apostrophes untouched)."""
    raw = seed_text(n)
    cleaned = clean_article(raw)
    long_paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw) if len(p.split()) >= 25]
    assert long_paragraphs
    for paragraph in long_paragraphs:
        assert paragraph in paras(cleaned), paragraph[:60]


def test_seed_without_headline_keeps_its_first_paragraph():
    raw = seed_text(4)
    first = " ".join(re.split(r"\n\s*\n", raw.strip())[0].split())
    cleaned = clean_article(raw)
    assert cleaned.title is None
    assert paras(cleaned)[0] == first


def test_seed_given_title_repeated_on_first_line_is_removed():
    raw = seed_text(0)
    given = raw.strip().splitlines()[0].upper()  # the page's own first line, in another case
    cleaned = clean_article(raw, title=given)
    assert cleaned.title == given
    assert paras(cleaned)[0].startswith(SEED_EXPECTATIONS[0]["first"])


def test_seed_text_is_only_whitespace_normalised():
    cleaned = clean_article(seed_text(1))
    assert "\u00a0" not in cleaned.text and "  " not in cleaned.text
    assert "’" in cleaned.text  # typographic apostrophes stay as they are


def test_no_seed_strings_in_the_module():
    """The rules are general: no line of a seed page (generic labels such as "You May Also Like"
    aside: those are short), and no outlet or author of one, is spelled out in bot/reading/clean.py."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed pages not found: {SEEDS} is absent")
    source = MODULE.read_text(encoding="utf-8").replace("\\", "").lower()
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = " ".join(line.split()).lower()
            if len(line.split()) >= 6:
                assert line not in source, line
    for name in ("duran", "edmondo", "people's voice", "free beacon", "sputnik"):
        assert name not in source, name


# ---------------------------------------------------------------------------------------------
# Fictional pages
# ---------------------------------------------------------------------------------------------

P1 = (
    "The harbour authority of Vellmar said on Thursday that the northern pier would close for six "
    "weeks of repairs, after divers found cracks in three of its concrete pillars."
)
P2 = (
    "Ships that normally dock at the pier will be sent to the southern terminal, which the authority "
    "said could take the extra traffic without delays for passengers."
)
P3 = (
    "A spokesman said the repairs would cost about 2.4 million crowns and would be paid from the "
    "port's maintenance fund, not from higher fees."
)
P4 = (
    "Fishermen who use the pier's northern berths said they had not been consulted and asked the "
    "authority to keep at least two berths open during the work."
)
P5 = "“We were told on Wednesday evening, by text message,” said Anika Strand, who runs two trawlers."
ARTICLE = [P1, P2, P3, P4, P5]


def page(*parts: str) -> str:
    return "\n\n".join(parts)


def test_hard_wrapped_lines_are_joined():
    raw = page(*(textwrap.fill(p, 60) for p in ARTICLE))
    assert "\n" in textwrap.fill(P1, 60)  # the input really is wrapped
    cleaned = clean_article(raw)
    assert cleaned.text == page(*ARTICLE)
    assert cleaned.removed == []


def test_short_lines_in_one_block_are_not_joined():
    """Lines broken on purpose (labels, teaser headlines) stay apart, so furniture stays
    recognisable and goes."""
    raw = (
        page(*ARTICLE)
        + "\n\nMore stories\nCouncil votes on the new ferry timetable for the summer\nStorm damages the old lighthouse at Kesk Point on Friday\n"
    )
    cleaned = clean_article(raw)
    assert cleaned.text == page(*ARTICLE)
    assert "Storm damages the old lighthouse at Kesk Point on Friday" in cleaned.removed


def test_crlf_nbsp_tabs_and_zero_width_are_normalised():
    raw = (
        "\ufeffThe harbour\u00a0authority of Vellmar said\t on Thursday that the\u200b northern pier "
        'would close.\r\n\r\n“It’s overdue,” said  the "mayor".\r\nShe added that it would reopen in May.\r\n'
    )
    cleaned = clean_article(raw)
    assert cleaned.text == (
        "The harbour authority of Vellmar said on Thursday that the northern pier would close."
        '\n\n“It’s overdue,” said the "mayor".'
        "\n\nShe added that it would reopen in May."
    )


def test_article_mentioning_related_and_comment_mid_text_is_kept_whole():
    middle = (
        "The closure is related to a comment the port director made last year, when she said the pier "
        "would need repairs; readers can comment on the plan at the town hall until Friday."
    )
    related = "Related works on the southern terminal will start in the autumn, the authority said."
    read_more = "Read more about the history of the pier in the town archive, the director said."
    body = [P1, middle, P2, related, P3, read_more, P4]
    cleaned = clean_article(page(*body))
    assert cleaned.text == page(*body)
    assert cleaned.removed == []


def test_share_bar_related_and_teasers_after_the_article_are_removed():
    tail = [
        "Share this:",
        "Click to share on Twitter (Opens in new window)",
        "Click to share on Facebook (Opens in new window)",
        "WhatsApp",
        "Email",
        "Related",
        "Council votes on new ferry timetable",
        "Storm damages lighthouse at Kesk Point",
        "Fishermen protest against quota cuts",
    ]
    raw = page("Pier to close for six weeks", *ARTICLE, *tail)
    cleaned = clean_article(raw)
    assert cleaned.title == "Pier to close for six weeks"
    assert cleaned.text == page(*ARTICLE)
    assert cleaned.removed[-3:] == tail[-3:]


def test_stop_marker_mid_article_does_not_truncate_it():
    raw = page(P1, P2, "Related", "Storm damages lighthouse at Kesk Point", P3, P4, P5)
    cleaned = clean_article(raw)
    assert cleaned.text == page(P1, P2, P3, P4, P5)


def test_newsletter_pleas_are_removed():
    plea = "Sign up for our free morning newsletter and get the day's top stories delivered to your inbox."
    raw = page(P1, P2, plea, P3, P4, "Subscribe to our newsletter")
    cleaned = clean_article(raw)
    assert cleaned.text == page(P1, P2, P3, P4)
    assert plea in cleaned.removed


def test_given_title_repeated_as_first_line_is_removed():
    raw = page("PIER TO CLOSE FOR REPAIRS!", *ARTICLE)
    cleaned = clean_article(raw, title="Pier to close for repairs")
    assert cleaned.title == "Pier to close for repairs"
    assert cleaned.text == page(*ARTICLE)
    # A repeated headline that reads like a sentence goes too (only because it repeats the title).
    sentence_title = "Vellmar's northern pier will close for six weeks of repairs."
    cleaned = clean_article(page(sentence_title, *ARTICLE), title=sentence_title.rstrip("."))
    assert cleaned.text == page(*ARTICLE)
    assert clean_article(page(sentence_title, *ARTICLE)).text == page(sentence_title, *ARTICLE)


def test_given_title_not_repeated_keeps_the_first_paragraph():
    cleaned = clean_article(page(*ARTICLE), title="Vellmar pier repairs")
    assert cleaned.title == "Vellmar pier repairs"
    assert cleaned.text == page(*ARTICLE)


def test_head_furniture_removed_and_headline_detected():
    raw = page(
        "ADVERTISEMENT",
        "in ,",
        "Pier to close for six weeks",
        "Divers found cracks in three pillars of the northern pier",
        "By Jana Holm, Harbour Correspondent\nMarch 3, 2025\nVELLMAR GAZETTE",
        "Fact checked by the Gazette desk",
        *ARTICLE,
    )
    cleaned = clean_article(raw)
    assert cleaned.title == "Pier to close for six weeks"
    assert cleaned.text == page(*ARTICLE)
    assert "Divers found cracks in three pillars of the northern pier" in cleaned.removed


def test_headline_with_furniture_vocabulary_is_still_a_headline():
    cleaned = clean_article(page("Senate votes to share the cost of the pier", *ARTICLE))
    assert cleaned.title == "Senate votes to share the cost of the pier"
    assert cleaned.text == page(*ARTICLE)


def test_article_without_headline_gets_no_title():
    cleaned = clean_article(page(*ARTICLE))
    assert cleaned.title is None
    assert cleaned.text == page(*ARTICLE)


def test_short_colon_paragraph_and_long_unpunctuated_paragraph_stay():
    colon = "The harbour master says:"
    unpunctuated = (
        "Ships will be sent to the southern terminal for six weeks while divers and engineers repair the pillars"
    )
    body = [P1, colon, P2, unpunctuated, P3]
    assert clean_article(page(*body)).text == page(*body)
    # Also when the page starts with it.
    body = ["The agency reports:", P1, P2]
    assert clean_article(page(*body)).text == page(*body)


def test_short_sentences_that_look_like_labels_stay_in_the_body():
    body = [P1, "By Monday evening, all ships had left.", P2, "He declined to comment.", P3]
    assert clean_article(page(*body)).text == page(*body)
    body = ["By Monday evening, all ships had left the northern pier.", P2, P3]
    assert clean_article(page(*body)).text == page(*body)


def test_byline_block_before_the_headline_is_not_the_headline():
    raw = page("Jana Holm\nMarch 3, 2025", "Pier to close for six weeks", *ARTICLE)
    cleaned = clean_article(raw)
    assert cleaned.title == "Pier to close for six weeks"
    assert cleaned.text == page(*ARTICLE)


def test_teasers_that_read_like_questions_go_with_their_marker():
    tail = [
        "Related",
        "Why did it take the harbour authority three years to notice the cracks in the northern pier pillars?",
        "Fishermen protest against quota cuts",
    ]
    cleaned = clean_article(page(*ARTICLE, *tail))
    assert cleaned.text == page(*ARTICLE)


def test_everything_after_a_stop_marker_goes_when_none_of_it_reads_like_the_story():
    tail = [
        "4 Comments",
        "Is the pier safe enough for the heavy trawlers that use it every single day of the year?",
        "What the harbour authority did not tell the fishermen about the cracks in the northern pier!",
    ]
    cleaned = clean_article(page(*ARTICLE, *tail))
    assert cleaned.text == page(*ARTICLE)


def test_trailing_teaser_headlines_without_a_marker_are_trimmed():
    tail = [
        "Pier repairs: what happens next?",
        "Fishermen protest against quota cuts",
        "Is Vellmar's port ready for winter?",
    ]
    cleaned = clean_article(page(*ARTICLE, *tail))
    assert cleaned.text == page(*ARTICLE)


def test_short_last_sentences_after_a_plea_are_kept():
    plea = "Sign up for our newsletter to get the latest harbour news in your inbox every morning."
    cleaned = clean_article(page(P1, P2, P3, plea, "He declined to comment."))
    assert cleaned.text == page(P1, P2, P3, "He declined to comment.")


def test_marker_on_the_line_after_a_wrapped_paragraph_is_not_joined_to_it():
    last = (
        "Anika Strand said the fishermen would meet the harbour authority on Monday to ask for two "
        "berths to be kept open for them."
    )
    lines = textwrap.wrap(last, 64)
    width = max(len(line) for line in lines)
    assert len(lines[-1]) + 1 + len("Related") > width  # "Related" would not have fitted: a wrap candidate
    raw = page(*ARTICLE[:3]) + "\n\n" + "\n".join(lines + ["Related", "Fishermen protest against quota cuts"])
    cleaned = clean_article(raw)
    assert cleaned.text == page(*ARTICLE[:3], last)


def test_comment_form_and_comment_count_are_removed():
    tail = [
        "2 Comments",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    ]
    cleaned = clean_article(page(*ARTICLE, *tail))
    assert cleaned.text == page(*ARTICLE)
    assert cleaned.removed == tail


def test_readers_comment_thread_is_removed():
    thread = [
        "3 Comments",
        "Marta K. says:\nNovember 3, 2025 at 9:14 am",
        "This is the third time this year the pier has been closed and nobody has been held responsible.",
        "Reply",
        "Ole B. says:\nNovember 3, 2025 at 10:02 am",
        "The southern terminal cannot take the traffic, as anyone who has waited there knows.",
        "Reply",
    ]
    cleaned = clean_article(page(*ARTICLE, *thread))
    assert cleaned.text == page(*ARTICLE)


def test_author_box_rating_widget_and_disclaimer_are_removed():
    tail = [
        "Jana Holm",
        "About Jana Holm 412 Articles",
        "Harbour Correspondent",
        "Jana Holm has covered the port of Vellmar since 2015.",
        "1 2 votes",
        "Article Rating",
        "Help us grow. Support the Gazette on Patreon!",
        "The views expressed in this column are solely those of the author and do not necessarily "
        "reflect those of the Gazette.",
    ]
    cleaned = clean_article(page(*ARTICLE, *tail))
    assert cleaned.text == page(*ARTICLE)


def test_all_furniture_input_falls_back_to_normalised_input():
    raw = (
        "Share this:\r\nTwitter\r\nFacebook\r\n\r\nLeave a\u00a0Reply\r\n\r\nYour email address will not be published."
    )
    cleaned = clean_article(raw)
    assert (
        cleaned.text
        == "Share this:\n\nTwitter\n\nFacebook\n\nLeave a Reply\n\nYour email address will not be published."
    )
    assert cleaned.title is None


def test_removed_lists_what_was_taken_out_in_page_order():
    raw = page("ADVERTISEMENT", *ARTICLE, "You may also like", "Fishermen protest against quota cuts")
    cleaned = clean_article(raw)
    assert cleaned.removed == ["ADVERTISEMENT", "You may also like", "Fishermen protest against quota cuts"]


# ---------------------------------------------------------------------------------------------
# Hard-wrapped pasted text (wire copy, e-mails, terminal and PDF copies)
# ---------------------------------------------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _rewrap(body: str, width: int) -> str:
    """Every line of `body` hard-wrapped at `width`, its line breaks and blank lines kept."""
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False) if line.strip() else line
        for line in body.split("\n")
    )


def _shared_articles() -> list[Path]:
    paths = sorted((SHARED / "devset" / "corpus").glob("*/*.txt")) + sorted((SHARED / "seeds").glob("*.txt"))
    if not paths:
        pytest.skip("../shared/devset and ../shared/seeds are not beside the project")
    return paths


@pytest.mark.parametrize("width", [60, 72, 80])
def test_rewrapped_real_articles_keep_every_sentence(width):
    """Every devset and seed article hard-wrapped at 60, 72 and 80 columns: each sentence of the
    cleaned unwrapped text is in the cleaned wrapped text, whole (none dropped, none cut)."""
    from copydesk.bot.language.text import normalize, sentences
    from copydesk.bot.reading.reader import split_header

    for path in _shared_articles():
        header, body = split_header(path.read_text(encoding="utf-8"))
        title = header.get("title") or None
        expected = [normalize(s.text) for s in sentences(clean_article(body, title).text)]
        wrapped = normalize(clean_article(_rewrap(body, width), title).text)
        missing = [s for s in expected if s not in wrapped]
        assert not missing, (path.name, width, missing[:2])


WIRE = """\
By Tomas Reyhill
KESTRELFORD, March 3 (Northwire) - The regional water board of
Kestrelford said on Tuesday it would raise household tariffs by
nine percent from July, after a dry winter left its reservoirs at
their lowest level in two decades.
The board's chairwoman, Ada Mirren, told a news conference that
the increase would pay for a new pipeline from the Orvel river,
which engineers expect to finish by the end of next year.
Shares of the pipe maker Halden Steel ( HLDS.K ) rose 4 percent
on the news, while the board's bonds were little changed.
"We would rather have done this in better times," Mirren said.
"""


def test_hard_wrapped_wire_copy_is_read_back_into_paragraphs():
    """Paragraphs separated by single line breaks, first lines shorter than the rest, a byline and
    a ticker: every sentence comes back whole (a paragraph whose last sentence fills its last line
    may run on into the next paragraph: the sentences stay the same), the byline goes."""
    from copydesk.bot.language.text import sentences

    cleaned = clean_article(WIRE)
    assert [s.text for s in sentences(cleaned.text)] == [
        "KESTRELFORD, March 3 (Northwire) - The regional water board of Kestrelford said on Tuesday it "
        "would raise household tariffs by nine percent from July, after a dry winter left its reservoirs "
        "at their lowest level in two decades.",
        "The board's chairwoman, Ada Mirren, told a news conference that the increase would pay for a new "
        "pipeline from the Orvel river, which engineers expect to finish by the end of next year.",
        "Shares of the pipe maker Halden Steel ( HLDS.K ) rose 4 percent on the news, while the board's "
        "bonds were little changed.",
        '"We would rather have done this in better times," Mirren said.',
    ]
    assert paras(cleaned)[0].startswith("KESTRELFORD")
    assert cleaned.removed == ["By Tomas Reyhill"]


def test_wrapped_paragraph_ending_in_a_date_or_a_label_word_keeps_its_end():
    """A wrapped sentence whose last line is a lone date or a word that alone would be furniture."""
    raw = "\n".join(
        [
            "The harbour authority of Vellmar said the northern pier would close",
            "for six weeks of repairs, after divers found cracks in its pillars on",
            "Wednesday.",
            "Fishermen who use the pier's northern berths asked to be heard in the",
            "conversation.",
            "A spokesman said the repairs would cost about 2.4 million crowns and",
            "would be paid from the port's maintenance fund, not from higher fees.",
        ]
    )
    cleaned = clean_article(raw)
    assert paras(cleaned)[0].endswith("cracks in its pillars on Wednesday.")
    assert paras(cleaned)[1].endswith("asked to be heard in the conversation.")


def test_bullets_after_a_lead_in_stay_items_and_their_wraps_are_joined():
    raw = "\n".join(
        [
            "The harbour authority of Vellmar listed three reasons for closing the pier:",
            "- divers found cracks in three of the concrete pillars that carry the",
            "  northern berths and the crane rails",
            "- the insurer refused to renew its cover for the old crane rails",
            "- a ferry operator asked to move to the southern terminal in May",
            "A spokesman said the pier would reopen in the autumn, after the repairs.",
        ]
    )
    cleaned = clean_article(raw)
    assert paras(cleaned) == [
        "The harbour authority of Vellmar listed three reasons for closing the pier:",
        "- divers found cracks in three of the concrete pillars that carry the northern berths and the crane rails",
        "- the insurer refused to renew its cover for the old crane rails",
        "- a ferry operator asked to move to the southern terminal in May",
        "A spokesman said the pier would reopen in the autumn, after the repairs.",
    ]


def test_typewriter_quotes_are_read_as_the_marks_they_stand_for():
    raw = (
        "The harbour master said the pier was \"unsafe'' and had to close.\n\n"
        "``We had no choice,'' she said of the port”s decision."
    )
    cleaned = clean_article(raw)
    assert cleaned.text == (
        'The harbour master said the pier was "unsafe” and had to close.\n\n'
        "“We had no choice,” she said of the port’s decision."
    )


def test_timestamp_glued_to_the_first_paragraph_is_removed_and_a_date_sentence_kept():
    cleaned = clean_article(
        " date 2026-02-11 VELLMAR — The harbour authority closed the northern pier on "
        "Wednesday for six weeks of repairs.\n\nA spokesman said it would reopen in May."
    )
    assert cleaned.text.startswith("VELLMAR — The harbour authority closed")
    assert cleaned.removed == ["date 2026-02-11"]
    kept = clean_article("2026-02-11 is the day the harbour authority of Vellmar closed the northern pier.")
    assert kept.text.startswith("2026-02-11 is the day")
