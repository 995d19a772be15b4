"""Plate prefixes (号牌 发牌机关代号): the province character and the city letter, e.g. 浙B → Zhejiang, Ningbo."""

from __future__ import annotations

from dataclasses import dataclass

# province character -> (Chinese name, English name)
PROVINCES: dict[str, tuple[str, str]] = {
    "京": ("北京", "Beijing"),
    "津": ("天津", "Tianjin"),
    "沪": ("上海", "Shanghai"),
    "渝": ("重庆", "Chongqing"),
    "冀": ("河北", "Hebei"),
    "晋": ("山西", "Shanxi"),
    "蒙": ("内蒙古", "Inner Mongolia"),
    "辽": ("辽宁", "Liaoning"),
    "吉": ("吉林", "Jilin"),
    "黑": ("黑龙江", "Heilongjiang"),
    "苏": ("江苏", "Jiangsu"),
    "浙": ("浙江", "Zhejiang"),
    "皖": ("安徽", "Anhui"),
    "闽": ("福建", "Fujian"),
    "赣": ("江西", "Jiangxi"),
    "鲁": ("山东", "Shandong"),
    "豫": ("河南", "Henan"),
    "鄂": ("湖北", "Hubei"),
    "湘": ("湖南", "Hunan"),
    "粤": ("广东", "Guangdong"),
    "桂": ("广西", "Guangxi"),
    "琼": ("海南", "Hainan"),
    "川": ("四川", "Sichuan"),
    "贵": ("贵州", "Guizhou"),
    "云": ("云南", "Yunnan"),
    "藏": ("西藏", "Tibet"),
    "陕": ("陕西", "Shaanxi"),
    "甘": ("甘肃", "Gansu"),
    "青": ("青海", "Qinghai"),
    "宁": ("宁夏", "Ningxia"),
    "新": ("新疆", "Xinjiang"),
}
MUNICIPALITIES = frozenset("京津沪渝")

_C = dict[str, tuple[str, str]]
# City letters we are sure of; an unknown letter still yields the province.
CITIES: dict[str, _C] = {
    "浙": {
        "A": ("杭州", "Hangzhou"),
        "B": ("宁波", "Ningbo"),
        "C": ("温州", "Wenzhou"),
        "D": ("绍兴", "Shaoxing"),
        "E": ("湖州", "Huzhou"),
        "F": ("嘉兴", "Jiaxing"),
        "G": ("金华", "Jinhua"),
        "H": ("衢州", "Quzhou"),
        "J": ("台州", "Taizhou"),
        "K": ("丽水", "Lishui"),
        "L": ("舟山", "Zhoushan"),
    },
    "粤": {
        "A": ("广州", "Guangzhou"),
        "B": ("深圳", "Shenzhen"),
        "C": ("珠海", "Zhuhai"),
        "D": ("汕头", "Shantou"),
        "E": ("佛山", "Foshan"),
        "F": ("韶关", "Shaoguan"),
        "G": ("湛江", "Zhanjiang"),
        "H": ("肇庆", "Zhaoqing"),
        "J": ("江门", "Jiangmen"),
        "K": ("茂名", "Maoming"),
        "L": ("惠州", "Huizhou"),
        "M": ("梅州", "Meizhou"),
        "S": ("东莞", "Dongguan"),
        "T": ("中山", "Zhongshan"),
    },
    "苏": {
        "A": ("南京", "Nanjing"),
        "B": ("无锡", "Wuxi"),
        "C": ("徐州", "Xuzhou"),
        "D": ("常州", "Changzhou"),
        "E": ("苏州", "Suzhou"),
        "F": ("南通", "Nantong"),
        "G": ("连云港", "Lianyungang"),
        "H": ("淮安", "Huai'an"),
        "J": ("盐城", "Yancheng"),
        "K": ("扬州", "Yangzhou"),
        "L": ("镇江", "Zhenjiang"),
        "M": ("泰州", "Taizhou"),
        "N": ("宿迁", "Suqian"),
    },
    "鲁": {
        "A": ("济南", "Jinan"),
        "B": ("青岛", "Qingdao"),
        "C": ("淄博", "Zibo"),
        "D": ("枣庄", "Zaozhuang"),
        "E": ("东营", "Dongying"),
        "F": ("烟台", "Yantai"),
        "G": ("潍坊", "Weifang"),
        "H": ("济宁", "Jining"),
        "J": ("泰安", "Tai'an"),
        "K": ("威海", "Weihai"),
        "L": ("日照", "Rizhao"),
    },
    "川": {"A": ("成都", "Chengdu"), "B": ("绵阳", "Mianyang"), "C": ("自贡", "Zigong"), "F": ("德阳", "Deyang")},
    "闽": {"A": ("福州", "Fuzhou"), "B": ("莆田", "Putian"), "C": ("泉州", "Quanzhou"), "D": ("厦门", "Xiamen")},
    "辽": {"A": ("沈阳", "Shenyang"), "B": ("大连", "Dalian")},
    "琼": {"A": ("海口", "Haikou"), "B": ("三亚", "Sanya")},
    "冀": {"A": ("石家庄", "Shijiazhuang"), "B": ("唐山", "Tangshan"), "F": ("保定", "Baoding")},
    "鄂": {"A": ("武汉", "Wuhan")},
    "湘": {"A": ("长沙", "Changsha")},
    "豫": {"A": ("郑州", "Zhengzhou")},
    "皖": {"A": ("合肥", "Hefei")},
    "陕": {"A": ("西安", "Xi'an")},
    "黑": {"A": ("哈尔滨", "Harbin")},
    "吉": {"A": ("长春", "Changchun")},
    "晋": {"A": ("太原", "Taiyuan")},
    "赣": {"A": ("南昌", "Nanchang")},
    "桂": {"A": ("南宁", "Nanning")},
    "贵": {"A": ("贵阳", "Guiyang")},
    "云": {"A": ("昆明", "Kunming")},
    "甘": {"A": ("兰州", "Lanzhou")},
    "青": {"A": ("西宁", "Xining")},
    "宁": {"A": ("银川", "Yinchuan")},
    "新": {"A": ("乌鲁木齐", "Urumqi")},
    "藏": {"A": ("拉萨", "Lhasa")},
    "蒙": {"A": ("呼和浩特", "Hohhot")},
}


class PlateError(ValueError):
    pass


@dataclass(frozen=True)
class Region:
    prefix: str
    province: str  # Chinese short name, e.g. 浙江
    province_en: str
    city: str  # Chinese name, "" when the letter is not known
    city_en: str


def parse_prefix(raw: str) -> Region:
    """Read a plate prefix (浙B) or a full plate (浙B·12345): the first two characters matter."""
    text = raw.strip().replace("·", "").replace(" ", "").upper()
    if len(text) < 2:
        raise PlateError("a plate prefix is a province character and a letter, e.g. 浙B")
    province_char, letter = text[0], text[1]
    if province_char not in PROVINCES:
        raise PlateError(f"{province_char!r} is not a province character of a Chinese plate")
    if not ("A" <= letter <= "Z") or letter in "IO":
        raise PlateError(f"the second character of a plate prefix is a letter A-Z (not I or O), got {letter!r}")
    zh, en = PROVINCES[province_char]
    if province_char in MUNICIPALITIES:
        return Region(province_char + letter, zh, en, zh, en)
    city_zh, city_en = CITIES.get(province_char, {}).get(letter, ("", ""))
    return Region(province_char + letter, zh, en, city_zh, city_en)


def plate_for_city(city: str) -> str | None:
    """The prefix of a city by its Chinese name (demo data)."""
    for province_char, (zh, _) in PROVINCES.items():
        if province_char in MUNICIPALITIES and zh == city:
            return province_char + "A"
        for letter, (city_zh, _) in CITIES.get(province_char, {}).items():
            if city_zh == city:
                return province_char + letter
    return None


def province_of_city(city: str) -> str | None:
    prefix = plate_for_city(city)
    return PROVINCES[prefix[0]][0] if prefix else None
