"""Signing keys by id, session-bounded tokens, link generations and expiry; the throttle's window;
log redaction."""

from __future__ import annotations

from datetime import UTC, datetime

from appgen.gateway.redact import redact
from appgen.gateway.throttle import FailureThrottle
from appgen.gateway.tokens import Signer
from appgen.store import SigningKey

NOW = 1_800_000_000.0


def key(kid: str, created: float, retire: float | None = None) -> SigningKey:
    return SigningKey(
        kid=kid,
        secret=kid.encode() * 8,
        created_at=datetime.fromtimestamp(created, UTC),
        retire_at=None if retire is None else datetime.fromtimestamp(retire, UTC),
    )


def test_the_newest_key_signs_and_any_active_key_verifies_by_id() -> None:
    old, new = key("aaaa", NOW - 100, retire=NOW + 10), key("bbbb", NOW - 1)
    before = Signer([old])
    token, _ = before.token("k1", 60, now=NOW)
    link = before.preview_token("p1", now=NOW)
    after = Signer([new, old])
    fresh, _ = after.token("k1", 60, now=NOW)
    assert fresh.split(".")[1] == "bbbb"
    for signer_token in (token, fresh):
        claims = after.read_token(signer_token, now=NOW)
        assert claims is not None
        assert claims.key_id == "k1"
    assert after.read_preview(link, now=NOW) is not None
    # Once the old key retires, what it signed stops.
    assert after.read_token(token, now=NOW + 11) is None
    assert after.read_preview(link, now=NOW + 11) is None
    assert after.read_token(fresh, now=NOW + 11) is not None


def test_a_renewed_token_keeps_its_session_and_never_outlives_it() -> None:
    signer = Signer([key("aaaa", NOW)])
    token, expires = signer.token("k1", 900, started=int(NOW) - 100, until=int(NOW) + 50, now=NOW)
    assert expires == int(NOW) + 50
    claims = signer.read_token(token, now=NOW)
    assert claims is not None
    assert claims.started == int(NOW) - 100
    tampered = token.replace(f".{int(NOW) - 100}.", f".{int(NOW)}.")
    assert signer.read_token(tampered, now=NOW) is None


def test_links_carry_their_generation_and_optional_expiry() -> None:
    signer = Signer([key("aaaa", NOW)])
    first = signer.preview_token("p1", now=NOW)
    signer.set_generation("p1", 1)
    second = signer.preview_token("p1", now=NOW)
    claims = [signer.read_preview(link, now=NOW) for link in (first, second)]
    assert [c.generation if c else None for c in claims] == [0, 1]
    expiring = Signer([key("aaaa", NOW)], link_ttl_s=30)
    link = expiring.preview_token("p1", now=NOW)
    assert expiring.read_preview(link, now=NOW + 29) is not None
    assert expiring.read_preview(link, now=NOW + 31) is None
    assert expiring.read_preview(first, now=NOW) is None  # no expiry while one is required


def test_the_throttle_refuses_after_the_limit_until_the_window_passes() -> None:
    throttle = FailureThrottle(limit=3, window_s=60)
    for moment in (0, 10, 20):
        assert throttle.retry_after("a", now=moment) is None
        throttle.failed("a", now=moment)
    assert throttle.retry_after("a", now=21) == 39
    assert throttle.retry_after("b", now=21) is None
    assert throttle.retry_after("a", now=60.5) is None


def test_redaction_leaves_no_credential() -> None:
    key_ = "appgen_0123456789ab_" + "S" * 43
    line = redact(
        f'GET /api/v1/x?since=1&access_token=tok.aa.bb.1.2.SIG "Bearer {key_}" '
        "/preview/p1.aaaa.0.0.LINKSIG/index.html Authorization: bearer opaque"
    )
    for secret in ("S" * 43, "SIG", "LINKSIG", "opaque"):
        assert secret not in line
    assert "appgen_0123456789ab_[redacted]" in line
    assert "/preview/p1.[redacted]/index.html" in line
