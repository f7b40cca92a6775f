"""Page furniture removal: from text pasted from a web page to the article itself.

Articles reach Copydesk as text copied from web pages (or extracted from HTML). Around the story
they carry the page's furniture: share buttons, comment forms, author boxes, rating widgets,
"You may also like" and its teasers, advertisements, newsletter pleas, photo credits, datelines.
None of it is content, so it is removed here, before anything is compared.

Every rule is general — it looks at the *shape* of a line, never at the strings of a particular
outlet or article:

* the text is split into units (one per paragraph; hard-wrapped lines are joined back together,
  detected by the classic "would the next word have fitted on this line?" test);
* each unit gets features: word count, whether it ends like a sentence, typical furniture
  vocabulary and phrasing (comment forms, share bars, newsletter pleas, disclaimers), dates,
  credits, bylines, fragments;
* the **head** (the short lines before the first real paragraph) yields the headline, when none
  was given, and is dropped: subheadlines, bylines, credits, datelines, "ADVERTISEMENT";
* the **tail** is cut at a stop marker ("Related", "Leave a reply", "3 comments", a rating widget,
  an author box…) once nothing after it reads like the story; trailing bylines, job titles and
  teaser headlines are trimmed;
* inside the **body** every sentence stays; only unmistakable furniture goes.

The cleaned text keeps every character of the kept paragraphs except whitespace (normalised),
zero-width characters (removed) and typewriter quotes (two apostrophes for a double mark, a double
mark for an apostrophe between letters: read as the marks they stand for); other quotes and
apostrophes stay as they were. Sentence offsets are later computed into this text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property

from copydesk.bot.language.text import WORD_RE

__all__ = ["Cleaned", "clean_article"]

# ---------------------------------------------------------------------------------------------
# Tunables
# ---------------------------------------------------------------------------------------------

#: A unit without sentence punctuation and with fewer words than this is a "short line".
SHORT_WORDS = 12
#: A headline has at most this many words.
TITLE_MAX_WORDS = 20
#: A line of at most this many words right above a longer headline is a section label.
SECTION_MAX_WORDS = 1
SUMMARY_MIN_WORDS = 5  # a summary bullet above the first paragraph with at least this many words stays
#: A unit this long starts the body even without final punctuation (longer than any headline).
BODY_MIN_UNPUNCTUATED_WORDS = TITLE_MAX_WORDS + 1
#: Hard-wrapped lines are between these lengths (characters).
WRAP_MIN_WIDTH, WRAP_MAX_WIDTH = 40, 100
#: A text is hard-wrapped as a whole when at least this many lines end within WRAP_SLACK characters
#: of its wrap width; there a line is full when the next word would not have fitted with
#: WRAP_FIT_SLACK characters to spare (spaces the paste collapsed, a stray indent).
WRAP_MIN_LINES, WRAP_SLACK, WRAP_FIT_SLACK = 3, 20, 3
#: Strong furniture phrases only count in units up to this many words (a long paragraph that
#: happens to contain such a phrase is a paragraph).
FURNITURE_MAX_WORDS = 60

# ---------------------------------------------------------------------------------------------
# Whitespace and invisible characters
# ---------------------------------------------------------------------------------------------

_LINE_BREAK_RE = re.compile(r"\r\n?|[\u2028\x85\x0b\x0c]")
_ZERO_WIDTH_RE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e]")
# every run of whitespace but the newline (tabs, NBSP, …) becomes one space: what a run of two or
# more, or one character other than the space, matches (a lone space, the common case, is left be)
_INLINE_SPACE_RE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
# Typewriter renderings of typographic quotes, as wire services and old systems send them: two
# apostrophes or backticks for a double quote mark (``like this''), and a closing double mark where
# an apostrophe belongs (nation”s): read as the marks they stand for, so quotations are seen whole.
_TWO_APOSTROPHES_CLOSE_RE = re.compile(r"(?<=\S)''(?!')")
_TWO_APOSTROPHES_OPEN_RE = re.compile(r"(?:``|(?<!\S)'')(?=\S)")
_MARK_AS_APOSTROPHE_RE = re.compile(r"(?<=[^\W\d_])”(?=[^\W\d_])")

# ---------------------------------------------------------------------------------------------
# Words and punctuation
# ---------------------------------------------------------------------------------------------

_CLOSERS = "\"'”’»)]}"
_QUOTE_CLOSERS = "\"'”’"
#: Leading/trailing decoration stripped before matching a whole line: bullets, arrows, colons…
_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$")
_BRACKETS_RE = re.compile(r"[()\[\]{}]")
_ELLIPSIS_END_RE = re.compile(r"(?:…|\.\.\.)[" + re.escape(_CLOSERS) + r"]*$")
_NORM_RE = re.compile(r"[\W_]+")
# A wire dateline opening a story: "PARIS (AP) —", "LONDON, June 24 (Reuters) -", "BERLIN (dpa) -".
_DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Z.'’ -]{2,40}(?:,[^,()]{1,30})?\s*(?:\([^()]{1,40}\)\s*)?"
    r"|[A-Z][\w.'’ -]{2,40}(?:,[^,()]{1,30})?\s*\([^()]{1,40}\)\s*)(?:--|[-–—])\s"
)
# An ISO timestamp (with an optional label) before the first words of the story.
_LEADING_STAMP_RE = re.compile(
    r"^(?:(?:[Dd]ate|DATE|[Pp]ublished|[Uu]pdated|[Pp]osted)\s*:?\s*)?\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2})?\S*)?\s+(?=[\"“(A-Z])"
)
_BULLET_RE = re.compile(r"^(?:[•·▪◦●■►‣*]|[-–](?=\s)|\d{1,2}[.)](?=\s))")
_CONTINUATION_END_RE = re.compile(
    r"(?:[,;\-–—]|\b(?:a|an|the|of|and|or|but|to|in|on|at|by|for|from|with|as|that|which|who|"
    r"whose|is|are|was|were|be|been|has|have|had|will|would|could|should|not|its|their|his|her|"
    r"our|this|these|those|than|into|about|after|before|over|under|between|said|since|until|while|"
    r"when|where|because|if|per|via|against|during|through|within|without|amid|among|around|across|"
    r"despite|including|near|upon|whether|more|most|very|some|any|each|every|both|up|out))$",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------------
# Furniture vocabulary
# ---------------------------------------------------------------------------------------------

# Stop markers: whole short lines (matched against the lower-cased "core" of the line, edges
# stripped) that open the page's furniture: comment sections, related links, share bars,
# rating widgets, author boxes, ad slots.
_COMMENT_MARKERS = r"""
    leave\ a\ (?:reply|comment|response)
  | (?:post|add|write|submit)\ (?:a\ |your\ )?(?:comment|reply|response)s?
  | join\ the\ (?:discussion|conversation|debate)
  | (?:reader\ )?comments?(?:\ \d+)?
  | (?:\d+|no|one|two|three|four|five)\ (?:comments?|responses?|replies|reply|thoughts)
        (?:\ (?:on|to)\ .{1,80})?(?:\ (?:so\ far|yet))?
  | (?:show|view|load|read|see)\ (?:all\ |more\ |the\ )?(?:\d+\ )?comments?
  | what\ do\ you\ think
  | notify\ of
  | (?:discussion|conversation)
"""
_LIST_MARKERS = r"""
    (?:you|we\ think\ you)\ (?:may|might|will|would)\ (?:also\ )?(?:like|love|enjoy|be\ interested\ in)
        (?:\ (?:this|these|reading))?
  | related(?:\ (?:articles?|stories|story|posts?|news|content|coverage|reading|links?|topics?|videos?|items?))?
        (?::\ .{1,80})?
  | (?:more|other|similar|recommended|suggested|popular|latest|top|trending|further)
        \ (?:stories|articles|news|posts|reads|reading|videos|headlines|coverage)
        (?:\ (?:from|on|in|about)\ .{1,40})?
  | more\ (?:from|on|in|about|by)\ .{1,40}
  | (?:read|see|watch)\ (?:more|next|also|this\ next)(?::?\ .{1,80})?
  | also\ (?:read|see|on|in)(?::?\ .{1,80})?
  | recommended(?:\ for\ you|\ reading)?
  | most\ (?:read|popular|viewed|shared|watched)
  | trending(?:\ now)?
  | editors?'?s?\ (?:picks?|choice)
  | don'?t\ miss(?:\ this)?
  | in\ case\ you\ missed\ it
  | (?:what\ to\ read|up)\ next
  | around\ the\ web
  | from\ (?:our|the)\ partners?
  | (?:sponsored|promoted|partner)\ (?:content|stories|links|posts)
  | share(?:\ (?:this|the|it))?(?:\ (?:article|story|post|page))?(?:\ (?:on|via|with)\ .{1,30})?
  | spread\ the\ word
  | tags?|filed\ under(?:\ .{1,80})?|categories|topics
"""
_AUTHOR_BOX_MARKERS = r"""
    about\ the\ (?:authors?|writers?|contributors?)
"""
_WIDGET_MARKERS = rf"""
    (?:\d+\ )*\d+\ votes?
  | (?:article|post|story)\ ratings?|rate\ this(?:\ (?:article|story|post))?|ratings?
  | {_AUTHOR_BOX_MARKERS}
  | advertisements?|advert|adverts|sponsored|ad|promoted
"""
_COMMENT_MARKER_RE = re.compile(rf"^(?:{_COMMENT_MARKERS})$", re.VERBOSE)
_LIST_MARKER_RE = re.compile(rf"^(?:{_LIST_MARKERS})$", re.VERBOSE)
_WIDGET_MARKER_RE = re.compile(rf"^(?:{_WIDGET_MARKERS})$", re.VERBOSE)
_AUTHOR_BOX_MARKER_RE = re.compile(rf"^(?:{_AUTHOR_BOX_MARKERS})$", re.VERBOSE)
# "About Jane Doe 412 Articles", "Jane Doe 37 Posts": a name (capitalised words) and a count.
_AUTHOR_COUNT_RE = re.compile(
    r"^(?:[Aa]bout\s+)?(?:[A-ZÀ-Þ][\w.'’-]*\s+){1,4}\d[\d,]*\s+(?:[Aa]rticles?|ARTICLES|[Pp]osts?|POSTS|[Ss]tories)$"
)
#: An author box may carry a short biography: at most this many sentences-paragraphs, each short.
_BIO_MAX_UNITS, _BIO_MAX_WORDS = 2, 50
_MARKER_MAX_WORDS = 14

# Strong furniture: phrasing of comment forms, disclaimers, share bars, donation and newsletter
# pleas, copyright lines, cookie banners. Searched anywhere in a unit of moderate length.
_STRONG_ANYWHERE_RE = re.compile(
    r"""
      your\ email\ address\ will\ not\ be\ published
    | required\ fields\ are\ marked
    | this\ site\ uses\ akismet
    | comment\ data\ is\ processed
    | you\ must\ be\ logged\ in\ to\ (?:post|leave|comment)
    | (?:views|opinions)\b[^.]{0,80}\bexpressed\b[^.]{0,200}\b(?:authors?|writers?|columnists?|contributors?)\b
    | \b(?:do|does)\ not\ necessarily\ (?:reflect|represent)\b
    | \ball\ rights\ reserved\b|\bcopyright\ ©|©\ ?(?:\d{4}|[a-z])|\(c\)\ ?\d{4}
    | \bopens\ in\ (?:a\ )?new\ (?:window|tab)\b
    | \bwe\ use\ cookies\b|\b(?:this|our)\ (?:web)?site\ uses\ cookies\b|\bcookie\ (?:policy|settings|preferences)\b
    | \b(?:this|the)\ (?:article|story|post|piece)\ (?:was\ )?(?:originally|first)\ (?:appeared|published)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Words at least one of which every phrase of _STRONG_ANYWHERE_RE holds (compared case-folded, as
# the pattern ignores case): a unit without any is not searched (the search is the reader's main cost).
_STRONG_ANYWHERE_HINTS = (
    "email address",
    "required fields",
    "akismet",
    "comment data",
    "logged in",
    "expressed",
    "necessarily",
    "rights reserved",
    "copyright",
    "©",
    "(c)",
    "opens in",
    "cookie",
    "appeared",
    "published",
)


def _may_be_strong(text: str) -> bool:
    folded = text.casefold()
    if not folded.isascii():
        folded = folded.replace("ı", "i")  # the one letter the pattern's case-insensitivity adds to casefold
    return any(hint in folded for hint in _STRONG_ANYWHERE_HINTS)


# Donation pleas: only in short units ("Support us on Patreon!"), never in a news paragraph.
_SHORT_PLEA_RE = re.compile(
    r"\b(?:on|via|at)\ (?:patreon|paypal|ko-fi|buy\ me\ a\ coffee)\b|\bbecome\ a\ (?:patron|member|supporter)\b",
    re.IGNORECASE,
)
_SHORT_PLEA_MAX_WORDS = 20
# Strong furniture recognised by how the unit starts (imperative pleas, credits, "Fact checked by").
_STRONG_START_RE = re.compile(
    r"""^(?:
      (?:fact[-\ ]?checked|reviewed|edited|reporting|written|compiled|produced|additional\ reporting)\ by\b
    | (?:sign\ up|subscribe|register)\b.{0,100}?\b(?:newsletters?|mailing\ list|inbox|email\ updates|alerts
        |briefings?|digest)\b
    | (?:sign\ up|subscribe)\ (?:now|today|here|for\ free|for\ (?:our|the)|to\ (?:our|the)|and\ (?:get|receive))\b
    | join\ our\ (?:newsletter|mailing\ list|community|channel)
    | (?:get|receive)\b.{0,80}?\b(?:newsletters?|in\ your\ inbox|to\ your\ inbox|email\ updates|alerts)\b
    | (?:follow|like|find|join)\ us\ (?:on|at)\b
    | click\ (?:here\ )?to\ (?:share|print|email|tweet|subscribe|comment|read|donate)
    | help\ us\ (?:grow|continue|keep)
    | support\ (?:us|our\ (?:work|journalism|reporting))\b
    | please\ (?:support|donate|consider\ (?:supporting|donating|subscribing|a\ donation))
    | donate\ (?:now|today|here)
    | become\ a\ (?:member|supporter|subscriber|patron)
    | (?:image|photo|picture|video|graphic|illustration|header\ image|featured\ image)s?
        (?:\ credits?)?\s*(?::|\bby\b|©)
    | (?:source|credits?|photo\ credit|image\ source)\s*:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_STRONG_START_MAX_WORDS = 40

# Weak vocabulary: enough to drop a *short line without sentence punctuation* (share bars,
# social links, widget labels), never a sentence.
_WEAK_VOCAB_RE = re.compile(
    r"""\b(?:comments?|repl(?:y|ies)|subscrib\w*|newsletters?|shares?|sharing|tweet|facebook|twitter|x\.com
    |linkedin|whatsapp|pinterest|reddit|telegram|tumblr|flipboard|pocket|e-?mail|print|advert\w*|sponsored
    |ratings?|votes?|patreon|donat\w+|support\ us|cookies?|sign\ (?:up|in)|log\ ?in|log\ ?out|register
    |related|also\ like|read\ more|follow\ us|copyright|all\ rights\ reserved|notify|feedbacks?
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Lines of a comment thread: "Reply", "Jane says:", "Log in to Reply", "3 likes".
_COMMENT_META_RE = re.compile(
    r"^(?:reply|log\ ?in\ to\ reply|report(?:\ comment|\ abuse)?|like|likes|\d+\ likes?|flag|permalink|edit"
    r"|upvote|downvote|\d+\ points?|.{1,40}\ says)$",
    re.IGNORECASE,
)

# Dates and times: a line made only of these tokens is a dateline or a timestamp.
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAYS = r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
_DATE_TOKEN_RE = re.compile(
    rf"""(?<!\w)(?:
      (?:{_WEEKDAYS}|{_MONTHS})\.?
    | \d{{1,4}}(?:st|nd|rd|th)?
    | \d{{1,2}}:\d{{2}}(?::\d{{2}})?
    | [ap]\.?m\.?
    | (?:e|c|m|p)[sd]?t|gmt|utc|bst|cet|cest|msk|ist|aest|jst
    | updated|published|posted|last|modified|on|at|min|mins|minutes?|read|hours?|hrs?|days?|weeks?
    | ago|today|yesterday
    )(?!\w)""",
    re.IGNORECASE | re.VERBOSE,
)
_DATE_ANCHOR_RE = re.compile(rf"\d|(?<!\w)(?:{_MONTHS}|{_WEEKDAYS})(?!\w)", re.IGNORECASE)
_DATE_RESIDUE_RE = re.compile(r"^[\s,./|\-–—:()•·]*$")

# Credits, bylines, names.
_CREDIT_RE = re.compile(
    r"getty\s*images|shutterstock|\bap\s+photo\b|\bafp\b|\breuters\b|\bepa\b|\bfile\s+photo\b"
    r"|\bphoto(?:graph)?s?\s*(?:by|:|credit)|\bimage\s*(?:by|:|credit|source)|\bvia\s+(?:getty|reuters|ap)\b"
    r"|/\s*(?:ap|afp|reuters|getty)\b",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(
    r"^(?:(?i:by|written\s+by|words\s+by|posted\s+by|story\s+by|text\s+by)\s+[A-ZÀ-Þ]"
    r"|[A-ZÀ-Þ][\w.'’-]+(?:\s+[A-ZÀ-Þ][\w.'’-]+){1,3},?\s+(?:[A-ZÀ-Þ][\w-]+\s+)?(?i:staff\s+writer|staff\s+reporter|correspondent"
    r"|reporter|editor|contributor|columnist|senior\s+\w+|chief\s+\w+))"
)
_NAME_RE = re.compile(r"^(?:[A-ZÀ-Þ][a-zß-ÿ'’-]+|[A-Z]\.)(?:\s+(?:[A-ZÀ-Þ][a-zß-ÿ'’-]+|[A-Z]\.)){1,2}$")
# "BREAKING:" and similar kickers before a headline.
_KICKER_RE = re.compile(
    r"^(?:breaking(?:\s+news)?|exclusive|updated?|developing|just\s+in|live|(?:must\s+)?watch|video|opinion"
    r"|analysis|editorial)\s*[:|–—-]\s+",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------


@dataclass
class Cleaned:
    """The article without its page furniture."""

    text: str  #: paragraphs joined by "\n\n", each one line, whitespace normalised
    title: str | None  #: the given title, else a headline detected at the top, else None
    removed: list[str] = field(default_factory=list)  #: every unit not in `text`, in page order


@dataclass
class _Unit:
    """One paragraph (or one standalone line) of the page, with its features."""

    text: str

    @cached_property
    def words(self) -> int:
        return len(WORD_RE.findall(self.text))

    @cached_property
    def core(self) -> str:
        """Lower-cased text without edge decoration or brackets, for whole-line matching."""
        t = _BRACKETS_RE.sub(" ", self.text.lower().replace("’", "'"))
        t = _EDGE_RE.sub("", t)
        return _INLINE_SPACE_RE.sub(" ", t).strip()

    @cached_property
    def ends_sentence(self) -> bool:
        """Ends with sentence punctuation (. ! ? : … or a closing quote)."""
        t = self.text
        if t[-1] in _QUOTE_CLOSERS:
            return True
        return t.rstrip(_CLOSERS)[-1:] in (".", "!", "?", ":", "…")

    @cached_property
    def last_mark(self) -> str:
        """The last character once closing quotes and brackets are stripped ("" if none)."""
        return self.text.rstrip(_CLOSERS)[-1:]

    @cached_property
    def ellipsis_end(self) -> bool:
        return bool(_ELLIPSIS_END_RE.search(self.text))

    @cached_property
    def ends_period(self) -> bool:
        """Ends with a full stop (possibly inside closing quotes), not with an ellipsis."""
        return self.last_mark == "." and not self.ellipsis_end

    @cached_property
    def is_short(self) -> bool:
        """A short line without sentence punctuation: headline, label, link, byline."""
        return not self.ends_sentence and self.words < SHORT_WORDS

    # -- kinds of furniture ------------------------------------------------------------------

    @cached_property
    def is_marker(self) -> bool:
        """A stop marker: a short label opening comments, related links, a share bar, a widget."""
        if self.words > _MARKER_MAX_WORDS or (self.ends_period and self.words >= 3):
            return False
        c = self.core
        return bool(
            _COMMENT_MARKER_RE.match(c)
            or _LIST_MARKER_RE.match(c)
            or _WIDGET_MARKER_RE.match(c)
            or _AUTHOR_COUNT_RE.match(self.text)
        )

    @cached_property
    def is_comment_marker(self) -> bool:
        return self.is_marker and bool(_COMMENT_MARKER_RE.match(self.core))

    @cached_property
    def is_list_marker(self) -> bool:
        return self.is_marker and bool(_LIST_MARKER_RE.match(self.core))

    @cached_property
    def is_author_box(self) -> bool:
        return self.is_marker and bool(_AUTHOR_BOX_MARKER_RE.match(self.core) or _AUTHOR_COUNT_RE.match(self.text))

    @cached_property
    def is_strong(self) -> bool:
        """Unmistakable furniture phrasing, whatever the punctuation."""
        if self.words <= FURNITURE_MAX_WORDS and _may_be_strong(self.text) and _STRONG_ANYWHERE_RE.search(self.text):
            return True
        if self.words <= _SHORT_PLEA_MAX_WORDS and _SHORT_PLEA_RE.search(self.text):
            return True
        return self.words <= _STRONG_START_MAX_WORDS and bool(_STRONG_START_RE.match(self.core))

    @cached_property
    def is_date(self) -> bool:
        if self.words > 10 or not _DATE_ANCHOR_RE.search(self.text):
            return False
        return bool(_DATE_RESIDUE_RE.match(_DATE_TOKEN_RE.sub("", self.text)))

    @cached_property
    def is_credit(self) -> bool:
        if self.words > 8 or self.ends_sentence:
            return False
        if _CREDIT_RE.search(self.text):
            return True
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and self.words <= 4 and len(self.text) <= 30 and all(c.isupper() for c in letters)

    @cached_property
    def is_byline(self) -> bool:
        return self.words <= 10 and not self.ends_sentence and bool(_BYLINE_RE.match(self.text))

    @cached_property
    def is_fragment(self) -> bool:
        """No letters at all (digits, bullets), or one or two words dangling ("in ,")."""
        lettered = [w for w in WORD_RE.findall(self.text) if any(c.isalpha() for c in w)]
        if not lettered:
            return True
        if len(lettered) <= 2 and not self.ends_sentence:
            return self.text[-1] in ",;&|/-–—" or self.text[0].islower()
        return False

    @cached_property
    def is_weak(self) -> bool:
        """A short line without sentence punctuation using furniture vocabulary."""
        return self.is_short and bool(_WEAK_VOCAB_RE.search(self.text) or "©" in self.text)

    @cached_property
    def is_comment_meta(self) -> bool:
        return self.words <= 8 and (bool(_COMMENT_META_RE.match(self.core)) or self.is_date)

    @cached_property
    def is_labelled_furniture(self) -> bool:
        """Furniture by its shape or phrasing alone (furniture vocabulary aside, which headlines
        use too: "Senate votes…", "Twitter shares fall")."""
        return (
            self.is_strong
            or self.is_marker
            or self.is_fragment
            or self.is_date
            or self.is_credit
            or self.is_byline
            or (self.is_weak and self.words <= 3)
        )

    @cached_property
    def is_furniture(self) -> bool:
        return self.is_labelled_furniture or self.is_weak

    # -- roles ------------------------------------------------------------------------------

    @cached_property
    def starts_body(self) -> bool:
        """The first real paragraph: a sentence (not a headline) that is not furniture."""
        if self.is_furniture:
            return False
        if self.words >= BODY_MIN_UNPUNCTUATED_WORDS:
            return True
        if self.ends_period:
            return self.words >= 3
        if self.last_mark == ":":
            return self.words >= 2
        # A long line ending in a closing quote or an ellipsis; "?" and "!" end headlines too.
        return self.ends_sentence and self.words >= SHORT_WORDS and self.last_mark not in ("?", "!")

    @cached_property
    def is_story(self) -> bool:
        """Reads like a paragraph of the story (used to decide whether a tail may be cut)."""
        if self.is_strong or self.is_marker:
            return False
        if self.ellipsis_end and self.words < 25:
            return False  # a truncated teaser
        if self.words >= 40:
            return True
        if self.ends_period and self.words >= 3:
            return True
        return self.ends_sentence and self.words >= 20

    @cached_property
    def is_long_story(self) -> bool:
        """A story paragraph too long for an author's biography."""
        return self.is_story and self.words >= _BIO_MAX_WORDS

    @cached_property
    def title_like(self) -> bool:
        """Could be a headline: short, no final full stop or colon, not furniture."""
        return (
            0 < self.words <= TITLE_MAX_WORDS
            and self.last_mark not in (".", ":", "…")
            and not self.is_labelled_furniture
        )

    @cached_property
    def tail_trimmable(self) -> bool:
        """May be trimmed off the end of the page: furniture, a short line, a teaser snippet."""
        return self.is_furniture or self.is_comment_meta or self.is_short or (self.ellipsis_end and self.words < 25)


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


def _normalise(raw: str) -> str:
    """Line breaks to "\\n", zero-width characters out, typewriter quotes read, other whitespace
    runs to one space."""
    # each step runs only where its characters occur (a regex pass per step would cost more than
    # all the others on a long page)
    text = _LINE_BREAK_RE.sub("\n", raw) if "\r" in raw or "\x0b" in raw or "\x0c" in raw or not raw.isascii() else raw
    if not text.isascii():
        text = _ZERO_WIDTH_RE.sub("", text.replace("\u2029", "\n\n"))
    if "''" in text or "``" in text:
        text = _TWO_APOSTROPHES_CLOSE_RE.sub("”", text)
        text = _TWO_APOSTROPHES_OPEN_RE.sub("“", text)
    if "”" in text:
        text = _MARK_AS_APOSTROPHE_RE.sub("’", text)
    text = _INLINE_SPACE_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _standalone(line: str) -> bool:
    """A line that is furniture on its own, so it is never joined to a neighbour."""
    unit = _Unit(line)
    return unit.is_marker or unit.is_strong or unit.is_comment_meta


def _fits(line: str, next_line: str, width: int) -> bool:
    """True when the next line's first word would have fitted on `line` (so the break was
    deliberate, not a wrap)."""
    first = next_line.split(" ", 1)[0]
    return len(line) + 1 + len(first) <= width


def _continues(line: str, next_line: str) -> bool:
    """Clear evidence of a wrap: the next line starts in lower case or with an ellipsis, or this
    line ends on a comma, a dash or a function word (closing quotes aside)."""
    start = next_line.lstrip("\"'“‘(«[")
    if start[:1].islower() or start[:1].isdigit() or next_line.startswith(("...", "…")):
        return True
    return bool(_CONTINUATION_END_RE.search(line.rstrip(_QUOTE_CLOSERS)))


def _is_bullet(line: str) -> bool:
    """A list item: a line opened by a bullet mark or a number ("1.", "2)")."""
    return bool(_BULLET_RE.match(line))


def _wrap_width(blocks: list[list[str]]) -> int | None:
    """The width a hard-wrapped text (wire copy, an e-mail, a terminal or PDF copy) was wrapped at,
    or None when it is not hard-wrapped: most lines followed by another line of their paragraph
    block are close to one width, and most of those breaks show that a sentence runs on."""
    breaks = [(line, nxt) for lines in blocks for line, nxt in itertools.pairwise(lines)]
    lengths = sorted((len(line) for line, _ in breaks if len(line) <= WRAP_MAX_WIDTH), reverse=True)
    if len(lengths) < WRAP_MIN_LINES:
        return None
    width = lengths[len(lengths) // 20]  # the longest lines, a stray long one aside
    if width < WRAP_MIN_WIDTH:
        return None
    near = [(line, nxt) for line, nxt in breaks if len(line) > width - WRAP_SLACK]
    evidence = sum(_continues(line, nxt) for line, nxt in near)
    if len(near) >= WRAP_MIN_LINES and len(near) >= 0.5 * len(breaks) and evidence >= 0.4 * len(near):
        return width
    return None


def _wrapped_break(line: str, nxt: str, width: int, first: bool) -> bool:
    """In a text hard-wrapped at `width`: is the break between `line` and `nxt` a wrap (to be
    joined) rather than the end of a paragraph, a heading, a byline or a list item?"""
    unit = _Unit(line)
    if unit.is_marker or unit.is_comment_meta or _is_bullet(nxt):
        return False  # a label stands alone; furniture phrasing (a credit, a disclaimer) may wrap
    full = not _fits(line, nxt, width - WRAP_FIT_SLACK)
    if _DATELINE_RE.match(nxt):
        return False  # "PARIS (AP) —" opens the story's first paragraph
    if not unit.ends_sentence:
        # an unfinished line runs on when the sentence evidently does, or when the next word did
        # not fit on it; a line that would be furniture alone ("Wednesday.", "conversation.") is
        # then the sentence's end
        if _continues(line, nxt):
            return True
        if _standalone(nxt):
            return full and _Unit(nxt).words <= 2
        return full
    # a sentence ending at the end of a full line runs on, unless it closes a lead-in
    return full and unit.last_mark != ":" and not _standalone(nxt)


def _join_at(lines: list[str], width: int, first: bool) -> list[str]:
    out = [lines[0]]
    for k, nxt in enumerate(lines[1:]):
        if _wrapped_break(lines[k], nxt, width, first and k == 0):
            out[-1] = f"{out[-1]} {nxt}"
        else:
            out.append(nxt)
    return out


def _join_wrapped(lines: list[str]) -> list[str]:
    """The paragraphs of one block of consecutive lines in a text that is not hard-wrapped as a
    whole: hard-wrapped lines joined with a space, deliberately broken lines (labels, links,
    bylines) kept apart."""
    if len(lines) == 1:
        return lines
    widths = [len(line) for line in lines if len(line) <= WRAP_MAX_WIDTH]
    width = max(widths, default=0)
    if width < WRAP_MIN_WIDTH:
        return lines
    pairs = []  # (is a wrap candidate, has clear evidence) for each break
    for line, nxt in itertools.pairwise(lines):
        candidate = (
            len(line) <= WRAP_MAX_WIDTH
            and not _fits(line, nxt, width)
            and not _standalone(line)
            and not _standalone(nxt)
            and not _is_bullet(nxt)
        )
        pairs.append((candidate, candidate and _continues(line, nxt)))
    candidates = sum(c for c, _ in pairs)
    evidence = sum(e for _, e in pairs)
    # A block that is evidently wrapped prose joins every candidate break; otherwise only the
    # breaks with their own evidence (a list of similar-length headlines stays a list).
    prose = evidence >= 1 and evidence * 3 >= candidates
    out = [lines[0]]
    for (candidate, has_evidence), nxt in zip(pairs, lines[1:], strict=True):
        if candidate and (prose or has_evidence):
            out[-1] = f"{out[-1]} {nxt}"
        else:
            out.append(nxt)
    return out


def _units(text: str) -> list[_Unit]:
    blocks = [[line for line in block.split("\n") if line] for block in _BLANK_LINE_RE.split(text)]
    blocks = [lines for lines in blocks if lines]
    width = _wrap_width(blocks)
    units: list[_Unit] = []
    for k, lines in enumerate(blocks):
        paragraphs = _join_at(lines, width, k == 0) if width else _join_wrapped(lines)
        units.extend(_Unit(p) for p in paragraphs)
    return units


def _same_text(a: str, b: str) -> bool:
    """Equal ignoring case, punctuation and spacing."""
    return _NORM_RE.sub(" ", a).casefold().strip() == _NORM_RE.sub(" ", b).casefold().strip()


def _detect_title(head: list[_Unit]) -> str | None:
    """The headline among the lines before the first paragraph: the first title-like line —
    unless that is a bare name followed by a credit, a date or a byline (a caption or byline
    block), then the next title-like line."""
    for i, unit in enumerate(head):
        if not unit.title_like:
            continue
        following = head[i + 1] if i + 1 < len(head) else None
        if (
            _NAME_RE.match(unit.text)
            and following is not None
            and (following.is_credit or following.is_date or following.is_byline)
        ):
            continue
        if (
            unit.words <= SECTION_MAX_WORDS
            and following is not None
            and following.title_like
            and following.words > 3
            and not following.is_credit
            and not following.is_byline
            and not following.is_date
        ):
            continue  # a section label ("Philadelphia", "World") above the headline
        title = _KICKER_RE.sub("", unit.text)
        return title if WORD_RE.search(title) else unit.text
    return None


def _summary_point(unit: _Unit) -> bool:
    """A bullet of the story's summary above its first paragraph ("* Leave leads 51.8 per cent
    to 48.2 per cent"): a statement of the story, kept in the text as the body's own lines are."""
    if not _is_bullet(unit.text) or unit.words < SUMMARY_MIN_WORDS or unit.is_labelled_furniture:
        return False
    # furniture vocabulary ("vote", "share") in a long line with a figure is the story's ("Leave vote
    # leads 51.8 per cent"), in a short one a button ("Share this story")
    return not unit.is_weak or (unit.words >= 2 * SUMMARY_MIN_WORDS - 2 and any(ch.isdigit() for ch in unit.text))


def _suffix_counts(units: list[_Unit], start: int, end: int, feature: str) -> list[int]:
    """counts[k - start] = how many units in units[k + 1:end] have `feature`."""
    counts = [0] * (end - start)
    total = 0
    for k in range(end - 1, start - 1, -1):
        counts[k - start] = total
        total += bool(getattr(units[k], feature))
    return counts


def _comment_thread_start(units: list[_Unit], start: int, end: int) -> int | None:
    """A comment marker followed by a thread of readers' comments (paragraphs interleaved with
    "Reply", "X says:", timestamps): everything from the marker on is the comment section."""
    if not any(units[k].is_comment_marker for k in range(start, end)):
        return None
    stories = _suffix_counts(units, start, end, "is_story")
    meta = _suffix_counts(units, start, end, "is_comment_meta")
    for k in range(start, end):
        if units[k].is_comment_marker and stories[k - start] and meta[k - start] >= max(2, stories[k - start]):
            return k
    return None


def _author_box_start(units: list[_Unit], start: int, end: int) -> int | None:
    """An author box ("About the author", "About Jane Doe 120 Articles") followed by at most a
    short biography and furniture: everything from the box on belongs to the page."""
    if not any(units[k].is_author_box for k in range(start, end)):
        return None
    stories = _suffix_counts(units, start, end, "is_story")
    long_stories = _suffix_counts(units, start, end, "is_long_story")
    for k in range(start, end):
        if units[k].is_author_box and stories[k - start] <= _BIO_MAX_UNITS and not long_stories[k - start]:
            return k
    return None


def _tail_cut(units: list[_Unit], start: int, end: int) -> int:
    """Where the page's tail begins: the first stop marker (or strong furniture) after the last
    paragraph that reads like the story. Returns `end` when there is none."""
    last_story = max((i for i in range(start, end) if units[i].is_story), default=start)
    for k in range(max(last_story + 1, start + 1), end):
        if units[k].is_marker or units[k].is_strong:
            return k
    return end


def _trim_end(units: list[_Unit], start: int, end: int) -> int:
    """Trim trailing bylines, job titles, labels and teaser headlines; a run of two or more
    headline-like lines at the very end (teasers) goes even if some end with "?" or "!"."""
    while end > start + 1 and units[end - 1].tail_trimmable:
        end -= 1
    run = end
    while (
        run > start + 1
        and units[run - 1].words <= 15
        and not units[run - 1].ends_period
        and units[run - 1].last_mark != ":"
    ):
        run -= 1
    if end - run >= 2 and sum(1 for u in units[run:end] if not u.ends_sentence) >= 1:
        end = run
    return end


def clean_article(raw: str, title: str | None = None) -> Cleaned:
    """The article in `raw` without its page furniture.

    `title`, when given, is kept and a first line repeating it is removed; when None, a headline
    at the top of the page is detected, returned as the title and removed from the text.
    """
    units = _units(_normalise(raw))

    # Head: everything before the first real paragraph (headline, subheadline, bylines, credits,
    # datelines, ads, fragments).
    body = next((i for i, u in enumerate(units) if u.starts_body), len(units))
    if body < len(units):
        # a timestamp glued to the front of the first paragraph ("date 2015-05-13 PARIS — …")
        stamp = _LEADING_STAMP_RE.match(units[body].text)
        if stamp and WORD_RE.search(units[body].text, stamp.end()):
            units[body : body + 1] = [_Unit(stamp.group().strip()), _Unit(units[body].text[stamp.end() :])]
            body += 1
    keep = [True] * len(units)
    detected = _detect_title(units[:body]) if title is None else None
    for i in range(body):
        keep[i] = _summary_point(units[i])
    if title is not None:
        # The given headline repeated at the top (in the head, or as the very first paragraph).
        for i in range(min(body + 1, len(units))):
            if _same_text(units[i].text, title):
                keep[i] = False
                break

    # Tail: a comment thread or an author box with its biography, then the first stop marker
    # after the story, then trailing lines.
    end = len(units)
    if body < end:
        for section in (_comment_thread_start, _author_box_start):
            found = section(units, body + 1, end)
            if found is not None:
                end = found
        end = _tail_cut(units, body, end)
        end = _trim_end(units, body, end)
    for i in range(end, len(units)):
        keep[i] = False

    # Body: every sentence stays; furniture lines go, and so do the short links listed under a
    # "Related"/"Share" marker.
    in_list = False
    for i in range(body, end):
        unit = units[i]
        if unit.is_strong:
            keep[i] = False
        elif unit.is_marker and unit.last_mark not in (".", "?", "!", "…"):
            keep[i] = False
            in_list = unit.is_list_marker
        elif in_list and not unit.is_story and unit.words < 20:
            keep[i] = False
        else:
            in_list = False
            if not (unit.ends_sentence or unit.words >= SHORT_WORDS):
                if unit.is_furniture or unit.is_comment_meta:
                    keep[i] = False

    kept = [u.text for u, k in zip(units, keep, strict=True) if k]
    removed = [u.text for u, k in zip(units, keep, strict=True) if not k]
    text = "\n\n".join(kept)
    if not WORD_RE.search(text):
        # Nothing article-like survived: better the whole input than nothing.
        return Cleaned(text="\n\n".join(u.text for u in units), title=title, removed=[])
    return Cleaned(text=text, title=title if title is not None else detected, removed=removed)
