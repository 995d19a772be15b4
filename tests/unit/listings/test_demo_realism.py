"""The demo inventory looks like a real dealer's: model years that exist, titles that do not stutter, condition
reports that follow the car's history, and photos that pass the photo rules."""

from __future__ import annotations

import io

from PIL import Image

from listings import demo_data, demo_photos
from listings.domain import catalogue, photos, titles


def _series(make_zh: str, model_zh: str) -> catalogue.Series:
    make = next(m for m in catalogue.CATALOGUE if m.zh == make_zh)
    return next(s for s in make.series if s.zh == model_zh)


def test_every_car_has_a_model_year_its_series_was_sold_in() -> None:
    rows = demo_data.generate(2000, seed=3)
    for r in rows:
        series = _series(r["make"], r["model"])
        assert r["model_year"] >= series.first_year, (r["make"], r["model"], r["model_year"])
    years = {r["model_year"] for r in rows if r["model"] == "Model Y"}
    assert years
    assert min(years) >= 2021  # the Model Y came to China as a 2021 model
    assert not [r for r in rows if r["model"] == "L9" and r["model_year"] < 2022]


def test_titles_name_each_word_once() -> None:
    for r in demo_data.generate(2000, seed=5):
        title = titles.compose(r["make"], r["model"], r["model_year"], r["series"])
        words = [w.casefold() for w in title.split()]
        assert len(words) == len(set(words)), title
        model = "".join(ch for ch in r["model"].casefold() if ch.isalnum())
        spelled = [w for w in words if "".join(ch for ch in w if ch.isalnum()) == model]
        assert len(spelled) <= 1, title  # no "Model Y … modely", though "GLC … GLC260" is a trim


def test_compose_drops_what_the_series_repeats() -> None:
    assert titles.compose("宝马", "3系", 2021, "2021款 3系 320Li 豪华版") == "宝马 3系 2021款 320Li 豪华版"
    assert titles.compose("特斯拉", "Model Y", 2022, "MODEL Y 长续航") == "特斯拉 Model Y 2022款 长续航"
    assert titles.compose("丰田", "卡罗拉", None, "") == "丰田 卡罗拉"


def test_trims_are_trim_codes_not_spellings_of_the_name() -> None:
    bmw = next(m for m in catalogue.CATALOGUE if m.en == "BMW")
    tesla = next(m for m in catalogue.CATALOGUE if m.en == "Tesla")
    audi = next(m for m in catalogue.CATALOGUE if m.en == "Audi")
    assert demo_data._trims(bmw, _series("宝马", "3系")) == ["320li", "325li", "330li", "320i"]
    assert demo_data._trims(tesla, _series("特斯拉", "Model Y")) == []
    assert demo_data._trims(audi, _series("奥迪", "Q5L")) == []


def test_condition_reports_follow_the_cars_history() -> None:
    rows = demo_data.generate(600, seed=9)
    for r in rows:
        report = {item: (grade, note) for item, grade, note in r["condition"]}
        assert len(report) == len(r["condition"]) >= 8
        assert all(grade in "ABCDE" for grade, _ in report.values())
        if r["accident"]:
            assert report["车身结构"][0] == "D"
        if r["energy_type"] == "bev":
            assert "动力电池" in report
            assert "发动机舱" not in report
    assert any(g != "A" for r in rows for _, g, _ in r["condition"])  # not every car is perfect


def test_drawn_photos_pass_the_photo_rules() -> None:
    photo, thumb = demo_photos.car_photo("BMW 3 Series", "demo picture", "sedan", "红色")
    clean = photos.clean(photo, 5_000_000)  # what an upload would have to pass
    assert (clean.width, clean.height) == (demo_photos.WIDTH, demo_photos.HEIGHT)
    with Image.open(io.BytesIO(thumb)) as small:
        assert small.format == "JPEG"
        assert max(small.size) <= photos.THUMB_SIDE
    with Image.open(io.BytesIO(photo)) as img:
        assert img.getpixel((demo_photos.WIDTH // 2, 300))[0] > 150  # the red body is drawn where the car stands
