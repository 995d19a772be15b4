"""Blocks the documents share: bilingual labels, the parties', the vehicle's and the bank's rows, the letterhead."""

from __future__ import annotations

from marketplace.documents.model import BankInstructions, Letterhead, Party, Vehicle
from marketplace.documents.text import day

PREVAILS = "本文件以中文文本为准。 The Chinese text prevails."


def bi(zh: str, en: str, on: bool) -> str:
    return f"{zh} {en}" if on and en else zh


def party_rows(label_zh: str, label_en: str, p: Party, on: bool) -> tuple[tuple[str, str], ...]:
    name = p.name + (f"（{p.name_en}）" if on and p.name_en else "")
    rows = [(bi(label_zh, label_en, on), name)]
    if p.id_number:
        rows.append((bi("证件号码", "ID / registration no.", on), p.id_number))
    if p.address:
        rows.append((bi("地址", "Address", on), p.address))
    if p.phone:
        rows.append((bi("电话", "Phone", on), p.phone))
    if p.representative:
        rows.append((bi("代表人", "Represented by", on), p.representative))
    return tuple(rows)


def vehicle_rows(v: Vehicle, on: bool) -> tuple[tuple[str, str], ...]:
    rows = [
        (bi("车辆识别代号", "VIN", on), v.vin),
        (bi("品牌型号", "Make and model", on), v.title),
    ]
    optional = [
        ("号牌号码", "Plate", v.plate),
        ("年款", "Model year", str(v.model_year) if v.model_year else ""),
        ("初次登记日期", "First registered", day(v.first_registration) if v.first_registration else ""),
        ("表显里程", "Odometer", f"{v.mileage_km:,} km" if v.mileage_km is not None else ""),
        ("颜色", "Colour", v.colour),
        ("能源类型", "Energy", v.energy_type),
        ("登记地", "Registered in", v.registration_city),
        ("车况说明", "Condition statement", v.condition),
    ]
    rows += [(bi(zh, en, on), value) for zh, en, value in optional if value]
    return tuple(rows)


def bank_rows(b: BankInstructions, on: bool) -> tuple[tuple[str, str], ...]:
    rows = [
        (bi("户名", "Account name", on), b.account_name),
        (bi("开户银行", "Bank", on), b.bank_name + (f" {b.branch}" if b.branch else "")),
        (bi("账号", "Account number", on), b.account_number),
    ]
    if b.swift:
        rows.append(("SWIFT/BIC", b.swift))
    if b.reference:
        rows.append((bi("付款附言（必填）", "Payment reference (required)", on), b.reference))
    if b.note:
        rows.append((bi("说明", "Note", on), b.note))
    return tuple(rows)


def letterhead(p: Party) -> Letterhead:
    return Letterhead(name=p.name, name_en=p.name_en, address=p.address, phone=p.phone)
