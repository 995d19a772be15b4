"""Realistic demo inventory for the Chinese used-car market (used by `marketplace demo` and the benchmark).

Shares and prices come from the catalogue; battery-electric cars are rarer among older model
years (their share grows from ~2 % for 2014 cars to ~35 % for 2025 cars); mileage grows with
age (about 14,000 km a year, spread); prices depreciate ~12 % a year (BEVs faster). A series only
appears in model years it was sold in China (no 2016 Model Y); each car has a condition report graded
by its age, mileage and history, and `create_published` can give it a drawn photo (demo_photos).
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from listings import demo_photos
from listings.domain import catalogue, plates, titles
from listings.domain.vin import with_check_digit
from listings.models import ConditionItem, Listing, Photo, Vehicle, VehicleEngagement
from marketplace.ports.files.base import FileStorage

# (city, weight): big used-car markets first
CITIES = (
    ("宁波", 9), ("杭州", 10), ("上海", 12), ("北京", 10), ("深圳", 8), ("广州", 9), ("成都", 8), ("重庆", 7),
    ("苏州", 6), ("南京", 5), ("武汉", 6), ("西安", 5), ("郑州", 5), ("长沙", 4), ("青岛", 4), ("厦门", 3),
    ("温州", 3), ("天津", 4), ("合肥", 3), ("济南", 3), ("沈阳", 3), ("昆明", 2), ("南宁", 2), ("海口", 1),
)  # fmt: skip
COLOURS = (("白色", 35), ("黑色", 25), ("灰色", 12), ("银色", 10), ("蓝色", 8), ("红色", 6), ("棕色", 2), ("绿色", 2))
WMI_BY_MAKE = {"BMW": "LBV", "Volkswagen": "LSV", "Toyota": "LVG", "Honda": "LHG", "Tesla": "LRW", "BYD": "LC0",
               "Geely": "LB3", "Mercedes-Benz": "LE4", "Nissan": "LGB", "Changan": "LS5", "Haval": "LGW"}  # fmt: skip
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
FIRST_YEAR, LAST_YEAR = 2014, 2025


def _bev_share(year: int) -> float:
    return 0.02 + (year - FIRST_YEAR) * (0.33 / (LAST_YEAR - FIRST_YEAR))


def _vin(rng: random.Random, make_en: str, year: int, serial: int) -> str:
    wmi = WMI_BY_MAKE.get(make_en, "LFV")
    vds = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(5))
    code = YEAR_CODES[(year - 1980) % 30]
    return with_check_digit(f"{wmi}{vds}0{code}{rng.choice('ABCDEFGH')}{serial % 1_000_000:06d}")


def _trims(make: catalogue.Make, series: catalogue.Series) -> list[str]:
    """Aliases that are trims (320Li, C200L), not other spellings of the name (modely, q5 for Q5L): a spelling
    in the series would read as the model written twice."""

    def key(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    names = [key(n) for n in (make.zh, make.en, series.zh, series.en)]
    return [a for a in series.aliases if any(c.isdigit() for c in a) and not any(key(a) in n for n in names)]


def _trim_text(alias: str) -> str:
    return alias.upper() if alias[-1].isdigit() else alias[:-1].upper() + alias[-1]  # 320li -> 320Li


_PARTS = ("外观漆面", "前保险杠", "后保险杠", "车身结构", "发动机舱", "底盘悬挂", "内饰座椅", "轮胎", "电气设备")
_BEV_PARTS = ("外观漆面", "前保险杠", "后保险杠", "车身结构", "动力电池", "电驱系统", "底盘悬挂", "内饰座椅", "轮胎")
_WEAR = {
    "外观漆面": ("轻微划痕", "局部补漆"), "前保险杠": ("石击点", "轻微刮擦"), "后保险杠": ("轻微刮擦", "倒车蹭痕"),
    "内饰座椅": ("主驾座椅轻微磨损", "方向盘轻微磨损"), "轮胎": ("胎纹深度约 4 mm", "建议更换两条轮胎"),
    "底盘悬挂": ("底盘轻微剐蹭", "减震器轻微渗油"), "动力电池": ("电池健康度约 92%", "电池健康度约 88%"),
}  # fmt: skip


def condition_report(
    rng: random.Random, energy: str, age: float, mileage: int, accident: bool, flood: bool
) -> list[tuple[str, str, str]]:
    """(item, grade A-E, note) rows: worn in proportion to age and mileage, with the car's history written in."""
    wear = min(0.8, 0.05 + age * 0.05 + mileage / 400_000)
    rows = []
    for part in _BEV_PARTS if energy == "bev" else _PARTS:
        grade, note = "A", ""
        if rng.random() < wear and part in _WEAR:
            grade, note = rng.choice("BBC"), rng.choice(_WEAR[part])
        if part == "车身结构" and accident:
            grade, note = "D", "有事故修复记录（钣金喷漆），结构件无切割"
        if part == "电气设备" and flood:
            grade, note = "E", "泡水痕迹，线束有锈蚀"
        rows.append((part, grade, note))
    return rows


def generate(n: int, *, seed: int = 2026, today: date | None = None) -> list[dict[str, Any]]:
    """n vehicle+listing rows (plain dicts; no I/O)."""
    rng = random.Random(seed)
    today = today or date(2026, 6, 1)
    makes = list(catalogue.CATALOGUE)
    cities, city_w = zip(*CITIES, strict=True)
    colours, colour_w = zip(*COLOURS, strict=True)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        year = rng.choices(
            range(FIRST_YEAR, LAST_YEAR + 1), weights=[1 + (y - FIRST_YEAR) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
        )[0]
        want_bev = rng.random() < _bev_share(year)
        sold = [(m, s) for m in makes for s in m.series if s.first_year <= year]
        pool = [(m, s) for m, s in sold if ("bev" in s.energy) == want_bev] or sold
        weights = [m.weight / len(m.series) for m, _ in pool]
        make, series = rng.choices(pool, weights=weights)[0]
        energy = (
            "bev"
            if want_bev and "bev" in series.energy
            else rng.choice([e for e in series.energy if e != "bev"] or ["bev"])
        )
        age = max(0.3, (today.year - year) + rng.random())
        mileage = int(max(500, rng.gauss(14_000 * age, 4_000 * age**0.5 + 2_000)))
        yearly = 0.80 if energy == "bev" else 0.88
        price_wan = series.price_wan * (yearly ** (age - 3)) * rng.uniform(0.85, 1.15)
        price_fen = max(1, int(price_wan * 100)) * 10_000  # whole hundreds of yuan
        city = rng.choices(cities, weights=city_w)[0]
        prefix = plates.plate_for_city(city) or ""
        region = plates.parse_prefix(prefix)
        transfers = min(6, int(rng.expovariate(1.0) * age / 4))
        first_reg = date(year, rng.randint(1, 12), rng.randint(1, 28))
        accident, flood = rng.random() < 0.05, rng.random() < 0.005
        trims = _trims(make, series)
        trim = _trim_text(rng.choice(trims)) if trims and rng.random() < 0.5 else ""
        rows.append(
            {
                "vin": _vin(rng, make.en, year, i),
                "make": make.zh,
                "make_en": make.en,
                "model": series.zh,
                "model_en": series.en,
                "series": f"{trim} {rng.choice(['舒适版', '豪华版', '运动版', '尊享版', '精英版'])}".strip(),
                "body_type": series.body,
                "energy_type": energy,
                "transmission": "single_speed"
                if energy == "bev"
                else rng.choice(["automatic", "automatic", "dct", "cvt", "manual"]),
                "displacement_ml": None if energy == "bev" else rng.choice([1498, 1499, 1984, 1998, 2487]),
                "battery_kwh": round(rng.uniform(40, 100), 1) if energy in ("bev", "phev") else None,
                "emission_standard": "" if energy == "bev" else ("国六" if year >= 2019 else "国五"),
                "colour": rng.choices(colours, weights=colour_w)[0],
                "model_year": year,
                "first_registration": first_reg,
                "mileage_km": mileage,
                "transfers": transfers,
                "plate_prefix": prefix,
                "registration_province": region.province,
                "registration_city": region.city,
                "accident": accident,
                "flood": flood,
                "fire": False,
                "price_fen": price_fen,
                "negotiable": rng.random() < 0.8,
                "published_days_ago": rng.randint(0, 60),  # listings expire after 90 days
                "condition": condition_report(rng, energy, age, mileage, accident, flood),
            }
        )
    return rows


VEHICLE_KEYS = (
    "vin", "make", "make_en", "model", "model_en", "series", "body_type", "energy_type", "transmission",
    "displacement_ml", "battery_kwh", "emission_standard", "colour", "model_year", "first_registration", "mileage_km",
    "transfers", "plate_prefix", "registration_province", "registration_city", "accident", "flood", "fire",
)  # fmt: skip


async def create_published(
    org_id: int,
    user_id: int,
    rows: list[dict[str, Any]],
    now: datetime | None = None,
    *,
    files: FileStorage | None = None,
) -> int:
    """Insert vehicles and published listings in bulk with their condition reports, and with `files` a drawn photo
    each (no outbox events: run a reindex or let reconciliation run)."""
    now = now or datetime.now(UTC)
    drawn: dict[tuple[str, str, str], Photo] = {}
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        async with in_transaction() as conn:
            await Vehicle.bulk_create(
                [Vehicle(owner_org_id=org_id, **{k: r[k] for k in VEHICLE_KEYS}) for r in chunk], using_db=conn
            )
            vins = [r["vin"] for r in chunk]
            ids = dict(await Vehicle.filter(owner_org_id=org_id, vin__in=vins).using_db(conn).values_list("vin", "id"))
            listings = [
                Listing(
                    vehicle_id=ids[r["vin"]],
                    dealer_org_id=org_id,
                    status="published",
                    price_fen=r["price_fen"],
                    negotiable=r["negotiable"],
                    title=titles.compose(r["make"], r["model"], r["model_year"], r["series"]),
                    location_city=r["registration_city"],
                    location_province=r["registration_province"],
                    published_at=now - timedelta(days=r["published_days_ago"], seconds=start + j),
                    created_by=user_id,
                )
                for j, r in enumerate(chunk)
            ]
            await Listing.bulk_create(listings, using_db=conn)
            made = (
                await Listing.filter(vehicle_id__in=list(ids.values())).using_db(conn).values_list("id", "vehicle_id")
            )
            await VehicleEngagement.bulk_create(
                [VehicleEngagement(vehicle_id=v, kind="listing", ref_id=lid) for lid, v in made], using_db=conn
            )
            await ConditionItem.bulk_create(
                [
                    ConditionItem(vehicle_id=ids[r["vin"]], item=item, grade=grade, note=note)
                    for r in chunk
                    for item, grade, note in r.get("condition", ())
                ],
                using_db=conn,
            )
        if files is not None:  # after the commit: the file store may be the database, on its own connection
            await _draw_all(files, chunk, drawn)
            await Photo.bulk_create([_photo_of(ids[r["vin"]], drawn[_spec(r)]) for r in chunk])
    return len(rows)


async def _draw_all(files: FileStorage, rows: list[dict[str, Any]], drawn: dict[tuple[str, str, str], Photo]) -> None:
    """One picture per make, model, body and colour, stored once and shared by the cars that look alike: the demo
    stays fast, and a shared key is harmless (photo rows are deleted without their content-addressed files)."""
    wanted = {_spec(r) for r in rows} - drawn.keys()
    limit = asyncio.Semaphore(4)  # Pillow encodes without the GIL: a few at once use the cores there are

    async def draw(spec: tuple[str, str, str]) -> None:
        async with limit:
            photo, thumb = await asyncio.to_thread(demo_photos.car_photo, spec[0], "demo picture", spec[1], spec[2])
            digest = hashlib.sha256(photo).hexdigest()
            key, thumb_key = f"photos/demo/{digest}.jpg", f"thumbs/demo/{digest}.jpg"
            await files.save(key, photo, "image/jpeg")
            await files.save(thumb_key, thumb, "image/jpeg")
            drawn[spec] = Photo(key=key, thumb_key=thumb_key, size_bytes=len(photo), sha256=digest)

    await asyncio.gather(*(draw(spec) for spec in wanted))


def _spec(r: dict[str, Any]) -> tuple[str, str, str]:
    return f"{r['make_en']} {r['model_en']}", r["body_type"], r["colour"]


def _photo_of(vehicle_id: int, picture: Photo) -> Photo:
    return Photo(
        vehicle_id=vehicle_id,
        position=0,
        key=picture.key,
        thumb_key=picture.thumb_key,
        content_type="image/jpeg",
        width=demo_photos.WIDTH,
        height=demo_photos.HEIGHT,
        size_bytes=picture.size_bytes,
        sha256=picture.sha256,
    )
