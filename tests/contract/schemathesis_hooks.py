"""Schemathesis hooks: what a correct client does that no schema can say (loaded through SCHEMATHESIS_HOOKS).

Only schema-valid ("positive") cases are touched, and only where validity depends on server state:

- ``Idempotency-Key``: a key is for one request. A valid key that the fuzzer reuses with another body
  is rightly a 422 (API.md, "Idempotency"); a real client sends a fresh key with each new request.
- ``cursor``: only a ``next_cursor`` this listing issued is valid, and a fuzzer cannot have one, so a
  schema-valid case asks for the first page. Forged and edited cursors are tested in
  tests/http/test_bad_input.py.

Negative cases go out exactly as generated.
"""

import uuid

import schemathesis


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    if case.query and "cursor" in case.query:
        del case.query["cursor"]
