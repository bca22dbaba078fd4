"""Evidence on the real data: the mirror's UN votes and genuine readout pairs.

Values are checked against an independent pandas computation over the raw CSV rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.assess import report
from bilat.sources.readout_pairs import fetch_readout_pairs
from bilat.sources.unvotes import fetch_unvotes
from bilat.store import open_store


@pytest.fixture(scope="module")
def real(shared_data: Path):  # type: ignore[no-untyped-def]
    st = open_store(":memory:")
    fetch_unvotes(shared_data, st)
    fetch_readout_pairs(st, shared_data)
    rep = report(st, "RUS", "CHN", years="1992-2019",
                 pillars=["votes", "readouts", "statements", "material"])
    yield st, rep
    st.close()


def _kappa(a: pd.Series, b: pd.Series) -> float:
    po = (a == b).mean()
    pe = sum((a == k).mean() * (b == k).mean() for k in ("yes", "abstain", "no"))
    return (po - pe) / (1 - pe)


def _raw(shared_data: Path, x: str, y: str, exact: bool = False) -> tuple[float, float]:
    """(Voeten's agree with abstention as half — or, ``exact``, the share of identical
    votes — and Cohen's kappa) of x–y, 1992–2019, from the raw CSV rows."""
    v = pd.read_csv(shared_data / "unga" / "un_votes.csv")
    rc = pd.read_csv(shared_data / "unga" / "un_roll_calls.csv", usecols=["rcid", "date"])
    rc = rc[pd.to_datetime(rc["date"]).dt.year.between(1992, 2019)]
    v = v[v["rcid"].isin(rc["rcid"]) & v["vote"].isin(["yes", "no", "abstain"])]
    codes = {"RUS": "RU", "CHN": "CN", "USA": "US", "GBR": "GB", "BLR": "BY"}
    w = v.pivot_table(index="rcid", columns="country_code", values="vote", aggfunc="first")
    both = w[[codes[x], codes[y]]].dropna()
    a, b = both[codes[x]], both[codes[y]]
    dist = {("yes", "yes"): 0, ("no", "no"): 0, ("abstain", "abstain"): 0}
    if exact:
        return float((a == b).mean()), _kappa(a, b)
    d = [dist.get((p, q), 0.5 if "abstain" in (p, q) else 1.0) for p, q in zip(a, b, strict=True)]
    return 1 - sum(d) / len(d), _kappa(a, b)


def test_kappa_and_raw_agreement_against_the_raw_rows(real, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    _, rep = real
    ev = rep.evidence_by_id("votes.chance_corrected")
    agree, kappa = _raw(shared_data, "RUS", "CHN")
    assert ev.value == pytest.approx(kappa, abs=1e-9)
    # Voeten's agree (abstention as half) is labelled as such; raw agreement is the share of
    # identical votes (what kappa corrects for chance)
    assert ev.details["agreement_half_abstention"]["RUS–CHN"] == pytest.approx(agree, abs=1e-9)
    raw, _ = _raw(shared_data, "RUS", "CHN", exact=True)
    assert ev.details["raw_agreement"]["RUS–CHN"] == pytest.approx(raw, abs=1e-9)
    assert ev.measures["raw_agreement"] == pytest.approx(raw, abs=1e-9)
    raw_y, _ = _raw(shared_data, "USA", "GBR", exact=True)
    infl = rep.evidence_by_id("votes.raw_inflation")
    assert infl.yardsticks["USA–GBR"] == pytest.approx(raw_y, abs=1e-9)
    assert raw < agree  # an abstention against a vote is half agreement in agree, none in raw
    ag_y, k_y = _raw(shared_data, "USA", "GBR")
    assert ev.yardsticks["USA–GBR"] == pytest.approx(k_y, abs=1e-9)
    # the seeds' reversal: raw agreement above USA–GBR, kappa below it
    assert agree > ag_y and kappa < k_y
    assert round(agree, 2) == 0.83 and round(ag_y, 2) == 0.67
    assert round(kappa, 2) == 0.28 and round(k_y, 2) == 0.35
    assert 0 <= ev.percentile <= 100
    assert len(ev.provenance["vote_ids"]) == ev.coverage["n"] or ev.provenance["n_vote_ids"]


def test_crimea_resolution_is_a_core_issue_split(real) -> None:  # type: ignore[no-untyped-def]
    _, rep = real
    ev = rep.evidence_by_id("votes.core_splits")
    crimea = [s for s in ev.details["splits"] if s["symbol"] == "A/RES/68/262"]
    assert crimea and crimea[0]["RUS"] == "no" and crimea[0]["CHN"] == "abstain"
    assert crimea[0]["core_of"] == "RUS"
    assert ev.measures["splits"] == len(ev.details["splits"])


def test_readout_evidence_points_into_the_texts(real) -> None:  # type: ignore[no-untyped-def]
    st, rep = real
    # --years limits every pillar: the mirror's readouts (2021-2025) are outside 1992-2019,
    # said as such (loaded, nothing to load), never counted
    out = rep.pillar("readouts")
    assert out.status == "no data" and not out.evidence and out.load_command == ""
    assert "dated 1992–2019" in out.note
    rep = report(st, "RUS", "CHN", pillars=["readouts", "statements", "material"])
    ev = rep.evidence_by_id("readouts.unconfirmed")
    assert ev.coverage["n"] == 4  # the four complete RUS–CHN pairs of the mirror
    assert ev.verified
    from bilat.text.documents import get_document

    for c in ev.provenance["claims"][:10]:
        doc = get_document(st, c["doc_id"])
        assert doc.text[c["start"]:c["end"]] == c["text"]
    assert rep.pillar("material").status in ("missing", "ok", "thin")
    assert rep.pillar("statements").status == "missing"
    assert "bilat documents add" in rep.pillar("statements").load_command
