"""Core benchmark: ingest rate, warm analysis latency at 1,000 and 10,000 archived articles, peak RSS.

    python bench/core.py [--articles 10000] [--runs 5]

Builds a synthetic archive in a temporary folder through the same code path as `copydesk ingest`
(reader, then bot.ingest.store: archive and story), then analyses a 1,000-word article that shares some sentences with it."""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import Event, article, corpus  # noqa: E402

from copydesk.bot.reading import reader  # noqa: E402
from copydesk.bot.analysis.engine import Analyzer  # noqa: E402
from copydesk.bot.cli import INGEST_BATCH  # noqa: E402
from copydesk.bot.analysis.ingest import store  # noqa: E402
from copydesk.storage.archive import Archive  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SPREAD_DAYS = 365  # the synthetic archive covers a year of coverage (--days to change)


def header(title: str, outlet: str, i: int, total: int) -> str:
    day = date(2025, 1, 1) + timedelta(days=int(i * SPREAD_DAYS / max(1, total)))
    return f"title: {title}\noutlet: {outlet}\npublished: {day.isoformat()}\n---\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--days", type=int, default=365, help="days the archive's publication dates span")
    args = ap.parse_args()
    global SPREAD_DAYS
    SPREAD_DAYS = args.days
    checkpoints = sorted({min(1000, args.articles), args.articles})

    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive.open(Path(tmp) / "bench.db")
        analyzer = Analyzer(archive)
        t0 = time.perf_counter()
        analyzer.nlp  # load once, like a long-running process
        print(f"spaCy load: {time.perf_counter() - t0:.2f} s")
        rng = random.Random(11)
        query_event = Event(rng, -1)
        query_sources = []
        done, ingest_time = 0, 0.0
        gen = corpus(args.articles)
        for target in checkpoints:
            batch = []
            while done + len(batch) < target:
                title, outlet, text = next(gen)
                batch.append(header(title, outlet, done + len(batch), args.articles) + text)
            t = time.perf_counter()
            for k in range(0, len(batch), INGEST_BATCH):  # as `copydesk ingest` does
                with archive.transaction():
                    for i, raw in enumerate(batch[k:k + INGEST_BATCH], start=k):
                        store(archive, reader.read_text(raw, f"synthetic-{done + i}"))
            ingest_time += time.perf_counter() - t
            done += len(batch)
            # a few archived articles about the query's event, one of them copied from
            for k in range(3):
                raw = header(f"Query event {target}-{k}", "Source Wire", k, args.articles) + article(rng, query_event, 500)
                a = reader.read_text(raw, "source")
                store(archive, a)
                query_sources.append(a.text)
            print(f"ingested {done} articles: {done / ingest_time:.0f} articles/s (cumulative)")
            borrowed = [s for t in query_sources[-3:] for s in t.split(". ")[:6]]
            query = reader.read_text(article(rng, query_event, 1000, borrow=[b + "." for b in borrowed]), "query")
            t = time.perf_counter()
            analyzer.analyze(query)
            cold = time.perf_counter() - t
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                report = analyzer.analyze(query)
                times.append(time.perf_counter() - t)
            med = statistics.median(times)
            print(f"analyze {query.words}-word article vs {archive.count()} archived: cold {cold:.2f} s, "
                  f"warm median {med:.3f} s (runs {', '.join(f'{x:.3f}' for x in times)}); "
                  f"copied passages {len(report.copied)}, compared with {report.compared_with}")
            if target == checkpoints[0]:
                first = med
        if len(checkpoints) > 1:
            print(f"warm latency ratio {checkpoints[-1]} / {checkpoints[0]}: {med / first:.2f}x")
        print(f"peak RSS: {rss_mb():.0f} MB")
        archive.close()


if __name__ == "__main__":
    main()
