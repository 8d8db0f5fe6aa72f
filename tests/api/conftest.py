import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttles(request):
    """Throttle counts live in the cache; each test starts with none. (The
    cache may be a database table: a test that uses the database opens it
    first.)"""
    from django.core.cache import cache

    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            break
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def login(api, user, password="correct-horse-battery") -> str:
    """A token for the user, through the API's own login."""
    response = api.post(
        "/api/v1/auth/tokens/",
        {"username": user.username, "password": password},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


@pytest.fixture
def as_user(api):
    def use(user):
        token = login(api, user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        client.token = token
        return client

    return use
