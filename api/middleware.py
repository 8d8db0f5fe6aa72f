"""API answers carry a customer's data (requests, invoices, tokens): no browser
or shared cache may keep them (`Cache-Control: no-store`)."""

from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and "no-store" not in response.get(
            "Cache-Control", ""
        ):
            # max-age=0, no-cache, no-store, must-revalidate, private (a view
            # that already said no-store, a PDF download, keeps its own words)
            add_never_cache_headers(response)
        return response
