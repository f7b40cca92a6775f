"""Scheduled daily digests, run by an APScheduler BackgroundScheduler inside `copydesk serve`.

A channel subscribes with `/digest subscribe HH:MM [Zone/Name] [quiet]`; subscriptions live in
SQLite (digest_subscriptions) and survive restarts. Each becomes a daily cron job in its zone
(the one given, else COPYDESK_TZ, else the machine's) that posts the channel's digest with
chat.postMessage through the app's WebClient: a morning digest (before noon) covers the day before,
a later one its own day (`covered_day`).

Exactly once per channel and day:
- every posting is first claimed in SQLite (digest_posts, primary key team + channel + day, one
  INSERT in a transaction); a second claimant — a retry, a restarted process, another `serve`
  process on the same database — finds the claim and posts nothing;
- a restart within MISFIRE_GRACE after a digest's time still posts that day's digest (the job is
  re-added with that missed time as its next run time; misfire_grace_time and coalesce let
  APScheduler run it once, late), unless the subscription was made or changed after that time.

Subscriptions made in this process take effect at once (`refresh`); those made by another
process are picked up within SYNC_SECONDS.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from copydesk.bot.analysis import digest as digestmod
from copydesk.bot.app.webapi import post_digest
from copydesk.bot.errors import BadInput
from copydesk.bot.model import Scope
from copydesk.bot.settings import Settings
from copydesk.storage.archive import Archive

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from copydesk.bot.analysis.engine import Analyzer

log = logging.getLogger(__name__)

MISFIRE_GRACE = 3600  # seconds after a digest's time within which a late run still posts it
SYNC_SECONDS = 60  # how often subscriptions changed by other processes are picked up
SYNC_JOB = "digest-sync"

_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_time(value: str) -> str:
    """A 24-hour HH:MM (or H:MM) time, normalised to HH:MM. Raises BadInput."""
    m = _TIME_RE.match(value.strip())
    if not m:
        raise BadInput(f"{value!r} is not a time of the form HH:MM (24-hour, e.g. 18:30)")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


@dataclass(frozen=True)
class Subscription:
    """A channel's daily digest: at `time` (HH:MM) in zone `tz` (None: the settings' zone)."""

    team_id: str
    channel_id: str
    time: str
    tz: str | None
    quiet: bool
    updated_at: str

    @classmethod
    def from_row(cls, row: dict) -> Subscription:
        return cls(row["team_id"], row["channel_id"], row["time"], row["tz"], bool(row["quiet"]), row["updated_at"])

    @property
    def job_id(self) -> str:
        return f"digest:{self.team_id}:{self.channel_id}"

    def zone(self, settings: Settings) -> ZoneInfo:
        return digestmod.resolve_zone(self.tz or settings.tz)

    def last_time(self, zone: ZoneInfo, now: datetime) -> datetime:
        """The latest scheduled time at or before `now` (today's, else yesterday's), in `zone`."""
        hour, minute = (int(x) for x in self.time.split(":"))
        local_now = now.astimezone(zone)
        at = datetime.combine(local_now.date(), time(hour, minute), zone)
        if at > local_now:
            at = datetime.combine(local_now.date() - timedelta(days=1), time(hour, minute), zone)
        return at


class DigestScheduler:
    """The daily digest jobs of one process, over one archive."""

    def __init__(
        self,
        settings: Settings,
        archive: Archive,
        analyzer: Analyzer,
        client: WebClient,
        client_for: Callable[[str], WebClient] | None = None,
    ):
        self.settings = settings
        self.archive = archive
        self.analyzer = analyzer
        self.client = client
        self.client_for = client_for  # OAuth mode: each workspace's client (its own bot token)
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE, "max_instances": 1},
        )
        self._jobs: dict[str, tuple[str, str]] = {}  # job id -> (time, zone) it was scheduled with
        self._lock = threading.Lock()

    # ------------------------------------------------------------ life cycle
    def start(self) -> DigestScheduler:
        self.scheduler.start()
        self.sync()
        self.scheduler.add_job(self.sync, "interval", seconds=SYNC_SECONDS, id=SYNC_JOB, replace_existing=True)
        with _registry_lock:
            _running.append(self)
        return self

    def shutdown(self, wait: bool = True) -> None:
        with _registry_lock:
            if self in _running:
                _running.remove(self)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)

    # ------------------------------------------------------------ jobs
    def sync(self) -> None:
        """Make the jobs match the subscriptions in the database."""
        with self._lock:
            subs = {s.job_id: s for s in map(Subscription.from_row, self.archive.digest_subscriptions())}
            for job_id in list(self._jobs):
                if job_id not in subs:
                    self._remove(job_id)
            now = datetime.now(UTC)
            for job_id, sub in subs.items():
                try:
                    zone = sub.zone(self.settings)
                except BadInput as exc:
                    log.warning("digest for %s/%s not scheduled: %s", sub.team_id, sub.channel_id, exc)
                    self._remove(job_id)
                    continue
                signature = (sub.time, digestmod.zone_name(zone))
                if self._jobs.get(job_id) == signature:
                    continue
                hour, minute = (int(x) for x in sub.time.split(":"))
                options = {}
                missed = sub.last_time(zone, now)
                if (now - missed).total_seconds() <= MISFIRE_GRACE and sub.updated_at <= _iso(missed):
                    options["next_run_time"] = missed  # owed from before a restart: run it now, once
                self.scheduler.add_job(
                    self.run,
                    CronTrigger(hour=hour, minute=minute, timezone=zone),
                    args=[sub.team_id, sub.channel_id],
                    id=job_id,
                    name=f"daily digest {sub.team_id}/{sub.channel_id}",
                    replace_existing=True,
                    **options,
                )
                self._jobs[job_id] = signature

    def _remove(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)
        if self.scheduler.get_job(job_id):
            self.scheduler.remove_job(job_id)

    def run(self, team_id: str, channel_id: str) -> str | None:
        """Post one channel's digest for the day of its latest scheduled time, unless that posting
        was already claimed. Returns the outcome: posted, quiet, failed, or None when not ours."""
        row = self.archive.digest_subscription(team_id, channel_id)
        if row is None:
            return None
        sub = Subscription.from_row(row)
        zone = sub.zone(self.settings)
        now = datetime.now(UTC)
        scheduled = sub.last_time(zone, now)
        if (now - scheduled).total_seconds() > MISFIRE_GRACE:
            return None
        day = scheduled.date()  # the posting day: one posting per channel and day
        if not self.archive.claim_digest(team_id, channel_id, day.isoformat()):
            return None
        try:
            digest = digestmod.build_digest(
                self.archive, self.analyzer, Scope(team_id, channel_id), covered_day(scheduled), zone
            )
            if not digest["articles"] and sub.quiet:
                self.archive.finish_digest(team_id, channel_id, day.isoformat(), "quiet")
                return "quiet"
            client = self.client_for(team_id) if self.client_for else self.client
            ts = post_digest(client, channel_id, digest)
        except Exception as exc:  # recorded, never retried: a second post is worse than none
            self.archive.finish_digest(
                team_id, channel_id, day.isoformat(), "failed", detail=f"{exc.__class__.__name__}: {exc}"[:500]
            )
            log.exception("daily digest for %s/%s on %s failed", team_id, channel_id, day)
            return "failed"
        self.archive.finish_digest(team_id, channel_id, day.isoformat(), "posted", ts=ts)
        return "posted"


def covered_day(scheduled: datetime):
    """The day a scheduled digest reports on: a morning digest (before noon, as the default 09:00)
    covers the day before, the one an editor wants to review; a later one covers its own day."""
    return scheduled.date() if scheduled.hour >= 12 else scheduled.date() - timedelta(days=1)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


_running: list[DigestScheduler] = []
_registry_lock = threading.Lock()


def start_scheduler(
    settings: Settings,
    archive: Archive,
    analyzer: Analyzer,
    client: WebClient,
    client_for: Callable[[str], WebClient] | None = None,
) -> DigestScheduler:
    """Start the daily digests of `copydesk serve` (call once the Slack app's WebClient exists;
    call `.shutdown()` on the result when the server stops). `client_for(team_id)`: in OAuth
    mode, the client with that workspace's token."""
    return DigestScheduler(settings, archive, analyzer, client, client_for).start()


def refresh(archive: Archive) -> None:
    """Apply subscription changes at once in this process's schedulers on the same database."""
    with _registry_lock:
        schedulers = [s for s in _running if s.archive.path == archive.path]
    for s in schedulers:
        s.sync()
