"""Per-workspace settings, overridable per channel (table workspace_settings).

A workspace's row has channel_id ''; a channel's row overrides some of them. A NULL column
inherits: a channel's from its workspace's row, a workspace's from the defaults
(copydesk.bot.model.SETTINGS). `effective` merges the three into the ChannelSettings in force.
The CLI's archive is workspace "" (its settings apply to `copydesk analyze` without `--team`).
"""

from __future__ import annotations

from dataclasses import replace

from copydesk.bot.model import DEFAULT_SETTINGS, SETTINGS, ChannelSettings

from .archive import Archive, utcnow

NAMES = tuple(s.name for s in SETTINGS)


def row(archive: Archive, team_id: str, channel_id: str = "") -> dict:
    """The values set for a workspace (channel_id "") or a channel: {name: value}, set ones only."""
    rows = archive.query("SELECT * FROM workspace_settings WHERE team_id = ? AND channel_id = ?", (team_id, channel_id))
    return {n: rows[0][n] for n in NAMES if rows and rows[0][n] is not None}


def channel_overrides(archive: Archive, team_id: str) -> dict[str, dict]:
    """Every channel of a workspace that overrides something: {channel_id: {name: value}}."""
    rows = archive.query(
        "SELECT * FROM workspace_settings WHERE team_id = ? AND channel_id != '' ORDER BY channel_id", (team_id,)
    )
    out = {r["channel_id"]: {n: r[n] for n in NAMES if r[n] is not None} for r in rows}
    return {c: v for c, v in out.items() if v}


def save(archive: Archive, team_id: str, channel_id: str, values: dict, user_id: str | None = None) -> None:
    """Replace the values of a workspace (channel_id "") or a channel: a name missing from
    `values`, or given as None, inherits. Values must be valid (Setting.parse)."""
    unknown = set(values) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    cols = ", ".join(NAMES)
    marks = ", ".join("?" * len(NAMES))
    with archive.transaction() as conn:
        conn.execute(
            f"INSERT INTO workspace_settings (team_id, channel_id, {cols}, updated_by, updated_at) "
            f"VALUES (?, ?, {marks}, ?, ?) ON CONFLICT (team_id, channel_id) DO UPDATE SET "
            + ", ".join(f"{n} = excluded.{n}" for n in NAMES)
            + ", updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (team_id, channel_id, *[values.get(n) for n in NAMES], user_id, utcnow()),
        )
        if channel_id and all(values.get(n) is None for n in NAMES):
            conn.execute("DELETE FROM workspace_settings WHERE team_id = ? AND channel_id = ?", (team_id, channel_id))


def update(archive: Archive, team_id: str, channel_id: str, changes: dict, user_id: str | None = None) -> None:
    """Change some values (None: inherit again), keeping the others."""
    with archive.transaction():
        values = row(archive, team_id, channel_id)
        values.update(changes)
        save(archive, team_id, channel_id, values, user_id)


def effective(archive: Archive | None, team_id: str, channel_id: str = "") -> ChannelSettings:
    """The settings in force in a channel (or, with channel_id "", in the workspace)."""
    if archive is None:
        return DEFAULT_SETTINGS
    merged = row(archive, team_id)
    if channel_id:
        merged.update(row(archive, team_id, channel_id))
    return replace(DEFAULT_SETTINGS, **merged)


def origins(archive: Archive, team_id: str, channel_id: str = "") -> dict[str, str]:
    """Where each effective value comes from: "channel", "workspace" or "default"."""
    workspace, channel = row(archive, team_id), (row(archive, team_id, channel_id) if channel_id else {})
    return {n: "channel" if n in channel else "workspace" if n in workspace else "default" for n in NAMES}
