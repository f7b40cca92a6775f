"""Speaker keys: one canonical form per speaker, for matching the same speaker across articles
(people by surname, offices by their owner, organisations by their name)."""

from __future__ import annotations

import re

from copydesk.bot.language.attributions.words import (
    _DETERMINERS,
    _HONORIFICS,
    _NAME_SUFFIXES,
    _PREPOSITIONS,
    OFFICE_NOUNS,
    ORG_WORDS,
    PERSON_NOUNS,
    STATEMENT_NOUNS,
)
from copydesk.bot.language.text import fold

_ACRONYM_RE = re.compile(r"\b((?:[A-Za-z]\.){2,})")


def _clean_name(name: str) -> str:
    s = fold(name)
    s = _ACRONYM_RE.sub(lambda m: m.group(1).replace(".", ""), s)
    s = re.sub(r"\s*-\s*", "-", s)  # "President - elect" → "President-elect"
    s = re.sub(r"\s+", " ", s)
    return s.strip(" ,.;:\"'()[]—–")


def _norm_phrase(name: str) -> str:
    """Lower-case phrase without leading determiners and honorifics: the alias-table form."""
    words = _clean_name(name).split()
    while words and words[0].lower().rstrip(".") in _DETERMINERS | _HONORIFICS:
        words.pop(0)
    return " ".join(words).lower()


def speaker_key(name: str, aliases: dict[str, str] | None = None) -> str:
    """The canonical key of a speaker, for matching the same speaker across articles.

    People → surname ("Tessalian President Ivo Maric", "Mr. Maric" → "maric"); offices and teams →
    owner + ":office" ("Lind's campaign team", "the Lind campaign team" → "lind:office");
    a statement → its issuer ("a Harbour Authority press release" → "harbour authority");
    organisations and groups → the lower-case phrase without articles ("the Harbour Authority" →
    "harbour authority", "Port officials" → "port
    officials"). `aliases` (normalised phrase → key, see `build_aliases`) is consulted first, so role
    phrases the article introduced ("the Tessalian president") map to the person's key.
    """
    aliases = aliases or {}
    s = _clean_name(name)
    if not s:
        return ""
    parts = re.split(r"\s+(?:and|&)\s+|,\s+", s)
    if len(parts) > 1 and all(p.strip() for p in parts):
        keys = sorted({speaker_key(p, aliases) for p in parts} - {""})
        whole = _norm_phrase(s)
        if whole in aliases:
            return aliases[whole]
        return "+".join(keys)
    words = s.split()
    while words and words[0].lower().rstrip(".") in _DETERMINERS | _HONORIFICS:
        words.pop(0)
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]  # "Lind's" (the owner of an unnamed statement)
    words = [w for w in words if w]
    if not words:
        return ""
    # possessive: "Lind's office", "Tessaly's foreign ministry", "the ferry's captain"
    for i, w in enumerate(words[:-1]):
        if w.endswith("'s") or w.endswith("s'"):
            owner = " ".join(words[:i] + [w[:-2] if w.endswith("'s") else w[:-1]])
            rest = words[i + 1 :]
            okey = speaker_key(owner, aliases)
            head = rest[-1].lower()
            if head in OFFICE_NOUNS:
                return f"{okey}:office"
            if head in STATEMENT_NOUNS:  # a person's statement comes from their office
                return f"{okey}:office" if okey in aliases.values() and ":" not in okey else okey
            return f"{okey}:{' '.join(rest).lower()}"
    lookup = " ".join(words).lower()
    if lookup in aliases:
        return aliases[lookup]
    # prepositional phrase: "a spokesman for the ministry", "residents of Hessel"
    for i, w in enumerate(words):
        if i and w in _PREPOSITIONS and i + 1 < len(words):
            head = words[i - 1].lower()
            if head in OFFICE_NOUNS:
                return f"{speaker_key(' '.join(words[i + 1 :]), aliases)}:office"
            if head in STATEMENT_NOUNS:
                return speaker_key(" ".join(words[i + 1 :]), aliases)
            return lookup
    head = words[-1].lower()
    caps = [w for w in words[:-1] if w[:1].isupper()]
    # an office or a statement named after its owner: "the Lind campaign team", "Ministry statement"
    if len(words) > 1 and caps and (head in OFFICE_NOUNS - {"press"} or head in STATEMENT_NOUNS):
        owner_words = []
        for w in words[:-1]:
            if not w[:1].isupper():
                break
            owner_words.append(w)
        if owner_words and not any(w.lower() in PERSON_NOUNS for w in owner_words[-1:]):
            okey = speaker_key(" ".join(owner_words), aliases)
            return okey if head in STATEMENT_NOUNS else f"{okey}:office"
    # a name: the trailing run of capitalised words after titles ("coastguard commander Rita Okafor")
    run: list[str] = []
    for w in reversed(words):
        if not w[:1].isupper():
            break
        run.insert(0, w)
    while len(run) > 1 and run[-1].lower().rstrip(".") in _NAME_SUFFIXES:
        run.pop()
    if run:
        last = run[-1].lower()
        base = last.split("-")[0]
        if last in ORG_WORDS or base in PERSON_NOUNS or last in PERSON_NOUNS:
            return lookup  # an organisation or a bare title: "Foreign Ministry", "President"
        return last
    return lookup


def same_speaker(a: str, b: str) -> bool:
    """Whether two speaker keys name the same speaker (unknown speakers never match)."""
    a, b = (a or "").strip().lower(), (b or "").strip().lower()
    if not a or not b:
        return False
    if a == b:
        return True
    # "hall+lind" and "lind+hall" (keys of coordinated speakers are sorted, but be lenient)
    return "+" in a and set(a.split("+")) == set(b.split("+"))
