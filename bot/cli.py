"""The `copydesk` command line (see INTERFACE.md). Exit status: 0 success; 2 bad usage or bad
input, with a one-line reason on standard error; 1 anything else."""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import click
from rich.console import Console

from copydesk.bot.errors import BadInput, CopydeskError
from copydesk.bot.settings import Settings

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _settings(db: str | None) -> Settings:
    return Settings.from_env(db_path=db)


def _fetcher(settings: Settings):
    """The guarded link fetcher for the reader (refusals as BadInput naming the link)."""
    from copydesk.bot.reading import reader

    return reader.fetcher(settings.fetch_allow_hosts)


def _open_archive(settings: Settings):
    from copydesk.storage.archive import Archive

    return Archive.open(settings.db_path, busy_timeout=settings.busy_timeout)


def _read_one(arg: str, settings: Settings):
    from copydesk.bot.reading import reader

    sources = reader.expand([arg])
    if len(sources) != 1:
        raise BadInput(f"{arg}: give one article (a file, a URL or -), not {len(sources)}")
    return reader.read(sources[0], fetch=_fetcher(settings), min_words=settings.min_words)


def _out(console: Console, report, as_json: bool, heading: str | None = None) -> None:
    from copydesk.bot.present.terminal import print_report

    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report.to_dict(), console, heading=heading)


INGEST_BATCH = 500  # articles stored in one transaction by `ingest` (fewer, larger FTS segments)

db_option = click.option("--db", "db", metavar="PATH", help="SQLite archive (overrides COPYDESK_DB).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="copydesk")
def cli() -> None:
    """Copydesk: what an article copied, contradicts, corroborates and adds, against earlier coverage."""


def _rate_column():
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:.0f} articles/s" if task.speed else "", style="progress.data.speed")

    return Rate()


_worker: dict = {}  # an ingest worker process's fetcher and minimum article length, set when it starts


def _start_worker(settings: Settings) -> None:
    _worker.update(fetch=_fetcher(settings), min_words=settings.min_words)


def _read_and_index(src):
    """In a worker process: the source read (or the reason it cannot be) and what storing it
    computes from the article alone (its index and story keys)."""
    from copydesk.bot.analysis import ingest
    from copydesk.bot.reading import reader

    try:
        article = reader.read(src, fetch=_worker["fetch"], min_words=_worker["min_words"])
    except BadInput as exc:
        return src, exc, None
    return src, article, ingest.prepare(article)


AUTO_JOBS_MIN = 1_000  # sources from which `ingest` reads in worker processes unless told (--jobs)


def _readers(jobs: int, items: list) -> int:
    """How many worker processes read and prepare: --jobs N (1: none, the writer reads); by
    default (0) one per core but the writer's for a large ingest, none for a small one (starting
    them costs about a second)."""
    if jobs:
        return 0 if jobs == 1 else jobs
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(8, cores - 1) if cores > 1 and len(items) >= AUTO_JOBS_MIN else 0


def _prepared(items: list, settings: Settings, readers: int):
    """(source, Article or BadInput, ingest.Prepared or None) for each source, in order; with
    readers, read and prepared by that many worker processes (standard input is always read here)."""
    if readers and not any(src.kind == "stdin" for src in items):
        import multiprocessing

        # windows of sources, the next one read while this one is stored: memory stays bounded
        windows = [items[k : k + 2 * INGEST_BATCH] for k in range(0, len(items), 2 * INGEST_BATCH)]
        with multiprocessing.get_context("spawn").Pool(readers, _start_worker, (settings,)) as pool:
            current = pool.imap(_read_and_index, windows[0], chunksize=8) if windows else iter(())
            for k in range(len(windows)):
                ahead = pool.imap(_read_and_index, windows[k + 1], chunksize=8) if k + 1 < len(windows) else None
                yield from current
                current = ahead
        return
    from copydesk.bot.reading import reader

    for src, result in reader.iter_read(items, fetch=_fetcher(settings), min_words=settings.min_words):
        yield src, result, None


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--jobs",
    type=click.IntRange(0, 64),
    default=0,
    show_default="0: one per core for 1,000 sources or more",
    help="Processes reading and preparing articles (1: the one writing the archive does it all).",
)
@db_option
def ingest(sources: tuple[str, ...], jobs: int, db: str | None) -> None:
    """Add articles (files, directories, URLs, or - for stdin) to the archive, in order."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from copydesk.bot.analysis.ingest import store
    from copydesk.bot.reading import reader

    settings = _settings(db)
    items = reader.expand(list(sources))
    archive = _open_archive(settings)
    archive.prepare_bulk_writes()
    ingested = skipped = 0
    failures: list[str] = []
    progress = Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        _rate_column(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    )
    try:
        results = _prepared(items, settings, _readers(jobs, items))
        with progress:
            task = progress.add_task("ingest", total=len(items))
            while True:
                # a batch of articles per transaction: SQLite commits and FTS segments per batch
                batch = list(itertools.islice(results, INGEST_BATCH))
                if not batch:
                    break
                with archive.transaction():
                    for _src, result, prepared in batch:
                        if isinstance(result, BadInput):
                            failures.append(str(result))
                        else:
                            _, created = store(archive, result, prepared=prepared)
                            ingested += created
                            skipped += not created
                        progress.advance(task)
    finally:
        archive.close()
    for failure in failures:
        err.print(f"failed: {failure}", markup=False)
    click.echo(f"ingested {ingested}, skipped {skipped}, failed {len(failures)}")
    if failures:
        sys.exit(2)


@cli.command()
@click.option("--limit", type=click.IntRange(1), help="Enrich at most this many articles (the most recent).")
@click.option(
    "--reports",
    is_flag=True,
    help="Then cache the reports of the articles archived in the last 36 hours (what a digest summarises).",
)
@db_option
def enrich(limit: int | None, reports: bool, db: str | None) -> None:
    """Compute the NLP features of archived articles that lack them, most recent first, so that
    replies never compute them (run after a backfill; `serve` also does it in the background)."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.analysis.enrich import enrich as run_enrich
    from copydesk.bot.analysis.enrich import enrich_reports, recent_since

    settings = _settings(db)
    archive = _open_archive(settings)
    try:
        analyzer = Analyzer(archive, settings)
        todo = archive.count_lacking_features(analyzer.version)
        total = min(todo, limit) if limit else todo
        progress = Progress(
            TextColumn("enriching"),
            BarColumn(),
            MofNCompleteColumn(),
            _rate_column(),
            TimeRemainingColumn(),
            console=err,
            disable=not err.is_terminal,
            transient=True,
        )
        t = time.perf_counter()
        with progress:
            task = progress.add_task("enrich", total=total)
            done = run_enrich(analyzer, limit=limit, progress=lambda n: progress.advance(task, n))
        took = time.perf_counter() - t
        cached = 0
        if reports:
            with Progress(
                TextColumn("caching reports"),
                MofNCompleteColumn(),
                _rate_column(),
                console=err,
                disable=not err.is_terminal,
                transient=True,
            ) as progress:
                task = progress.add_task("reports", total=None)
                cached = enrich_reports(analyzer, recent_since(), progress=lambda n: progress.advance(task, n))
    finally:
        archive.close()
    rate = f" ({done / took:.1f} articles/s)" if done and took > 0 else ""
    click.echo(f"enriched {done}{rate}, {todo - done} left" + (f"; cached {cached} reports" if reports else ""))


@cli.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
@click.option("--store", is_flag=True, help="Add the article to the archive after the analysis.")
@click.option("--team", metavar="TEAM_ID", help="Apply this Slack workspace's settings (default: the CLI's own).")
@db_option
def analyze(source: str, as_json: bool, store: bool, team: str | None, db: str | None) -> None:
    """Analyse one article (a file, a URL, or - for stdin) against the archive."""
    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.errors import ArchiveBusy
    from copydesk.storage import settings as settingstore

    settings = _settings(db)
    article = _read_one(source, settings)  # read before touching the archive: bad input changes nothing
    archive = _open_archive(settings)
    not_stored: ArchiveBusy | None = None
    try:
        tuning = settingstore.effective(archive, team or "")
        analyzer = Analyzer(archive, settings)
        if store:
            analyzer.nlp  # noqa: B018 (load the model before taking the write lock)
            try:
                with archive.transaction():  # the write lock first (waited for), then the analysis
                    report = analyzer.analyze(article, store=True, tuning=tuning)
            except ArchiveBusy as exc:
                not_stored = exc
                report = analyzer.analyze(article, tuning=tuning)  # needs no write lock
        else:
            report = analyzer.analyze(article, tuning=tuning)
    finally:
        archive.close()
    _out(Console(highlight=False, soft_wrap=True), report, as_json)
    if not_stored is not None:
        err.print(f"copydesk: not stored: {not_stored}", markup=False)
        sys.exit(not_stored.exit_code)


@cli.command()
@click.argument("first")
@click.argument("second")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
@db_option
def compare(first: str, second: str, as_json: bool, db: str | None) -> None:
    """Two articles side by side: the later one against the earlier one (no archive needed; --db
    is accepted like on every command and only names where settings would keep it)."""
    from copydesk.bot.analysis.engine import Analyzer

    settings = _settings(db)
    a, b = _read_one(first, settings), _read_one(second, settings)
    report = Analyzer(None, settings).compare(a, b)
    _out(Console(highlight=False, soft_wrap=True), report, as_json)


@contextmanager
def _demo_db(db: str | None):
    if db:
        yield db
        return
    with tempfile.TemporaryDirectory(prefix="copydesk-demo-") as tmp:
        yield str(Path(tmp) / "demo.db")


def demo_paths() -> list[Path]:
    folder = resources.files("copydesk.bot") / "samples"
    return sorted((Path(str(p)) for p in folder.iterdir() if p.name.endswith((".txt", ".html"))), key=lambda p: p.name)


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON lines.")
def demo(db: str | None, as_json: bool) -> None:
    """Analyse the built-in fictional coverage, each article against the ones before it."""
    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.reading import reader

    console = Console(highlight=False, soft_wrap=True)
    with _demo_db(db) as path:
        settings = _settings(path)
        articles = [reader.read(s) for s in reader.expand([str(p) for p in demo_paths()])]
        archive = _open_archive(settings)
        try:
            if not as_json:
                pages = sum(1 for p in demo_paths() if p.suffix == ".html")
                console.print(
                    f"[bold]Copydesk demo[/bold]: {len(articles)} fictional articles about one event "
                    f"({pages} of them a saved web page), each analysed against the ones before it "
                    f"(archive: {path}).\n"
                )
            analyzer = Analyzer(archive, settings)
            for article in articles:
                report = analyzer.analyze(article, store=True)
                if as_json:
                    click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
                else:
                    from copydesk.bot.present.terminal import print_report

                    print_report(report.to_dict(), console)
        finally:
            archive.close()


@cli.command("settings")
@click.option("--team", metavar="TEAM_ID", default="", help="The Slack workspace (default: the CLI's own archive).")
@click.option(
    "--channel", metavar="CHANNEL_ID", default="", help="One channel's own settings (overriding the workspace's)."
)
@click.option(
    "--set",
    "changes",
    metavar="NAME=VALUE",
    multiple=True,
    help="Change a setting (repeatable); VALUE 'inherit' goes back to the workspace's value or the default.",
)
@db_option
def settings_command(team: str, channel: str, changes: tuple[str, ...], db: str | None) -> None:
    """Show (or change) the analysis settings in force: recency_days, copy_threshold,
    min_passage_words, min_article_words, answer_mode. The same settings that App Home edits."""
    from copydesk.bot.model import SETTING, SETTINGS
    from copydesk.storage import settings as settingstore

    parsed: dict = {}
    for change in changes:
        name, _, value = change.partition("=")
        name = name.strip().replace("-", "_")
        if name not in SETTING or not _:
            raise BadInput(f"--set {change!r}: use NAME=VALUE with NAME one of {', '.join(SETTING)}")
        parsed[name] = None if value.strip().lower() == "inherit" else SETTING[name].parse(value)
    settings = _settings(db)
    archive = _open_archive(settings)
    try:
        if parsed:
            settingstore.update(archive, team, channel, parsed)
        values = settingstore.effective(archive, team, channel)
        origins = settingstore.origins(archive, team, channel)
    finally:
        archive.close()
    where = (f"channel {channel} of " if channel else "") + (f"workspace {team}" if team else "the CLI's archive")
    click.echo(f"settings of {where}:")
    for s in SETTINGS:
        click.echo(f"  {s.name:<18} {SETTING[s.name].show(getattr(values, s.name)):<16} ({origins[s.name]})")


@cli.command()
@click.option(
    "--date", "day", metavar="YYYY-MM-DD", help="The day, in COPYDESK_TZ (else this machine's zone); default today."
)
@click.option("--json", "as_json", is_flag=True, help="Print the digest as JSON.")
@click.option(
    "--post", "channel", metavar="CHANNEL", help="Also post it to this Slack channel now (needs SLACK_BOT_TOKEN)."
)
@db_option
def digest(day: str | None, as_json: bool, channel: str | None, db: str | None) -> None:
    """The day's stories, grouped, ranked by how widely they were covered: outlets, who had it
    first, copying, contradictions and new claims (every article the CLI archived)."""
    from copydesk.bot.analysis import digest as digestmod
    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.model import CLI_SCOPE

    settings = _settings(db)
    tz = digestmod.resolve_zone(settings.tz)
    the_day = digestmod.parse_day(day) if day is not None else digestmod.today(tz)
    if channel is not None and not settings.slack_bot_token:
        raise BadInput("--post needs SLACK_BOT_TOKEN (the bot token, xoxb-…)")
    archive = _open_archive(settings)
    try:
        result = digestmod.build_digest(archive, Analyzer(archive, settings), CLI_SCOPE, the_day, tz)
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        from copydesk.bot.present.digest import print_digest

        print_digest(result, Console(highlight=False, soft_wrap=True))
    if channel is not None:
        from copydesk.bot.app.webapi import post_digest, web_client

        ts = post_digest(web_client(settings), channel, result)
        err.print(f"posted the digest of {the_day.isoformat()} to {channel} (ts {ts})", markup=False)


@cli.command()
@click.option("--http", "mode", flag_value="http", help="Serve Slack's HTTP requests (POST /slack/events).")
@click.option("--socket", "mode", flag_value="socket", help="Connect over Socket Mode (SLACK_APP_TOKEN).")
@click.option("--port", default=3000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on (HTTP mode).")
@db_option
def serve(mode: str | None, port: int, host: str, db: str | None) -> None:
    """Run the Slack app."""
    if mode is None:
        raise click.UsageError("choose --http or --socket")
    from copydesk.bot.app import server

    settings = _settings(db)
    if mode == "http":
        server.run_http(settings, port, host=host)
    else:
        server.run_socket(settings)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="copydesk", standalone_mode=False)
    except click.exceptions.Abort:
        err.print("copydesk: aborted", markup=False)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CopydeskError as exc:
        err.print(f"copydesk: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # last resort: one line, no traceback, no secrets
        err.print(f"copydesk: internal error: {exc.__class__.__name__}: {exc}", markup=False)
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
