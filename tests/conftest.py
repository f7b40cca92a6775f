"""Shared fixtures. The spaCy model loads once per test session (the `nlp` fixture and the CLI
running in-process share the same cached pipeline)."""

from __future__ import annotations

import io
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def nlp():
    from copydesk.bot.language import nlp as nlpmod

    return nlpmod.load()


@pytest.fixture
def short_articles(monkeypatch):
    """For cases of a sentence or three, not articles: lift the article minimum (20 words) that
    `analyze` and `ingest` apply to real input."""
    monkeypatch.setenv("COPYDESK_MIN_WORDS", "1")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    return SEEDS


@pytest.fixture
def served(settings, nlp):
    """The Slack app as `copydesk serve --http` runs it, with the test module's `settings`."""
    from slack_fake import ServedApp

    app = ServedApp(settings, nlp=nlp)
    yield app
    app.close()


@pytest.fixture
def slack(served, settings):
    """Signed Slack requests to the served app's events endpoint."""
    from slack_fake import SlackSender

    return SlackSender(served.url + "/slack/events", settings.slack_signing_secret)


def old_archive(path: Path, before: str) -> sqlite3.Connection:
    """An archive as an older Copydesk left it: the schema up to, not including, the first
    migration whose script contains `before`; an open connection (autocommit) to fill it with."""
    from copydesk.storage import schema

    mine = next(i for i, m in enumerate(schema.MIGRATIONS) if before in m)
    conn = sqlite3.connect(path, isolation_level=None)
    for target, script in enumerate(schema.MIGRATIONS[:mine], start=1):
        for statement in schema._statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {target}")
    return conn


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


class _Stdin(io.TextIOWrapper):
    pass


@pytest.fixture
def cli(nlp, monkeypatch, tmp_path):
    """Run `copydesk ARGS` in-process, as a user runs it: returns exit code, stdout and stderr.
    COPYDESK_DB defaults to a fresh file in the test's temp dir."""
    from copydesk.bot.cli import main

    monkeypatch.setenv("COPYDESK_DB", str(tmp_path / "archive.db"))
    monkeypatch.chdir(tmp_path)

    def run(*args: str, input: bytes | str | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        data = input.encode() if isinstance(input, str) else (input or b"")
        stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
        old = sys.stdout, sys.stderr, sys.stdin
        sys.stdout, sys.stderr, sys.stdin = out, err, stdin
        code = 0
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.stdout, sys.stderr, sys.stdin = old
        return CliResult(code, out.getvalue(), err.getvalue())

    return run
