"""Where articles were shared in Slack, for replies that cite what a reader can open: the message
that shared an article (its channel, who posted it, when, its permalink — asked of Slack once and
kept here), and the reports behind the "Full report" button of a reply.

Tables `shared_messages` and `reply_reports` (storage/schema.py); `sightings` (the archive's) says
which message brought which article. Every lookup is scoped like the archive's: a workspace sees
only its own rows, and a private channel's messages only from inside that channel.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

from copydesk.bot.model import Scope

REPLY_REPORT_DAYS = 90  # a "Full report" button older than this opens a note that it expired


def _now() -> datetime:
    return datetime.now(UTC)


class Messages:
    """Slack messages that shared articles, over an open `Archive` (its connection and lock)."""

    def __init__(self, archive) -> None:
        self.archive = archive

    # ---------------------------------------------------------------- shared messages
    def record(self, team_id: str, channel_id: str, message_ts: str, user_id: str | None) -> None:
        """Remember who posted a message that shares an article (kept with its permalink)."""
        with self.archive.transaction() as conn:
            conn.execute(
                "INSERT INTO shared_messages (team_id, channel_id, message_ts, user_id) VALUES (?,?,?,?) "
                "ON CONFLICT (team_id, channel_id, message_ts) DO UPDATE SET "
                "user_id = coalesce(excluded.user_id, shared_messages.user_id)",
                (team_id, channel_id, message_ts, user_id),
            )

    def first_shared(self, article_ids, scope: Scope, *, besides: str | None = None) -> dict[int, dict]:
        """For each archived article, the earliest message visible in `scope` that shared it:
        {article_id: {"channel_id", "message_ts", "at", "user_id", "permalink"}}. `besides`, a
        message ts in the scope's channel, is not counted (the message being answered)."""
        ids = [int(i) for i in dict.fromkeys(article_ids)]
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.archive.query(
            "SELECT s.article_id, s.channel_id, s.message_ts, s.seen_at, m.user_id, m.permalink "
            "FROM sightings s LEFT JOIN shared_messages m ON m.team_id = s.team_id "
            "AND m.channel_id = s.channel_id AND m.message_ts = s.message_ts "
            f"WHERE s.article_id IN ({marks}) AND s.team_id = ? AND (s.is_private = 0 OR s.channel_id = ?) "
            "AND NOT (s.channel_id = ? AND s.message_ts = ?) "
            "ORDER BY s.seen_at, CAST(s.message_ts AS REAL)",
            [*ids, scope.team_id, scope.channel_id, scope.channel_id, besides or ""],
        )
        found: dict[int, dict] = {}
        for r in rows:
            found.setdefault(
                r["article_id"],
                {
                    "channel_id": r["channel_id"],
                    "message_ts": r["message_ts"],
                    "at": r["seen_at"],
                    "user_id": r["user_id"],
                    "permalink": r["permalink"],
                },
            )
        return found

    def set_permalink(self, team_id: str, channel_id: str, message_ts: str, permalink: str) -> None:
        with self.archive.transaction() as conn:
            conn.execute(
                "INSERT INTO shared_messages (team_id, channel_id, message_ts, permalink) VALUES (?,?,?,?) "
                "ON CONFLICT (team_id, channel_id, message_ts) DO UPDATE SET permalink = excluded.permalink",
                (team_id, channel_id, message_ts, permalink),
            )

    def forget(self, team_id: str, channel_id: str, message_ts: str) -> None:
        """A deleted message: forget who posted it, its permalink and the full report of its reply."""
        with self.archive.transaction() as conn:
            for table in ("shared_messages", "reply_reports"):
                conn.execute(
                    f"DELETE FROM {table} WHERE team_id = ? AND channel_id = ? AND message_ts = ?",
                    (team_id, channel_id, message_ts),
                )

    # ---------------------------------------------------------------- reports behind "Full report"
    def save_reply_report(self, team_id: str, channel_id: str, report: dict, message_ts: str | None = None) -> str:
        """Keep the report a reply shows (the reply to message `message_ts`, if any); returns the key
        its "Full report" button carries (random, not guessable). Reports older than
        REPLY_REPORT_DAYS are dropped on the way."""
        key = secrets.token_urlsafe(18)
        now = _now()
        with self.archive.transaction() as conn:
            conn.execute(
                "DELETE FROM reply_reports WHERE team_id = ? AND created_at < ?",
                (team_id, (now - timedelta(days=REPLY_REPORT_DAYS)).isoformat(timespec="seconds")),
            )
            conn.execute(
                "INSERT INTO reply_reports (key, team_id, channel_id, message_ts, created_at, data) "
                "VALUES (?,?,?,?,?,?)",
                (
                    key,
                    team_id,
                    channel_id,
                    message_ts,
                    now.isoformat(timespec="seconds"),
                    json.dumps(report, ensure_ascii=False, separators=(",", ":")),
                ),
            )
        return key

    def reply_report(self, key: str, team_id: str, channel_id: str) -> dict | None:
        """The report behind a button, only for the workspace and channel its reply was posted in."""
        rows = self.archive.query(
            "SELECT data FROM reply_reports WHERE key = ? AND team_id = ? AND channel_id = ?",
            (key, team_id, channel_id),
        )
        return json.loads(rows[0]["data"]) if rows else None
