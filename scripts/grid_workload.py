#!/usr/bin/env python3
"""The GIS user's workload of issue 13, as a GeoJSON plan for `lysplan check`.

A square grid of straight streets 300 m apart near 55.68 N 12.38 E. Each street is one
LineString with a vertex at every junction. Poles stand every 30 m (±2 m jitter), 3 m to
the right of the street, never within 15 m of a junction, with no azimuth_deg, 8 m high,
of four vendors, all with one small LDT file. There are no sections and no classes.
About 1 % of the poles are violations: 0.4 % extra poles 2–8 m after a regular one,
0.4 % poles inside blocks at least 30 m from every street, 0.2 % regular poles removed.
The file is compact, one feature per line, with 7 decimals.

    scripts/grid_workload.py --poles 100000 --out grid100k.geojson [--seed 1]

It prints the expected finding counts (spacing.min, placement.off_route, spacing.max) to
stderr, as JSON.
"""
import argparse
import json
import math
import random
import sys

LAT0, LON0 = 55.68, 12.38
M_PER_DEG_LAT = 111_320.0
SPACING, BLOCK, OFFSET, CLEAR = 30.0, 300.0, 3.0, 15.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--poles", type=int, default=100_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ldt", default="assets/luminaires/acme_road_runner.ldt",
                    help="the photometry file every pole uses (a path the plan names)")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(LAT0))
    # poles per street of length L: junctions every 300 m, 9 slots between (15..285 m)
    slots_per_block = 9  # 15, 45, ..., 255 (and 285 is 15 m before the next junction)
    # n streets each way, each n-1 blocks long: poles ~= 2 n (n-1) 9
    n = 2
    while 2 * n * (n - 1) * slots_per_block < a.poles:
        n += 1
    length = (n - 1) * BLOCK

    def lonlat(x, y):
        return (round(LON0 + x / m_per_deg_lon, 7), round(LAT0 + y / M_PER_DEG_LAT, 7))

    feats = []
    for k in range(n):
        c = k * BLOCK
        we = [lonlat(j * BLOCK, c) for j in range(n)]
        sn = [lonlat(c, j * BLOCK) for j in range(n)]
        feats.append({"type": "Feature", "properties": {"kind": "street", "id": f"WE{k:03}",
                      "name": f"West-east {k}", "width_m": 7.0},
                      "geometry": {"type": "LineString", "coordinates": we}})
        feats.append({"type": "Feature", "properties": {"kind": "street", "id": f"SN{k:03}",
                      "name": f"South-north {k}", "width_m": 7.0},
                      "geometry": {"type": "LineString", "coordinates": sn}})
    vendors = ["v1", "v2", "v3", "v4"]
    poles = []
    expect = {"spacing.min": 0, "placement.off_route": 0, "spacing.max": 0}

    def pole(x, y):
        pid = f"P{len(poles) + 1:07}"
        lon, lat = lonlat(x, y)
        poles.append({"type": "Feature", "properties": {
            "kind": "pole", "id": pid, "vendor": vendors[len(poles) % 4],
            "luminaire": a.ldt, "height_m": 8.0},
            "geometry": {"type": "Point", "coordinates": [lon, lat]}})

    regular = 0
    for k in range(n):
        for horizontal in (True, False):
            c = k * BLOCK
            s = 15.0
            while s <= length - 15.0 and regular < a.poles:
                off = s % BLOCK
                if off < CLEAR or off > BLOCK - CLEAR:
                    s += SPACING
                    continue
                jitter = rnd.uniform(-2.0, 2.0)
                ch = s + jitter
                # right of travel: west-east runs east, right is south; south-north runs
                # north, right is east
                x, y = (ch, c - OFFSET) if horizontal else (c + OFFSET, ch)
                r = rnd.random()
                regular += 1
                if r < 0.002:
                    expect["spacing.max"] += 1  # a removed pole leaves a ~60 m gap
                else:
                    pole(x, y)
                    if r < 0.006:
                        d = rnd.uniform(2.0, 8.0)
                        pole(x + d, y) if horizontal else pole(x, y + d)
                        expect["spacing.min"] += 1
                s += SPACING
    # poles in the blocks, at least 30 m from every street
    for _ in range(int(0.004 * a.poles)):
        bx, by = rnd.randrange(n - 1), rnd.randrange(n - 1)
        x = bx * BLOCK + rnd.uniform(40.0, BLOCK - 40.0)
        y = by * BLOCK + rnd.uniform(40.0, BLOCK - 40.0)
        pole(x, y)
        expect["placement.off_route"] += 1
    meta = {"format_version": 2, "name": f"Grid workload, {len(poles)} poles",
            "vendors": [{"id": v, "name": v.upper(), "color": [40 * i, 100, 200]}
                        for i, v in enumerate(vendors)]}
    with open(a.out, "w") as f:
        f.write('{"type":"FeatureCollection",\n"lysplan":')
        f.write(json.dumps(meta, separators=(",", ":")))
        f.write(',\n"features":[\n')
        f.write(",\n".join(json.dumps(x, separators=(",", ":")) for x in feats + poles))
        f.write("\n]}\n")
    print(json.dumps({"poles": len(poles), "streets": 2 * n, "expected": expect}),
          file=sys.stderr)


if __name__ == "__main__":
    main()
