#!/usr/bin/env python3
"""Checks tools/acceptance_summary.py on small made-up seeds: which baseline counts as comparable,
which one is the strongest for each metric, the verdicts at and past each limit, and that a seed
given twice is refused. Standard library only.
Usage: python3 tools/test_acceptance_summary.py [-v]
"""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acceptance_summary as summary  # noqa: E402


def entry(acc, ssim, mse, dz, mine=None, adaptive_ssim=None):
    e = {"accuracy": acc, "delta_z_ratio": dz, "attacks": {"blackbox": {"ssim": ssim, "mse": mse}}}
    if mine is not None:
        e["mine_corrected"] = mine
    if adaptive_ssim is not None:
        e["attacks"]["adaptive-blackbox"] = {"ssim": adaptive_ssim, "mse": mse / 2}
    return e


def seed(sf_acc=0.88, sf_ssim=0.40, sf_mse=0.030, sf_dz=0.25):
    return {
        "none": entry(0.90, 0.85, 0.002, 0.80, mine=1.0),
        "siftfunnel": entry(sf_acc, sf_ssim, sf_mse, sf_dz, mine=0.1, adaptive_ssim=0.7),
        # comparable (0.86 >= 0.88 - 0.03), strongest by MSE and by delta_z
        "nopeek": entry(0.86, 0.70, 0.006, 0.55, mine=0.9),
        # comparable, weaker
        "bido": entry(0.90, 0.85, 0.003, 0.78, mine=0.95),
        # not comparable: would otherwise be the strongest everywhere
        "dropout": entry(0.20, 0.60, 0.050, 0.10, mine=0.05),
    }


class ClaimsTest(unittest.TestCase):
    def lines(self, seeds):
        return summary.claims(dict(enumerate(seeds, start=1)))

    def line(self, seeds, prefix):
        return next(line for line in self.lines(seeds) if line.startswith("- " + prefix))

    def test_all_pass_and_the_strongest_comparable_baseline_is_used(self):
        lines = self.lines([seed(), seed()])
        self.assertEqual(6, len(lines))
        for line in lines[:5]:
            self.assertIn("PASS", line)
            self.assertNotIn("FAIL", line)
        mse = self.line([seed()], "black-box MSE")
        self.assertIn("strongest comparable baseline nopeek", mse)
        self.assertIn("ratio 5.00", mse)
        self.assertIn("not comparable: dropout (0.2000)", mse)
        self.assertIn("strongest comparable baseline nopeek", self.line([seed()], "ΔZ/dim"))
        self.assertIn("adaptive-blackbox, SSIM 0.700", lines[5])

    def test_limits(self):
        # accuracy gap of 3.5 points, SSIM ratio 0.6, MSE only 1.2x nopeek's, delta_z 0.6x nopeek's
        worse = seed(sf_acc=0.865, sf_ssim=0.51, sf_mse=0.0072, sf_dz=0.33)
        self.assertIn("FAIL", self.line([worse], "accuracy"))
        self.assertIn("FAIL", self.line([worse], "black-box SSIM"))
        self.assertIn("FAIL", self.line([worse], "black-box MSE"))
        dz = self.line([worse], "ΔZ/dim")
        self.assertIn("40 % lower (claim ≥ 50 %): FAIL", dz)
        self.assertIn("59 % lower (claim ≥ 50 %): PASS", dz)

    def test_means_and_spread_over_seeds(self):
        line = self.line([seed(sf_acc=0.88), seed(sf_acc=0.86)], "accuracy")
        self.assertIn("gap of the means 3.00 points, per seed 3.00 ± 1.41", line)
        self.assertIn("PASS", line)  # a mean gap of exactly 3 points is within 3

    def test_a_number_missing_in_one_seed_is_averaged_over_the_others(self):
        s2 = seed()
        del s2["siftfunnel"]["mine_corrected"]
        self.assertIn("siftfunnel 0.100 (1 seed: 1: 0.100)", self.line([seed(), s2], "corrected MINE"))


    def test_absent_numbers_are_not_measured(self):
        only_accuracy = {"none": {"accuracy": 0.9}, "siftfunnel": {"accuracy": 0.88}}
        lines = self.lines([only_accuracy])
        self.assertIn("PASS", lines[0])
        for line in lines[1:]:
            self.assertIn("NOT MEASURED", line)
            self.assertNotIn("PASS", line)
            self.assertNotIn("FAIL", line)


class TableTest(unittest.TestCase):
    def test_rows_in_one_order_whatever_the_source_and_mine_in_its_column(self):
        s = seed()
        shuffled = {name: s[name] for name in ["dropout", "bido", "siftfunnel", "zeta", "nopeek", "none"]
                    if name != "zeta"}
        shuffled["zeta"] = entry(0.5, 0.5, 0.01, 0.5)
        rows = summary.per_seed_table({1: shuffled})[2:]
        self.assertEqual(["none", "siftfunnel", "dropout", "nopeek", "bido", "zeta"],
                         [r.split(" | ")[1] for r in rows])
        self.assertEqual("0.100", rows[1].split(" | ")[4])  # siftfunnel's corrected MINE
        self.assertEqual("—", rows[5].split(" | ")[4])  # none measured


class LoadTest(unittest.TestCase):
    def test_partial_folder_reads_stage_files_and_training_accuracy(self):
        def write(path, doc):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(doc, f)

        with tempfile.TemporaryDirectory() as d:
            st = os.path.join(d, "state", "seed3")
            write(os.path.join(st, "none", "attack-blackbox.json"),
                  {"stage": "attack:blackbox", "result": {"ssim": 0.8, "mse": 0.002}})
            write(os.path.join(st, "none", "features.json"), {"stage": "features", "result": {"delta_z_ratio": 0.79}})
            write(os.path.join(st, "noise", "accuracy.json"), {"stage": "accuracy", "result": {"accuracy": 0.87}})
            write(os.path.join(d, "train", "none-seed3", "summary.json"), {"final_test_accuracy": 0.9045})
            write(os.path.join(d, "train", "siftfunnel-seed3", "summary.json"), {"final_test_accuracy": 0.88})
            seeds = summary.load_seeds([], [], [d])
            self.assertEqual([3], list(seeds))
            s3 = seeds[3]
            self.assertEqual(0.9045, s3["none"]["accuracy"])
            self.assertEqual(0.79, s3["none"]["delta_z_ratio"])
            self.assertEqual({"ssim": 0.8, "mse": 0.002}, s3["none"]["attacks"]["blackbox"])
            self.assertEqual(0.87, s3["noise"]["accuracy"])
            self.assertEqual({"accuracy": 0.88, "attacks": {}}, s3["siftfunnel"])

    def test_a_mine_run_adds_only_its_mine_figures(self):
        with tempfile.TemporaryDirectory() as d:
            recorded = os.path.join(d, "recorded.json")
            s2 = seed()
            del s2["siftfunnel"]["mine_corrected"]
            del s2["none"]["mine_corrected"]
            with open(recorded, "w") as f:
                json.dump({"seeds": {"2": {"defenses": s2}}}, f)
            run = os.path.join(d, "mine-seed2")
            st = os.path.join(run, "state", "seed2")
            for name, value in [("siftfunnel", 0.2), ("none", 1.1)]:
                os.makedirs(os.path.join(st, name))
                with open(os.path.join(st, name, "mine.json"), "w") as f:
                    json.dump({"stage": "mine", "result": {"mine_corrected": value, "mine_paper": 0.05}}, f)
                # the MINE run's own (one-epoch) attack and retrained accuracy must not replace the seed's
                with open(os.path.join(st, name, "attack-blackbox.json"), "w") as f:
                    json.dump({"stage": "attack:blackbox", "result": {"ssim": 0.1, "mse": 0.9}}, f)
            os.makedirs(os.path.join(run, "train", "none-seed2"))
            with open(os.path.join(run, "train", "none-seed2", "summary.json"), "w") as f:
                json.dump({"final_test_accuracy": 0.5}, f)
            seeds = summary.load_seeds([recorded], [], [], [run])
            sf, none = seeds[2]["siftfunnel"], seeds[2]["none"]
            self.assertEqual((0.2, 0.05), (sf["mine_corrected"], sf["mine_paper"]))
            self.assertEqual(1.1, none["mine_corrected"])
            self.assertEqual(0.90, none["accuracy"])
            self.assertEqual(0.85, none["attacks"]["blackbox"]["ssim"])
            self.assertEqual(0.9, seeds[2]["nopeek"]["mine_corrected"])  # untouched
            # a MINE figure the seed already has, or a seed no other source gives, is refused
            with self.assertRaises(SystemExit):
                summary.load_seeds([recorded], [], [], [run, run])
            with self.assertRaises(SystemExit):
                summary.load_seeds([], [], [], [run])

    def test_sources_are_merged_and_a_seed_twice_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            recorded = os.path.join(d, "recorded.json")
            with open(recorded, "w") as f:
                json.dump({"seeds": {"1": {"defenses": seed()}, "2": {"defenses": seed()}}}, f)
            one = os.path.join(d, "results.json")
            with open(one, "w") as f:
                json.dump({"seeds": [3], "defenses": seed()}, f)
            self.assertEqual([1, 2, 3], list(summary.load_seeds([recorded], [one])))
            again = os.path.join(d, "again.json")
            with open(again, "w") as f:
                json.dump({"seeds": [2, 3], "per_seed": [{"seed": 2, "defenses": seed()}]}, f)
            with self.assertRaises(SystemExit):
                summary.load_seeds([recorded], [again])


if __name__ == "__main__":
    unittest.main()
