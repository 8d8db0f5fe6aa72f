"""Django's own form messages read naturally in Thai (issue 18): the password
validators' ("This password is too common.") and a required field's
("ฟิลด์นี้จำเป็น" in Django's catalogue) come from the project's .po."""

import ast
import re
from pathlib import Path

import django
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

import core.django_messages

pytestmark = pytest.mark.django_db

THAI = re.compile("[\u0e00-\u0e7f]")
DJANGO = Path(django.__file__).parent
SOURCES = [
    "forms/fields.py",
    "forms/models.py",
    "core/validators.py",
    "contrib/auth/password_validation.py",
    "contrib/auth/forms.py",
]


def _calls(path: Path, names: set[str]) -> list[tuple[str, ...]]:
    """The string arguments of each call of one of `names` in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names:
            args = tuple(
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
            if args:
                found.append(args[:2])  # not ngettext_lazy's number key
    return found


OURS = _calls(Path(core.django_messages.__file__), {"gettext_noop", "ngettext_lazy"})


def test_each_message_named_is_one_django_still_has():
    theirs = {
        args
        for source in SOURCES
        for args in _calls(
            DJANGO / source, {"_", "gettext_lazy", "ngettext", "ngettext_lazy"}
        )
    }
    assert len(OURS) == 30
    assert [msgid for msgid in OURS if msgid not in theirs] == []


@pytest.mark.parametrize("msgid", OURS, ids=lambda m: m[0][:40])
def test_each_has_the_projects_thai(msgid):
    with translation.override("th"):
        thai = gettext(msgid[0]) if len(msgid) == 1 else ngettext(*msgid, 2)
    assert THAI.search(thai), thai
    assert thai != "ฟิลด์นี้จำเป็น"
    # The same placeholders, so that Django's formatting still fills them.
    assert sorted(re.findall(r"%(?:\(\w+\))?[sd]", thai)) == sorted(
        re.findall(r"%(?:\(\w+\))?[sd]", msgid[-1])
    )


def _thai_signup(client, **data):
    return client.post(reverse("accounts:signup"), data, HTTP_ACCEPT_LANGUAGE="th")


def test_the_thai_signup_says_what_is_wrong_with_the_password_in_thai(client):
    response = _thai_signup(
        client, kind="individual", password1="12345678", password2="12345678"
    )
    html = response.content.decode()

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["password1"] == [
        "รหัสผ่านนี้มีคนใช้กันมากจึงเดาได้ง่าย กรุณาตั้งรหัสผ่านอื่น",
        "รหัสผ่านนี้มีแต่ตัวเลข กรุณาเพิ่มตัวอักษรด้วย",
    ]
    assert errors["first_name"] == ["กรุณาระบุข้อมูลในช่องนี้"]
    assert "This password" not in html and "ฟิลด์นี้จำเป็น" not in html
    # In the summary at the top as well as by the field.
    assert html.count("กรุณาระบุข้อมูลในช่องนี้") >= 2 * 3  # names and phone

    short = _thai_signup(client, password1="a1b2c", password2="a1b2c")
    assert short.context["form"].errors["password1"] == [
        "รหัสผ่านนี้สั้นเกินไป ต้องมีอย่างน้อย 8 ตัวอักษร"
    ]


def test_the_english_signup_keeps_djangos_words(client):
    response = client.post(
        reverse("accounts:signup"),
        {"password1": "12345678", "password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    errors = response.context["form"].errors
    assert errors["password1"] == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert errors["last_name"] == ["This field is required."]


def test_a_wrong_password_is_said_in_thai_on_the_thai_login(client, customer):
    response = client.post(
        reverse("accounts:login"),
        {"username": customer.username, "password": "wrong-password"},
        HTTP_ACCEPT_LANGUAGE="th",
    )
    assert response.context["form"].non_field_errors() == [
        "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาลองอีกครั้ง (ตัวพิมพ์ใหญ่และตัวพิมพ์เล็กถือว่าต่างกัน)"
    ]
