"""Slack burst benchmark: a burst of signed channel messages against a real `copydesk serve --http`
process, as an operator tests it before trusting it with a newsroom.

    python bench/slack_burst.py [--events 200] [--seconds 20] [--threads 8] [--articles 200] [--words 300]

Runs everything as the tests do (tests/slack_fake.py), over real HTTP on 127.0.0.1: a fake Slack
Web API and `copydesk serve --http` in its own process (the durable job queue, the worker threads),
with an archive of synthetic coverage (bench/synthetic.py) in the workspace the messages come
from. `--events` messages, each a new fictional article of about `--words` words reusing some
archived sentences, are sent from `--threads` threads spread over `--seconds` seconds. Printed:

    ack    the HTTP round trip of each event (Slack's deadline is 3 s): p50, p95, max
    reply  from sending an event until the fake Slack received its thread reply: p50, p95, max
    once   how many events were answered, and answered more than once (must be 0)
    rss    the server process's peak resident memory (VmHWM), and the CPU time it used
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from slack_fake import FakeSlack, ServeProcess, SlackSender, message, slack_escape  # noqa: E402
from slack_latency import CHANNEL, TEAM, build_archive  # noqa: E402
from synthetic import article  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-0000000000-0000000000-BenchToken"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=200, help="messages sent (default 200)")
    ap.add_argument("--seconds", type=float, default=20.0, help="spread over this long (default 20)")
    ap.add_argument("--threads", type=int, default=8, help="sending threads (default 8)")
    ap.add_argument("--articles", type=int, default=200, help="archived articles (default 200)")
    ap.add_argument("--words", type=int, default=300, help="words per posted article (default 300)")
    args = ap.parse_args()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory(prefix="copydesk-burst-") as tmp:
        db = Path(tmp) / "burst.db"
        t = time.perf_counter()
        event, borrowed = build_archive(db, args.articles, rng)
        print(f"archive: {args.articles} articles in {time.perf_counter() - t:.1f} s")
        texts = [slack_escape(article(rng, event, args.words, borrow=borrowed)) for _ in range(args.events)]
        fake = FakeSlack()
        served = ServeProcess(db, fake, secret=SECRET, token=TOKEN, log=Path(tmp) / "serve.log")
        try:
            t = time.perf_counter()
            served.start()
            print(f"copydesk serve started (model loaded) in {time.perf_counter() - t:.1f} s")
            slack = SlackSender(served.url + "/slack/events", SECRET)
            todo = [(i, slack.next_ts()) for i in range(args.events)]
            sent_at: dict[str, float] = {}
            acks: list[float] = []
            failures: list[str] = []
            lock = threading.Lock()
            start = time.monotonic()
            gap = args.seconds / max(1, args.events)

            def send() -> None:
                while True:
                    with lock:
                        if not todo:
                            return
                        i, ts = todo.pop(0)
                    due = start + i * gap
                    time.sleep(max(0.0, due - time.monotonic()))
                    sent_at[ts] = time.monotonic()
                    try:
                        answer = slack.event(message(texts[i], channel=CHANNEL, ts=ts), team_id=TEAM)
                    except OSError as exc:
                        failures.append(exc.__class__.__name__)
                        continue
                    with lock:
                        (acks if answer.status == 200 else failures).append(
                            answer.seconds if answer.status == 200 else f"HTTP {answer.status}"
                        )

            threads = [threading.Thread(target=send) for _ in range(args.threads)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            want = set(sent_at)
            fake.wait_for(lambda: want <= {p["thread_ts"] for p in fake.posts()}, timeout=600)
            rss, cpu = peak_rss_mb(served.proc.pid), cpu_seconds(served.proc.pid)
            code = served.stop()
        finally:
            served.kill()
            fake.close()
        first: dict[str, float] = {}
        per_message: dict[str, int] = {}
        for call in fake.recorded("chat.postMessage"):
            ts = call.payload.get("thread_ts")
            if call.status == 200 and ts in sent_at:
                per_message[ts] = per_message.get(ts, 0) + 1
                first.setdefault(ts, call.at - sent_at[ts])
        replies = list(first.values())
        print(
            f"{args.events} events from {args.threads} threads in {args.seconds:.0f} s; "
            f"{len(acks)} acknowledged, {len(failures)} not ({', '.join(sorted(set(failures))) or 'none'})"
        )
        print(
            f"ack    p50 {statistics.median(acks) * 1000:.0f} ms, p95 {percentile(acks, 95) * 1000:.0f} ms, "
            f"max {max(acks) * 1000:.0f} ms"
        )
        print(
            f"reply  p50 {statistics.median(replies):.2f} s, p95 {percentile(replies, 95):.2f} s, "
            f"max {max(replies):.2f} s"
        )
        print(
            f"once   answered {len(per_message)} of {args.events}, "
            f"more than once {sum(1 for n in per_message.values() if n > 1)}"
        )
        print(f"rss    peak {rss:.0f} MB, CPU {cpu:.0f} s (server process); exit status after SIGTERM {code}")


if __name__ == "__main__":
    main()
