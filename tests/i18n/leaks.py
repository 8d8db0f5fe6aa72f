"""What a page shows a reader, and the words in it that are in the other
language (issue 18, item 6).

`visible_texts` takes the text a reader sees or hears from a page: its text
nodes (not <script> or <style>), the attributes a browser or screen reader
shows (alt, title, aria-label, placeholder, a button's value) and the ones the
portal's script shows (data-confirm, data-label, data-waiting, data-failed:
static/js/portal.js). `thai_leaks` and `english_leaks` find the other
language's words in one such text, after taking out what the data says (a
name, an address, what someone typed), which is shown as it was written.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Thai letters, vowels and tone marks (not the baht sign ฿, U+0E3F, which
# English pages print too).
THAI = re.compile(r"[\u0E01-\u0E3A\u0E40-\u0E4E]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
SPACES = re.compile(r"\s+")

SHOWN_ATTRIBUTES = {
    "alt",
    "title",
    "aria-label",
    "placeholder",
    # read by static/js/portal.js and shown (confirm(), a status line, a
    # chart's legend)
    "data-confirm",
    "data-label",
    "data-waiting",
    "data-failed",
}
BUTTON_INPUTS = {"submit", "button", "reset"}
HIDDEN_CONTENT = {"script", "style"}
# Code shown as code (a workflow's diagram source): not in any language.
CODE_CONTENT = {"pre", "code"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

# The language switch names the other language in that language (it carries
# lang="en" / lang="th"): templates/base.html.
SWITCH = {"th": "English", "en": "ภาษาไทย"}
# A choice of language lists each by its own name (User.Language), so a
# reader finds theirs whatever the page's language.
LANGUAGE_OPTIONS = {"th": "ไทย", "en": "English"}

# English a Thai page may show: brand and product names the portal and its
# partners use as they are, in Latin letters, on Thai screens; the units of
# the trade as Thai electricians write them; the baht sign's code. Keep it short.
BRANDS_AND_UNITS = {
    "PEA",  # the authority's own mark (templates/base.html)
    "Smart",  # "PEA Smart Plus", the portal's name
    "Plus",
    "PromptPay",  # the national QR payment scheme
    "Thai",  # "Thai QR Payment", the standard's name
    "QR",
    "Payment",
    "SMS",
    "PDF",  # file formats, as Thai screens name them
    "JPEG",
    "PNG",
    "CSV",
    "DMSx",  # PEA's distribution management system, where disconnections come from
    "Mermaid",  # the diagram language of a workflow's source (staff)
    "CA",  # the contract account number, as printed on every PEA bill
    "CT",  # current- and voltage-transformer meters, as PEA's tariff names them
    "VT",
    "kWh",
    "Ft",  # the fuel adjustment charge, as every PEA bill prints it (ค่า Ft)
    "kVA",
    "kW",
    "mm",
    "MB",
    "A",
    "V",
    "THB",
}


# Terms Thai forms print in Latin letters, as the trade reads them: the
# PromptPay bill-payment standard's "Biller ID" (as the banks' apps show it),
# the engineer's "Single Line Diagram" (as PEA's own document lists name it).
LATIN_TERMS = ("Biller ID", "Single Line Diagram")
# The code of PEA's meter replacement form (แบบ มต.75), as the paper form
# prints it: English pages name the form by its code.
THAI_CODES = ("มต.75",)


def normal(text: str) -> str:
    return SPACES.sub(" ", text).strip()


class _Page(HTMLParser):
    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        # The one text the element being read may show in the other language:
        # the language switch's, a language option's.
        self._own_name: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN_CONTENT or tag in CODE_CONTENT:
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and (attrs.get("type") or "").lower() in BUTTON_INPUTS:
            if attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID:
            if tag == "button" and attrs.get("name") == "language":
                self._own_name = SWITCH.get(self.lang)
            elif tag == "option":
                self._own_name = LANGUAGE_OPTIONS.get(attrs.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if (tag in HIDDEN_CONTENT or tag in CODE_CONTENT) and self._hidden:
            self._hidden -= 1
        if tag in VOID:
            return
        if tag in ("button", "option"):
            self._own_name = None

    def handle_data(self, data):
        if self._hidden:
            return
        text = normal(data)
        if not text:
            return
        if text == self._own_name:
            return
        self.texts.append(text)


def parse(html: str, lang: str) -> tuple[list[str], list[str]]:
    """(visible texts, link targets) of an HTML page read in `lang`."""
    page = _Page(lang)
    page.feed(html)
    page.close()
    return [normal(t) for t in page.texts if normal(t)], page.links


class Allowed:
    """The data's own words (names, addresses, what people typed): shown as
    written, in whichever language they were written. Whole values are taken
    out of a text, longest first, and so are their lines (a note shown with
    its line breaks is several text nodes)."""

    def __init__(self, values):
        parts = set()
        for value in values:
            if not value:
                continue
            value = str(value)
            parts.add(normal(value))
            parts.update(normal(line) for line in value.splitlines())
        parts.discard("")
        self.thai = sorted((p for p in parts if THAI.search(p)), key=len, reverse=True)
        self.latin = sorted(
            (p for p in parts if LATIN_WORD.search(p)), key=len, reverse=True
        )

    @staticmethod
    def _without(text: str, values: list[str]) -> str:
        for value in values:
            if value in text:
                text = text.replace(value, " \x00 ")
        return text

    def thai_left(self, text: str) -> str:
        return self._without(text, self.thai)

    def latin_left(self, text: str) -> str:
        return self._without(text, self.latin)


def thai_leaks(text: str, allowed: Allowed) -> bool:
    """Whether an English page's text shows Thai that is not the data's."""
    if not THAI.search(text):
        return False
    left = allowed.thai_left(text)
    for code in THAI_CODES:
        left = left.replace(code, " ")
    return bool(THAI.search(left))


CODE = re.compile(
    r"""(
        \S*\d\S*                      # anything with a digit: NC69-000001, 5(15)-1,
                                      # PEA00000069, 12:30, 1,234.50
      | \S+@\S+                       # an e-mail address
      | https?://\S* | (?<!\S)/\S*    # a URL or a path
    )""",
    re.VERBOSE,
)


def english_words(text: str, allowed: Allowed) -> list[str]:
    """The English words a Thai page's text shows that are not the data's, a
    code, a brand or a unit."""
    if not LATIN_WORD.search(text):
        return []
    left = allowed.latin_left(text)
    for term in LATIN_TERMS:
        left = left.replace(term, " ")
    left = CODE.sub(" ", left)
    return [w for w in LATIN_WORD.findall(left) if w not in BRANDS_AND_UNITS]


def other_language(texts: list[str], lang: str, allowed: Allowed) -> list[tuple]:
    """(text, the other language's words in it) of each text of a page read
    in `lang` that shows the other language."""
    found = []
    for text in texts:
        if lang == "en":
            if thai_leaks(text, allowed):
                found.append((text, ""))
        else:
            words = english_words(text, allowed)
            if words:
                found.append((text, " ".join(words)))
    return found


PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[-#0 +]*\d*(?:\.\d+)?[sdfir]")


class Catalog:
    """The portal's own sentences (the msgids and their Thai msgstrs), as
    patterns: a value of the data that reads as one of them was written by
    the portal in its writer's language, not typed by a person (the bug of
    issue 18, item 6), and is not the data's own words."""

    def __init__(self, catalog: dict):
        patterns = set()
        for msgid, msgstr in catalog.items():
            for text in (msgid if isinstance(msgid, str) else msgid[0], msgstr):
                if not isinstance(text, str):
                    continue
                words = PLACEHOLDER.sub(" ", text).replace("%%", "%")
                # Sentences, not single words a person may well type too.
                if len(words.split()) < 2 and not THAI.search(words):
                    continue
                if len(normal(words)) < 8:
                    continue
                parts = PLACEHOLDER.split(text)
                patterns.add(".+?".join(re.escape(p.replace("%%", "%")) for p in parts))
        alternatives = "|".join(sorted(patterns, key=len, reverse=True))
        self._pattern = re.compile(rf"(?:{alternatives})(?=[.:;,]?(?:\s|$))")

    def written_by_portal(self, value: str) -> bool:
        return bool(self._pattern.match(value))
