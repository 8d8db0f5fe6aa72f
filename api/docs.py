"""The API's documentation pages (Swagger UI and Redoc from the sidecar's
static files) under the portal's Content Security Policy (core/csp.py).

drf-spectacular's own templates start both with an inline <script> and style
the page with an inline <style>. Swagger UI: the split view serves the start-up
script from its own URL (?script), our template takes the styles from a file.
Redoc: started from static/js/redoc-init.js; its styled-components insert
<style> elements at run time, so the page gets a nonce that Redoc puts on them
(and two hashes, below), and its search runs in a Worker built from a blob:
URL. Both draw icons as data: images. Redoc also always shows its vendor's
logo from cdn.redoc.ly: the policy blocks it, as it should (no CDN), and the
image hides itself; tests/e2e/conftest.py expects that one violation."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from core.csp import csp_extend

# The one stylesheet the Redoc bundle inserts while it loads (perfect-scrollbar's,
# through style-loader), before Redoc.init can hand it the nonce: allowed by its
# hash, and the empty <style> it is inserted as before being filled. Pinned with
# drf-spectacular-sidecar in requirements.txt: an upgrade that changes it shows
# up in tests/e2e as a violation that names the new hash.
REDOC_LOAD_TIME_STYLES = [
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # "" (empty)
]


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        return csp_extend(response, img_src=["data:"])


class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        return csp_extend(
            response,
            style_src=REDOC_LOAD_TIME_STYLES,
            img_src=["data:"],
            worker_src=["blob:"],
        )
