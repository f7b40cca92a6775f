"""Reading articles: the header format of INTERFACE.md, plain text, HTML pages (trafilatura),
directories, standard input and links. Every refusal is a BadInput with a one-line reason."""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from copydesk.bot.errors import BadInput
from copydesk.bot.language.text import words
from copydesk.bot.model import Article
from copydesk.bot.reading.clean import clean_article

MAX_BYTES = 5_000_000  # an article file or page larger than this is refused
MIN_WORDS = 20  # an article file, page or standard input with fewer words is refused (not an article)
MAX_WORDS = 20_000  # an article with more words is refused: the analysis's time and memory stay bounded
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
    """Sources in the given order; a directory gives its article files in name order. A directory
    without article files, or no source at all, is refused (BadInput)."""
    out: list[Source] = []
    for arg in args:
        if arg == "-":
            out.append(Source("<stdin>", "stdin", arg))
        elif is_url(arg):
            out.append(Source(arg, "url", arg))
        else:
            p = Path(arg)
            if p.is_dir():
                try:
                    files = sorted(
                        f
                        for f in p.iterdir()
                        if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in ARTICLE_SUFFIXES
                    )
                except OSError as exc:
                    raise BadInput(f"{arg}: cannot be read ({exc.strerror or exc})") from None
                if not files:
                    raise BadInput(f"{arg}: holds no article files (.txt, .text, .html, .htm or no suffix)")
                out.extend(Source(str(f), "file", str(f)) for f in files)
            else:
                out.append(Source(arg, "file", arg))
    if not out:
        raise BadInput("no article given")
    return out


class LinkError(BadInput):
    """A link that could not be fetched: `url` and the fetcher's one-line `reason` (the one place
    a FetchError becomes a user-facing error; the CLI shows "URL: reason", Slack "Couldn't read
    that link: reason")."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")


def fetcher(allow_hosts=()):
    """The guarded link fetcher as `read` wants it: url -> (final_url, html), refusals as LinkError."""

    def fetch(url: str) -> tuple[str, str]:
        from copydesk.bot.reading.fetch import FetchError, fetch_url

        try:
            page = fetch_url(url, allow_hosts=allow_hosts)
        except FetchError as exc:
            raise LinkError(url, str(exc)) from None
        return page.final_url, page.html

    return fetch


def read_url(url: str, *, allow_hosts=(), min_words: int | None = None) -> Article:
    """The article at a link, through the guarded fetcher. Raises LinkError or BadInput."""
    return read(
        Source(url, "url", url), fetch=fetcher(allow_hosts), min_words=MIN_WORDS if min_words is None else min_words
    )


def _missing(path: Path, name: str) -> BadInput | None:
    """Why `path` cannot be opened as a file, in words (a symbolic link loop, a dangling link, a
    missing file), or None."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return BadInput(f"{name}: is a symbolic link loop")
        if exc.errno == errno.ENOENT and path.is_symlink():
            return BadInput(f"{name}: is a symbolic link to a missing file ({os.readlink(path)})")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return BadInput(f"{name}: no such file")
        return BadInput(f"{name}: cannot be read ({exc.strerror or exc})")
    return None


def read(source: Source, *, fetch=None, min_words: int = MIN_WORDS) -> Article:
    """Read one source. `fetch(url) -> (final_url, html)` fetches links (the guarded fetcher).
    Fewer than `min_words` words are not an article (BadInput)."""
    article = _read(source, fetch=fetch)
    check_length(article, source.label if source.kind != "stdin" else "standard input", min_words)
    return article


def check_length(article: Article, name: str, min_words: int = MIN_WORDS) -> None:
    n = article.words
    if n < min_words:
        raise BadInput(
            f"{name}: is too short to be an article ({n} word{'s' if n != 1 else ''}; at least {min_words} are needed)"
        )


def _read(source: Source, *, fetch=None) -> Article:
    if source.kind == "stdin":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return read_bytes(data, "standard input")
    if source.kind == "url":
        if fetch is None:
            raise BadInput(f"cannot read {source.value}: link fetching is not available here")
        final_url, html = fetch(source.value)
        return read_html(html, final_url, name=source.value)
    path = Path(source.value)
    problem = _missing(path, source.value)
    if problem is not None:
        raise problem
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
    encoding = _bom_encoding(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise BadInput(f"{name}: is not valid {encoding.upper()} text (bad bytes at offset {exc.start})") from None
        if not text.strip():
            raise BadInput(f"{name}: is empty")
    elif b"\x00" in data[:65536]:
        head = data[:65536]
        if len(head) >= 8 and (head[1::2].count(0) > len(head) * 0.4 or head[0::2].count(0) > len(head) * 0.4):
            raise BadInput(f"{name}: looks like UTF-16 text without a byte order mark; save it as UTF-8")
        raise BadInput(f"{name}: is a binary file, not article text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadInput(f"{name}: is not valid UTF-8 text (bad byte at offset {exc.start})") from None
        if "\x00" in text[:65536]:
            raise BadInput(f"{name}: is a binary file, not article text")
    controls = len(_CONTROL_RE.findall(text, 0, 65536))
    if controls > max(8, len(text[:65536]) // 100):
        raise BadInput(f"{name}: looks binary (control characters), not article text")
    return text


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)  # UTF-32 LE before UTF-16 LE


def _bom_encoding(data: bytes) -> str | None:
    """The encoding a byte order mark at the start of `data` announces (UTF-16/32; UTF-8's BOM
    is handled with UTF-8), or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding if encoding != "utf-8-sig" else None
    return None


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
            return (header, "".join(lines[i + 1 :])) if header else ({}, text)
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
    outlet = header.get("outlet") or (None if header.get("url") else credited_outlet(body))
    return make_article(
        body,
        name=name,
        title=header.get("title") or None,
        outlet=outlet,
        url=header.get("url") or None,
        published=header.get("published") or None,
        author=header.get("author") or None,
        meta=meta,
    )


def read_html(html: str, url: str | None, *, name: str) -> Article:
    import trafilatura

    raw = trafilatura.extract(
        html,
        url=url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if not raw:
        raise BadInput(f"{name}: no article text found on the page (a paywall, a login or not an article)")
    doc = json.loads(raw)
    body = doc.get("text") or doc.get("raw_text") or ""
    if not body.strip():
        raise BadInput(f"{name}: no article text found on the page (a paywall, a login or not an article)")
    return make_article(
        body.replace("\n", "\n\n"),
        name=name,
        title=doc.get("title"),
        outlet=doc.get("sitename") or doc.get("source-hostname") or doc.get("hostname"),
        url=url or doc.get("source") or doc.get("url"),
        published=doc.get("date"),
        author=doc.get("author"),
        meta={},
    )


# Where pasted text names its outlet: a dateline "PORT ALDANE (Meridian Wire) -", a credit line
# "(Reuters) -" at the start, or a byline "By Jane Doe, AP" / "By Jane Doe | The Courier".
_NAME = r"[A-Z][\w&'.-]*(?: (?:of |the |and |&amp; )?[A-Z][\w&'.-]*){0,4}"
_DATELINE_RE = re.compile(
    rf"^(?:[A-Z][A-Z .,'’-]{{1,40}}(?:,? [A-Z][a-z]{{2,8}}\.? \d{{1,2}})?\s)?\(({_NAME})\)\s*[-–—:]"
)
_BYLINE_RE = re.compile(rf"^by\s+{_NAME}(?:\s+and\s+{_NAME})?\s*[,|/–—-]\s*({_NAME})\s*$", re.IGNORECASE)
_NOT_OUTLETS = frozenset({"staff", "staff writer", "reporter", "correspondent", "editor", "agencies", "updated"})


def credited_outlet(body: str) -> str | None:
    """The outlet pasted text names for itself in its dateline, credit line or byline (within
    its first lines), else None (unknown)."""
    lines = [ln.strip() for ln in body.strip().splitlines() if ln.strip()][:6]
    for line in lines:
        m = _DATELINE_RE.match(line)
        if m and m.group(1).lower() not in _NOT_OUTLETS:
            return m.group(1)
        m = _BYLINE_RE.match(line) if len(line) <= 120 else None
        if m and m.group(1).lower() not in _NOT_OUTLETS:
            return m.group(1)
    return None


def outlet_from_url(url: str | None) -> str | None:
    """Who published a link, when nothing else says: its host without "www." ("example.org")."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return None
    return re.sub(r"^www\d?\.", "", host) or None


def make_article(body: str, *, name: str, title, outlet, url, published, author, meta) -> Article:
    n = len(body.split())  # cheap, before any cleaning: bounds the cost of everything after
    if n > MAX_WORDS:
        raise BadInput(f"{name}: is too long for one article ({n:,} words; the limit is {MAX_WORDS:,})")
    cleaned = clean_article(body, title=title)
    tokens = words(cleaned.text)
    if not tokens:
        raise BadInput(f"{name}: holds no article text")
    check_english(tokens, name)
    if outlet is None and url:
        outlet = outlet_from_url(url)
    return Article(
        text=cleaned.text,
        title=cleaned.title,
        outlet=outlet,
        url=url,
        published=normalize_date(published),
        author=author,
        meta=meta,
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


def iter_read(
    sources: list[Source], *, fetch=None, min_words: int = MIN_WORDS
) -> Iterator[tuple[Source, Article | BadInput]]:
    for src in sources:
        try:
            yield src, read(src, fetch=fetch, min_words=min_words)
        except BadInput as exc:
            yield src, exc
