"""What App Home shows of a workspace's week: counts and the recent findings of its public
channels (a private channel's articles are left out: the home tab is not that channel)."""

from __future__ import annotations

import json

from .archive import Archive


def week_summary(archive: Archive, team_id: str, since: str, *, most: int = 5) -> dict:
    """Articles, stories, the most copied sources and the latest contradictions among the articles
    first seen in the workspace's public channels (or its CLI archive) since `since` (UTC ISO).
    Contradictions carry the article's URL, else the channel and ts of the message that shared it."""
    articles = archive.query(
        "SELECT a.id, a.url, a.outlet, a.title, a.added_at, "
        "  (SELECT s.channel_id FROM sightings s WHERE s.article_id = a.id ORDER BY s.seen_at LIMIT 1) AS channel_id, "
        "  (SELECT s.message_ts FROM sightings s WHERE s.article_id = a.id ORDER BY s.seen_at LIMIT 1) AS message_ts "
        "FROM articles a WHERE a.team_id = ? AND a.is_private = 0 AND a.added_at >= ? ORDER BY a.id",
        (team_id, since),
    )
    stories = archive.query(
        "SELECT count(DISTINCT sa.story_id) AS n FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
        "WHERE sa.team_id = ? AND sa.channel = '' AND a.added_at >= ?",
        (team_id, since),
    )[0]["n"]
    ids = [a["id"] for a in articles]
    reports: dict[int, dict] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        marks = ",".join("?" * len(chunk))
        for r in archive.query(
            f"SELECT article_id, data FROM reports WHERE article_id IN ({marks}) ORDER BY created_at", chunk
        ):
            reports[r["article_id"]] = json.loads(r["data"])  # the latest report of each
    copied: dict[str, dict] = {}
    contradictions: list[dict] = []
    for a in articles:
        report = reports.get(a["id"])
        if not report:
            continue
        for c in report.get("copied") or []:
            src = c.get("source") or {}
            name = src.get("outlet") or src.get("title") or src.get("url") or "an earlier article"
            entry = copied.setdefault(name, {"name": name, "url": src.get("url"), "passages": 0, "articles": set()})
            entry["passages"] += 1
            entry["articles"].add(a["id"])
        for c in report.get("contradictions") or []:
            contradictions.append(
                {
                    "text": c.get("text"),
                    "kind": c.get("kind"),
                    "explanation": c.get("explanation"),
                    "source": c.get("source"),
                    "article": {k: a[k] for k in ("url", "outlet", "title", "added_at", "channel_id", "message_ts")},
                }
            )
    top = sorted(copied.values(), key=lambda e: (-len(e["articles"]), -e["passages"], e["name"]))[:most]
    return {
        "articles": len(articles),
        "stories": stories,
        "copied_passages": sum(e["passages"] for e in copied.values()),
        "contradictions": len(contradictions),
        "most_copied": [{**e, "articles": len(e["articles"])} for e in top],
        "recent_contradictions": contradictions[::-1][:most],
    }
