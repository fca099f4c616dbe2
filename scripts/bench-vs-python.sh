#!/usr/bin/env bash
# Issue 13's side-by-side: the GIS user's grid workload at the given pole counts, checked
# by `lysplan check --format json` (release) and by the shapely/pyproj/numpy/orjson
# script a QGIS user would write; both whole process, best of 3, with peak memory. The
# finding counts must agree. Not part of `cargo test` or CI (it installs Python packages).
#
#     scripts/bench-vs-python.sh 100000 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000}")
pip install -q shapely pyproj numpy orjson >/dev/null 2>&1 || true
cargo build --release --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
best() { # command... -> "seconds kB" of the fastest of 3 runs
    local s kb best_s=999999 best_kb=0
    for _ in 1 2 3; do
        # (lysplan exits 1 when it finds errors: that is the workload, not a failure)
        /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
        read -r s kb < <(tail -1 "$work/time")
        if awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; best_kb=$kb; fi
    done
    echo "$best_s $best_kb"
}
mib() { awk "BEGIN{printf \"%.1f\", $1 / 1024}"; } # kB -> MiB
echo "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(date -u +%F)"
printf '| poles | file | lysplan check | lysplan --no-coverage | python/shapely | time ratio (goal <= 0.1) | memory / file (goal <= 1) |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
agreed=()
for n in "${sizes[@]}"; do
    f="$work/grid$n.geojson"
    python3 scripts/grid_workload.py --poles "$n" --out "$f" --ldt "$PWD/assets/luminaires/acme_road_runner.ldt" 2>"$work/expected.json"
    counts_l="$(target/release/lysplan check "$f" --format json | python3 -c '
import json, sys, collections
d = json.load(sys.stdin)
print(json.dumps(dict(sorted(collections.Counter(f["rule"] for f in d["findings"]).items()))))' || true)"
    counts_p="$(python3 scripts/check_like_a_gis_user.py "$f")"
    if [ "$(tr -d ' ' <<<"$counts_l")" != "$(tr -d ' ' <<<"$counts_p")" ]; then
        echo "finding counts differ at $n: lysplan $counts_l, python $counts_p" >&2
        exit 1
    fi
    read -r ls lkb <<<"$(best target/release/lysplan check "$f" --format json)"
    read -r ns nkb <<<"$(best target/release/lysplan check "$f" --format json --no-coverage)"
    read -r ps pkb <<<"$(best python3 scripts/check_like_a_gis_user.py "$f")"
    fkb="$(($(stat -c %s "$f") / 1024))"
    poles="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["poles"])' <"$work/expected.json")"
    ratio="$(awk "BEGIN{printf \"%.2f\", $ls / $ps}")"
    mem="$(awk "BEGIN{printf \"%.2f\", $lkb / $fkb}")"
    printf '| %s | %s MiB | %s s, %s MiB | %s s, %s MiB | %s s, %s MiB | %s | %s |\n' "$poles" "$(mib "$fkb")" \
        "$ls" "$(mib "$lkb")" "$ns" "$(mib "$nkb")" "$ps" "$(mib "$pkb")" "$ratio" "$mem"
    agreed+=("$poles poles: $counts_l")
done
echo "same findings on both sides (lysplan and python):"
printf '  %s\n' "${agreed[@]}"
