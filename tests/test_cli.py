"""The command line, driven as a user drives it: exit codes, output, and the archive file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
QUAKE = FIXTURES / "quake"


def archive_dump(path: Path) -> list[str]:
    """Everything the archive file holds, as SQL (empty when there is no file)."""
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def report_of(result) -> dict:
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    for key in ("claims", "attributions", "copied", "shared_quotes", "contradictions", "corroborated", "new"):
        for item in report[key]:
            if "text" in item:
                assert report["text"][item["start"] : item["end"]] == item["text"], (key, item)
            else:
                assert 0 <= item["start"] <= item["end"] <= len(report["text"])
    return report


# ---------------------------------------------------------------- demo
def test_demo_shows_copied_contradicted_shared_quote_and_new(cli):
    result = cli("demo", "--json")
    assert result.exit_code == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(reports) == 5
    by_outlet = {r["article"]["outlet"]: r for r in reports}

    reprint = by_outlet["Aldane Courier"]
    assert reprint["copied"], "the light-edit reprint of the wire story is found"
    assert {c["source"]["outlet"] for c in reprint["copied"]} == {"Meridian Wire"}
    assert reprint["copied_share"] > 0.5

    harbour = by_outlet["The Harbour Post"]
    numbers = [c for c in harbour["contradictions"] if c["kind"] == "number"]
    assert numbers and "231" in numbers[0]["text"] and "213" in numbers[0]["other_text"]

    coastline = by_outlet["Coastline Daily"]
    quotes = [c for c in coastline["contradictions"] if c["kind"] == "quote"]
    assert quotes and "taking on water" in quotes[0]["text"] and "not taking on water" in quotes[0]["other_text"]
    assert any(
        "deeply sorry" in q["text"] and q["source"]["outlet"] == "The Harbour Post" for q in coastline["shared_quotes"]
    )
    assert not any("deeply sorry" in c["text"] for c in coastline["copied"])

    times = by_outlet["The Tessaly Times"]
    assert any("radar inspection" in n["text"] for n in times["new"])
    assert not times["copied"]


def test_demo_prints_readable_report(cli):
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    for section in ("Copied", "Contradicted", "Shared quotes", "New", "copied share"):
        assert section in result.stdout
    assert "Meridian Wire" in result.stdout


# ---------------------------------------------------------------- copying
def test_light_edit_reprint_found_with_source_and_similarity(cli):
    assert cli("ingest", QUAKE / "01_wire.txt").exit_code == 0
    report = report_of(cli("analyze", QUAKE / "02_reprint.txt", "--json"))
    assert report["copied"]
    sources = {c["source"]["outlet"] for c in report["copied"]}
    assert sources == {"North Wire"}
    sims = [c["similarity"] for c in report["copied"]]
    assert all(0.85 <= s <= 1.0 for s in sims)
    assert min(sims) < 1.0, "light edits lower the similarity below verbatim"
    assert "Schools across the province" not in " ".join(c["text"] for c in report["copied"])
    assert 0.5 < report["copied_share"] < 1.0
    assert any("Schools across the province" in n["text"] for n in report["new"])


def test_verbatim_copy_has_similarity_one(cli, tmp_path):
    wire = (QUAKE / "01_wire.txt").read_text()
    body = wire.split("---\n", 1)[1]
    copy = tmp_path / "copy.txt"
    copy.write_text(
        "outlet: Copycat News\n---\n" + body.split("\n\n")[0] + "\n\nA sentence of our own follows here today.\n"
    )
    cli("ingest", QUAKE / "01_wire.txt")
    report = report_of(cli("analyze", copy, "--json"))
    assert report["copied"][0]["similarity"] == 1.0
    assert report["copied"][0]["source"]["outlet"] == "North Wire"


def test_shared_quote_is_not_copying(cli):
    cli("ingest", QUAKE / "03_statement_a.txt")
    report = report_of(cli("analyze", QUAKE / "04_statement_b.txt", "--json"))
    assert not report["copied"], "two outlets quoting one official is not copying"
    shared = [q for q in report["shared_quotes"] if "working through the night" in q["text"]]
    assert shared and shared[0]["source"]["outlet"] == "Orsk Herald"
    assert "Teodor" in shared[0]["speaker"]


def test_earliest_source_is_cited(cli):
    # the reprint is archived first, but the wire story was published earlier
    cli("ingest", QUAKE / "02_reprint.txt", QUAKE / "01_wire.txt")
    wire = (QUAKE / "01_wire.txt").read_text().split("---\n", 1)[1]
    report = report_of(cli("analyze", "-", "--json", input="outlet: Third Paper\n---\n" + wire.split("\n\n")[0]))
    assert report["copied"][0]["source"]["outlet"] == "North Wire"


# ---------------------------------------------------------------- ingest
def test_ingest_is_idempotent(cli, tmp_path):
    first = cli("ingest", QUAKE)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip().endswith("ingested 4, skipped 0, failed 0")
    before = archive_dump(tmp_path / "archive.db")
    again = cli("ingest", QUAKE)
    assert again.stdout.strip().endswith("ingested 0, skipped 4, failed 0")
    assert archive_dump(tmp_path / "archive.db") == before


def test_same_url_is_stored_once(cli, tmp_path):
    edited = tmp_path / "edited.txt"
    edited.write_text((QUAKE / "01_wire.txt").read_text().replace("at least 14 people", "at least 15 people"))
    result = cli("ingest", QUAKE / "01_wire.txt", edited)
    assert result.stdout.strip().endswith("ingested 1, skipped 1, failed 0")


def test_ingest_failures_are_listed_and_not_fatal(cli, tmp_path):
    result = cli("ingest", tmp_path / "missing.txt", QUAKE / "01_wire.txt")
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr
    assert result.stdout.strip().endswith("ingested 1, skipped 0, failed 1")


def test_store_then_later_articles_compare_with_it(cli):
    assert report_of(cli("analyze", QUAKE / "01_wire.txt", "--json", "--store"))["article"]["id"]
    report = report_of(cli("analyze", QUAKE / "02_reprint.txt", "--json"))
    assert report["copied"]


def test_compare_two_files(cli):
    report = report_of(cli("compare", QUAKE / "01_wire.txt", QUAKE / "02_reprint.txt", "--json"))
    assert report["article"]["outlet"] == "Valley Gazette"
    assert report["copied"] and report["copied"][0]["source"]["outlet"] == "North Wire"
    assert report["copied"][0]["source"]["article_id"] is None  # neither article is archived


def test_compare_orders_by_publication(cli):
    report = report_of(cli("compare", QUAKE / "02_reprint.txt", QUAKE / "01_wire.txt", "--json"))
    assert report["article"]["outlet"] == "Valley Gazette"


# ---------------------------------------------------------------- bad input
def _bad_inputs(tmp: Path) -> dict[str, Path | str]:
    (tmp / "empty.txt").write_text("")
    (tmp / "binary.txt").write_bytes(bytes(range(256)) * 40)
    big = tmp / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    with big.open("r+b") as fh:
        fh.write(b"The big file. " * 1000)
    (tmp / "latin1.txt").write_bytes("Le caf\xe9 de la gare a ferm\xe9 ses portes hier soir.".encode("latin-1"))
    (tmp / "french.txt").write_text(
        "Le gouvernement a annoncé mardi une nouvelle réforme des retraites qui doit entrer en vigueur "
        "l'année prochaine, selon un communiqué publié par le ministère du Travail à Paris."
    )
    (tmp / "header_only.txt").write_text("title: A headline\noutlet: Somewhere\n---\n\n")
    return {
        "missing": tmp / "no-such-file.txt",
        "empty": tmp / "empty.txt",
        "binary": tmp / "binary.txt",
        "20MB": big,
        "invalid-utf8": tmp / "latin1.txt",
        "non-English": tmp / "french.txt",
        "header-no-body": tmp / "header_only.txt",
    }


@pytest.mark.parametrize(
    "kind", ["missing", "empty", "binary", "20MB", "invalid-utf8", "non-English", "header-no-body"]
)
@pytest.mark.parametrize("command", ["analyze", "ingest"])
def test_bad_input_exit_2_and_archive_unchanged(cli, tmp_path, kind, command):
    cli("ingest", QUAKE / "01_wire.txt")
    before = archive_dump(tmp_path / "archive.db")
    assert before
    path = _bad_inputs(tmp_path)[kind]
    args = ("analyze", path, "--store") if command == "analyze" else ("ingest", path)
    result = cli(*args)
    assert result.exit_code == 2, (kind, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert archive_dump(tmp_path / "archive.db") == before


def test_corrupt_database_exit_2_and_untouched(cli, tmp_path):
    db = tmp_path / "corrupt.db"
    junk = b"this is not a database " * 200
    db.write_bytes(junk)
    result = cli("analyze", QUAKE / "01_wire.txt", "--store", "--db", db)
    assert result.exit_code == 2
    assert "is not a Copydesk database or is corrupt" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == junk


@pytest.mark.parametrize("where", ["missing-folder", "a-directory"])
def test_unwritable_database_exit_2(cli, tmp_path, where):
    target = tmp_path / "nowhere" / "x.db" if where == "missing-folder" else tmp_path
    result = cli("ingest", QUAKE / "01_wire.txt", "--db", target)
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nowhere").exists()


def test_analyze_stdin(cli):
    text = (QUAKE / "01_wire.txt").read_text()
    report = report_of(cli("analyze", "-", "--json", input=text))
    assert report["article"]["outlet"] == "North Wire"
    assert report["article"]["words"] > 100


def test_usage_error_exit_2(cli):
    assert cli("analyze").exit_code == 2
    assert cli("frobnicate").exit_code == 2


def test_console_script_installed(tmp_path):
    """The installed `copydesk` command itself: a bad input is exit 2 with one line, no traceback."""
    exe = Path(sys.executable).with_name("copydesk")
    result = subprocess.run(
        [str(exe), "analyze", str(tmp_path / "nope.txt")], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "nope.txt" in result.stderr


def test_independent_rewrites_are_not_copies(cli):
    """Two outlets rewriting one press release share facts, not wording: no copying, corroboration."""
    rewrites = FIXTURES / "rewrites"
    cli("ingest", rewrites / "a.txt")
    report = report_of(cli("analyze", rewrites / "b.txt", "--json"))
    assert report["copied"] == [] and report["copied_share"] == 0
    assert report["contradictions"] == []
