"""UN General Assembly ideal points (Bailey, Strezhnev & Voeten), by session and by calendar year.

Two releases of Erik Voeten's "United Nations General Assembly Voting Data" (Harvard Dataverse,
hdl:1902.1/12379, doi:10.7910/DVN/LEJUQZ; CC0). Cite Bailey, Michael A., Anton Strezhnev and
Erik Voeten (2017), "Estimating Dynamic State Preferences from United Nations Voting Data",
*Journal of Conflict Resolution* 61(2): 430–456, and the dataset (the July 2025 release also
Fjelstul, Hug & Kilby 2025, UNGA-DM, *Review of International Organizations*).

An ideal point is a state's position on the one dimension that best explains its recorded
votes (a dynamic item-response model; higher = closer to the US-led liberal order, lower =
further from it). Distances between two states' points are comparable across years because
the model bridges sessions through resolutions that recur unchanged.

``IdealpointestimatesAll_Jun2024.csv`` (voeten-2024; by **session**, 1–78 = 1946–2024)
    An unnamed R row number, ``ccode`` (Correlates of War), ``session``, ``NVotesAll`` (votes
    the state cast), ``IdealPointAll`` (posterior mean from all recorded plenary votes),
    posterior quantiles ``QO%All``, ``Q5%All``, ``Q10%All``, ``Q50%All``, ``Q90%All``,
    ``Q95%All``, ``Q100%All``, ``iso3c``, ``Countryname``, and the state's share of agreement
    in that session with the USA, Russia, Brazil, China, India and Israel (``USAgree``,
    ``RUSSAgree``, ``BrazilAgree``, ``ChinaAgree``, ``IndiaAgree``, ``IsraelAgree``; Voeten's
    scripts, abstention handling undocumented; ``NA`` → null). Session *s* opens in September
    of 1945 + *s*. Store: table ``un_idealpoints_session``.
``IdealpointsJuly2025.dta`` (voeten-2025; by **calendar year**, 1946–2024; also read as the
CSV converted from it)
    ``ccode``, ``iso3c``, ``countryname``, ``year``, ``idealpointfp`` (final-passage votes only;
    to 2024), ``idealpointall`` (all votes incl. paragraphs and amendments; to 2023),
    ``idealpointlegacy`` (the session estimate placed at year = session + 1945; to 2023),
    ``nvotesfp``, quantiles ``qofp`` … ``q100fp``, ``nvotesall``, ``qoall`` … ``q100all``,
    ``nvotesLegacy``. Store: table ``un_idealpoints_year``.

Both tables key states by ISO3 through the COW code in :mod:`bilat.reference.countries`
(USSR → RUS, Yugoslavia → SRB, Czechoslovakia → CZE by continuity; COW 713, the Republic of
China's seat until 1971, → TWN; 710 → CHN), keeping ``iso3_as_given`` (the files write
``CSK``/``YUG``, and ``YAR`` for South Yemen, COW 680). Missing estimates stay null, never 0.
Rows out of the domain (unknown COW code, a year or session out of range, a non-finite or
implausible estimate |x| > 10, a negative or fractional vote count, quantiles out of order)
go to ``--on-bad-rows``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.errors import error
from bilat.sources.core import BadRows, Source, fetch, require_columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

    from bilat.store import Store

SESSION_FILE = "IdealpointestimatesAll_Jun2024.csv"
YEAR_FILE = "IdealpointsJuly2025.dta"
CITATION = ("Bailey, Strezhnev & Voeten (2017), JCR 61(2): 430–456; Voeten, Strezhnev & "
            "Bailey, 'United Nations General Assembly Voting Data', Harvard Dataverse "
            "hdl:1902.1/12379 (CC0)")
#: Year-file estimates and their columns: (estimate, vote count, quantile prefix-suffix).
ESTIMATES = {
    "fp": ("idealpointfp", "nvotesfp", "fp"),
    "all": ("idealpointall", "nvotesall", "all"),
    "legacy": ("idealpointlegacy", "nvotesLegacy", None),
}
_QS = ("q0", "q5", "q10", "q50", "q90", "q95", "q100")


def _iso_from_cow(df: pd.DataFrame) -> pd.Series:
    from bilat.reference.countries import iso3_map

    cow = iso3_map("cow_num")
    return df["ccode"].map(lambda c: cow.get(str(int(c))) if c == c else None)


def _line_numbers(n: int, csv_like: bool) -> list[int]:
    return [i + 2 for i in range(n)] if csv_like else [i + 1 for i in range(n)]


def _checked(df: pd.DataFrame, bad: BadRows, est_cols: list[str], n_cols: list[str],
             q_groups: list[list[str]], period: str, lo: int, hi: int) -> pd.DataFrame:
    """Domain checks shared by both files; bad rows reported with their line."""
    import numpy as np
    import pandas as pd

    df = df.copy()
    df["iso3"] = _iso_from_cow(df)
    df = bad.add_mask(df, df["iso3"].isna(), "COW code not in bilat's crosswalk")
    p = pd.to_numeric(df[period], errors="coerce")
    df = bad.add_mask(df, ~p.between(lo, hi) | (p != p.round()),
                      f"{period} not a whole number in {lo}–{hi}")
    for c in est_cols:
        v = pd.to_numeric(df[c], errors="coerce")
        df = bad.add_mask(df, v.notna() & (~np.isfinite(v) | (v.abs() > 10)),
                          f"{c} is not a plausible ideal point (|x| ≤ 10)")
    for c in n_cols:
        v = pd.to_numeric(df[c], errors="coerce")
        df = bad.add_mask(df, v.notna() & ((v < 0) | (v != v.round())),
                          f"{c} is not a whole, non-negative count")
    for group in q_groups:
        q = df[group].apply(pd.to_numeric, errors="coerce")
        diffs = q.diff(axis=1).iloc[:, 1:]
        df = bad.add_mask(df, (diffs < -1e-6).any(axis=1), "posterior quantiles out of order")
    return df


def parse_session(path: Path, bad: BadRows) -> pa.Table:
    """Read ``IdealpointestimatesAll_Jun2024.csv``: one row per state-session."""
    import pandas as pd
    import pyarrow as pa

    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if df.empty:
        raise error("E018", path=path)
    need = ["ccode", "session", "NVotesAll", "IdealPointAll", "QO%All", "Q5%All", "Q10%All",
            "Q50%All", "Q90%All", "Q95%All", "Q100%All", "iso3c", "Countryname"]
    require_columns(path, df.columns, need, "Voeten ideal points by session "
                    "(ccode, session, NVotesAll, IdealPointAll, QO%All … Q100%All, iso3c, "
                    "Countryname, USAgree … IsraelAgree)")
    df["_line"] = _line_numbers(len(df), True)
    df = df.replace({"NA": None, "": None})
    qcols = ["QO%All", "Q5%All", "Q10%All", "Q50%All", "Q90%All", "Q95%All", "Q100%All"]
    df = bad.add_mask(df, df["ccode"].isna() | df["session"].isna() | df["IdealPointAll"].isna(),
                      "ccode, session or IdealPointAll is empty")
    df["ccode"] = pd.to_numeric(df["ccode"], errors="coerce")
    df = bad.add_mask(df, df["ccode"].isna(), "ccode is not a number")
    df = _checked(df, bad, ["IdealPointAll", *qcols], ["NVotesAll"], [qcols], "session", 1, 200)
    agree = {"USAgree": "agree_usa", "RUSSAgree": "agree_rus", "BrazilAgree": "agree_bra",
             "ChinaAgree": "agree_chn", "IndiaAgree": "agree_ind", "IsraelAgree": "agree_isr"}
    for c in agree:
        if c in df.columns:
            v = pd.to_numeric(df[c], errors="coerce")
            df = bad.add_mask(df, v.notna() & ~v.between(0, 1), f"{c} is not a share in 0–1")
    num = lambda c: pd.to_numeric(df[c], errors="coerce")  # noqa: E731
    sess = num("session").astype("int64")
    out = {
        "ccode": num("ccode").astype("int64"), "iso3": df["iso3"],
        "iso3_as_given": df["iso3c"], "name": df["Countryname"],
        "session": sess.astype(str), "session_year": sess + 1945,
        "n_votes": num("NVotesAll").astype("Int64"), "ideal_point": num("IdealPointAll"),
    }
    for q, c in zip(_QS, qcols, strict=True):
        out[q] = num(c)
    for c, name in agree.items():
        out[name] = num(c) if c in df.columns else None
    out["line"] = df["_line"]
    frame = pd.DataFrame(out)
    return pa.Table.from_pandas(frame, preserve_index=False)


def _read_year_file(path: Path) -> tuple[pd.DataFrame, bool]:
    import pandas as pd

    if path.suffix.lower() == ".dta":
        df = pd.read_stata(path, convert_categoricals=False)
        return df, False
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""]), True


def parse_year(path: Path, bad: BadRows) -> pa.Table:
    """Read ``IdealpointsJuly2025.dta`` (or its CSV) → one row per state-year, all estimates."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    df, csv_like = _read_year_file(Path(path))
    if df.empty:
        raise error("E018", path=path)
    need = ["ccode", "iso3c", "countryname", "year", "idealpointfp", "nvotesfp"]
    require_columns(path, df.columns, need, "Voeten ideal points by year (ccode, iso3c, "
                    "countryname, year, idealpointfp, idealpointall, idealpointlegacy, "
                    "nvotesfp, qofp … q100fp, nvotesall, qoall … q100all, nvotesLegacy)")
    df = df.reset_index(drop=True)
    df["_line"] = _line_numbers(len(df), csv_like)
    df["ccode"] = pd.to_numeric(df["ccode"], errors="coerce")
    df = bad.add_mask(df, df["ccode"].isna() | pd.to_numeric(df["year"], errors="coerce").isna(),
                      "ccode or year is empty")
    est_cols = [c for c, _, _ in ESTIMATES.values() if c in df.columns]
    n_cols = [n for _, n, _ in ESTIMATES.values() if n in df.columns]
    groups = []
    for _, _, suffix in ESTIMATES.values():
        if suffix:
            g = [f"qo{suffix}"] + [f"q{k}{suffix}" for k in (5, 10, 50, 90, 95, 100)]
            if all(c in df.columns for c in g):
                groups.append(g)
    df = _checked(df, bad, est_cols, n_cols, groups, "year", 1946, 2100)
    num = lambda c: (pd.to_numeric(df[c], errors="coerce").astype("float64")  # noqa: E731
                     if c in df.columns else pd.Series(np.nan, index=df.index))
    out: dict[str, Any] = {
        "ccode": df["ccode"].astype("int64"), "iso3": df["iso3"],
        "iso3_as_given": df["iso3c"].astype(object).replace("", None),
        "name": df["countryname"].astype(object).replace("", None),
        "year": num("year").astype("int64"),
    }
    for key, (est, n, suffix) in ESTIMATES.items():
        out[f"ideal_point_{key}"] = num(est)
        out[f"n_votes_{key}"] = num(n).round().astype("Int64")
        if suffix:
            for q, c in zip(_QS, [f"qo{suffix}"] + [f"q{k}{suffix}" for k in
                                                    (5, 10, 50, 90, 95, 100)], strict=True):
                out[f"{q}_{key}"] = num(c)
    out["line"] = df["_line"]
    frame = pd.DataFrame(out)
    for c in frame.columns:  # float32 from Stata: round to the 7 digits it holds
        if c.startswith(("ideal_point", "q")) and frame[c].dtype == "float64":
            frame[c] = frame[c].map(lambda x: x if x != x else float(f"{x:.7g}"))
    return pa.Table.from_pandas(frame, preserve_index=False)


SESSION_SOURCE = Source(
    kind="voeten-idealpoints-session", table="un_idealpoints_session",
    mirror_dir="unga/voeten-2024", files=(SESSION_FILE,), parse=parse_session,
    citation=CITATION, key_columns=("ccode", "session"),
    title="Voeten ideal points by session (June 2024)",
)
YEAR_SOURCE = Source(
    kind="voeten-idealpoints-year", table="un_idealpoints_year",
    mirror_dir="unga/voeten-2025", files=(YEAR_FILE,), parse=parse_year,
    citation=CITATION, key_columns=("ccode", "year"),
    title="Voeten ideal points by calendar year (July 2025)",
)


def fetch_idealpoints(store: Store, mirror: str | Path | None = None, *,
                      on_bad_rows: str = "fail") -> list[Any]:
    """Load both releases from ``<mirror>/unga/voeten-2024/`` and ``<mirror>/unga/voeten-2025/``
    (either may be absent; E011 when neither is there).

    The Dataverse files have no stable public download address bilat can pin; without a
    mirror this is E010 saying so (download them by hand and use ``--mirror``).
    """
    from bilat.config import resolve_mirror

    root = resolve_mirror(mirror)
    if root is None:
        return fetch(SESSION_SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows)
    present = [s for s in (SESSION_SOURCE, YEAR_SOURCE) if (Path(root) / s.mirror_dir).is_dir()]
    if not present:
        raise error("E011", path=f"{YEAR_SOURCE.mirror_dir}/{YEAR_FILE}", mirror=root)
    out: list[Any] = []
    for src in present:
        out += fetch(src, store, mirror=root, on_bad_rows=on_bad_rows)
    return out


def ingest_idealpoints(store: Store, paths: list[str | Path], *,
                       on_bad_rows: str = "fail") -> list[Any]:
    """Load local files: a name with ``session``-style columns (``IdealPointAll``) goes to the
    session table, a ``.dta`` or a CSV with ``idealpointfp`` to the year table."""
    from bilat.sources.core import ingest

    results: list[Any] = []
    for p in paths:
        path = Path(p)
        head = "" if path.suffix.lower() == ".dta" else path.open(
            encoding="utf-8-sig", errors="replace").readline()
        src = SESSION_SOURCE if "IdealPointAll" in head else YEAR_SOURCE
        results += ingest(store, src, [path], on_bad_rows=on_bad_rows)
    return results
