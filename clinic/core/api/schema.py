"""The OpenAPI schema tells the whole truth about what the API answers.

``ClinicAutoSchema`` describes fields as they really come out:

* a time of day (``TimeField``) is wall-clock time without an offset,
  ``18:00:00``, which OpenAPI's ``format: time`` (RFC 3339 full-time, offset
  required) does not allow: it is documented by a pattern instead;
* a URL or e-mail address that may be left blank is ``""`` or a URL (an
  address), not always a URL;
* fields only some roles see (a serializer's ``Meta.role_dependent_fields``,
  when a view answers each role with a narrower serializer) are documented,
  but not as always present.

drf-spectacular documents the success of each operation from its serializers;
the postprocessing hook ``document_errors`` adds the project's one error shape
(``clinic.core.api.errors.error_body``) under every 4xx status the operation can
really give, worked out from the view that serves it:

* 400 for every operation: besides a query or body that breaks a rule, or a
  domain rule refusing a change, a NUL character anywhere in the address or
  the query is refused before any view (``clinic.core.api.middleware``);
* 401 and 403 when the view needs a signed-in caller (403 when a role policy,
  a domain rule or the CSRF check of a session can refuse);
* 404 when the path names an object, and for paged lists (a page past the end);
* 409 for every write by a signed-in caller (the domain's conflicts: a taken
  slot, a signed note);
* 413 for every request with a body (the size limit), and 415 (a body sent
  without a Content-Type, or with one the operation does not read);
* 429 when the view is throttled.

(410 is the signed links' pages', outside the API: no operation answers it.)

``schemathesis`` in ``tests/test_api_contract.py`` holds the schema to this:
an undocumented status or a body not matching its schema fails the suite.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

# What DRF's TimeField writes (and reads): HH:MM, HH:MM:SS or HH:MM:SS.ffffff.
TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


class ClinicAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with times of day, blankable URLs and
    e-mail addresses, and fields some roles do not see described as they are
    (see the module's docstring)."""

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(schema, dict):
            describe_as_is(field, schema)
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        by_role = getattr(getattr(serializer, "Meta", None), "role_dependent_fields", ())
        if by_role and direction == "response" and isinstance(schema, dict):
            required = [name for name in schema.get("required", []) if name not in by_role]
            schema.pop("required", None)
            if required:
                schema["required"] = required
            for name in by_role:
                field_schema = schema.get("properties", {}).get(name)
                if isinstance(field_schema, dict) and "$ref" not in field_schema:
                    field_schema.setdefault("description", "Only for the roles that may see it.")
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        # Django's URL and e-mail validators add their format back: take it out again.
        super()._insert_field_validators(field, schema)
        describe_as_is(field, schema)


def describe_as_is(field: Any, schema: dict[str, Any]) -> None:
    """Rewrite, in place, what OpenAPI's formats would get wrong about the field."""
    if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
        del schema["format"]
        schema["pattern"] = TIME_OF_DAY_PATTERN
        schema.setdefault("description", "A time of day on the wall clock, e.g. 18:00:00.")
    elif isinstance(field, (serializers.URLField, serializers.EmailField)) and getattr(
        field, "allow_blank", False
    ):
        kind = "uri" if isinstance(field, serializers.URLField) else "email"
        schema.pop("format", None)
        schema["anyOf"] = [{"format": kind}, {"maxLength": 0}]


ERROR_COMPONENT = "Error"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Every 4xx answer of the API. `fields` maps each offending field (dotted for "
        "nested input, e.g. `address.city`) to what is wrong with it."
    ),
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status, repeated."},
        "code": {
            "type": "string",
            "description": "A stable machine-readable reason, e.g. `invalid`, `slot_taken`.",
        },
        "message": {"type": "string", "description": "A sentence for people."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "request_id": {"type": "string", "description": "Quote it when asking for help."},
        "retry_after_seconds": {
            "type": "integer",
            "description": "Only on 429: how long to wait before trying again.",
        },
    },
    "required": ["status", "code", "message", "fields", "request_id"],
}

ERROR_DESCRIPTIONS = {
    400: "The request is not valid: `fields` names each field and the problem.",
    401: "Not signed in, or the token is not valid any more.",
    403: "Your role (or a rule of the clinic) does not allow this.",
    404: "Not found, or not yours to see.",
    409: "The request conflicts with the current state (e.g. the time was just taken).",
    410: "The link or offer has expired.",
    413: "The request body is too large.",
    415: "The body's Content-Type is missing or not one the operation reads.",
    429: "Too many requests: wait `retry_after_seconds` and try again.",
}

UNSAFE = frozenset({"post", "put", "patch", "delete"})

# Statuses a view answers by itself, where its classes do not show them:
# signing out reads the token without the view's authentication classes.
EXTRA_STATUSES: dict[tuple[str, str], frozenset[int]] = {
    ("delete", "/api/v1/auth/token/"): frozenset({401}),
}


def _is(permission: Any, kinds: tuple[type, ...]) -> bool:
    # Composed permissions (A | B) are instances, not classes: they may refuse.
    return isinstance(permission, type) and issubclass(permission, kinds)


def _needs_sign_in(view: Any) -> bool:
    return any(not _is(p, (AllowAny,)) for p in getattr(view, "permission_classes", []))


def _refusable(view: Any, method: str) -> bool:
    """403: a role policy, a domain rule (on writes) or CSRF (on writes) can refuse."""
    if method in UNSAFE:
        return True
    return any(
        not _is(p, (AllowAny, IsAuthenticated)) for p in getattr(view, "permission_classes", [])
    )


def _is_paged_list(view: Any) -> bool:
    return getattr(view, "action", None) == "list" and bool(getattr(view, "pagination_class", None))


def error_statuses(*, view: Any, method: str, path: str, operation: dict[str, Any]) -> set[int]:
    """The 4xx statuses this operation can answer (see the module's docstring)."""
    method = method.lower()
    statuses: set[int] = {400}
    signed_in = _needs_sign_in(view)
    if signed_in:
        statuses.add(401)
        if _refusable(view, method):
            statuses.add(403)
    if "{" in path or _is_paged_list(view):
        statuses.add(404)
    if signed_in and method in UNSAFE:
        statuses.add(409)
    if "requestBody" in operation:
        statuses.add(413)
        statuses.add(415)
    if getattr(view, "throttle_classes", None):
        statuses.add(429)
    statuses |= EXTRA_STATUSES.get((method, path), frozenset())
    return statuses


def document_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool, **kwargs: Any
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error component, and a reference
    to it under each 4xx status every operation can answer."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for route, _, method, callback in generator.endpoints:
        view = generator.create_view(callback, method)
        path = generator.coerce_path(route, method, view)
        operation = result.get("paths", {}).get(path, {}).get(method.lower())
        if operation is None:
            continue
        responses = operation.setdefault("responses", {})
        for status in sorted(
            error_statuses(view=view, method=method, path=path, operation=operation)
        ):
            responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS[status]})
        for status, response in responses.items():
            # Errors a view declares itself (a description of when) have the same body.
            if status.startswith("4") and not response.get("content"):
                response["content"] = {"application/json": {"schema": ref}}
    return result
