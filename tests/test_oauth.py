"""OAuth distribution, App Home and per-workspace settings, end to end over real HTTP on
127.0.0.1: the app served as `copydesk serve --http` serves it in OAuth mode (SLACK_CLIENT_ID,
SLACK_CLIENT_SECRET, COPYDESK_SECRET_KEY), the fake Slack (tests/slack_fake.py) granting codes,
exchanging them and refreshing tokens with oauth.v2.access and checking every call's token, and
the SQLite file read directly."""

from __future__ import annotations

import http.client
import json
import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.fernet import Fernet
from slack_fake import CLIENT_ID, CLIENT_SECRET, FakeSlack, ServedApp, SlackSender, message, slack_escape

from copydesk.bot.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "slack"
SECRET = "0a6c0c6e3f1d4b8e9a7b5c3d2e1f0a9b"
KEY = Fernet.generate_key().decode()
PUBLIC = "https://copydesk.example.org"
ACK_LIMIT = 3.0


# ---------------------------------------------------------------- fixtures
@pytest.fixture
def fake():
    slack = FakeSlack(private_channels={"GPRIV"})
    slack.users.update({"UADMIN": {"is_admin": True}, "UOWNER": {"is_owner": True}, "UREPORTER": {}})
    yield slack
    slack.close()


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "oauth.db"


@pytest.fixture
def settings(db, fake) -> Settings:
    return Settings(
        db_path=str(db),
        slack_signing_secret=SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        secret_key=KEY,
        public_url=PUBLIC,
        slack_api_url=fake.url,
        fetch_allow_hosts=frozenset({"127.0.0.1"}),
        tz="UTC",
    )


# ---------------------------------------------------------------- helpers
def get(served: ServedApp, path: str, cookie: str | None = None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=20)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


def start_install(served: ServedApp) -> tuple[str, str, str]:
    """GET /slack/install: the authorize URL of its Add to Slack link, its state, and the cookie."""
    status, headers, page = get(served, "/slack/install")
    assert status == 200 and "Add to Slack" in page
    url = re.search(r'<a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    state = parse_qs(urlsplit(url).query)["state"][0]
    cookie = headers["set-cookie"].split(";")[0]
    assert cookie == f"slack-app-oauth-state={state}"
    return url, state, cookie


def install(served: ServedApp, fake: FakeSlack, team: str, **grant) -> str:
    """The whole install of a workspace, as a browser goes through it; returns the bot token."""
    _, state, cookie = start_install(served)
    code = fake.grant(team, **grant)
    status, _, page = get(served, f"/slack/oauth_redirect?{urlencode({'code': code, 'state': state})}", cookie)
    assert status == 200, page
    exchange = [c for c in fake.recorded("oauth.v2.access") if c.payload.get("code") == code]
    assert len(exchange) == 1
    return token_for(fake, team)


def token_for(fake: FakeSlack, team: str) -> str:
    return [t for t, e in fake.tokens.items() if e["team_id"] == team][-1]


def pasted(name: str) -> str:
    text = slack_escape((FIXTURES / name).read_text())
    return re.sub(r"(https?://\S+)", r"<\1>", text)


def reply_to(fake: FakeSlack, ts: str, channel: str = "C1"):
    """The accepted thread reply to message `ts` and the call that posted it (waits for it)."""

    def found():
        return [
            c
            for c in fake.recorded("chat.postMessage")
            if c.payload.get("thread_ts") == ts and c.payload.get("channel") == channel and c.status == 200
        ]

    call = fake.wait_for(found)[0]
    return call.payload, call


def post_article(slack: SlackSender, fake: FakeSlack, name: str, *, team: str, channel: str = "C1"):
    ts = slack.next_ts()
    sent = slack.event(message(pasted(name), channel=channel, ts=ts), team_id=team)
    assert sent.status == 200 and sent.seconds < ACK_LIMIT
    return ts, *reply_to(fake, ts, channel)


def everything(post: dict) -> str:
    blocks = post.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return post.get("text", "") + "\n" + json.dumps(blocks or [], ensure_ascii=False)


def count(db: Path, table: str, where: str = "1=1", params: tuple = ()) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()[0]


def settle(served: ServedApp) -> None:
    assert served.workers.wait_idle(30)


def interact(slack: SlackSender, payload: dict):
    """An interactivity request (block action, view submission), form-encoded as Slack sends it."""
    return slack.post(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")


def press_edit(slack: SlackSender, user: str, value: str = "", team: str = "T1"):
    return interact(
        slack,
        {
            "type": "block_actions",
            "team": {"id": team, "domain": "newsroom"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "ACOPYDESK",
            "trigger_id": f"{time.time()}.trigger",
            "container": {"type": "view", "view_id": "VHOME"},
            "actions": [
                {
                    "type": "button",
                    "action_id": "copydesk_edit_settings",
                    "block_id": "b1",
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
            "is_enterprise_install": False,
            "enterprise": None,
        },
    )


def submit_settings(slack: SlackSender, user: str, fields: dict, *, team: str = "T1", target: str = ""):
    values = {}
    for name, value in fields.items():
        if name == "answer_mode":
            values[name] = {"value": {"type": "static_select", "selected_option": {"value": value}}}
        elif name == "channel":
            values[name] = {"value": {"type": "conversations_select", "selected_conversation": value}}
        else:
            values[name] = {"value": {"type": "number_input", "value": None if value is None else str(value)}}
    return interact(
        slack,
        {
            "type": "view_submission",
            "team": {"id": team, "domain": "newsroom"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "ACOPYDESK",
            "trigger_id": f"{time.time()}.trigger",
            "is_enterprise_install": False,
            "view": {
                "id": "VMODAL",
                "team_id": team,
                "type": "modal",
                "callback_id": "copydesk_settings",
                "private_metadata": json.dumps({"team": team, "target": target}),
                "state": {"values": values},
                "hash": "h",
            },
        },
    )


def stored_installations(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM installations")]


# ---------------------------------------------------------------- installing
def test_install_round_trip_stores_the_installation_encrypted_and_answers_with_its_token(served, slack, fake, db):
    url, state, cookie = start_install(served)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://slack.com/oauth/v2/authorize?")
    assert query["client_id"] == [CLIENT_ID] and query["redirect_uri"] == [PUBLIC + "/slack/oauth_redirect"]
    assert {"chat:write", "channels:history", "users:read"} <= set(query["scope"][0].split(","))
    code = fake.grant("T1", team_name="Kestrel Bay Newsroom")
    status, _, page = get(served, f"/slack/oauth_redirect?{urlencode({'code': code, 'state': state})}", cookie)
    assert status == 200 and "Thank you" in page
    exchange = fake.recorded("oauth.v2.access")
    assert len(exchange) == 1 and exchange[0].payload["code"] == code
    assert exchange[0].payload["redirect_uri"] == PUBLIC + "/slack/oauth_redirect"
    assert exchange[0].path == "/api/oauth.v2.access"  # COPYDESK_SLACK_API_URL, not slack.com
    token = token_for(fake, "T1")

    rows = stored_installations(db)
    assert [(r["team_id"], r["team_name"], r["enterprise_id"]) for r in rows] == [("T1", "Kestrel Bay Newsroom", "")]
    for path in db.parent.glob(db.name + "*"):  # the database and its write-ahead log
        assert token.encode() not in path.read_bytes()
    assert token not in json.dumps(rows)
    assert json.loads(Fernet(KEY.encode()).decrypt(rows[0]["secret"].encode()))["bot_token"] == token

    ts, post, call = post_article(slack, fake, "gazette_bridge.txt", team="T1")
    assert fake.token_of(call) == token and "Marlow Street bridge" in post["text"]
    assert count(db, "articles", "team_id = 'T1'") == 1


def test_a_bad_missing_or_replayed_state_is_refused(served, slack, fake, db):
    # a state never issued, with a cookie to match
    code = fake.grant("T1")
    status, _, _ = get(served, f"/slack/oauth_redirect?code={code}&state=forged", "slack-app-oauth-state=forged")
    assert status == 401
    # a real state without the browser's cookie
    _, state, _ = start_install(served)
    status, _, _ = get(served, f"/slack/oauth_redirect?code={code}&state={state}")
    assert status == 400
    assert not fake.recorded("oauth.v2.access") and not stored_installations(db)
    # a state used once is spent
    _, state, cookie = start_install(served)
    assert get(served, f"/slack/oauth_redirect?code={code}&state={state}", cookie)[0] == 200
    second = fake.grant("T9")
    status, _, _ = get(served, f"/slack/oauth_redirect?code={second}&state={state}", cookie)
    assert status == 401
    assert len(fake.recorded("oauth.v2.access")) == 1
    assert [r["team_id"] for r in stored_installations(db)] == ["T1"]


def test_install_states_expire_and_are_single_use(tmp_path):
    import time_machine

    from copydesk.storage.archive import Archive
    from copydesk.storage.installations import SQLiteOAuthStateStore

    archive = Archive.open(tmp_path / "s.db")
    try:
        store = SQLiteOAuthStateStore(archive, expiration_seconds=600)
        fresh, old = store.issue(), store.issue()
        assert fresh != old and len(fresh) >= 40
        assert store.consume(fresh) and not store.consume(fresh)
        assert not store.consume("") and not store.consume("never-issued")
        with time_machine.travel(datetime.now(UTC) + timedelta(seconds=601)):
            assert not store.consume(old)
    finally:
        archive.close()


def test_two_workspaces_are_each_answered_with_their_own_token_and_archive(served, slack, fake, db):
    first, second = install(served, fake, "T1"), install(served, fake, "T2")
    assert first != second
    _, _, call1 = post_article(slack, fake, "gazette_bridge.txt", team="T1")
    # the same article in the other workspace: nothing of T1's archive is seen there
    _, post2, call2 = post_article(slack, fake, "gazette_bridge.txt", team="T2")
    # the changed figure contradicts T1's copy, in T1 only
    _, post3, call3 = post_article(slack, fake, "herald_bridge.txt", team="T1")
    assert fake.token_of(call1) == first and fake.token_of(call3) == first and fake.token_of(call2) == second
    assert "Contradicted" in everything(post3) and "Kestrel Bay Gazette" in everything(post3)
    assert "Contradicted" not in everything(post2) and "seen" not in post2["text"].lower()
    assert count(db, "articles", "team_id = 'T1'") == 2 and count(db, "articles", "team_id = 'T2'") == 1
    # a workspace that never installed Copydesk gets nothing
    ts = slack.next_ts()
    slack.event(message(pasted("gazette_bridge.txt"), ts=ts), team_id="T3")
    settle(served)
    assert not [c for c in fake.recorded("chat.postMessage") if c.payload.get("thread_ts") == ts]
    assert count(db, "articles", "team_id = 'T3'") == 0


def test_an_expired_token_is_refreshed_with_its_refresh_token_before_use(served, slack, fake, db):
    from copydesk.storage.installations import SQLiteInstallationStore

    old = install(served, fake, "T1", rotation=True, expires_in=43200)
    store = SQLiteInstallationStore(served.runtime.archive, Fernet(KEY.encode()))
    installed = store.find_installation(enterprise_id=None, team_id="T1")
    assert installed.bot_token == old and installed.bot_refresh_token.startswith("xoxe-")
    # twelve hours later: the token has expired, at Slack and in the store
    fake.tokens[old]["expires_at"] = time.time() - 1
    installed.bot_token_expires_at = int(time.time()) - 1
    store.save(installed)

    _, _, call = post_article(slack, fake, "gazette_bridge.txt", team="T1")
    refresh = [c for c in fake.recorded("oauth.v2.access") if c.payload.get("grant_type") == "refresh_token"]
    assert len(refresh) == 1 and refresh[0].payload["refresh_token"] == installed.bot_refresh_token
    new = fake.token_of(call)
    assert new != old and fake.team_of_token(new) == "T1"
    saved = store.find_installation(enterprise_id=None, team_id="T1")
    assert saved.bot_token == new and saved.bot_refresh_token != installed.bot_refresh_token
    assert saved.bot_token_expires_at > time.time() + 3600
    assert not [
        c for c in fake.recorded() if fake.token_of(c) == old and c.method != "oauth.v2.access" and c.at > refresh[0].at
    ]


@pytest.mark.parametrize("order", [("app_uninstalled", "tokens_revoked"), ("tokens_revoked", "app_uninstalled")])
def test_uninstalling_in_either_order_leaves_no_installation_and_no_data(served, slack, fake, db, order):
    install(served, fake, "T1")
    install(served, fake, "T2")
    post_article(slack, fake, "gazette_bridge.txt", team="T1")
    post_article(slack, fake, "gazette_bridge.txt", team="T2")
    from copydesk.storage import settings as settingstore

    settingstore.save(served.runtime.archive, "T1", "", {"recency_days": 30})
    settingstore.save(served.runtime.archive, "T1", "C1", {"answer_mode": "mention"})
    served.runtime.archive.subscribe_digest("T1", "C1", "18:00", None, False)
    events = {
        "app_uninstalled": {"type": "app_uninstalled"},
        "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UCOPYDESK"]}},
    }
    for name in order:
        assert slack.event(events[name], team_id="T1").status == 200
        assert not [r for r in stored_installations(db) if r["team_id"] == "T1"]  # gone before the ack
    settle(served)
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        holding = {
            t: conn.execute(f"SELECT count(*) FROM {t} WHERE team_id = 'T1'").fetchone()[0]
            for t in tables
            if "team_id" in {c[1] for c in conn.execute(f"PRAGMA table_info({t})")}
        }
        left = {t: conn.execute(f"SELECT * FROM {t} WHERE team_id = 'T1'").fetchall() for t, n in holding.items() if n}
    assert holding and not any(holding.values()), left
    assert count(db, "articles", "team_id = 'T2'") == 1 and [r["team_id"] for r in stored_installations(db)] == ["T2"]
    # later events of that workspace are not answered
    ts = slack.next_ts()
    slack.event(message(pasted("gazette_bridge.txt"), ts=ts), team_id="T1")
    settle(served)
    assert not [c for c in fake.recorded("chat.postMessage") if c.payload.get("thread_ts") == ts]


# ---------------------------------------------------------------- App Home
def home_opened(slack: SlackSender, user: str, team: str = "T1"):
    return slack.event(
        {"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": "home", "event_ts": str(time.time())},
        team_id=team,
    )


def test_app_home_is_published_within_100_blocks(served, slack, fake, db):
    token = install(served, fake, "T1")
    post_article(slack, fake, "gazette_bridge.txt", team="T1")
    post_article(slack, fake, "herald_bridge.txt", team="T1")
    post_article(slack, fake, "gazette_bridge.txt", team="T1", channel="GPRIV")  # private: not on the home tab
    archive = served.runtime.archive
    archive.subscribe_digest("T1", "CDESK", "18:30", "Europe/London", True)
    from copydesk.storage import settings as settingstore

    settingstore.save(archive, "T1", "", {"recency_days": 14, "answer_mode": "all"})
    for n in range(60):  # more overridden channels than the home tab lists
        settingstore.save(archive, "T1", f"C{n:03d}", {"answer_mode": "mention"})

    assert home_opened(slack, "UREPORTER").status == 200
    published = fake.wait_for(lambda: fake.published)[0]
    view = published["view"]
    assert published["user_id"] == "UREPORTER" and published["token"] == token
    assert view["type"] == "home" and 0 < len(view["blocks"]) <= 100
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "*2* articles" in shown  # the private channel's article is left out
    assert "Recent contradictions" in shown and "6.3 million pounds" in shown
    assert "https://harbourherald.example/2026/04/08/marlow-bridge-cost" in shown  # a link to the article
    assert "<#CDESK> at 18:30 (Europe/London), quiet" in shown
    assert "last 14 days" in shown and "40 more channels" in shown
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in view["blocks"])
    # the messages tab is not the home tab
    slack.event({"type": "app_home_opened", "user": "UREPORTER", "channel": "DHOME", "tab": "messages"}, team_id="T1")
    settle(served)
    assert len(fake.published) == 1


def compare(slack: SlackSender, fake: FakeSlack, name: str, key: str, team: str = "T1") -> dict:
    sent = slack.command("/compare", (FIXTURES / name).read_text(), response_url=fake.response_url(key), team_id=team)
    assert sent.status == 200
    return fake.wait_for(lambda: fake.responses(key))[0]


def test_an_admin_sets_a_recency_window_and_older_coverage_is_left_out(served, slack, fake, db):
    install(served, fake, "T1")
    post_article(slack, fake, "gazette_bridge.txt", team="T1")
    month_ago = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    with sqlite3.connect(db) as conn:  # the earlier report is a month old
        conn.execute("UPDATE articles SET published = ?", (month_ago,))
    assert "Contradicted" in everything(compare(slack, fake, "herald_bridge.txt", "before"))

    assert press_edit(slack, "UADMIN").status == 200
    modal = fake.wait_for(lambda: fake.opened)[0]["view"]
    assert modal["callback_id"] == "copydesk_settings" and len(modal["blocks"]) <= 100
    assert {b.get("block_id") for b in modal["blocks"]} >= {"recency_days", "copy_threshold", "answer_mode"}
    sent = submit_settings(slack, "UADMIN", {"recency_days": 7})
    assert sent.status == 200 and not sent.body.strip()  # accepted: the modal closes
    assert count(db, "workspace_settings", "team_id = 'T1' AND channel_id = '' AND recency_days = 7") == 1
    fake.wait_for(lambda: fake.published)  # the home tab shows the change

    after = compare(slack, fake, "herald_bridge.txt", "after")
    assert "Contradicted" not in everything(after) and "3.6 million" not in everything(after)
    shown = slack.command("/copydesk", "settings", response_url=fake.response_url("s"), team_id="T1").body.decode()
    assert "Recency window*: last 7 days _(workspace)_" in shown
    assert "Answer mode*: all (every article) _(default)_" in shown


def test_out_of_range_values_are_refused_in_the_modal(served, slack, fake, db):
    install(served, fake, "T1")
    sent = submit_settings(slack, "UOWNER", {"recency_days": 7, "copy_threshold": 40})
    assert sent.status == 200
    answer = sent.json()
    assert answer["response_action"] == "errors" and "copy_threshold" in answer["errors"]
    assert count(db, "workspace_settings") == 0


def test_a_non_admin_is_refused(served, slack, fake, db):
    install(served, fake, "T1")
    assert press_edit(slack, "UREPORTER").status == 200
    modal = fake.wait_for(lambda: fake.opened)[0]["view"]
    assert "callback_id" not in modal and "Only workspace admins" in json.dumps(modal)
    assert [c.payload["user"] for c in fake.recorded("users.info")] == ["UREPORTER"]
    # a submission without the modal (or after losing the admin role) changes nothing
    sent = submit_settings(slack, "UREPORTER", {"recency_days": 7})
    assert sent.json()["response_action"] == "errors"
    assert count(db, "workspace_settings") == 0


def test_a_channel_override_picks_the_channel_and_the_answer_mode_applies(served, slack, fake, db):
    install(served, fake, "T1")
    assert press_edit(slack, "UADMIN", "pick").status == 200
    modal = fake.wait_for(lambda: fake.opened)[0]["view"]
    assert modal["blocks"][0]["block_id"] == "channel"
    assert (
        submit_settings(slack, "UADMIN", {"answer_mode": "never"}, target="pick").json()["response_action"] == "errors"
    )
    sent = submit_settings(slack, "UADMIN", {"channel": "CQUIET", "answer_mode": "never"}, target="pick")
    assert sent.status == 200 and not sent.body.strip()
    sent = submit_settings(slack, "UADMIN", {"channel": "CMENTION", "answer_mode": "mention"}, target="pick")
    assert sent.status == 200

    quiet, mention_only = slack.next_ts(), slack.next_ts()
    slack.event(message(pasted("gazette_bridge.txt"), channel="CQUIET", ts=quiet), team_id="T1")
    slack.event(message(pasted("gazette_bridge.txt"), channel="CMENTION", ts=mention_only), team_id="T1")
    settle(served)
    assert not [c for c in fake.recorded("chat.postMessage") if c.payload.get("thread_ts") in (quiet, mention_only)]
    assert count(db, "articles") == 0
    # a mention is answered where the mode is "mention", and gets a note where it is "never"
    for channel in ("CMENTION", "CQUIET"):
        ts = slack.next_ts()
        slack.event(
            {
                "type": "app_mention",
                "channel": channel,
                "user": "U1",
                "ts": ts,
                "event_ts": ts,
                "text": "<@UCOPYDESK> " + pasted("gazette_bridge.txt"),
            },
            team_id="T1",
        )
        post, _ = reply_to(fake, ts, channel)
        if channel == "CMENTION":
            assert "Marlow Street bridge" in post["text"]
        else:
            assert "answer mode is _never_" in post["text"]
    shown = slack.command(
        "/copydesk", "settings", response_url=fake.response_url("s"), team_id="T1", channel_id="CQUIET"
    ).body.decode()
    assert "Answer mode*: never (never) _(channel)_" in shown and "Recency window*: all coverage _(default)_" in shown
    assert "Usage" in slack.command("/copydesk", "", response_url=fake.response_url("u"), team_id="T1").body.decode()


# ---------------------------------------------------------------- starting
def _serve(tmp_path: Path, **env: str):
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPYDESK_"))}
    base.update(COPYDESK_DB=str(tmp_path / "s.db"), **env)
    return subprocess.run(
        [sys.executable, "-m", "copydesk.bot.cli", "serve", "--http", "--port", "1"],
        cwd=tmp_path,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "key, says",
    [(None, "COPYDESK_SECRET_KEY is not set"), ("not-a-fernet-key", "COPYDESK_SECRET_KEY is not a valid Fernet key")],
)
def test_oauth_mode_refuses_to_start_without_a_valid_secret_key(tmp_path, key, says):
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET, "SLACK_SIGNING_SECRET": SECRET}
    if key:
        env["COPYDESK_SECRET_KEY"] = key
    done = _serve(tmp_path, **env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in done.stderr
    assert CLIENT_SECRET not in done.stderr + done.stdout and (key or "§") not in done.stderr


def test_single_workspace_mode_ignores_client_credentials_in_the_environment(tmp_path, fake, nlp, monkeypatch):
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", CLIENT_SECRET)
    settings = Settings(
        db_path=str(tmp_path / "one.db"),
        slack_bot_token="xoxb-single-workspace-token",
        slack_signing_secret=SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_api_url=fake.url,
        tz="UTC",
    )
    assert not settings.oauth_mode
    app = ServedApp(settings, nlp=nlp)
    try:
        assert app.get("/slack/install")[0] == 404
        sender = SlackSender(app.url + "/slack/events", SECRET)
        _, _, call = post_article(sender, fake, "gazette_bridge.txt", team="T1")
        assert fake.token_of(call) == "xoxb-single-workspace-token"
    finally:
        app.close()
    import os

    assert os.environ["SLACK_CLIENT_ID"] == CLIENT_ID  # given back after the app was built


# ---------------------------------------------------------------- the CLI reads the same settings
def test_the_cli_shows_and_applies_a_workspaces_settings(cli, tmp_path):
    first, second = FIXTURES / "gazette_bridge.txt", FIXTURES / "herald_bridge.txt"
    assert cli("ingest", first).exit_code == 0
    month_ago = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        conn.execute("UPDATE articles SET published = ?", (month_ago,))
    shown = cli("settings")
    assert shown.exit_code == 0 and "recency_days       all coverage" in shown.stdout and "(default)" in shown.stdout
    bad = cli("settings", "--team", "T1", "--set", "copy_threshold=20")
    assert bad.exit_code == 2 and "from 70 to 100" in bad.stderr
    assert cli("settings", "--team", "T1", "--set", "min_passage_words=60").exit_code == 0
    shown = cli("settings", "--team", "T1", "--channel", "C1")
    assert "min_passage_words  60 words" in shown.stdout and "(workspace)" in shown.stdout
    # the CLI's archive is workspace "": T1's settings apply with --team, the defaults without
    body = first.read_text().split("---\n", 1)[1]
    reprint = tmp_path / "reprint.txt"
    reprint.write_text(
        "outlet: Brennick Post\nurl: https://brennickpost.example/bridge\n---\n"
        "Drivers in Brennick face long detours this spring.\n\n" + body
    )
    plain = json.loads(cli("analyze", reprint, "--json").stdout)
    tuned = json.loads(cli("analyze", reprint, "--json", "--team", "T1").stdout)
    assert plain["copied"] and not tuned["copied"]  # no sentence of the reprint has 60 words
    plain = json.loads(cli("analyze", second, "--json").stdout)
    assert cli("settings", "--set", "recency_days=7").exit_code == 0
    windowed = json.loads(cli("analyze", second, "--json").stdout)
    assert windowed["compared_with"] == 0 and not windowed["contradictions"] and plain["contradictions"]


# ---------------------------------------------------------------- the stores
def _installation(
    team_id: str | None,
    token: str,
    *,
    enterprise_id: str | None = None,
    org: bool = False,
    expires_at: int | None = None,
    refresh: str | None = None,
):
    from slack_sdk.oauth.installation_store import Installation

    return Installation(
        app_id="ACOPYDESK",
        enterprise_id=enterprise_id,
        team_id=team_id,
        bot_token=token,
        bot_user_id="UCOPYDESK",
        bot_scopes="chat:write",
        user_id="UINSTALLER",
        is_enterprise_install=org,
        bot_refresh_token=refresh,
        bot_token_expires_at=expires_at,
    )


def test_one_installation_per_workspace_and_per_organisation(tmp_path):
    from copydesk.storage.archive import Archive
    from copydesk.storage.installations import SQLiteInstallationStore, delete

    archive = Archive.open(tmp_path / "i.db")
    try:
        store = SQLiteInstallationStore(archive, Fernet(KEY.encode()))
        store.save(_installation("T1", "xoxb-first"))
        store.save(_installation("T1", "xoxb-reinstalled"))  # a reinstall replaces the workspace's token
        store.save(_installation("T2", "xoxb-grid-workspace", enterprise_id="E1"))
        store.save(_installation(None, "xoxb-org-wide", enterprise_id="E2", org=True))
        assert len(store.installed_teams()) == 3
        assert store.find_installation(enterprise_id=None, team_id="T1").bot_token == "xoxb-reinstalled"
        assert store.find_bot(enterprise_id="E1", team_id="T2").bot_token == "xoxb-grid-workspace"
        assert store.find_installation(enterprise_id=None, team_id="T2").bot_token == "xoxb-grid-workspace"
        org = store.find_installation(enterprise_id="E2", team_id="T7", is_enterprise_install=True)
        assert org.bot_token == "xoxb-org-wide" and org.is_enterprise_install
        assert store.find_installation(enterprise_id=None, team_id="T7") is None
        assert store.find_installation(enterprise_id=None, team_id="T1", user_id="USOMEONE") is None
        # another key cannot read them; a rotated key list (new first, old after) still can
        assert (
            SQLiteInstallationStore(archive, Fernet(Fernet.generate_key())).find_bot(enterprise_id=None, team_id="T1")
            is None
        )
        from cryptography.fernet import MultiFernet

        rotated = SQLiteInstallationStore(archive, MultiFernet([Fernet(Fernet.generate_key()), Fernet(KEY.encode())]))
        assert rotated.find_bot(enterprise_id=None, team_id="T1").bot_token == "xoxb-reinstalled"
        assert delete(archive, "E2", "T7", is_enterprise_install=True) == 1  # the org's, not a workspace's
        assert delete(archive, None, "T1") == 1 and delete(archive, None, "T1") == 0
        assert [r["team_id"] for r in store.installed_teams()] == ["T2"]
    finally:
        archive.close()


def test_the_digest_scheduler_gets_each_workspaces_client_refreshed(tmp_path, fake, settings):
    from copydesk.bot.app import oauth
    from copydesk.bot.app.webapi import web_client
    from copydesk.storage.archive import Archive

    archive = Archive.open(tmp_path / "d.db")
    try:
        pieces = oauth.build(settings, archive, web_client(settings), __import__("logging").getLogger("t"))
        fake.grant("T1", rotation=True)  # let the fake know the app
        code = next(iter(fake.codes))
        answer = web_client(settings).oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)
        pieces.store.save(
            _installation(
                "T1", answer["access_token"], refresh=answer["refresh_token"], expires_at=int(time.time()) + 60
            )
        )  # expires within the rotation margin
        clients = oauth.TeamClients(pieces, lambda token: web_client(settings, token))
        client = clients("T1")
        assert client.token != answer["access_token"] and fake.team_of_token(client.token) == "T1"
        assert client.base_url == fake.url and client.auth_test()["team_id"] == "T1"
        assert pieces.store.find_bot(enterprise_id=None, team_id="T1").bot_token == client.token
        with pytest.raises(Exception, match="not installed in workspace T9"):
            clients("T9")
    finally:
        archive.close()


def test_no_token_or_secret_in_the_logs_of_an_install(settings, nlp, fake, capsys):
    import logging

    from copydesk.bot.app.server import configure_logging

    configure_logging(settings, level=logging.DEBUG)
    try:
        app = ServedApp(settings, nlp=nlp)
        try:
            token = install(app, fake, "T1", rotation=True)
            sender = SlackSender(app.url + "/slack/events", SECRET)
            post_article(sender, fake, "gazette_bridge.txt", team="T1")
            app.workers.wait_idle(30)
        finally:
            app.close()
    finally:
        logging.getLogger().removeHandler(configure_logging(settings))
    logged = capsys.readouterr().err
    assert "installed in workspace T1" in logged
    for secret in (token, CLIENT_SECRET, KEY, SECRET, *fake.refresh_tokens):
        assert secret not in logged
    assert "code-T1" not in logged and "oauth_redirect?code=[redacted]&state=[redacted]" in logged


def test_the_default_settings_are_the_engines_own_constants():
    """Without settings Copydesk behaves exactly as before them: the defaults are the constants."""
    from copydesk.bot.analysis import copying
    from copydesk.bot.model import DEFAULT_SETTINGS, SETTING
    from copydesk.bot.present.slacktext import MIN_PASTED_WORDS

    assert DEFAULT_SETTINGS.copy_threshold == copying.COPY_THRESHOLD
    assert DEFAULT_SETTINGS.min_passage_words == copying.MIN_WORDS
    assert DEFAULT_SETTINGS.min_article_words == MIN_PASTED_WORDS
    assert DEFAULT_SETTINGS.recency_days == 0 and DEFAULT_SETTINGS.answer_mode == "all"
    assert all(getattr(DEFAULT_SETTINGS, name) == s.default for name, s in SETTING.items())


def test_a_linked_article_shorter_than_the_channels_minimum_gets_no_automatic_answer(served, slack, fake, db):
    from slack_fake import Pages

    site = Pages({"/news/marlow-bridge": (FIXTURES / "courier_bridge.html").read_text()})
    try:
        install(served, fake, "T1")
        from copydesk.storage import settings as settingstore

        settingstore.save(served.runtime.archive, "T1", "C1", {"min_article_words": 2000})
        ts = slack.next_ts()
        slack.event(message(f"Worth a look <{site.url('/news/marlow-bridge')}>", ts=ts), team_id="T1")
        settle(served)
        assert site.hits and not [c for c in fake.recorded("chat.postMessage") if c.payload.get("thread_ts") == ts]
        assert count(db, "articles") == 0
        # asked for by a mention, the same link is answered
        ts = slack.next_ts()
        slack.event(
            {
                "type": "app_mention",
                "channel": "C1",
                "user": "U1",
                "ts": ts,
                "event_ts": ts,
                "text": f"<@UCOPYDESK> <{site.url('/news/marlow-bridge')}>",
            },
            team_id="T1",
        )
        post, _ = reply_to(fake, ts)
        assert "Marlow" in post["text"]
    finally:
        site.close()
