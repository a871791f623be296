"""Schemathesis hooks for fuzzing Grantline's embedded server (docs/decisions/0032-fuzzing.md).

Loaded with SCHEMATHESIS_HOOKS=grantline_fuzz_hooks and this folder on PYTHONPATH. The server's
event log is one file of JSON lines (GRANTLINE_FUZZ_EVENT_LOG); the run uses one worker, so the
bytes appended between a request and its answer are that request's events.
"""

import base64
import json
import os
import zlib
from urllib.parse import quote

import schemathesis

EVENT_LOG = os.environ["GRANTLINE_FUZZ_EVENT_LOG"]
CLIENT_ID = os.environ["GRANTLINE_FUZZ_CLIENT_ID"]
CLIENT_SECRET = os.environ["GRANTLINE_FUZZ_CLIENT_SECRET"]
PUBLIC_CLIENT_ID = os.environ["GRANTLINE_FUZZ_PUBLIC_CLIENT_ID"]

# Operations whose body may carry client credentials (RFC 6749 §2.3.1, client_secret_post).
CLIENT_AUTHENTICATED = {"token", "introspect", "revoke", "deviceAuthorization"}

# Refusals that must leave a trace in the log, by operation and error code; every other 4xx
# answer must append nothing.
RECORDED_REFUSALS = {
    # RFC 9700 §4.14.2: a refresh token presented again revokes the whole grant.
    # OAuth 2.1 §4.1.3 (RFC 6749 §4.1.2): a code redeemed twice revokes what it gave.
    ("token", "invalid_grant"): {"ArtifactReuseDetected", "GrantRevoked"},
}

_appended = {}


def _log_size():
    return os.path.getsize(EVENT_LOG)


def _operation_id(case):
    return case.operation.definition.raw.get("operationId", case.operation.label)


def _stateful(case):
    return case.meta is not None and type(case.meta.phase.data).__name__ == "StatefulPhaseData"


def _error_code(response):
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def _basic(client_id, secret):
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
    return "Basic " + base64.b64encode(pair).decode()


# How a client-authenticated request presents itself: valid and invalid credentials of each kind,
# and, at the token endpoint, a plain client_credentials request, so that stateful runs get tokens
# to follow the description's links with (introspect, revoke).
CREDENTIALS = ["basic", "post", "public", "wrong-basic", "wrong-post", "none"]
ISSUE = "issue"


def _present(case, credentials):
    if credentials == ISSUE:
        case.body = {"grant_type": "client_credentials"}
        credentials = "basic"
    body = case.body if isinstance(case.body, dict) else None
    headers = {name: value for name, value in (case.headers or {}).items() if name.lower() != "authorization"}
    if credentials in ("basic", "wrong-basic"):
        secret = CLIENT_SECRET if credentials == "basic" else CLIENT_SECRET + "x"
        headers["Authorization"] = _basic(CLIENT_ID, secret)
        if body is not None:
            body.pop("client_id", None)
            body.pop("client_secret", None)
    elif body is not None and credentials in ("post", "wrong-post"):
        body["client_id"] = CLIENT_ID
        body["client_secret"] = CLIENT_SECRET if credentials == "post" else CLIENT_SECRET + "x"
    elif body is not None and credentials == "public":
        body["client_id"] = PUBLIC_CLIENT_ID
        body.pop("client_secret", None)
    case.headers = headers
    return case


@schemathesis.hook
def before_call(context, case, kwargs):
    # Client-authenticated operations are tried with each kind of credentials (RFC 6749 §2.3.1),
    # chosen from the generated request itself so that a seed repeats the same choices.
    operation = _operation_id(case)
    if operation in CLIENT_AUTHENTICATED:
        choices = CREDENTIALS
        if operation == "token":
            # Mostly tokens in the stateful phase, which follows the links from them.
            choices = CREDENTIALS + [ISSUE] * (len(CREDENTIALS) if _stateful(case) else 1)
        drawn = zlib.crc32(repr((case.body, case.query, case.headers)).encode("utf-8", "replace"))
        _present(case, choices[drawn % len(choices)])
    _appended[id(case)] = _log_size()


@schemathesis.hook
def after_call(context, case, response):
    start = _appended.get(id(case))
    if start is None:
        return
    with open(EVENT_LOG, "rb") as log:
        log.seek(start)
        lines = log.read().decode("utf-8").splitlines()
    _appended[id(case)] = [json.loads(line)["type"] for line in lines if line]


@schemathesis.check
def refusal_changes_no_state(ctx, response, case):
    """A 4xx answer appends no event, except the refusals the protocol requires to record."""
    events = _appended.pop(id(case), None)
    if not isinstance(events, list) or not 400 <= response.status_code < 500 or not events:
        return None
    allowed = RECORDED_REFUSALS.get((_operation_id(case), _error_code(response)), set())
    unexpected = [event for event in events if event not in allowed]
    if unexpected:
        raise AssertionError(
            f"Refused with {response.status_code} but the event log grew by {', '.join(unexpected)}"
        )
    return None
