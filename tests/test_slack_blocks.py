"""Slack text in and out: reading message and command text (links, markup, escaping, what counts
as an article) and rendering reports as Block Kit within Slack's limits."""

from __future__ import annotations

import json
import re

from copydesk.bot.present.blocks import MESSAGE_CHARS, SHOWN, block_chars, render_report
from copydesk.bot.present.slacktext import ArticleRequest, escape, is_article_link, link, links, plain_text, request_of

SRC = {
    "article_id": "7",
    "outlet": "Harbour Herald",
    "url": "https://harbourherald.example/a?x=1&y=2",
    "title": "Bridge repairs",
    "published": "2026-04-08T09:00:00+01:00",
}


def report(**sections) -> dict:
    base = {
        "article": {
            "id": None,
            "title": "Marlow Street bridge",
            "outlet": "Kestrel Bay Gazette",
            "url": "https://kestrelgazette.example/n",
            "published": "2026-04-07",
            "words": 162,
        },
        "text": "",
        "claims": [],
        "attributions": [],
        "copied": [],
        "shared_quotes": [],
        "contradictions": [],
        "corroborated": [],
        "new": [],
        "copied_share": 0.0,
        "compared_with": 3,
    }
    base.update(sections)
    return base


def texts(blocks: list[dict]) -> list[str]:
    """Every text the blocks show: sections, fields, context elements, buttons."""
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        out.extend(f["text"] for f in b.get("fields", []))
        out.extend(e["text"]["text"] if isinstance(e.get("text"), dict) else e["text"] for e in b.get("elements", []))
    return out


# ---------------------------------------------------------------- reading Slack text
def test_links_from_markup_and_raw_text_in_order_once():
    text = (
        "See <https://a.example/story?x=1&amp;y=2|the story>, <@U123> and <#C1|desk>; "
        "also https://b.example/path). And <https://a.example/story?x=1&amp;y=2> again <mailto:x@y.z>"
    )
    assert links(text) == ["https://a.example/story?x=1&y=2", "https://b.example/path"]


def test_plain_text_undoes_markup_emphasis_and_escaping():
    text = (
        "&gt; *Breaking:* the _council_ voted 5 * 3 &amp; more &lt;b&gt; for <https://a.example/x|the plan>, "
        "<@U1|maren> told <#C2|desk> <!here> at <!date^1392734382^{date}|Feb 18, 2014>; `code`; snake_case_name"
    )
    assert plain_text(text) == (
        "Breaking: the council voted 5 * 3 & more <b> for the plan, @maren told #desk "
        "@here at Feb 18, 2014; code; snake_case_name"
    )


def test_what_counts_as_an_article():
    words = " ".join(["word"] * 79)
    assert request_of(words) is None
    assert request_of(words + " <https://photos.example/a.jpg>") is None  # a picture is not an article
    assert request_of(words + " <https://acme.slack.com/archives/C1/p1>") is None  # nor a Slack message
    assert request_of(words + " <@U1> <https://a.example/s|story>") == ArticleRequest(
        link="https://a.example/s", links=1
    )
    eighty = request_of(words + " more")
    assert eighty is not None and eighty.text and eighty.link is None
    long_with_link = request_of(words + " more <https://a.example/s>")
    assert long_with_link.text.endswith("more https://a.example/s") and long_with_link.link is None
    assert request_of("<https://a.example/1> <https://b.example/2>") == ArticleRequest(
        link="https://a.example/1", links=2
    )
    assert not is_article_link("ftp://a.example/x") and is_article_link("https://news.example/2026/bridge")


def test_escape_and_link():
    assert escape("a & <b> > c") == "a &amp; &lt;b&gt; &gt; c"
    assert link("https://a.example/x?y=1&z=2", "A|B <c>") == "<https://a.example/x?y=1&amp;z=2|A¦B &lt;c&gt;>"
    assert link("javascript:alert(1)", "x") == "x" and link(None, "<x>") == "&lt;x&gt;"


# ---------------------------------------------------------------- rendering reports
def test_sections_sources_and_fallback():
    r = report(
        copied=[
            {
                "text": "The bridge will close.",
                "start": 0,
                "end": 22,
                "similarity": 0.96,
                "source": SRC,
                "source_text": "The bridge will close.",
            }
        ],
        copied_share=0.42,
        contradictions=[
            {
                "text": "It will cost 6.3 million.",
                "start": 0,
                "end": 1,
                "kind": "number",
                "other_text": "It will cost 3.6 million.",
                "source": SRC,
                "sources": [SRC, {**SRC, "article_id": "8", "outlet": "Courier", "url": None}],
                "explanation": "“6.3 million” here, “3.6 million” in the earlier report",
            }
        ],
        new=[{"text": "A footbridge opens.", "start": 0, "end": 1}],
        corroborated=[{"text": "Buses are diverted.", "start": 0, "end": 1, "sources": [SRC]}],
        shared_quotes=[
            {"text": "Doing nothing is not an option.", "start": 0, "end": 1, "speaker": "Maren Holt", "source": SRC}
        ],
        claims=[{"text": "x", "start": 0, "end": 1}],
    )
    text, blocks = render_report(r, full_report="KEY1")
    assert text == (
        "Marlow Street bridge: 42% copied from Harbour Herald, 1 contradiction, 1 new claim, "
        "1 corroborated claim, 1 shared quote."
    )
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Marlow Street bridge", "emoji": False},
    }
    # the finding first: one summary line right under the header and its context
    assert blocks[2]["text"]["text"] == (
        "*42% copied from Harbour Herald, 1 contradiction, 1 new claim, 1 corroborated claim, 1 shared quote*"
    )
    shown = "\n".join(texts(blocks))
    assert "*Copied — 42% of this article* (1 passage)" in shown
    assert "*96%* similar to <https://harbourherald.example/a?x=1&amp;y=2|Harbour Herald>, 2026-04-08" in shown
    # both versions side by side, each with its source
    sides = next(b for b in blocks if b.get("fields"))
    assert sides["fields"][0]["text"] == "*Here:*\n“It will cost 6.3 million.”"
    assert sides["fields"][1]["text"] == (
        "*Earlier, <https://harbourherald.example/a?x=1&amp;y=2|Harbour Herald>, "
        "2026-04-08:*\n“It will cost 3.6 million.”"
    )
    assert "also Courier, 2026-04-08" in shown and "“6.3 million” here" in shown
    assert "Maren Holt: “Doing nothing is not an option.”" in shown
    order = [shown.index(s) for s in ("*Contradicted*", "*Copied", "*New*", "*Corroborated*", "*Shared quotes*")]
    assert order == sorted(order)
    assert blocks[-1]["type"] == "actions"
    button = blocks[-1]["elements"][0]
    assert button["text"]["text"] == "Full report" and button["value"] == "KEY1"
    assert "article 7" not in shown and "article 8" not in shown  # never an archive id


def test_long_reports_stay_within_slacks_limits():
    long_text = "A sentence about the bridge that goes on and on. " * 40
    r = report(
        title=None,
        article={"id": "1", "title": "T" * 400, "outlet": None, "url": None, "published": None, "words": 9000},
        new=[{"text": f"{i} {long_text}", "start": 0, "end": 1} for i in range(300)],
        corroborated=[{"text": long_text, "start": 0, "end": 1, "sources": [SRC] * 9} for _ in range(80)],
        contradictions=[
            {
                "text": long_text,
                "start": 0,
                "end": 1,
                "kind": "quote",
                "other_text": long_text,
                "source": SRC,
                "sources": [SRC] * 6,
                "explanation": long_text,
            }
            for _ in range(60)
        ],
        copied=[
            {"text": long_text, "start": 0, "end": 1, "similarity": 1.0, "source": SRC, "source_text": ""}
            for _ in range(90)
        ],
        shared_quotes=[{"text": long_text, "start": 0, "end": 1, "speaker": "X", "source": SRC} for _ in range(40)],
        copied_share=0.5,
    )
    text, blocks = render_report(r, full_report="K")
    assert 0 < len(text) <= 1000
    assert len(blocks) <= 50 and block_chars(blocks) <= MESSAGE_CHARS
    for b in blocks:
        if b["type"] == "header":
            assert len(b["text"]["text"]) <= 150
        if b["type"] == "section" and "fields" in b:
            assert 0 < len(b["fields"]) <= 10 and all(0 < len(f["text"]) <= 2000 for f in b["fields"])
        elif b["type"] == "section":
            assert 0 < len(b["text"]["text"]) <= 3000
        if b["type"] == "context":
            assert len(b["elements"]) <= 10
    more = [int(n) for n in re.findall(r"^…and (\d+) more$", "\n".join(texts(blocks)), re.MULTILINE)]
    totals = [60, 90, 300, 80, 40]  # contradictions, copied, new, corroborated, shared quotes: in that order
    assert len(more) == 5 and all(
        1 <= total - n <= SHOWN[key] for total, n, key in zip(totals, more, SHOWN, strict=True)
    )


def test_article_text_is_escaped():
    r = report(new=[{"text": "Click <https://evil.example|here> & <!channel> now", "start": 0, "end": 1}])
    shown = json.dumps(render_report(r)[1])
    assert "&lt;https://evil.example|here&gt; &amp; &lt;!channel&gt;" in shown
    assert "<!channel>" not in shown and "<https://evil.example" not in shown


def test_nothing_to_report_is_a_short_friendly_message():
    text, blocks = render_report(report())
    assert text == "Marlow Street bridge: nothing to report."
    assert blocks[-1]["text"]["text"].startswith("Nothing to report: I found no checkable claims")
    first = render_report(report(new=[{"text": "Only claim.", "start": 0, "end": 1}], compared_with=0))[1]
    assert any("No earlier coverage" in t for t in texts(first))


# ---------------------------------------------------------------- seen before, citations, ordering, the modal
SHARED = {
    "channel_id": "C2",
    "user_id": "U7",
    "at": "2026-04-09T10:15:00+00:00",
    "permalink": "https://newsroom.example.slack.com/archives/C2/p1775729700000100",
}


def test_a_reply_opens_with_seen_before_linked_to_the_first_message():
    seen = {"article_id": "4", "outlet": None, "url": None, "title": None, "published": None, "shared": SHARED}
    text, blocks = render_report(report(seen_before=seen, new=[{"text": "A claim.", "start": 0, "end": 1}]))
    assert blocks[0]["text"]["text"].startswith(
        "*Seen before:* <https://newsroom.example.slack.com/archives/C2/p1775729700000100|first shared> in <#C2> "
        "by <@U7> on <!date^1775729700^{date_short_pretty} at {time}|2026-04-09 10:15 UTC>"
    )
    assert text.startswith("Seen before: first shared in <#C2> on 2026-04-09. Marlow Street bridge: 1 new claim")


def test_a_source_without_outlet_or_url_is_cited_by_channel_and_who_shared_it():
    from copydesk.bot.present.cite import source_label, source_ref

    pasted = {"article_id": "9", "outlet": None, "url": None, "title": None, "published": None, "shared": SHARED}
    assert source_ref(pasted) == f"<{SHARED['permalink']}|a message> shared in <#C2> by <@U7>, 2026-04-09"
    assert source_ref({**pasted, "outlet": "Coastal Wire"}) == f"<{SHARED['permalink']}|Coastal Wire>, 2026-04-09"
    assert source_ref({**SRC, "shared": SHARED}).startswith(
        "<https://harbourherald.example/a?x=1&amp;y=2|Harbour Herald>"
    )
    assert source_label({**pasted, "shared": None}) == "an unnamed report"  # never "article 9"
    assert source_label(SRC, title=True) == "Harbour Herald, 2026-04-08 — “Bridge repairs”"


def test_new_claims_that_matter_most_come_first():
    r = report(
        claims=[{"text": "Lead.", "start": 0, "end": 5}, {"text": "Second.", "start": 6, "end": 13}],
        attributions=[{"speaker": "Maren Holt", "start": 60, "end": 100}],
        new=[
            {"text": "The weather was mild.", "start": 20, "end": 40},
            {"text": "Holt said the works would start soon.", "start": 60, "end": 100},
            {"text": "The repairs will cost 3.6 million pounds.", "start": 120, "end": 160},
            {"text": "The bridge opened in a grand ceremony.", "start": 0, "end": 5},
        ],
    )
    shown = "\n".join(texts(render_report(r)[1]))
    order = [shown.index(s) for s in ("3.6 million", "Holt said", "grand ceremony", "weather was mild")]
    assert order == sorted(order)


def test_the_modal_holds_everything_within_a_views_limits():
    from copydesk.bot.present.blocks import render_modal
    from copydesk.bot.present.limits import MODAL_BLOCKS

    r = report(
        new=[{"text": f"New claim number {i}.", "start": i, "end": i + 1} for i in range(40)],
        contradictions=[
            {
                "text": f"It cost {i} million.",
                "start": 0,
                "end": 1,
                "kind": "number",
                "other_text": "It cost 1 million.",
                "source": SRC,
                "sources": [SRC],
                "explanation": "figures differ",
            }
            for i in range(12)
        ],
    )
    reply = "\n".join(texts(render_report(r, full_report="K")[1]))
    assert "…and 35 more" in reply and "…and 9 more" in reply
    view = render_modal(r)
    assert view["type"] == "modal" and view["title"]["text"] == "Full report" and len(view["title"]["text"]) <= 24
    assert len(view["blocks"]) <= MODAL_BLOCKS and not any(b["type"] == "actions" for b in view["blocks"])
    modal = "\n".join(texts(view["blocks"]))
    assert "…and" not in modal and all(f"New claim number {i}." in modal for i in range(40))
    assert all(f"It cost {i} million." in modal for i in range(12))
    assert "no longer available" in json.dumps(render_modal(None))


def test_the_digest_cites_sources_as_replies_do():
    from copydesk.bot.present.digest import _ref

    assert _ref(SRC) == "<https://harbourherald.example/a?x=1&amp;y=2|Harbour Herald>"
    assert _ref({**SRC, "outlet": None, "title": None, "article_id": "3"}).endswith("|an unnamed report>")
