"""golive.redaction: no secret reaches a report, whether known by name, by shape, by header or by field."""

from __future__ import annotations

import json
import os

import pytest

from golive.redaction import MASK, Redactor, secrets_from_env

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiIsImV4cCI6MTcwMDAwMDAwMH0"
    ".Qx8z2Vb1S4l0dWn4c2lnbmF0dXJlYnl0ZXNoZXJl"
)
RAZORPAY_KEY = "rzp_live_AbCdEf123456Xy"
SENDGRID_KEY = "SG.aBcDeFgHiJkLmNoP.qRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVw"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"


def test_secrets_from_env_picks_values_by_variable_name():
    env = {
        "SANDBOX_JWT_SECRET": "local-sandbox-jwt-signing-secret-4f7c2a",
        "RAZORPAY_KEY_ID": "rzp_test_1DP5mmOlF5G5ag",
        "WHATSAPP_ACCESS_TOKEN": "EAAGm0PX4ZCpsBA-whatsapp",
        "SANDBOX_ADMIN_PASSWORD": "local-admin-Pw-7351",
        "SENTRY_DSN": "https://abc123@o1.ingest.sentry.test/42",
        "db_passwd": "lower-case-name-too",
        "GOLIVE_ENV_KIND": "local",
        "SANDBOX_URL": "http://127.0.0.1:8799",
    }

    assert sorted(secrets_from_env(env)) == sorted(
        [
            "local-sandbox-jwt-signing-secret-4f7c2a",
            "rzp_test_1DP5mmOlF5G5ag",
            "EAAGm0PX4ZCpsBA-whatsapp",
            "local-admin-Pw-7351",
            "https://abc123@o1.ingest.sentry.test/42",
            "lower-case-name-too",
        ]
    )


@pytest.mark.parametrize("value", ["", "true", "False", "0", "1", "yes", "off", "none", "abc", "  ab  "])
def test_secrets_from_env_ignores_short_and_boolean_values(value):
    assert secrets_from_env({"FEATURE_TOKEN_REQUIRED": value, "API_KEY": value}) == []


def test_env_secrets_are_masked_in_text_longest_first():
    redactor = Redactor(["local-admin-Pw-7351", "local-admin-Pw-7351-extended"])

    text = redactor.text("login admin/local-admin-Pw-7351-extended then local-admin-Pw-7351")

    assert text == f"login admin/{MASK} then {MASK}"


def test_secrets_added_later_are_masked_too():
    redactor = Redactor()
    redactor.add("late-secret-value-99", "")

    assert redactor.text("x=late-secret-value-99") == f"x={MASK}"


@pytest.mark.parametrize(
    "secret",
    [JWT, f"Bearer {JWT}", "Bearer opaque-token-0123456789", "Basic YWRtaW46aHVudGVyMg==", RAZORPAY_KEY,
     "rzp_test_1DP5mmOlF5G5ag", SENDGRID_KEY, AWS_KEY],
    ids=["jwt", "bearer-jwt", "bearer-opaque", "basic", "rzp-live", "rzp-test", "sendgrid", "aws"],
)
def test_secret_shapes_are_masked_in_free_text(secret):
    text = Redactor().text(f"sent header: {secret} (to the gateway)")

    assert secret not in text
    assert text.startswith("sent header: ")
    assert text.endswith(" (to the gateway)")
    assert MASK in text


def test_ordinary_text_is_left_alone():
    text = 'GET /api/products?page=2 → 200; WWW-Authenticate: Bearer realm="api"; rzp_live_ is a prefix; SG.short'

    assert Redactor().text(text) == text


def test_sensitive_headers_are_masked_whatever_their_value():
    headers = [
        ("Authorization", "Token abc"),
        ("Cookie", "session=s3ss10n"),
        ("set-cookie", "refresh=r3fr3sh; HttpOnly"),
        ("X-Razorpay-Signature", "a" * 64),
        ("X-API-Key", "k"),
        ("Content-Type", "application/json"),
        ("X-Request-ID", "golive-1234"),
    ]

    assert Redactor().headers(headers) == [
        ("Authorization", MASK),
        ("Cookie", MASK),
        ("set-cookie", MASK),
        ("X-Razorpay-Signature", MASK),
        ("X-API-Key", MASK),
        ("Content-Type", "application/json"),
        ("X-Request-ID", "golive-1234"),
    ]


def test_other_header_values_are_scanned_for_secrets():
    assert Redactor(["tenant-secret-42"]).headers([("X-Debug", "key=tenant-secret-42")]) == [("X-Debug", f"key={MASK}")]


def test_sensitive_json_fields_are_masked_in_nested_bodies():
    body = {
        "user": {"username": "admin", "password": "hunter2-local"},
        "sessions": [{"access_token": "opaque-access-1", "refresh_token": "opaque-refresh-2", "expires_in": 3600}],
        "tokens": ["a-list-under-a-sensitive-key"],
        "razorpay_signature": "f" * 64,
        "otp": "493817",
        "client_secret": "cs_1234",
        "note": f"forwarded {JWT}",
        "password_hint": None,
        "api_key": "",
        "count": 3,
    }

    redacted = Redactor().data(body)

    assert redacted == {
        "user": {"username": "admin", "password": MASK},
        "sessions": [{"access_token": MASK, "refresh_token": MASK, "expires_in": 3600}],
        "tokens": MASK,
        "razorpay_signature": MASK,
        "otp": MASK,
        "client_secret": MASK,
        "note": f"forwarded {MASK}",
        "password_hint": None,
        "api_key": "",
        "count": 3,
    }


def test_json_body_is_redacted_and_pretty_printed():
    raw = json.dumps({"email": "a@shop.test", "password": "hunter2-local", "nested": {"signature": "sig-abc-123"}})

    text = Redactor().body(raw, "application/json; charset=utf-8")

    assert "hunter2-local" not in text
    assert "sig-abc-123" not in text
    assert json.loads(text) == {"email": "a@shop.test", "password": MASK, "nested": {"signature": MASK}}


def test_json_looking_body_without_json_content_type_is_still_parsed():
    text = Redactor().body('[{"token": "t-0123456789"}]')

    assert json.loads(text) == [{"token": MASK}]


def test_invalid_json_falls_back_to_text_scanning():
    text = Redactor(["hunter2-local"]).body('{"password": "hunter2-local"', "application/json")

    assert text == '{"password": "' + MASK + '"'


def test_form_bodies_mask_sensitive_fields():
    raw = "username=admin&password=hunter2-local&grant_type=password&client_secret=cs_123&otp=493817"

    text = Redactor().body(raw, "application/x-www-form-urlencoded")

    assert text == f"username=admin&password={MASK}&grant_type=password&client_secret={MASK}&otp={MASK}"


def test_sweep_rewrites_files_with_secrets_and_leaves_clean_ones_untouched(tmp_path):
    redactor = Redactor(["local-admin-Pw-7351"])
    dirty = tmp_path / "allure-results" / "abc-attachment.txt"
    dirty.parent.mkdir()
    dirty.write_text(f"POST /login\n\npassword=local-admin-Pw-7351\nAuthorization: Bearer {JWT}\n", encoding="utf-8")
    also_dirty = tmp_path / "verdict.md"
    also_dirty.write_text(f"key {RAZORPAY_KEY}\n", encoding="utf-8")
    clean = tmp_path / "verdict.json"
    clean.write_text('{"decision": "GO"}\n', encoding="utf-8")
    binary = tmp_path / "screenshot.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe local-admin-Pw-7351")
    clean_before = os.stat(clean).st_mtime_ns
    binary_before = binary.read_bytes()

    changed = redactor.sweep(tmp_path)

    assert changed == 2
    swept = dirty.read_text(encoding="utf-8")
    assert swept.startswith(f"POST /login\n\npassword={MASK}\nAuthorization: ")
    assert JWT not in swept
    assert also_dirty.read_text(encoding="utf-8") == f"key {MASK}\n"
    assert clean.read_text(encoding="utf-8") == '{"decision": "GO"}\n'
    assert os.stat(clean).st_mtime_ns == clean_before
    assert binary.read_bytes() == binary_before
    assert redactor.sweep(tmp_path) == 0


def test_signed_share_links_are_masked_like_tokens():
    link = "https://tracker.test/t/eyJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz"
    assert Redactor().text(link) == f"https://tracker.test/t/{MASK}"


def test_signed_url_signatures_are_masked_and_the_rest_of_the_url_kept():
    url = ("https://bucket.s3.amazonaws.com/doc.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
           "&X-Amz-Credential=AKIDEXAMPLE%2F20261121%2Fap-south-1%2Fs3%2Faws4_request&X-Amz-Expires=3600"
           "&X-Amz-Signature=56918413cbf6ff64644ec58f4d271b504b00da96f95ba80cddbb5ae74b696fb2")
    masked = Redactor().text(f"DELETE {url}")
    assert "56918413cbf6" not in masked and "AKIDEXAMPLE" not in masked
    assert masked.startswith("DELETE https://bucket.s3.amazonaws.com/doc.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256")
    assert "X-Amz-Signature=«redacted»" in masked and "X-Amz-Expires=3600" in masked


# --- word-like secrets: masked as whole values, never inside ordinary words ------------------

WORD_LIKE = ["random", "changethis", "admin"]


@pytest.mark.parametrize(
    "secret, word_like",
    [("random", True), ("changethis", True), ("admin", True), ("493817", True), ("2026-12-03", True),
     ("s3cr3t", True), ("administrator", True), ("change this", True),
     ("hunter2-local", False), ("Password1", False), ("local-admin-Pw-7351", False),
     ("correcthorsebatterystaple", False)],
)
def test_word_like_secrets_are_told_from_secrets_no_word_contains(secret, word_like):
    from golive.redaction import is_word_like

    assert is_word_like(secret) is word_like


def test_a_word_like_secret_in_prose_leaves_every_word_alone():
    prose = ("forged token with a random kid; the randomised input; changethisnow; GET /admin/login as admin "
             "→ 200; random-looking ids; Random")

    assert Redactor(WORD_LIKE).text(prose) == prose


def test_a_json_body_masks_a_word_like_secret_standing_as_a_whole_value():
    raw = json.dumps({"username": "shopper", "password": "random", "note": "random", "hint": "a random kid",
                      "tags": ["random", "randomised"], "reason": "changethis"})

    text = Redactor(WORD_LIKE).body(raw, "application/json")

    assert json.loads(text) == {"username": "shopper", "password": MASK, "note": MASK, "hint": "a random kid",
                                "tags": [MASK, "randomised"], "reason": MASK}


def test_a_form_body_masks_the_secret_value_and_keeps_the_rest():
    redactor = Redactor(WORD_LIKE)

    assert redactor.body("password=random&x=1", "application/x-www-form-urlencoded") == f"password={MASK}&x=1"
    assert redactor.body("comment=random&x=1", "application/x-www-form-urlencoded") == f"comment={MASK}&x=1"
    assert redactor.body("q=randomised&x=random+kid", "application/x-www-form-urlencoded") == "q=randomised&x=random+kid"
    # the same form seen as plain text (an attachment without its content type)
    assert redactor.text("username=shopper&password=random&x=1") == f"username=shopper&password={MASK}&x=1"


def test_a_basic_auth_header_is_masked_in_headers_and_in_text():
    import base64

    credential = base64.b64encode(b"admin:random").decode()
    redactor = Redactor(WORD_LIKE)

    assert redactor.headers([("Authorization", f"Basic {credential}"), ("X-Echo", "random"),
                             ("X-Note", "random kid")]) == [("Authorization", MASK), ("X-Echo", MASK),
                                                            ("X-Note", "random kid")]
    text = redactor.text(f"Authorization: Basic {credential}\nX-Echo: random\nX-Note: random kid")
    assert credential not in text and "random\n" not in text
    assert text.endswith(f"X-Echo: {MASK}\nX-Note: random kid")
    assert redactor.text("sent Basic random, then Bearer random") == f"sent Basic {MASK}, then Bearer {MASK}"


def test_a_url_query_masks_the_secret_value_also_percent_encoded():
    redactor = Redactor([*WORD_LIKE, "adm!n"])

    url = "https://shop.test/login?user=shopper&pw=random&next=/random/kid&q=randomised&k=adm%21n"
    assert redactor.text(f"GET {url} → 200") == (
        f"GET https://shop.test/login?user=shopper&pw={MASK}&next=/random/kid&q=randomised&k={MASK} → 200")


def test_word_like_secrets_in_config_lines_and_connection_strings_are_masked():
    redactor = Redactor(WORD_LIKE)

    text = redactor.text("password: random\r\nDB=postgres://app:random@db:5432/shop\nnote: a random kid\nchangethis\n")

    assert text == f"password: {MASK}\r\nDB=postgres://app:{MASK}@db:5432/shop\nnote: a random kid\n{MASK}\n"


def test_long_secrets_are_masked_anywhere_also_inside_words_and_percent_encoded():
    redactor = Redactor(["local-admin-Pw-7351", "correcthorsebatterystaple", "p@ss W0rd!"])

    text = redactor.text("xlocal-admin-Pw-7351y correcthorsebatterystaplers /login?pw=p%40ss+W0rd%21&pw2=p%40ss%20W0rd%21")

    assert text == f"x{MASK}y {MASK}rs /login?pw={MASK}&pw2={MASK}"


def test_sweep_masks_a_word_like_secret_quoted_in_a_report_and_keeps_prose(tmp_path):
    verdict = tmp_path / "verdict.json"
    verdict.write_text('{"found": "random", "message": "forged token with a random kid"}\n', encoding="utf-8")

    assert Redactor(WORD_LIKE).sweep(tmp_path) == 1
    assert verdict.read_text(encoding="utf-8") == f'{{"found": "{MASK}", "message": "forged token with a random kid"}}\n'
