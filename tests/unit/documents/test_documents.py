"""Every document rendered and read back with pypdf: the exact figures, parties and sections are in its text,
and the Chinese extracts exactly (not as boxes, not as mojibake)."""

from __future__ import annotations

import asyncio
import io
import os
from typing import Any

import pytest
from pypdf import PdfReader

from marketplace import offload
from marketplace.documents import DocumentTooLarge, render, render_offloaded
from marketplace.documents.contract import CONTRACT_SECTIONS
from marketplace.documents.exports import EXPORT_CONTRACT_SECTIONS
from marketplace.documents.layout import MAX_TABLE_ROWS
from marketplace.documents.model import Line
from tests.unit.documents import samples
from tests.unit.documents.samples import flat, squash, text_of


def _fonts(pdf: bytes) -> list[tuple[str, str]]:
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in desc, "the font is embedded (TrueType outlines)"
            out.append((str(f["/BaseFont"]), str(f["/Encoding"])))
    return out


def test_the_invoice_reads_back_with_its_total_reference_and_bank_instructions() -> None:
    pdf = render(samples.invoice())
    assert pdf.startswith(b"%PDF-")
    text = flat(pdf)
    for needle in (
        "结算单",
        "2026-00007-000042",
        "重庆长江机动车拍卖有限公司",
        "宁波甬城二手车经纪有限公司",
        "LSVNV2182E2100001",
        "¥123,456.00",  # the hammer line
        "¥3,703.68",  # the premium
        "¥127,659.68",  # the total
        "12.77万元",
        "¥10,000.00",  # deposit applied
        "¥117,659.68",  # balance due
        "壹拾壹万柒仟陆佰伍拾玖元陆角捌分",
        "中国工商银行重庆渝北支行",
        "3100021009100123456",
        "INV2026-00007-000042",
        "2026-03-0114:05（北京时间）",  # 06:05 UTC shown in Beijing time
        "第1页/共1页",
    ):
        assert squash(needle) in text, needle
    # Chinese-only: no English labels when the buyer is at home.
    assert "Balancedue" not in text


def test_the_bilingual_invoice_carries_english_beside_the_chinese_and_says_which_prevails() -> None:
    text = flat(render(samples.invoice(bilingual=True)))
    assert "尚欠金额Balancedue" in text
    assert "Paymentreference(required)" in text
    assert squash("本文件以中文文本为准。 The Chinese text prevails.") in text


def test_the_contract_has_the_seven_sections_of_the_model_contract_in_order() -> None:
    pdf = render(samples.contract())
    text = flat(pdf)
    positions = [text.find(squash(zh)) for zh, _ in CONTRACT_SECTIONS]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    assert [zh for zh, _ in CONTRACT_SECTIONS][4] == "第五条 风险转移"
    for needle in (
        "二手车买卖合同",
        "重庆渝北汽车租赁有限公司",
        "宁波甬城二手车经纪有限公司",
        "¥123,456.00（12.35万元）",
        "人民币壹拾贰万叁仟肆佰伍拾陆元整",
        "过户（转籍）登记手续后3个工作日内付清全部余款",
        "风险自车辆交付乙方时起由乙方承担",
        "0.05%",
        "提交重庆仲裁委员会仲裁",
        "机动车行驶证、机动车登记证书、车辆购置税完税证明、交强险保单",
        "30日内申请办理转移登记",
        "左前门有轻微划痕，无事故，无泡水，无火烧。",
    ):
        assert squash(needle) in text, needle
    assert len(text_of(pdf)) == 2
    assert "第2页/共2页" in text


def test_the_bilingual_contract_names_the_sections_in_english_too() -> None:
    text = flat(render(samples.contract(bilingual=True)))
    for zh, en in CONTRACT_SECTIONS:
        assert squash(f"{zh}  {en}") in text
    assert "Riskoflossordamagepassestothebuyerwhenthevehicleisdelivered" in text


def test_the_sale_confirmation_shows_hammer_premium_and_the_parties() -> None:
    text = flat(render(samples.confirmation()))
    for needle in (
        "成交确认书",
        "A-017",
        "P0042",
        "¥123,456.00（12.35万元）",
        "¥3,703.68",
        "¥127,159.68",
        "重庆渝北汽车租赁有限公司",
    ):
        assert squash(needle) in text, needle


def test_the_payout_statement_nets_the_deductions_from_the_hammer() -> None:
    doc = samples.payout()
    assert doc.net_minor == 12_345_600 - 246_912 - 30_000
    text = flat(render(doc))
    for needle in ("委托人结算对账单", "-¥2,469.12", "-¥300.00", "¥120,686.88", "B20260310-778899", "中国建设银行"):
        assert squash(needle) in text, needle


def test_the_gate_pass_carries_its_code_vehicle_and_collector() -> None:
    pdf = render(samples.gate_pass())
    text = flat(pdf)
    for needle in ("车辆出门证", "GP7K2Q-9XW4M", "LSVNV2182E2100001", "王小明", "2026-03-0817:00（北京时间）"):
        assert squash(needle) in text, needle
    # The barcode is drawn (filled rectangles in the content stream), not only the printed code.
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert content is not None
    assert content.get_data().count(b" re f") > 40


def test_the_commercial_invoice_totals_goods_freight_and_insurance() -> None:
    doc = samples.commercial_invoice()
    assert doc.total_minor == 1_650_000 + 980_050 + 120_000 + 8_000
    text = flat(render(doc))
    for needle in (
        "商业发票",
        "CommercialInvoiceNo.CI-2026-0007",
        "CIFMombasa",
        "8703.23",
        "LFV2A21K6M4000002",
        "US$16,500.00",
        "US$1,200.00",
        "US$27,580.50",
    ):
        assert squash(needle) in text, needle


def test_the_packing_list_sums_weights_and_volumes() -> None:
    text = flat(render(samples.packing_list()))
    # 4948×1836×1469 mm = 13,345 dm³; 4635×1780×1435 mm = 11,839 dm³ (half up).
    for needle in (
        "装箱单",
        "PackingListNo.PL-2026-0007",
        "2,995",
        "2,850",
        "13.34",
        "11.83",
        "25.18",
        "HOEGHTRIGGERV.112",
    ):
        assert needle in text, needle


def test_the_export_contract_is_chinese_first_with_english_beside_it_and_after_sales_terms() -> None:
    text = flat(render(samples.export_contract()))
    positions = [text.find(squash(zh)) for zh, _ in EXPORT_CONTRACT_SECTIONS]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)
    for needle in (
        "六、售后服务",
        "自到港之日起90日内",
        "For90daysfromarrival",
        "如有不一致，以中文文本为准",
        "theChinesetextprevails",
        "US$26,300.50",
        "中国国际经济贸易仲裁委员会",
    ):
        assert squash(needle) in text, needle


def test_the_dossier_lists_every_step_and_document_with_what_is_missing() -> None:
    doc = samples.dossier()
    text = flat(render(doc))
    for step in doc.steps:
        assert squash(step.label_zh) in text
    for d in doc.documents:
        assert squash(d.label_zh) in text
    for needle in ("即将到期duesoon", "缺失MISSING", "26-33-123456", "2026-05-03"):
        assert needle in text, needle


def test_the_chinese_is_embedded_as_a_subset_with_identity_encoding() -> None:
    pdf = render(samples.invoice())
    fonts = _fonts(pdf)
    assert fonts
    assert all(enc == "/Identity-H" for _, enc in fonts)
    assert all("+NotoSansSC" in name for name, _ in fonts)  # a subset tag: ABCDEF+
    assert len(pdf) < 120_000  # a subset, not the 8 MB font


def test_a_character_the_font_lacks_becomes_a_question_mark_not_a_lost_character() -> None:
    buyer = samples.BUYER.__class__(name="Ошибка 🚗 公司")
    text = flat(render(samples.invoice(buyer=buyer)))
    assert "Ошибка?公司" in text


def test_long_chinese_wraps_inside_the_page_and_many_lines_flow_onto_further_pages() -> None:
    lines = tuple(Line(f"长期停车费（第{i}期）" * 3, "Storage", 1000 + i) for i in range(120))
    pdf = render(samples.invoice(lines=lines))
    pages = text_of(pdf)
    assert len(pages) >= 3
    # The table's header repeats on each page it continues on.
    assert all("项目" in p for p in pages[:-1])
    text = flat(pdf)
    assert squash("长期停车费（第119期）" * 3) in text
    assert f"第1页/共{len(pages)}页" in text


def test_documents_past_the_bounds_are_refused() -> None:
    lines = tuple(Line("手续费", "Fee", 1) for _ in range(MAX_TABLE_ROWS + 1))
    with pytest.raises(DocumentTooLarge):
        render(samples.invoice(lines=lines))
    with pytest.raises(DocumentTooLarge):
        render(samples.contract(vehicle=samples.VEHICLE.__class__(vin="X", condition="长" * 5000)))


def _worker_pid() -> int:
    return os.getpid()


async def test_render_offloaded_runs_in_a_worker_process_and_the_loop_keeps_turning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[object] = []
    real_run = offload.run

    async def spy(fn: Any, *args: Any, **kw: Any) -> Any:
        sent.append(fn)
        return await real_run(fn, *args, **kw)

    monkeypatch.setattr(offload, "run", spy)
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    pdf = await render_offloaded(samples.contract())
    done.set()
    await task
    assert sent == [render]  # the whole render went to the pool, as a picklable module-level function
    assert squash("第七条 争议解决") in flat(pdf)
    assert await real_run(_worker_pid) != os.getpid()
    # Rendering takes the best part of a second; a loop blocked by it would not have ticked meanwhile.
    assert ticks >= 5
