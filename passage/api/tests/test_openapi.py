"""The partner API describes itself: a valid OpenAPI 3.1 document listing every operation with the bearer
scheme, and a docs page that loads nothing from outside (the CSP allows self only)."""

import re

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.versions.shortcuts import get_spec_version

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("post", "/api/v1/referrals"): "referral_create",
    ("get", "/api/v1/referrals"): "referral_list",
    ("get", "/api/v1/referrals/{referral_id}"): "referral_get",
    ("get", "/api/v1/departures"): "departure_list",
    ("get", "/api/v1/events/{message_id}"): "event_get",
}


def test_the_openapi_document_is_valid_3_1_and_lists_the_operations(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema
    assert document["openapi"] == "3.1.0" and str(get_spec_version(document)) == "OpenAPIV3.1"
    found = {(method, path): op["operationId"] for path, item in document["paths"].items()
             for method, op in item.items()}
    assert found == OPERATIONS
    assert document["components"]["securitySchemes"] == {"PartnerBearer": {"type": "http", "scheme": "bearer"}}
    create = document["paths"]["/api/v1/referrals"]["post"]
    assert [(p["name"], p["in"], p["required"]) for p in create["parameters"]] == [("Idempotency-Key", "header", True)]
    assert set(create["responses"]) == {"201", "400", "401", "404", "409", "422", "429"}
    assert all(op["security"] == [{"PartnerBearer": []}] for item in document["paths"].values() for op in item.values())


def test_the_docs_page_loads_its_assets_from_this_site_only(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert "<script>" not in html  # no inline script: the settings travel as JSON, read by a static script
    assert "script-src 'self'" in response["Content-Security-Policy"]
