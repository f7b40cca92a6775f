"""Claims: the checkable statements of an article (extract) and how two of them compare
(compare). Callers use `from copydesk.bot.language import claims` and the names below."""

from copydesk.bot.language.claims.compare import (
    GENERIC_UNITS,
    Verdict,
    ambiguous_measures,
    compare,
    headline_conflict,
    measure_conflict,
    measure_key,
    measure_keys,
    overlap,
    same_name,
)
from copydesk.bot.language.claims.extract import (
    Claim,
    Number,
    extract,
    figures,
    headline,
    is_claim,
    main_predicates,
)

__all__ = [
    "Claim",
    "Number",
    "Verdict",
    "ambiguous_measures",
    "compare",
    "headline",
    "headline_conflict",
    "extract",
    "figures",
    "is_claim",
    "main_predicates",
    "measure_conflict",
    "measure_key",
    "measure_keys",
    "overlap",
    "same_name",
    "GENERIC_UNITS",
]
