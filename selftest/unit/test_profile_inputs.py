"""Profile sections for input handling, webhooks, share links and the OpenAPI inventory."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from golive.profile import Profile


def with_sections(profile_data, **sections):
    data = profile_data()
    data.update(sections)
    return data


def test_sections_validate_with_defaults(profile_data):
    profile = Profile.model_validate(with_sections(
        profile_data,
        inputs={"upload": {"service": "api", "path": "/upload"},
                "json_body": {"service": "api", "path": "/customers"},
                "injection": [{"service": "api", "path": "/search", "query": ["q"]}],
                "redos": [{"service": "api", "path": "/sku/{sku}", "param": "sku"}],
                "reflection": False},
        webhooks=[{"name": "rzp", "scheme": "razorpay", "service": "api", "path": "/webhooks/razorpay",
                   "secret": "s", "orders": {"create_path": "/orders", "status_path": "/orders/{order_id}"}}],
        share_links={"service": "api", "generate_path": "/internal/tracker-link"},
        openapi={"service": "api", "source": "openapi.json"},
    ))
    inputs = profile.inputs
    assert inputs.upload.limit_mb == 100 and inputs.upload.method == "POST"
    assert inputs.json_body.limit_kb == 256
    assert inputs.redos[0].budget_ms == 1000
    assert inputs.reflection is False and inputs.validation is None
    assert profile.webhooks[0].orders.paid_status == "paid"
    assert profile.share_links.format == "hmac-sha256-json"


def test_unknown_services_and_schemes_are_refused(profile_data):
    with pytest.raises(ValidationError, match=r"inputs.upload names service 'files'"):
        Profile.model_validate(with_sections(profile_data, inputs={"upload": {"service": "files", "path": "/u"}}))
    with pytest.raises(ValidationError, match=r"webhooks\[x\] names service 'hooks'"):
        Profile.model_validate(with_sections(profile_data, webhooks=[
            {"name": "x", "scheme": "meta", "service": "hooks", "path": "/w", "secret": "s"}]))
    with pytest.raises(ValidationError, match="scheme"):
        Profile.model_validate(with_sections(profile_data, webhooks=[
            {"name": "x", "scheme": "stripe", "service": "api", "path": "/w", "secret": "s"}]))


def test_an_injection_target_must_name_a_parameter(profile_data):
    with pytest.raises(ValidationError, match="names no query, body, form, header or path parameter"):
        Profile.model_validate(with_sections(profile_data, inputs={"injection": [{"service": "api", "path": "/x"}]}))


def test_the_sandbox_profile_describes_every_section():
    import yaml
    from pathlib import Path

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "profiles" / "sandbox.yaml").read_text())
    assert {"inputs", "webhooks", "share_links", "openapi"} <= set(data)
    assert {hook["scheme"] for hook in data["webhooks"]} == {"razorpay", "meta", "twilio", "sendgrid"}


def test_parameters_travel_in_query_path_body_form_or_header(profile_data):
    profile = Profile.model_validate(with_sections(profile_data, inputs={
        "injection": [{"service": "api", "method": "POST", "path": "/orgs/{org}/search", "form": ["q"],
                       "headers": ["X-Tenant"], "path_params": {"org": "acme"}, "sample": {"q": "tea", "page": 1}}],
        "reflection": [{"service": "api", "path": "/search", "param": "q"},
                       {"service": "api", "method": "POST", "path": "/echo", "param": "msg", "location": "body",
                        "sample": {"msg": "hi", "lang": "en"}, "benign": "hello"}],
        "redos": [{"service": "api", "path": "/sku/{sku}", "param": "sku", "benign": "ASH-250"},
                  {"service": "api", "path": "/sku", "param": "X-Sku", "location": "header"}],
    }))
    [target] = profile.inputs.injection
    assert target.parameters() == [("form", "q"), ("header", "X-Tenant"), ("path", "org")]
    assert target.sample == {"q": "tea", "page": 1}
    query, body = profile.inputs.reflection
    assert (query.param_location, body.param_location, body.benign) == ("query", "body", "hello")
    path, header = profile.inputs.redos
    assert (path.param_location, header.param_location) == ("path", "header")


@pytest.mark.parametrize(("section", "message"), [
    ({"injection": [{"service": "api", "method": "POST", "path": "/s", "body": ["a"], "form": ["b"]}]},
     "JSON \\(body\\) or a form"),
    ({"injection": [{"service": "api", "path": "/s", "path_params": {"id": "1"}}]}, "no \\{placeholder\\}"),
    ({"redos": [{"service": "api", "path": "/sku", "param": "sku", "location": "path"}]}, "needs \\{sku\\}"),
    ({"reflection": [{"service": "api", "path": "/s", "param": "q", "location": "cookie"}]}, "location"),
])
def test_parameter_mistakes_are_refused(profile_data, section, message):
    with pytest.raises(ValidationError, match=message):
        Profile.model_validate(with_sections(profile_data, inputs=section))
