"""The layout's dependency rules, read from the source's imports (no module is imported here):
the engine never imports Slack, the CLI's or the terminal's libraries, the app or the handlers;
storage imports nothing of the engine but the data model and errors; the handlers never import
the app factory or the server; SQL is written only in storage/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"bot": "copydesk.bot", "handlers": "copydesk.handlers", "storage": "copydesk.storage"}

ENGINE = ("copydesk.bot.reading", "copydesk.bot.language", "copydesk.bot.analysis")
ENGINE_MAY_NOT = (
    "slack_bolt",
    "slack_sdk",
    "click",
    "rich",
    "starlette",
    "uvicorn",
    "copydesk.handlers",
    "copydesk.bot.app",
    "copydesk.bot.present",
    "copydesk.bot.cli",
)
STORAGE_MAY = ("copydesk.storage", "copydesk.bot.model", "copydesk.bot.errors")
HANDLERS_MAY_NOT = ("copydesk.bot.app.bolt", "copydesk.bot.app.server", "copydesk.bot.cli")
SQL = re.compile(
    r"\b(SELECT\s+(DISTINCT\s+)?[\w*(][^;]*?\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET"
    r"|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIRTUAL\s+TABLE))\b"
)


def modules() -> dict[str, Path]:
    out = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            name = ".".join((package, *parts))
            out[name.removesuffix(".__init__")] = path
    return out


def imports(name: str, path: Path) -> set[str]:
    """Every module `path` imports, absolute (relative imports resolved against `name`)."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return found


def _under(mod: str, prefixes: tuple[str, ...]) -> bool:
    return any(mod == p or mod.startswith(p + ".") for p in prefixes)


ALL = modules()


def test_the_layout_is_what_the_readme_maps():
    for package in ("reading", "language", "analysis", "present", "app"):
        init = ROOT / "bot" / package / "__init__.py"
        assert init.exists() and ast.get_docstring(ast.parse(init.read_text())), f"bot/{package} needs a docstring"
    readme = (ROOT / "README.md").read_text()
    for package in ("reading", "language", "analysis", "present", "app"):
        assert f"\n  {package}/ " in readme, f"README's architecture map does not name bot/{package}/"


@pytest.mark.parametrize("name", [n for n in ALL if _under(n, ENGINE)])
def test_the_engine_imports_no_slack_cli_terminal_or_app(name):
    bad = sorted(m for m in imports(name, ALL[name]) if _under(m, ENGINE_MAY_NOT))
    assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("name", [n for n in ALL if _under(n, ("copydesk.storage",))])
def test_storage_imports_only_the_data_model_and_errors_of_copydesk(name):
    bad = sorted(m for m in imports(name, ALL[name]) if m.startswith("copydesk") and not _under(m, STORAGE_MAY))
    assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("name", [n for n in ALL if _under(n, ("copydesk.handlers",))])
def test_handlers_never_import_the_app_factory_or_the_server(name):
    bad = sorted(m for m in imports(name, ALL[name]) if _under(m, HANDLERS_MAY_NOT))
    assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("name", [n for n in ALL if not _under(n, ("copydesk.storage",))])
def test_sql_lives_only_in_storage(name):
    assert not sql_in(name)


def sql_in(name: str) -> list[str]:
    source = ALL[name].read_text()
    tree = ast.parse(source)
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    docstrings = {
        ast.get_docstring(n, clean=False)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
    }
    return [s for s in strings if s not in docstrings and SQL.search(s)]


def test_the_rules_can_fail():
    """The checks see a forbidden import and a SQL string when there is one."""
    assert _under("slack_sdk.errors", ENGINE_MAY_NOT)
    assert SQL.search("SELECT id FROM articles") and SQL.search("INSERT OR REPLACE INTO t")
    assert not SQL.search("select the best passage")
