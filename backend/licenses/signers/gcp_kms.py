"""The root in Cloud KMS (an HSM key version), through google-cloud-kms.

The API's workload identity holds ``roles/cloudkms.signerVerifier`` on that key
alone (deploy/opentofu): it can sign and read the public key, never export or
create keys. Every call carries the CRC32C integrity checks Google documents: the
request's digest checksum must come back verified, the response's signature and
public key must match their checksums, and the answer must name the key version
asked for; any mismatch is refused as ``RootUnavailable``.
"""

import hashlib
import threading
from functools import cache
from typing import Any

import google_crc32c
import grpc
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.conf import settings
from google.api_core import exceptions as api_exceptions
from google.api_core import retry as api_retry
from google.cloud import kms
from google.cloud.kms_v1.services.key_management_service.transports import (
    KeyManagementServiceGrpcTransport,
)

from licenses.signers.base import RootUnavailable, jwk_of

_Algorithm = kms.CryptoKeyVersion.CryptoKeyVersionAlgorithm
# KMS algorithms a root may use, and their JWS names.
ALGORITHMS = {
    _Algorithm.RSA_SIGN_PKCS1_4096_SHA256: "RS256",
    _Algorithm.RSA_SIGN_PKCS1_3072_SHA256: "RS256",
    _Algorithm.RSA_SIGN_PSS_4096_SHA256: "PS256",
    _Algorithm.RSA_SIGN_PSS_3072_SHA256: "PS256",
    _Algorithm.EC_SIGN_P256_SHA256: "ES256",
}


def crc32c(data: bytes) -> int:
    return google_crc32c.value(data)


@cache
def kms_client() -> kms.KeyManagementServiceClient:
    """One client per process: Google's endpoint with the workload identity's
    credentials, or ``GCP_KMS_ENDPOINT`` (a local server in tests)."""
    options = {"api_endpoint": settings.GCP_KMS_ENDPOINT} if settings.GCP_KMS_ENDPOINT else None
    if not settings.GCP_KMS_INSECURE:
        return kms.KeyManagementServiceClient(client_options=options)

    def insecure_transport(**kwargs: Any) -> KeyManagementServiceGrpcTransport:
        return KeyManagementServiceGrpcTransport(
            host=kwargs["host"], channel=grpc.insecure_channel(kwargs["host"])
        )

    return kms.KeyManagementServiceClient(client_options=options, transport=insecure_transport)


def _retry() -> api_retry.Retry:
    # Transient failures are retried within the timeout; anything else fails at once.
    return api_retry.Retry(
        initial=0.1,
        maximum=1.0,
        multiplier=2.0,
        predicate=api_retry.if_exception_type(
            api_exceptions.ServiceUnavailable, api_exceptions.DeadlineExceeded
        ),
        timeout=settings.GCP_KMS_TIMEOUT,
    )


class GcpKmsRootSigner:
    backend = "gcp-kms"

    def __init__(self, reference: str, client: kms.KeyManagementServiceClient | None = None):
        self.reference = reference
        self._client = client
        self._jwk: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> kms.KeyManagementServiceClient:
        return self._client or kms_client()

    def _unavailable(self, what: str) -> RootUnavailable:
        return RootUnavailable(f"Cloud KMS key {self.reference}: {what}")

    def public_jwk(self) -> dict[str, Any]:
        with self._lock:
            if self._jwk is None:
                try:
                    answer = self.client.get_public_key(
                        request={"name": self.reference},
                        retry=_retry(),
                        timeout=settings.GCP_KMS_TIMEOUT,
                    )
                except api_exceptions.GoogleAPIError as exc:
                    raise self._unavailable(f"GetPublicKey failed: {exc}") from exc
                if answer.name != self.reference:
                    raise self._unavailable("GetPublicKey answered for another key version")
                if crc32c(answer.pem.encode()) != answer.pem_crc32c:
                    raise self._unavailable("GetPublicKey response failed its CRC32C check")
                algorithm = ALGORITHMS.get(answer.algorithm)
                if algorithm is None:
                    raise ValueError(
                        f"Cloud KMS key {self.reference}: {answer.algorithm.name} cannot be a root"
                    )
                public = load_pem_public_key(answer.pem.encode())
                self._jwk = jwk_of(public, algorithm)  # type: ignore[arg-type]
            return dict(self._jwk)

    @property
    def algorithm(self) -> str:
        return self.public_jwk()["alg"]

    @property
    def kid(self) -> str:
        return self.public_jwk()["kid"]

    def sign(self, data: bytes) -> bytes:
        algorithm = self.algorithm
        digest = hashlib.sha256(data).digest()
        try:
            answer = self.client.asymmetric_sign(
                request={
                    "name": self.reference,
                    "digest": {"sha256": digest},
                    "digest_crc32c": crc32c(digest),
                },
                retry=_retry(),
                timeout=settings.GCP_KMS_TIMEOUT,
            )
        except api_exceptions.GoogleAPIError as exc:
            raise self._unavailable(f"AsymmetricSign failed: {exc}") from exc
        if not answer.verified_digest_crc32c:
            raise self._unavailable("the digest was corrupted on its way to KMS")
        if answer.name != self.reference:
            raise self._unavailable("AsymmetricSign answered for another key version")
        if crc32c(answer.signature) != answer.signature_crc32c:
            raise self._unavailable("the signature failed its CRC32C check")
        if algorithm == "ES256":
            # KMS answers ECDSA in DER; a JWS carries r||s.
            r, s = decode_dss_signature(answer.signature)
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return answer.signature
