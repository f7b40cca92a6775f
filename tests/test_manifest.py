"""manifest.yml: valid against Slack's app manifest JSON schema (../shared/slack/manifest-schema,
read in place), every bot event with its scope, no scope beyond what the app uses, and exactly the
slash commands the app answers."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from copydesk.bot.app.oauth import REDIRECT_PATH, SCOPES
from copydesk.handlers.commands import COMMANDS
from copydesk.handlers.settings import COMMAND as SETTINGS_COMMAND
from copydesk.handlers.shortcuts import CHECK_COVERAGE

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "slack" / "manifest-schema"
MANIFEST = ROOT / "manifest.yml"

# Each bot event and the scopes Slack requires for it (Slack's event reference).
EVENT_SCOPES = {
    "app_home_opened": set(),
    "app_mention": {"app_mentions:read"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "app_uninstalled": set(),
    "tokens_revoked": set(),
}
# The Web API methods the app calls and the bot scopes each needs.
METHOD_SCOPES = {
    "chat.postMessage": {"chat:write"},
    "conversations.info": {"channels:read", "groups:read"},  # public and private channels
    "chat.getPermalink": set(),
    "users.info": {"users:read"},  # only admins change the settings
    "views.publish": set(),  # App Home
    "views.open": set(),  # the settings modal and the Full report
}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text())


def _validator():
    """Slack's entry schema with its remote $refs resolved to the local copies (SOURCE.md: the
    entry file names the version files by URL; the files sit in schemas/ under the same names)."""
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    if not SCHEMA_DIR.is_dir():
        pytest.skip("../shared/slack/manifest-schema is not beside the project")
    entry = json.loads((SCHEMA_DIR / "manifest.schema.json").read_text())
    refs: set[str] = set()

    def collect(node) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("http"):
                refs.add(ref.split("#", 1)[0])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(entry)
    assert refs, "the entry schema refers to no version schema"
    resources = []
    for url in refs:
        local = SCHEMA_DIR / "schemas" / url.rsplit("/", 1)[-1]
        assert local.is_file(), f"{url} has no local copy"
        resources.append((url, Resource.from_contents(json.loads(local.read_text()), default_specification=DRAFT7)))
    return Draft7Validator(entry, registry=Registry().with_resources(resources))


def _problem(document: dict) -> str | None:
    """Why the schema refuses `document` (its most relevant error), or None."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(document))
    return None if error is None else f"{list(error.absolute_path)}: {error.message}"


def test_manifest_is_valid_against_slacks_schema(manifest):
    assert _problem(manifest) is None


@pytest.mark.parametrize(
    "path, value",
    [
        (("display_information", "name"), "C" * 36),  # names are at most 35 characters
        (("features", "slash_commands", 0, "command"), "compare"),  # commands start with /
        (("settings", "unknown_key"), True),  # no unknown keys
    ],
)
def test_the_schema_check_is_real(manifest, path, value):
    broken = json.loads(json.dumps(manifest))
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert _problem(broken) is not None


def test_each_bot_event_has_its_scope_and_no_scope_is_unused(manifest):
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == set(EVENT_SCOPES)
    for event in events:
        assert EVENT_SCOPES[event] <= scopes, f"{event} needs {EVENT_SCOPES[event] - scopes}"
    needed = set().union(*EVENT_SCOPES.values(), *METHOD_SCOPES.values(), {"commands"})
    assert scopes == needed


def test_the_message_shortcut_is_declared_as_the_app_answers_it(manifest):
    shortcuts = manifest["features"]["shortcuts"]
    assert [(s["type"], s["callback_id"], s["name"]) for s in shortcuts] == [
        ("message", CHECK_COVERAGE, "Check coverage")
    ]
    assert "commands" in manifest["oauth_config"]["scopes"]["bot"]  # shortcuts need it
    broken = json.loads(json.dumps(manifest))
    broken["features"]["shortcuts"][0]["type"] = "message_action"  # the payload's name, not the manifest's
    assert _problem(broken) is not None


def test_urls_socket_mode_and_commands_settings(manifest):
    settings = manifest["settings"]
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    urls += [c["url"] for c in manifest["features"]["slash_commands"]]
    assert all(u.startswith("https://") and u.endswith("/slack/events") for u in urls)
    assert settings["socket_mode_enabled"] is True and settings["interactivity"]["is_enabled"] is True
    for command in manifest["features"]["slash_commands"]:
        assert command["should_escape"] is False and command["usage_hint"] and command["description"]


def test_the_commands_are_exactly_those_the_app_answers(manifest, tmp_path):
    from slack_bolt import BoltRequest
    from slack_fake import FakeSlack, signature

    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.app.bolt import build_app
    from copydesk.bot.app.workers import Workers
    from copydesk.bot.settings import Settings
    from copydesk.storage.archive import Archive

    names = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert sorted(names) == sorted((*COMMANDS, SETTINGS_COMMAND))
    fake = FakeSlack()
    archive = Archive.open(tmp_path / "m.db")
    workers = Workers()
    try:
        settings = Settings(
            db_path=str(tmp_path / "m.db"),
            slack_bot_token="xoxb-1-2-manifest",
            slack_signing_secret="manifest-secret",
            slack_api_url=fake.url,
            tz="UTC",
        )
        app = build_app(settings, archive, Analyzer(archive, settings), workers=workers)

        def dispatch(command: str) -> int:
            body = urlencode(
                {
                    "team_id": "T1",
                    "channel_id": "C1",
                    "user_id": "U1",
                    "command": command,
                    "text": "help",
                    "response_url": fake.response_url(command.strip("/")),
                }
            )
            ts = str(int(time.time()))
            headers = {
                "content-type": ["application/x-www-form-urlencoded"],
                "x-slack-request-timestamp": [ts],
                "x-slack-signature": [signature("manifest-secret", ts, body.encode())],
            }
            return app.dispatch(BoltRequest(body=body, headers=headers)).status

        assert [dispatch(name) for name in names] == [200] * len(names)
        assert dispatch("/not-in-the-manifest") == 404
        assert workers.wait_idle(20)
    finally:
        workers.shutdown(5)
        archive.close()
        fake.close()


def test_oauth_redirect_home_tab_and_the_scopes_the_install_asks_for(manifest):
    """OAuth distribution: the redirect URL on the events' host, the home tab on, and the install
    (bot/app/oauth.py) asking for exactly the manifest's bot scopes."""
    urls = manifest["oauth_config"]["redirect_urls"]
    events_host = manifest["settings"]["event_subscriptions"]["request_url"].split("/slack/")[0]
    assert urls == [events_host + REDIRECT_PATH]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
