"""What the archive's indexes are built from, computed here (storage only stores and looks up):
sentence fingerprints (the exact-sentence index), search terms (the full-text index's vocabulary,
as its tokenizer sees them) and the stop words they leave out.

`index(article)` is everything `Archive.add` stores of an article besides the article itself;
`query(text)` is what `Archive.candidates` looks up for a text under analysis.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from copydesk.bot.language import text as textmod
from copydesk.bot.model import Article, Indexed, Query

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told according would could also new one two
    mr mrs ms""".split()
)

MIN_FINGERPRINT_WORDS = 6  # shorter sentences ("He said no.") are too common to find anything


def fingerprint(sentence: str) -> int:
    """A 63-bit fingerprint of a sentence's normal form (verbatim and typographic variants collide)."""
    return _fingerprint_normal(textmod.normalize(sentence))


def _fingerprint_normal(normal: str) -> int:
    return int.from_bytes(hashlib.blake2b(normal.encode("utf-8"), digest_size=8).digest(), "big") >> 1


_TERM_RE = re.compile(r"[^\W_]{3,}", re.UNICODE)


def terms(text: str) -> dict[str, int]:
    """Term frequencies as the FTS index tokenises (unicode61, lower-case, no diacritics), in
    order of first occurrence, stop words and words under three characters left out."""
    folded = textmod.fold(text).lower()
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    counts: dict[str, int] = {}
    for w in _TERM_RE.findall(folded):
        if w not in STOPWORDS:
            counts[w] = counts.get(w, 0) + 1
    return counts


def index(article: Article) -> Indexed:
    """What the archive stores and indexes of `article` besides its fields."""
    spans = textmod.sentences(article.text)
    normals = [textmod.normalize(s.text) for s in spans]  # each sentence normalised once, for both
    return Indexed(
        text_hash=textmod.hash_normal(" ".join(n for n in normals if n)),
        sentences=[(s.start, s.end, _fingerprint_normal(n)) for s, n in zip(spans, normals, strict=True)],
        terms=sorted(terms(article.title or "").keys() | terms(article.text).keys()),
    )


def query(text: str) -> Query:
    """What the candidate index looks up for `text`: its text hash, the fingerprints of its
    sentences of six words or more, and its search terms."""
    return Query(
        text_hash=textmod.text_hash(text),
        fingerprints=list(
            dict.fromkeys(
                fingerprint(s.text)
                for s in textmod.sentences(text)
                if textmod.word_count(s.text) >= MIN_FINGERPRINT_WORDS
            )
        ),
        terms=terms(text),
    )
