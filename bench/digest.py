"""Digest benchmark: a 100,000-article archive with 2,000 articles on the day; how long that day's
digest takes to build, cold (no analysis cached) and warm (cached reports), and peak RSS.

    python bench/digest.py [--articles 100000] [--day-articles 2000] [--keep PATH] [--enrich]

With --enrich, the archive is first enriched as `copydesk serve` does in the background (the
features of the most recent articles, then the reports of the day's articles) and the digest is
timed after that, the way a newsroom running the app gets it.

The archive is synthetic (bench/synthetic.py): events covered by several outlets each, some
articles reusing sentences of earlier ones. It is inserted in bulk (articles, their sentence
fingerprints, the full-text index and the term counts, as `Archive.add` stores them, many rows per transaction);
the background spreads over the 60 days before the day. Stories are assigned (as ingest does,
`stories.assign_stories`) for the articles within the story window of the day, the only ones a
day's stories can reach; the assignment rate is printed too. The digest analyses at most
`digest.MAX_ANALYSED` articles (the most widely covered stories first) and caches their reports.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import Event, article, word  # noqa: E402

from copydesk.bot.analysis import digest as digestmod  # noqa: E402
from copydesk.bot.analysis import stories  # noqa: E402
from copydesk.bot.analysis.engine import Analyzer  # noqa: E402
from copydesk.bot.language import terms  # noqa: E402
from copydesk.bot.language import text as textmod  # noqa: E402
from copydesk.bot.model import (
    CLI_SCOPE,  # noqa: E402
    Article,  # noqa: E402
)
from copydesk.bot.present.digest import slack_message  # noqa: E402
from copydesk.storage import schema  # noqa: E402
from copydesk.storage.archive import Archive  # noqa: E402

DAY = date(2026, 3, 14)
TZ = ZoneInfo("UTC")
BATCH = 5_000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def plan(n: int, day_n: int, rng: random.Random) -> list[tuple[datetime, Event, int]]:
    """(time, event, k-th article of the event) for every article, in arrival (time) order: the
    day's articles from events of 1 to 20 articles (a fifth of them begun the day before), the rest
    from events of five articles within two days, over the 60 days before."""
    day0 = datetime.combine(DAY, datetime.min.time(), UTC)
    items: list[tuple[datetime, Event, int]] = []
    k = 0
    while k < day_n:
        ev = Event(rng, k)
        size = min(day_n - k, max(1, int(rng.paretovariate(1.3))), 20)
        for j in range(size):
            items.append((day0 + timedelta(seconds=rng.randrange(86_400)), ev, j))
        k += size
        if rng.random() < 0.2:
            items.append((day0 - timedelta(seconds=rng.randrange(1, 86_400)), ev, -1))
    background = n - len(items)
    per_event = 5
    for e in range(background // per_event + 1):
        ev = Event(rng, -e)
        start = day0 - timedelta(days=60) + timedelta(seconds=rng.randrange(57 * 86_400))  # over before the day
        for j in range(min(per_event, background - e * per_event)):
            items.append((start + timedelta(seconds=rng.randrange(2 * 86_400)), ev, j))
    items.sort(key=lambda t: t[0])
    return items


def build(archive: Archive, items, rng: random.Random) -> None:
    outlets = [f"{word(rng).title()} {rng.choice(['Times', 'Post', 'Herald', 'Wire', 'Daily'])}" for _ in range(60)]
    earlier: dict[int, list[str]] = {}
    rows, sentence_rows, term_counts = [], [], Counter()
    next_id = 1
    for when, ev, _ in items:
        text = article(rng, ev, 300, borrow=earlier.get(id(ev)))
        spans = textmod.sentences(text)
        earlier.setdefault(id(ev), [s.text for s in spans[:8]])
        title = f"{ev.noun.title()} in {ev.place}: {rng.choice(['update', 'latest', 'what we know', 'reaction'])}"
        stamp = iso(when)
        index = terms.index(Article(text=text, title=title))
        rows.append(
            (
                next_id,
                "",
                "",
                0,
                f"https://{word(rng)}.example/{next_id}",
                rng.choice(outlets),
                title,
                None,
                stamp,
                schema.pack_text(text),
                index.text_hash,
                textmod.word_count(text),
                stamp,
                "{}",
            )
        )
        sentence_rows.extend((next_id, i, a, b, fp) for i, (a, b, fp) in enumerate(index.sentences))
        term_counts.update(index.terms)
        next_id += 1
        if len(rows) >= BATCH:
            flush(archive, rows, sentence_rows, term_counts)
    flush(archive, rows, sentence_rows, term_counts)


def flush(archive: Archive, rows: list, sentence_rows: list, term_counts: Counter) -> None:
    with archive.transaction() as conn:
        conn.executemany(
            "INSERT INTO articles (id, team_id, channel_id, is_private, url, outlet, title, author, published, "
            "text, text_hash, words, added_at, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.executemany('INSERT INTO sentences (article_id, idx, start, "end", fp) VALUES (?,?,?,?,?)', sentence_rows)
        conn.executemany(
            "INSERT INTO term_docs (team_id, term, docs) VALUES ('', ?, ?) "
            "ON CONFLICT (team_id, term) DO UPDATE SET docs = docs + excluded.docs",
            term_counts.items(),
        )
    rows.clear()
    sentence_rows.clear()
    term_counts.clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--day-articles", type=int, default=2_000)
    ap.add_argument("--keep", metavar="PATH", help="build the archive at PATH and keep it")
    ap.add_argument(
        "--enrich",
        action="store_true",
        help="first enrich as `serve` does (features of the most recent articles, then the day's "
        "reports) and time the digest after that: the digest a newsroom gets",
    )
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "digest-bench.db")
        path.unlink(missing_ok=True)
        archive = Archive.open(path)
        rng = random.Random(3)
        items = plan(args.articles, args.day_articles, rng)
        t = time.perf_counter()
        build(archive, items, rng)
        took = time.perf_counter() - t
        print(
            f"archive: {archive.count()} articles ({args.day_articles} on {DAY}) inserted in {took:.1f} s "
            f"({archive.count() / took:.0f} articles/s)"
        )

        since = iso(datetime.combine(DAY, datetime.min.time(), UTC) - stories.WINDOW - timedelta(days=1))
        window = [r["id"] for r in archive.query("SELECT id FROM articles WHERE added_at >= ? ORDER BY id", (since,))]
        t = time.perf_counter()
        stories.assign_stories(archive, window)
        took = time.perf_counter() - t
        print(
            f"stories: {len(window)} articles of the window assigned in {took:.1f} s "
            f"({took / len(window) * 1000:.2f} ms an article)"
        )

        analyzer = Analyzer(archive)
        t = time.perf_counter()
        _ = analyzer.nlp  # loaded once, as in a long-running process
        print(f"spaCy load: {time.perf_counter() - t:.2f} s")
        if args.enrich:
            from copydesk.bot.analysis import enrich

            t = time.perf_counter()
            n = enrich.enrich(analyzer, limit=len(window))
            took = time.perf_counter() - t
            print(f"enrichment: features of the {n} most recent articles in {took:.0f} s ({n / took:.1f} articles/s)")
            t = time.perf_counter()
            n = enrich.enrich_reports(analyzer, iso(datetime.combine(DAY, datetime.min.time(), UTC)))
            took = time.perf_counter() - t
            print(f"enrichment: reports of the day's {n} articles in {took:.0f} s ({n / took:.1f} articles/s)")
        t = time.perf_counter()
        digest = digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY, TZ)
        cold = time.perf_counter() - t
        analysed = sum(s["analysed"] for s in digest["stories"])
        print(
            f"digest {'after enrichment' if args.enrich else 'cold'}: {cold:.2f} s — {digest['articles']} articles in {len(digest['stories'])} stories, "
            f"{analysed} articles analysed (reports computed and cached)"
        )
        warm = []
        for _ in range(3):
            t = time.perf_counter()
            again = digestmod.build_digest(archive, analyzer, CLI_SCOPE, DAY, TZ)
            warm.append(time.perf_counter() - t)
        assert again["stories"] == digest["stories"]
        print(f"digest warm: {min(warm):.2f} s (runs {', '.join(f'{x:.2f}' for x in warm)})")
        t = time.perf_counter()
        text, blocks = slack_message(digest)
        print(
            f"slack message: {len(blocks)} blocks, {len(json.dumps(blocks))} bytes, "
            f"built in {(time.perf_counter() - t) * 1000:.1f} ms"
        )
        top = digest["stories"][0]
        print(
            f"top story: {top['title']!r}: {len(top['outlets'])} outlets, {top['articles']} articles, "
            f"copied share {top['copied_share']:.0%}, {top['counts']['contradictions']} contradictions"
        )
        print(f"peak RSS: {rss_mb():.0f} MB")
        archive.close()


if __name__ == "__main__":
    main()
