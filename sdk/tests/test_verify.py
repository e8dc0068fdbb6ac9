"""Offline token verification with keys made here (EdDSA and RSA)."""

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from coditect_license_client.cache import DiskCache
from coditect_license_client.errors import (
    LicenseExpired,
    ServerUnreachable,
    TokenExpired,
    TokenInvalid,
)
from coditect_license_client.jwks import JWKSCache, StaticJWKS
from coditect_license_client.verify import decode_unverified, verify_token


def make_key(alg: str, kid: str):
    if alg == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
        jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid=kid, alg=alg, use="sig")
    return private, jwk


@pytest.fixture(scope="module")
def ed_key():
    return make_key("EdDSA", "ed-1")


def sign(key, alg="EdDSA", kid="ed-1", **claims):
    now = int(time.time())
    body = {
        "iss": "coditect",
        "sub": str(uuid.uuid4()),
        "lic": str(uuid.uuid4()),
        "org": "acme",
        "hwid": "hw-a",
        "seats": 3,
        "iat": now,
        "exp": now + 60,
        "lic_exp": None,
    }
    body.update(claims)
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})


@pytest.mark.parametrize("alg", ["EdDSA", "RS256", "PS256"])
def test_a_good_token_verifies_with_every_server_algorithm(alg):
    private, jwk = make_key(alg, "k1")
    token = sign(private, alg=alg, kid="k1")
    claims = verify_token(token, StaticJWKS({"keys": [jwk]}), hardware_id="hw-a")
    assert claims.org == "acme" and claims.seats == 3 and claims.algorithm == alg
    assert 59 <= claims.seconds_left() <= 60 and claims.lifetime == 60


def test_an_expired_token_is_refused(ed_key):
    token = sign(ed_key[0], iat=int(time.time()) - 100, exp=int(time.time()) - 10)
    with pytest.raises(TokenExpired):
        verify_token(token, StaticJWKS({"keys": [ed_key[1]]}))


def test_a_token_past_the_license_expiry_is_refused(ed_key):
    token = sign(ed_key[0], lic_exp=int(time.time()) - 1)
    with pytest.raises(LicenseExpired):
        verify_token(token, StaticJWKS({"keys": [ed_key[1]]}))


def test_a_tampered_token_is_refused(ed_key):
    header, _, signature = sign(ed_key[0]).split(".")
    other = sign(ed_key[0], seats=999).split(".")[1]
    with pytest.raises(TokenInvalid):
        verify_token(f"{header}.{other}.{signature}", StaticJWKS({"keys": [ed_key[1]]}))


def test_a_token_of_another_key_or_machine_is_refused(ed_key):
    stranger, _ = make_key("EdDSA", "ed-1")
    keys = StaticJWKS({"keys": [ed_key[1]]})
    with pytest.raises(TokenInvalid):
        verify_token(sign(stranger), keys)
    with pytest.raises(TokenInvalid):
        verify_token(sign(ed_key[0], kid="nope"), keys)
    with pytest.raises(TokenInvalid):
        verify_token(sign(ed_key[0]), keys, hardware_id="hw-b")


def test_unsigned_and_hmac_tokens_are_refused(ed_key):
    keys = StaticJWKS({"keys": [ed_key[1]]})
    unsigned = jwt.encode({"sub": "x", "iat": 1, "exp": 2}, None, algorithm="none")
    with pytest.raises(TokenInvalid):
        verify_token(unsigned, keys)
    hmac_token = jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256", headers={"kid": "ed-1"})
    with pytest.raises(TokenInvalid):
        verify_token(hmac_token, keys)


def test_claims_can_be_read_without_verifying(ed_key):
    assert decode_unverified(sign(ed_key[0], seats=5)).seats == 5


def test_the_jwks_is_cached_on_disk_with_its_fetch_time(tmp_path, ed_key):
    fetches = []

    def fetch():
        fetches.append(1)
        return {"keys": [ed_key[1]]}

    token = sign(ed_key[0])
    online = JWKSCache("http://license.test", fetcher=fetch, cache=DiskCache(tmp_path))
    verify_token(token, online)
    verify_token(token, online)
    assert len(fetches) == 1
    stored = json.loads(next(tmp_path.glob("jwks-*.json")).read_text())
    assert (
        abs(stored["fetched_at"] - time.time()) < 5 and stored["jwks"]["keys"][0]["kid"] == "ed-1"
    )

    def unreachable():
        raise ServerUnreachable("down")

    offline = JWKSCache(
        "http://license.test", fetcher=unreachable, cache=DiskCache(tmp_path), max_age=0
    )
    assert verify_token(token, offline).org == "acme"  # stale but usable: the network is down
    assert offline.fetched_at == stored["fetched_at"]


def test_an_unknown_kid_fetches_the_jwks_again(tmp_path, ed_key):
    rotated_private, rotated = make_key("EdDSA", "ed-2")
    documents = [{"keys": [ed_key[1]]}, {"keys": [ed_key[1], rotated]}]
    cache = JWKSCache(
        "http://license.test",
        fetcher=lambda: documents.pop(0),
        cache=DiskCache(tmp_path),
        min_refetch_interval=0,
    )
    verify_token(sign(ed_key[0]), cache)
    assert verify_token(sign(rotated_private, kid="ed-2"), cache).kid == "ed-2"
    assert documents == []


# The chain: token -> online key (its certificate) -> root ----------------------------


def certified_online_key(root_private, root_jwk, *, nbf=None, exp=None, sub=None):
    online = ed25519.Ed25519PrivateKey.generate()
    jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(online.public_key()))
    from coditect_license_client.verify import jwk_thumbprint

    jwk.update(kid=jwk_thumbprint(jwk), alg="EdDSA", use="sig")
    now = int(time.time())
    cert = jwt.encode(
        {
            "iss": "coditect",
            "sub": sub or jwk["kid"],
            "iat": now,
            "nbf": now - 60 if nbf is None else nbf,
            "exp": now + 3600 if exp is None else exp,
            "jwk": jwk,
        },
        root_private,
        algorithm=root_jwk["alg"],
        headers={"kid": root_jwk["kid"], "typ": "key-cert+jwt"},
    )
    return online, jwk, cert


@pytest.fixture(scope="module")
def rsa_root():
    return make_key("PS256", "root-1")


def chained_token(online, jwk, cert, **claims):
    now = int(time.time())
    body = {"iss": "coditect", "sub": "s", "hwid": "hw-a", "iat": now, "exp": now + 60}
    body.update(claims)
    return jwt.encode(body, online, algorithm="EdDSA", headers={"kid": jwk["kid"], "kcert": cert})


def test_a_token_verifies_through_its_certificate_with_only_the_root_known(rsa_root):
    root_private, root_jwk = rsa_root
    online, jwk, cert = certified_online_key(root_private, root_jwk)
    token = chained_token(online, jwk, cert)
    claims = verify_token(token, StaticJWKS({"keys": [root_jwk]}), hardware_id="hw-a")
    assert claims.kid == jwk["kid"]
    # The same key published in the JWKS with its cert (no kcert header) verifies too.
    plain = jwt.encode(
        {"iss": "c", "sub": "s", "iat": int(time.time()), "exp": int(time.time()) + 60},
        online,
        algorithm="EdDSA",
        headers={"kid": jwk["kid"]},
    )
    verify_token(plain, StaticJWKS({"keys": [root_jwk, {**jwk, "cert": cert}]}))


def test_a_certificate_not_made_by_a_root_is_refused(rsa_root):
    _, root_jwk = rsa_root
    impostor_private, impostor_jwk = make_key("PS256", "root-1")
    online, jwk, cert = certified_online_key(impostor_private, impostor_jwk)
    with pytest.raises(TokenInvalid, match="certificate rejected"):
        verify_token(chained_token(online, jwk, cert), StaticJWKS({"keys": [root_jwk]}))


def test_a_certificate_for_another_key_is_refused(rsa_root):
    root_private, root_jwk = rsa_root
    online, jwk, _ = certified_online_key(root_private, root_jwk)
    _, _, other_cert = certified_online_key(root_private, root_jwk)
    with pytest.raises(TokenInvalid, match="another key"):
        verify_token(chained_token(online, jwk, other_cert), StaticJWKS({"keys": [root_jwk]}))


def test_a_token_issued_outside_its_certificate_is_refused(rsa_root):
    root_private, root_jwk = rsa_root
    now = int(time.time())
    online, jwk, cert = certified_online_key(root_private, root_jwk, nbf=now - 60, exp=now - 10)
    with pytest.raises(TokenInvalid, match="outside its key's certificate"):
        verify_token(chained_token(online, jwk, cert), StaticJWKS({"keys": [root_jwk]}))


def test_a_client_that_pins_roots_ignores_other_roots_in_the_jwks(rsa_root):
    _, root_jwk = rsa_root
    other_private, other_jwk = make_key("PS256", "root-2")
    online, jwk, cert = certified_online_key(other_private, other_jwk)
    token = chained_token(online, jwk, cert)
    served = StaticJWKS({"keys": [root_jwk, other_jwk]})
    assert verify_token(token, served).kid == jwk["kid"]
    with pytest.raises(TokenInvalid, match="no key 'root-2'"):
        verify_token(token, served, root_keys=StaticJWKS({"keys": [root_jwk]}))
