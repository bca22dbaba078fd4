"""General Debate speeches: salience, agenda overlap against an independent computation,
seat caveats, the yardstick's gap."""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from bilat.errors import BilatError
from bilat.store import open_store
from bilat.text.speeches import agenda, parse_years, salience
from tests.text.test_corpus import corpus_store_path


@pytest.fixture(scope="module")
def store(shared_data: Path):  # type: ignore[no-untyped-def]
    st = open_store(corpus_store_path(shared_data))
    yield st
    st.close()


def _independent_hits(text: str) -> dict[str, int]:
    """Issue counts straight from the two JSON files (bundled + UN), re + a dict."""
    files = ["data/issues.json", "data/un_debate.json"]
    pats: dict[str, list[tuple[str, str]]] = {}
    for f in files:
        data = json.loads(resources.files("bilat.text").joinpath(f).read_text("utf-8"))
        for key, entry in data["issues"].items():
            for lang in ("en", "ru", "zh", "fr", "de", "es", "ar"):
                for p in ([entry[lang]] if isinstance(entry.get(lang), str)
                          else entry.get(lang, [])):
                    pats.setdefault(key, []).append((lang, p))
    out = {}
    for key, ps in pats.items():
        if key == "un":
            continue
        bounded = "|".join(f"(?:{p})" for lang, p in ps if lang not in ("zh", "ar"))
        free = "|".join(f"(?:{p})" for lang, p in ps if lang in ("zh", "ar"))
        rx = "|".join(x for x in (f"(?<![\\w])(?:{bounded})" if bounded else "",
                                  f"(?:{free})" if free else "") if x)
        n = len(re.findall(rx, text, flags=re.IGNORECASE))
        if n:
            out[key] = n
    return out


def test_agenda_overlap_matches_an_independent_computation(store, shared_data: Path) -> None:
    txt = shared_data / "texts" / "ungdc" / "TXT"
    ha = _independent_hits((txt / "RUS_77_2022.txt").read_text(encoding="utf-8").strip())
    hb = _independent_hits((txt / "CHN_77_2022.txt").read_text(encoding="utf-8").strip())
    keys = sorted(set(ha) | set(hb))
    va = np.array([ha.get(k, 0) for k in keys], float)
    vb = np.array([hb.get(k, 0) for k in keys], float)
    va, vb = va / va.sum(), vb / vb.sum()
    cos = float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))
    ra = {k for k, n in ha.items() if n >= 2}
    rb = {k for k, n in hb.items() if n >= 2}
    jac = len(ra & rb) / len(ra | rb)
    row = agenda(store, "RUS", "CHN", years="2022").iloc[0]
    assert row["cosine"] == pytest.approx(cos, abs=1e-4)
    assert row["jaccard"] == pytest.approx(jac, abs=1e-4)
    assert set(row["only_a"].split(",")) == ra - rb
    assert set(row["both"].split(",")) == ra & rb
    judged = set(filter(None, row["agree"].split(","))) | set(filter(None,
                                                                     row["disagree"].split(",")))
    assert judged <= ra & rb and row["stances_compared"] == len(judged)


def test_salience_shares_and_offsets(store) -> None:
    df = salience(store, "CHN", "2022")
    assert df["share"].sum() == pytest.approx(1.0, abs=1e-4)
    assert (df.loc[df["raised"], "hits"] >= 2).all()
    row = df[df["stance_sentences"] != ""].iloc[0]
    from bilat.text.documents import get_document

    text = get_document(store, row["doc_id"]).text
    s, e = (int(x) for x in row["stance_sentences"].split(";")[0].split(":")[0].split("-"))
    assert 0 <= s < e <= len(text)


def test_seat_caveats_and_yardstick_gap(store) -> None:
    df = agenda(store, "RUS", "CHN", refs=[("USA", "GBR")], years="1971-1972")
    main = df[(df["state_a"] == "RUS") & (df["state_b"] == "CHN")].set_index("year")
    assert math.isnan(main.loc[1971, "cosine"]) and "Taipei" in main.loc[1971, "note"]
    assert not math.isnan(main.loc[1972, "cosine"]) and "USSR" in main.loc[1972, "note"]
    assert math.isnan(main.loc[1972, "yardstick_cosine"])  # no USA/GBR speeches stored
    assert any("yardstick USA-GBR" in n for n in df.attrs["notes"])


def test_years_and_missing_state() -> None:
    assert parse_years("1971-2022") == (1971, 2022) and parse_years("2014") == (2014, 2014)
    with pytest.raises(BilatError) as exc:
        parse_years("2022-1971")
    assert exc.value.code == "E712" and "earlier year first" in str(exc.value)
    with pytest.raises(BilatError) as exc:
        parse_years("19x1")
    assert exc.value.code == "E362"
    with open_store(":memory:") as st, pytest.raises(BilatError) as exc:
        salience(st, "RUS", "2022")
    assert exc.value.code == "E357"


def test_yardstick_filled_when_its_speeches_are_stored(shared_data: Path, tmp_path: Path) -> None:
    # two short speeches written here in the corpus's own layout (not genuine UN texts)
    # one stance cue per sentence: the rule reads sentences, not clause structure
    (tmp_path / "USA_77_2022.txt").write_text(
        "We support climate finance. Climate change must be fought with new climate funds. "
        "We support sanctions on the regime. Sanctions work.",
        encoding="utf-8")
    (tmp_path / "GBR_77_2022.txt").write_text(
        "The United Kingdom supports climate finance. We welcome climate pledges. "
        "We oppose sanctions that hurt the poor. Sanctions are no answer.",
        encoding="utf-8")
    from bilat.text.corpus import import_corpus

    with open_store(":memory:") as st:
        for f in ("RUS_77_2022", "CHN_77_2022"):
            import_corpus(st, shared_data / "texts" / "ungdc" / "TXT" / f"{f}.txt",
                          progress=False)
        import_corpus(st, tmp_path, progress=False)
        df = agenda(st, "RUS", "CHN", refs=[("USA", "GBR")], years="2022")
        ref = df[df["state_a"] == "USA"].iloc[0]
        main = df[df["state_a"] == "RUS"].iloc[0]
        assert main["yardstick_cosine"] == ref["cosine"] and not math.isnan(ref["cosine"])
        assert ref["agree"] == "climate" and ref["disagree"] == "sanctions"
        assert ref["stances_compared"] == 2 and ref["agreement"] == 0.5
        assert not df.attrs["notes"]
