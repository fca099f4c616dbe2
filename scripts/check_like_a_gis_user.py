#!/usr/bin/env python3
"""The check a QGIS user would script for issue 13's workload (shapely 2 STRtree, pyproj,
numpy, orjson): spacing.min, placement.off_route and spacing.max, as `lysplan check` does
them on a plan without sections or classes. Prints the finding counts as JSON.

    python3 scripts/check_like_a_gis_user.py grid100k.geojson
"""
import sys
from collections import Counter, defaultdict

import numpy as np
import orjson
import shapely
from pyproj import Transformer


def main(path):
    with open(path, "rb") as f:
        fc = orjson.loads(f.read())
    rules = {"min_spacing_m": 10.0, "max_spacing_m": 45.0, "max_spacing_to_height": 6.0,
             "max_offset_m": 15.0}
    rules.update((fc.get("lysplan") or {}).get("rules") or {})
    to_utm = Transformer.from_crs(4326, 25832, always_xy=True)
    streets, poles, heights = [], [], []
    for ft in fc["features"]:
        p, g = ft["properties"], ft["geometry"]
        if p["kind"] == "street":
            c = np.asarray(g["coordinates"])
            x, y = to_utm.transform(c[:, 0], c[:, 1])
            streets.append(shapely.linestrings(np.column_stack([x, y])))
        elif p["kind"] == "pole":
            poles.append(g["coordinates"])
            heights.append(p["height_m"])
    c = np.asarray(poles)
    x, y = to_utm.transform(c[:, 0], c[:, 1])
    pts = shapely.points(np.column_stack([x, y]))
    heights = np.asarray(heights)
    found = Counter()

    # placement.off_route: farther than max_offset_m from every street. The tree holds
    # segments (a whole 21 km street's box covers everything, and the tree prunes nothing).
    seg_geoms, seg_street = [], []
    for si, line in enumerate(streets):
        xy = shapely.get_coordinates(line)
        seg_geoms.extend(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
        seg_street.extend([si] * (len(xy) - 1))
    seg_street = np.asarray(seg_street)
    st_tree = shapely.STRtree(seg_geoms)
    idx, dist = st_tree.query_nearest(pts, return_distance=True, all_matches=False)
    nearest = np.empty(len(pts), dtype=int)
    nearest[idx[0]] = seg_street[idx[1]]
    d = np.empty(len(pts))
    d[idx[0]] = dist
    on_route = d <= rules["max_offset_m"]
    found["placement.off_route"] = int((~on_route).sum())

    # spacing.min: one finding per group of poles closer than min_spacing_m
    tree = shapely.STRtree(pts)
    pairs = tree.query(pts, predicate="dwithin", distance=rules["min_spacing_m"])
    a, b = pairs[0], pairs[1]
    keep = a < b
    a, b = a[keep], b[keep]
    parent = list(range(len(pts)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(a.tolist(), b.tolist()):
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[ri] = rj
    found["spacing.min"] = len({root(i) for i in set(a.tolist()) | set(b.tolist())})

    # spacing.max: consecutive on-route poles along their street farther apart than
    # max_spacing_m (or max_spacing_to_height x the taller's height)
    along = defaultdict(list)
    ch = shapely.line_locate_point(np.asarray(streets)[nearest], pts)
    for i in np.nonzero(on_route)[0].tolist():
        along[nearest[i]].append((ch[i], i))
    for items in along.values():
        items.sort()
        for (c0, i0), (c1, i1) in zip(items, items[1:]):
            limit = min(rules["max_spacing_m"],
                        rules["max_spacing_to_height"] * max(heights[i0], heights[i1]))
            if c1 - c0 > limit:
                found["spacing.max"] += 1
    print(orjson.dumps(dict(sorted(found.items()))).decode())


if __name__ == "__main__":
    main(sys.argv[1])
