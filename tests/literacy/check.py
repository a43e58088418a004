#!/usr/bin/env python3
"""An independent computation of the literacy test's numbers, with numpy and scipy.

The C engine (src/literacy/irt.c) and this script share nothing but the
definitions of docs/literacy.md; tests/e2e/literacy_numeric.test.mjs runs both
on the fixtures and requires them to agree to 1e-9.

Deliberate differences from the C code, so that agreement means something:
  - category probabilities are the naive differences P*_k - P*_{k+1}
    (C: a product form without cancellation);
  - information is sum_k (P_k')^2 / P_k (C: a^2 sum_k P_k (W_k + W_{k+1}));
  - MAP and MLE are the roots of the score function found by Brent's method
    (scipy.optimize.brentq; C: Newton-Raphson with the observed curvature);
  - the prior weights come from scipy.stats.norm.pdf, the sums from
    scipy.special.logsumexp;
  - the answers of whole items are scored here from the rules in the docs.

usage:
  check.py score ITEMS.json RESPONSES.json METHOD [PRIOR_MEAN PRIOR_SD]
      prints the JSON that `carecampus literacy score --json` prints (the
      fields compared: status, theta, se, test_information, and per item
      category, max, probabilities, p_observed, expected, information)
  check.py chi2 Q1 DF [Q1 DF ...]
      prints the chi-square survival probabilities, for the item-fit p-values
"""
import json
import math
import sys

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logsumexp
from scipy.stats import chi2, norm

NODES = np.linspace(-4.0, 4.0, 61)


def params(irt):
    if irt["model"] == "2pl":
        return float(irt["a"]), [float(irt["b"])]
    return float(irt["a"]), [float(x) for x in irt["b"]]


def probs(irt, theta):
    """P_0..P_m at theta (array) as naive differences of the cumulative curves."""
    a, b = params(irt)
    theta = np.asarray(theta, dtype=float)
    cum = [np.ones_like(theta)] + [expit(a * (theta - bj)) for bj in b] + [np.zeros_like(theta)]
    return np.array([cum[k] - cum[k + 1] for k in range(len(b) + 1)])


def dprobs(irt, theta):
    """dP_k/dtheta: a P*(1 - P*) of the cumulative curves, differenced."""
    a, b = params(irt)
    theta = np.asarray(theta, dtype=float)
    d = [np.zeros_like(theta)]
    for bj in b:
        p = expit(a * (theta - bj))
        d.append(a * p * (1 - p))
    d.append(np.zeros_like(theta))
    return np.array([d[k] - d[k + 1] for k in range(len(b) + 1)])


def information(irt, theta):
    p = probs(irt, theta)
    dp = dprobs(irt, theta)
    return float(np.sum(dp ** 2 / p))


def score_function(resp, theta, prior):
    s = 0.0
    for irt, k in resp:
        s += float(dprobs(irt, theta)[k] / probs(irt, theta)[k])
    if prior is not None:
        s -= (theta - prior[0]) / prior[1] ** 2
    return s


def root(resp, prior):
    f = lambda t: score_function(resp, t, prior)
    lo, hi = -1.0, 1.0
    while f(lo) < 0 and lo > -40:
        lo -= 2.0
    while f(hi) > 0 and hi < 40:
        hi += 2.0
    return brentq(f, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500)


def eap(resp, mean, sd):
    w = norm.pdf(NODES, mean, sd)
    w = w / w.sum()
    lp = np.log(w)
    for irt, k in resp:
        lp = lp + np.log(probs(irt, NODES)[k])
    post = np.exp(lp - logsumexp(lp))
    theta = float(np.sum(post * NODES))
    sd_post = float(math.sqrt(np.sum(post * (NODES - theta) ** 2)))
    return theta, sd_post


# ---- scoring of whole items (docs/literacy.md, "Scoring") ----

def top(item):
    return 1 if item["irt"]["model"] == "2pl" else len(item["irt"]["b"])


def score_answer(item, answer):
    m = top(item)
    key = item["key"]
    if item["type"] == "single":
        return 1 if answer == key else 0
    if item["type"] == "ordering":
        n = len(item["options"])
        right = sum(1 for x, y in zip(answer, key) if x == y)
        if right == n:
            return m
        return (right * m) // (n - 1) if item["scoring"] == "partial" else 0
    correct = len(set(answer) & set(key))
    wrong = len(set(answer) - set(key))
    if item["scoring"] != "partial":
        return 1 if correct == len(key) and wrong == 0 else 0
    return max(0, min(m, correct - wrong))


def score_command(items_path, responses_path, method, mean=0.0, sd=1.0):
    items = {it["id"]: it for it in json.load(open(items_path, encoding="utf-8"))["items"]}
    responses = json.load(open(responses_path, encoding="utf-8"))["responses"]
    resp, ids = [], []
    for r in responses:
        item = items[r["item"]]
        k = r["category"] if "category" in r else score_answer(item, r["answer"])
        resp.append((item["irt"], k))
        ids.append(r["item"])
    out = {"method": method, "status": "ok"}
    if method == "eap":
        theta, se = eap(resp, mean, sd)
    else:
        if method == "mle":
            if all(k == (1 if irt["model"] == "2pl" else len(irt["b"])) for irt, k in resp):
                out.update(status="all_right", theta=None, se=None)
            elif all(k == 0 for irt, k in resp):
                out.update(status="all_wrong", theta=None, se=None)
            if out["status"] != "ok":
                out["items"] = [{"id": i, "category": k} for i, (irt, k) in zip(ids, resp)]
                return out
        prior = (mean, sd) if method == "map" else None
        theta = root(resp, prior)
        info = sum(information(irt, theta) for irt, _ in resp)
        se = 1.0 / math.sqrt(info + (1.0 / sd ** 2 if method == "map" else 0.0))
    out["theta"] = theta
    out["se"] = se
    out["test_information"] = sum(information(irt, theta) for irt, _ in resp)
    out["items"] = []
    for i, (irt, k) in zip(ids, resp):
        p = probs(irt, theta)
        out["items"].append({
            "id": i, "category": k, "max": len(p) - 1,
            "probabilities": [float(x) for x in p],
            "p_observed": float(p[k]),
            "expected": float(sum(j * p[j] for j in range(len(p)))),
            "information": information(irt, theta),
        })
    return out


def main(argv):
    if len(argv) >= 4 and argv[1] == "score":
        extra = [float(x) for x in argv[5:7]]
        print(json.dumps(score_command(argv[2], argv[3], argv[4], *extra)))
        return 0
    if len(argv) >= 4 and argv[1] == "chi2" and len(argv) % 2 == 0:
        pairs = zip(argv[2::2], argv[3::2])
        print(json.dumps([float(chi2.sf(float(q), int(df))) for q, df in pairs]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
