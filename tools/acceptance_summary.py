#!/usr/bin/env python3
"""Issue 5's acceptance figures over seeds that come from more than one source.

The acceptance run (default profile, 3 seeds) lost its folder after seeds 1 and 2 were complete
(docs/results.md, "The acceptance run"); what remains of those seeds is the per-seed figures
recorded in docs/acceptance-run/recorded-seeds-1-2.json. Seed 3 was computed again by its own
`./siftfunnel evaluate --seed 3 --seeds 1` run. This script puts the per-seed figures of both
kinds of source side by side and checks the claims on the means, with the rules of the report's
own check (org.siftfunnel.model.report.Claims):

* accuracy: SiftFunnel within 3 points of the undefended model;
* black-box SSIM on SiftFunnel <= 0.5 x the undefended model's;
* black-box MSE on SiftFunnel >= 1.3 x that of the strongest comparable baseline (the highest MSE
  among noise, dropout, nopeek, mid, mid-head, bido whose mean accuracy is at least SiftFunnel's
  minus 3 points);
* corrected MINE and delta_z_ratio of SiftFunnel <= 0.5 x the lowest comparable baseline's and
  <= 0.5 x the undefended model's;
* the strongest attack on SiftFunnel: the highest mean SSIM of every attack run.

Usage:
  python3 tools/acceptance_summary.py --recorded docs/acceptance-run/recorded-seeds-1-2.json \
      --results runs/eval-seed3/results.json [--results ...] [--partial DIR ...] [--mine DIR ...] [--table]

Each --results file is a results.json (its per_seed entries are used; a one-seed run without
per_seed counts as its `seeds[0]`). --partial DIR reads an evaluation folder, finished or not,
from its stage files instead (DIR/state/seed<k>/<entry>/<stage>.json, and the accuracy of trained
defenses from DIR/train/<model>-seed<k>/summary.json): what results.json would hold for the stages
done so far, including stages of other runs copied into the folder (seed 3's MINE). --mine DIR
takes only the MINE figures of a MINE run's folder (read as --partial) and adds them to seeds that
another source gives (seed 2's MINE run, whose one-epoch decoder is not the recorded seed's
attack and whose accuracies the recorded figures already give). A seed given by two sources, or a MINE figure given twice, is an error. Means
are over the seeds that have the number; the spread is the sample standard deviation (n - 1).
"""
import argparse
import glob
import json
import math
import os
import sys

REFERENCE = "siftfunnel"
UNDEFENDED = "none"
BASELINES = ["noise", "dropout", "nopeek", "mid", "mid-head", "bido"]
ACCURACY_LOSS_LIMIT = 0.03
SSIM_RATIO_LIMIT = 0.5
MSE_RATIO_LIMIT = 1.3
REDUCTION_LIMIT = 0.5


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_partial(folder):
    """seed -> {defense: entry} from the stage files of an evaluation folder, results.json's keys."""
    seeds = {}
    for seed_dir in sorted(glob.glob(os.path.join(folder, "state", "seed*"))):
        seed = int(os.path.basename(seed_dir)[len("seed"):])
        defenses = {}
        for entry_dir in sorted(glob.glob(os.path.join(seed_dir, "*"))):
            name = os.path.basename(entry_dir)
            e = {"attacks": {}}
            for f in sorted(glob.glob(os.path.join(entry_dir, "*.json"))):
                stage = read_json(f)
                kind, result = stage["stage"], stage["result"]
                if kind.startswith("attack:"):
                    e["attacks"][kind[len("attack:"):]] = result
                elif kind in ("accuracy", "features", "mine"):
                    e.update(result)
            defenses[name] = e
        seeds[seed] = defenses
    # A trained defense's accuracy is its training's final one (after BatchNorm recalibration), as
    # results.json takes it; noise and dropout have an accuracy stage of their own (above).
    for summary in sorted(glob.glob(os.path.join(folder, "train", "*-seed*", "summary.json"))):
        name, _, seed = os.path.basename(os.path.dirname(summary)).rpartition("-seed")
        e = seeds.setdefault(int(seed), {}).setdefault(name, {"attacks": {}})
        e["accuracy"] = read_json(summary)["final_test_accuracy"]
    return seeds


def load_seeds(recorded, results, partial=(), mine=()):
    """seed (int) -> {defense: entry} with entry keys accuracy, delta_z_ratio, mine_*, attacks."""
    seeds = {}

    def add(seed, defenses, source):
        if seed in seeds:
            raise SystemExit(f"seed {seed} is given twice (again by {source})")
        seeds[seed] = defenses

    for path in recorded:
        for seed, s in read_json(path)["seeds"].items():
            add(int(seed), s["defenses"], path)
    for path in results:
        doc = read_json(path)
        per_seed = doc.get("per_seed")
        if per_seed:
            for s in per_seed:
                add(int(s["seed"]), s["defenses"], path)
        elif len(doc.get("seeds", [])) == 1:
            add(int(doc["seeds"][0]), doc["defenses"], path)
        else:
            raise SystemExit(f"{path}: neither per_seed nor a single seed")
    for folder in partial:
        for seed, defenses in load_partial(folder).items():
            add(seed, defenses, folder)
    for folder in mine:
        add_mine(seeds, folder)
    return dict(sorted(seeds.items()))


def add_mine(seeds, folder):
    """Adds the MINE figures (mine_* keys) of a MINE run's folder to seeds given by another source.

    A MINE run made apart from its seed's evaluate run trains or attacks with budgets of its own
    (seed 1's and 2's: a one-epoch decoder), so only its MINE figures are taken."""
    for seed, defenses in load_partial(folder).items():
        if seed not in seeds:
            raise SystemExit(f"{folder}: MINE for seed {seed}, which no other source gives")
        for name, e in defenses.items():
            figures = {k: v for k, v in e.items() if k.startswith("mine_")}
            if not figures:
                continue
            target = seeds[seed].setdefault(name, {"attacks": {}})
            again = sorted(k for k in figures if k in target)
            if again:
                raise SystemExit(f"{folder}: seed {seed} · {name} already has {', '.join(again)}")
            target.update(figures)


def value(entry, key, attack=None):
    if entry is None:
        return None
    if attack is not None:
        entry = entry.get("attacks", {}).get(attack)
        if entry is None:
            return None
    v = entry.get(key)
    return float(v) if isinstance(v, (int, float)) else None


class Stat:
    def __init__(self, values):
        self.values = values  # seed -> value, seeds that have it

    @property
    def n(self):
        return len(self.values)

    @property
    def mean(self):
        return sum(self.values.values()) / self.n if self.n else None

    @property
    def std(self):
        if self.n < 2:
            return None
        m = self.mean
        return math.sqrt(sum((v - m) ** 2 for v in self.values.values()) / (self.n - 1))

    def text(self, fmt):
        if not self.n:
            return "not measured"
        s = format(self.mean, fmt)
        if self.std is not None:
            s += " ± " + format(self.std, fmt)
        return s + f" ({self.n} seed{'s' if self.n != 1 else ''}: " + ", ".join(
            f"{k}: {format(v, fmt)}" for k, v in self.values.items()) + ")"


def stat(seeds, defense, key, attack=None):
    out = {}
    for seed, defenses in seeds.items():
        v = value(defenses.get(defense), key, attack)
        if v is not None:
            out[seed] = v
    return Stat(out)


def verdict(ok):
    return "PASS" if ok else "FAIL"


def comparable_baselines(seeds, ref_accuracy):
    """Baselines whose mean accuracy is at least the reference's minus the margin, and the rest."""
    yes, no = [], []
    for b in BASELINES:
        a = stat(seeds, b, "accuracy")
        if not a.n:
            continue
        (yes if a.mean >= ref_accuracy - ACCURACY_LOSS_LIMIT - 1e-12 else no).append((b, a.mean))
    return yes, no


def not_measured(label, *missing):
    return f"- {label}: NOT MEASURED (no {', '.join(missing)} yet)"


def claims(seeds):
    """One line per claim: the means, their spread and per-seed values, and the verdict on the means."""
    lines = []
    ref_acc = stat(seeds, REFERENCE, "accuracy")
    und_acc = stat(seeds, UNDEFENDED, "accuracy")
    if ref_acc.n and und_acc.n:
        gap = Stat({s: und_acc.values[s] - v for s, v in ref_acc.values.items() if s in und_acc.values})
        gap_pts = Stat({s: 100 * v for s, v in gap.values.items()})
        loss = und_acc.mean - ref_acc.mean
        lines.append(f"- accuracy: {REFERENCE} {ref_acc.text('.4f')}, {UNDEFENDED} {und_acc.text('.4f')}; "
                     f"gap of the means {100 * loss:.2f} points, per seed {gap_pts.text('.2f')} (claim ≤ 3): "
                     f"{verdict(loss <= ACCURACY_LOSS_LIMIT + 1e-12)}")
    else:
        lines.append(not_measured("accuracy", f"{REFERENCE} or {UNDEFENDED} accuracy"))

    ssim_ref = stat(seeds, REFERENCE, "ssim", "blackbox")
    ssim_und = stat(seeds, UNDEFENDED, "ssim", "blackbox")
    if ssim_ref.n and ssim_und.n:
        ratio = ssim_ref.mean / ssim_und.mean
        per_seed_ratio = Stat({s: v / ssim_und.values[s] for s, v in ssim_ref.values.items() if s in ssim_und.values})
        lines.append(f"- black-box SSIM: {REFERENCE} {ssim_ref.text('.3f')}, {UNDEFENDED} {ssim_und.text('.3f')}; "
                     f"ratio of the means {ratio:.3f}, per seed {per_seed_ratio.text('.3f')} (claim ≤ 0.5): "
                     f"{verdict(ratio <= SSIM_RATIO_LIMIT)}")
    else:
        lines.append(not_measured("black-box SSIM", f"black-box SSIM of {REFERENCE} or {UNDEFENDED}"))

    if not ref_acc.n:
        lines.append(not_measured("comparisons with the baselines", f"{REFERENCE} accuracy to decide comparability"))
        return lines
    comparable, not_comparable = comparable_baselines(seeds, ref_acc.mean)
    nc = "; not comparable: " + ", ".join(f"{b} ({a:.4f})" for b, a in not_comparable) if not_comparable else ""
    mse_ref = stat(seeds, REFERENCE, "mse", "blackbox")
    mse_base = [(b, stat(seeds, b, "mse", "blackbox")) for b, _ in comparable]
    mse_base = [(b, s) for b, s in mse_base if s.n]
    if mse_ref.n and mse_base:
        b, s = max(mse_base, key=lambda t: t[1].mean)
        lines.append(f"- black-box MSE: {REFERENCE} {mse_ref.text('.4f')}; strongest comparable baseline {b} "
                     f"{s.text('.4f')}; ratio {mse_ref.mean / s.mean:.2f} (claim ≥ 1.3): "
                     f"{verdict(mse_ref.mean >= MSE_RATIO_LIMIT * s.mean)}{nc}")
    else:
        lines.append(not_measured("black-box MSE", f"black-box MSE of {REFERENCE} or of a comparable baseline"))

    for key, label, fmt in [("mine_corrected", "corrected MINE (nats)", ".3f"), ("delta_z_ratio", "ΔZ/dim(z)", ".3f")]:
        ref = stat(seeds, REFERENCE, key)
        if not ref.n:
            lines.append(not_measured(label, f"{key} of {REFERENCE}"))
            continue
        base = [(b, stat(seeds, b, key)) for b, _ in comparable]
        base = [(b, s) for b, s in base if s.n]
        und = stat(seeds, UNDEFENDED, key)
        parts = []
        if base:
            b, s = min(base, key=lambda t: t[1].mean)
            parts.append(f"strongest comparable baseline {b} {s.text(fmt)}, {100 * (1 - ref.mean / s.mean):.0f} % lower "
                         f"(claim ≥ 50 %): {verdict(ref.mean <= REDUCTION_LIMIT * s.mean)}")
        else:
            parts.append("no comparable baseline measured: NOT MEASURED")
        if und.n:
            parts.append(f"{UNDEFENDED} {und.text(fmt)}, {100 * (1 - ref.mean / und.mean):.0f} % lower "
                         f"(claim ≥ 50 %): {verdict(ref.mean <= REDUCTION_LIMIT * und.mean)}")
        else:
            parts.append(f"{UNDEFENDED}: NOT MEASURED")
        lines.append(f"- {label}: {REFERENCE} {ref.text(fmt)}; " + "; ".join(parts))

    attacks = sorted({a for d in seeds.values() for a in d.get(REFERENCE, {}).get("attacks", {})})
    if attacks:
        best = max(((a, stat(seeds, REFERENCE, "ssim", a)) for a in attacks), key=lambda t: t[1].mean)
        mse = stat(seeds, REFERENCE, "mse", best[0])
        lines.append(f"- strongest attack on {REFERENCE} by mean SSIM (of {', '.join(attacks)}): {best[0]}, "
                     f"SSIM {best[1].text('.3f')}, MSE {mse.text('.4f')}")
    else:
        lines.append(not_measured("strongest attack", f"attack on {REFERENCE}"))
    return lines


def table_order(names):
    """The undefended model, SiftFunnel, the baselines in BASELINES' order, then any other entry by
    name: one order whatever the source (a results.json keeps the run's order, stage files do not)."""
    known = [UNDEFENDED, REFERENCE] + BASELINES
    return sorted(names, key=lambda n: (known.index(n), "") if n in known else (len(known), n))


def per_seed_table(seeds):
    attacks = ["blackbox", "whitebox-paper", "whitebox", "shadow", "adaptive-blackbox", "adaptive-whitebox"]
    out = ["| seed | defense | accuracy | ΔZ/dim(z) | MINE corrected | "
           + " | ".join(f"{a} SSIM / MSE" for a in attacks) + " |",
           "|---|---|---:|---:|---:|" + "---|" * len(attacks)]
    for seed, defenses in seeds.items():
        for name in table_order(defenses):
            e = defenses[name]
            cells = [cell(value(e, "accuracy"), ".4f"), cell(value(e, "delta_z_ratio"), ".3f"),
                     cell(value(e, "mine_corrected"), ".3f")]
            for a in attacks:
                s, m = value(e, "ssim", a), value(e, "mse", a)
                cells.append("—" if s is None else f"{s:.3f} / {m:.4f}")
            out.append(f"| {seed} | {name} | " + " | ".join(cells) + " |")
    return out


def cell(v, spec):
    """A table cell: the number in its format, or a dash when the source does not have it."""
    return "—" if v is None else format(v, spec)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--recorded", action="append", default=[], help="recorded per-seed figures (JSON)")
    p.add_argument("--results", action="append", default=[], help="a results.json")
    p.add_argument("--partial", action="append", default=[], help="an evaluation folder, finished or not (its stage files)")
    p.add_argument("--mine", action="append", default=[],
                   help="a MINE run's folder: only its MINE figures, added to seeds another source gives")
    p.add_argument("--table", action="store_true", help="also print the per-seed table (markdown)")
    a = p.parse_args(argv)
    seeds = load_seeds(a.recorded, a.results, a.partial, a.mine)
    if not seeds:
        p.error("no seeds: give --recorded, --results or --partial")
    print(f"seeds: {', '.join(map(str, seeds))}")
    if a.table:
        print("\n".join(per_seed_table(seeds)))
        print()
    print("\n".join(claims(seeds)))


if __name__ == "__main__":
    main(sys.argv[1:])
