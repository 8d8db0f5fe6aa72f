"""The Content Security Policy: what a page of ours may load and run.

No 'unsafe-inline' and no 'unsafe-eval': every script and style is a file under
/static/, and behaviour is wired in static/js/portal.js from data-* attributes,
never from on* attributes or javascript: links. So a stored or reflected piece
of markup that slips past escaping still cannot run.

Two ways out, both per response and both visible in the view that uses them:
- `request.csp_nonce` (for a third party that injects <style> elements, such as
  Redoc): the nonce is made on first use, and only a response that used it
  names it in script-src and style-src;
- `csp_extend(response, img_src=["data:"])` widens one directive for one
  response (the API docs' stylesheets draw icons as data: URIs).

The Django admin needs neither: its templates load every script from a file.
Its one inline <style> (admin/change_list.html) appears only when a ModelAdmin
turns off both action bars, which none of ours does; tests/e2e checks it.
"""

import secrets

from django.conf import settings

HEADER = "Content-Security-Policy"

PAGE = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    # Browsers apply form-action to the redirects a form submission follows:
    # the pay button's POST is redirected to the provider's hosted page, whose
    # origin settings.CSP_FORM_ACTION names (fakepay lives on our own origin).
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Anything that is not a page (JSON, PDF, CSV, text): nothing may load or run
# in it and nobody may frame it. Staff open customers' PDFs and pictures
# inline (issue 18): Chromium's PDF viewer shows them under this policy
# (checked on Debian's Chromium 156); its picture viewer loses only its
# centring styles.
OTHER = "default-src 'none'; frame-ancestors 'none'"


class Nonce:
    """A request's nonce, made when a template first asks for it."""

    def __init__(self):
        self.value = ""

    def __str__(self) -> str:
        if not self.value:
            self.value = secrets.token_urlsafe(18)
        return self.value


def csp_extend(response, **directives: list[str]):
    """Add sources to directives of this response's policy only:
    csp_extend(response, img_src=["data:"], worker_src=["blob:"])."""
    extra = getattr(response, "csp_extra", None) or {}
    for name, sources in directives.items():
        extra.setdefault(name.replace("_", "-"), []).extend(sources)
    response.csp_extra = extra
    return response


def policy(response, nonce: Nonce | None = None) -> str:
    """The header value for this response."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return OTHER
    directives = {name: list(sources) for name, sources in PAGE.items()}
    directives["form-action"] += getattr(settings, "CSP_FORM_ACTION", [])
    for name, sources in (getattr(response, "csp_extra", None) or {}).items():
        directives.setdefault(name, list(PAGE["default-src"])).extend(sources)
    if nonce is not None and nonce.value:
        directives["script-src"].append(f"'nonce-{nonce.value}'")
        directives["style-src"].append(f"'nonce-{nonce.value}'")
    return "; ".join(
        f"{name} {' '.join(dict.fromkeys(sources))}"
        for name, sources in directives.items()
    )
