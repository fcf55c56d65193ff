#!/usr/bin/env python3
"""Independent numpy checks of the three findings settled in docs/science.md.

Written from SPEC.md's update rules alone (it imports nothing from the
package), so an agreement with the package's tests is two implementations
agreeing, not one checking itself.

    python3 scripts/science/fw_checks.py [--trials N] [--seed S]

Needs python3 with numpy and scipy (Debian: python3-numpy python3-scipy).
(a) Frank-Wolfe with B = -B_* (NSD): where do the tokens go?
(b) the O(1/t) bound of FW Thm 3.1: from 0 (SPEC's earlier form) vs from min over K(t)
(c) the regular k-gon under SA_P: the first move of one token vs the system's first exit
"""
import argparse
import numpy as np
from scipy.optimize import minimize

ap = argparse.ArgumentParser()
ap.add_argument("--trials", type=int, default=200)
ap.add_argument("--seed", type=int, default=7)
args = ap.parse_args()
rng = np.random.default_rng(args.seed)


def fw_step(X, Bstar, gamma, tau=1e-12):
    """SPEC 1.4 with B = -B_*: s_i = mean of argmin_j <B_* x_i, x_j> (ties within tau)."""
    A = -(X @ Bstar.T) @ X.T  # a_ij = <B x_i, x_j> with B = -B_*
    m = A.max(axis=1, keepdims=True)
    C = A >= m - tau * np.maximum(1.0, np.abs(m))
    S = (C @ X) / C.sum(axis=1, keepdims=True)
    return X + gamma * (S - X)


def spd(d):
    G = rng.standard_normal((d, d))
    return G @ G.T / d + 0.1 * np.eye(d)


def min_J_over_hull(X, Bstar):
    """min over conv(X) of J(x) = 1/2 <B_* x, x>, by SLSQP over simplex weights."""
    n = X.shape[0]
    H = X @ Bstar @ X.T
    f = lambda w: 0.5 * w @ H @ w
    g = lambda w: H @ w
    w0 = np.full(n, 1.0 / n)
    res = minimize(f, w0, jac=g, method="SLSQP", bounds=[(0, 1)] * n,
                   constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones(n)}],
                   options={"ftol": 1e-15, "maxiter": 500})
    return min(res.fun, f(w0), float(np.min(0.5 * np.einsum("ij,jk,ik->i", X, Bstar, X))))


# (a) NSD Frank-Wolfe: one cluster, but where?
far = []
sym_far = []
for trial in range(args.trials):
    d = int(rng.choice([2, 3, 5])); n = int(rng.choice([6, 10]))
    Bstar = spd(d)
    X = rng.standard_normal((n, d)); X -= X.mean(axis=0)
    Y = np.vstack([X[: n // 2], -X[: n // 2]])  # centrally symmetric start
    for t in range(2000):
        X = fw_step(X, Bstar, 2.0 / (t + 2)); Y = fw_step(Y, Bstar, 2.0 / (t + 2))
    diam = np.max(np.linalg.norm(X[:, None] - X[None], axis=2))
    far.append((diam, np.linalg.norm(X.mean(axis=0))))
    sym_far.append(np.max(np.linalg.norm(Y, axis=1)))
far = np.array(far)
print(f"(a) NSD FW, {args.trials} generic centred starts, 2000 steps, gamma_t = 2/(t+2):")
print(f"    max diameter at the end {far[:, 0].max():.3g}; |limit| median {np.median(far[:, 1]):.3g}, "
      f"min {far[:, 1].min():.3g}; limits farther than 1e-3 from 0: {(far[:, 1] > 1e-3).sum()}/{args.trials}")
print(f"    centrally symmetric starts: max |x_i| at the end {max(sym_far):.3g} (they go to 0)")

# (b) the bound of Thm 3.1 with gamma_t = 2/(t+2), SPEC test 11's grid
worst_new = 0.0; worst_old = 0.0; old_viol = 0; old_viol_trials = 0
T = 60
for trial in range(args.trials):
    d = int(rng.choice([2, 3, 5, 8])); n = int(rng.choice([6, 10]))
    Bstar = spd(d); lam = np.linalg.eigvalsh(Bstar).max()
    X = rng.standard_normal((n, d)); X -= X.mean(axis=0)
    diam0 = np.max(np.linalg.norm(X[:, None] - X[None], axis=2))
    viol_here = 0
    for t in range(T):
        Xn = fw_step(X, Bstar, 2.0 / (t + 2))
        J = 0.5 * np.einsum("ij,jk,ik->i", Xn, Bstar, Xn)
        # earlier form, from 0: J(x^{t+1}) <= 2/(t+1) lam diam0^2 (t >= 1)
        if t >= 1:
            r_old = J.max() / (2.0 / (t + 1) * lam * diam0 ** 2)
            worst_old = max(worst_old, r_old); viol_here += int(r_old > 1)
        # corrected: J(x^{t}) - min_{K(t)} J <= 2 lam diam0^2/(t+2), t >= 1
        s = t + 1
        r_new = (J.max() - min_J_over_hull(Xn, Bstar)) / (2 * lam * diam0 ** 2 / (s + 2))
        worst_new = max(worst_new, r_new)
        X = Xn
    old_viol += viol_here; old_viol_trials += int(viol_here > 0)
print(f"(b) Thm 3.1 bound, {args.trials} trials x {T} steps (d in 2,3,5,8; n in 6,10):")
print(f"    corrected, from min over K(t): worst ratio {worst_new:.4f} (never above 1: {worst_new <= 1})")
print(f"    earlier, from 0: worst ratio {worst_old:.4f}, {old_viol} violating token-steps in {old_viol_trials} trials")

# (b') the earlier form over 2000 steps: is every violation a step where 0 has left K(t)?
from scipy.optimize import linprog
def zero_in_hull(X):
    n = X.shape[0]
    res = linprog(np.zeros(n), A_eq=np.vstack([X.T, np.ones(n)]), b_eq=np.r_[np.zeros(X.shape[1]), 1.0], bounds=[(0, None)] * n, method="highs")
    return res.status == 0
viol_trials = 0; viol_steps = 0; viol_with_zero_inside = 0
for trial in range(args.trials):
    d = int(rng.choice([2, 3, 5, 8])); n = int(rng.choice([6, 10]))
    Bstar = spd(d); lam = np.linalg.eigvalsh(Bstar).max()
    X = rng.standard_normal((n, d)); X -= X.mean(axis=0)
    diam0 = np.max(np.linalg.norm(X[:, None] - X[None], axis=2))
    hit = False
    for t in range(2000):
        X = fw_step(X, Bstar, 2.0 / (t + 2))
        if t >= 1:
            J = 0.5 * np.einsum("ij,jk,ik->i", X, Bstar, X)
            if J.max() > 2.0 / (t + 1) * lam * diam0 ** 2:
                hit = True; viol_steps += 1
                viol_with_zero_inside += int(zero_in_hull(X))
    viol_trials += int(hit)
print(f"(b') earlier form over 2000 steps: violated in {viol_trials}/{args.trials} trials ({viol_steps} steps); "
      f"steps where 0 was still in K(t): {viol_with_zero_inside}")

# (c) regular k-gon under SA_P, gamma = 0.1, A = I
kappa, beta, gamma, eps = 3, 3.0, 0.1, 1e-3
ang = 2 * np.pi * np.arange(kappa) / kappa
V0 = np.c_[np.cos(ang), np.sin(ang)]
S = sum(np.exp(-beta * (1 - np.cos(2 * np.pi * j / kappa))) for j in range(1, kappa))
p = S / (1 + S)
trials = 4000
tok0_first = []; sys_first = []; among_first = 0
for trial in range(trials):
    X = V0.copy(); t = 0; first_sys = None; first0 = None
    while first0 is None:
        t += 1
        A = X @ X.T
        W = np.exp(beta * (A - A.max(axis=1, keepdims=True))); W /= W.sum(axis=1, keepdims=True)
        u = rng.random(kappa)
        J = (W.cumsum(axis=1) <= u[:, None]).sum(axis=1)
        J = np.minimum(J, kappa - 1)
        X = (1 - gamma) * X + gamma * X[J]
        moved = np.linalg.norm(X - V0, axis=1) > eps
        if first_sys is None and moved.any():
            first_sys = t; among_first += int(moved[0])
        if moved[0]:
            first0 = t
    tok0_first.append(first0); sys_first.append(first_sys)
tok0_first = np.array(tok0_first); sys_first = np.array(sys_first)
q = 1 - (1 - p) ** kappa
se = lambda a: a.std(ddof=1) / np.sqrt(len(a))
print(f"(c) k-gon k = {kappa}, beta = {beta}, gamma = {gamma}, {trials} trials: p = {p:.6f}")
print(f"    token 0's first move: mean {tok0_first.mean():.2f} +- {se(tok0_first):.2f}, Geometric(p) would give 1/p = {1 / p:.2f}")
print(f"    system's first exit: mean {sys_first.mean():.2f} +- {se(sys_first):.2f}, Geometric(1-(1-p)^k) gives {1 / q:.2f}")
print(f"    token 0 among the first movers: {among_first / trials:.4f}, p/(1-(1-p)^k) = {p / q:.4f}")
