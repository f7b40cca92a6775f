"""Attributions: who said what in a news article.

`extract(parsed)` reads a parsed article (one spaCy Doc per sentence, see `doc.py`) and returns
every attribution in it, direct and indirect:

* **direct quotes** — the quoted passages of the text (`quote_spans`), whatever their shape:
  ``"…," X said``, ``X said: "…"``, ``"…," said X``, split quotes ``"A," X said, "B."``, quotes over
  several sentences or paragraphs, partial quotes inside reported speech. Each quote is tied to a
  speech cue in its own sentence(s) (through the dependency parse, else by adjacency), else to a
  contentless cue in the next sentence (``"…" That was how X put it.``), else — when the sentence is
  nothing but the quote — carried from the previous attribution of the paragraph
  (``X said in a statement. "…"``).
* **indirect speech** — a speech verb (its *lemma* in `SPEECH_LEMMAS`, found in the parse with a
  clausal complement, as the parataxis of a reported clause, or at the end of one) or
  ``according to X``, or ``in a statement, X …``; the content is the reported clause.

Speakers are the cue's subject noun phrase (with titles, compounds and possessives), appositive
names preferred ("the company's chief, Ines Moreau" → Moreau), statements resolved to their issuer
("a Harbour Authority press release" → the Harbour Authority) and pronouns resolved to the most recent compatible
speaker or main-clause subject of the paragraph, else of the previous ones.

`speaker_key` canonicalises a speaker for matching across articles: people by surname
("Minister Petrova", "Ms. Petrova", "Anya Petrova" → ``petrova``), an office or team by its owner
("Lind's campaign team", "the Lind campaign team" → ``lind:office``), organisations
lower-cased without articles ("the Harbour Authority" → ``harbour authority``). Role phrases ("the Tessalian president")
map to a name through an alias table that `extract` builds from how the article itself introduces
its people ("Tessalian President Ivo Maric", "Marek Hall, the opposition leader").

Everything here is pure Python over the parsed Docs: no extra spaCy calls. The modules: `words`
(the lexicon), `quotes` (quoted passages), `keys` (speaker keys), `speakers` (aliases, speaker
phrases, pronouns), `cues` (speech cues and reported clauses), `linking` (quotes tied to cues, the
attributions assembled).
"""

from __future__ import annotations

from copydesk.bot.language.attributions.keys import same_speaker, speaker_key
from copydesk.bot.language.attributions.linking import Attribution, extract
from copydesk.bot.language.attributions.quotes import quote_spans
from copydesk.bot.language.attributions.words import PERSON_NOUNS, SPEECH_LEMMAS

__all__ = ["Attribution", "extract", "speaker_key", "same_speaker", "quote_spans", "PERSON_NOUNS", "SPEECH_LEMMAS"]
