"""High-precision references for the measures near their limit cases (review methods #3).

Evaluates the textbook definitions with mpmath at 420 significant digits, independently of
cpindex: the parameter is the exact double given (mpmath.mpf of a Python float is exact),
and the working precision exceeds the 324 digits a parameter as close to its limit as
5e-324 cancels, so no cancellation affects the 17 digits written.

* GE(a) = [(1/W) sum w (x/mu)^a - 1] / (a(a-1)); GE(0) = -(1/W) sum w ln(x/mu);
  GE(1) = (1/W) sum w (x/mu) ln(x/mu)   (Shorrocks 1980; Cowell 2011 s3.3)
* A(e) = 1 - [(1/W) sum w (x/mu)^(1-e)]^(1/(1-e)); A(1) = 1 - exp(mean ln x)/mu (Atkinson 1970)
* between-group GE(a): GE(a) of the group means weighted by the group populations
  (Shorrocks 1980; Cowell 2011 s4.5)
* power mean M_r = [(1/W) sum w x^r]^(1/r); M_0 = exp(mean ln x)   (Hardy, Littlewood & Polya s2.2)

Writes near_limit.csv: site,parameter (repr of the double),value (17 significant digits).
Run: python3 tests/reference/near_limit/near_limit.py  (needs mpmath)
"""
import os
import mpmath as mp

mp.mp.dps = 420

X = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
WX = [0.5, 1.5, 2.0, 1.0, 0.25, 3.0, 1.0, 0.75, 2.5, 1.25]
GROUPS = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]
ROW = [2.0, 7.0, 0.5, 3.0]
ROW_W = [1.0, 2.0, 3.0, 0.5]

TINY = [5e-324, 1e-300, 1e-17, 0.1 + 0.2 - 0.3, 1e-15, 1e-12, 9.9e-9, 1e-8, 1e-5, 0.03, 0.0625]
GE_ALPHAS = sorted(set(TINY + [-a for a in TINY] + [1 + a for a in TINY] + [1 - a for a in TINY]
                       + [0.0, 1.0, 1.0000000000000002, 0.9999999999999999]))
ATK_EPS = sorted(set([1.0] + [1 + a for a in TINY] + [1 - a for a in TINY]
                     + [1.0000000000000002, 0.9999999999999999]))
POWER_R = sorted(set([0.0] + TINY + [-a for a in TINY]))


def mean(xs, ws):
    W = mp.fsum(ws)
    return mp.fsum(w * x for x, w in zip(xs, ws)) / W


def ge(xs, ws, a):
    xs = [mp.mpf(x) for x in xs]
    ws = [mp.mpf(w) for w in ws]
    a = mp.mpf(a)
    W = mp.fsum(ws)
    mu = mean(xs, ws)
    if a == 0:
        return -mp.fsum(w * mp.log(x / mu) for x, w in zip(xs, ws)) / W
    if a == 1:
        return mp.fsum(w * (x / mu) * mp.log(x / mu) for x, w in zip(xs, ws)) / W
    m = mp.fsum(w * (x / mu) ** a for x, w in zip(xs, ws)) / W
    return (m - 1) / (a * (a - 1))


def atkinson(xs, ws, e):
    xs = [mp.mpf(x) for x in xs]
    ws = [mp.mpf(w) for w in ws]
    e = mp.mpf(e)
    W = mp.fsum(ws)
    mu = mean(xs, ws)
    if e == 1:
        return 1 - mp.exp(mp.fsum(w * mp.log(x) for x, w in zip(xs, ws)) / W) / mu
    m = mp.fsum(w * (x / mu) ** (1 - e) for x, w in zip(xs, ws)) / W
    return 1 - m ** (1 / (1 - e))


def between(xs, ws, groups, a):
    labels = sorted(set(groups))
    means, pops = [], []
    for g in labels:
        gx = [mp.mpf(x) for x, k in zip(xs, groups) if k == g]
        gw = [mp.mpf(w) for w, k in zip(ws, groups) if k == g]
        means.append(mean(gx, gw))
        pops.append(mp.fsum(gw))
    return ge(means, pops, a)


def power(xs, ws, r):
    xs = [mp.mpf(x) for x in xs]
    ws = [mp.mpf(w) for w in ws]
    r = mp.mpf(r)
    W = mp.fsum(ws)
    if r == 0:
        return mp.exp(mp.fsum(w * mp.log(x) for x, w in zip(xs, ws)) / W)
    return (mp.fsum(w * x ** r for x, w in zip(xs, ws)) / W) ** (1 / r)


def main():
    rows = []
    ones = [1.0] * len(X)
    for a in GE_ALPHAS:
        rows.append(("ge", a, ge(X, ones, a)))
        rows.append(("ge_weighted", a, ge(X, WX, a)))
        rows.append(("ge_between", a, between(X, ones, GROUPS, a)))
    for e in ATK_EPS:
        rows.append(("atkinson", e, atkinson(X, ones, e)))
        rows.append(("atkinson_weighted", e, atkinson(X, WX, e)))
    for r in POWER_R:
        rows.append(("power", r, power(ROW, ROW_W, r)))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "near_limit.csv")
    with open(out, "w") as f:
        f.write("site,parameter,value\n")
        for site, p, v in rows:
            f.write(f"{site},{p!r},{mp.nstr(v, 17, min_fixed=-1, max_fixed=-1)}\n")


if __name__ == "__main__":
    main()
