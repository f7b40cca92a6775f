"""OAuth distribution: installing Copydesk in many workspaces with Bolt's OAuth support.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set (and no SLACK_BOT_TOKEN), `serve --http` serves

    GET /slack/install          an "Add to Slack" page whose link carries a new `state` (single
                                use, expiring after STATE_SECONDS; also set as a browser cookie)
    GET /slack/oauth_redirect   Slack's redirect: the state checked (cookie and store), the code
                                exchanged with oauth.v2.access, the installation stored

and answers each workspace's requests with that workspace's bot token (Bolt's authorize
middleware finds it in the installation store). Everything goes through one WebClient whose base
URL is COPYDESK_SLACK_API_URL: oauth.v2.access (both the code exchange and the token refresh),
the auth.test of each token, every listener's calls. With token rotation enabled in the app, a
bot token that expires within TOKEN_ROTATION_MINUTES is refreshed (oauth.v2.access with the
refresh token) before it is used, and the new one saved.

Tokens at rest are encrypted with Fernet under COPYDESK_SECRET_KEY (one key, or several
comma-separated: the first encrypts, any decrypts, for rotating the key). OAuth mode refuses to
start without a valid key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from cryptography.fernet import Fernet, MultiFernet
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.token_rotation import TokenRotator

from copydesk.bot.errors import BadInput, CopydeskError
from copydesk.bot.settings import Settings
from copydesk.storage.archive import Archive
from copydesk.storage.installations import SQLiteInstallationStore, SQLiteOAuthStateStore

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes the install asks for: exactly manifest.yml's (tests/test_manifest.py checks).
SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "groups:history",
    "groups:read",
    "users:read",
)
STATE_SECONDS = 600  # an install link is good for 10 minutes, once
TOKEN_ROTATION_MINUTES = 120  # refresh a rotating bot token this long before it expires
KEY_HINT = 'make one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


# ---------------------------------------------------------------- checks at start
def cipher(settings: Settings) -> MultiFernet:
    """The cipher of stored tokens, from COPYDESK_SECRET_KEY. BadInput (one line) without a valid key."""
    raw = settings.secret_key
    if not raw:
        raise BadInput(f"COPYDESK_SECRET_KEY is not set: OAuth mode encrypts the stored tokens with it ({KEY_HINT})")
    try:
        return MultiFernet([Fernet(k.strip().encode()) for k in raw.split(",") if k.strip()])
    except (ValueError, TypeError):
        raise BadInput(
            f"COPYDESK_SECRET_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes; {KEY_HINT})"
        ) from None


def check(settings: Settings) -> None:
    """Refuse to start OAuth mode without what it needs. BadInput naming the variable, never its value."""
    if not settings.slack_signing_secret:
        raise BadInput(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's signing secret "
            "(Basic Information > App Credentials)"
        )
    if any(c.isspace() for c in settings.slack_client_id or "") or not (settings.slack_client_id or "").isascii():
        raise BadInput("SLACK_CLIENT_ID is malformed: it should be the client id exactly as Slack shows it")
    if settings.public_url and not settings.public_url.lower().startswith(("https://", "http://")):
        raise BadInput("COPYDESK_PUBLIC_URL must be the app's public base URL, starting with https://")
    cipher(settings)


def redirect_uri(settings: Settings) -> str | None:
    """{COPYDESK_PUBLIC_URL}/slack/oauth_redirect, or None: the redirect URL configured in the app."""
    return f"{settings.public_url}{REDIRECT_PATH}" if settings.public_url else None


# ---------------------------------------------------------------- what Bolt is given
@dataclass
class OAuth:
    """Bolt's OAuth settings and authorize middleware for an app, over the archive's stores."""

    settings: OAuthSettings
    authorize: InstallationStoreAuthorize
    store: SQLiteInstallationStore
    rotator: TokenRotator


def _success(args: SuccessArgs) -> BoltResponse:
    inst = args.installation
    log.info(
        "installed in workspace %s (%s)%s",
        inst.team_id or "-",
        inst.team_name or "unnamed",
        f", organisation {inst.enterprise_id}" if inst.enterprise_id else "",
    )
    return args.default.success(args)


def _failure(args: FailureArgs) -> BoltResponse:
    log.warning("an install was refused: %s", args.reason)
    return args.default.failure(args)


def build(settings: Settings, archive: Archive, client: WebClient, logger: logging.Logger) -> OAuth:
    """The OAuth pieces for `App(oauth_settings=..., authorize=...)`. `client` (no token,
    COPYDESK_SLACK_API_URL) is the one the flow and the token rotation call oauth.v2.access with."""
    check(settings)
    store = SQLiteInstallationStore(archive, cipher(settings), logger=logger)
    authorize = InstallationStoreAuthorize(
        logger=logger,
        installation_store=store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
        client=client,  # Bolt's own would call slack.com for the token refresh
    )
    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(SCOPES),
        user_scopes=[],
        redirect_uri=redirect_uri(settings),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        state_store=SQLiteOAuthStateStore(archive, expiration_seconds=STATE_SECONDS, logger=logger),
        state_expiration_seconds=STATE_SECONDS,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
        callback_options=CallbackOptions(success=_success, failure=_failure),
        logger=logger,
    )
    return OAuth(oauth_settings, authorize, store, authorize.token_rotator)


class TeamClients:
    """A workspace's Web API client outside a request (the daily digest): its stored bot token,
    refreshed first when token rotation is on and it is about to expire."""

    def __init__(self, oauth: OAuth, client_factory) -> None:
        self.oauth = oauth
        self.client_factory = client_factory  # token -> WebClient

    def __call__(self, team_id: str) -> WebClient:
        store = self.oauth.store
        inst = store.find_installation(enterprise_id=None, team_id=team_id)
        if inst is None or not inst.bot_token:
            raise CopydeskError(f"Copydesk is not installed in workspace {team_id}")
        try:
            refreshed = self.oauth.rotator.perform_token_rotation(
                installation=inst, minutes_before_expiration=TOKEN_ROTATION_MINUTES
            )
        except (SlackTokenRotationError, SlackApiError):
            raise CopydeskError(f"the bot token of workspace {team_id} could not be refreshed") from None
        if refreshed is not None:
            store.save(refreshed)
            inst = refreshed
        return self.client_factory(inst.bot_token)
