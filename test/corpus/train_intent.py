#!/usr/bin/env python3
"""train_intent.py -- the learned part of the analyzer's intent (stdlib only).

Input: the output of test/corpus/model_dump over the DEV corpora
(test/corpus/dev*_corpus.jsonl; never the held-out a10_corpus.jsonl): per
item the gold intent, the rule engine's final votes and decision, and the
hashed character n-gram features the C side computes on the analyzer's own
folded text (az_model_features), so training and inference see the same
features.

Model: multinomial naive Bayes (a feature counts each time it occurs),
Laplace smoothing ALPHA, features seen in at least MIN_DF items;
log-probabilities centred per feature (the mean over the classes does not
change the argmax), quantized to 4 bits (QMIN..QMAX) at SCALE units per nat.  Combined
with the rules in az_model_intent (analyzer_model.c):
    score[c] = A * nb[c] + G * votes[c] + B * [c == rule decision]
unless the rule decision leads the other votes by COMB_GATE or more (then the
rules decide alone and the model is not computed).  All hyperparameters were fixed by leave-one-corpus-out on the dev corpora.

Usage:
  train_intent.py DUMP.tsv            > src/core/analyzer_model_data.c
  train_intent.py DUMP.tsv --loco     leave-one-corpus-out table (stdout)
Deterministic: no randomness; ties broken by hash order.
"""
import collections
import math
import sys

INTENTS = ["inquiry", "complaint", "technical", "cooperation", "order",
           "payment", "delivery", "after_sales", "other"]
ALPHA = 0.1
MIN_DF = 3
SCALE = 2          # weight units per nat
QMIN, QMAX = -8, 7  # weights are 4 bits in the C table
COUNTS = 1         # 1: a feature counts each time it occurs, 0: once per item
# combination (must match analyzer_model.c)
COMB_A = 0.3       # per nat of the model's score
COMB_G = 1.0       # per rule vote
COMB_B = 6.0       # for the rule engine's decision
COMB_GATE = 4.0    # rule margin from which the model is not consulted


def read_dump(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            rows.append({
                "corpus": p[0].replace("_corpus", ""),
                "id": p[1],
                "gold": INTENTS.index(p[2]),
                "rule": INTENTS.index(p[3]),
                "final": INTENTS.index(p[4]),
                "votes": [float(x) for x in p[5].split(",")],
                "model": [float(x) for x in p[6].split(",")],
                # the C table knows a feature by the 28 high bits of its hash
                "feats": sorted(k for k in (int(x, 16) >> 4 for x in p[7].split()) if k),
            })
    return rows


def train(rows):
    """-> (weights {hash: [int]*9}, bias [int]*9)"""
    df = collections.Counter()
    cnt = [collections.Counter() for _ in INTENTS]
    tot = [0] * len(INTENTS)
    ndoc = [0] * len(INTENTS)
    for r in rows:
        c = r["gold"]
        ndoc[c] += 1
        fs = r["feats"] if COUNTS else set(r["feats"])
        tot[c] += len(fs)
        for x in fs:
            cnt[c][x] += 1
        for x in set(r["feats"]):
            df[x] += 1
    vocab = sorted(x for x in df if df[x] >= MIN_DF)
    nv = len(vocab)
    w = {}
    for x in vocab:
        lp = [math.log((cnt[c][x] + ALPHA) / (tot[c] + ALPHA * nv)) for c in range(len(INTENTS))]
        m = sum(lp) / len(lp)
        q = [max(QMIN, min(QMAX, int(round((v - m) * SCALE)))) for v in lp]
        # kept even when all zero: a known bigram or trigram implies its
        # known suffix (df is monotone), which lets the C side skip lookups
        w[x] = q
    n = sum(ndoc)
    lp = [math.log((ndoc[c] + 1) / (n + len(INTENTS))) for c in range(len(INTENTS))]
    m = sum(lp) / len(lp)
    bias = [int(round((v - m) * SCALE)) for v in lp]
    return w, bias


def model_scores(model, feats):
    """as az_model_scores: integer sums, then / SCALE"""
    w, bias = model
    acc = list(bias)
    known = False
    for x in (feats if COUNTS else set(feats)):
        q = w.get(x)
        if q:
            known = True
            for c in range(len(INTENTS)):
                acc[c] += q[c]
    return [a / SCALE for a in acc], known


def combine(votes, rule, ms, known):
    """as az_model_intent"""
    if votes[rule] - max(v for c, v in enumerate(votes) if c != rule) >= COMB_GATE:
        return rule
    if not known:
        return rule
    s = [COMB_A * ms[c] + COMB_G * votes[c] + (COMB_B if c == rule else 0.0)
         for c in range(len(INTENTS))]
    bc = rule
    for c in range(len(INTENTS)):
        if s[c] > s[bc]:
            bc = c
    return bc


def corpus_key(c):
    d = c[3:]
    return int(d) if d else 1


def loco(rows):
    corpora = sorted(set(r["corpus"] for r in rows), key=corpus_key)
    print("corpus  items  rules  model  combined")
    tot = {"n": 0, "rules": 0, "model": 0, "comb": 0}
    avg = {"rules": 0.0, "model": 0.0, "comb": 0.0}
    late = {"rules": 0.0, "model": 0.0, "comb": 0.0}
    for hc in corpora:
        model = train([r for r in rows if r["corpus"] != hc])
        test = [r for r in rows if r["corpus"] == hc]
        ok = {"rules": 0, "model": 0, "comb": 0}
        for r in test:
            ms, known = model_scores(model, r["feats"])
            ok["rules"] += r["rule"] == r["gold"]
            ok["model"] += max(range(len(INTENTS)), key=lambda c: ms[c]) == r["gold"]
            ok["comb"] += combine(r["votes"], r["rule"], ms, known) == r["gold"]
        n = len(test)
        print("%-7s %5d  %.3f  %.3f  %.3f" % (hc, n, ok["rules"] / n, ok["model"] / n, ok["comb"] / n))
        tot["n"] += n
        for k in ok:
            tot[k] += ok[k]
            avg[k] += ok[k] / n / len(corpora)
            if corpus_key(hc) >= 12:
                late[k] += ok[k] / n / sum(1 for c in corpora if corpus_key(c) >= 12)
    print("mean of corpora  %.3f  %.3f  %.3f" % (avg["rules"], avg["model"], avg["comb"]))
    print("mean dev12-18    %.3f  %.3f  %.3f" % (late["rules"], late["model"], late["comb"]))
    print("all items %d      %.3f  %.3f  %.3f" % (tot["n"], tot["rules"] / tot["n"],
                                                 tot["model"] / tot["n"], tot["comb"] / tot["n"]))


ALPHA90 = [chr(c) for c in range(32, 127) if chr(c) not in '"\\?'][:90]


def emit(rows, out):
    w, bias = train(rows)
    keys = sorted(w)
    # the C table has at most 65536 slots at a load of <= 2/3
    assert len(keys) * 3 // 2 <= 65536, len(keys)
    start = [0] * 4097
    for k in keys:
        start[(k >> 16) + 1] += 1
    for b in range(4096):
        start[b + 1] += start[b]
    recs = []
    for k in keys:
        fp = k & 0xFFFF
        recs.append(ALPHA90[fp // 8100] + ALPHA90[(fp // 90) % 90] + ALPHA90[fp % 90] +
                    "".join(ALPHA90[q + 45] for q in w[k]))
    dec = [0] * 256
    for i, ch in enumerate(ALPHA90):
        dec[ord(ch)] = i - 45
    corpora = sorted(set(r["corpus"] for r in rows), key=corpus_key)
    out.write("/*\n * analyzer_model_data.c -- GENERATED by test/corpus/train_intent.py (make model);\n"
              " * do not edit.  Naive Bayes intent weights over hashed character n-grams,\n"
              " * trained on the dev corpora only (%s;\n * %d items), never on the held-out a10_corpus.jsonl.\n"
              " * ALPHA=%g MIN_DF=%d SCALE=%d; %d features.  Layout: analyzer_model.c.\n */\n"
              % (" ".join(corpora), len(rows), ALPHA, MIN_DF, SCALE, len(keys)))
    out.write('#include "analyzer_internal.h"\n\n')
    out.write("const int32_t AZ_MODEL_SCALE_V = %d;\n" % SCALE)
    out.write("const int32_t az_model_bias[AZI_N] = {%s};\n" % ", ".join(map(str, bias)))
    out.write('const char az_model_alpha[91] = "%s";\n' % "".join(ALPHA90))
    out.write("const int8_t az_model_dec[256] = {\n")
    for i in range(0, 256, 16):
        out.write("\t" + ", ".join(map(str, dec[i:i + 16])) + ",\n")
    out.write("};\nconst uint16_t az_model_start[4097] = {\n")
    for i in range(0, 4097, 16):
        out.write("\t" + ", ".join(map(str, start[i:i + 16])) + ",\n")
    out.write("};\nconst char az_model_recs[] =\n")
    for i in range(0, len(recs), 6):
        out.write('\t"%s"\n' % "".join(recs[i:i + 6]))
    out.write(";\n")


def main():
    global MIN_DF, SCALE, ALPHA, COMB_A, COMB_B, COMB_G, COMB_GATE, COUNTS, QMIN, QMAX
    # exploration only (leave-one-corpus-out); make model uses the defaults
    for a in sys.argv[2:]:
        if "=" in a:
            k, v = a.split("=")
            globals()[k] = type(globals()[k])(v)
    rows = read_dump(sys.argv[1])
    if any(r["corpus"].startswith("a10") for r in rows):
        sys.exit("train_intent.py: the held-out corpus must not be used")
    if "--loco" in sys.argv[2:]:
        loco(rows)
    else:
        emit(rows, sys.stdout)


if __name__ == "__main__":
    main()
