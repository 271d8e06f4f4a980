"""The short report printed after a run: what was seen, stored, rejected and skipped, and trends."""

from __future__ import annotations

from ..warehouse import queries as q
from ..warehouse.db import Warehouse


def print_report(db: str, report, elapsed: float | None = None) -> None:
    c = report.counts
    print()
    print(f"Run {report.run_id}" + (f" finished in {elapsed:.1f}s" if elapsed else ""))
    print(f"  feeds read {c['feeds']} (not modified {c['feeds_not_modified']}, failed {c['feeds_failed']}); "
          f"entries listed {c['entries']}")
    print(f"  already stored {c['already_stored']}, listed twice {c['listed_twice']}, fetched {c['fetched']}, "
          f"fetch failures {c['fetch_failed']}")
    if c.get("replayed") or c.get("not_replayed"):
        print(f"  saved inputs read {c.get('replayed', 0)} (not replayed {c.get('not_replayed', 0)}: records that "
              f"are not pages, stored in fetch_failures; the same page twice {c.get('same_page', 0)})")
    if c.get("headline"):
        print(f"  headlines kept {c['headline']} (aggregator entries not resolved to the publisher's article: "
              "table headlines, no body)")
    print(f"  stored {c['stored']}: annotated {c['annotated']}, rejected (off-topic) {c['rejected']}, "
          f"duplicates {c['duplicate']}, skipped {c['skipped']}")
    if report.failures:
        print("  skipped/failed by reason: " + ", ".join(f"{k} {v}" for k, v in sorted(report.failures.items())))
    if c["stored"] == 0:
        if c["feeds_not_modified"] == c["feeds"]:
            why = "every feed answered 304 Not Modified"
        elif c["feeds_failed"]:
            why = f"{c['feeds_failed']} feed(s) failed (see the warnings above); the rest listed nothing new"
        else:
            why = "every listed article is already stored"
        print(f"  Nothing new to store: {why}.")
    with Warehouse.open(db, read_only=True) as wh:
        total = q.status_counts(wh)
        print(f"\nWarehouse {db}: " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
        ents = q.top_entities(wh, 8)
        if ents:
            print("\nTop entities (mentions, articles, mean sentiment toward them)")
            for e in ents:
                sent = "" if e["sentiment"] is None else f"{e['sentiment']:+.2f}"
                print(f"  {e['entity']:<22} {e['mentions']:>5} {e['articles']:>4}  {sent}")
        days = q.sentiment_by_day(wh)
        if days:
            print("\nSentiment by day (articles, mean score, bar: − negative / + positive share)")
            for d in days:
                bar = "-" * round((d["negative_share"] or 0) * 10) + "|" + "+" * round((d["positive_share"] or 0) * 10)
                mean = "n/a" if d["mean_score"] is None else f"{d['mean_score']:+.2f}"
                print(f"  {d['day']}  {d['articles']:>3}  {mean:>5}  {bar:>21}")
    if report.digest_paths:
        print(f"\nDigest ({report.digest_status}): " + ", ".join(report.digest_paths))
