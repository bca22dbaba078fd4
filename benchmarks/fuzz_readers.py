"""Fuzzing figures for the GDELT and UN-vote readers: clean errors, tracebacks, garbage stored.

Bounded and seeded: each reader gets ``--n`` inputs made by mutating small valid inputs (the
test fixtures, and the head of the unvotes release in ``--data``) with the faults a field
analyst meets: values out of the field's domain (QuadClass 7, Goldstein 99, tone 500), hex,
fractional, huge and negative numbers (``0x10``, ``201.5``, ``1e309``, 20-digit ids), dates
that do not exist or lie in 2099, CR/CRLF/stray CR, bytes that are not UTF-8, rows cut short or
too long, duplicated lines, dropped or renamed header columns, empty files.

Each input is ingested into a fresh in-memory store under a random ``--on-bad-rows`` policy and
counted as one of:

* **clean error** — a ``BilatError`` (one line for the user);
* **traceback** — any other exception;
* **garbage stored** — the ingest succeeded but the store holds a value that is out of the
  field's domain or that no input line says (a hex id stored as decimal, a padded/shifted vote
  row, an event stored twice, a 2099 vote);
* **ok** — the ingest succeeded and every stored row is in the field's domain and written
  as such in the input.

Only APIs present since the first release are used, so the same script measures an older
checkout: ``PYTHONPATH=/tmp/bilat-base/src python benchmarks/fuzz_readers.py``.

Run: ``.venv/bin/python benchmarks/fuzz_readers.py [--n 300] [--seed 1] [--data DIR]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"

JUNK = ["", "0x10", "201.5", "1e309", "-1", "99999999999999999999", "2147483648", "-5",
        "7", "99", "500", "nan", "inf", "abc", "20991231", "19000229", "0", "3.0", " 12 ",
        "１２", "-0", "1e5", "NULL", "\x00", "ES-11", "20191399"]
INT_RE = re.compile(r"-?\d+")


# ----------------------------------------------------------------------------- GDELT
def _gdelt_seeds() -> list[list[bytes]]:
    out = []
    for name in ("20210825120000.export.CSV", "20140301.export.CSV"):
        lines = (FIX / "gdelt" / name).read_bytes().split(b"\n")
        out.append([ln for ln in lines if ln][:6])
    return out


def _mutate_gdelt(rng: random.Random, lines: list[bytes]) -> bytes:
    lines = list(lines)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        fields = lines[i].split(b"\t")
        op = rng.randrange(12)
        j = rng.randrange(len(fields))
        if op <= 3:
            fields[j] = rng.choice(JUNK).encode()
        elif op == 4:  # stray CR inside a field
            fields[j] = fields[j][:1] + b"\r" + fields[j][1:]
        elif op == 5:
            del fields[j]
        elif op == 6:
            fields.insert(j, b"x")
        elif op == 7:
            fields[j] = fields[j] + b"\xff\xfe"
        elif op == 8:  # duplicated line
            lines.insert(i, lines[i])
        elif op == 9:  # same id, another value
            other = lines[rng.randrange(len(lines))].split(b"\t")
            fields[0] = other[0]
        elif op == 10:  # a key column out of range
            col = rng.choice([26, 29, 30, 31, 32, 33, 34, 1])
            if col < len(fields):
                fields[col] = rng.choice([b"7", b"-11", b"99", b"250", b"0", b"20991231",
                                          b"-1", b"201.5"])
        else:
            lines[i] = b"\t".join(fields)[: rng.randrange(1, max(2, len(lines[i])))]
            continue
        lines[i] = b"\t".join(fields)
    sep = b"\r\n" if rng.random() < 0.15 else b"\n"
    data = sep.join(lines) + (sep if rng.random() < 0.9 else b"")
    if rng.random() < 0.03:
        data = b""
    return data


_GDELT_CHECK = """SELECT count(*) FROM gdelt_events WHERE QuadClass NOT BETWEEN 1 AND 4
  OR GoldsteinScale NOT BETWEEN -10 AND 10 OR AvgTone NOT BETWEEN -100 AND 100
  OR GLOBALEVENTID <= 0 OR NumMentions < 0 OR NumSources < 0 OR NumArticles < 0
  OR try_strptime(SQLDATE::VARCHAR, '%Y%m%d') IS NULL
  OR strptime(SQLDATE::VARCHAR, '%Y%m%d') > strptime(left(DATEADDED::VARCHAR, 8), '%Y%m%d')
     + INTERVAL 1 DAY"""


def _gdelt_garbage(store, data: bytes) -> int:  # noqa: ANN001
    con = store.con
    if not con.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_name = 'gdelt_events'").fetchall()[0][0]:
        return 0
    bad = con.execute(_GDELT_CHECK).fetchall()[0][0]
    bad += con.execute("SELECT count(*) - count(DISTINCT GLOBALEVENTID) FROM gdelt_events"
                       ).fetchall()[0][0]
    # faithfulness: each stored row's integer fields are written so in some input line
    raw = {}
    for ln in data.replace(b"\r\n", b"\n").split(b"\n"):
        f = ln.decode("utf-8", "replace").split("\t")
        if len(f) > 33:
            raw.setdefault(f[0], []).append(f)
    rows = con.execute("SELECT GLOBALEVENTID, SQLDATE, QuadClass, NumMentions, NumSources, "
                       "NumArticles FROM gdelt_events").fetchall()
    for eid, sqldate, quad, m, s, a in rows:
        cands = raw.get(str(eid), [])
        if not any(f[1] == str(sqldate) and f[29] == str(quad) and f[31] == str(m)
                   and f[32] == str(s) and f[33] == str(a) for f in cands):
            bad += 1
    return int(bad)


def run_gdelt(rng: random.Random, n: int, tmp: Path) -> Counter:
    from bilat.errors import BilatError
    from bilat.sources import gdelt
    from bilat.store import open_store

    seeds = _gdelt_seeds()
    out: Counter = Counter()
    for k in range(n):
        seed = rng.randrange(len(seeds))
        data = _mutate_gdelt(rng, seeds[seed])
        name = "20210825120000.export.CSV" if seed == 0 else "20140301.export.CSV"
        path = tmp / f"g{k}" / name
        path.parent.mkdir()
        path.write_bytes(data)
        policy = rng.choice(["fail", "skip", "quarantine"])
        store = open_store(":memory:")
        try:
            try:
                gdelt.ingest(store, [path], on_bad_rows=policy)
            except BilatError:
                raise
            except Exception as exc:  # noqa: BLE001 - what is being counted
                raise _Traceback(exc) from exc
            # outside the reader's try: a failure of the check itself stops the benchmark
            out["garbage stored" if _gdelt_garbage(store, data) else "ok"] += 1
        except BilatError:
            out["clean error"] += 1
        except _Traceback as wrapped:
            _count_traceback(out, wrapped.exc)
        finally:
            store.close()
    return out


class _Traceback(Exception):  # noqa: N818 - a carrier, not an error of its own
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _count_traceback(out: Counter, exc: BaseException) -> None:
    out["traceback"] += 1
    first = str(exc).splitlines()[0][:70] if str(exc) else ""
    out[f"  tb: {type(exc).__name__}: {first}"] += 1
    if "--show" in sys.argv:
        traceback.print_exception(exc)


# ----------------------------------------------------------------------------- votes
def _csv_rows(path: Path, n: int) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [next(fh).rstrip("\n") for _ in range(n)]


def _mutate_csv(rng: random.Random, rows: list[str]) -> str:
    import csv
    import io

    table = list(csv.reader(io.StringIO("\n".join(rows))))
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(10)
        i = rng.randrange(1, len(table))
        j = rng.randrange(len(table[i])) if table[i] else 0
        if op <= 4 and table[i]:
            table[i][j] = rng.choice(JUNK)
        elif op == 5:  # row cut short
            table[i] = table[i][: rng.randrange(len(table[i]) or 1)]
        elif op == 6:
            table[i] = [*table[i], "extra"]
        elif op == 7:  # a header column dropped or renamed
            h = rng.randrange(len(table[0]))
            if rng.random() < 0.5:
                table[0][h] = table[0][h] + "_x"
            else:
                for r in table:
                    if h < len(r):
                        del r[h]
        elif op == 8:
            table.insert(i, list(table[i]))
        elif table[i]:
            table[i][j] = table[i][j][:1] + "\r" + table[i][j][1:]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table)
    return buf.getvalue()


def _vote_garbage(store, files: dict[str, str]) -> int:  # noqa: ANN001
    import csv
    import io

    con = store.con
    if not con.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_name = 'un_votes'").fetchall()[0][0]:
        return 0
    today = dt.date.today()
    bad = con.execute(
        "SELECT count(*) FROM un_rollcalls WHERE date < DATE '1946-01-01' OR date > ? "
        "OR vote_id <= 0 OR (rcid IS NOT NULL AND rcid <= 0) OR (undl_id IS NOT NULL AND "
        "undl_id <= 0)", [today]).fetchall()[0][0]
    sess = con.execute("SELECT session::VARCHAR FROM un_rollcalls WHERE session IS NOT NULL"
                       ).fetchall()
    for (s,) in sess:
        if INT_RE.fullmatch(s) and not 1 <= int(s) <= 150:
            bad += 1
    # faithfulness: each stored (id, code) is a row of the input with that id and code
    said: set[tuple[str, str]] = set()
    for text in files.values():
        table = list(csv.reader(io.StringIO(text, newline="")))
        if not table:
            continue
        head = [h.strip() for h in table[0]]
        idc = next((c for c in ("undl_id", "rcid") if c in head), None)
        vc = next((c for c in ("ms_vote", "vote") if c in head), None)
        if idc is None or vc is None:
            continue
        for r in table[1:]:
            if len(r) == len(head):
                rid = r[head.index(idc)].strip()
                rid = rid[:-2] if rid.endswith(".0") else rid
                said.add((rid, r[head.index(vc)].strip().upper()))
    rows = con.execute("SELECT v.vote_id, v.code, r.undl_id, r.rcid FROM un_votes v "
                       "JOIN un_rollcalls r USING (vote_id)").fetchall()
    for _vid, code, undl, rcid in rows:
        rid = str(undl if undl is not None else rcid)
        if (rid, str(code).strip().upper()) not in said:
            bad += 1
    return int(bad)


def run_votes(rng: random.Random, n: int, tmp: Path, data: Path) -> Counter:
    from bilat.errors import BilatError
    from bilat.sources import unvotes
    from bilat.store import open_store

    seeds = {
        "undl": _csv_rows(FIX / "unvotes" / "undl_ga_votes.csv", 8),
        "voeten": _csv_rows(FIX / "unvotes" / "voeten_unvotes.csv", 8),
        "un_votes": _csv_rows(data / "un_votes.csv", 8),
        "un_roll_calls": _csv_rows(data / "un_roll_calls.csv", 3),
    }
    out: Counter = Counter()
    for k in range(n):
        kind = rng.choice(["undl", "voeten", "unvotes"])
        folder = tmp / f"v{k}"
        folder.mkdir()
        files: dict[str, str] = {}
        if kind == "unvotes":
            target = rng.choice(["un_votes", "un_roll_calls"])
            for stem in ("un_votes", "un_roll_calls"):
                files[stem] = _mutate_csv(rng, seeds[stem]) if stem == target else \
                    "\n".join(seeds[stem]) + "\n"
            files["un_roll_call_issues"] = "rcid,short_name,issue\n"
            path = folder / "un_votes.csv"
        else:
            files[kind] = _mutate_csv(rng, seeds[kind])
            path = folder / ("ga_voting.csv" if kind == "undl" else "voeten.csv")
        for stem, text in files.items():
            (folder / (path.name if stem == kind else f"{stem}.csv")).write_text(
                text, encoding="utf-8")
        policy = rng.choice(["error", "skip"])
        store = open_store(":memory:")
        try:
            try:
                unvotes.ingest_file(store, path, on_bad_rows=policy)
            except BilatError:
                raise
            except Exception as exc:  # noqa: BLE001 - what is being counted
                raise _Traceback(exc) from exc
            g = _vote_garbage(store, {k2: v for k2, v in files.items()
                                      if k2 in ("undl", "voeten", "un_votes")})
            out["garbage stored" if g else "ok"] += 1
        except BilatError:
            out["clean error"] += 1
        except _Traceback as wrapped:
            _count_traceback(out, wrapped.exc)
        finally:
            store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300, help="inputs per reader")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "unga")
    ap.add_argument("--show", action="store_true", help="print tracebacks")
    args = ap.parse_args()
    import bilat

    print(f"bilat from {Path(bilat.__file__).parent}; n={args.n} per reader, seed={args.seed}")
    for name, fn in (("gdelt", run_gdelt), ("votes", run_votes)):
        rng = random.Random(f"{args.seed}-{name}")
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="bilat-fuzz-") as tmp:
            res = fn(rng, args.n, Path(tmp)) if name == "gdelt" else \
                fn(rng, args.n, Path(tmp), args.data)
        main_keys = ["ok", "clean error", "traceback", "garbage stored"]
        line = ", ".join(f"{k} {res.get(k, 0)}" for k in main_keys)
        print(f"{name}: inputs {args.n}: {line}  ({time.perf_counter() - t0:.1f} s)")
        for k, v in sorted(res.items()):
            if k.startswith("  tb"):
                print(f"    {v:4d} {k.strip()}")


if __name__ == "__main__":
    main()
