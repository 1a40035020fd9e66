"""Firebase Authentication: the ID tokens belong to the production project, the services accept
them and refuse the tokens of any other Firebase project (same Google signing keys, other iss/aud)."""

from golive import check, expect, required
from golive.probes.providers import evaluate_firebase_project, evaluate_other_project_refused
from golive.probes.tokens import MalformedToken, decode_unverified
from golive.outcomes import CheckFailed


def first_protected(auth_config):
    return required(auth_config.protected, "protected endpoints (auth.protected)")[0]


def call(http, profile, endpoint, token, intent):
    url = profile.service(endpoint.service).url(endpoint.path)
    return http.request(endpoint.method, url, headers={"Authorization": f"Bearer {token}"}, intent=intent)


@check("INT-FIREBASE-001", "Firebase ID tokens carry the production project's iss and aud and open a protected "
       "endpoint", critical=True, items=["realserv:CFG-EXT-01", "realserv:TEST-INT-02", "realserv:SEC-AUTH-01"])
def test_tokens_of_the_production_project(profile, auth_config, firebase_config, tokens, http):
    endpoint = first_protected(auth_config)
    token = tokens(endpoint.roles[0]).access
    try:
        _, claims = decode_unverified(token)
    except MalformedToken as error:
        raise CheckFailed("the sign-in did not return a JWT ID token", expected="a Firebase ID token (JWT)",
                          found=str(error), where=auth_config.login.path) from None
    expect.no_findings(evaluate_firebase_project(claims, firebase_config.project_id),
                       "ID tokens of another Firebase project",
                       where=f"{auth_config.login.path} as {endpoint.roles[0]}")
    response = call(http, profile, endpoint, token, "read")
    expect.status(response, {200, 204}, f"{endpoint.label} refuses a fresh ID token of the production project",
                  fix="validate ID tokens against the production project's iss/aud and Google's published keys")


@check("INT-FIREBASE-002", "An ID token of another Firebase project is refused with 401", critical=True,
       safety="probe", items=["realserv:SEC-AUTH-01"])
def test_other_project_token_refused(profile, auth_config, firebase_config, tokens, http):
    other = required(firebase_config.other_project, "a second Firebase project to sign in to "
                     "(integrations.firebase.other_project)")
    signed_in = http.post(str(other.sign_in_url), intent="login",
                          json={"email": other.email, "password": other.password, "returnSecureToken": True})
    expect.status(signed_in, 200, "no ID token could be obtained from the other Firebase project",
                  fix="fix integrations.firebase.other_project (sign_in_url with its Web API key, a test account)")
    other_token = expect.json_body(signed_in, "the other project's sign-in")["idToken"]
    _, other_claims = decode_unverified(other_token)
    expect.true(other_claims.get("aud") != firebase_config.project_id, "the other project is the production project",
                expected=f"aud other than {firebase_config.project_id}", found=f"aud {other_claims.get('aud')}",
                where=str(other.sign_in_url).split("?")[0], fix="name a different project in other_project")
    endpoint = first_protected(auth_config)
    genuine = call(http, profile, endpoint, tokens(endpoint.roles[0]).access, "read")
    foreign = call(http, profile, endpoint, other_token, "probe")
    expect.no_findings(evaluate_other_project_refused(genuine.status_code, foreign.status_code),
                       f"{endpoint.label} accepts another Firebase project's tokens", where=expect.where(foreign))
