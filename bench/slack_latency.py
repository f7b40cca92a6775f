"""Slack latency benchmark: how fast the app acknowledges a channel message and how long until
its thread reply, for a 1,000-word article against an archive of ~200 articles.

    python bench/slack_latency.py [--articles 200] [--runs 7] [--words 1000]

Runs everything as the tests do (tests/slack_fake.py), over real HTTP on 127.0.0.1: a fake Slack
Web API, and the app as `copydesk serve --http` runs it (uvicorn, Bolt, the worker pool). The
archive is synthetic (bench/synthetic.py), stored in the workspace the messages come from through
the one storing path (bot.ingest.store). Each run posts a signed `message` event with a new
fictional article of about 1,000 words that reuses some archived sentences, and measures

    ack    the HTTP round trip of the event (Slack's deadline is 3 s)
    reply  from sending the event until the fake Slack received chat.postMessage in the thread

The first run also computes and caches the NLP features of the archived candidates (cold); the
median covers every run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from slack_fake import FakeSlack, ServedApp, SlackSender, message, slack_escape  # noqa: E402
from synthetic import Event, article, corpus  # noqa: E402

from copydesk.bot.analysis.ingest import store  # noqa: E402
from copydesk.bot.model import Scope  # noqa: E402
from copydesk.bot.reading import reader  # noqa: E402
from copydesk.bot.settings import Settings  # noqa: E402
from copydesk.storage.archive import Archive  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-0000000000-0000000000-BenchToken"
TEAM, CHANNEL = "T1", "C1"


def build_archive(path: Path, n: int, rng: random.Random) -> tuple[Event, list[str]]:
    """`n` synthetic articles in the workspace; returns the event the queries are about and the
    archived sentences about it that the queries reuse."""
    archive = Archive.open(path)
    scope = Scope(TEAM, CHANNEL, False)
    try:
        for i, (title, outlet, text) in enumerate(corpus(n - 3, words=450)):
            store(archive, reader.read_text(f"title: {title}\noutlet: {outlet}\n---\n{text}", f"synthetic-{i}"), scope)
        event = Event(rng, -1)
        borrowed: list[str] = []
        for k in range(3):  # earlier coverage of the queries' event, some of it reused by them
            text = article(rng, event, 500)
            store(
                archive,
                reader.read_text(f"title: Event coverage {k}\noutlet: Source Wire\n---\n{text}", "source"),
                scope,
            )
            borrowed += [s.strip() + "." for s in text.replace("\n", " ").split(". ")[:5]]
        return event, borrowed
    finally:
        archive.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200, help="archived articles (default 200)")
    ap.add_argument("--runs", type=int, default=7, help="messages posted (default 7)")
    ap.add_argument("--words", type=int, default=1000, help="words per posted article (default 1000)")
    ap.add_argument(
        "--no-enrich", action="store_true", help="without serve's background enrichment (COPYDESK_ENRICH=0)"
    )
    args = ap.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="copydesk-slack-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        t = time.perf_counter()
        event, borrowed = build_archive(db, args.articles, rng)
        print(f"archive: {args.articles} articles in {time.perf_counter() - t:.1f} s")
        fake = FakeSlack()
        settings = Settings(
            db_path=str(db),
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.url,
            tz="UTC",
            enrich=not args.no_enrich,
        )
        try:
            t = time.perf_counter()
            app = ServedApp(settings)  # loads the spaCy model once, as `copydesk serve` does
            print(f"app started (model loaded) in {time.perf_counter() - t:.1f} s")
            try:
                slack = SlackSender(app.url + "/slack/events", SECRET)
                acks, replies = [], []
                for run in range(args.runs):
                    text = article(rng, event, args.words, borrow=borrowed)
                    ts = slack.next_ts()
                    start = time.monotonic()
                    sent = slack.event(message(slack_escape(text), channel=CHANNEL, ts=ts), team_id=TEAM)
                    if sent.status != 200:
                        raise SystemExit(f"the app answered HTTP {sent.status}")
                    call = fake.wait_for(
                        lambda ts=ts: [
                            c for c in fake.recorded("chat.postMessage") if c.payload.get("thread_ts") == ts
                        ],
                        timeout=120,
                    )[0]
                    acks.append(sent.seconds)
                    replies.append(call.at - start)
                    print(
                        f"run {run + 1}: {len(text.split())} words, ack {sent.seconds * 1000:.0f} ms, "
                        f"reply {replies[-1]:.2f} s{' (cold)' if run == 0 else ''}: {call.payload['text'][:90]}"
                    )
            finally:
                app.close()
        finally:
            fake.close()
    print(
        f"median of {args.runs}: ack {statistics.median(acks) * 1000:.0f} ms (max {max(acks) * 1000:.0f} ms), "
        f"thread reply {statistics.median(replies):.2f} s (max {max(replies):.2f} s)"
    )


if __name__ == "__main__":
    main()
