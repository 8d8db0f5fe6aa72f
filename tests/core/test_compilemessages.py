"""The pure-Python .po → .mo compiler (core/management/commands/compilemessages_py).

The Thai catalogue is compiled with the project's own parse_po + write_mo, loaded
with the standard library's GNUTranslations (what Django uses), and compared
with GNU msgfmt's output when msgfmt is installed.
"""

import gettext
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from core.management.commands.compilemessages_py import parse_po, write_mo

TH_PO = Path(settings.BASE_DIR) / "locale" / "th" / "LC_MESSAGES" / "django.po"


def _read_mo(path: Path) -> dict[bytes, bytes]:
    """Every (msgid, msgstr) pair of a GNU .mo file, as raw bytes."""
    data = path.read_bytes()
    magic, _revision, n, ids_at, strs_at = struct.unpack("<5I", data[:20])
    assert magic == 0x950412DE, "not a little-endian GNU .mo file"
    pairs = {}
    for i in range(n):
        id_len, id_pos = struct.unpack("<2I", data[ids_at + 8 * i : ids_at + 8 * i + 8])
        s_len, s_pos = struct.unpack("<2I", data[strs_at + 8 * i : strs_at + 8 * i + 8])
        pairs[data[id_pos : id_pos + id_len]] = data[s_pos : s_pos + s_len]
    return pairs


def _header(raw: bytes) -> dict[str, str]:
    fields = dict(
        line.split(": ", 1) for line in raw.decode().splitlines() if ": " in line
    )
    fields.pop("POT-Creation-Date", None)
    return fields


def _compile(po_text: str, tmp_path: Path, name: str = "django.mo") -> Path:
    mo = tmp_path / name
    write_mo(parse_po(po_text), mo)
    return mo


@pytest.fixture(scope="module")
def th_messages() -> dict[str, str]:
    return parse_po(TH_PO.read_text(encoding="utf-8"))


@pytest.fixture
def th_mo(tmp_path) -> Path:
    return _compile(TH_PO.read_text(encoding="utf-8"), tmp_path)


@pytest.fixture
def th(th_mo) -> gettext.GNUTranslations:
    with th_mo.open("rb") as f:
        return gettext.GNUTranslations(f)


def test_header_says_thai_utf8_one_plural_form(th):
    info = th.info()
    assert info["language"] == "th"
    assert info["content-type"] == "text/plain; charset=UTF-8"
    assert info["plural-forms"] == "nplurals=1; plural=0;"
    assert th.charset() == "UTF-8"
    assert {th.plural(n) for n in (0, 1, 2, 5, 21, 100)} == {0}


@pytest.mark.parametrize(
    ("msgid", "thai"),
    [
        ("My requests", "คำร้องของฉัน"),
        ("Log in", "เข้าสู่ระบบ"),
        ("Sign up", "สมัครสมาชิก"),
        ("National ID number", "เลขประจำตัวประชาชน"),
        ("CA number", "หมายเลขผู้ใช้ไฟฟ้า (CA)"),
        ("Deposit", "เงินประกันการใช้ไฟฟ้า"),
        ("Submitted", "ยื่นคำร้องแล้ว"),
        ("Installation booked", "นัดติดตั้งมิเตอร์แล้ว"),
        ("Rejected", "ไม่อนุมัติ"),
        ("PEA Smart Plus", "PEA Smart Plus"),
        # {% translate "VAT 7%" %}: the template tag looks up "7%%" and turns the
        # translation's "%%" back into "%", so the msgstr keeps the doubled sign.
        ("VAT 7%%", "ภาษีมูลค่าเพิ่ม 7%%"),
    ],
)
def test_real_translations(th, msgid, thai):
    assert th.gettext(msgid) == thai


def test_placeholders_survive_and_format(th):
    filed = th.gettext("Request %(ref)s filed. We will keep you informed by SMS.")
    assert "%(ref)s" in filed
    assert "PEA-2569-000123" in filed % {"ref": "PEA-2569-000123"}

    # a {% blocktranslate %} string: {{ ref }} / {{ due }} become %(ref)s / %(due)s
    sms = th.gettext("We received your request %(ref)s. We will accept it by %(due)s.")
    text = sms % {"ref": "R-1", "due": "3 ธ.ค. 2569"}
    assert "R-1" in text and "3 ธ.ค. 2569" in text
    assert "%(" not in text


def test_untranslated_msgid_falls_back_to_english(th):
    assert th.gettext("No such message in the catalogue") == (
        "No such message in the catalogue"
    )


def test_plural_entries_use_the_single_thai_form(th, th_messages):
    """Any plural entry of the real catalogue: every n gives msgstr[0]."""
    for key, value in th_messages.items():
        if "\x00" not in key:
            continue
        context, _, ids = key.rpartition("\x04")
        singular, plural = ids.split("\x00")
        form0 = value.split("\x00")[0]
        for n in (1, 2, 11):
            if context:
                assert th.npgettext(context, singular, plural, n) == form0
            else:
                assert th.ngettext(singular, plural, n) == form0


def test_plural_entry_compiles(tmp_path):
    """Runs whether or not the real catalogue has plural entries yet."""
    po = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            '"Plural-Forms: nplurals=1; plural=0;\\n"',
            "",
            "#, python-format",
            'msgid "%(n)s document"',
            'msgid_plural "%(n)s documents"',
            'msgstr[0] "เอกสาร %(n)s ฉบับ"',
            "",
        ]
    )
    with _compile(po, tmp_path).open("rb") as f:
        t = gettext.GNUTranslations(f)
    for n in (1, 3):
        assert t.ngettext("%(n)s document", "%(n)s documents", n) == "เอกสาร %(n)s ฉบับ"


def test_every_translated_msgid_is_compiled(th_mo, th_messages, tmp_path):
    ours = _read_mo(th_mo)
    if shutil.which("msgfmt"):
        reference_mo = tmp_path / "msgfmt.mo"
        subprocess.run(
            ["msgfmt", "--check", "-o", str(reference_mo), str(TH_PO)],
            check=True,
            capture_output=True,
        )
        reference = _read_mo(reference_mo)
    else:
        reference = {k.encode(): v.encode() for k, v in th_messages.items()}
    missing = sorted(k.decode() for k in reference.keys() - ours.keys())
    assert not missing, f"not compiled: {missing[:10]}"
    # msgfmt leaves POT-Creation-Date out of the header (reproducible builds).
    assert _header(ours[b""]) == _header(reference[b""])
    different = sorted(k.decode() for k in reference if k and reference[k] != ours[k])
    assert not different, f"compiled differently: {different[:10]}"
    assert len(ours) > 250  # the whole Thai catalogue, not just the header


def test_fuzzy_entries_are_skipped_but_not_their_neighbours(tmp_path):
    po = "\n".join(
        [
            "#, fuzzy",
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            "",
            'msgid "One"',
            'msgstr "หนึ่ง"',
            "",
            "#, fuzzy, python-format",
            '#| msgid "Old %(x)s"',
            'msgid "Two %(x)s"',
            'msgstr "สอง %(x)s"',
            "",
            'msgid "Three"',
            'msgstr "สาม"',
            "",
            'msgctxt "menu"',
            'msgid "Four"',
            'msgstr "สี่"',
            "",
            'msgid "Empty"',
            'msgstr ""',
            "",
            'msgid ""',
            '"Long "',
            '"text"',
            'msgstr ""',
            '"ข้อความ"',
            '"ยาว"',
            "",
            '#~ msgid "Obsolete"',
            '#~ msgstr "เลิกใช้"',
        ]
    )
    messages = parse_po(po)
    assert messages == {
        "": "Content-Type: text/plain; charset=UTF-8\n",
        "One": "หนึ่ง",
        "Three": "สาม",
        "menu\x04Four": "สี่",
        "Long text": "ข้อความยาว",
    }
    with _compile(po, tmp_path).open("rb") as f:
        t = gettext.GNUTranslations(f)
    assert t.gettext("Two %(x)s") == "Two %(x)s"
    assert t.gettext("Three") == "สาม"
    assert t.pgettext("menu", "Four") == "สี่"
