"""Reading articles: the header format of INTERFACE.md, plain text, HTML pages (trafilatura),
directories, standard input and links. Every refusal is a BadInput with a one-line reason."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from copydesk.bot.reading.clean import clean_article
from copydesk.bot.errors import BadInput
from copydesk.bot.model import Article
from copydesk.bot.language.text import words

MAX_BYTES = 5_000_000  # an article file or page larger than this is refused
KNOWN_KEYS = ("url", "outlet", "title", "published", "author")
ARTICLE_SUFFIXES = {".txt", ".text", ".html", ".htm", ""}
HTML_SUFFIXES = {".html", ".htm"}

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters but tab, newlines, form feed
_ISO_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,40})\s*:\s*(.*?)\s*$")
_ENGLISH = frozenset(
    "the of and to a in is that for it on was with as he she by at from his her are be this have has had "
    "not but or which were an they their its will would said been who after more than into about over".split()
)


@dataclass
class Source:
    """One thing named on the command line: a file, a directory entry, '-', or a URL."""

    label: str
    kind: str  # "file" | "stdin" | "url"
    value: str


def is_url(value: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value))


def expand(args: list[str]) -> list[Source]:
    """Sources in the given order; a directory gives its article files in name order."""
    out: list[Source] = []
    for arg in args:
        if arg == "-":
            out.append(Source("<stdin>", "stdin", arg))
        elif is_url(arg):
            out.append(Source(arg, "url", arg))
        else:
            p = Path(arg)
            if p.is_dir():
                files = sorted(
                    f for f in p.iterdir()
                    if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in ARTICLE_SUFFIXES
                )
                out.extend(Source(str(f), "file", str(f)) for f in files)
            else:
                out.append(Source(arg, "file", arg))
    return out


def read(source: Source, *, fetch=None) -> Article:
    """Read one source. `fetch(url) -> (final_url, html)` fetches links (the guarded fetcher)."""
    if source.kind == "stdin":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return read_bytes(data, "standard input")
    if source.kind == "url":
        if fetch is None:
            raise BadInput(f"cannot read {source.value}: link fetching is not available here")
        final_url, html = fetch(source.value)
        return read_html(html, final_url, name=source.value)
    path = Path(source.value)
    if not path.exists():
        raise BadInput(f"{source.value}: no such file")
    if path.is_dir():
        raise BadInput(f"{source.value}: is a directory with no article files")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadInput(f"{source.value}: too large ({size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{source.value}: cannot be read ({exc.strerror or exc})") from None
    return read_bytes(data, source.value, html=path.suffix.lower() in HTML_SUFFIXES)


def decode(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise BadInput(f"{name}: too large (over {MAX_BYTES / 1e6:.0f} MB)")
    if not data.strip():
        raise BadInput(f"{name}: is empty")
    if b"\x00" in data[:65536]:
        raise BadInput(f"{name}: is a binary file, not article text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{name}: is not valid UTF-8 text (bad byte at offset {exc.start})") from None
    controls = len(_CONTROL_RE.findall(text, 0, 65536))
    if controls > max(8, len(text[:65536]) // 100):
        raise BadInput(f"{name}: looks binary (control characters), not article text")
    return text


def read_bytes(data: bytes, name: str, *, html: bool | None = None) -> Article:
    text = decode(data, name)
    if html is None:
        html = bool(re.match(r"\s*(<!doctype html|<html)", text[:1000], re.I))
    if html:
        return read_html(text, None, name=name)
    return read_text(text, name)


def split_header(text: str) -> tuple[dict[str, str], str]:
    """The `key: value` header ended by a line `---`, and the body. No header: ({}, text)."""
    lines = text.splitlines(keepends=True)
    header: dict[str, str] = {}
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == "---":
            return (header, "".join(lines[i + 1:])) if header else ({}, text)
        m = _HEADER_LINE.match(stripped)
        if not m or i >= 50:
            return {}, text
        header[m.group(1).lower()] = m.group(2)
    return {}, text


def read_text(text: str, name: str) -> Article:
    header, body = split_header(text)
    if header and not body.strip():
        raise BadInput(f"{name}: has a header but no article text")
    meta = {k: v for k, v in header.items() if k not in KNOWN_KEYS}
    return make_article(
        body, name=name, title=header.get("title") or None, outlet=header.get("outlet") or None,
        url=header.get("url") or None, published=header.get("published") or None,
        author=header.get("author") or None, meta=meta,
    )


def read_html(html: str, url: str | None, *, name: str) -> Article:
    import trafilatura

    raw = trafilatura.extract(
        html, url=url, output_format="json", with_metadata=True, include_comments=False,
        include_tables=False, favor_precision=True,
    )
    if not raw:
        raise BadInput(f"{name}: no article text found on the page (a paywall, a login or not an article)")
    doc = json.loads(raw)
    body = doc.get("text") or doc.get("raw_text") or ""
    if not body.strip():
        raise BadInput(f"{name}: no article text found on the page (a paywall, a login or not an article)")
    return make_article(
        body.replace("\n", "\n\n"), name=name, title=doc.get("title"), outlet=doc.get("sitename") or doc.get("source-hostname") or doc.get("hostname"),
        url=url or doc.get("source") or doc.get("url"), published=doc.get("date"), author=doc.get("author"), meta={},
    )


def make_article(body: str, *, name: str, title, outlet, url, published, author, meta) -> Article:
    cleaned = clean_article(body, title=title)
    tokens = words(cleaned.text)
    if not tokens:
        raise BadInput(f"{name}: holds no article text")
    check_english(tokens, name)
    if outlet is None and url:
        host = urlsplit(url).hostname or ""
        outlet = re.sub(r"^www\d?\.", "", host) or None
    return Article(
        text=cleaned.text, title=cleaned.title, outlet=outlet, url=url,
        published=normalize_date(published), author=author, meta=meta,
    )


def check_english(tokens: list[str], name: str) -> None:
    """Refuse text whose share of common English function words is far below any English prose."""
    if len(tokens) < 12:
        return
    share = sum(map(_ENGLISH.__contains__, map(str.lower, tokens))) / len(tokens)
    if share < 0.12:
        raise BadInput(f"{name}: does not look like English text (Copydesk reads English articles)")


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 for a recognisable date (date only when no time is given); other strings unchanged."""
    if not value:
        return None
    value = value.strip()
    if _ISO_DAY_RE.fullmatch(value):  # the common case, without dateutil (the same result)
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    try:
        from dateutil import parser as dateparser

        dt = dateparser.parse(value, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return value
    has_time = bool(re.search(r"\d{1,2}:\d{2}", value))
    return dt.isoformat() if has_time else dt.date().isoformat()


def iter_read(sources: list[Source], *, fetch=None) -> Iterator[tuple[Source, Article | BadInput]]:
    for src in sources:
        try:
            yield src, read(src, fetch=fetch)
        except BadInput as exc:
            yield src, exc
