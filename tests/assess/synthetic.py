"""Synthetic stores built to favour one hypothesis each (test data, written here).

Every store holds UN votes for 2000–2019 (RUS, CHN, the yardsticks BLR, USA, GBR and ten
other states) drawn from a seeded generator, a few roll calls on core issues, and for some
hypotheses a readout pair. Nothing is real: these stores exist to show that the ranking moves
with the evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bilat.sources.unvotes import ensure_schema
from bilat.store import Store, open_store
from bilat.text.documents import document_from_text, save_document

OTHERS = ["FRA", "DEU", "IND", "BRA", "ZAF", "JPN", "EGY", "MEX", "IDN", "NGA"]
CODES = {"yes": 2, "abstain": 1, "no": 0}

READOUT_CHN = (
    "On 10 March 2021, President Xi Jinping held a phone call with President Vladimir Putin. "
    "Xi Jinping said China is ready to deepen cooperation with Russia in trade and energy. "
    "Putin said Russia firmly supports China's position on Taiwan. "
    "The two sides agreed to keep in close contact."
)
READOUT_RUS_CONFIRMS = (
    "Vladimir Putin had a telephone conversation with President of China Xi Jinping. "
    "Xi Jinping said China is ready to deepen cooperation with Russia in trade and energy. "
    "Putin said Russia firmly supports China's position on Taiwan. "
    "The two sides agreed to keep in close contact."
)
READOUT_RUS_SILENT = (
    "Vladimir Putin had a telephone conversation with President of China Xi Jinping. "
    "Xi Jinping said China is ready to deepen cooperation with Russia in trade and energy. "
    "The two sides agreed to keep in close contact."
)


def _draw(rng: np.random.Generator, p_yes: float, n: int) -> np.ndarray:
    rest = (1 - p_yes) / 2
    return rng.choice(np.array(["yes", "abstain", "no"]), size=n, p=[p_yes, rest, rest])


def build(kind: str, path: str = ":memory:") -> Store:
    """A store favouring ``kind`` (H1, H2 or H3), in memory or at ``path``."""
    rng = np.random.default_rng({"H1": 1, "H2": 2, "H3": 3}[kind])
    st = open_store(path)
    ensure_schema(st)
    p_yes = {"H1": 0.5, "H2": 0.5, "H3": 0.8}[kind]
    rc, votes = [], []
    vid = 0
    for year in range(2000, 2020):
        n = 40
        base = _draw(rng, p_yes, n)
        if kind == "H1":
            copy = 0.92
        elif kind == "H2":
            copy = 0.45 if year < 2014 else 0.95
        else:
            copy = 0.35
        for k in range(n):
            vid += 1
            rc.append({"vote_id": vid, "year": year, "title": f"Resolution {vid}", "descr": ""})
            rus = base[k]
            chn = rus if rng.random() < copy else _draw(rng, p_yes, 1)[0]
            blr = rus if rng.random() < 0.9 else _draw(rng, p_yes, 1)[0]
            usa = _draw(rng, p_yes, 1)[0]
            gbr = usa if rng.random() < 0.9 else _draw(rng, p_yes, 1)[0]
            row = {"RUS": rus, "CHN": chn, "BLR": blr, "USA": usa, "GBR": gbr}
            for o in OTHERS:
                row[o] = _draw(rng, p_yes, 1)[0]
            votes += [(vid, s, v) for s, v in row.items()]
    # core-issue roll calls: H1 stands together, H2/H3 split (China abstains)
    for i, title in enumerate(["Territorial integrity of Ukraine", "Situation of human rights "
                               "in the Autonomous Republic of Crimea and the city of Sevastopol, "
                               "Ukraine", "Problem of the militarization of the Autonomous "
                               "Republic of Crimea, Ukraine", "Question of Taiwan"]):
        vid += 1
        rc.append({"vote_id": vid, "year": 2014 + i, "title": title, "descr": title})
        rus = "no"
        chn = "no" if kind == "H1" else "abstain"
        row = {"RUS": rus, "CHN": chn, "BLR": "no", "USA": "yes", "GBR": "yes"}
        for o in OTHERS:
            row[o] = "yes"
        votes += [(vid, s, v) for s, v in row.items()]
    insert_votes(st, pd.DataFrame(rc), pd.DataFrame(votes, columns=["vote_id", "iso3", "vote"]),
                 "A/RES/SYN/")
    if kind in ("H1", "H3"):
        rus = READOUT_RUS_CONFIRMS if kind == "H1" else READOUT_RUS_SILENT
        for text, side in ((READOUT_CHN, "CHN"), (rus, "RUS")):
            save_document(st, document_from_text(
                text, side=side, date="2021-03-10", event="synthetic-call", kind="readout",
                parties=("RUS", "CHN"), language="en", source_url=f"synthetic:{kind}:{side}"))
    return st


def insert_votes(st: Store, rdf: pd.DataFrame, vdf: pd.DataFrame, symbol_prefix: str) -> None:
    """Write synthetic GA roll calls (``rdf``: vote_id, year, title, descr) and state votes
    (``vdf``: vote_id, iso3, vote as yes/abstain/no) into the store's UN-votes tables, each
    roll call dated 1 October of its year with symbol ``symbol_prefix`` + vote_id."""
    rdf = rdf.copy()
    rdf["rcid"] = rdf["vote_id"]
    rdf["body"] = "GA"
    rdf["date"] = pd.to_datetime(rdf["year"].astype(str) + "-10-01").dt.date
    rdf["session"] = rdf["year"] - 1945
    rdf["symbol"] = symbol_prefix + rdf["vote_id"].astype(str)
    rdf["issues"] = [[] for _ in range(len(rdf))]
    rdf["important"] = False
    rdf["source"] = "synthetic"
    vdf = vdf.copy()
    vdf["vote_num"] = vdf["vote"].map(CODES)
    vdf["source"] = "synthetic"
    st.con.register("_rc", rdf)
    st.con.register("_v", vdf)
    st.con.execute("INSERT INTO un_rollcalls (vote_id, rcid, body, date, year, session, symbol, "
                   "title, descr, issues, important, source) SELECT vote_id, rcid, body, date, "
                   "year, session, symbol, title, descr, issues, important, source FROM _rc")
    st.con.execute("INSERT INTO un_votes (vote_id, iso3, vote, vote_num, source) "
                   "SELECT vote_id, iso3, vote, vote_num, source FROM _v")
    st.con.unregister("_rc")
    st.con.unregister("_v")
