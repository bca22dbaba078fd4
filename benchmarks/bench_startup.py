"""How long the `bilat` command takes to start, against the bare interpreter in the same run.

    python benchmarks/bench_startup.py [--runs 7] [--src OLD_CHECKOUT/src]

Times (median of ``--runs`` fresh processes each): ``python -c pass`` (the floor every command
pays), ``bilat --help``, ``bilat events --help``, ``bilat votes --help``, and a small query
command (``bilat countries russia -f csv``) and ``bilat events indicators RUS CHN`` on a
store of the real GDELT files in ``../shared/data/gdelt`` (aggregate and event path). Then
lists the ten slowest imports of ``bilat --help`` from ``python -X importtime`` so a
regression names its culprit, and which heavy modules (pandas, ibis, numpy, pyarrow, duckdb,
altair, lingua, trafilatura) each command imported (a small query command should load DuckDB
at most: ``tests/cli/test_startup_imports.py`` checks it).
Goals (issue 15, 2 cores): ``bilat --help`` ≤ 0.3 s, a small query ≤ 0.8 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
BILAT = [PY, "-m", "bilat.cli"] if not (Path(PY).parent / "bilat").exists() else [
    str(Path(PY).parent / "bilat")]


def _time(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system of the child: the figure that
    does not grow with the other processes' load) of ``runs`` fresh processes."""
    times, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpus)


#: Modules a small command should not need (each costs 0.1-0.6 s to import).
HEAVY = ("pandas", "ibis", "numpy", "pyarrow", "duckdb", "altair", "lingua", "trafilatura")
_PROBE = ("import sys\nfrom bilat.cli import main\ncode = main(sys.argv[1:])\n"
          "sys.stdout.flush()\n"
          f"sys.stderr.write('\\nHEAVY ' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
          "sys.exit(code)\n")


def _heavy(extra: list[str], env: dict[str, str]) -> str:
    """The heavy modules the command ``bilat EXTRA…`` imported (a fresh interpreter)."""
    proc = subprocess.run([PY, "-c", _PROBE, *extra], capture_output=True, text=True,
                          env=env, check=False)
    found = proc.stderr.rsplit("\nHEAVY ", 1)[-1].strip() if "\nHEAVY " in proc.stderr else "?"
    return found or "none"


def _importtime(env: dict[str, str]) -> list[tuple[int, str]]:
    code = "import sys; from bilat.cli import main; sys.argv=['bilat','--help']; main(['--help'])"
    proc = subprocess.run([PY, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          env=env, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cum_us, name = line[len("import time:"):].split("|", 2)
        depth = len(name) - len(name.lstrip(" "))
        rows.append((int(cum_us), name.strip(), depth))
    best: dict[str, int] = {}
    for us, name, _depth in rows:  # the costliest import of each top-level package
        key = name.split(".")[0]
        best[key] = max(best.get(key, 0), us)
    top = [(us, name) for name, us in best.items()]
    return sorted(top, reverse=True)[:10]


def _gdelt_store(folder: Path) -> str:
    """A store holding the real GDELT files of ../shared/data/gdelt (four 15-minute exports),
    compacted as `bilat fetch gdelt` leaves it."""
    from bilat.sources import gdelt
    from bilat.store import compact, open_store

    files = sorted((Path(__file__).resolve().parents[2] / "shared" / "data" / "gdelt")
                   .glob("*.export.CSV"))
    path = folder / "startup.duckdb"
    st = open_store(path)
    try:
        gdelt.ingest(st, files)
        compact.compact(st)
    finally:
        st.close()
    return str(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--src", type=Path, default=None,
                    help="time the bilat of this source folder (e.g. an older checkout's "
                    "src/, exported with `git archive`) instead of the installed one")
    args = ap.parse_args()
    env = dict(os.environ)
    env.pop("BILAT_STORE", None)
    if args.src is not None:
        env["PYTHONPATH"] = str(args.src.resolve())
    # Byte-compiled modules as an installed bilat has them: without them (PYTHONDONTWRITEBYTECODE,
    # set on this machine) every run compiles bilat's modules anew (~0.1-0.2 s). Kept in a
    # temporary prefix, never in the source tree.
    pyc = tempfile.mkdtemp(prefix="bilat-pyc-")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pyc
    subprocess.run(BILAT + ["--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, check=False)
    floor, floor_cpu = _time([PY, "-c", "pass"], args.runs, env)
    print(f"python -c pass (floor): {floor:.3f} s (CPU {floor_cpu:.3f} s)")
    commands = [("bilat --help", ["--help"]), ("bilat events --help", ["events", "--help"]),
                ("bilat votes --help", ["votes", "--help"]),
                ("bilat countries russia -f csv", ["countries", "russia", "-f", "csv"])]
    with tempfile.TemporaryDirectory(prefix="bilat-startup-") as tmp:
        store = _gdelt_store(Path(tmp))
        commands += [
            ("bilat events indicators RUS CHN (defaults)",
             ["--store", store, "events", "indicators", "RUS", "CHN"]),
            ("bilat events indicators RUS CHN (GDELT store)",
             ["--store", store, "events", "indicators", "RUS", "CHN", "--source", "gdelt",
              "--period", "year", "-f", "csv"]),
            ("  same, event path (BILAT_DYAD_DAY=0)",
             ["--store", store, "events", "indicators", "RUS", "CHN", "--source", "gdelt",
              "--period", "year", "-f", "csv"]),
        ]
        for label, extra in commands:
            run_env = dict(env, BILAT_DYAD_DAY="0") if "event path" in label else env
            t, cpu = _time(BILAT + extra, args.runs, run_env)
            print(f"{label:46s} {t:.3f} s, CPU {cpu:.3f} s  ({t / floor:.1f}× the floor, "
                  f"{t - floor:.3f} s "
                  f"above it; load {os.getloadavg()[0]:.1f}; heavy modules: "
                  f"{_heavy(extra, run_env)})")
    print("\nslowest imports of `bilat --help` (cumulative µs, by top-level package):")
    for us, name in _importtime(env):
        print(f"  {us:>9,d}  {name.strip()}")


if __name__ == "__main__":
    main()
