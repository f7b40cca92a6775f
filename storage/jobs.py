"""The durable work queue of the Slack app: a table `jobs` in the archive's own SQLite file.

Why a table of our own rather than a task queue library: a job must be written in the SAME
transaction that records its Slack event as seen (so a crash can neither lose an acknowledged
event nor let a redelivery slip through), and a job that was taken but not finished must still be
there after `kill -9`. Both need the job in the archive's connection and a "running" state, which
a separate queue store (e.g. huey's SQLite storage, which dequeues by deleting the row) does not
give.

Life of a job: `enqueue` (queued) -> `take` (running, attempts + 1) -> `prepare_reply` (the reply
about to be posted is recorded first) -> `finish` (done: payload and reply emptied, the reply's ts
kept). `release` puts a running job back (shutdown); `requeue_abandoned` puts back the running
jobs of processes that died (start-up). A purge of the workspace deletes its jobs: `prepare_reply`
and `finish` then report that the job is gone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .archive import Archive, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
KEEP_FINISHED_DAYS = 7  # finished jobs (no text left in them) are kept this long, for inspection


@dataclass
class Job:
    """A job as taken from the queue. `reply` is set when a reply was about to be posted by an
    earlier attempt (it may or may not have reached Slack)."""

    id: int
    kind: str
    team_id: str
    channel_id: str
    message_ts: str | None
    payload: dict
    attempts: int
    created_at: str = ""
    reply: dict | None = None
    queue: JobQueue | None = field(default=None, repr=False, compare=False)
    finished: bool = field(default=False, repr=False, compare=False)

    def prepare_reply(self, reply: dict) -> bool:
        """Record the reply about to be posted. False: the job is gone (its workspace was purged):
        post nothing."""
        if self.queue is None:
            return True
        self.reply = reply
        return self.queue.prepare_reply(self.id, reply)

    def finish(self, reply_ts: str | None = None, detail: str | None = None) -> None:
        if self.queue is not None and not self.finished:
            self.queue.finish(self.id, reply_ts, detail)
        self.finished = True

    def fail(self, detail: str) -> None:
        if self.queue is not None and not self.finished:
            self.queue.fail(self.id, detail)
        self.finished = True


class JobQueue:
    """The `jobs` table of an open Archive (sharing its connection, lock and transactions)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def enqueue(
        self,
        kind: str,
        payload: dict,
        *,
        team_id: str,
        channel_id: str = "",
        message_ts: str | None = None,
        seen_keys: Iterable[str] = (),
    ) -> int | None:
        """Store a job. With `seen_keys` (the event's delivery keys) the event is recorded as seen
        in the same transaction, and nothing is stored when any key was seen before (None)."""
        keys = list(dict.fromkeys(seen_keys))
        now = utcnow()
        with self.archive.transaction() as conn:
            if keys:
                marks = ",".join("?" * len(keys))
                if conn.execute(f"SELECT 1 FROM events WHERE key IN ({marks})", keys).fetchone():
                    return None
                conn.executemany(
                    "INSERT INTO events (key, seen_at, team_id) VALUES (?, ?, ?)", [(k, now, team_id) for k in keys]
                )
            cur = conn.execute(
                "INSERT INTO jobs (team_id, channel_id, kind, message_ts, payload, state, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (team_id, channel_id, kind, message_ts, json.dumps(payload, ensure_ascii=False), QUEUED, now, now),
            )
            return cur.lastrowid

    def take(self, owner: str) -> Job | None:
        """The oldest queued job, now running for `owner`; None when there is none (found by a
        read first: an idle worker never takes the write lock)."""
        if not self.archive.query("SELECT 1 AS found FROM jobs WHERE state = ? LIMIT 1", (QUEUED,)):
            return None
        with self.archive.transaction() as conn:
            row = conn.execute(
                "SELECT id, kind, team_id, channel_id, message_ts, payload, attempts, reply, created_at FROM jobs "
                "WHERE state = ? ORDER BY id LIMIT 1",
                (QUEUED,),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE jobs SET state = ?, owner = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (RUNNING, owner, utcnow(), row[0]),
            )
        return Job(
            id=row[0],
            kind=row[1],
            team_id=row[2],
            channel_id=row[3],
            message_ts=row[4],
            payload=json.loads(row[5]),
            attempts=row[6] + 1,
            created_at=row[8],
            reply=json.loads(row[7]) if row[7] else None,
            queue=self,
        )

    def prepare_reply(self, job_id: int, reply: dict) -> bool:
        with self.archive.transaction() as conn:
            return (
                conn.execute(
                    "UPDATE jobs SET reply = ?, updated_at = ? WHERE id = ?",
                    (json.dumps(reply, ensure_ascii=False), utcnow(), job_id),
                ).rowcount
                > 0
            )

    def finish(self, job_id: int, reply_ts: str | None = None, detail: str | None = None) -> bool:
        """Done: the job's text (payload, reply) is emptied; the reply's ts is kept."""
        return self._end(job_id, DONE, reply_ts, detail)

    def fail(self, job_id: int, detail: str) -> bool:
        return self._end(job_id, FAILED, None, detail)

    def _end(self, job_id: int, state: str, reply_ts: str | None, detail: str | None) -> bool:
        with self.archive.transaction() as conn:
            return (
                conn.execute(
                    "UPDATE jobs SET state = ?, payload = '{}', reply = NULL, reply_ts = ?, detail = ?, updated_at = ? "
                    "WHERE id = ?",
                    (state, reply_ts, detail, utcnow(), job_id),
                ).rowcount
                > 0
            )

    def release(self, job_id: int) -> None:
        """A running job back to the queue (this process is stopping before it finished)."""
        with self.archive.transaction() as conn:
            conn.execute(
                "UPDATE jobs SET state = ?, owner = NULL, updated_at = ? WHERE id = ? AND state = ?",
                (QUEUED, utcnow(), job_id, RUNNING),
            )

    def requeue_abandoned(self, alive: Callable[[str], bool]) -> int:
        """Queue again the running jobs whose owner is no longer alive (`alive(owner)`), and drop
        old finished jobs (`prune`). Returns how many were queued again."""
        with self.archive.transaction() as conn:
            owners = [r[0] for r in conn.execute("SELECT DISTINCT owner FROM jobs WHERE state = ?", (RUNNING,))]
            dead = [o for o in owners if o is None or not alive(o)]
            n = 0
            for owner in dead:
                n += conn.execute(
                    "UPDATE jobs SET state = ?, owner = NULL, updated_at = ? WHERE state = ? AND owner IS ?",
                    (QUEUED, utcnow(), RUNNING, owner),
                ).rowcount
            self.prune()
            return n

    def prune(self) -> int:
        """Drop finished jobs older than KEEP_FINISHED_DAYS. Returns how many."""
        with self.archive.transaction() as conn:
            return conn.execute(
                "DELETE FROM jobs WHERE state IN (?, ?) AND updated_at < strftime('%Y-%m-%dT%H:%M:%S', 'now', ?)",
                (DONE, FAILED, f"-{KEEP_FINISHED_DAYS} days"),
            ).rowcount

    def undo_attempt(self, job: Job) -> int:
        """Undo what an unfinished attempt of a message's job stored: the message's sighting, and
        its article when that was archived after the job was queued and no other message holds it.
        Returns the number of articles removed."""
        if not job.message_ts:
            return 0
        where = "team_id = ? AND channel_id = ? AND message_ts = ?"
        key = (job.team_id, job.channel_id, job.message_ts)
        with self.archive.transaction() as conn:
            ids = [r[0] for r in conn.execute(f"SELECT article_id FROM sightings WHERE {where}", key)]
            conn.execute(f"DELETE FROM sightings WHERE {where}", key)
            removed = 0
            for article_id in ids:
                removed += conn.execute(
                    "DELETE FROM articles WHERE id = ? AND added_at >= ? "
                    "AND NOT EXISTS (SELECT 1 FROM sightings WHERE article_id = ?)",
                    (article_id, job.created_at, article_id),
                ).rowcount
            return removed

    def cancel_message(self, team_id: str, channel_id: str, message_ts: str) -> int:
        """Drop the queued (not yet running) jobs of a message (it was deleted). Returns how many."""
        with self.archive.transaction() as conn:
            return conn.execute(
                "DELETE FROM jobs WHERE state = ? AND team_id = ? AND channel_id = ? AND message_ts = ?",
                (QUEUED, team_id, channel_id, message_ts),
            ).rowcount

    def pending(self) -> int:
        """Jobs queued or running."""
        return self.archive.query("SELECT count(*) AS n FROM jobs WHERE state IN (?, ?)", (QUEUED, RUNNING))[0]["n"]

    def counts(self) -> dict[str, int]:
        return {r["state"]: r["n"] for r in self.archive.query("SELECT state, count(*) AS n FROM jobs GROUP BY state")}
