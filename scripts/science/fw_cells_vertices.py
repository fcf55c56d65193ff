#!/usr/bin/env python3
"""The authors' random polygons of cells.py (borjanG/2025-transformers-frank-wolfe).

`sample_vertices` below is copied from cells.py (HEAD of the snapshot in
/work/.mirror/borjanG+2025-transformers-frank-wolfe/repo) with only its
docstring shortened; it imports nothing from this package, so it is an
independent reference for ts/experiments/fw-cells.ts (`sampleVertices`, which
uses the numpy port ts/prng-numpy.ts).

    python3 scripts/science/fw_cells_vertices.py            # every polygon of the authors' figures
    python3 scripts/science/fw_cells_vertices.py 3 5        # only these kappa

Prints one JSON object per polygon (the figures' polygons, then three with
enforce_self_inclusion, which no figure uses): kappa, equalNorm, bijection,
selfInclusion, the number of
tries the retry loop took, scipy's hull.vertices (CCW, the order cells.py
colours and labels in) and the vertices V in draw order, every float printed
with repr (shortest round-trip digits). Needs numpy and scipy.
"""
from __future__ import annotations
import json
import sys

import numpy as np
from scipy.spatial import ConvexHull


def sample_vertices(
    k: int,
    *,
    seed: int | None = None,
    equal_norm: bool = False,
    radius: float = 1.0,
    radial_range: tuple[float, float] = (0.4, 1.0),
    enforce_bijection: bool = False,
    enforce_self_inclusion: bool = False,
    max_tries: int = 500,
):
    """cells.py's sample_vertices, plus the number of tries (returned, not printed by cells.py)."""
    rng = np.random.default_rng(seed)
    for tries in range(max_tries):
        theta = rng.uniform(0, 2 * np.pi, size=k)

        r = np.full(k, radius) if equal_norm else rng.uniform(*radial_range, size=k)
        V = r[:, None] * np.c_[np.cos(theta), np.sin(theta)]
        hull = ConvexHull(V)

        # bijection?
        if enforce_bijection and len(hull.vertices) != k:
            continue

        # self-inclusion?
        if enforce_self_inclusion:
            ok = True
            for i, vi in enumerate(V):
                if any(vj @ vi > vi @ vi + 1e-14 for j, vj in enumerate(V) if j != i):
                    ok = False
                    break
            if not ok:
                continue

        return V, hull, tries + 1

    raise RuntimeError("Could not satisfy constraints after many tries.")


# The figures in the repository's figures/ folder, cells-k{k}-{eq|var}-{bij|free}-{unit|raw}-noself.pdf:
# the polygon depends on (k, eq, bij) only.
FIGURES = [
    (3, True, True), (3, False, True),
    (4, True, True), (4, False, True),
    (5, True, True), (5, False, True), (5, False, False),
    (6, True, True), (6, False, True), (6, False, False),
    (7, True, True), (7, False, True), (7, False, False),
    (9, True, True), (9, False, True), (9, False, False),
    (10, True, True), (10, False, True), (10, False, False),
    (15, False, False),
    (16, True, True), (16, False, False),
    (18, False, False),
    (25, True, True),
]
# Not in the figures: the self-inclusion retry loop, (k, eq, bij, self).
SELF_CASES = [(4, False, False, True), (5, False, True, True), (6, False, False, True)]

if __name__ == "__main__":
    only = {int(a) for a in sys.argv[1:]}
    for k, eq, bij, self_ in [c + (False,) for c in FIGURES] + SELF_CASES:
        if only and k not in only:
            continue
        V, hull, tries = sample_vertices(k, seed=42, equal_norm=eq, enforce_bijection=bij,
                                         enforce_self_inclusion=self_)
        print(json.dumps({
            "kappa": k, "equalNorm": eq, "bijection": bij, "selfInclusion": self_, "tries": tries,
            "hull": [int(i) for i in hull.vertices],
            "vertices": [[float(x), float(y)] for x, y in V],
        }))
