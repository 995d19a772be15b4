"""A fixed, seeded mix of buyer searches: text, text + filters, filters + facets, sorts, typos, Chinese."""

from __future__ import annotations

import random
from typing import Any

from listings.domain.catalogue import CATALOGUE

CITIES = ("宁波", "杭州", "上海", "北京", "深圳", "广州", "成都", "重庆", "苏州", "武汉")
PROVINCES = ("浙江", "广东", "江苏", "四川", "上海", "北京")
KINDS = ("text", "text_filters", "filters_facets", "sort", "typo", "chinese")


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def make_queries(n: int = 1000, seed: int = 7) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(seed)
    pairs = [(m, s) for m in CATALOGUE for s in m.series]
    out: list[tuple[str, dict[str, Any]]] = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        make, series = rng.choice(pairs)
        p: dict[str, Any] = {}
        if kind == "text":
            p["q"] = rng.choice([make.en, f"{make.en} {series.en}", series.en, *(series.aliases[:1] or [make.en])])
        elif kind == "text_filters":
            p["q"] = rng.choice([make.en.lower(), make.zh])
            p["energy_type"] = rng.choice(["ice", "bev", "phev,hev", "ice,hev"])
            p["year_min"] = rng.randint(2015, 2022)
            p["province"] = rng.choice(PROVINCES)
        elif kind == "filters_facets":
            p["energy_type"] = rng.choice(["bev", "ice", "phev", "bev,phev"])
            lo = rng.choice([0, 5, 10, 15, 20])
            p["price_min_fen"] = lo * 1_000_000
            p["price_max_fen"] = (lo + rng.choice([5, 10, 20])) * 1_000_000
            if rng.random() < 0.5:
                p["body_type"] = rng.choice(["suv", "sedan"])
            if rng.random() < 0.5:
                p["mileage_max_km"] = rng.choice([30_000, 60_000, 100_000])
        elif kind == "sort":
            p["sort"] = rng.choice(["price_asc", "price_desc", "mileage_asc", "year_desc", "newest"])
            if rng.random() < 0.5:
                p["make"] = make.zh
            p["no_accident"] = rng.random() < 0.5
            p["transfers_max"] = rng.choice([0, 1, 2])
        elif kind == "typo":
            word = max([make.en, series.en], key=len).split()[0]
            p["q"] = _typo(rng, word.lower()) if len(word) >= 5 else _typo(rng, "toyota")
        else:
            p["q"] = rng.choice([f"{make.zh} {series.zh}", f"{make.zh}{series.zh}", f"{rng.choice(CITIES)} {make.zh}"])
        if rng.random() < 0.2:
            p["page"] = rng.randint(2, 5)
        out.append((kind, p))
    return out
