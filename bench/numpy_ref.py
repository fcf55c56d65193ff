#!/usr/bin/env python3
"""The numpy side-by-side of bench/step.bench.mjs: one hardmax, localmax or
softmax step (SPEC §1, A = I, convex update x <- x + gamma (y - x)) written
the way a researcher writes it in idiomatic vectorised numpy:

    G = X @ X.T                                  (n x n, BLAS gemm on all cores)
    m = G.max(axis=1)
    threshold rules:  W = (G >= m - delta - tau max(1,|m|)) as float
                      Y = (W @ X) / W.sum(axis=1)
    softmax:          W = exp(beta (G - m));  Y = (W @ X) / W.sum(axis=1)
    X += gamma (Y - X)

It materialises n x n temporaries, as such scripts do (DESIGN.md, performance notes).

Protocol (used by the bench; run by hand with --selftest):
    stdin : JSON {"cells": [{"key", "model", "delta", "beta", "tau", "gamma",
                             "n", "d", "dtype", "input"}...],
                  "minTimeMs", "minSamples", "maxSamples"}
            `input` is a file of n*d little-endian float64, row-major
            (the same seeded positions the JS side uses).
    stdout: JSON {"numpy", "python", "blas": [threadpoolctl info] | null,
                  "results": {key: {"medianMs", "minMs", "cpuMs", "samples", "check"}}}
Each sample resets X to the input (untimed) and times one step.
"""
import json
import sys
import time

import numpy as np


def step_threshold(X, delta, tau, gamma):
    G = X @ X.T
    m = G.max(axis=1)
    thr = m - delta - tau * np.maximum(1.0, np.abs(m))
    W = (G >= thr[:, None]).astype(X.dtype)
    Y = (W @ X) / W.sum(axis=1, keepdims=True)
    X += gamma * (Y - X)


def step_softmax(X, beta, gamma):
    G = X @ X.T
    G -= G.max(axis=1, keepdims=True)
    G *= beta
    np.exp(G, out=G)
    Y = (G @ X) / G.sum(axis=1, keepdims=True)
    X += gamma * (Y - X)


def one_step(cell, X):
    if cell["model"] == "softmax":
        step_softmax(X, X.dtype.type(cell["beta"]), X.dtype.type(cell["gamma"]))
    else:
        delta = 0.0 if cell["model"] == "hardmax" else cell["delta"]
        step_threshold(X, X.dtype.type(delta), X.dtype.type(cell["tau"]), X.dtype.type(cell["gamma"]))


def blas_info():
    try:
        import threadpoolctl  # optional
    except ImportError:
        return None
    return [
        {k: v for k, v in info.items() if k in ("internal_api", "version", "architecture", "num_threads", "threading_layer")}
        for info in threadpoolctl.threadpool_info()
        if info.get("user_api") == "blas"
    ]


def run(spec):
    min_time = spec.get("minTimeMs", 500) / 1000.0
    min_samples = spec.get("minSamples", 5)
    max_samples = spec.get("maxSamples", 200)
    inputs = {}
    results = {}
    for cell in spec["cells"]:
        n, d = cell["n"], cell["d"]
        path = cell["input"]
        if path not in inputs:
            inputs[path] = np.fromfile(path, dtype="<f8").reshape(n, d)
        x0 = inputs[path].astype(cell["dtype"])
        X = x0.copy()
        one_step(cell, X)  # warm-up, and the value the bench checks against its own step
        check = X[:4].astype(np.float64).ravel().tolist()
        samples = []
        cpu = 0.0
        started = time.perf_counter()
        while len(samples) < max_samples and (len(samples) < min_samples or time.perf_counter() - started < min_time):
            np.copyto(X, x0)
            c0 = time.process_time()
            t0 = time.perf_counter()
            one_step(cell, X)
            samples.append((time.perf_counter() - t0) * 1000.0)
            cpu += time.process_time() - c0
        samples.sort()
        k = len(samples)
        median = samples[k // 2] if k % 2 else 0.5 * (samples[k // 2 - 1] + samples[k // 2])
        # cpuMs: process CPU time per step, all threads (about 2x wall when both cores work).
        results[cell["key"]] = {"medianMs": median, "minMs": samples[0], "cpuMs": cpu * 1000.0 / k, "samples": k, "check": check}
    return results


def main():
    if "--selftest" in sys.argv:
        rng = np.random.default_rng(1)
        X = rng.uniform(-1, 1, (1024, 16))
        spec_cell = {"model": "localmax", "delta": 0.1, "tau": 1e-12, "gamma": 0.5}
        t0 = time.perf_counter()
        one_step(spec_cell, X)
        print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, "blas": blas_info(), "numpy": np.__version__}))
        return
    spec = json.load(sys.stdin)
    out = {
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "blas": blas_info(),
        "results": run(spec),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
