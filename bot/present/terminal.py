"""The terminal report: the JSON report rendered for people, with rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule

from copydesk.bot.present.cite import source_label

MAX_ITEMS = 12


def _label(src: dict | None) -> str:
    return source_label(src, title=True)


def _clip(text: str, n: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def print_report(report: dict, console: Console, *, heading: str | None = None) -> None:
    art = report["article"]
    title = heading or art.get("title") or art.get("url") or "Article"
    meta = ", ".join(x for x in (art.get("outlet"), (art.get("published") or "")[:10] or None) if x)
    console.print(Rule(f"[bold]{escape(title)}[/bold]" + (f" ({escape(meta)})" if meta else "")))
    console.print(
        f"{art['words']} words, compared with {report.get('compared_with', 0)} earlier article(s); "
        f"copied share [bold]{report['copied_share'] * 100:.0f}%[/bold]"
    )
    if report.get("seen_before"):
        console.print(
            f"[bold]Seen before[/bold]: already in the archive as {escape(_label(report['seen_before']))}; "
            "compared with the rest of the coverage"
        )

    def section(name: str, items: list, fmt, style: str) -> None:
        if not items:
            return
        console.print(f"\n[bold {style}]{name} ({len(items)})[/bold {style}]")
        for item in items[:MAX_ITEMS]:
            fmt(item)
        if len(items) > MAX_ITEMS:
            console.print(f"  …and {len(items) - MAX_ITEMS} more")

    section(
        "Contradicted",
        report["contradictions"],
        lambda c: console.print(
            f"  • {escape('[' + c['kind'] + ']')} here: “{escape(_clip(c['text']))}”\n"
            f"    {escape(_label(c['source']))}: “{escape(_clip(c['other_text']))}”\n"
            f"    [dim]{escape(c['explanation'])}[/dim]"
        ),
        "red",
    )
    section(
        "Copied",
        report["copied"],
        lambda c: console.print(
            f"  • {c['similarity'] * 100:.0f}% from {escape(_label(c['source']))}: “{escape(_clip(c['text']))}”"
        ),
        "yellow",
    )
    section(
        "Shared quotes (same speaker, same words: not copying)",
        report["shared_quotes"],
        lambda q: console.print(
            f"  • {escape(q['speaker'] or 'unknown')}: “{escape(_clip(q['text'], 200))}” — also in "
            f"{escape(_label(q['source']))}"
        ),
        "cyan",
    )
    section("New", report["new"], lambda n: console.print(f"  • {escape(_clip(n['text']))}"), "green")
    section(
        "Corroborated",
        report["corroborated"],
        lambda c: console.print(
            f"  • {escape(_clip(c['text'], 160))} [dim]({escape('; '.join(_label(s) for s in c['sources'][:3]))})[/dim]"
        ),
        "blue",
    )
    if not any(report[k] for k in ("contradictions", "copied", "shared_quotes", "new", "corroborated")):
        console.print("\nNothing to report: no checkable claims were found in this article.")
    console.print()
