"""OAuth installs in the archive's SQLite file: Bolt's InstallationStore and OAuthStateStore.

`SQLiteInstallationStore` keeps one installation per workspace (key: enterprise id, team id) or,
for an org-wide install, per organisation (team id ""): the latest one, with its bot token and,
when token rotation is on, its refresh token and expiry. Every token is stored encrypted: the
whole installation, as JSON, is encrypted with the `cipher` given (Fernet or MultiFernet, built
from COPYDESK_SECRET_KEY by copydesk.bot.app.oauth); only ids, names and the expiry are plain.
Bolt's authorize middleware reads it for every request (`find_installation`), and saves the
refreshed installation after a token rotation (`save`).

`SQLiteOAuthStateStore` issues the install flow's `state` values: random, single use (consumed
by a DELETE: a replayed state finds nothing) and expiring after `expiration_seconds`.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from logging import Logger
from typing import Protocol

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from .archive import Archive, utcnow

log = logging.getLogger(__name__)


class Cipher(Protocol):
    def encrypt(self, data: bytes) -> bytes: ...

    def decrypt(self, token: bytes) -> bytes: ...


def _key(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None) -> tuple[str, str]:
    return (enterprise_id or "", "" if is_enterprise_install else (team_id or ""))


class SQLiteInstallationStore(InstallationStore):
    """Installations in the archive (table installations), tokens encrypted with `cipher`."""

    def __init__(self, archive: Archive, cipher: Cipher, *, logger: Logger | None = None) -> None:
        self.archive = archive
        self.cipher = cipher
        self._logger = logger or log

    @property
    def logger(self) -> Logger:
        return self._logger

    # ------------------------------------------------------------ writing
    def save(self, installation: Installation) -> None:
        key = _key(installation.enterprise_id, installation.team_id, installation.is_enterprise_install)
        data = installation.to_dict_for_copying()
        # slack_sdk gives times as datetimes; its Installation takes them back as Unix seconds
        for name in ("bot_token_expires_at", "user_token_expires_at"):
            if data.get(name) is not None:
                data[name] = int(data[name].timestamp())
        data["installed_at"] = installation.installed_at
        secret = self.cipher.encrypt(json.dumps(data, separators=(",", ":")).encode()).decode()
        now = utcnow()
        with self.archive.transaction() as conn:
            conn.execute(
                "INSERT INTO installations (enterprise_id, team_id, is_enterprise_install, team_name, enterprise_name, "
                "app_id, bot_user_id, installer_user_id, bot_token_expires_at, secret, installed_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (enterprise_id, team_id) DO UPDATE SET "
                "is_enterprise_install = excluded.is_enterprise_install, team_name = excluded.team_name, "
                "enterprise_name = excluded.enterprise_name, app_id = excluded.app_id, "
                "bot_user_id = excluded.bot_user_id, installer_user_id = excluded.installer_user_id, "
                "bot_token_expires_at = excluded.bot_token_expires_at, secret = excluded.secret, "
                "updated_at = excluded.updated_at",
                (
                    *key,
                    int(bool(installation.is_enterprise_install)),
                    installation.team_name,
                    installation.enterprise_name,
                    installation.app_id,
                    installation.bot_user_id,
                    installation.user_id,
                    installation.bot_token_expires_at,
                    secret,
                    now,
                    now,
                ),
            )

    def save_bot(self, bot: Bot) -> None:
        """A rotated bot token (Bolt's find_bot path): written into the stored installation."""
        found = self.find_installation(
            enterprise_id=bot.enterprise_id, team_id=bot.team_id, is_enterprise_install=bot.is_enterprise_install
        )
        if found is None:
            return
        found.bot_token, found.bot_refresh_token = bot.bot_token, bot.bot_refresh_token
        found.bot_token_expires_at = bot.bot_token_expires_at
        self.save(found)

    # ------------------------------------------------------------ reading
    def _rows(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None) -> list[dict]:
        key = _key(enterprise_id, team_id, is_enterprise_install)
        rows = self.archive.query("SELECT * FROM installations WHERE enterprise_id = ? AND team_id = ?", key)
        if not rows and not is_enterprise_install and team_id:
            # an event that does not name the workspace's enterprise (or names one the install did not)
            rows = self.archive.query(
                "SELECT * FROM installations WHERE team_id = ? ORDER BY updated_at DESC", (team_id,)
            )
        return rows

    def _decrypt(self, row: dict) -> Installation | None:
        try:
            data = json.loads(self.cipher.decrypt(row["secret"].encode()))
        except Exception as exc:  # a different COPYDESK_SECRET_KEY, or a damaged row
            self.logger.error(
                "the installation of %s/%s cannot be decrypted with COPYDESK_SECRET_KEY (%s)",
                row["enterprise_id"] or "-",
                row["team_id"] or "-",
                exc.__class__.__name__,
            )
            return None
        return Installation(**data)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        rows = self._rows(enterprise_id, team_id, is_enterprise_install)
        if not rows:
            return None
        found = self._decrypt(rows[0])
        if found is not None and user_id is not None and found.user_id != user_id:
            return None  # only the installer's installation is kept: no other user's token
        return found

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        found = self.find_installation(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return found.to_bot() if found is not None and found.bot_token else None

    def installed_teams(self) -> list[dict]:
        """Every installation's plain columns (no token), for listings."""
        return self.archive.query(
            "SELECT enterprise_id, team_id, is_enterprise_install, team_name, enterprise_name, bot_user_id, "
            "installer_user_id, bot_token_expires_at, installed_at, updated_at FROM installations "
            "ORDER BY enterprise_id, team_id"
        )

    # ------------------------------------------------------------ deleting
    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        delete(self.archive, enterprise_id, team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        delete(self.archive, enterprise_id, team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        delete(self.archive, enterprise_id, team_id)


def delete(
    archive: Archive, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False
) -> int:
    """Forget the installation of a workspace, or of an organisation (an org-wide install: the
    event says so, or names no team): its tokens are gone. Returns the rows removed."""
    with archive.transaction() as conn:
        if team_id and not (is_enterprise_install and enterprise_id):
            # team ids are unique across Slack: whatever enterprise the install named
            return conn.execute("DELETE FROM installations WHERE team_id = ?", (team_id,)).rowcount
        if enterprise_id:
            return conn.execute(
                "DELETE FROM installations WHERE enterprise_id = ? AND team_id = ''", (enterprise_id,)
            ).rowcount
        return 0


class SQLiteOAuthStateStore(OAuthStateStore):
    """The install flow's states in the archive (table oauth_states): single use, expiring."""

    def __init__(self, archive: Archive, *, expiration_seconds: int, logger: Logger | None = None) -> None:
        self.archive = archive
        self.expiration_seconds = expiration_seconds
        self._logger = logger or log

    @property
    def logger(self) -> Logger:
        return self._logger

    def issue(self, *args, **kwargs) -> str:
        state = secrets.token_urlsafe(32)
        now = time.time()
        with self.archive.transaction() as conn:
            conn.execute("DELETE FROM oauth_states WHERE expires_at <= ?", (now,))
            conn.execute(
                "INSERT INTO oauth_states (state, expires_at) VALUES (?, ?)", (state, now + self.expiration_seconds)
            )
        return state

    def consume(self, state: str) -> bool:
        """True once for a state issued here and not expired; False for any other (and after)."""
        if not state:
            return False
        with self.archive.transaction() as conn:
            consumed = conn.execute(
                "DELETE FROM oauth_states WHERE state = ? AND expires_at > ?", (state, time.time())
            ).rowcount
        return consumed == 1
