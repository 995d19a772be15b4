"""A national dataset calibrated to the published 2023 annual report (and a 2022 base year for growth).

Deterministic (a seeded generator; the same seed gives the same rows) and exact by construction: unit counts,
turnover, BEV figures, transfer counts and session counts are fixed first and the rows are drawn to meet them,
so the report computed from the rows reproduces the published headline table at its published precision:

    2023: 318.03 亿元, 70.25 万台, 4.53 万元 (+7.09 % YoY), 402 houses, transfer ratio 56.52 % (+15.54 pp, both
    in-province and cross-province up), BEV 4.26 万台 and 21.39 亿元 (+149.59 % YoY in units), 39,074 online
    sessions = 76.70 %; the share above 20 万元 rises.

Figures the report does not give (2022's levels beyond what its growth rates imply, the split of transfers,
the price distribution, the houses' names) are invented and said to be. Prices are integers of fen drawn from
a table of price brackets in whole hundreds of yuan; the draw is then corrected to the exact turnover with
integer arithmetic only.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from marketplace.stats.domain.facts import EnergyType, House, SaleFact, SessionFact, SessionKind, Transfer
from marketplace.stats.domain.periods import CST

FEN_PER_100_YUAN = 10_000


@dataclass(frozen=True)
class YearTargets:
    year: int
    houses: int
    units: int
    turnover_fen: int
    bev_units: int
    bev_turnover_fen: int
    transfer_in_province: int
    transfer_cross_province: int
    sessions: int
    online_sessions: int
    # (low 元, high 元, weight): a sale's price is drawn from a bracket, in whole hundreds of yuan
    brackets: tuple[tuple[int, int, int], ...]


# 2023 as published. 397,053 / 702,500 = 56.52 %; 39,074 / 50,944 = 76.70 %; 42,600 BEV = 4.26 万台.
Y2023 = YearTargets(
    year=2023,
    houses=402,
    units=702_500,
    turnover_fen=318_03_000_000_00,  # 318.03 亿元
    bev_units=42_600,
    bev_turnover_fen=21_39_000_000_00,  # 21.39 亿元
    transfer_in_province=238_000,
    transfer_cross_province=159_053,
    sessions=50_944,
    online_sessions=39_074,
    brackets=(
        (5_000, 20_000, 14),
        (20_000, 50_000, 38),
        (50_000, 100_000, 30),
        (100_000, 200_000, 12),
        (200_000, 500_000, 5),
        (500_000, 1_500_000, 1),
    ),  # fmt: skip
)
# 2022, the base: average 4.53 / 1.0709 ≈ 4.23 万元, transfer ratio 40.98 %, BEV units 42,600 / 2.4959.
Y2022 = YearTargets(
    year=2022,
    houses=388,
    units=640_000,
    turnover_fen=270_55_326_400_00,  # 640,000 × 42,273.95 元
    bev_units=17_068,
    bev_turnover_fen=8_00_000_000_00,
    transfer_in_province=160_000,
    transfer_cross_province=102_272,
    sessions=47_500,
    online_sessions=36_100,
    brackets=(
        (5_000, 20_000, 16),
        (20_000, 50_000, 40),
        (50_000, 100_000, 29),
        (100_000, 200_000, 11),
        (200_000, 500_000, 3),
        (500_000, 1_500_000, 1),
    ),  # fmt: skip
)

_CITIES = (
    ("浙江", "杭州"), ("浙江", "宁波"), ("浙江", "温州"), ("江苏", "南京"), ("江苏", "苏州"), ("江苏", "无锡"),
    ("上海", "上海"), ("北京", "北京"), ("天津", "天津"), ("重庆", "重庆"), ("广东", "广州"), ("广东", "深圳"),
    ("广东", "佛山"), ("山东", "济南"), ("山东", "青岛"), ("河南", "郑州"), ("河北", "石家庄"), ("湖北", "武汉"),
    ("湖南", "长沙"), ("四川", "成都"), ("陕西", "西安"), ("福建", "福州"), ("福建", "厦门"), ("安徽", "合肥"),
    ("江西", "南昌"), ("辽宁", "沈阳"), ("辽宁", "大连"), ("吉林", "长春"), ("黑龙江", "哈尔滨"), ("山西", "太原"),
    ("云南", "昆明"), ("贵州", "贵阳"), ("广西", "南宁"), ("海南", "海口"), ("甘肃", "兰州"), ("内蒙古", "呼和浩特"),
    ("新疆", "乌鲁木齐"), ("宁夏", "银川"), ("青海", "西宁"), ("西藏", "拉萨"),
)  # fmt: skip
_NAMES = ("机动车", "联合", "华信", "中汇", "诚信", "恒通", "金槌", "国信", "正大", "银河", "百联")
_MAKES = (
    "大众",
    "丰田",
    "本田",
    "别克",
    "日产",
    "宝马",
    "奔驰",
    "奥迪",
    "吉利",
    "长安",
    "哈弗",
    "现代",
    "福特",
    "五菱",
)
_BEV_MAKES = ("比亚迪", "特斯拉", "蔚来", "小鹏", "广汽埃安", "五菱")


def houses(count: int = 402) -> list[House]:
    """The national population of houses, largest first; a smaller year uses a prefix of the same list."""
    out = []
    for i in range(count):
        province, city = _CITIES[i % len(_CITIES)]
        name = f"{city}{_NAMES[(i // len(_CITIES)) % len(_NAMES)]}拍卖有限公司"
        if i >= len(_CITIES) * len(_NAMES):
            name = f"{city}{_NAMES[i % len(_NAMES)]}{i}号拍卖有限公司"
        out.append(House(f"nat-{i + 1:03d}", name, province, city))
    return out


def _split(total: int, weights: list[int]) -> list[int]:
    """`total` in integer parts proportional to `weights`, each at least 1 (largest remainder)."""
    n = len(weights)
    rest = total - n
    scale = sum(weights)
    parts = [1 + rest * w // scale for w in weights]
    remainders = sorted(range(n), key=lambda i: (-(rest * weights[i] % scale), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _prices(rng: random.Random, count: int, total_fen: int, brackets: tuple[tuple[int, int, int], ...]) -> list[int]:
    """`count` prices summing to exactly `total_fen`, all but one in whole hundreds of yuan."""
    if count == 0:
        return []
    lows = [(lo // 100, hi // 100) for lo, hi, _ in brackets]
    picks = rng.choices(range(len(brackets)), weights=[w for _, _, w in brackets], k=count)
    hundreds = [rng.randrange(lows[b][0], lows[b][1]) for b in picks]
    target = total_fen // FEN_PER_100_YUAN
    drawn = sum(hundreds)
    # Proportional correction in whole hundreds of yuan, integer only; what is left goes one hundred at a time.
    hundreds = [max(1, h + (target - drawn) * h // drawn) for h in hundreds]
    left = target - sum(hundreds)
    step = 1 if left > 0 else -1
    i = 0
    while left:
        if hundreds[i % count] + step >= 1:
            hundreds[i % count] += step
            left -= step
        i += 1
    prices = [h * FEN_PER_100_YUAN for h in hundreds]
    prices[-1] += total_fen - sum(prices)  # the odd fen of a total that is not in whole hundreds of yuan
    return prices


def _house_weights(year: int, count: int) -> list[int]:
    # A long tail, like the published lists; a little reshuffling between years gives the rankings movement.
    rng = random.Random(year * 7919)
    weights = [max(1, 1_000_000 // (i + 1) + rng.randrange(0, 1_000_000 // (i + 2) // 4 + 1)) for i in range(count)]
    if year == 2023 and count > 2:
        # As published: the same house led both 2023 lists and the runner-up of both had risen.
        weights[1], weights[2] = weights[2], weights[1]
    return weights


def _session_days(year: int, n: int, offset: int) -> list[date]:
    start = date(year, 1, 3)
    days = (date(year, 12, 28) - start).days
    return [start + timedelta(days=(offset + (days * j) // max(n, 1)) % days) for j in range(n)]


def year(targets: YearTargets, seed: int = 2023) -> tuple[list[SessionFact], Iterator[SaleFact]]:
    """The sessions of a year (a list) and its sales (a generator, so a million rows are never all held)."""
    rng = random.Random(seed * 10_000 + targets.year)
    population = houses(targets.houses)
    units = _split(targets.units, _house_weights(targets.year, targets.houses))
    session_counts = _split(targets.sessions, units)
    online_flags = [True] * targets.online_sessions + [False] * (targets.sessions - targets.online_sessions)
    rng.shuffle(online_flags)
    sessions: list[SessionFact] = []
    by_house: list[list[SessionFact]] = []
    k = 0
    for h, house in enumerate(population):
        own = []
        for j, day in enumerate(_session_days(targets.year, session_counts[h], h)):
            kind: SessionKind = "online" if online_flags[k] else ("hybrid" if (h + j) % 5 == 0 else "onsite")
            own.append(SessionFact(f"{house.key}-{targets.year}-{j + 1:04d}", house, kind, day))
            k += 1
        sessions.extend(own)
        by_house.append(own)

    n = targets.units
    bev = [False] * n
    for i in rng.sample(range(n), targets.bev_units):
        bev[i] = True
    transfer: list[Transfer] = ["none"] * n
    order = rng.sample(range(n), targets.transfer_in_province + targets.transfer_cross_province)
    for i in order[: targets.transfer_in_province]:
        transfer[i] = "in_province"
    for i in order[targets.transfer_in_province :]:
        transfer[i] = "cross_province"
    bev_prices = iter(_prices(rng, targets.bev_units, targets.bev_turnover_fen, targets.brackets))
    other_prices = iter(
        _prices(rng, n - targets.bev_units, targets.turnover_fen - targets.bev_turnover_fen, targets.brackets)
    )

    def sales() -> Iterator[SaleFact]:
        i = 0
        for h, house in enumerate(population):
            own = by_house[h]
            for u in range(units[h]):
                session = own[u % len(own)]
                minute = (u * 37) % 360
                sold_at = datetime.combine(session.held_on, datetime.min.time(), CST) + timedelta(
                    hours=10, minutes=minute
                )
                energy: EnergyType = "BEV" if bev[i] else ("PHEV" if i % 23 == 0 else "ICE")
                price = next(bev_prices) if bev[i] else next(other_prices)
                make = _BEV_MAKES[i % len(_BEV_MAKES)] if bev[i] else _MAKES[i % len(_MAKES)]
                yield SaleFact(f"{house.key}-{targets.year}-{u + 1:06d}", house, session.session_key, sold_at,
                               price, make, energy, house.province, house.city, transfer[i])  # fmt: skip
                i += 1

    return sessions, sales()


def scaled(targets: YearTargets, divisor: int) -> YearTargets:
    """A smaller year of the same shape (for a demo): counts and totals divided, ratios kept roughly."""
    if divisor <= 1:
        return targets

    def d(n: int) -> int:
        return max(1, n // divisor)

    houses = max(3, targets.houses // max(1, divisor // 10))
    units = max(d(targets.units), houses)
    sessions = max(d(targets.sessions), houses)
    return YearTargets(
        year=targets.year, houses=houses, units=units, turnover_fen=targets.turnover_fen * units // targets.units,
        bev_units=d(targets.bev_units), bev_turnover_fen=targets.bev_turnover_fen * d(targets.bev_units)
        // targets.bev_units, transfer_in_province=d(targets.transfer_in_province),
        transfer_cross_province=d(targets.transfer_cross_province), sessions=sessions,
        online_sessions=min(sessions, d(targets.online_sessions)), brackets=targets.brackets,
    )  # fmt: skip
