"""Enrichment: the NLP features of archived articles computed ahead of the replies that need them.

Ingest stores articles without spaCy (fast); an analysis compares its article with earlier
articles' features, and computing those on the spot makes the first replies after a backfill slow
(about 0.2 s of parsing per candidate). `enrich` computes the features of the articles that lack
them (for the current features version), the most recent first, and caches them exactly as an
analysis would (each article parsed alone, with the pipeline's used components only: a cached
result is what a fresh parse gives). `enrich_reports` then caches the reports of the recently
archived articles (what the daily digest summarises), most recent first. `copydesk enrich` runs
them with a progress bar; `copydesk serve` runs them in a background thread (`Enricher`) that steps
aside while an analysis runs, so a reply never waits for the backfill: it computes what it needs
itself and caches it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

BATCH = 16  # articles read from the archive at a time
RECENT = timedelta(hours=36)  # articles archived this recently get their report cached (the digest's)


def recent_since(now: datetime | None = None) -> str:
    """The UTC ISO time from which archived articles count as recent (their reports are cached)."""
    return ((now or datetime.now(UTC)) - RECENT).isoformat(timespec="seconds")


def enrich(
    analyzer,
    *,
    limit: int | None = None,
    stop: threading.Event | None = None,
    pause: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Compute and cache the features of archived articles that lack them, most recent first.
    Stops after `limit` articles, or when `stop` is set; `pause()` is called before each article
    (it may block while something more urgent runs); `progress(n)` after each. Returns how many
    articles were enriched."""
    archive = analyzer.archive
    version = analyzer.version
    done, cursor = 0, None
    while limit is None or done < limit:
        ids = archive.lacking_features(version, BATCH if limit is None else min(BATCH, limit - done), cursor)
        if not ids:
            break
        cursor = ids[-1]
        found = archive.get_many(ids)
        for article_id in ids:
            if stop is not None and stop.is_set():
                return done
            if pause is not None:
                pause()
            article = found.get(article_id)
            if article is not None:  # not deleted meanwhile
                analyzer.features_for([article])
                done += 1
                if progress is not None:
                    progress(1)
    return done


def enrich_reports(
    analyzer,
    since: str,
    *,
    limit: int | None = None,
    stop: threading.Event | None = None,
    pause: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Compute and cache the reports of the articles archived since `since` (UTC ISO) that have
    none, most recent first (as `Analyzer.report_for` does for the digest). Returns how many."""
    archive = analyzer.archive
    version = analyzer.report_version
    done, cursor = 0, None
    while limit is None or done < limit:
        ids = archive.lacking_reports(version, since, BATCH if limit is None else min(BATCH, limit - done), cursor)
        if not ids:
            break
        cursor = ids[-1]
        for article_id in ids:
            if stop is not None and stop.is_set():
                return done
            if pause is not None:
                pause()
            if analyzer.report_for(article_id) is not None:
                done += 1
                if progress is not None:
                    progress(1)
    return done


class Enricher:
    """The background enrichment of a long-running process: a daemon thread that enriches the
    archive (features, then the reports of recent articles), steps aside while any analysis runs,
    and then waits for new articles (checking every `idle` seconds)."""

    def __init__(self, analyzer, idle: float = 30.0) -> None:
        self.analyzer = analyzer
        self.idle = idle
        self.stop_event = threading.Event()
        self.enriched = 0
        self._thread = threading.Thread(target=self._run, name="copydesk-enrich", daemon=True)

    def start(self) -> Enricher:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        self._thread.join(timeout)

    def _pause(self) -> None:
        self.analyzer.wait_idle(self.stop_event)

    def _count(self, n: int) -> None:
        self.enriched += n

    def _run(self) -> None:
        while not self.stop_event.is_set():
            try:
                t = time.perf_counter()
                n = enrich(self.analyzer, stop=self.stop_event, pause=self._pause, progress=self._count)
                if n:
                    log.info("enriched %d archived articles in %.0f s", n, time.perf_counter() - t)
                t = time.perf_counter()
                n = enrich_reports(self.analyzer, recent_since(), stop=self.stop_event, pause=self._pause)
                if n:
                    log.info("cached the reports of %d recent articles in %.0f s", n, time.perf_counter() - t)
            except Exception:  # the archive busy or closing: try again later, never end the process
                log.exception("background enrichment failed; retrying in %.0f s", self.idle)
            self.stop_event.wait(self.idle)
