from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.staticfiles import finders
from kombu import Connection

from clinic.core.models import Muscle
from clinic.project.celery import app


def test_healthz_reports_database_and_broker(api, db):
    response = api.get("/healthz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_healthz_is_503_naming_the_broker_when_it_is_down(api, db, monkeypatch):
    # A real connection attempt to a port where nothing listens.
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))
    response = api.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_the_schema_describes_every_core_endpoint(api, db):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/clients/",
        "/api/v1/therapists/",
        "/api/v1/clinic/",
        "/api/v1/locations/",
        "/api/v1/muscles/",
        "/api/v1/auth/token/",
    ):
        assert path in paths


def test_the_docs_page_loads_its_assets_from_this_server(api, db):
    page = api.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assets = [part.split('"')[0] for part in html.split('src="')[1:] if "swagger" in part]
    assert assets
    for asset in assets:
        assert asset.startswith("/static/")
        assert finders.find(asset.removeprefix("/static/")), asset


def test_api_404s_use_the_error_shape(api, db, settings):
    settings.DEBUG = False
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_atlas_covers_back_hip_and_leg_muscles(db):
    assert Muscle.objects.count() >= 40
    groups = Counter(Muscle.objects.values_list("functional_group", flat=True))
    for group in (
        "hip_flexors",
        "quadriceps",
        "adductors",
        "hamstrings",
        "glutes",
        "lower_back",
        "core",
        "calf",
    ):
        assert groups[group] >= 2, group
    assert groups["hamstrings"] == 3
    for slug in (
        "psoas-major",
        "iliacus",
        "rectus-femoris",
        "adductor-longus",
        "piriformis",
        "tensor-fasciae-latae",
        "quadratus-lumborum",
        "erector-spinae",
        "soleus",
    ):
        assert Muscle.objects.filter(slug=slug).exists(), slug
    assert Muscle.objects.get(slug="diaphragm").sided is False


@pytest.mark.parametrize(
    ("a", "b"), [("rectus-femoris", "biceps-femoris"), ("psoas-major", "gluteus-maximus")]
)
def test_antagonists_are_recorded_both_ways(db, a, b):
    first, second = Muscle.objects.get(slug=a), Muscle.objects.get(slug=b)
    assert second in first.antagonists.all() and first in second.antagonists.all()


def test_the_muscle_list_filters_by_group(api_as, client):
    rows = api_as("client").get("/api/v1/muscles/?functional_group=hamstrings").json()["results"]
    assert {r["slug"] for r in rows} == {"biceps-femoris", "semitendinosus", "semimembranosus"}
