"""Tests for the country crosswalk, including full coverage of the real UN-votes file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.reference.countries import (
    CAMEO_REGIONS,
    SCHEMES,
    countries,
    country_name,
    iso3_map,
    load_countries,
    normalise_name,
    require_iso3,
    to_iso3,
)


@pytest.fixture(scope="module")
def un_votes(shared_data: Path) -> pd.DataFrame:
    """The real unvotes file; "NA" is Namibia's code, so only empty cells are missing."""
    return pd.read_csv(
        shared_data / "unga" / "un_votes.csv", keep_default_na=False, na_values=[""]
    )


@pytest.mark.parametrize(
    ("value", "scheme", "expected"),
    [
        ("CH", "fips", "CHN"),
        ("RS", "fips", "RUS"),
        ("CH", "iso2", "CHE"),
        ("SZ", "fips", "CHE"),
        ("RI", "fips", "SRB"),
        ("UK", "fips", "GBR"),
        ("UP", "fips", "UKR"),
        ("BO", "fips", "BLR"),
        ("US", "fips", "USA"),
        ("KV", "fips", "XKX"),
        ("HK", "fips", "HKG"),
        ("WE", "fips", "PSE"),
        ("GZ", "fips", "PSE"),
        ("BO", "iso2", "BOL"),
        ("NA", "iso2", "NAM"),
        ("RUS", "cameo", "RUS"),
        ("CHN", "cameo", "CHN"),
        (365, "cow_num", "RUS"),
        (710, "cow_num", "CHN"),
        (2, "cow_num", "USA"),
        ("2", "cow_num", "USA"),
        (200, "cow_num", "GBR"),
        (370, "cow_num", "BLR"),
        (713, "cow_num", "TWN"),
        (347, "cow_num", "XKX"),
        (345, "cow_num", "SRB"),
        (315, "cow_num", "CZE"),
        (260, "cow_num", "DEU"),
        (265, "cow_num", "DDR"),
        (678, "cow_num", "YEM"),
        (680, "cow_num", "YMD"),
        ("RUS", "cow_abbr", "RUS"),
        ("UKG", "cow_abbr", "GBR"),
        ("chn", "iso3", "CHN"),
        ("SUN", "iso3", "RUS"),
        ("Russian Federation", "name", "RUS"),
        ("USSR", "auto", "RUS"),
        ("Union of Soviet Socialist Republics", "auto", "RUS"),
        ("Iran (Islamic Republic of)", "auto", "IRN"),
        ("Bolivia (Plurinational State of)", "auto", "BOL"),
        ("Côte d'Ivoire", "auto", "CIV"),
        ("cote d\u2019ivoire", "auto", "CIV"),
        ("Türkiye", "auto", "TUR"),
        ("Turkey", "auto", "TUR"),
        ("Viet Nam", "auto", "VNM"),
        ("Lao People's Democratic Republic", "auto", "LAO"),
        ("Democratic People's Republic of Korea", "auto", "PRK"),
        ("Republic of Korea", "auto", "KOR"),
        ("Syrian Arab Republic", "auto", "SYR"),
        ("United Republic of Tanzania", "auto", "TZA"),
        ("Czechia", "auto", "CZE"),
        ("Eswatini", "auto", "SWZ"),
        ("Swaziland", "auto", "SWZ"),
        ("North Macedonia", "auto", "MKD"),
        ("The former Yugoslav Republic of Macedonia", "auto", "MKD"),
        ("China", "auto", "CHN"),
        ("Republic of China", "auto", "TWN"),
        ("Kosovo", "auto", "XKX"),
        ("State of Palestine", "auto", "PSE"),
        ("Holy See", "auto", "VAT"),
        ("Western Sahara", "auto", "ESH"),
        ("Macau", "auto", "MAC"),
        ("RQ", "fips", "PRI"),
        ("GL", "fips", "GRL"),
        ("Hong Kong", "auto", "HKG"),
    ],
)
def test_known_codes(value: str | int, scheme: str, expected: str) -> None:
    assert to_iso3(value, scheme) == expected


@pytest.mark.parametrize(
    ("value", "scheme"),
    [
        ("CH", "auto"),  # two letters are never read as FIPS (nor ISO2) by "auto"
        (365, "auto"),  # numbers are ambiguous (COW vs ISO numeric): no guess
        ("Narnia", "auto"),
        ("XX", "fips"),
        ("Korea", "name"),  # ambiguous between the two Koreas: not an alias
        ("3.5", "cow_num"),
        ("", "iso3"),
        (None, "auto"),
        (float("nan"), "cow_num"),
    ],
)
def test_unknown_gives_none(value: object, scheme: str) -> None:
    assert to_iso3(value, scheme) is None  # type: ignore[arg-type]


def test_unknown_scheme_is_a_clear_error() -> None:
    with pytest.raises(BilatError, match="E012"):
        to_iso3("RUS", "gw")
    with pytest.raises(BilatError, match="E012"):
        iso3_map("auto")


def test_require_iso3_raises_e008() -> None:
    assert require_iso3("Russia") == "RUS"
    with pytest.raises(BilatError) as info:
        require_iso3("Atlantis")
    assert info.value.code == "E008"
    assert "Atlantis" in info.value.message


def test_country_name() -> None:
    assert country_name("RUS") == "Russia"  # the current state's row, not the USSR's
    assert country_name("deu") == "Germany"
    assert country_name("DDR") == "German Democratic Republic"
    with pytest.raises(BilatError, match="E008"):
        country_name("ZZZ")


def test_table_shape_and_types() -> None:
    df = load_countries()
    assert df["entity"].is_unique
    assert df["historical"].dtype == bool
    current = df[~df["historical"]]
    assert current["iso3"].is_unique
    assert (df["status"] == "member").sum() == 193  # UN member states
    assert set(df.loc[df["status"].isin(["observer", "non-member"]), "iso3"]) == {
        "PSE", "VAT", "TWN", "XKX"}
    assert {"HKG", "MAC", "ESH", "PRI", "GRL"} <= set(df.loc[df["status"] == "territory", "iso3"])
    assert (df["historical"] == (df["status"] == "former")).all()
    assert set(df["sovereign"]) - {""} <= set(current["iso3"])
    assert set(df.loc[df["historical"], "entity"]) >= {"SUN", "CSK", "YUG", "GFR", "DDR", "YAR",
                                                       "YMD", "ZAN", "RVN"}
    assert (df["iso3"].str.fullmatch(r"[A-Z]{3}")).all()
    assert (df["iso2"].eq("") | df["iso2"].str.fullmatch(r"[A-Z]{2}")).all()
    assert (df["fips"].eq("") | df["fips"].str.fullmatch(r"[A-Z]{2}(\|[A-Z]{2})*")).all()
    # every analysis code a former state maps to is itself a row's entity
    assert set(df["iso3"]) <= set(df["entity"])


def test_un_membership_years_agree_with_the_votes(un_votes: pd.DataFrame,
                                                 shared_data: Path) -> None:
    """No analysis code votes before its first seat starts or after its last seat ends."""
    calls = pd.read_csv(shared_data / "unga" / "un_roll_calls.csv", usecols=["rcid", "date"])
    by_name = iso3_map("name")
    lookup = {n: by_name[normalise_name(n)] for n in un_votes["country"].unique()}
    votes = un_votes.merge(calls, on="rcid").assign(
        year=lambda d: d["date"].str[:4].astype(int), iso3=lambda d: d["country"].map(lookup)
    )
    span = votes.groupby("iso3")["year"].agg(["min", "max"])
    df = load_countries()
    seats = df.groupby("iso3").agg(
        since=("un_member_since", "min"),
        until=("un_member_until", lambda s: pd.NA if s.isna().any() else s.max()),
    )
    joined = span.join(seats)
    too_early = joined[joined["since"].isna() | (joined["min"] < joined["since"])]
    too_late = joined[joined["until"].notna() & (joined["max"] > joined["until"])]
    assert too_early.index.tolist() == []
    assert too_late.index.tolist() == []
    members = df[df["status"] == "member"]
    assert members["un_member_since"].notna().all()
    assert members["un_member_until"].isna().all()
    # the 193 members are exactly the states still voting in the file's last year (2019-20)
    recent = set(votes.loc[votes["year"] >= 2019, "iso3"])
    assert set(members["iso3"]) == recent


@pytest.mark.parametrize("column", ["entity", "iso2", "iso_numeric", "fips", "cameo", "cow_num",
                                    "cow_abbr"])
def test_no_duplicate_keys_within_a_scheme(column: str) -> None:
    df = load_countries()
    values = df[column].dropna().astype(str)
    keys = [k for v in values for k in v.split("|") if k]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert dupes == []


def test_no_name_or_alias_on_two_rows() -> None:
    df = load_countries()
    owner: dict[str, str] = {}
    clashes = []
    for row in df.itertuples(index=False):
        for name in {normalise_name(n) for n in [row.name, *row.aliases.split("|")] if n}:
            if name in owner and owner[name] != row.entity:
                clashes.append((name, owner[name], row.entity))
            owner[name] = row.entity
    assert clashes == []


def test_codes_that_mean_different_states_in_different_schemes() -> None:
    # COW abbreviations that are other states' ISO3 codes
    assert to_iso3("AUS", "cow_abbr") == "AUT" and to_iso3("AUS", "iso3") == "AUS"
    assert to_iso3("SWZ", "cow_abbr") == "CHE" and to_iso3("SWZ", "iso3") == "SWZ"
    assert to_iso3("MNG", "cow_abbr") == "MNE" and to_iso3("MNG", "iso3") == "MNG"
    # 70 two-letter codes mean different places in FIPS 10-4 and ISO 3166-1
    fips, iso2 = iso3_map("fips"), iso3_map("iso2")
    assert len({k for k in fips if k in iso2 and fips[k] != iso2[k]}) == 70


def test_three_letter_aliases_do_not_shadow_codes() -> None:
    """Under "auto" a code wins over a name, so no 3-letter alias may mean another state."""
    codes, names = iso3_map("iso3"), iso3_map("name")
    clashes = {k: (codes[k.upper()], v) for k, v in names.items()
               if len(k) == 3 and k.upper() in codes and codes[k.upper()] != v}
    assert clashes == {}


def test_numbers_in_any_form() -> None:
    import numpy as np

    assert to_iso3(np.int64(365), "cow_num") == "RUS"
    assert to_iso3(365.0, "cow_num") == "RUS"
    assert to_iso3(" 710 ", "cow_num") == "CHN"
    assert to_iso3("not a number", "cow_num") is None


def test_iso3_map_matches_to_iso3() -> None:
    for scheme in SCHEMES:
        if scheme == "auto":
            continue
        mapping = iso3_map(scheme)
        assert mapping, scheme
        for key, iso3 in mapping.items():
            assert to_iso3(key, scheme) == iso3
    assert iso3_map("cow_num")["365"] == "RUS"
    assert iso3_map("fips")["CH"] == "CHN"
    assert iso3_map("iso2")["CH"] == "CHE"
    mapping = iso3_map("iso3")
    mapping["RUS"] = "XXX"  # a copy: the module's table is untouched
    assert to_iso3("RUS", "iso3") == "RUS"


def test_cameo_regions_are_not_countries() -> None:
    assert to_iso3("SAF", "cameo") is None  # CAMEO SAF = Southern Africa, not South Africa
    assert to_iso3("ZAF", "cameo") == "ZAF"
    assert to_iso3("SAF", "cow_abbr") == "ZAF"  # ... while COW's SAF is South Africa
    assert not set(CAMEO_REGIONS) & set(iso3_map("cameo"))


def _gdelt_fields(shared_data: Path) -> tuple[set[str], set[str]]:
    """CAMEO actor country codes and FIPS geography codes in the real GDELT files."""
    actors: set[str] = set()
    geos: set[str] = set()
    files = [*sorted((shared_data / "gdelt").glob("*.export.CSV")),
             shared_data / "gdelt" / "reed9999-gdelt-demo" / "events.csv"]
    for path in files:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                # GDELT 2.0 rows have 61 fields (ADM2 columns); 1.0 rows 57 or 58.
                geo_idx = (37, 45, 53) if len(f) == 61 else (37, 44, 51)
                actors.update({f[7], f[17]})
                geos.update(f[i] for i in geo_idx)
    return actors - {""}, geos - {""}


def test_every_gdelt_code_in_the_real_files_is_known(shared_data: Path) -> None:
    actors, geos = _gdelt_fields(shared_data)
    assert len(actors) > 100 and len(geos) > 100
    assert {a for a in actors if to_iso3(a, "cameo") is None} <= set(CAMEO_REGIONS)
    assert {g for g in geos if to_iso3(g, "fips") is None} == {"OS"}  # OS: oceans
    assert to_iso3("YI", "fips") == "SRB"  # old Serbia and Montenegro code, still in GDELT
    assert to_iso3("MH", "fips") == "MSR" and to_iso3("MH", "iso2") == "MHL"


def test_every_un_votes_country_maps_to_one_iso3(un_votes: pd.DataFrame) -> None:
    pairs = un_votes[["country", "country_code"]].drop_duplicates()
    assert len(pairs) == un_votes["country"].nunique()  # one code per name in the file
    missing = []
    for country, code in pairs.itertuples(index=False):
        by_name = to_iso3(country, "name")
        by_code = None if pd.isna(code) else to_iso3(code, "iso2")
        if by_name is None or (by_code is not None and by_code != by_name):
            missing.append((country, code, by_name, by_code))
    assert missing == []
    codes = un_votes["country_code"].dropna().unique()
    assert all(to_iso3(c, "iso2") is not None for c in codes)


def test_un_votes_mapping_never_gives_one_state_two_votes(un_votes: pd.DataFrame) -> None:
    """Continuity choices must not merge two entities that voted in the same roll call."""
    by_name = iso3_map("name")
    lookup = {n: by_name.get(normalise_name(n)) for n in un_votes["country"].unique()}
    keyed = un_votes.assign(iso3=un_votes["country"].map(lookup))
    assert keyed["iso3"].notna().all()
    assert not keyed.duplicated(["rcid", "iso3"]).any()


def test_un_votes_historical_codes(un_votes: pd.DataFrame) -> None:
    """The documented choices hold on the real file."""
    seen = dict(
        un_votes[["country", "country_code"]].drop_duplicates().itertuples(index=False)
    )
    assert to_iso3(seen["Czechoslovakia"], "iso2") == "CZE"
    assert to_iso3(seen["Yugoslavia"], "iso2") == "SRB"
    assert to_iso3(seen["German Democratic Republic"], "iso2") == "DDR"
    assert to_iso3(seen["Yemen People's Republic"], "iso2") == "YMD"
    assert to_iso3(seen["Taiwan"], "iso2") == "TWN"
    assert to_iso3("Federal Republic of Germany", "name") == "DEU"
    assert to_iso3("Yemen Arab Republic", "name") == "YEM"
    assert to_iso3("Zanzibar", "name") == "ZAN"


def test_countries_search() -> None:
    assert set(countries("CH")["iso3"]) == {"CHN", "CHE"}
    assert set(countries("korea")["iso3"]) == {"PRK", "KOR"}
    assert "RUS" in set(countries("soviet")["iso3"])
    assert set(countries("365")["iso3"]) == {"RUS"}
    assert len(countries()) == len(load_countries())
