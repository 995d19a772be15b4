"""Makes and series of the Chinese used-car market, with their Chinese and Latin names.

The synonym groups fold 宝马 / BMW and 3系 / 3 series / 320Li into one searchable term; the price
and energy data feed the demo generator (typical used prices in 万元 for a 3-year-old car).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    zh: str
    en: str
    body: str  # sedan | suv | mpv | hatchback | coupe | pickup
    energy: tuple[str, ...]  # energy types this series is sold with
    price_wan: float  # typical used price of a 3-year-old car, in 万元
    aliases: tuple[str, ...] = ()  # trims and spellings buyers type (320Li, 3 series)
    first_year: int = 2000  # the first model year (年款) sold in China: no 2016 Model Y, no 2019 Li L9


@dataclass(frozen=True)
class Make:
    zh: str
    en: str
    aliases: tuple[str, ...]
    series: tuple[Series, ...]
    weight: int  # relative share of listings


S = Series
CATALOGUE: tuple[Make, ...] = (
    Make("大众", "Volkswagen", ("vw", "volkswagen", "大众汽车"), (
        S("朗逸", "Lavida", "sedan", ("ice",), 7.5),
        S("速腾", "Sagitar", "sedan", ("ice",), 9.8),
        S("迈腾", "Magotan", "sedan", ("ice",), 14.5),
        S("帕萨特", "Passat", "sedan", ("ice",), 13.8),
        S("途观L", "Tiguan L", "suv", ("ice", "phev"), 16.0, ("tiguan",), first_year=2017),
        S("ID.4 CROZZ", "ID.4", "suv", ("bev",), 12.0, ("id4",), first_year=2021),
    ), 14),
    Make("丰田", "Toyota", ("toyota",), (
        S("卡罗拉", "Corolla", "sedan", ("ice", "hev"), 8.6),
        S("凯美瑞", "Camry", "sedan", ("ice", "hev"), 15.0),
        S("RAV4荣放", "RAV4", "suv", ("ice", "hev"), 15.5, ("rav4", "荣放")),
        S("汉兰达", "Highlander", "suv", ("ice", "hev"), 22.0),
    ), 10),
    Make("本田", "Honda", ("honda",), (
        S("雅阁", "Accord", "sedan", ("ice", "hev"), 13.5),
        S("思域", "Civic", "sedan", ("ice",), 9.5),
        S("CR-V", "CR-V", "suv", ("ice", "hev"), 14.0, ("crv",)),
    ), 8),
    Make("日产", "Nissan", ("nissan", "尼桑"), (
        S("轩逸", "Sylphy", "sedan", ("ice",), 7.2),
        S("天籁", "Teana", "sedan", ("ice",), 12.0),
    ), 6),
    Make("别克", "Buick", ("buick",), (
        S("英朗", "Excelle GT", "sedan", ("ice",), 6.0, ("excelle",)),
        S("君威", "Regal", "sedan", ("ice",), 10.5),
        S("GL8", "GL8", "mpv", ("ice",), 20.0),
    ), 6),
    Make("宝马", "BMW", ("bmw", "bimmer", "华晨宝马"), (
        S("3系", "3 Series", "sedan", ("ice",), 22.0, ("3 series", "320li", "325li", "330li", "320i")),
        S("5系", "5 Series", "sedan", ("ice",), 32.0, ("5 series", "525li", "530li")),
        S("X3", "X3", "suv", ("ice",), 30.0),
        S("iX3", "iX3", "suv", ("bev",), 22.0, first_year=2021),
    ), 6),
    Make("奔驰", "Mercedes-Benz", ("mercedes", "benz", "mercedes-benz", "梅赛德斯", "梅赛德斯-奔驰"), (
        S("C级", "C-Class", "sedan", ("ice",), 24.0, ("c-class", "c class", "c200l", "c260l")),
        S("E级", "E-Class", "sedan", ("ice",), 34.0, ("e-class", "e class", "e300l")),
        S("GLC", "GLC", "suv", ("ice",), 33.0, ("glc260", "glc300"), first_year=2016),
    ), 6),
    Make("奥迪", "Audi", ("audi",), (
        S("A4L", "A4L", "sedan", ("ice",), 20.0, ("a4",)),
        S("A6L", "A6L", "sedan", ("ice",), 28.0, ("a6",)),
        S("Q5L", "Q5L", "suv", ("ice",), 29.0, ("q5",), first_year=2018),
    ), 6),
    Make("比亚迪", "BYD", ("byd",), (
        S("汉", "Han", "sedan", ("bev", "phev"), 15.0, first_year=2020),
        S("秦PLUS", "Qin PLUS", "sedan", ("phev", "bev"), 7.0, ("秦plus", "qin plus", "qin"), first_year=2021),
        S("宋PLUS", "Song PLUS", "suv", ("phev", "bev"), 10.0, ("song plus",), first_year=2020),
        S("元PLUS", "Atto 3", "suv", ("bev",), 9.0, ("atto3", "yuan plus"), first_year=2022),
        S("海豚", "Dolphin", "hatchback", ("bev",), 7.0, first_year=2021),
    ), 10),
    Make("特斯拉", "Tesla", ("tesla",), (
        S("Model 3", "Model 3", "sedan", ("bev",), 17.0, ("model3",), first_year=2019),
        S("Model Y", "Model Y", "suv", ("bev",), 20.0, ("modely",), first_year=2021),
    ), 5),
    Make("理想", "Li Auto", ("li auto", "lixiang", "li xiang"), (
        S("L7", "L7", "suv", ("phev",), 26.0, first_year=2023),
        S("L9", "L9", "suv", ("phev",), 34.0, first_year=2022),
    ), 3),
    Make("蔚来", "NIO", ("nio", "weilai"), (
        S("ES6", "ES6", "suv", ("bev",), 21.0, first_year=2019),
        S("ET5", "ET5", "sedan", ("bev",), 20.0, first_year=2022),
    ), 2),
    Make("小鹏", "XPeng", ("xpeng", "xiaopeng"), (S("P7", "P7", "sedan", ("bev",), 13.0, first_year=2020),), 2),
    Make("吉利", "Geely", ("geely",), (
        S("帝豪", "Emgrand", "sedan", ("ice",), 4.8),
        S("星越L", "Monjaro", "suv", ("ice", "hev"), 13.0, first_year=2021),
    ), 6),
    Make("长安", "Changan", ("changan",), (S("CS75 PLUS", "CS75 PLUS", "suv", ("ice",), 8.5, ("cs75",), first_year=2020),), 4),
    Make("哈弗", "Haval", ("haval",), (S("H6", "H6", "suv", ("ice", "hev"), 7.5),), 4),
    Make("五菱", "Wuling", ("wuling",), (S("宏光MINIEV", "Hongguang MINIEV", "hatchback", ("bev",), 2.5, ("miniev",), first_year=2020),), 3),
    Make("红旗", "Hongqi", ("hongqi",), (S("H5", "H5", "sedan", ("ice",), 10.0, first_year=2018),), 2),
    Make("雷克萨斯", "Lexus", ("lexus", "凌志"), (S("ES", "ES", "sedan", ("ice", "hev"), 25.0, ("es200", "es300h")),), 2),
    Make("沃尔沃", "Volvo", ("volvo",), (S("XC60", "XC60", "suv", ("ice", "phev"), 26.0),), 2),
    Make("保时捷", "Porsche", ("porsche",), (S("卡宴", "Cayenne", "suv", ("ice", "phev"), 68.0, ("cayenne",)),), 1),
    Make("广汽埃安", "GAC Aion", ("aion", "埃安"), (S("AION S", "Aion S", "sedan", ("bev",), 7.5, ("aions",), first_year=2019),), 2),
)  # fmt: skip

BODY_TYPES = ("sedan", "suv", "mpv", "hatchback", "coupe", "pickup", "wagon")
ENERGY_TYPES = ("ice", "bev", "phev", "hev", "fcev")
TRANSMISSIONS = ("manual", "automatic", "dct", "cvt", "single_speed")
EMISSION_STANDARDS = ("国三", "国四", "国五", "国六", "国六b")


def synonym_groups() -> list[list[str]]:
    """Equivalent phrases for the search port: one group per make and one per series."""
    groups: list[list[str]] = []
    for make in CATALOGUE:
        groups.append([make.zh, make.en, *make.aliases])
        for s in make.series:
            names = [s.zh, s.en, *s.aliases]
            if len({n.lower() for n in names}) > 1:
                groups.append(names)
    return groups


def find_make(name: str) -> Make | None:
    key = name.strip().lower()
    for make in CATALOGUE:
        if key in (make.zh.lower(), make.en.lower(), *make.aliases):
            return make
    return None
