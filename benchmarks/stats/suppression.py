"""The cost of linked small-cell suppression in a release's document (pure, no database).

    python -m benchmarks.stats.suppression [--repeat 50]

A year of 420 houses (one in 20 with 1-3 sales) and 31 provinces (3 small), its 2022 base, and twelve published
month releases of the same shape: the document (`reports.public_document`) built with k = 1 (no suppression: the
baseline, in the same run), k = 5 alone, and k = 5 linked with the twelve months (`suppression.links`). Prints ms
per document and the ratios to the baseline.
"""

from __future__ import annotations

import argparse
import random
import time

from marketplace.stats.domain.figures import Levels, Tally
from marketplace.stats.domain.periods import Period
from marketplace.stats.domain.suppression import Published
from marketplace.stats.services.reports import BREAKDOWNS, public_document


def _levels(period: Period, rnd: random.Random) -> Levels:
    levels = Levels(period)
    for h in range(420):
        n = rnd.choice([1, 2, 3]) if h % 20 == 0 else rnd.randint(50, 5000)
        levels.houses[str(h)] = Tally(n, n * 4_500_000 + h)
        levels.house_names[str(h)] = f"house {h}"
    for i in range(31):
        n = rnd.choice([1, 3]) if i < 3 else rnd.randint(1000, 60000)
        levels.provinces[f"p{i}"] = Tally(n, n * 4_500_000 + i)
    levels.total = Tally(sum(t.units for t in levels.houses.values()),
                         sum(t.turnover_fen for t in levels.houses.values()))  # fmt: skip
    return levels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    rnd = random.Random(1)
    year = Period.whole_year(2023)
    current, base = _levels(year, rnd), _levels(year.year_earlier(), rnd)
    linked: dict[str, list[Published]] = {name: [] for name in BREAKDOWNS}
    for month in year.months():
        levels = _levels(month, rnd)
        _, record = public_document(month, levels, levels, 5)
        for name in BREAKDOWNS:
            shown = {key: (int(u), int(t)) for key, (u, t) in record[name]["shown"].items()}
            linked[name].append(Published(month, 1, frozenset(record[name]["hidden"]), shown))
    timings = {}
    for label, k, published in (("k=1 (baseline)", 1, None), ("k=5 alone", 5, None), ("k=5 linked", 5, linked)):
        public_document(year, current, base, k, published)  # warm-up
        start = time.perf_counter()
        for _ in range(args.repeat):
            _, record = public_document(year, current, base, k, published)
        timings[label] = (time.perf_counter() - start) / args.repeat
        hidden = {name: len(record[name]["hidden"]) for name in BREAKDOWNS}
        print(f"{label:16} {timings[label] * 1000:7.2f} ms  {timings[label] / timings['k=1 (baseline)']:5.2f}×"
              f"  hidden {hidden}")  # fmt: skip


if __name__ == "__main__":
    main()
