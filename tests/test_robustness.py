"""Nothing acknowledged is lost, a busy archive, inputs that are not articles, bounded cost, a full
purge. Real `copydesk serve --http` processes (killed with SIGKILL, stopped with SIGTERM) talk to
the fake Slack Web API over HTTP; the CLI runs as users run it; the database file is read
directly. Fictional articles."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import old_archive
from slack_fake import FakeSlack, ServedApp, ServeProcess, SlackSender, message

from copydesk.bot.settings import Settings

SECRET = "5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b"
TOKEN = "xoxb-fake-robustness-token"
LOCK_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO events (key, seen_at) VALUES ('lock-holder', 'now')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def story(i: int, words: int = 90) -> str:
    """A fictional article of about `words` words, different for each i."""
    towns = ["Velmont", "Harrowgate Bay", "Oskany", "Lirren", "Pellbrook", "Quarnby", "Estover"]
    town, berths, cost = towns[i % len(towns)], 3 + i, 12 + 7 * i
    sentences = [
        f"The harbour board of {town} approved {berths} new berths for fishing boats on Tuesday, "
        f"after a debate that lasted most of the afternoon.",
        f"The work will cost {cost} million crowns and is expected to start in the spring, the board said.",
        f"Harbour master Edda Korvin told reporters that the old quay had been closed {i + 2} times "
        f"last winter because of storm damage.",
        "Fishing crews have long complained that the harbour is too small for the modern trawlers "
        "that now land most of the catch in the region.",
        f"The town council of {town} will vote on its share of the money next month.",
    ]
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.extend(sentences)
    return " ".join(out)


# ---------------------------------------------------------------- the CLI: a busy archive
def hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the archive's write lock for `seconds` (waits until it holds it)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.fixture
def articles(tmp_path) -> list[Path]:
    files = []
    for i in range(3):
        f = tmp_path / f"story{i}.txt"
        f.write_text(f"title: Harbour story {i}\noutlet: Estover Post\n---\n{story(i)}\n")
        files.append(f)
    return files


def test_an_archive_locked_longer_than_the_wait_is_refused_clearly(cli, tmp_path, monkeypatch, articles):
    assert cli("ingest", articles[0]).exit_code == 0
    monkeypatch.setenv("COPYDESK_BUSY_TIMEOUT", "0.5")
    holder = hold_lock(tmp_path / "archive.db", 4)
    try:
        start = time.monotonic()
        result = cli("ingest", articles[1])
        assert result.exit_code == 2 and 0.4 < time.monotonic() - start < 3
        assert result.stderr.strip() == "copydesk: the archive is busy: another process is writing to it"
        # analyze --store: the report is printed all the same, and it says it was not stored
        result = cli("analyze", articles[1], "--json", "--store")
        assert result.exit_code == 2
        assert json.loads(result.stdout)["article"]["id"] is None
        assert result.stderr.strip() == "copydesk: not stored: the archive is busy: another process is writing to it"
        # analyze without --store never needs the write lock
        start = time.monotonic()
        result = cli("analyze", articles[2], "--json")
        assert result.exit_code == 0 and time.monotonic() - start < 3 and json.loads(result.stdout)["text"]
    finally:
        holder.wait(10)
    assert count(tmp_path / "archive.db", "articles") == 1


def test_a_shorter_lock_is_waited_for(cli, tmp_path, monkeypatch, articles):
    assert cli("ingest", articles[0]).exit_code == 0
    monkeypatch.setenv("COPYDESK_BUSY_TIMEOUT", "20")
    holder = hold_lock(tmp_path / "archive.db", 1.0)
    try:
        start = time.monotonic()
        result = cli("ingest", articles[1])
        waited = time.monotonic() - start
        assert result.exit_code == 0 and "ingested 1" in result.stdout and waited > 0.5
        result = cli("analyze", articles[2], "--store", "--json")
        assert result.exit_code == 0 and json.loads(result.stdout)["article"]["id"]
    finally:
        holder.wait(10)
    assert count(tmp_path / "archive.db", "articles") == 3


def test_a_bad_busy_timeout_is_refused(cli, monkeypatch, articles):
    monkeypatch.setenv("COPYDESK_BUSY_TIMEOUT", "soon")
    result = cli("ingest", articles[0])
    assert result.exit_code == 2 and "COPYDESK_BUSY_TIMEOUT" in result.stderr


# ---------------------------------------------------------------- the CLI: inputs that are not articles
def count(db: Path, table: str, where: str = "1=1") -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_ten_word_file_is_not_an_article(cli, tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("The harbour board approved new berths for fishing boats today.\n")
    for args in (("analyze", short, "--store"), ("ingest", short)):
        line = one_line(cli(*args))
        assert "too short to be an article (10 words; at least 20" in line
    assert not (tmp_path / "archive.db").exists() or count(tmp_path / "archive.db", "articles") == 0


def test_a_folder_without_article_files_is_refused(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert "no article files" in one_line(cli("ingest", empty))
    assert "no article files" in one_line(cli("analyze", empty))
    assert not (tmp_path / "archive.db").exists()


def test_utf16_and_utf32_with_a_bom_are_read_as_text(cli, tmp_path):
    text = f"title: Quay closures\noutlet: Lirren Mercury\n---\n{story(4)} The café reopened.\n"
    for encoding in ("utf-16", "utf-16-be", "utf-32"):
        path = tmp_path / f"{encoding}.txt"
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        path.write_bytes(data)
        result = cli("analyze", path, "--json")
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["article"]["title"] == "Quay closures" and "The café reopened." in report["text"]
    no_bom = tmp_path / "nobom.txt"
    no_bom.write_bytes(text.encode("utf-16-le"))
    assert "UTF-16 text without a byte order mark" in one_line(cli("analyze", no_bom))


def test_a_symlink_loop_is_named_as_one(cli, tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    assert one_line(cli("analyze", tmp_path / "a.txt")).endswith("a.txt: is a symbolic link loop")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    assert "symbolic link to a missing file" in one_line(cli("ingest", tmp_path / "dangling.txt"))


def test_a_5_mb_text_is_refused_quickly_and_cheaply(tmp_path):
    big = tmp_path / "big.txt"
    chunk = story(1, 400) + "\n\n"
    big.write_text(chunk * (4_900_000 // len(chunk)))
    assert 4_000_000 < big.stat().st_size < 5_000_000
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    env["COPYDESK_DB"] = str(tmp_path / "big.db")
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "copydesk.bot.cli", "analyze", str(big), "--store"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this process's own peak memory
    seconds, rss_mb = time.monotonic() - start, usage.ru_maxrss / 1024
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    assert proc.returncode == 2
    assert "too long for one article" in stderr and "the limit is 20,000" in stderr
    assert seconds < 30 and rss_mb < 300


# ---------------------------------------------------------------- Slack: crashes lose nothing
def jobs_left(db: Path) -> int:
    return count(db, "jobs", "state IN ('queued', 'running')")


def replies_per_message(fake: FakeSlack) -> dict[str, int]:
    out: dict[str, int] = {}
    for post in fake.posts():
        out[post["thread_ts"]] = out.get(post["thread_ts"], 0) + 1
    return out


def send_all(
    slack: SlackSender,
    events: list[tuple[str, dict]],
    acked: dict[str, bool],
    threads: int = 2,
    retry: int | None = None,
    pace: float = 0.0,
) -> None:
    """Send (event_id, event) pairs from `threads` threads, each waiting `pace` seconds between
    two; `acked[event_id]` is whether the app answered 200 (a refused connection or a reset: not
    acknowledged)."""
    todo = list(events)
    lock = threading.Lock()

    def run() -> None:
        while True:
            with lock:
                if not todo:
                    return
                event_id, event = todo.pop(0)
            try:
                ok = slack.event(event, event_id=event_id, retry=retry).status == 200
            except OSError:
                ok = False
            with lock:
                acked[event_id] = acked.get(event_id, False) or ok
            time.sleep(pace)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)


@pytest.fixture
def fake():
    slack = FakeSlack()
    yield slack
    slack.close()


def serve_process(tmp_path: Path, fake: FakeSlack) -> ServeProcess:
    return ServeProcess(tmp_path / "served.db", fake, secret=SECRET, token=TOKEN, log=tmp_path / "serve.log")


def test_kill_9_during_a_burst_then_restart_answers_every_acknowledged_event_once(tmp_path, fake, capsys):
    served = serve_process(tmp_path, fake).start()
    slack = SlackSender(served.url + "/slack/events", SECRET)
    events = [(f"EvBURST{i:03d}", message(story(i), ts=slack.next_ts())) for i in range(20)]
    acked: dict[str, bool] = {}
    sender = threading.Thread(target=send_all, args=(slack, events, acked), kwargs={"pace": 0.05})
    try:
        sender.start()
        # in the middle of the burst: some events answered, some being worked on, some not yet sent
        fake.wait_for(lambda: len(fake.posts()) >= 3 or len(acked) == len(events), timeout=60)
        served.kill()  # SIGKILL: no chance to finish or put anything back
        sender.join(60)
        answered_before = len(fake.posts())
        acknowledged = [eid for eid, ok in acked.items() if ok]
        # restarted, as an operator or a supervisor does; Slack delivers again what got no 200
        served.start()
        slack = SlackSender(served.url + "/slack/events", SECRET)
        send_all(slack, [e for e in events if not acked.get(e[0])], acked, retry=1)
        # and a late retry of every acknowledged event must not bring a second answer
        send_all(slack, [e for e in events if e[0] in acknowledged], {}, retry=2)
        want = {e["ts"] for _, e in events}
        fake.wait_for(lambda: want <= set(replies_per_message(fake)), timeout=120)
        deadline = time.monotonic() + 30
        while jobs_left(served.db) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        served.kill()
    per_message = replies_per_message(fake)
    answered = [e["ts"] for eid, e in events if eid in acknowledged and per_message.get(e["ts"])]
    duplicated = [ts for ts, n in per_message.items() if n > 1]
    with capsys.disabled():
        print(
            f"\nkill -9 during a burst of 20: acknowledged {len(acknowledged)} before the kill, "
            f"answered {answered_before} before the kill; after restart: acknowledged answered "
            f"{len(answered)}, duplicated {len(duplicated)}, all 20 answered: {len(per_message) == 20}"
        )
    assert acknowledged and len(answered) == len(acknowledged)
    assert duplicated == [] and len(per_message) == 20
    assert jobs_left(served.db) == 0


def test_sigterm_during_work_then_restart_loses_nothing(tmp_path, fake):
    served = serve_process(tmp_path, fake).start()
    slack = SlackSender(served.url + "/slack/events", SECRET)
    events = [(f"EvTERM{i:03d}", message(story(i + 30), ts=slack.next_ts())) for i in range(10)]
    acked: dict[str, bool] = {}
    try:
        send_all(slack, events, acked)
        assert all(acked.values()) and len(acked) == 10
        fake.wait_for(lambda: fake.posts(), timeout=60)
        assert served.stop() == 0  # SIGTERM: stops taking jobs, finishes or returns the running ones
        stopped_with = len(fake.posts())
        log = (tmp_path / "serve.log").read_text()
        assert jobs_left(served.db) == 10 - stopped_with
        served.start()
        want = {e["ts"] for _, e in events}
        fake.wait_for(lambda: want <= set(replies_per_message(fake)), timeout=120)
        assert served.stop() == 0
    finally:
        served.kill()
    assert stopped_with < 10, "the stop came after all the work: nothing was tested"
    restarted = (tmp_path / "serve.log").read_text()[len(log) :]
    assert f"resuming {10 - stopped_with} job(s) from an earlier run (0 of them" in restarted
    assert all(n == 1 for n in replies_per_message(fake).values()) and len(replies_per_message(fake)) == 10
    assert jobs_left(served.db) == 0
    assert TOKEN not in (tmp_path / "serve.log").read_text()


def _start_until_idle(db, fake, nlp) -> None:
    """Start the app on an existing archive, as `serve` starts after a crash or a restart, let it
    do what it finds queued, and stop it."""
    settings = Settings(
        db_path=str(db), slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url, tz="UTC"
    )
    app = ServedApp(settings, nlp=nlp)
    try:
        assert app.workers.wait_idle(30)
    finally:
        app.close()


def test_a_job_resumed_after_posting_its_reply_does_not_post_it_again(tmp_path, fake, nlp):
    """A crash between posting a reply and recording it: the resumed job finds its reply in the
    thread (conversations.replies, the reply's metadata) and posts nothing; a job that recorded
    its reply but never got it to Slack posts it once."""
    from slack_sdk import WebClient

    from copydesk.handlers.common import REPLY_EVENT
    from copydesk.storage.archive import Archive
    from copydesk.storage.jobs import JobQueue

    db = tmp_path / "resume.db"
    archive = Archive.open(db)
    queue = JobQueue(archive)
    request = {"text": story(1), "link": None, "links": 0}
    for ts in ("1700000000.000100", "1700000000.000200"):
        payload = {"channel_type": "channel", "thread_ts": ts, "request": request}
        assert queue.enqueue(
            "answer", payload, team_id="T1", channel_id="C1", message_ts=ts, seen_keys=[f"msg:T1:C1:{ts}"]
        )
        job = queue.take("a-host-that-is-gone:1")
        assert job.prepare_reply({"text": f"the reply to {ts}", "blocks": None})
    archive.close()
    # the first reply reached Slack before the crash
    WebClient(token=TOKEN, base_url=fake.url).chat_postMessage(
        channel="C1",
        thread_ts="1700000000.000100",
        text="the reply to 1700000000.000100",
        metadata={"event_type": REPLY_EVENT, "event_payload": {"message_ts": "1700000000.000100"}},
    )
    _start_until_idle(db, fake, nlp)
    assert [(p["thread_ts"], p["text"]) for p in fake.posts()] == [
        ("1700000000.000100", "the reply to 1700000000.000100"),
        ("1700000000.000200", "the reply to 1700000000.000200"),
    ]
    assert len(fake.recorded("conversations.replies")) == 2
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT state, payload, reply, reply_ts FROM jobs ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["done", "done"] and all(r[1] == "{}" and r[2] is None and r[3] for r in rows)


# ---------------------------------------------------------------- Slack: a purge leaves nothing
def test_a_purge_leaves_no_trace_of_the_workspace(tmp_path, fake, nlp):
    db = tmp_path / "purge.db"
    settings = Settings(
        db_path=str(db), slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url, tz="UTC"
    )
    team, other = "TPURGEME7", "TKEEP0001"
    secret_words = "Zorvathian quaymaster Belquorra"
    app = ServedApp(settings, nlp=nlp)
    try:
        slack = SlackSender(app.url + "/slack/events", SECRET)
        for i in range(3):
            text = story(i) + f" {secret_words} spoke for the {i + 1}th time."
            ts = slack.next_ts()
            assert slack.event(message(text, channel="CPURGE01", ts=ts), team_id=team).status == 200
            fake.wait_for(lambda ts=ts: [p for p in fake.posts() if p.get("thread_ts") == ts])
        ts = slack.next_ts()
        assert slack.event(message(story(5), channel="CKEEP001", ts=ts), team_id=other).status == 200
        fake.wait_for(lambda: [p for p in fake.posts() if p.get("thread_ts") == ts])
        assert slack.event({"type": "app_uninstalled"}, team_id=team).status == 200
        assert app.workers.wait_idle(60)
        # the file, while the server still runs (WAL included)
        leftovers = {}
        for path in (db, Path(f"{db}-wal")):
            data = path.read_bytes() if path.exists() else b""
            for needle in (team, "CPURGE01", "Zorvathian", "quaymaster", "Belquorra", "zorvathian", "belquorra"):
                if needle.encode() in data:
                    leftovers.setdefault(path.name, []).append(needle)
        assert leftovers == {}
    finally:
        app.close()
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                assert team not in repr(row) and "CPURGE01" not in repr(row) and "Zorvathian" not in repr(row)
        fts = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'zorvathian'"
        assert conn.execute(fts).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM articles_fts_vocab WHERE term = 'zorvathian'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM articles WHERE team_id = ?", (other,)).fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM events WHERE team_id = ?", (other,)).fetchone()[0] >= 1


def test_the_jobs_migration_gives_seen_events_their_workspace(tmp_path):
    from copydesk.storage.archive import Archive

    db = tmp_path / "old.db"
    conn = old_archive(db, before="CREATE TABLE jobs")
    conn.execute("INSERT INTO events (key, seen_at) VALUES ('msg:T9:C1:1.0', 'then'), ('event:Ev1', 'then')")
    conn.close()
    archive = Archive.open(db)
    try:
        assert archive.query("SELECT key, team_id FROM events ORDER BY key") == [
            {"key": "event:Ev1", "team_id": ""},
            {"key": "msg:T9:C1:1.0", "team_id": "T9"},
        ]
        archive.purge_team("T9")
        assert [r["key"] for r in archive.query("SELECT key FROM events")] == ["event:Ev1"]
    finally:
        archive.close()


def test_a_job_that_stopped_the_process_three_times_is_answered_with_an_apology(tmp_path, fake, nlp):
    from copydesk.handlers.common import SORRY
    from copydesk.storage.archive import Archive
    from copydesk.storage.jobs import JobQueue

    db = tmp_path / "poison.db"
    archive = Archive.open(db)
    queue = JobQueue(archive)
    ts = "1700000000.000300"
    payload = {"channel_type": "channel", "thread_ts": ts, "request": {"text": story(2), "link": None, "links": 0}}
    queue.enqueue("answer", payload, team_id="T1", channel_id="C1", message_ts=ts)
    for _ in range(3):  # taken three times by processes that died while working on it
        job = queue.take("a-host-that-is-gone:1")
        queue.requeue_abandoned(lambda owner: False)
    archive.close()
    _start_until_idle(db, fake, nlp)
    assert job.attempts == 3
    assert [(p["thread_ts"], p["text"]) for p in fake.posts()] == [(ts, SORRY)]
    assert count(db, "articles") == 0 and count(db, "jobs", "state = 'done'") == 1


def test_idle_workers_look_at_the_job_queue_about_once_a_second_each(tmp_path):
    """An idle `serve` must not spin: each idle worker thread looks at the durable queue about
    once per POLL_SECONDS (and when told a job arrived), not whenever another thread did (which
    kept every thread busy taking turns, slowing the reply being computed by a quarter)."""
    from copydesk.bot.app import workers as workersmod
    from copydesk.storage.archive import Archive
    from copydesk.storage.jobs import JobQueue

    class CountingQueue(JobQueue):
        looks = 0

        def take(self, owner):
            CountingQueue.looks += 1
            return super().take(owner)

    archive = Archive.open(tmp_path / "w.db")
    pool = workersmod.Workers(size=4)
    try:
        pool.serve(CountingQueue(archive))
        time.sleep(0.3)  # the threads' first looks
        start = CountingQueue.looks
        time.sleep(2.0)
        looks = CountingQueue.looks - start
        assert looks <= pool.size * (2.0 / workersmod.POLL_SECONDS + 1), looks
        done = pool.submit("a task", lambda: 42)
        assert done.result(timeout=5) == 42 and pool.wait_idle(timeout=5)
    finally:
        pool.shutdown(timeout=1)
        archive.close()
