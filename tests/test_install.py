"""A fresh install works as README.md says: every runtime import is a declared dependency (and
nothing only tests use is), the lazily imported paths of the installed package run (a web page
through trafilatura, from a file and from a link), README documents every command and option, and
`analyze` of an article already archived reports `seen_before`."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_DIRS = ("bot", "handlers", "storage")


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> tuple[set[str], set[str]]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    test = {_name(r) for r in project["optional-dependencies"]["test"]}
    return runtime, test


def _imported_modules() -> dict[str, str]:
    """Top-level modules imported anywhere in the runtime code (at module level or lazily): name -> a file."""
    found: dict[str, str] = {}
    for folder in RUNTIME_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_runtime_import_is_a_declared_dependency_and_test_tools_are_not():
    runtime, test = _declared()
    owners = metadata.packages_distributions()
    missing = {}
    for module, where in _imported_modules().items():
        if module in sys.stdlib_module_names or module == "copydesk":
            continue
        dists = {d.lower().replace("_", "-") for d in owners.get(module, [module])}
        if not dists & runtime:
            missing[module] = where
    assert not missing, f"imported but not declared in [project].dependencies: {missing}"
    assert not test & runtime, "a test-only tool is declared as a runtime dependency"
    imported = {d.lower().replace("_", "-") for m in _imported_modules() for d in owners.get(m, [])}
    assert not (test & imported), "runtime code imports a test-only dependency"


def test_ci_installs_exactly_as_readme_line_2():
    readme = (ROOT / "README.md").read_text().split("```", 2)[1].strip().splitlines()
    ci = (ROOT / ".ci" / "run").read_text()
    assert readme[1] in ci and "pip install --upgrade pip" not in ci and "-U pip" not in ci


def _copydesk(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """The installed `copydesk` console script in its own process (nothing the tests imported)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPYDESK_"))}
    clean.update(env)
    exe = Path(sys.executable).with_name("copydesk")
    return subprocess.run([str(exe), *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=300)


def test_the_demo_reads_a_web_page_end_to_end(tmp_path):
    """README line 1 ends in `copydesk demo`: one of its samples is an HTML page (trafilatura)."""
    result = _copydesk("demo", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    page = next(r for r in reports if r["article"]["outlet"] == "The Tessaly Times")
    assert page["article"]["url"] == "https://tessalytimes.example/local/corrin-star-inspection-report"
    assert page["article"]["title"] == "Corrin Star failed a radar inspection in January, report shows"
    assert "412 Articles" not in page["text"] and "You may also like" not in page["text"]
    assert any("radar inspection" in n["text"] for n in page["new"])


def test_analyze_reads_a_link_to_a_local_page(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from slack_fake import Pages

    site = Pages({"/story": (ROOT / "tests" / "fixtures" / "slack" / "courier_bridge.html").read_text()})
    try:
        result = _copydesk(
            "analyze",
            site.url("/story"),
            "--json",
            cwd=tmp_path,
            COPYDESK_DB=str(tmp_path / "a.db"),
            COPYDESK_FETCH_ALLOW_HOSTS="127.0.0.1",
        )
    finally:
        site.close()
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["article"]["outlet"] == "Kestrel Bay Courier" and report["seen_before"] is None
    assert site.hits == ["/story"]


def test_analyze_of_a_stored_articles_text_reports_seen_before(cli, tmp_path):
    article = ROOT / "tests" / "fixtures" / "slack" / "gazette_bridge.txt"
    assert cli("ingest", article, ROOT / "tests" / "fixtures" / "slack" / "wire_bridge.txt").exit_code == 0
    body = article.read_text().split("---\n", 1)[1]  # the same text, pasted without its header
    result = cli("analyze", "-", "--json", input=body)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    seen = report["seen_before"]
    assert seen["outlet"] == "Kestrel Bay Gazette" and seen["article_id"] == "1"
    assert seen["url"] == "https://kestrelgazette.example/news/marlow-street-bridge-closure"
    # compared with the rest of the coverage, not with itself
    assert report["compared_with"] == 1
    assert all(c["source"]["article_id"] != "1" for c in report["copied"])
    assert report["copied_share"] < 0.5
    text = cli("analyze", article).stdout
    assert "Seen before" in text and "Kestrel Bay Gazette" in text
    new = cli("analyze", ROOT / "tests" / "fixtures" / "slack" / "herald_bridge.txt", "--json")
    assert json.loads(new.stdout)["seen_before"] is None


def _commands_and_options():
    from copydesk.bot.cli import cli

    for name, command in sorted(cli.commands.items()):
        opts = [
            o
            for p in command.params
            if not getattr(p, "hidden", False)
            for o in getattr(p, "opts", [])
            if o.startswith("--")
        ]
        yield name, opts


def test_every_cli_command_and_option_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text()
    commands = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `copydesk (\w+)[^|]*\|.*$", commands, re.MULTILINE)}
    undocumented = []
    for name, opts in _commands_and_options():
        if name not in rows:
            undocumented.append(name)
            continue
        for opt in opts:
            if opt == "--db":
                continue  # documented once for every command, checked below
            if opt not in rows[name]:
                undocumented.append(f"{name} {opt}")
    assert not undocumented, f"not documented in README's Commands: {undocumented}"
    assert "`--db PATH` on any command" in commands
    assert all("--db" in opts for name, opts in _commands_and_options()), "a command without --db"


def test_the_documentation_check_can_fail(monkeypatch):
    import click

    from copydesk.bot.cli import cli

    @click.command()
    @click.option("--frobnicate", is_flag=True)
    def frob(frobnicate: bool) -> None:
        """Not in README."""

    monkeypatch.setitem(cli.commands, "frob", frob)
    with pytest.raises(AssertionError, match="frob"):
        test_every_cli_command_and_option_is_documented_in_readme()
