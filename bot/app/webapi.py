"""Slack's Web API as Copydesk uses it: the credentials checked at start, one client (with
retries, pointed at COPYDESK_SLACK_API_URL), Slack's one-word refusal reasons, and posting a
digest outside a listener (the CLI's `digest --post`, the scheduler)."""

from __future__ import annotations

import logging
import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from copydesk.bot.errors import BadInput, CopydeskError
from copydesk.bot.present.digest import slack_message
from copydesk.bot.settings import Settings

API_TIMEOUT = 30  # seconds for one Slack Web API call
RATE_LIMIT_RETRIES = 3  # 429s retried after their Retry-After
CONNECTION_RETRIES = 2

_BOT_TOKEN_RE = re.compile(r"xoxb-[A-Za-z0-9-]+")
_APP_TOKEN_RE = re.compile(r"xapp-[A-Za-z0-9-]+")


def check_tokens(settings: Settings, *, socket_mode: bool) -> None:
    """Refuse to start without usable Slack credentials. Raises BadInput with a one-line reason
    that names the variable (never its value). OAuth mode (client id and secret, no bot token)
    serves HTTP only and needs the signing secret and COPYDESK_SECRET_KEY (bot/app/oauth.py)."""
    token = settings.slack_bot_token
    if settings.oauth_mode:
        if socket_mode:
            raise BadInput(
                "Socket Mode serves one workspace: set SLACK_BOT_TOKEN, or serve many workspaces "
                "with `copydesk serve --http` (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET)"
            )
        from copydesk.bot.app import oauth

        _check_signing_secret(settings)
        oauth.check(settings)
        return
    if not token:
        raise BadInput(
            "SLACK_BOT_TOKEN is not set: give the app's bot token (xoxb-…, from OAuth & Permissions), "
            "or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install in many workspaces"
        )
    if not _BOT_TOKEN_RE.fullmatch(token):
        raise BadInput("SLACK_BOT_TOKEN is not a bot token: it should start with xoxb- (OAuth & Permissions)")
    if socket_mode:
        app_token = settings.slack_app_token
        if not app_token:
            raise BadInput(
                "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…, "
                "Basic Information > App-Level Tokens, scope connections:write)"
            )
        if not _APP_TOKEN_RE.fullmatch(app_token):
            raise BadInput("SLACK_APP_TOKEN is not an app-level token: it should start with xapp-")
    else:
        _check_signing_secret(settings)


def _check_signing_secret(settings: Settings) -> None:
    secret = settings.slack_signing_secret
    if not secret:
        raise BadInput(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's signing secret "
            "(Basic Information > App Credentials)"
        )
    if any(c.isspace() for c in secret) or not secret.isascii():
        raise BadInput("SLACK_SIGNING_SECRET is malformed: it should be the signing secret exactly as Slack shows it")


def api_error(exc: SlackApiError) -> str:
    """Slack's one-word reason for refusing a Web API call (e.g. `not_in_channel`), else the HTTP status."""
    data = exc.response.data
    return str(data.get("error") or "error") if isinstance(data, dict) else f"HTTP {exc.response.status_code}"


class _NoBodies(logging.Filter):
    """slack_sdk logs every Web API call's body and answer at DEBUG: a reply quotes articles (maybe
    a private channel's). Keep the method and the status, drop the bodies."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Sending a request - url: "):
            record.msg, record.args = message.split(", query_params", 1)[0] + " (body not logged)", None
        elif message.startswith("Received the following response - status: "):
            record.msg, record.args = message.split(", headers", 1)[0] + " (body not logged)", None
        return True


WEB_API_LOGGER = logging.getLogger("copydesk.slack.webapi")
WEB_API_LOGGER.addFilter(_NoBodies())


def web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Slack Web API client with the bot token (or `token`) and COPYDESK_SLACK_API_URL as its
    base URL (ending in "/": slack_sdk joins method names with urljoin). Connection errors and
    429s are retried, the latter after Slack's Retry-After."""
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=API_TIMEOUT,
        logger=WEB_API_LOGGER,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def slack_client(settings):
    """A Slack Web API client with the bot token, for posting outside the Slack app (the CLI's
    --post): COPYDESK_SLACK_API_URL as its base URL, and 429s retried after Retry-After."""
    return web_client(settings)


def post_digest(client: WebClient, channel: str, digest: dict) -> str:
    """Post the digest to a channel with chat.postMessage; returns the message's ts. Raises
    CopydeskError with Slack's one-word reason (e.g. not_in_channel) when it is refused."""
    text, blocks = slack_message(digest)
    try:
        response = client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
        )
    except SlackApiError as exc:
        raise CopydeskError(f"Slack refused the digest for {channel}: {exc.response.get('error', 'error')}") from None
    except OSError as exc:
        raise CopydeskError(f"could not reach Slack to post the digest: {exc.__class__.__name__}") from None
    return response["ts"]
