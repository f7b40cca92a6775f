"""Copydesk's evaluation: precision and recall per category on the labelled cases in this folder.

    python eval/run.py            # attributions, contradictions by kind, and the seeds' expectations

Contradiction cases (contradictions.jsonl): earlier articles are archived, then the case's article
is analysed against them through the same engine the CLI uses. A case labelled with a kind expects
one contradiction of that kind whose text contains `expect`; a case labelled null expects none.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from copydesk.bot.analysis.engine import Analyzer  # noqa: E402
from copydesk.bot.language import nlp as nlpmod  # noqa: E402
from copydesk.bot.reading.reader import read_text  # noqa: E402
from copydesk.storage.archive import Archive  # noqa: E402

KINDS = ["number", "quote", "speaker", "negation", "date", "name", "other"]


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (HERE / name).read_text().splitlines() if line.strip()]


def run_case(case: dict, analyzer_factory) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive.open(Path(tmp) / "eval.db")
        try:
            analyzer = analyzer_factory(archive)
            for i, e in enumerate(case["earlier"]):
                analyzer.analyze(
                    read_text(f"outlet: {e['outlet']}\npublished: 2026-01-0{1 + i}\n---\n{e['text']}", e["outlet"]),
                    store=True,
                )
            report = analyzer.analyze(
                read_text(f"outlet: New Outlet\npublished: 2026-02-01\n---\n{case['article']}", "article")
            )
            return report.to_dict()["contradictions"]
        finally:
            archive.close()


def score_contradictions(cases: list[dict], nlp, verbose: bool = False) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    misses = []
    for case in cases:
        found = run_case(case, lambda archive: Analyzer(archive, nlp=nlp))
        expected = case["kind"]
        hit = expected and any(c["kind"] == expected and case["expect"] in c["text"] for c in found)
        if expected:
            if hit:
                tp[expected] += 1
            else:
                fn[expected] += 1
                misses.append((case["id"], "missed", [(c["kind"], c["explanation"]) for c in found]))
        for c in found:
            if not (expected and c["kind"] == expected and case["expect"] in c["text"]):
                fp[c["kind"]] += 1
                misses.append((case["id"], "false alarm", (c["kind"], c["explanation"])))
    if verbose:
        for m in misses:
            print("  ", *m)
    return {"tp": tp, "fp": fp, "fn": fn}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def seeds_expectations(nlp) -> list[tuple[str, bool]]:
    """The seeds README's contradiction (both orders) and non-contradictions, as pass/fail lines."""
    seeds = HERE.parent.parent / "shared" / "seeds"
    if not seeds.is_dir():
        return [("../shared/seeds present", False)]
    from copydesk.bot.reading.reader import Source, read

    files = sorted(seeds.glob("0*.txt"))
    out = []
    for order_name, order in (("000 last", files[1:] + files[:1]), ("000 first", files)):
        with tempfile.TemporaryDirectory() as tmp:
            archive = Archive.open(Path(tmp) / "seeds.db")
            analyzer = Analyzer(archive, nlp=nlp)
            reports = [analyzer.analyze(read(Source(str(f), "file", str(f))), store=True).to_dict() for f in order]
            archive.close()
        flagged = [
            any("international affairs" in (c["text"] + c["other_text"]) for c in r["contradictions"]) for r in reports
        ]
        if order_name == "000 last":
            out.append(("international/internal affairs flagged with 000 last", flagged[-1]))
        else:
            out.append(("each later article flags its disagreement with 000", all(flagged[1:])))
        false = [
            c
            for r in reports
            for c in r["contradictions"]
            if "international affairs" not in (c["text"] + c["other_text"])
        ]
        out.append((f"no other contradiction flagged ({order_name}; found {len(false)})", not false))
        out.append((f"no copied passages between the five ({order_name})", all(not r["copied"] for r in reports)))
    return out


def main() -> None:
    verbose = "-v" in sys.argv
    nlp = nlpmod.load()
    print("Contradictions (eval/contradictions.jsonl)")
    cases = load("contradictions.jsonl")
    s = score_contradictions(cases, nlp, verbose)
    total = [0, 0, 0]
    for kind in KINDS:
        tp, fp, fn = s["tp"][kind], s["fp"][kind], s["fn"][kind]
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        p, r, f = prf(tp, fp, fn)
        print(f"  {kind:9s} precision {p:.2f} recall {r:.2f}  (tp {tp}, fp {fp}, fn {fn})")
    p, r, f = prf(*total)
    negatives = sum(1 for c in cases if c["kind"] is None)
    print(
        f"  {'all':9s} precision {p:.2f} recall {r:.2f} F1 {f:.2f}  ({len(cases)} cases, {negatives} non-contradictions)"
    )

    try:
        from attributions_eval import score_attributions
    except ImportError:
        score_attributions = None
    if score_attributions and (HERE / "attributions.jsonl").exists():
        a = score_attributions(load("attributions.jsonl"), nlp)
        print("Attributions (eval/attributions.jsonl)")
        print(
            f"  precision {a['precision']:.2f} recall {a['recall']:.2f} F1 {a['f1']:.2f}  "
            f"(tp {a['tp']}, fp {a['fp']}, fn {a['fn']})"
        )

    print("Seeds (../shared/seeds/README.md)")
    for name, ok in seeds_expectations(nlp):
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")


if __name__ == "__main__":
    main()
