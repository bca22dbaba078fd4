"""SIPRI trade-register readers: both real exports (preamble, CRLF, ';' ends, split comments)
checked against pandas, and bad inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import arms_sipri
from bilat.sources.core import BadRows, ingest


@pytest.fixture(scope="module")
def deliveries(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = shared_data / "arms_sipri" / "trade_register.csv"
    raw = pd.read_csv(path, skiprows=11)
    return raw, arms_sipri.parse_deliveries(path, BadRows("fail", path)).to_pandas()


def test_deliveries_rows_and_tiv(deliveries: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    raw, got = deliveries
    assert len(got) == len(raw)
    want = raw[(raw.Supplier == "Russia") & (raw.Recipient == "China")].groupby(
        "Delivery year")["TIV delivery values"].sum()
    mine = got[(got.supplier_iso3 == "RUS") & (got.recipient_iso3 == "CHN")].groupby(
        "delivery_year")["tiv_delivered"].sum()
    pd.testing.assert_series_equal(mine, want, check_names=False, check_index_type=False)
    assert got["local_production"].sum() == (raw["Local production;"] == "Yes;").sum()
    kinds = got.drop_duplicates("recipient").set_index("recipient")["recipient_kind"]
    assert kinds["NATO**"] == "organisation"
    assert kinds["Houthi rebels (Yemen)*"] == "non-state actor"
    assert kinds["unknown recipient(s)"] == "unknown"
    assert kinds["Viet Nam"] == "state"


def test_deals_register(shared_data: Path) -> None:
    path = shared_data / "arms_sipri" / "trade-register.csv"
    got = arms_sipri.parse_deals(path, BadRows("fail", path)).to_pandas()
    lines = path.read_bytes().decode("latin-1").splitlines()
    # records = data lines minus the continuation lines of comments split over two lines
    split = sum(1 for ln in lines[12:] if ln.startswith(","))
    assert len(got) == len(lines) - 12 - split
    raw = pd.read_csv(path, skiprows=11, encoding="latin-1")
    ok = raw.Supplier.notna() & raw.Recipient.notna()
    for sup in ("Russia", "Soviet Union"):
        n = int(((raw.Supplier == sup) & (raw.Recipient == "China") & ok).sum())
        assert ((got.supplier == sup) & (got.recipient_iso3 == "CHN")).sum() == n
    su35 = got[(got.designation == "Su-35S") & (got.recipient == "China")].iloc[0]
    src = raw[(raw["Weapon designation"] == "Su-35S") & (raw.Recipient == "China")].iloc[0]
    assert su35.tiv_order == src["SIPRI TIV for total order"]
    assert su35.order_year == src["Year of order"] and su35.first_delivery == 2016
    joined = got[got.comments.fillna("").str.contains("Cummins \\(275hp\\)")
                 & (got.line == 5432)]
    assert len(joined) == 1 and joined.iloc[0].tiv_order == 0.36  # the split line, joined


def _register(tmp_path: Path, name: str, rows: list[str], header: str | None = None) -> Path:
    pre = ["Transfers of major conventional arms;"] * 9 + [
        "Source: SIPRI Arms Transfers Database (c) SIPRI.;", "Data generated: 1 Jan 2026;"]
    head = header or ",".join(arms_sipri.DELIVERY_COLUMNS) + ";"
    path = tmp_path / name
    path.write_bytes(("\r\n".join([*pre, head, *rows]) + "\r\n").encode("latin-1"))
    return path


ROW = "1,Russia,China,Su-35,FGA aircraft,Aircraft,2015,No,10,No,2016,No,New,1,60,600,No;"


def test_bad_inputs(tmp_path: Path, store) -> None:  # noqa: ANN001
    good = _register(tmp_path, "trade_register.csv", [ROW])
    res = ingest(store, arms_sipri.DELIVERIES, [good])
    assert res[0].rows_added == 1
    cases = {
        "E501": _register(tmp_path, "unknown.csv", [ROW.replace("China", "Chinaland")]),
        "E014": _register(tmp_path, "renamed.csv", [ROW], header=",".join(
            arms_sipri.DELIVERY_COLUMNS).replace("TIV delivery values", "TIV") + ";"),
        "E503": _register(tmp_path, "short.csv", [ROW, "2,Russia,China,Su-35"]),
        "E018": tmp_path / "empty.csv",
        "E502": tmp_path / "nopreamble.csv",
    }
    cases["E018"].write_text("")
    cases["E502"].write_text(",".join(arms_sipri.DELIVERY_COLUMNS) + "\n" + ROW + "\n" * 12)
    for code, path in cases.items():
        with pytest.raises(BilatError) as ei:
            ingest(store, arms_sipri.DELIVERIES, [path])
        assert ei.value.code == code, ei.value.one_line()
        assert path.name in ei.value.one_line()
        assert store.con.execute("select count(*) from sipri_deliveries").fetchall()[0][0] == 1
    assert "line 13" in pytest.raises(BilatError, ingest, store, arms_sipri.DELIVERIES,
                                      [cases["E501"]]).value.one_line()
    skip = ingest(store, arms_sipri.DELIVERIES, [cases["E503"]], on_bad_rows="skip")
    # the good row is deal 1 / 2016, already stored from trade_register.csv: not stored twice
    assert skip[0].rows_already_stored == 1 and sum(skip[0].bad_rows.values()) == 1


def test_a_missing_export_stops_the_fetch_before_anything_is_stored(tmp_path: Path,
                                                                     store) -> None:  # noqa: ANN001
    """`bilat fetch arms` loads two exports: with one missing from the mirror, E011 comes
    before the other is stored (not after, as a command that failed yet kept half)."""
    (tmp_path / "arms_sipri").mkdir()
    _register(tmp_path / "arms_sipri", "trade_register.csv", [ROW])
    with pytest.raises(BilatError) as ei:
        arms_sipri.fetch_sipri(store, mirror=tmp_path)
    assert ei.value.code == "E011" and "trade-register.csv" in ei.value.one_line()
    assert not store.has_table("sipri_deliveries") or store.con.execute(
        "select count(*) from sipri_deliveries").fetchall()[0][0] == 0


def test_a_failure_names_the_files_stored_before_it(tmp_path: Path, store) -> None:  # noqa: ANN001
    """Each file is its own transaction: when the second fails, the note says the first was
    stored and kept; an unchanged file stored with rows set aside says so when skipped."""
    first = _register(tmp_path, "a.csv", [ROW, "2,Russia,China,Su-35"])
    second = tmp_path / "b.csv"
    second.write_text("")
    with pytest.raises(BilatError) as ei:
        ingest(store, arms_sipri.DELIVERIES, [first, second], on_bad_rows="quarantine")
    line = ei.value.one_line()
    assert ei.value.code == "E018" and "b.csv" in line
    assert "1 file stored before this failure, kept: a.csv" in line
    again = ingest(store, arms_sipri.DELIVERIES, [first])
    assert again[0].status == "unchanged" and again[0].set_aside_before == 1
    assert "1 of its rows were set aside when it was stored" in again[0].summary()
