"""The Slack app end to end over real HTTP on 127.0.0.1: the app served by uvicorn exactly as
`copydesk serve --http` serves it, a fake Slack Web API (tests/slack_fake.py) receiving its calls,
requests signed as Slack signs them, local web pages for links, and the SQLite file checked
directly. Fictional articles: tests/fixtures/slack."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from slack_fake import (
    BOT_USER_ID,
    FakeSlack,
    Pages,
    ServedApp,
    SlackSender,
    free_port,
    message,
    slack_escape,
    wait_healthy,
)

from copydesk.bot.settings import Settings
from copydesk.handlers.common import HINT

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "slack"
ROOT = Path(__file__).resolve().parents[1]
SECRET = "8f742231b10e8888abcd99edabcdef12"
BOT_TOKEN = "xoxb-fake-bot-token-for-tests"
ACK_LIMIT = 3.0  # Slack's acknowledgement deadline, in seconds
GAZETTE_OUTLET = "Kestrel Bay Gazette"


# ---------------------------------------------------------------- fixtures
@pytest.fixture
def fake():
    slack = FakeSlack(private_channels={"GPRIV"}, unknown_channels={"CGONE"})
    yield slack
    slack.close()


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "slack.db"


@pytest.fixture
def settings(db, fake) -> Settings:
    return Settings(
        db_path=str(db),
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=fake.url,
        fetch_allow_hosts=frozenset({"127.0.0.1"}),
        tz="UTC",
    )


@pytest.fixture
def pages():
    site = Pages(
        {
            "/news/marlow-bridge": (FIXTURES / "courier_bridge.html").read_text(),
            "/2026/04/08/bridge-cost": (FIXTURES / "herald_bridge.html").read_text(),
        }
    )
    yield site
    site.close()


# ---------------------------------------------------------------- helpers
def pasted(name: str) -> str:
    """A fixture article as its message text arrives from Slack: escaped, links as <url>."""
    text = slack_escape((FIXTURES / name).read_text())
    return re.sub(r"(https?://\S+)", r"<\1>", text)


def plain(name: str) -> str:
    """A fixture article as slash-command text carries it (raw links)."""
    return (FIXTURES / name).read_text()


def reply_to(fake: FakeSlack, ts: str, channel: str = "C1") -> dict:
    """The thread reply to message `ts` (waits for it)."""
    return fake.wait_for(lambda: [p for p in fake.posts(channel) if p.get("thread_ts") == ts])[0]


def everything(post: dict) -> str:
    """A message's text and blocks as one string, for looking things up."""
    blocks = post.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return post.get("text", "") + "\n" + json.dumps(blocks or [], ensure_ascii=False)


def blocks_of(post: dict) -> list[dict]:
    blocks = post.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def count(db: Path, table: str, where: str = "1=1", params: tuple = ()) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()[0]


def post_article(
    slack: SlackSender,
    fake: FakeSlack,
    name: str,
    *,
    channel: str = "C1",
    team: str = "T1",
    channel_type: str = "channel",
) -> tuple[str, dict]:
    """Post a fixture article as a channel message; returns its ts and the thread reply."""
    ts = slack.next_ts()
    sent = slack.event(message(pasted(name), channel=channel, ts=ts, channel_type=channel_type), team_id=team)
    assert sent.status == 200 and sent.seconds < ACK_LIMIT
    return ts, reply_to(fake, ts, channel)


def settle(served: ServedApp) -> None:
    """Wait until every job the app accepted has finished (listeners submit before acknowledging)."""
    assert served.workers.wait_idle(30)


# ---------------------------------------------------------------- requests and signatures
def test_url_verification(slack):
    sent = slack.post(
        json.dumps(
            {
                "token": "x",
                "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                "type": "url_verification",
            }
        ).encode(),
        "application/json",
    )
    assert sent.status == 200
    assert sent.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_bad_missing_and_stale_signatures_get_401_and_change_nothing(slack, served, fake, db):
    body = json.dumps(slack.envelope(message(pasted("gazette_bridge.txt"), ts=slack.next_ts()))).encode()
    now = int(time.time())
    refused = [
        slack.post(body, "application/json", secret="not-the-secret"),
        slack.post(body, "application/json", signed=False),
        slack.post(body, "application/json", timestamp=str(now - 301)),
        slack.post(body, "application/json", timestamp=str(now + 400)),
        slack.post(body, "application/json", headers={"X-Slack-Signature": "v0=" + "0" * 64}),
        slack.command(
            "/compare", plain("herald_bridge.txt"), response_url=fake.response_url("x"), secret="not-the-secret"
        ),
    ]
    assert [s.status for s in refused] == [401] * len(refused)
    settle(served)
    assert count(db, "articles") == 0 and count(db, "events") == 0 and count(db, "sightings") == 0
    assert not fake.recorded("chat.postMessage") and not fake.responses()
    # the same body, properly signed, is accepted
    assert slack.post(body, "application/json").status == 200


def test_healthz(served):
    status, body = served.get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok", "db": "ok"}


# ---------------------------------------------------------------- channel messages
def test_pasted_article_is_answered_in_its_thread(slack, fake, db):
    ts, reply = post_article(slack, fake, "gazette_bridge.txt")
    assert reply["channel"] == "C1" and reply["thread_ts"] == ts
    assert reply["text"].strip() and "Marlow Street bridge" in reply["text"]
    blocks = blocks_of(reply)
    assert 0 < len(blocks) <= 50 and blocks[0]["type"] == "header"
    assert "New" in everything(reply)
    assert count(db, "articles") == 1
    assert count(db, "sightings", "team_id = 'T1' AND channel_id = 'C1' AND message_ts = ?", (ts,)) == 1


def test_a_message_inside_a_thread_is_answered_in_that_thread(slack, fake):
    parent, ts = slack.next_ts(), slack.next_ts()
    slack.event(message(pasted("gazette_bridge.txt"), ts=ts, thread_ts=parent, parent_user_id="U2"))
    reply = fake.wait_for(lambda: fake.posts("C1"))[0]
    assert reply["thread_ts"] == parent


def test_a_changed_figure_is_shown_as_a_contradiction_with_both_versions(slack, fake):
    post_article(slack, fake, "gazette_bridge.txt")
    _, reply = post_article(slack, fake, "herald_bridge.txt")
    shown = everything(reply)
    assert "Contradicted" in shown and "number" in shown
    assert "6.3 million pounds" in shown and "3.6 million pounds" in shown  # both versions
    assert GAZETTE_OUTLET in shown and "https://kestrelgazette.example/news/marlow-street-bridge-closure" in shown
    assert "1 contradiction" in reply["text"]


def test_a_retried_event_is_answered_once(slack, served, fake, db):
    ts = slack.next_ts()
    event = message(pasted("gazette_bridge.txt"), ts=ts)
    first = slack.event(event, event_id="Ev0RETRY01")
    retries = [slack.event(event, event_id="Ev0RETRY01", retry=n) for n in (1, 2, 3)]
    assert first.status == 200 and all(r.status == 200 and r.seconds < ACK_LIMIT for r in retries)
    reply_to(fake, ts)
    settle(served)
    assert len(fake.posts()) == 1 and count(db, "articles") == 1


def test_a_message_and_its_mention_are_answered_once(slack, served, fake):
    ts = slack.next_ts()
    text = f"<@{BOT_USER_ID}> " + pasted("gazette_bridge.txt")
    mention = {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", "event_ts": ts}
    assert slack.event(mention).status == 200
    assert slack.event(message(text, ts=ts)).status == 200
    reply_to(fake, ts)
    settle(served)
    assert len(fake.posts()) == 1


def test_a_mention_without_an_article_gets_a_hint(slack, served, fake):
    ts = slack.next_ts()
    text = f"<@{BOT_USER_ID}> what can you do?"
    assert slack.event(message(text, ts=ts)).status == 200
    assert (
        slack.event(
            {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", "event_ts": ts}
        ).status
        == 200
    )
    reply = reply_to(fake, ts)
    settle(served)
    assert reply["text"] == HINT and len(fake.posts()) == 1


def test_bots_edits_joins_other_subtypes_and_chatter_get_no_reply(slack, served, fake, db):
    article = pasted("gazette_bridge.txt")
    ignored = [
        message(article, ts=slack.next_ts(), subtype="bot_message", bot_id="BOTHER", username="wire-bot"),
        message(article, ts=slack.next_ts(), bot_id="BOTHER", app_id="AOTHER"),
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": "C1",
            "channel_type": "channel",
            "hidden": True,
            "ts": slack.next_ts(),
            "event_ts": slack.next_ts(),
            "message": {
                "type": "message",
                "user": "U1",
                "text": article,
                "ts": slack.next_ts(),
                "edited": {"user": "U1", "ts": slack.next_ts()},
            },
            "previous_message": {"type": "message", "user": "U1", "text": "draft", "ts": slack.next_ts()},
        },
        message("<@U1> has joined the channel", ts=slack.next_ts(), subtype="channel_join"),
        message("<@U1> has left the channel", ts=slack.next_ts(), subtype="channel_leave"),
        message(article, ts=slack.next_ts(), subtype="channel_topic", topic="bridge"),
        message(
            "Anyone know when the council meets next? I heard Thursday &amp; it's about the bridge.", ts=slack.next_ts()
        ),
        message("Lovely photo of the bridge <https://photos.example/marlow-bridge.jpg>", ts=slack.next_ts()),
    ]
    for event in ignored:
        sent = slack.event(event)
        assert sent.status == 200 and sent.seconds < ACK_LIMIT
    settle(served)
    assert not fake.recorded("chat.postMessage")
    assert count(db, "articles") == 0 and count(db, "events") == 0


def test_79_words_are_chatter_and_80_an_article(slack, served, fake):
    words = (FIXTURES / "herald_bridge.txt").read_text().split("---\n", 1)[1].split()
    short, long_ = slack.next_ts(), slack.next_ts()
    slack.event(message(slack_escape(" ".join(words[:79])) + " <@U2>", ts=short))
    slack.event(message(slack_escape(" ".join(words[:80])), ts=long_))
    reply_to(fake, long_)
    settle(served)
    assert [p["thread_ts"] for p in fake.posts()] == [long_]


# ---------------------------------------------------------------- links
def test_a_link_is_fetched_read_and_analysed(slack, fake, pages, db):
    post_article(slack, fake, "gazette_bridge.txt")
    url = pages.url("/news/marlow-bridge")
    ts = slack.next_ts()
    slack.event(message(f"Courier has the bridge story too: <{url}|Kestrel Bay Courier>", ts=ts))
    reply = reply_to(fake, ts)
    shown = everything(reply)
    assert pages.hits == ["/news/marlow-bridge"]
    assert "Marlow Street bridge shuts for 14 weeks" in reply["text"]  # the page's title
    assert "Copied" in shown and GAZETTE_OUTLET in shown
    assert count(db, "articles", "url = ?", (url,)) == 1


def test_of_several_links_the_first_is_read_and_the_reply_says_so(slack, fake, pages):
    first, second = pages.url("/news/marlow-bridge"), pages.url("/2026/04/08/bridge-cost")
    ts = slack.next_ts()
    slack.event(message(f"Two takes: <{first}> and <{second}|the Herald>", ts=ts))
    shown = everything(reply_to(fake, ts))
    assert pages.hits == ["/news/marlow-bridge"]
    assert "2 article links; I read the first one" in shown


def test_a_link_to_a_loopback_address_not_allowed_is_refused_without_contacting_it(slack, served, fake, db):
    hidden = Pages({"/admin": (FIXTURES / "herald_bridge.html").read_text()}, host="127.0.0.2")
    try:
        ts = slack.next_ts()
        slack.event(message(f"Look at this <{hidden.url('/admin')}>", ts=ts))
        reply = reply_to(fake, ts)
        settle(served)
        assert reply["text"].startswith("Couldn't read that link:")
        assert "private or local address" in reply["text"] and "Traceback" not in reply["text"]
        assert hidden.hits == [] and count(db, "articles") == 0
    finally:
        hidden.close()


def test_a_missing_page_is_reported_in_the_thread(slack, fake, pages):
    ts = slack.next_ts()
    slack.event(message(f"<{pages.url('/news/gone')}>", ts=ts))
    assert "does not exist (HTTP 404)" in reply_to(fake, ts)["text"]


# ---------------------------------------------------------------- slash commands
def test_compare_text_against_the_archive_is_acknowledged_then_answered(slack, fake, db):
    post_article(slack, fake, "gazette_bridge.txt")
    sent = slack.command("/compare", plain("herald_bridge.txt"), response_url=fake.response_url("c1"))
    assert sent.status == 200 and sent.seconds < ACK_LIMIT and "Working on it" in sent.body.decode()
    answer = fake.wait_for(lambda: fake.responses("c1"))[0]
    assert answer["response_type"] == "ephemeral" and answer["text"].strip()
    shown = everything(answer)
    assert "6.3 million pounds" in shown and "3.6 million pounds" in shown and GAZETTE_OUTLET in shown
    assert count(db, "articles") == 1  # /compare does not store


def test_compare_two_links_side_by_side(slack, fake, pages):
    first, second = pages.url("/news/marlow-bridge"), pages.url("/2026/04/08/bridge-cost")
    sent = slack.command("/compare", f"{first} {second}", response_url=fake.response_url("c2"))
    assert sent.status == 200 and sent.seconds < ACK_LIMIT
    answer = fake.wait_for(lambda: fake.responses("c2"))[0]
    header = blocks_of(answer)[0]["text"]["text"]
    assert "compared with" in header and "Harbour Herald" in header and "Kestrel Bay Courier" in header
    assert sorted(pages.hits) == ["/2026/04/08/bridge-cost", "/news/marlow-bridge"]


def test_acknowledgements_never_wait_for_busy_workers(slack, served, fake):
    release = threading.Event()
    for _ in range(8):  # every worker busy, more work queued (as with slow links)
        served.workers.submit("a slow job", release.wait, 30)
    try:
        sent = slack.command("/compare", plain("herald_bridge.txt"), response_url=fake.response_url("busy"))
        assert sent.status == 200 and sent.seconds < 0.5 and "Working on it" in sent.body.decode()
        ts = slack.next_ts()
        sent = slack.event(message(pasted("gazette_bridge.txt"), ts=ts))
        assert sent.status == 200 and sent.seconds < 0.5
        assert not fake.responses("busy") and not fake.posts()
    finally:
        release.set()
    fake.wait_for(lambda: fake.responses("busy"))
    reply_to(fake, ts)


def test_compare_usage_and_refusals_come_with_the_acknowledgement(slack, served, fake, pages):
    for text, expected in [
        ("", "Usage: `/compare"),
        ("help", "Usage"),
        ("https://a.example/1 https://b.example/2 https://c.example/3", "not 3"),
        ("the bridge", "too short"),
    ]:
        sent = slack.command("/compare", text, response_url=fake.response_url("u"))
        assert sent.status == 200 and sent.seconds < ACK_LIMIT and expected in sent.body.decode()
    slack.command("/compare", "http://127.0.0.2:9/x", response_url=fake.response_url("refused"))
    answer = fake.wait_for(lambda: fake.responses("refused"))[0]
    assert answer["text"].startswith("Couldn't read that link:")
    settle(served)
    assert fake.responses("u") == []


def test_digest_command_is_acknowledged_then_answered(slack, fake):
    post_article(slack, fake, "gazette_bridge.txt")
    sent = slack.command("/digest", "", response_url=fake.response_url("d1"))
    assert sent.status == 200 and sent.seconds < ACK_LIMIT
    answer = fake.wait_for(lambda: fake.responses("d1"))[0]
    assert answer["response_type"] == "ephemeral" and "Coverage digest" in answer["text"]
    assert "Marlow Street bridge" in everything(answer)


# ---------------------------------------------------------------- privacy
def test_workspaces_never_see_each_others_articles(slack, fake):
    post_article(slack, fake, "gazette_bridge.txt", team="T1")
    _, elsewhere = post_article(slack, fake, "herald_bridge.txt", team="T2", channel="C9")
    shown = everything(elsewhere)
    assert GAZETTE_OUTLET not in shown and "3.6 million" not in shown and "Contradicted" not in shown
    assert "compared with 0 earlier articles" in shown
    _, same_team = post_article(slack, fake, "herald_bridge.txt", team="T1", channel="C2")
    assert GAZETTE_OUTLET in everything(same_team)


def test_text_first_seen_in_a_private_channel_stays_there(slack, fake):
    post_article(slack, fake, "gazette_bridge.txt", channel="GPRIV", channel_type="group")
    _, public = post_article(slack, fake, "herald_bridge.txt", channel="C1")
    assert GAZETTE_OUTLET not in everything(public) and "3.6 million" not in everything(public)
    # /compare in the public channel (privacy from conversations.info) cannot see it either
    slack.command("/compare", plain("herald_bridge.txt"), channel_id="C1", response_url=fake.response_url("pub"))
    assert GAZETTE_OUTLET not in everything(fake.wait_for(lambda: fake.responses("pub"))[0])
    # ... nor a channel Slack will not describe (counted as private: it sees only itself)
    slack.command("/compare", plain("herald_bridge.txt"), channel_id="CGONE", response_url=fake.response_url("gone"))
    assert GAZETTE_OUTLET not in everything(fake.wait_for(lambda: fake.responses("gone"))[0])
    # inside the private channel it is compared as usual: a message, a mention, /compare
    _, private = post_article(slack, fake, "herald_bridge.txt", channel="GPRIV", channel_type="group")
    assert GAZETTE_OUTLET in everything(private) and "3.6 million pounds" in everything(private)
    ts = slack.next_ts()
    slack.event(
        {
            "type": "app_mention",
            "user": "U1",
            "ts": ts,
            "channel": "GPRIV",
            "event_ts": ts,
            "text": f"<@{BOT_USER_ID}> " + pasted("herald_bridge.txt"),
        }
    )
    assert GAZETTE_OUTLET in everything(reply_to(fake, ts, "GPRIV"))
    slack.command("/compare", plain("herald_bridge.txt"), channel_id="GPRIV", response_url=fake.response_url("priv"))
    assert GAZETTE_OUTLET in everything(fake.wait_for(lambda: fake.responses("priv"))[0])


# ---------------------------------------------------------------- deletion and uninstalling
def test_a_deleted_message_forgets_its_article(slack, served, fake, db):
    ts, _ = post_article(slack, fake, "gazette_bridge.txt")
    assert count(db, "articles") == 1
    deleted = slack.event(
        {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": "C1",
            "channel_type": "channel",
            "ts": slack.next_ts(),
            "deleted_ts": ts,
            "event_ts": slack.next_ts(),
            "previous_message": {"type": "message", "user": "U1", "text": "…", "ts": ts},
        }
    )
    assert deleted.status == 200
    assert count(db, "articles") == 0 and count(db, "sightings") == 0
    assert count(db, "reply_reports") == 0 and count(db, "shared_messages") == 0  # its reply's full report too
    # a message with a thread (every answered one) is deleted as a tombstone
    ts, _ = post_article(slack, fake, "gazette_bridge.txt")
    assert count(db, "articles") == 1
    slack.event(
        {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": "C1",
            "channel_type": "channel",
            "ts": slack.next_ts(),
            "event_ts": slack.next_ts(),
            "message": {
                "type": "message",
                "subtype": "tombstone",
                "text": "This message was deleted.",
                "user": "USLACKBOT",
                "hidden": True,
                "ts": ts,
                "thread_ts": ts,
                "reply_count": 1,
            },
        }
    )
    assert count(db, "articles") == 0
    _, later = post_article(slack, fake, "herald_bridge.txt")
    assert GAZETTE_OUTLET not in everything(later)
    settle(served)


def test_uninstalling_purges_the_workspace(slack, served, fake, db):
    post_article(slack, fake, "gazette_bridge.txt", team="T1")
    post_article(slack, fake, "herald_bridge.txt", team="T2")
    assert (
        slack.event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}}, team_id="T1").status
        == 200
    )
    assert slack.event({"type": "app_uninstalled"}, team_id="T1").status == 200
    settle(served)
    assert count(db, "articles", "team_id = 'T1'") == 0 and count(db, "articles", "team_id = 'T2'") == 1


# ---------------------------------------------------------------- Slack's rate limits
def test_a_rate_limited_reply_is_retried_and_delivered(slack, fake):
    fake.rate_limit_once("chat.postMessage")
    ts, reply = post_article(slack, fake, "gazette_bridge.txt")
    calls = fake.recorded("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0  # Retry-After honoured
    assert reply["thread_ts"] == ts


# ---------------------------------------------------------------- secrets
def test_no_token_or_signing_secret_in_logs_or_output(settings, nlp, fake, pages, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    app = ServedApp(settings, nlp=nlp)
    try:
        slack = SlackSender(app.url + "/slack/events", SECRET)
        post_article(slack, fake, "gazette_bridge.txt")
        ts = slack.next_ts()
        slack.event(message(f"<{pages.url('/news/marlow-bridge')}>", ts=ts))
        reply_to(fake, ts)
        slack.command("/compare", plain("herald_bridge.txt"), response_url=fake.response_url("s"))
        fake.wait_for(lambda: fake.responses("s"))
        slack.post(b"{}", "application/json", secret="wrong")
        fake.rate_limit_once("chat.postMessage")
        post_article(slack, fake, "herald_bridge.txt", channel="C3")
        assert app.workers.wait_idle(30)
    finally:
        app.close()
    assert any(c.headers.get("Authorization") == f"Bearer {BOT_TOKEN}" for c in fake.recorded("chat.postMessage"))
    out, err = capsys.readouterr()
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert len(caplog.records) > 10  # the flow was logged (slack_sdk, Bolt, uvicorn at DEBUG)
    for secret in (BOT_TOKEN, SECRET):
        assert secret not in logged and secret not in out and secret not in err


def test_the_log_handler_redacts_secrets(settings, capsys):
    from copydesk.bot.app.server import configure_logging

    root = logging.getLogger()
    level = root.level
    handler = configure_logging(settings)
    try:
        log = logging.getLogger("copydesk.test")
        log.warning("token %s secret %s other xoxp-123-456-abc app xapp-1-A1-2-ff", BOT_TOKEN, SECRET)
        try:
            raise RuntimeError(f"failed with {BOT_TOKEN}")
        except RuntimeError:
            log.exception("boom")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "token [redacted] secret [redacted] other [redacted] app [redacted]" in err
    assert "RuntimeError: failed with [redacted]" in err
    assert BOT_TOKEN not in err and SECRET not in err and "xoxp-" not in err


# ---------------------------------------------------------------- starting up
def test_a_token_slack_refuses_stops_the_start(settings, fake, nlp):
    from copydesk.bot.app.server import Runtime
    from copydesk.bot.errors import BadInput

    fake.auth_error = "invalid_auth"
    with pytest.raises(BadInput, match=r"^Slack refused SLACK_BOT_TOKEN \(auth.test: invalid_auth\)$"):
        Runtime(settings, socket_mode=False, nlp=nlp)


def _serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPYDESK_"))}
    clean.update(COPYDESK_DB=str(tmp_path / "serve.db"), COPYDESK_SLACK_API_URL="http://127.0.0.1:9/api/", **env)
    return subprocess.run(
        [sys.executable, "-m", "copydesk.bot.cli", "serve", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args, env, variable",
    [
        (("--socket",), {"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_APP_TOKEN"),
        (("--socket",), {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
        (("--http",), {"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET"),
        (("--http",), {"SLACK_SIGNING_SECRET": SECRET}, "SLACK_BOT_TOKEN"),
        (("--socket",), {"SLACK_BOT_TOKEN": "xoxp-a-user-token", "SLACK_APP_TOKEN": "xapp-1-A-2-b"}, "SLACK_BOT_TOKEN"),
    ],
)
def test_serve_refuses_to_start_without_its_tokens(tmp_path, args, env, variable):
    result = _serve(tmp_path, *args, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0] and "Traceback" not in result.stderr
    for value in env.values():
        assert value not in result.stderr and value not in result.stdout
    assert not (tmp_path / "serve.db").exists()  # refused before touching anything


def test_run_http_serves_logs_without_secrets_and_stops_on_sigterm(tmp_path, fake):
    """`run_http` itself (the function `copydesk serve --http` calls) in its own process: it
    starts, answers Slack and /healthz, and on SIGTERM finishes the work in hand and exits."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPYDESK_"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        COPYDESK_SLACK_API_URL=fake.url,
        COPYDESK_DB=str(tmp_path / "served.db"),
        COPYDESK_TZ="UTC",
    )
    code = (
        "from copydesk.bot.app.server import run_http; from copydesk.bot.settings import Settings; "
        f"run_http(Settings.from_env(), {port}, host='127.0.0.1')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_healthy(proc, port, 60)
        slack = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET)
        post_article(slack, fake, "gazette_bridge.txt")
        assert slack.post(b"{}", "application/json", secret="wrong").status == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "serving Slack on http://127.0.0.1" in err and 'POST /slack/events HTTP/1.1" 200' in err
    assert BOT_TOKEN not in out + err and SECRET not in out + err


# ---------------------------------------------------------------- seen before, citations, the full report
PERMALINK = "https://newsroom.example.slack.com/archives/{channel}/p{ts}"


def permalink_of(channel: str, ts: str) -> str:
    return PERMALINK.format(channel=channel, ts=ts.replace(".", ""))


def post_as(slack: SlackSender, fake: FakeSlack, name: str, *, channel: str, user: str) -> tuple[str, dict]:
    ts = slack.next_ts()
    sent = slack.event(message(pasted(name), channel=channel, ts=ts, user=user))
    assert sent.status == 200 and sent.seconds < ACK_LIMIT
    return ts, reply_to(fake, ts, channel)


def test_a_repost_in_another_channel_is_answered_with_seen_before_and_a_permalink(slack, served, fake, db):
    wire_ts, _ = post_as(slack, fake, "wire_bridge.txt", channel="C1", user="U1")
    first_ts, first = post_as(slack, fake, "reprint_bridge.txt", channel="C2", user="U2")
    assert "Seen before" not in everything(first)
    # pasted text names its outlet in its dateline / byline; a source without a URL links to the
    # Slack message that shared it, never to an archive id
    assert f"<{permalink_of('C1', wire_ts)}|Coastal Wire>" in everything(first)
    assert re.search(r"article \d", everything(first)) is None

    ts = slack.next_ts()
    event = message(pasted("reprint_bridge.txt"), channel="C3", ts=ts, user="U3")
    assert slack.event(event, event_id="Ev0REPOST1").status == 200
    assert slack.event(event, event_id="Ev0REPOST1", retry=1).status == 200  # a retry: answered once
    reply = reply_to(fake, ts, "C3")
    settle(served)
    assert len(fake.posts("C3")) == 1
    opening = blocks_of(reply)[0]["text"]["text"]
    assert opening.startswith(
        f"*Seen before:* <{permalink_of('C2', first_ts)}|first shared> in <#C2> by <@U2> on <!date^"
    )
    assert reply["text"].startswith("Seen before: first shared in <#C2>")
    # compared with the rest of the coverage, not with itself: copied from the wire, not 100% from itself
    shown = everything(reply)
    assert "compared with 1 earlier article" in shown and "Bay Evening News" in shown
    assert "Copied" in shown and f"<{permalink_of('C1', wire_ts)}|Coastal Wire>" in shown
    assert "Contradicted" in shown and "6.3 million pounds" in shown and "3.6 million pounds" in shown
    assert count(db, "articles") == 2 and count(db, "sightings") == 3
    # each permalink was asked of Slack once, then read from the archive
    asked = [(c.payload["channel"], c.payload["message_ts"]) for c in fake.recorded("chat.getPermalink")]
    assert sorted(asked) == sorted({("C1", wire_ts), ("C2", first_ts)}) and len(asked) == 2
    assert count(db, "shared_messages", "permalink IS NOT NULL") == 2


def test_seen_before_never_points_into_a_private_channel(slack, fake):
    post_as(slack, fake, "wire_bridge.txt", channel="C1", user="U1")
    ts = slack.next_ts()
    slack.event(message(pasted("reprint_bridge.txt"), channel="GPRIV", ts=ts, user="U2", channel_type="group"))
    reply_to(fake, ts, "GPRIV")
    _, public = post_as(slack, fake, "reprint_bridge.txt", channel="C2", user="U3")
    shown = everything(public)
    assert "Seen before" not in shown and "GPRIV" not in shown and "<@U2>" not in shown


def test_the_full_report_button_opens_the_modal(slack, served, fake):
    post_as(slack, fake, "wire_bridge.txt", channel="C1", user="U1")
    post_as(slack, fake, "gazette_bridge.txt", channel="C1", user="U1")
    ts, reply = post_as(slack, fake, "reprint_bridge.txt", channel="C2", user="U2")
    button = blocks_of(reply)[-1]["elements"][0]
    assert button["text"]["text"] == "Full report"
    posted = {**reply, "ts": ts, "blocks": blocks_of(reply)}
    sent = slack.click(posted, button["action_id"], button["value"], trigger_id=fake.issue_trigger(), channel="C2")
    assert sent.status == 200 and sent.seconds < ACK_LIMIT
    views = fake.views()
    assert len(views) == 1, [(c.payload, c.ok) for c in fake.recorded("views.open")]
    view = views[0]
    assert view["type"] == "modal" and view["title"]["text"] == "Full report"
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "6.3 million pounds" in shown and "3.6 million pounds" in shown and "Coastal Wire" in shown
    assert "…and" not in shown  # everything, nothing left out
    # the same button clicked from another channel (or a forged key) opens no one else's report
    slack.click(posted, button["action_id"], button["value"], trigger_id=fake.issue_trigger(), channel="C9")
    other = fake.views()[-1]
    assert "6.3 million" not in json.dumps(other) and "no longer available" in json.dumps(other)


def test_the_message_shortcut_is_answered_in_the_messages_thread(slack, served, fake, db):
    from copydesk.handlers.shortcuts import CHECK_COVERAGE

    post_as(slack, fake, "gazette_bridge.txt", channel="C1", user="U1")
    parent, ts = slack.next_ts(), slack.next_ts()
    target = {"type": "message", "user": "U5", "ts": ts, "thread_ts": parent, "text": pasted("herald_bridge.txt")}
    sent = slack.message_shortcut(
        CHECK_COVERAGE, target, trigger_id=fake.issue_trigger(), response_url=fake.response_url("sc"), channel="C1"
    )
    assert sent.status == 200 and sent.seconds < ACK_LIMIT
    reply = fake.wait_for(lambda: [p for p in fake.posts("C1") if p.get("thread_ts") == parent])[0]
    shown = everything(reply)
    assert "Contradicted" in shown and GAZETTE_OUTLET in shown and "6.3 million pounds" in shown
    assert count(db, "sightings", "channel_id = 'C1' AND message_ts = ?", (ts,)) == 1
    # used on chatter, it says so to the user only
    chatter = {"type": "message", "user": "U5", "ts": slack.next_ts(), "text": "lunch?"}
    slack.message_shortcut(
        CHECK_COVERAGE, chatter, trigger_id=fake.issue_trigger(), response_url=fake.response_url("chat"), channel="C1"
    )
    note = fake.wait_for(lambda: fake.responses("chat"))[0]
    assert note["response_type"] == "ephemeral" and note["text"].startswith("Nothing to check")
    # in a channel the bot is not in, Slack refuses the reply: the user is told what to do
    fake.refuse.add("C8")
    elsewhere = {"type": "message", "user": "U5", "ts": slack.next_ts(), "text": pasted("herald_bridge.txt")}
    slack.message_shortcut(
        CHECK_COVERAGE, elsewhere, trigger_id=fake.issue_trigger(), response_url=fake.response_url("c8"), channel="C8"
    )
    assert "invite me first" in fake.wait_for(lambda: fake.responses("c8"))[0]["text"]
    settle(served)
    assert len([p for p in fake.posts("C1") if p.get("thread_ts") == parent]) == 1


def test_a_bad_signature_request_leaves_no_body_in_the_logs(settings, nlp, fake, caplog):
    caplog.set_level(logging.DEBUG)
    secret_words = "Shopkeepers on Marlow Street said they feared losing customers"
    app = ServedApp(settings, nlp=nlp)
    try:
        slack = SlackSender(app.url + "/slack/events", SECRET)
        body = json.dumps(
            slack.envelope(
                message(pasted("reprint_bridge.txt"), channel="GPRIV", ts=slack.next_ts(), channel_type="group")
            )
        ).encode()
        assert slack.post(body, "application/json", secret="not-the-secret").status == 401
        assert app.workers.wait_idle(30)
        refused = [r.getMessage() for r in caplog.records if "Invalid request signature" in r.getMessage()]
        assert refused == ["Invalid request signature detected (request body not logged)"]
        assert secret_words not in caplog.text and "Marlow" not in caplog.text
        # a private channel's article analysed and answered: Copydesk's own logs name ids only
        ts = slack.next_ts()
        slack.event(message(pasted("reprint_bridge.txt"), channel="GPRIV", ts=ts, channel_type="group"))
        reply_to(fake, ts, "GPRIV")
        assert app.workers.wait_idle(30)
    finally:
        app.close()
    ours = [r for r in caplog.records if r.name.startswith(("copydesk", "slack_bolt", "slack_sdk", "uvicorn"))]
    assert any(ts in r.getMessage() for r in ours)
    assert any("chat.postMessage (body not logged)" in r.getMessage() for r in ours)  # Web API calls, no bodies
    for record in ours:
        assert "Marlow" not in record.getMessage() and "Shopkeepers" not in record.getMessage()


def test_a_link_is_answered_from_an_html_page_with_the_installed_dependencies(tmp_path, fake):
    """`copydesk serve --http` in its own process (the installed package, nothing the tests
    imported): a shared link to a page the test serves is read through trafilatura and answered."""
    site = Pages({"/news/marlow-bridge": (FIXTURES / "courier_bridge.html").read_text()})
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPYDESK_"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        COPYDESK_SLACK_API_URL=fake.url,
        COPYDESK_DB=str(tmp_path / "served.db"),
        COPYDESK_FETCH_ALLOW_HOSTS="127.0.0.1",
    )
    exe = Path(sys.executable).with_name("copydesk")
    proc = subprocess.Popen(
        [str(exe), "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_healthy(proc, port, 90)
        slack = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET)
        ts = slack.next_ts()
        slack.event(message(f"<{site.url('/news/marlow-bridge')}>", ts=ts))
        reply = reply_to(fake, ts)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
        site.close()
    assert site.hits == ["/news/marlow-bridge"]
    assert "Marlow Street bridge shuts for 14 weeks" in reply["text"] and "Sorry" not in reply["text"]


def test_socket_mode_client_imports_and_builds(settings, fake, tmp_path, nlp):
    """`serve --socket` imports Bolt's Socket Mode adapter lazily: build it (no connection)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from copydesk.bot.app.server import Runtime

    socket_settings = Settings(
        **{
            **settings.__dict__,
            "slack_app_token": "xapp-1-A1-1-fake",
            "slack_signing_secret": None,
            "db_path": str(tmp_path / "socket.db"),
        }
    )
    runtime = Runtime(socket_settings, socket_mode=True, nlp=nlp)
    try:
        handler = SocketModeHandler(runtime.app, socket_settings.slack_app_token)
        assert handler.client.app_token == "xapp-1-A1-1-fake"
        handler.client.close()
    finally:
        runtime.close(drain=0)
