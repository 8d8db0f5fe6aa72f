"""The checks the language crawl applies to a page (tests/i18n/leaks.py)."""

from tests.i18n import leaks

PAGE = """<html lang="en"><head><title>My requests</title>
<style>.x::after { content: "ไทย" }</style><script>var s = "ภาษา";</script></head>
<body><a href="/requests/" title="แนบเอกสาร">Open</a>
<p>Filed by สมชาย ใจงาม at 12 หมู่ 4 ต.ศิลา · ฿107.00</p>
<p>แนบเอกสาร 4 ฉบับ</p><pre>stateDiagram-v2 submitted --> accepted</pre>
<input type="submit" value="ส่ง"><input type="hidden" value="ซ่อน">
<button type="submit" name="language" value="th" lang="th">ภาษาไทย</button>
<select><option value="th">ไทย</option><option value="x">ไทย</option></select>
</body></html>"""

DATA = leaks.Allowed(["สมชาย", "ใจงาม", "12 หมู่ 4 ต.ศิลา", "John Smith"])


def _thai(html, lang="en"):
    texts, links = leaks.parse(html, lang)
    return [t for t, _w in leaks.other_language(texts, lang, DATA)], links


def test_an_english_page_may_show_the_datas_thai_and_nothing_else():
    found, links = _thai(PAGE)
    # The typed name and address, the baht sign, the switch, a language's own
    # name in a choice of language, scripts, styles and code are fine; the
    # portal's own Thai is not, in text or in a shown attribute.
    assert found == ["แนบเอกสาร", "แนบเอกสาร 4 ฉบับ", "ส่ง", "ไทย"]
    assert links == ["/requests/"]


def test_a_thai_page_may_show_codes_brands_units_and_the_datas_english():
    texts, _links = leaks.parse(
        """<p>คำร้อง NC69-000001 ของ John Smith ชำระผ่าน PromptPay 1,250.50 บาท</p>
        <p>มิเตอร์ 5(15) A 230 V · john@example.test · /requests/ · kWh</p>
        <p>รหัสผู้รับชำระ (Biller ID)</p><p>Record installation</p>
        <button name="language" value="en" lang="en">English</button>""",
        "th",
    )
    assert leaks.other_language(texts, "th", DATA) == [
        ("Record installation", "Record installation")
    ]


def test_the_portals_own_sentences_are_told_from_typed_text():
    catalog = leaks.Catalog(
        {
            "Meter %(serial)s, first reading %(reading)s": (
                "มิเตอร์หมายเลข %(serial)s เลขหน่วยเริ่มต้น %(reading)s"
            ),
            "Done": "เสร็จแล้ว",
        }
    )
    assert catalog.written_by_portal("มิเตอร์หมายเลข PEA0001 เลขหน่วยเริ่มต้น 0.0")
    assert catalog.written_by_portal("Meter PEA0001, first reading 0.0")
    assert not catalog.written_by_portal("สายเมนและหลักดินได้มาตรฐาน")
    assert not catalog.written_by_portal("เสร็จแล้วครับ")  # one word: a person's
