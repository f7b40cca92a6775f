"""The daily digest: its JSON shape and content on fictional coverage, privacy between channels and
workspaces, Slack rendering within limits, the CLI, and the scheduler (APScheduler) posting each
channel's digest once at its time — across restarts and two schedulers on one database — against
a local fake Slack Web API over real HTTP on 127.0.0.1, with a controlled clock."""

from __future__ import annotations

import json
import queue
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from slack_fake import FakeSlack
from slack_sdk import WebClient

from copydesk.bot.analysis import digest as digestmod
from copydesk.bot.analysis import ingest
from copydesk.bot.analysis.engine import Analyzer
from copydesk.bot.app.scheduler import Subscription, start_scheduler
from copydesk.bot.model import CLI_SCOPE, Article, Scope
from copydesk.bot.present import limits
from copydesk.bot.present.digest import slack_message
from copydesk.bot.reading import reader
from copydesk.bot.settings import Settings
from copydesk.handlers.digest import handle_digest
from copydesk.storage.archive import Archive

COVERAGE = Path(__file__).resolve().parent / "fixtures" / "coverage"
BERLIN = ZoneInfo("Europe/Berlin")
DAY = datetime(2026, 3, 14).date()
TEAM, CHANNEL = "T1", "CNEWS"


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A time on DAY in Berlin."""
    return datetime(2026, 3, 14, hour, minute, second, tzinfo=BERLIN)


# ---------------------------------------------------------------- a fake Slack Web API
@pytest.fixture
def slack():
    """The shared fake Slack Web API (tests/slack_fake.py)."""
    fake = FakeSlack()
    yield fake
    fake.close()


# ---------------------------------------------------------------- the app's pieces
def coverage() -> list[Article]:
    return [reader.read(src) for src in reader.expand([str(COVERAGE)])]


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "digest.db"


@pytest.fixture
def settings(db, slack) -> Settings:
    return Settings(
        db_path=str(db),
        tz="Europe/Berlin",
        digest_time="09:00",
        slack_api_url=slack.url,
        slack_bot_token="xoxb-test-token",
    )


@pytest.fixture
def archive(db):
    a = Archive.open(db)
    yield a
    a.close()


@pytest.fixture
def analyzer(archive, settings, nlp):
    return Analyzer(archive, settings, nlp=nlp)


@pytest.fixture
def client(settings):
    return WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)


def post_in_slack(archive: Archive, articles: list[Article], team: str, channel: str, private: bool = False) -> None:
    for i, article in enumerate(articles):
        ingest.add(archive, article, Scope(team, channel, private), message_ts=f"{time.time():.6f}{i}")


class Scheduled:
    """Started schedulers and their job outcomes; all are shut down when the test ends."""

    def __init__(self) -> None:
        self.started = []
        self.outcomes: queue.Queue = queue.Queue()

    def start(self, settings, archive, analyzer, client):
        s = start_scheduler(settings, archive, analyzer, client)
        s.scheduler.add_listener(self._record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.started.append(s)
        return s

    def _record(self, event) -> None:
        if event.job_id.startswith("digest:"):
            self.outcomes.put((event.job_id, getattr(event, "retval", None), event.exception))

    def outcome(self, timeout: float = 20) -> tuple:
        return self.outcomes.get(timeout=timeout)

    def shutdown_all(self) -> None:
        while self.started:
            self.started.pop().shutdown()


@pytest.fixture
def scheduled():
    s = Scheduled()
    yield s
    s.shutdown_all()


def command(text: str, channel: str = CHANNEL, team: str = TEAM) -> dict:
    return {"text": text, "team_id": team, "channel_id": channel, "user_id": "U1", "command": "/digest"}


def slash(text: str, archive, analyzer, settings, channel: str = CHANNEL, team: str = TEAM) -> dict:
    """Run /digest as Bolt would; returns what was sent through respond (acknowledged first)."""
    acked, said = [], []
    handle_digest(
        ack=lambda *a, **k: acked.append(True),
        respond=lambda **kw: said.append(kw),
        command=command(text, channel, team),
        deps=SimpleNamespace(archive=archive, analyzer=analyzer, settings=settings),
    )
    assert acked == [True] and len(said) == 1
    assert said[0]["response_type"] == "ephemeral"
    return said[0]


def digest_text(post: dict) -> str:
    return post["text"] + json.dumps(post.get("blocks") or [], ensure_ascii=False)


# ---------------------------------------------------------------- the digest itself
def test_json_shape_ranking_copying_contradictions_and_new(archive, analyzer):
    with time_machine.travel(at(10), tick=False):
        for article in coverage():
            ingest.add(archive, article)
        digest = digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY, BERLIN)
    json.dumps(digest)  # JSON-ready
    assert set(digest) == {"date", "tz", "team_id", "channel_id", "generated_at", "articles", "outlets", "stories"}
    assert (digest["date"], digest["tz"], digest["articles"]) == ("2026-03-14", "Europe/Berlin", 14)
    assert digest["outlets"] == 9 and len(digest["stories"]) == 5
    story_keys = {
        "story_id",
        "title",
        "articles",
        "outlets",
        "first",
        "timeline",
        "analysed",
        "copied_share",
        "most_copied",
        "contradictions",
        "new",
        "counts",
    }
    source_keys = {"article_id", "outlet", "url", "title", "published"}
    for story in digest["stories"]:
        assert set(story) == story_keys
        assert set(story["first"]) == source_keys | {"at"}
        assert all(set(e) == source_keys | {"at"} for e in story["timeline"])
        assert story["analysed"] == story["articles"] == len(story["timeline"])
        assert 0 <= story["copied_share"] <= 1
        for c in story["contradictions"]:
            assert set(c) == {"kind", "text", "other_text", "explanation", "article", "source"}
        assert all(set(n) == {"text", "article"} for n in story["new"])
    # ranked by breadth: the tram story has four outlets, then three-outlet stories, then one
    outlets = [len(s["outlets"]) for s in digest["stories"]]
    assert outlets == sorted(outlets, reverse=True) and outlets[0] == 4
    tram = digest["stories"][0]
    assert tram["title"] == "Brennick council approves harbour to campus tram line"
    assert tram["first"]["outlet"] == "Brennick Gazette"
    assert tram["most_copied"]["outlet"] == "Brennick Gazette" and tram["most_copied"]["articles"] == 1
    assert 0 < tram["most_copied"]["share"] <= tram["copied_share"]
    numbers = [c for c in tram["contradictions"] if c["kind"] == "number"]
    assert numbers and "92 million" in numbers[0]["text"] and "84 million" in numbers[0]["other_text"]
    assert (
        numbers[0]["article"]["outlet"] == "The Civic Ledger" and numbers[0]["source"]["outlet"] == "Brennick Gazette"
    )
    assert any("petition" in n["text"] and n["article"]["outlet"] == "The Civic Ledger" for n in tram["new"])
    dam = next(s for s in digest["stories"] if "Velkor" in s["title"] or "Sarn" in s["title"])
    assert dam["articles"] == 3  # the merged story
    # a day without articles
    empty = digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY.replace(day=15), BERLIN)
    assert (empty["articles"], empty["stories"]) == (0, [])


def test_reports_are_computed_once_and_then_reused(archive, analyzer, monkeypatch):
    with time_machine.travel(at(10), tick=False):
        for article in coverage()[:4]:
            ingest.add(archive, article)
        first = digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY, BERLIN)
        calls = []
        original = analyzer._report
        monkeypatch.setattr(analyzer, "_report", lambda *a, **k: calls.append(1) or original(*a, **k))
        second = digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY, BERLIN)
    assert calls == []
    assert first["stories"] == second["stories"]


def test_missing_reports_computed_are_bounded_and_cached_ones_always_used(archive, analyzer, monkeypatch):
    monkeypatch.setattr(digestmod, "MAX_ANALYSED", 3)
    with time_machine.travel(at(10), tick=False):
        ids = {a.title: ingest.add(archive, a)[0] for a in coverage()}
        first = digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY, BERLIN)
        assert [s["analysed"] for s in first["stories"]] == [3, 0, 0, 0, 0]  # the tram story's first three
        assert digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY, BERLIN)["stories"] == first["stories"]
        analyzer.report_for(ids["No injuries in Brennick warehouse blaze"])  # analysed elsewhere, cached
        third = digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY, BERLIN)
    fire = next(s for s in third["stories"] if "warehouse" in s["title"])
    assert fire["analysed"] == 1 and fire["articles"] == 3
    text, blocks = slack_message(third)
    assert "2 articles not analysed" in json.dumps(blocks)


def test_private_channel_articles_only_in_that_channels_digest(archive, analyzer):
    articles = {a.url: a for a in coverage()}
    fire = [a for a in articles.values() if a.meta["event"] == "fire"]
    drought = [a for a in articles.values() if a.meta["event"] == "drought"]
    with time_machine.travel(at(10), tick=False):
        post_in_slack(archive, fire[:2], TEAM, "CPUBLIC")
        post_in_slack(archive, fire[2:] + drought[:1], TEAM, "GSECRET", private=True)
        post_in_slack(archive, drought[1:], "T2", "COTHER")
        public = digestmod.build_digest(archive, analyzer, Scope(TEAM, CHANNEL), DAY, BERLIN)
        secret = digestmod.build_digest(archive, analyzer, Scope(TEAM, "GSECRET", True), DAY, BERLIN)
        other = digestmod.build_digest(archive, analyzer, Scope("T2", "COTHER"), DAY, BERLIN)
    public_text = json.dumps(public, ensure_ascii=False)
    assert public["articles"] == 2 and len(public["stories"]) == 1
    for hidden in fire[2:] + drought:
        assert hidden.url not in public_text and hidden.outlet not in public_text
        assert hidden.text.split(".")[0] not in public_text
    assert secret["articles"] == 4 and {len(s["outlets"]) for s in secret["stories"]} == {3, 1}
    assert other["articles"] == 2 and all(a.url not in json.dumps(other) for a in fire)
    # a channel's own digest also cites only what it may see
    assert "civicledger" not in public_text


def test_slack_message_stays_within_limits_and_escapes():
    long = "A sentence about the <council> & its budget, repeated. " * 80
    entry = {
        "article_id": "1",
        "outlet": "Outlet <&>",
        "url": "https://example.test/a",
        "title": "T",
        "published": None,
        "at": "2026-03-14T08:00:00+00:00",
    }
    story = {
        "story_id": 1,
        "title": "Title <b>bold</b> & more " * 10,
        "articles": 30,
        "outlets": [f"Outlet {i}" for i in range(30)],
        "first": entry,
        "timeline": [entry] * 20,
        "analysed": 25,
        "copied_share": 0.5,
        "most_copied": {**entry, "words": 100, "share": 0.2, "articles": 3},
        "contradictions": [
            {"kind": "number", "text": long, "other_text": long, "explanation": "x", "article": entry, "source": entry}
        ]
        * 10,
        "new": [{"text": long, "article": entry}] * 10,
        "counts": {"contradictions": 14, "new": 40},
    }
    digest = {
        "date": "2026-03-14",
        "tz": "Europe/Berlin",
        "team_id": TEAM,
        "channel_id": CHANNEL,
        "generated_at": "2026-03-14T08:00:00+00:00",
        "articles": 1800,
        "outlets": 90,
        "stories": [dict(story, story_id=i) for i in range(60)],
    }
    text, blocks = slack_message(digest)
    assert 0 < len(text) <= 3000 and len(blocks) <= 50
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= 150
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(s) <= 3000 for s in sections)
    assert sum(len(s) for s in sections) <= limits.MESSAGE_CHARS
    assert "more stories" in blocks[-1]["elements"][0]["text"]
    assert "<b>" not in "".join(sections) and "&lt;b&gt;" in "".join(sections)
    assert "&amp;" in "".join(sections) and "…and 11 more" in "".join(sections)


# ---------------------------------------------------------------- the command line
def fill_cli_archive(path: Path) -> None:
    archive = Archive.open(path)
    try:
        for article in coverage():
            ingest.add(archive, article)
    finally:
        archive.close()


def test_cli_digest_json_text_and_bad_dates(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_TZ", "Europe/Berlin")
    with time_machine.travel(at(10), tick=False):
        fill_cli_archive(tmp_path / "archive.db")
        result = cli("digest", "--json")
        assert result.exit_code == 0, result.stderr
        digest = json.loads(result.stdout)
        assert digest["date"] == "2026-03-14" and digest["articles"] == 14 and len(digest["stories"]) == 5
        same = json.loads(cli("digest", "--json", "--date", "2026-03-14").stdout)
        assert [s["story_id"] for s in same["stories"]] == [s["story_id"] for s in digest["stories"]]
        assert json.loads(cli("digest", "--json", "--date", "2026-03-13").stdout)["articles"] == 0
        shown = cli("digest")
        assert shown.exit_code == 0 and "Brennick council approves harbour to campus tram line" in shown.stdout
        assert "Contradicted" in shown.stdout and "New that day" in shown.stdout
    for bad in ("2026-02-30", "14/03/2026", "yesterday", "2026-3-14"):
        result = cli("digest", "--date", bad)
        assert result.exit_code == 2, bad
        assert len(result.stderr.strip().splitlines()) == 1 and "YYYY-MM-DD" in result.stderr
        assert "Traceback" not in result.stderr
    monkeypatch.setenv("COPYDESK_TZ", "Mars/Olympus_Mons")
    result = cli("digest")
    assert result.exit_code == 2 and "time zone" in result.stderr


def test_cli_digest_post_sends_one_message(cli, tmp_path, monkeypatch, slack):
    monkeypatch.setenv("COPYDESK_TZ", "Europe/Berlin")
    with time_machine.travel(at(10), tick=False):
        fill_cli_archive(tmp_path / "archive.db")
        monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
        refused = cli("digest", "--post", "CDESK")
        assert refused.exit_code == 2 and "SLACK_BOT_TOKEN" in refused.stderr and not slack.posts()
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
        monkeypatch.setenv("COPYDESK_SLACK_API_URL", slack.url)
        result = cli("digest", "--post", "CDESK", "--json")
        assert result.exit_code == 0, result.stderr
        assert "posted" in result.stderr and "xoxb" not in result.stderr + result.stdout
        slack.refuse.add("CNOPE")
        failed = cli("digest", "--post", "CNOPE")
        assert failed.exit_code == 1 and "not_in_channel" in failed.stderr
    [post] = slack.posts("CDESK")
    assert "Brennick council approves" in digest_text(post) and len(post["blocks"]) <= 50


# ---------------------------------------------------------------- /digest and the scheduler
def test_subscribe_posts_at_the_time_to_the_right_channel(archive, analyzer, settings, client, slack, scheduled):
    fire = [a for a in coverage() if a.meta["event"] == "fire"]
    with time_machine.travel(at(17, 0), tick=True) as clock:
        post_in_slack(archive, fire, TEAM, CHANNEL)
        sched = scheduled.start(settings, archive, analyzer, client)
        said = slash("subscribe 18:00", archive, analyzer, settings)
        assert "18:00" in said["text"] and "Europe/Berlin" in said["text"]
        assert "<#CNEWS> at 18:00" in slash("list", archive, analyzer, settings)["text"]
        assert slash("list", archive, analyzer, settings, team="T2")["text"] == (
            "No channel in this workspace has a daily digest."
        )
        assert not slack.posts()
        clock.move_to(at(18, 0, 1))
        sched.scheduler.wakeup()
        job, outcome, error = scheduled.outcome()
        scheduled.shutdown_all()  # while the clock is still controlled
    assert (job, outcome, error) == (f"digest:{TEAM}:{CHANNEL}", "posted", None)
    [post] = slack.posts()
    assert post["channel"] == CHANNEL and "Fire destroys warehouse" in digest_text(post)
    row = archive.digest_post(TEAM, CHANNEL, "2026-03-14")
    assert row["status"] == "posted" and row["ts"]


def test_slash_digest_now_is_ephemeral_and_usage_is_explained(archive, analyzer, settings):
    with time_machine.travel(at(12), tick=False):
        post_in_slack(archive, coverage()[:3], TEAM, CHANNEL)
        said = slash("", archive, analyzer, settings)
    assert said["blocks"] and "Coverage digest for Saturday 14 March 2026" in said["text"]
    assert "Usage" in slash("frobnicate", archive, analyzer, settings)["text"]
    bad = slash("subscribe 25:00", archive, analyzer, settings)["text"]
    assert "HH:MM" in bad and archive.digest_subscription(TEAM, CHANNEL) is None
    bad_zone = slash("subscribe 08:00 Atlantis/Capital", archive, analyzer, settings)["text"]
    assert "time zone" in bad_zone and archive.digest_subscription(TEAM, CHANNEL) is None
    assert "no daily digest" in slash("quiet on", archive, analyzer, settings)["text"]
    slash("subscribe 07:30 America/New_York quiet", archive, analyzer, settings)
    sub = Subscription.from_row(archive.digest_subscription(TEAM, CHANNEL))
    assert (sub.time, sub.tz, sub.quiet) == ("07:30", "America/New_York", True)
    slash("quiet off", archive, analyzer, settings)
    assert archive.digest_subscription(TEAM, CHANNEL)["quiet"] == 0


def test_restart_within_the_grace_period_posts_once(archive, analyzer, settings, client, slack, scheduled, db):
    with time_machine.travel(at(17, 0), tick=True) as clock:
        post_in_slack(archive, coverage()[:2], TEAM, CHANNEL)
        archive.subscribe_digest(TEAM, CHANNEL, "18:00", None, False)
        first = scheduled.start(settings, archive, analyzer, client)
        first.shutdown()  # the process stops before 18:00 ...
        clock.move_to(at(18, 10))  # ... and starts again ten minutes late
        scheduled.start(settings, archive, analyzer, client)
        assert scheduled.outcome()[1] == "posted"
        scheduled.shutdown_all()
        clock.move_to(at(18, 20))  # a second restart: the day's digest is claimed already
        again = Archive.open(db)
        try:
            scheduled.start(settings, again, analyzer, client)
            assert scheduled.outcome()[1] is None
        finally:
            scheduled.shutdown_all()
            again.close()
    assert len(slack.posts(CHANNEL)) == 1


def test_a_restart_after_the_grace_period_waits_for_the_next_day(archive, analyzer, settings, client, slack, scheduled):
    with time_machine.travel(at(17, 0), tick=True) as clock:
        archive.subscribe_digest(TEAM, CHANNEL, "18:00", None, False)
        clock.move_to(at(19, 30))
        sched = scheduled.start(settings, archive, analyzer, client)
        job = sched.scheduler.get_job(f"digest:{TEAM}:{CHANNEL}")
        assert job.next_run_time == datetime(2026, 3, 15, 18, 0, tzinfo=BERLIN)
        scheduled.shutdown_all()
    assert not slack.posts()


def test_two_schedulers_on_one_database_post_once(archive, analyzer, settings, client, slack, scheduled, db, nlp):
    other_archive = Archive.open(db)
    try:
        with time_machine.travel(at(17, 0), tick=True) as clock:
            post_in_slack(archive, coverage()[:2], TEAM, CHANNEL)
            archive.subscribe_digest(TEAM, CHANNEL, "18:00", None, False)
            one = scheduled.start(settings, archive, analyzer, client)
            two = scheduled.start(settings, other_archive, Analyzer(other_archive, settings, nlp=nlp), client)
            clock.move_to(at(18, 0, 1))
            one.scheduler.wakeup()
            two.scheduler.wakeup()
            outcomes = sorted([scheduled.outcome()[1], scheduled.outcome()[1]], key=str)
            scheduled.shutdown_all()
    finally:
        scheduled.shutdown_all()
        other_archive.close()
    assert outcomes == [None, "posted"]
    assert len(slack.posts(CHANNEL)) == 1


def test_unsubscribe_stops_the_digest(archive, analyzer, settings, client, slack, scheduled):
    job_id = f"digest:{TEAM}:{CHANNEL}"
    with time_machine.travel(at(17, 0), tick=True) as clock:
        post_in_slack(archive, coverage()[:2], TEAM, CHANNEL)
        sched = scheduled.start(settings, archive, analyzer, client)
        slash("subscribe 18:00", archive, analyzer, settings)
        assert sched.scheduler.get_job(job_id) is not None
        assert "cancelled" in slash("unsubscribe", archive, analyzer, settings)["text"]
        assert sched.scheduler.get_job(job_id) is None
        assert "no daily digest" in slash("unsubscribe", archive, analyzer, settings)["text"]
        clock.move_to(at(18, 0, 1))
        sched.sync()  # what the periodic sync does: the job stays gone, nothing is due
        assert [j.id for j in sched.scheduler.get_jobs()] == ["digest-sync"]
        # a run already queued before the unsubscribe finds no subscription and posts nothing
        assert sched.run(TEAM, CHANNEL) is None
        scheduled.shutdown_all()
    assert not slack.posts() and archive.digest_post(TEAM, CHANNEL, "2026-03-14") is None


def test_a_day_without_articles_posts_a_note_or_nothing_when_quiet(
    archive, analyzer, settings, client, slack, scheduled
):
    with time_machine.travel(at(17, 0), tick=True) as clock:
        sched = scheduled.start(settings, archive, analyzer, client)
        slash("subscribe 18:00", archive, analyzer, settings, channel="CNOTE")
        slash("subscribe 18:00 quiet", archive, analyzer, settings, channel="CQUIET")
        clock.move_to(at(18, 0, 1))
        sched.scheduler.wakeup()
        outcomes = dict(scheduled.outcome()[:2] for _ in range(2))
        scheduled.shutdown_all()
    assert outcomes == {f"digest:{TEAM}:CNOTE": "posted", f"digest:{TEAM}:CQUIET": "quiet"}
    [note] = slack.posts()
    assert note["channel"] == "CNOTE" and "no articles were seen" in note["text"]
    assert len(note["blocks"]) == 1
    assert archive.digest_post(TEAM, "CQUIET", "2026-03-14")["status"] == "quiet"


def test_a_refused_post_is_recorded_and_not_retried(archive, analyzer, settings, client, slack, scheduled):
    slack.refuse.add(CHANNEL)
    with time_machine.travel(at(17, 0), tick=True) as clock:
        archive.subscribe_digest(TEAM, CHANNEL, "18:00", None, False)
        sched = scheduled.start(settings, archive, analyzer, client)
        clock.move_to(at(18, 0, 1))
        sched.scheduler.wakeup()
        assert scheduled.outcome()[1] == "failed"
        scheduled.shutdown_all()
    row = archive.digest_post(TEAM, CHANNEL, "2026-03-14")
    assert row["status"] == "failed" and "not_in_channel" in row["detail"]
