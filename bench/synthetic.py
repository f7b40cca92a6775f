"""Synthetic newsroom coverage for benchmarks: many events, several articles each, English-like
sentences with names, places, figures and quotes. Deterministic for a given seed."""

from __future__ import annotations

import random

SYLLABLES = "ka lo mi ra ten vor sa del mon gri han ul bet cor fin das pel tor vin zu ar es ol ym".split()
VERBS = [
    "announced",
    "approved",
    "rejected",
    "opened",
    "closed",
    "reported",
    "confirmed",
    "launched",
    "suspended",
    "expanded",
    "reviewed",
    "signed",
    "delayed",
    "funded",
    "criticised",
    "defended",
]
NOUNS = [
    "plan",
    "budget",
    "bridge",
    "hospital",
    "contract",
    "factory",
    "school",
    "railway",
    "port",
    "election",
    "inquiry",
    "treaty",
    "strike",
    "merger",
    "festival",
    "reservoir",
    "airport",
    "court",
]
ADJS = [
    "new",
    "controversial",
    "regional",
    "national",
    "delayed",
    "ambitious",
    "costly",
    "temporary",
    "local",
    "major",
    "small",
    "private",
    "public",
    "final",
]
ROLES = ["minister", "mayor", "spokesperson", "chief executive", "union leader", "judge", "governor"]


def word(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


def name(rng: random.Random) -> str:
    return f"{word(rng).title()} {word(rng, 3).title()}"


class Event:
    def __init__(self, rng: random.Random, k: int):
        self.place = word(rng, 3).title()
        self.org = f"{word(rng).title()} {rng.choice(['Group', 'Council', 'Authority', 'Holdings', 'Agency'])}"
        self.people = [(name(rng), rng.choice(ROLES)) for _ in range(3)]
        self.noun = rng.choice(NOUNS)
        self.figure = rng.randint(12, 9000)
        self.k = k

    def sentence(self, rng: random.Random) -> str:
        who, role = rng.choice(self.people)
        shape = rng.randrange(6)
        if shape == 0:
            return (
                f"The {rng.choice(ADJS)} {self.noun} in {self.place} was {rng.choice(VERBS)} by the "
                f"{self.org} on {rng.choice(['Monday', 'Tuesday', 'Friday'])}, officials said."
            )
        if shape == 1:
            return (
                f'"We have {rng.choice(VERBS)} the {self.noun} because the people of {self.place} '
                f'deserve better," {role} {who} said.'
            )
        if shape == 2:
            return (
                f"According to the {self.org}, about {self.figure} people in {self.place} are affected "
                f"and the cost could reach {rng.randint(2, 90)} million."
            )
        if shape == 3:
            return (
                f"{who}, the {role}, told reporters that the {rng.choice(ADJS)} {self.noun} would be "
                f"{rng.choice(VERBS)} within {rng.randint(2, 30)} weeks."
            )
        if shape == 4:
            return (
                f"Critics in {self.place} said the {self.org} had not explained why the {self.noun} was "
                f"{rng.choice(VERBS)} and called for an independent {rng.choice(NOUNS)}."
            )
        return (
            f"It is the {rng.choice(['first', 'second', 'third'])} time this year that a {self.noun} in "
            f"{self.place} has been {rng.choice(VERBS)}, and residents expect more news next week."
        )


def article(rng: random.Random, event: Event, words: int = 450, borrow: list[str] | None = None) -> str:
    sents: list[str] = []
    n = 0
    while n < words:
        if borrow and rng.random() < 0.15:
            s = rng.choice(borrow)
        else:
            s = event.sentence(rng)
        sents.append(s)
        n += len(s.split())
    paras = [" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3)]
    return "\n\n".join(paras)


def corpus(n: int, seed: int = 7, words: int = 450):
    """(title, outlet, text) for n articles over n // 5 events."""
    rng = random.Random(seed)
    events = [Event(rng, k) for k in range(max(1, n // 5))]
    outlets = [f"{word(rng).title()} {rng.choice(['Times', 'Post', 'Herald', 'Wire', 'Daily'])}" for _ in range(40)]
    for i in range(n):
        ev = events[i % len(events)]
        yield (f"{ev.noun.title()} in {ev.place}: update {i}", rng.choice(outlets), article(rng, ev, words))


def newsroom(n: int, seed: int = 13, words: int = 830, reprints: float = 0.05):
    """A backfill as a newsroom has it: (title, outlet, text) for n articles of about `words` words
    over n // 5 events (consecutive articles cover nearby events), a share `reprints` of them wire
    reprints: an earlier article of the same event under another outlet, its opening sentence and
    its last paragraph changed (stored as a new article that shares most sentences)."""
    rng = random.Random(seed)
    outlets = [f"{word(rng).title()} {rng.choice(['Times', 'Post', 'Herald', 'Wire', 'Daily'])}" for _ in range(40)]
    events: dict[int, Event] = {}
    last: dict[int, str] = {}
    for i in range(n):
        k = i // 5 + rng.randrange(3)  # the event: articles about one event arrive close together
        ev = events.get(k)
        if ev is None:
            ev = events[k] = Event(rng, k)
            events.pop(k - 8, None)
            last.pop(k - 8, None)
        if k in last and rng.random() < reprints:
            paras = last[k].split("\n\n")
            paras[0] = ev.sentence(rng) + " " + paras[0].split(". ", 1)[-1]
            paras[-1] = " ".join(ev.sentence(rng) for _ in range(3))
            text = "\n\n".join(paras)
        else:
            text = last[k] = article(rng, ev, words)
        yield (f"{ev.noun.title()} in {ev.place}: update {i}", rng.choice(outlets), text)


def probe(rng: random.Random, source: str, words: int = 1000) -> str:
    """A ~`words`-word article about a new event that copies three paragraphs of `source` (one
    figure in them changed) among its own paragraphs."""
    paras = source.split("\n\n")
    start = rng.randrange(max(1, len(paras) - 3))
    borrowed = paras[start : start + 3]
    changed = next((i for i, p in enumerate(borrowed) if any(w.isdigit() for w in p.split())), None)
    if changed is not None:
        ws = borrowed[changed].split(" ")
        j = next(j for j, w in enumerate(ws) if w.isdigit())
        ws[j] = str(int(ws[j]) + 7)
        borrowed[changed] = " ".join(ws)
    own = article(rng, Event(rng, -2), max(100, words - sum(len(p.split()) for p in borrowed))).split("\n\n")
    at = len(own) // 3
    return "\n\n".join(own[:at] + borrowed + own[at:])
