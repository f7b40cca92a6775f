"""Shared fixtures. The spaCy model loads once per test session (the `nlp` fixture and the CLI
running in-process share the same cached pipeline)."""

from __future__ import annotations

import io
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
