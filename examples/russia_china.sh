#!/usr/bin/env bash
# The main job: build a bilat store from the data mirror and print the Russia–China evidence.
#
#   BILAT_MIRROR  folder laid out like the upstream servers (default: ../shared/data)
#   BILAT_STORE   the store to build (default: out/bilat.duckdb)
#   OUT           where charts and reports go (default: out/)
#
# Every step is one `bilat` command; run any of them on its own with other pairs or periods.
set -euo pipefail
export BILAT_MIRROR="${BILAT_MIRROR:-../shared/data}"
OUT="${OUT:-out}"
export BILAT_STORE="${BILAT_STORE:-$OUT/bilat.duckdb}"
mkdir -p "$OUT"
say() { printf '\n== %s\n' "$*" >&2; }

say "Event data: the GDELT 2.0 exports the mirror holds for Oct 2015 - Oct 2019 (completeness by month)"
bilat fetch gdelt --start 2015-10-27 --end 2019-10-24 --allow-missing --by month \
  -f csv -o "$OUT/gdelt-completeness.csv"

say "Dyad indicators per year: Russia-China against the Russia-Belarus and US-UK yardsticks"
bilat events indicators RUS CHN --ref RUS BLR --ref USA GBR --period year \
  --chart "$OUT/events-rus-chn.html"
bilat events indicators RUS CHN --ref RUS BLR --ref USA GBR --period year \
  -f csv -o "$OUT/events-rus-chn.csv"

say "UN General Assembly votes 1946-2020"
bilat fetch unvotes
bilat votes affinity RUS CHN --years 1992-2019 --by year --method all --ref USA-GBR \
  --chart "$OUT/votes-rus-chn.html" -f csv -o "$OUT/votes-rus-chn.csv"
bilat votes affinity RUS CHN --years 2010-2019 --by issue --method all
bilat votes divergent RUS CHN --years 2014-2019 --limit 10

say "Readouts of the 25 August 2021 Xi-Putin call (reconstructed texts shipped with the tests)"
bilat readouts compare tests/fixtures/texts/aug2021_chn_en.txt@CHN@2021-08-25 \
  tests/fixtures/texts/aug2021_rus_en.txt@RUS@2021-08-25
bilat readouts compare tests/fixtures/texts/aug2021_chn_en.txt@CHN@2021-08-25 \
  tests/fixtures/texts/aug2021_rus_en.txt@RUS@2021-08-25 -f html -o "$OUT/readouts-2021-08-25.html"

say "Joint-statement lineage: a short series in the register of Russia-China statements (test texts)"
bilat statements lineage tests/fixtures/lineage/short_2014.txt@2014-05-20 \
  tests/fixtures/lineage/short_2019.txt@2019-06-05 tests/fixtures/lineage/short_2022.txt@2022-02-04 \
  --parties RUS,CHN --watch ukraine,nato
bilat statements lineage tests/fixtures/lineage/short_2014.txt@2014-05-20 \
  tests/fixtures/lineage/short_2019.txt@2019-06-05 tests/fixtures/lineage/short_2022.txt@2022-02-04 \
  --parties RUS,CHN --watch ukraine,nato -f html -o "$OUT/lineage-2022-02-04.html"

say "Done: charts and reports in $OUT/"
