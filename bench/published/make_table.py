"""Builds cli/src/main/resources/io/github/tdmpc2j/cli/tdmpc2-published.csv from the per-seed evaluation logs that
the TD-MPC2 authors published with their code (results/tdmpc2/*.csv in their repository: step, reward or success,
seed). Each output row is the mean over seeds at one logged step.

usage: python3 make_table.py PATH/TO/REFERENCE/results/tdmpc2 > tdmpc2-published.csv
"""
import csv
import pathlib
import sys
from collections import defaultdict


def main(folder):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["task", "metric", "step", "mean", "seeds"])
    for path in sorted(pathlib.Path(folder).glob("*.csv")):
        with path.open() as f:
            rows = list(csv.DictReader(f))
        metric = "success" if "success" in rows[0] else "reward"
        by_step = defaultdict(list)
        for r in rows:
            by_step[int(float(r["step"]))].append(float(r[metric]))
        for step in sorted(by_step):
            values = by_step[step]
            out.writerow([path.stem, metric, step, "%.4g" % (sum(values) / len(values)), len(values)])


if __name__ == "__main__":
    main(sys.argv[1])
