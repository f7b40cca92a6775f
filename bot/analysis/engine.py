"""The analysis engine that the CLI, the Slack app and the digest share.

`Analyzer.analyze(article, scope)` compares one article with the earlier coverage visible in
`scope` and returns a `Report`: copied passages, shared quotes, contradictions, corroborated and new
claims, and the copied share. Archived articles' NLP features (sentences, attributions, claims) are
computed once, at their first comparison, and cached in SQLite; only candidate articles from the
archive's index are compared, never the whole archive.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import importlib
import inspect
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from copydesk.bot.analysis import copying, ingest, quotes
from copydesk.bot.language import attributions as attrib
from copydesk.bot.language import claims as claimsmod
from copydesk.bot.language import doc as docmod
from copydesk.bot.language import lexicon
from copydesk.bot.language import nlp as nlpmod
from copydesk.bot.language import terms as termsmod
from copydesk.bot.language.text import Span, normalize, word_count
from copydesk.bot.model import CLI_SCOPE, DEFAULT_SETTINGS, Article, ChannelSettings, Scope
from copydesk.bot.settings import Settings


def _code_digest(*modules) -> str:
    """A digest of the modules' source (a package's: every module in it)."""
    h = hashlib.blake2b(digest_size=8)
    for module in modules:
        path = Path(module.__file__)
        for f in sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]:
            h.update(f.read_bytes())
    return h.hexdigest()


CANDIDATES = 30
RECENT_FEATURES = 256  # archived articles' features an Analyzer keeps in memory (a few MB)
SHARED_QUOTE_MIN = 88.0  # quote wording similarity (0-100) for "the same words"
QUOTE_MIN_WORDS = quotes.QUOTE_MIN_WORDS
SPEAKER_QUOTE_WORDS = 5  # the least words of one quoted passage that "another speaker's words" needs
KINDS = ("number", "quote", "speaker", "negation", "date", "name", "other")


@dataclass
class Features:
    """What the analysis needs of one article; cached per archived article."""

    sentences: list[Span]
    attributions: list  # attrib.Attribution
    claims: list  # claimsmod.Claim
    quotes: list[tuple[int, int]]
    headline: list = field(default_factory=list)  # the headline's claim (claimsmod.Claim), if it gives a figure
    # what copy finding compares of each sentence (copying.sentence_tokens), computed on first use
    # and kept with the features in memory (never cached in the archive: cheap to recompute)
    copy_tokens: list | None = field(default=None, repr=False, compare=False)

    def sentence_tokens(self, text: str) -> list:
        """What copy finding compares of each sentence of `text` (the article these are the
        features of), computed once."""
        if self.copy_tokens is None:
            self.copy_tokens = copying.sentence_tokens(text, self.sentences, self.quotes)
        return self.copy_tokens

    def to_dict(self) -> dict:
        return {
            "sentences": [[s.start, s.end, s.para] for s in self.sentences],
            "attributions": [a.to_dict() for a in self.attributions],
            "claims": [c.to_dict() for c in self.claims],
            "quotes": [list(q) for q in self.quotes],
            "headline": [c.to_dict() for c in self.headline],
        }

    @classmethod
    def from_dict(cls, text: str, d: dict) -> Features:
        return cls(
            sentences=[Span(s, e, text[s:e], p) for s, e, p in d["sentences"]],
            attributions=[attrib.Attribution.from_dict(a) for a in d["attributions"]],
            claims=[claimsmod.Claim.from_dict(c) for c in d["claims"]],
            quotes=[tuple(q) for q in d["quotes"]],
            headline=[claimsmod.Claim.from_dict(c) for c in d.get("headline", [])],
        )


@cache
def features_version() -> str:
    """A digest of the code that extracts features (sentences, attributions, claims, quotes), so
    that the features cache key changes by itself whenever that code changes: an archive never
    compares with features an older Copydesk extracted (they are recomputed on first use)."""
    from copydesk.bot.language import attributions, doc, lexicon, nlp, text

    # the claims package's modules by name (the package re-exports functions of the same names)
    extract = importlib.import_module("copydesk.bot.language.claims.extract")
    return (
        _code_digest(attributions, extract, doc, lexicon, nlp, text)
        + hashlib.blake2b(inspect.getsource(Features).encode(), digest_size=4).hexdigest()
    )


@cache
def report_version() -> str:
    """The features' digest plus the comparison code's: the key of cached reports."""
    import sys

    from copydesk.bot.analysis import copying, quotes

    compare = importlib.import_module("copydesk.bot.language.claims.compare")
    return features_version() + _code_digest(sys.modules[__name__], copying, quotes, compare)


@dataclass
class Report:
    article: Article
    text: str
    claims: list[dict] = field(default_factory=list)
    attributions: list[dict] = field(default_factory=list)
    copied: list[dict] = field(default_factory=list)
    shared_quotes: list[dict] = field(default_factory=list)
    contradictions: list[dict] = field(default_factory=list)
    corroborated: list[dict] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    copied_share: float = 0.0
    compared_with: int = 0
    seen_before: dict | None = None  # SOURCE of the archived copy of this same article, when in scope

    def to_dict(self) -> dict:
        a = self.article
        return {
            "article": {
                "id": str(a.id) if a.id is not None else None,
                "title": a.title,
                "outlet": a.outlet,
                "url": a.url,
                "published": a.published,
                "words": a.words,
            },
            "text": self.text,
            "claims": self.claims,
            "attributions": self.attributions,
            "copied": self.copied,
            "shared_quotes": self.shared_quotes,
            "contradictions": self.contradictions,
            "corroborated": self.corroborated,
            "new": self.new,
            "copied_share": round(self.copied_share, 4),
            "compared_with": self.compared_with,
            "seen_before": self.seen_before,
        }


def _order_key(article: Article) -> tuple:
    """Earliest first: by published date when known, else archive order."""
    return (article.published is None, article.published or "", article.id or 0)


class Analyzer:
    def __init__(self, archive=None, settings: Settings | None = None, nlp=None):
        self.archive = archive
        self.settings = settings or Settings()
        self._nlp = nlp
        self._busy = 0  # analyses running (the background enrichment steps aside meanwhile)
        self._idle = threading.Condition()
        # archived articles' features recently used, as objects (a long-running process skips
        # reading and decoding them again): (id, version) -> (text, Features), least recently used first
        self._recent: OrderedDict[tuple[int, str], tuple[str, Features]] = OrderedDict()
        self._recent_lock = threading.Lock()

    @contextmanager
    def _working(self):
        with self._idle:
            self._busy += 1
        try:
            yield
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def wait_idle(self, stop: threading.Event | None = None) -> None:
        """Block while an analysis runs (or until `stop` is set): the enrichment's pause."""
        with self._idle:
            while self._busy and not (stop is not None and stop.is_set()):
                self._idle.wait(0.5)

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = nlpmod.load(self.settings.spacy_model)
        return self._nlp

    @property
    def version(self) -> str:
        """The features cache key: the extraction code's digest and the spaCy model."""
        return f"{features_version()}:{self.nlp.meta.get('name', '')}-{self.nlp.meta.get('version', '')}"

    @property
    def report_version(self) -> str:
        """The reports cache key: the comparison code's digest and the spaCy model."""
        return f"{report_version()}:{self.nlp.meta.get('name', '')}-{self.nlp.meta.get('version', '')}"

    # ------------------------------------------------------------ features
    def features(self, text: str, parsed=None, title: str | None = None) -> Features:
        """The features of an article from its text and headline (`title`), or from `parsed`
        (docmod.parse of both)."""
        parsed = parsed or docmod.parse(text, self.nlp, title=title)
        atts = attrib.extract(parsed)
        feats = Features(parsed.sentences, atts, claimsmod.extract(parsed, atts), attrib.quote_spans(text))
        if parsed.title is not None:
            # the headline is not in the text; its figures are claims of the article too
            head = claimsmod.headline(parsed.title, parsed.title.text)
            feats.headline = [head] if head is not None else []
        return feats

    def features_for(self, articles: Iterable[Article]) -> dict[int, Features]:
        """Features of archived articles: from memory (recently used), else from the cache, else
        computed (each article parsed alone) and cached."""
        articles = [a for a in articles if a.id is not None]
        version = self.version
        out: dict[int, Features] = {}
        with self._recent_lock:
            for a in articles:
                hit = self._recent.get((a.id, version))
                if hit is not None and hit[0] == a.text:  # the same article (an id may be reused)
                    self._recent.move_to_end((a.id, version))
                    out[a.id] = hit[1]
        wanted = [a for a in articles if a.id not in out]
        cached = self.archive.nlp_cache_get([a.id for a in wanted], version) if self.archive and wanted else {}
        texts = {a.id: a.text for a in wanted}
        out.update((i, Features.from_dict(texts[i], d)) for i, d in cached.items())
        missing = [a for a in articles if a.id not in out]
        if missing:
            computed = {}
            parsed_all = docmod.parse_many([a.text for a in missing], self.nlp, [a.title for a in missing])
            for a, parsed in zip(missing, parsed_all, strict=True):
                computed[a.id] = self.features(a.text, parsed)
            if self.archive:
                self.archive.nlp_cache_put({i: f.to_dict() for i, f in computed.items()}, version)
            out.update(computed)
        with self._recent_lock:
            for a in articles:
                self._recent[(a.id, version)] = (a.text, out[a.id])
                self._recent.move_to_end((a.id, version))
            while len(self._recent) > RECENT_FEATURES:
                self._recent.popitem(last=False)
        return out

    # ------------------------------------------------------------ entry points
    def analyze(
        self,
        article: Article,
        scope: Scope = CLI_SCOPE,
        *,
        store: bool = False,
        message_ts: str | None = None,
        tuning: ChannelSettings | None = None,
    ) -> Report:
        """Compare `article` with the earlier coverage visible in `scope`; optionally store it after.
        When the archive already holds this same article (same URL or same cleaned text) and the
        scope can see it, the report's `seen_before` is that copy, and the comparison is with the
        rest of the coverage (never with the copy itself). `tuning` (a workspace's or channel's
        settings; default: the built-in ones) limits the coverage to its recency window and sets
        the copy threshold and minimum copied passage."""
        with self._working():
            return self._analyze(article, scope, store, message_ts, tuning or DEFAULT_SETTINGS)

    def _analyze(
        self, article: Article, scope: Scope, store: bool, message_ts: str | None, tuning: ChannelSettings
    ) -> Report:
        feats = self.features(article.text, title=article.title)
        earlier: list[Article] = []
        seen_before = None
        if self.archive is not None:
            query = termsmod.query(article.text)
            existing = self.archive.find_existing(article, scope.team_id, query.text_hash)
            copy = self.archive.get(existing) if existing is not None else None
            if copy is not None and scope.can_see(copy.team_id, copy.channel_id, copy.is_private):
                seen_before = copy.source()
            window = tuning.recency_days > 0
            # the archived copy's own terms must not look distinctive: the rest of the coverage is searched
            ignore = [termsmod.terms(copy.text).keys()] if copy is not None else []
            ids = self.archive.candidates(
                query,
                scope,
                limit=CANDIDATES * (3 if window else 1),
                ignore_terms=ignore,
                exclude=[existing] if existing else [],
            )
            found = self.archive.get_many(ids)
            earlier = [found[i] for i in ids if i in found]
            if window:
                earlier = [a for a in earlier if _within(a, tuning.recency_days)][:CANDIDATES]
        report = self._report(article, feats, earlier, self.features_for(earlier), tuning)
        report.seen_before = seen_before
        if store and self.archive is not None:
            article_id, created = ingest.store(self.archive, article, scope, message_ts=message_ts)
            report.article.id = article_id
            if created:
                self.archive.nlp_cache_put({article_id: feats.to_dict()}, self.version)
                self.archive.save_report(article_id, self.report_version, report.to_dict())
        return report

    def report_for(self, article_id: int) -> dict | None:
        """The report of an archived article against the coverage archived before it, in the
        article's own scope, as a JSON-ready dict (cached in the archive)."""
        with self._working():
            return self._report_for(article_id)

    def _report_for(self, article_id: int) -> dict | None:
        cached = self.archive.get_report(article_id, self.report_version)
        if cached is not None:
            return cached
        article = self.archive.get(article_id)
        if article is None:
            return None
        scope = Scope(article.team_id, article.channel_id, article.is_private)
        ids = self.archive.candidates(termsmod.query(article.text), scope, limit=CANDIDATES, before_id=article_id)
        found = self.archive.get_many(ids)
        earlier = [found[i] for i in ids if i in found]
        feats = self.features_for([article])[article_id]
        report = self._report(article, feats, earlier, self.features_for(earlier)).to_dict()
        self.archive.save_report(article_id, self.report_version, report)
        return report

    def compare(self, first: Article, second: Article) -> Report:
        """Two articles side by side: the later one (by published date, else the second given) is
        reported against the earlier one. No archive needed."""
        if first.published and second.published and second.published < first.published:
            first, second = second, first
        if first.id is None:
            # features are keyed by archive id; 0 is never one (SQLite ids start at 1), and a
            # SOURCE with id 0 reports article_id null
            first = dataclasses.replace(first, id=0)
        pf = self.features(first.text, title=first.title)
        return self._report(second, self.features(second.text, title=second.title), [first], {first.id: pf})

    # ------------------------------------------------------------ the comparison
    def _report(
        self,
        article: Article,
        feats: Features,
        earlier: list[Article],
        earlier_feats: dict[int, Features],
        tuning: ChannelSettings = DEFAULT_SETTINGS,
    ) -> Report:
        text = article.text
        earlier = sorted((a for a in earlier if a.id in earlier_feats), key=_order_key)
        report = Report(article=article, text=text, compared_with=len(earlier))
        report.attributions = [
            {
                "speaker": a.speaker,
                "speaker_key": a.speaker_key,
                "cue": a.cue,
                "content": a.content,
                "direct": a.direct,
                "start": a.start,
                "end": a.end,
            }
            for a in feats.attributions
        ]
        report.claims = [{"text": c.text, "start": c.start, "end": c.end} for c in feats.claims]

        copied_sentences = self._copied(report, article, feats, earlier, earlier_feats, tuning)
        quote_sentences = self._quotes(report, article, feats, earlier, earlier_feats)
        quote_sentences |= self._quoted_terms(report, feats, earlier, earlier_feats)
        self._claims(report, feats, earlier, earlier_feats, copied_sentences, quote_sentences)

        copied_words = sum(word_count(text[c["start"] : c["end"]]) for c in report.copied)
        report.copied_share = min(1.0, copied_words / max(1, article.words))
        return report

    def _copied(
        self,
        report: Report,
        article: Article,
        feats: Features,
        earlier: list[Article],
        earlier_feats: dict[int, Features],
        tuning: ChannelSettings = DEFAULT_SETTINGS,
    ) -> set[int]:
        sources = [(a.text, earlier_feats[a.id].sentences, earlier_feats[a.id].quotes) for a in earlier]
        matches = copying.find(
            article.text,
            feats.sentences,
            feats.quotes,
            sources,
            threshold=tuning.copy_threshold,
            min_words=tuning.min_passage_words,
            earlier_tokens=[earlier_feats[a.id].sentence_tokens(a.text) for a in earlier],
        )

        def earliest(positions: list[int]) -> int:
            # publication dates when every candidate has one, else the order they were archived in
            cands = [earlier[p] for p in positions]
            if all(_ISO_DATE_RE.match(a.published or "") for a in cands):
                return positions[min(range(len(cands)), key=lambda k: (cands[k].published, cands[k].id or 0))]
            return positions[min(range(len(cands)), key=lambda k: cands[k].id or 0)]

        groups = copying.passages(matches, earliest, feats.sentences, [a.text for a in earlier])
        copied: set[int] = set()
        for group in groups:
            src = earlier[group[0].article]
            first, last = group[0], group[-1]
            start = feats.sentences[first.sentence].start if first.start is None else first.start
            end = feats.sentences[last.sentence].end if last.end is None else last.end
            s0, s1 = first.source_start, max(m.source_end for m in group)
            weights = [m.covered * word_count(feats.sentences[m.sentence].text) for m in group]
            sim = sum(w * m.score for w, m in zip(weights, group, strict=True)) / max(1, sum(weights)) / 100
            copied.update(m.sentence for m in group if m.covered >= 0.5)
            report.copied.append(
                {
                    "text": article.text[start:end],
                    "start": start,
                    "end": end,
                    "similarity": round(sim, 3),
                    "source": src.source(),
                    "source_text": src.text[s0:s1],
                }
            )
        return copied

    def _quotes(
        self,
        report: Report,
        article: Article,
        feats: Features,
        earlier: list[Article],
        earlier_feats: dict[int, Features],
    ) -> set[int]:
        """Shared quotes (same speaker, same words, light edits aside) and quote contradictions (the
        same remark of one speaker in other words, or the same words given to another speaker).
        Returns the sentences these cover."""
        covered: set[int] = set()
        for att in feats.attributions:
            n_mine = word_count(att.content) if att.direct else 0
            if n_mine < quotes.SHORT_QUOTE_WORDS:
                continue
            mine = normalize(att.content)
            shared, changed, other_speaker = None, [], []
            shared_words = 0
            for src in earlier:
                for other in earlier_feats[src.id].attributions:
                    n_theirs = word_count(other.content) if other.direct else 0
                    if n_theirs < quotes.SHORT_QUOTE_WORDS:
                        continue
                    if min(n_mine, n_theirs) < QUOTE_MIN_WORDS:
                        # a short quotation: only the same few words with one in another form
                        variant = quotes.short_variant(att.content, other.content) if _same_person(att, other) else None
                        if variant:
                            changed.append((src, other, f"“{variant[0]}” here, “{variant[1]}” earlier"))
                        continue
                    theirs = normalize(other.content)
                    score = (
                        fuzz.partial_ratio(mine, theirs)
                        if min(len(mine), len(theirs)) >= 20
                        else fuzz.ratio(mine, theirs)
                    )
                    same = _same_person(att, other)
                    if same:
                        diff = quotes.quote_diff(att.content, other.content)
                        if diff.same_remark:
                            if diff.reworded:
                                here, there, _ = max(diff.changes, key=lambda c: c[2])  # the largest change
                                why = _changed_words(mine, theirs) or f"“{here}” here, “{there}” earlier"
                                changed.append((src, other, why))
                            elif shared is None or diff.matched > shared_words:
                                # the earlier quotation that holds most of this one (earliest on ties)
                                shared, shared_words = (src, other), diff.matched
                            continue
                    change = _changed_words(mine, theirs) if same and score >= 70 else None
                    if change:
                        changed.append((src, other, change))
                    elif score >= SHARED_QUOTE_MIN:
                        if same:
                            if shared is None:
                                shared = (src, other)
                        elif (
                            att.speaker_key
                            and other.speaker_key
                            and score >= 95
                            and _named(att)
                            and _named(other)
                            and _one_passage(att)
                            and _one_passage(other)
                        ):
                            other_speaker.append((src, other))
            spanned = {i for i, s in enumerate(feats.sentences) if s.start < att.end and att.start < s.end}
            if shared:
                covered |= spanned
                report.shared_quotes.append(
                    {
                        "text": report.text[att.start : att.end],
                        "start": att.start,
                        "end": att.end,
                        "speaker": att.speaker,
                        "source": shared[0].source(),
                    }
                )
            if changed:
                src, other, why = changed[0]
                covered |= spanned
                report.contradictions.append(
                    _contradiction(
                        report.text,
                        att.start,
                        att.end,
                        "quote",
                        other.content,
                        [(c[0], c[1].content) for c in changed],
                        f"{att.speaker} is quoted differently: {why}",
                        [],
                    )
                )
            elif other_speaker and not shared:
                src, other = other_speaker[0]
                covered |= spanned
                report.contradictions.append(
                    _contradiction(
                        report.text,
                        att.start,
                        att.end,
                        "speaker",
                        other.content,
                        [(o[0], o[1].content) for o in other_speaker],
                        f"these words are attributed to {att.speaker} here but to {other.speaker} in {src.label()}",
                        [],
                    )
                )
        return covered

    def _quoted_terms(
        self,
        report: Report,
        feats: Features,
        earlier: list[Article],
        earlier_feats: dict[int, Features],
    ) -> set[int]:
        """Quote contradictions of short quoted terms (too short for `_quotes`): a sentence told as an
        earlier one was, with other words between the quotation marks (“societal imperative” /
        “social imperative”). Returns the sentences these cover."""
        covered: set[int] = set()
        mine: list[tuple[int, Span, quotes.QuotedTerm]] = []
        for i, s in enumerate(feats.sentences):
            text = report.text[s.start : s.end]
            if any(q in text for q in _QUOTE_MARKS):
                mine.extend((i, s, t) for t in quotes.quoted_terms(text))
        if not mine:
            return covered
        wanted = {t.left for _, _, t in mine}
        theirs: dict[tuple[str, ...], list[tuple[Article, str, quotes.QuotedTerm]]] = {}
        for src in earlier:
            for s in earlier_feats[src.id].sentences:
                text = src.text[s.start : s.end]
                if any(q in text for q in _QUOTE_MARKS):
                    for t in quotes.quoted_terms(text):
                        if t.left in wanted:
                            theirs.setdefault(t.left, []).append((src, text, t))
        taken = {
            i
            for i, s in enumerate(feats.sentences)
            for c in report.contradictions
            if s.start < c["end"] and c["start"] < s.end
        }
        for i, s, t in mine:
            if i in taken:
                continue
            changed = [(src, text, o) for src, text, o in theirs.get(t.left, ()) if quotes.term_changed(t, o)]
            if not changed:
                continue
            first = changed[0][2]
            report.contradictions.append(
                _contradiction(
                    report.text,
                    s.start,
                    s.end,
                    "quote",
                    changed[0][1],
                    [(c[0], c[1]) for c in changed],
                    f"the quoted words differ: “{t.term}” here, “{first.term}” earlier",
                    [],
                )
            )
            taken.add(i)
            covered.add(i)
        return covered

    def _claims(
        self,
        report: Report,
        feats: Features,
        earlier: list[Article],
        earlier_feats: dict[int, Features],
        copied: set[int],
        quoted: set[int],
    ) -> None:
        # an inverted index of the earlier claims' terms: each claim is compared only with the
        # earlier claims that share at least three of its terms (in a fixed order: results never
        # depend on hash order)
        index: dict[str, list[tuple[int, Article, claimsmod.Claim]]] = {}
        serial = 0
        # named measures ("the descent": minutes) each article gives one value for: statements
        # sharing one are compared even when they share few other terms
        mine = claimsmod.measure_keys(feats.claims)
        shared_measures: dict[int, set[tuple[str, str]]] = {}
        my_ambiguous = claimsmod.ambiguous_measures(feats.claims)
        ambiguous: dict[int, frozenset[tuple[str, str]]] = {}
        for src in earlier:
            theirs = shared_measures[src.id] = mine & claimsmod.measure_keys(earlier_feats[src.id].claims)
            ambiguous[src.id] = my_ambiguous | claimsmod.ambiguous_measures(earlier_feats[src.id].claims)
            for c in earlier_feats[src.id].claims:
                for t in c.keyset() | _measure_terms(c, theirs):
                    index.setdefault(t, []).append((serial, src, c))
                serial += 1
            for c in earlier_feats[src.id].headline:  # compared for its counts only (headline_conflict)
                for t in c.keyset():
                    index.setdefault(t, []).append((serial, src, c))
                serial += 1
        contradicted_sentences = {
            i
            for i, s in enumerate(feats.sentences)
            for c in report.contradictions
            if s.start < c["end"] and c["start"] < s.end
        }
        for claim in feats.claims:
            counts: dict[int, int] = {}
            pool: dict[int, tuple[Article, claimsmod.Claim]] = {}
            measured: set[int] = set()
            for t in claim.keyset():
                for key, src, other in index.get(t, ()):
                    counts[key] = counts.get(key, 0) + 1
                    pool[key] = (src, other)
            for t in _measure_terms(claim, mine):
                for key, src, other in index.get(t, ()):
                    measured.add(key)
                    pool[key] = (src, other)
            agree: dict[int, Article] = {}
            disagree: dict[int, tuple[Article, claimsmod.Claim, claimsmod.Verdict]] = {}
            # two shared terms are enough when both give figures ("turnout ... 71.8%")
            for key in sorted(
                {k for k, n in counts.items() if n >= 3 or (n == 2 and claim.numbers and pool[k][1].numbers)} | measured
            ):
                src, other = pool[key]
                if other.headline:
                    verdict = claimsmod.headline_conflict(claim, other)
                    if verdict is not None:
                        disagree.setdefault(src.id, (src, other, verdict))
                    continue
                verdict = claimsmod.compare(claim, other, ambiguous[src.id])
                if verdict is None and key in measured and claimsmod.overlap(claim, other)[0] < 2:
                    verdict = claimsmod.measure_conflict(claim, other, shared_measures[src.id])
                if verdict is None:
                    continue
                if verdict.kind is None:
                    agree.setdefault(src.id, src)
                else:
                    disagree.setdefault(src.id, (src, other, verdict))
            if disagree and claim.sentence not in contradicted_sentences:
                # one entry citing every earlier report that disagrees, earliest first, each with
                # its own wording; the earliest gives the kind and the explanation
                items = sorted(disagree.values(), key=lambda t: _order_key(t[0]))
                first = items[0]
                kind = first[2].kind
                agreeing = sorted((a for sid, a in agree.items() if sid not in disagree), key=_order_key)
                report.contradictions.append(
                    _contradiction(
                        report.text,
                        claim.start,
                        claim.end,
                        kind,
                        first[1].text,
                        [(t[0], t[1].text) for t in items],
                        first[2].explanation,
                        agreeing,
                    )
                )
                contradicted_sentences.add(claim.sentence)
            if claim.sentence in contradicted_sentences:
                continue
            if agree:
                if claim.sentence not in copied and claim.sentence not in quoted:
                    srcs = sorted(agree.values(), key=_order_key)
                    report.corroborated.append(
                        {
                            "text": claim.text,
                            "start": claim.start,
                            "end": claim.end,
                            "sources": [s.source() for s in srcs],
                        }
                    )
            elif claim.sentence not in copied and claim.sentence not in quoted:
                report.new.append({"text": claim.text, "start": claim.start, "end": claim.end})


def _measure_terms(claim: claimsmod.Claim, keys: set[tuple[str, str]]) -> set[str]:
    """Index terms for the named measures (of `keys`) a claim gives a figure for."""
    found = (claimsmod.measure_key(n) for n in claim.numbers)
    return {f"#measure:{k[0]}@{k[1]}" for k in found if k is not None and k in keys}


def _within(article: Article, days: int) -> bool:
    """Whether an archived article appeared (published, else archived) within the last `days` days."""
    from datetime import datetime, timedelta

    from copydesk.bot.analysis.stories import article_time

    return article_time(article.published, article.added_at) >= datetime.now(UTC) - timedelta(days=days)


_QUOTE_MARKS = ("“", '"')
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _named(att) -> bool:
    return bool(att.speaker) and att.speaker.lower() not in {"he", "she", "they", "it", "we", "i"}


def _one_passage(att) -> bool:
    """A quotation of one passage of some length (not fragments quoted here and there)."""
    return len(att.quotes) <= 1 and word_count(att.content) >= SPEAKER_QUOTE_WORDS


def _same_person(a, b) -> bool:
    """Two attributions' speakers are one: the same key, or one person's key is a word of the
    other's full name ("Tedros" and "Tedros Adhanom Ghebreyesus", "Kim" and "Kim Jong Un")."""
    if attrib.same_speaker(a.speaker_key, b.speaker_key):
        return True
    ka, kb = (a.speaker_key or "").lower(), (b.speaker_key or "").lower()
    if not ka or not kb or any(c in ka + kb for c in ":+ "):
        return False
    return ka in normalize(b.speaker).split() or kb in normalize(a.speaker).split()


def _changed_words(a: str, b: str) -> str | None:
    """What makes two wordings of one quote say different things: a negation, a figure, or a word
    replaced by its opposite. None when the change is mere trimming or rewording."""
    wa = re.sub(r"\bnot only\b", "only", a).split()
    wb = re.sub(r"\bnot only\b", "only", b).split()
    sm = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    ops = sm.get_opcodes()
    equal = [k for k, op in enumerate(ops) if op[0] == "equal"]
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            continue
        if (
            equal
            and not equal[0] < k < equal[-1]
            and not (op == "replace" and max(i2 - i1, j2 - j1) <= quotes.EDGE_SWAP)
        ):
            continue  # words beyond the other's edge: one outlet quoted more of the remark
        da, db = wa[i1:i2], wb[j1:j2]
        here = " ".join(wa[max(0, i1 - 1) : i2 + 1])
        there = " ".join(wb[max(0, j1 - 1) : j2 + 1])
        if (set(da) & lexicon.NEGATION_WORDS) != (set(db) & lexicon.NEGATION_WORDS):
            return f"“{here}” here, “{there}” earlier (a negation)"
        nums_a = [w for w in da if w.replace(".", "").isdigit()]
        nums_b = [w for w in db if w.replace(".", "").isdigit()]
        if nums_a and nums_b and nums_a != nums_b:
            return f"“{here}” here, “{there}” earlier"
        if op == "replace" and any(lexicon.opposed(x, y) for x in da for y in db):
            return f"“{here}” here, “{there}” earlier"
    return None


def _contradiction(
    text: str,
    start: int,
    end: int,
    kind: str,
    other_text: str,
    sources: list,
    explanation: str,
    agreeing: list[Article],
) -> dict:
    """One contradiction entry citing every earlier report that disagrees. `sources` holds
    `(Article, what that report says)` pairs (a bare Article says `other_text`); each report is
    cited once, earliest first, with its own `other_text`; `source`/`other_text` are the first."""
    cited: list[tuple[Article, str]] = []
    for s in sources:
        art, said = s if isinstance(s, tuple) else (s, other_text)
        if all(art.id != u.id for u, _ in cited):
            cited.append((art, said))
    cited.sort(key=lambda c: _order_key(c[0]))
    uniq = [a for a, _ in cited]
    names = ", ".join(s.label() for s in uniq)
    if len(uniq) > 1:
        explanation = f"{explanation}; {len(uniq)} earlier reports differ ({names})"
    else:
        explanation = f"{explanation} ({names})"
    if agreeing:
        explanation += f"; it agrees with {', '.join(a.label() for a in agreeing)}"
        if len(agreeing) > len(uniq):
            explanation += f", so only {names} differ{'s' if len(uniq) == 1 else ''}"
    return {
        "text": text[start:end],
        "start": start,
        "end": end,
        "kind": kind,
        "other_text": cited[0][1],
        "source": uniq[0].source(),
        "sources": [{**a.source(), "other_text": said} for a, said in cited],
        "explanation": explanation,
    }
