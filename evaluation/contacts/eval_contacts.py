"""Score bilat's leader-contact extraction against the hand count of Xi-Putin contacts in the
CCTV 新闻联播 corpus, 2018-2025 (``xi_putin_cctv_2018_2025.csv``, method in README.md).

Usage::

    python evaluation/contacts/eval_contacts.py [--store out/bilat.duckdb] [--mirror ../shared/data]

Without ``--store`` the two CCTV corpora are imported into a temporary store first (about a
minute and a half). Prints, per year, the hand-counted contact days and episodes, what bilat
found, and the dates missed and added; a found contact matches a hand-counted one when its
event date is within one day (broadcast vs event date) in the same episode.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def found_contacts(store) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """bilat's Xi-Putin contacts in the CCTV series, 2018-2025 (one row per contact day)."""
    from bilat.text.contacts import contact_list, episodes

    df = contact_list(store, "CHN", "RUS", roles="state", series="cctv-xwlb",
                      start="2018-01-01", end="2025-12-31")
    df = df[(df["leader_a"] == "Xi Jinping") & (df["leader_b"] == "Vladimir Putin")]
    return episodes(df)


def score(hand: pd.DataFrame, found: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list]]:
    """Per-year table and the lists of missed / extra contact days."""
    hand_days = sorted(set(pd.to_datetime(hand["event_date"]).dt.date))
    got_days = sorted(set(pd.to_datetime(found["event_date"]).dt.date))
    missed = [d for d in hand_days if not any(abs((d - g).days) <= 1 for g in got_days)]
    extra = [g for g in got_days if not any(abs((g - d).days) <= 1 for d in hand_days)]
    rows = []
    for y in range(2018, 2026):
        h = hand[pd.to_datetime(hand["event_date"]).dt.year == y]
        f = found[pd.to_datetime(found["event_date"]).dt.year == y]
        rows.append({
            "year": y,
            "hand_days": h["event_date"].nunique(),
            "hand_episodes": h["episode"].nunique(),
            "found_days": f["event_date"].nunique(),
            "found_episodes": f.groupby("series")["episode"].nunique().sum() if len(f) else 0,
            "missed": ", ".join(str(d) for d in missed if d.year == y),
            "extra": ", ".join(str(d) for d in extra if d.year == y),
        })
    return pd.DataFrame(rows), {"missed": missed, "extra": extra,
                                "hand_days": hand_days, "found_days": got_days}


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(REPO / "src"))
    from bilat.store import open_store
    from bilat.text.corpus import import_corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="a store that already holds both CCTV corpora")
    ap.add_argument("--mirror", default=str(REPO.parent / "shared" / "data"))
    args = ap.parse_args(argv)
    hand = pd.read_csv(HERE / "xi_putin_cctv_2018_2025.csv")
    tmp = None
    if args.store:
        store = open_store(args.store)
    else:
        tmp = tempfile.TemporaryDirectory()
        store = open_store(Path(tmp.name) / "eval.duckdb")
        for sub in ("texts/xwlb", "texts/xwlb-2018-2019"):
            res = import_corpus(store, Path(args.mirror) / sub, progress=True)
            print(res.summary(), file=sys.stderr)
    try:
        table, lists = score(hand, found_contacts(store))
    finally:
        store.close()
        if tmp is not None:
            tmp.cleanup()
    print(table.to_string(index=False))
    n_hand, n_found = len(lists["hand_days"]), len(lists["found_days"])
    hit = n_hand - len(lists["missed"])
    print(f"\ncontact days: hand {n_hand}, found {n_found}, matched {hit} "
          f"(recall {hit / n_hand:.3f}, precision {(n_found - len(lists['extra'])) / n_found:.3f})")
    print(f"episodes: hand {hand['episode'].nunique()}, "
          f"found {int(table['found_episodes'].sum())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
