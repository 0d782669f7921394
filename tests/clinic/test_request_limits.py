"""Request bodies under the input policy: a body larger than the limit is
refused with 413 from its Content-Length without being read (a chunked one is
read only up to the limit), JSON deeper than 32 levels is a 400 before the
recursive decoder sees it, and a NUL character in the address, a query
parameter or any field of a body is a 400 naming where it is. Time and memory
are proven by behaviour: what was read, and what the refusal allocated."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.base import BaseHandler
from django.test import RequestFactory

from clinic.core.api.parsers import json_too_deep
from clinic.core.models import Client, User

MB = 1_000_000
LIMIT = 1_048_576  # CLINIC_MAX_BODY_BYTES: 1 MiB


def deep_json(depth: int) -> str:
    return '{"first_name": ' + "[" * depth + "]" * depth + ', "last_name": "Kim"}'


def refused(response, field: str) -> dict:
    """A 400 in the error shape that names ``field``."""
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["status"] == 400
    assert field in body["fields"], body
    return body


# --- Request bodies: 413 from the Content-Length, unread -------------------------


def test_a_body_larger_than_the_limit_is_refused_with_413_before_the_view_runs(api_as, front_desk):
    before = Client.objects.count()
    # The request holds a 43-byte body; Django's stand-in for the socket fails
    # the test if anything reads past it, so a 413 here proves nothing was read.
    response = api_as("front_desk").generic(
        "POST",
        "/api/v1/clients/",
        '{"first_name": "Grace", "last_name": "Kim"}',
        content_type="application/json",
        CONTENT_LENGTH=str(200 * MB),
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large"
    assert "1,048,576" in body["message"]
    assert Client.objects.count() == before


def test_the_sign_in_endpoint_refuses_a_200_mb_body_without_reading_it(api, db):
    response = api.generic(
        "POST",
        "/api/v1/auth/token/",
        '{"username": "a", "password": "b"}',
        content_type="application/json",
        CONTENT_LENGTH=str(200 * MB),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_page_outside_the_api_gets_a_plain_413(db):
    request = RequestFactory().generic(
        "POST",
        "/accounts/login/",
        b"username=a&password=b",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(5 * MB),
    )
    response = _handler()(request)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


def test_a_body_at_the_limit_is_read(api_as, front_desk):
    # 1 MiB of JSON is let through (and then refused by the field's own limit).
    padding = "x" * (LIMIT - 60)
    body = f'{{"first_name": "{padding}", "last_name": "Kim"}}'
    assert len(body.encode()) <= LIMIT
    response = api_as("front_desk").post("/api/v1/clients/", body, content_type="application/json")
    refused(response, "first_name")


def test_the_limit_can_be_raised_for_a_path_prefix(api_as, front_desk, settings):
    settings.CLINIC_BODY_LIMITS = {"/api/v1/clients/": 3 * MB, "/api/v1/": 10}
    big = api_as("front_desk").post(
        "/api/v1/clients/",
        {"first_name": "G" * (2 * MB), "last_name": "Kim"},
        format="json",
    )
    refused(big, "first_name")  # read and parsed: the clients prefix allows 3 MB
    small = api_as("front_desk").patch("/api/v1/clinic/", {"name": "A new name"}, format="json")
    assert small.status_code == 413  # everything else under /api/v1/ allows 10 bytes


def _handler():
    handler = BaseHandler()
    handler.load_middleware()
    return handler.get_response


def _peak_bytes(call) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_refusing_a_5_mb_body_costs_the_worker_almost_no_memory(db):
    handle = _handler()
    body = b'{"username": "' + b"a" * (5 * MB) + b'", "password": "b"}'
    make = RequestFactory().generic
    handle(make("POST", "/api/v1/auth/token/", body, content_type="application/json"))  # warm up
    request = make("POST", "/api/v1/auth/token/", body, content_type="application/json")
    responses = []
    peak = _peak_bytes(lambda: responses.append(handle(request)))
    assert responses[0].status_code == 413
    assert peak < MB // 2, peak  # the 5 MB were never read into memory


def _asgi_request(path: str, body: bytes, content_type: str) -> ASGIRequest:
    """A request as an ASGI server hands it over for a chunked upload: the body
    in a file, and no Content-Length."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "query_string": b"",
        "headers": [
            (b"content-type", content_type.encode()),
            # A well-formed CSRF cookie, so the sign-in page goes on to read the form.
            (b"cookie", b"csrftoken=" + b"a" * 32),
        ],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }
    return ASGIRequest(scope, io.BytesIO(body))


def test_a_chunked_body_is_read_only_up_to_the_limit(db):
    handle = _handler()
    body = b"username=" + b"a" * (5 * MB)
    content_type = "application/x-www-form-urlencoded"
    handle(_asgi_request("/accounts/login/", body, content_type))  # warm up
    request = _asgi_request("/accounts/login/", body, content_type)
    responses = []
    peak = _peak_bytes(lambda: responses.append(handle(request)))
    assert responses[0].status_code == 413
    assert request._stream.seen == LIMIT + 1  # one byte past the limit, then it stopped
    assert peak < 4 * MB, peak


def test_the_limits_for_django_forms_are_set(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.CLINIC_MAX_BODY_BYTES == LIMIT
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000


def test_too_many_form_fields_are_a_400(api_as, front_desk):
    body = "&".join(f"f{i}=x" for i in range(600))
    response = api_as("front_desk").post(
        "/api/v1/clients/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


# --- Deep JSON -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "url"),
    [("front_desk", "/api/v1/clients/"), ("anonymous", "/api/v1/auth/token/")],
)
def test_json_nested_10000_deep_is_a_400_and_writes_nothing(api_as, front_desk, persona, url):
    before = (Client.objects.count(), User.objects.count())
    response = api_as(persona).post(url, deep_json(10_000), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert "nested too deeply" in body["message"]
    assert (Client.objects.count(), User.objects.count()) == before


def test_json_32_levels_deep_is_parsed_and_33_is_refused():
    assert not json_too_deep("[" * 32 + "]" * 32, 32)
    assert json_too_deep("[" * 33 + "]" * 33, 32)


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = '{"a": "[[[[{{{{\\"[[[[", "b": ["\\\\", {"c": "]]]]"}]}'
    assert not json_too_deep(text, 3)  # the object, the list, the object in it
    assert json_too_deep(text, 2)
    assert json_too_deep('{"a": [{"b": [1]}]}', 3)


# --- NUL characters ---------------------------------------------------------------


def test_a_nul_in_the_calendar_address_is_a_plain_400(db):
    response = _handler()(RequestFactory().get("/calendars/%00.ics"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_a_nul_in_an_api_address_is_a_400_naming_the_path(api_as, front_desk):
    refused(api_as("front_desk").get("/api/v1/clients/%00/"), "path")


def test_a_nul_in_a_query_parameter_is_a_400_naming_it(api_as, front_desk):
    refused(api_as("front_desk").get("/api/v1/clients/?search=a%00b"), "search")


def test_a_nul_in_a_json_field_is_a_400_naming_it(api_as, front_desk):
    before = Client.objects.count()
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {"first_name": "Gr\x00ace", "last_name": "Kim", "care_team": []},
        format="json",
    )
    body = refused(response, "first_name")
    assert "NUL" in body["fields"]["first_name"][0]
    assert Client.objects.count() == before


def test_a_nul_in_a_form_field_is_a_400_naming_it(api_as, front_desk):
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        "first_name=Grace&last_name=K%00im",
        content_type="application/x-www-form-urlencoded",
    )
    refused(response, "last_name")


def test_a_nul_in_a_nested_json_value_names_its_dotted_path(api_as, front_desk):
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {"first_name": "Grace", "last_name": "Kim", "care_team": ["1", "\x00"]},
        format="json",
    )
    refused(response, "care_team.1")
