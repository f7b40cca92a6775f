"""Slack's message text format, read and written.

Reading: message `text` is escaped (`&amp;`, `&lt;`, `&gt;`) and carries markup — links as
`<url>` or `<url|label>`, mentions `<@U…>`, channels `<#C…|name>`, specials `<!here>`, dates
`<!date^…|fallback>` — plus mrkdwn emphasis (`*bold*`, `_italic_`, `~strike~`, `` `code` ``) and
`>` quote markers. Slash-command text carries raw links (the manifest keeps `should_escape: false`).
`request_of` turns either into what Copydesk should do: read a pasted article, fetch a link, or
nothing (chatter).

Writing: `escape` makes any text safe inside mrkdwn or plain_text (Slack needs only `&`, `<`
and `>` escaped); `link` builds a `<url|label>` link only for a well-formed web address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from copydesk.bot.language.text import word_count

MIN_PASTED_WORDS = 80  # pasted text shorter than this (outside links) is chatter, not an article

_MARKUP_RE = re.compile(r"<([^<>\n]*)>")
_LINK_TOKEN_RE = re.compile(r"<([^<>\n]*)>|\bhttps?://[^\s<>\"|]+", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?)]}'\"’”»"
_EMPHASIS_RES = tuple(re.compile(rf"(?<![\w{m}])({m})(?=\S)([^{m}\n]*?\S)\1(?![\w{m}])") for m in (r"\*", "_", "~"))
_CODE_FENCE_RE = re.compile(r"```")
_INLINE_CODE_RE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_QUOTE_MARK_RE = re.compile(r"^(?:&gt;|>)[ \t]?", re.MULTILINE)

# Hosts whose links are Slack's own (messages, files) and file types that are never an article page.
_SLACK_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com", "slack-redir.net")
_NOT_ARTICLE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".svg",
    ".bmp",
    ".tif",
    ".tiff",
    ".heic",
    ".ico",
    ".mp3",
    ".wav",
    ".m4a",
    ".ogg",
    ".flac",
    ".mp4",
    ".mov",
    ".avi",
    ".mkv",
    ".webm",
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".csv",
    ".ppt",
    ".pptx",
    ".zip",
    ".gz",
    ".tar",
    ".7z",
    ".rar",
    ".exe",
    ".dmg",
    ".apk",
    ".json",
    ".xml",
    ".txt",
)


# ---------------------------------------------------------------- reading
def unescape(text: str) -> str:
    """Undo Slack's escaping of `&`, `<` and `>` (`&amp;` last, so `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _markup_text(inner: str) -> str:
    """What one `<…>` markup element reads as in plain text."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # a user: <@U123> or <@U123|name>
        return f"@{label}" if label else ""
    if target.startswith("#"):  # a channel: <#C123|general>
        return f"#{label}" if label else ""
    if target.startswith("!"):  # <!here>, <!subteam^S1|@editors>, <!date^…|Fri 14 March>
        if label:
            return label
        special = target[1:].split("^", 1)[0]
        return f"@{special}" if special in ("here", "channel", "everyone") else ""
    if label:
        return label
    return target.removeprefix("mailto:")


def plain_text(text: str) -> str:
    """Slack message text as plain text: markup replaced by what it shows, mrkdwn emphasis and
    quote markers removed, the escaping undone."""
    out = _MARKUP_RE.sub(lambda m: _markup_text(m.group(1)), text)
    out = _QUOTE_MARK_RE.sub("", out)
    out = _CODE_FENCE_RE.sub("", out)
    out = _INLINE_CODE_RE.sub(r"\1", out)
    for pattern in _EMPHASIS_RES:
        out = pattern.sub(r"\2", out)
    return unescape(out).strip()


def _clean_raw_url(url: str) -> str:
    """A raw link found in text, without the sentence punctuation that followed it."""
    while url and url[-1] in _TRAILING_PUNCT:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # a balanced parenthesis belongs to the URL (Wikipedia-style)
        url = url[:-1]
    return url


def links(text: str) -> list[str]:
    """The web links in message or command text, in order, each once: `<url>` / `<url|label>`
    markup and raw `http(s)://` links (as slash-command text carries them)."""
    found: list[str] = []
    for m in _LINK_TOKEN_RE.finditer(text):
        if m.group(1) is not None:  # markup: a link only when its target is a web address
            target = m.group(1).partition("|")[0]
            if re.match(r"https?://", target, re.IGNORECASE):
                found.append(unescape(target))
        else:
            url = _clean_raw_url(unescape(m.group(0)))
            if url:
                found.append(url)
    return list(dict.fromkeys(found))


def without_links(text: str) -> str:
    """The text with every link (markup or raw) removed: what remains to be read as words."""

    def drop(m: re.Match) -> str:
        if m.group(1) is not None and not re.match(r"https?://", m.group(1), re.IGNORECASE):
            return m.group(0)  # a mention or a channel stays
        return " "

    return _LINK_TOKEN_RE.sub(drop, text)


def is_article_link(url: str) -> bool:
    """A link that may lead to an article page: http(s) with a host, not Slack's own, not a file
    of a type that is never a web page (images, video, documents, archives)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    if any(host == h or host.endswith("." + h) for h in _SLACK_HOSTS):
        return False
    return not parts.path.lower().endswith(_NOT_ARTICLE_SUFFIXES)


@dataclass(frozen=True)
class ArticleRequest:
    """What a message asks Copydesk to read: pasted `text`, or the `link` to fetch (the first
    article link; `links` counts all of them)."""

    text: str | None = None
    link: str | None = None
    links: int = 0


def request_of(text: str, *, min_words: int = MIN_PASTED_WORDS) -> ArticleRequest | None:
    """What a message asks for, or None for chatter. Pasted text of at least `min_words` words
    (links not counted) is the article, links included as text; otherwise the first article link
    is read. Works on message text (escaped, with markup) and on slash-command text (raw links)."""
    if not text or not text.strip():
        return None
    article_links = [u for u in links(text) if is_article_link(u)]
    if word_count(plain_text(without_links(text))) >= min_words:
        return ArticleRequest(text=plain_text(text), links=len(article_links))
    if article_links:
        return ArticleRequest(link=article_links[0], links=len(article_links))
    return None


# ---------------------------------------------------------------- writing
def escape(text: str) -> str:
    """Text safe inside Slack mrkdwn or plain_text: `&`, `<` and `>` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """`<url|label>` for an http(s) URL (characters that would end the markup percent-encoded),
    else the escaped label alone."""
    text = escape(label).replace("|", "¦")
    if not url or not re.match(r"https?://[^\s]+$", url, re.IGNORECASE):
        return text
    safe = quote(url, safe="/:?#[]@!$&'()*+,;=%-._~")
    return f"<{safe.replace('&', '&amp;')}|{text}>"
