from __future__ import annotations

import io

import pytest
from PIL import Image

from listings.domain import photos, sheets


def _jpeg_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (30.0, 0.0, 0.0), 4: (121.0, 0.0, 0.0)}  # GPS IFD: latitude, longitude
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_clean_strips_exif_and_keeps_pixels() -> None:
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif()
    clean = photos.clean(raw, 1_000_000)
    assert (clean.format, clean.width, clean.height) == ("JPEG", 640, 480)
    out = Image.open(io.BytesIO(clean.data))
    assert not out.getexif()
    assert b"PhoneMaker" not in clean.data


def test_clean_refuses_non_images_bombs_and_tiny_images() -> None:
    for data, code in (
        (b"%PDF-1.4 not an image", "invalid_image"),
        (b"", "invalid_image"),
        (_jpeg_with_gps()[:200], "invalid_image"),
    ):
        with pytest.raises(photos.PhotoError) as exc:
            photos.clean(data, 1_000_000)
        assert exc.value.code == code
    gif = io.BytesIO()
    Image.new("RGB", (300, 300)).save(gif, format="GIF")
    with pytest.raises(photos.PhotoError) as exc:
        photos.clean(gif.getvalue(), 1_000_000)
    assert exc.value.code == "unsupported_image"
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, format="PNG")  # 100 megapixels in a few kB
    with pytest.raises(photos.PhotoError) as exc:
        photos.clean(bomb.getvalue(), 1_000_000)
    assert exc.value.code == "image_too_large"
    with pytest.raises(photos.PhotoError):
        photos.clean(_jpeg_with_gps((100, 100)), 1_000_000)
    with pytest.raises(photos.PhotoError) as exc:
        photos.clean(_jpeg_with_gps(), 100)
    assert exc.value.code == "payload_too_large"


def test_thumbnail_is_small_jpeg() -> None:
    thumb = photos.thumbnail(photos.clean(_jpeg_with_gps((2000, 1000)), 10_000_000).data)
    img = Image.open(io.BytesIO(thumb))
    assert img.format == "JPEG"
    assert max(img.size) == photos.THUMB_SIDE


def test_yuan_to_fen_is_exact() -> None:
    assert sheets.yuan_to_fen("128000") == 12_800_000
    assert sheets.yuan_to_fen("1,280.05") == 128_005
    for bad in ("12.345", "abc", "1e", ""):
        with pytest.raises(ValueError, match="number|decimals"):
            sheets.yuan_to_fen(bad)


def test_csv_reader_reports_structure_problems() -> None:
    with pytest.raises(sheets.SheetError, match="unknown columns: colour_code"):
        list(sheets.read_csv(b"vin,make,model,energy_type,price_yuan,colour_code\n"))
    with pytest.raises(sheets.SheetError, match="missing columns: price_yuan"):
        list(sheets.read_csv(b"vin,make,model,energy_type\n"))
    with pytest.raises(sheets.SheetError, match="empty"):
        list(sheets.read_csv(b""))
    gbk = "vin,make,model,energy_type,price_yuan\nX,宝马,3系,ice,1\n".encode("gbk")
    assert list(sheets.read_csv(gbk))[0][1]["make"] == "宝马"


def test_csv_export_neutralises_formulas() -> None:
    data = sheets.write_csv([{"vin": "V", "title": '=HYPERLINK("x")'}]).decode("utf-8-sig")
    assert "'=HYPERLINK" in data


def test_xlsx_export_keeps_formulas_inert_and_exact() -> None:
    import zipfile

    from openpyxl import load_workbook

    evil = '=HYPERLINK("http://evil.example/x","点我")'
    data = sheets.write_xlsx([{"vin": "V1", "title": evil, "make": "-2+3", "model": "@SUM(A1)"}])
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no cell of the file is a formula
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    row = {str(h.value): c for h, c in zip(ws[1], ws[2], strict=True)}
    assert (row["title"].value, row["title"].data_type) == (evil, "s")
    assert (row["make"].value, row["model"].value) == ("-2+3", "@SUM(A1)")


def test_xlsx_round_trip() -> None:
    data = sheets.write_xlsx([{"vin": "V1", "make": "宝马", "price_yuan": "100.00"}])
    rows = list(sheets.read_xlsx(data))
    assert rows[0][0] == 2
    assert rows[0][1]["make"] == "宝马"
    with pytest.raises(sheets.SheetError, match="not an XLSX"):
        list(sheets.read_xlsx(b"PK\x03\x04 garbage"))
