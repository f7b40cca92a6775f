"""Scoring of attribution extraction on labelled cases (eval/attributions.jsonl).

    python eval/attributions_eval.py        # precision, recall, F1 (add -v for every miss)

Each case is a short fictional news text with the attributions it holds: {"speaker_key", "direct",
"content_contains"}; negatives have an empty list. An extracted attribution matches an expected one
when it has the same speaker_key and the same `direct`, and its content contains
`content_contains`. Each expected attribution matches at most one extracted one; unmatched
extracted ones are false positives.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_cases(path: Path = HERE / "attributions.jsonl") -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _matches(expected: dict, found) -> bool:
    return (
        found.speaker_key == expected["speaker_key"]
        and found.direct == expected["direct"]
        and expected["content_contains"] in found.content
    )


def score_attributions(cases: list[dict], nlp, verbose: bool = False) -> dict:
    """Precision, recall and F1 of `attributions.extract` over the cases (with tp, fp, fn and, per
    case, the misses under "errors")."""
    from copydesk.bot.language import attributions
    from copydesk.bot.language import doc as docmod

    parsed = docmod.parse_many([c["text"] for c in cases], nlp)
    tp = fp = fn = 0
    errors: list[tuple[str, str, object]] = []
    for case, p in zip(cases, parsed, strict=True):
        found = attributions.extract(p)
        used: set[int] = set()
        for exp in case["expected"]:
            hit = next((k for k, f in enumerate(found) if k not in used and _matches(exp, f)), None)
            if hit is None:
                fn += 1
                errors.append((case["id"], "missed", exp))
            else:
                used.add(hit)
                tp += 1
        for k, f in enumerate(found):
            if k not in used:
                fp += 1
                errors.append(
                    (
                        case["id"],
                        "extra",
                        {"speaker_key": f.speaker_key, "direct": f.direct, "cue": f.cue, "content": f.content},
                    )
                )
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if verbose:
        for e in errors:
            print("  ", *e)
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "errors": errors}


def main() -> None:
    from copydesk.bot.language import nlp as nlpmod

    cases = load_cases()
    s = score_attributions(cases, nlpmod.load(), verbose="-v" in sys.argv)
    negatives = sum(1 for c in cases if not c["expected"])
    print(
        f"Attributions: precision {s['precision']:.2f} recall {s['recall']:.2f} F1 {s['f1']:.2f}  "
        f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']}; {len(cases)} cases, {negatives} without attribution)"
    )


if __name__ == "__main__":
    main()
