"""Memorystore's TLS, reproduced: a redis-server of this test's own serves TLS with a
certificate its own CA issued for an IP address, as Memorystore's server CA does for
the instance's IP. The app's Redis client (redis-py, the URL shape the `redis-url`
secret has) verifies the chain and the IP, and refuses a certificate for another IP
unless the URL turns the name check off (docs/deploy.md, "Memorystore TLS")."""

import datetime
import ipaddress
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core import preflight
from tests.fixtures.servers import free_port
from tests.fixtures.stores import use_store

pytestmark = pytest.mark.sqlite
PASSWORD = "memorystore-auth-string"


def write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def issue(folder: Path, san_ip: str | None) -> Path:
    """A CA, and a server certificate it signs: CN 127.0.0.1, and ``san_ip`` as its
    subjectAltName (None: no subjectAltName, the IP in the CN only)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Memorystore CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
    )
    if san_ip is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(san_ip))]),
            critical=False,
        )
    cert = builder.sign(ca_key, hashes.SHA256())
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    write_key(key, folder / "server.key")
    return folder / "ca.pem"


@pytest.fixture
def tls_redis(tmp_path):
    """Start a TLS-only redis-server with a certificate for the given IP; yield its port."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    servers = []

    def start(san_ip: str | None) -> tuple[int, Path]:
        ca = issue(tmp_path, san_ip)
        port = free_port()
        args = [binary, "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1"]
        args += ["--tls-cert-file", str(tmp_path / "server.pem")]
        args += ["--tls-key-file", str(tmp_path / "server.key")]
        args += ["--tls-ca-cert-file", str(ca), "--tls-auth-clients", "no"]
        args += ["--requirepass", PASSWORD, "--save", "", "--dir", str(tmp_path)]
        servers.append(subprocess.Popen(args, stdout=subprocess.DEVNULL))
        client = redis.Redis(
            host="127.0.0.1",
            port=port,
            ssl=True,
            ssl_ca_certs=str(ca),
            ssl_check_hostname=False,  # only waits for the server; the tests check names
            password=PASSWORD,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return port, ca
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    yield start
    for server in servers:
        server.terminate()
        server.wait()


def url(port: int, ca: Path, extra: str = "") -> str:
    return (
        f"rediss://:{PASSWORD}@127.0.0.1:{port}/0?ssl_cert_reqs=required&ssl_ca_certs={ca}{extra}"
    )


def test_a_certificate_for_the_instance_ip_verifies(tls_redis):
    port, ca = tls_redis("127.0.0.1")
    use_store("redis", url(port, ca))
    preflight.check_redis()


@pytest.mark.parametrize("san_ip", ["10.0.0.9", None], ids=["another-ip", "ip-in-cn-only"])
def test_a_certificate_not_naming_the_ip_in_its_san_is_refused(tls_redis, san_ip):
    # The chain alone (the same CA) is not enough, and the CN is never read for an IP.
    port, ca = tls_redis(san_ip)
    use_store("redis", url(port, ca))
    with pytest.raises(preflight.ServiceUnavailable) as refused:
        preflight.check_redis()
    message = str(refused.value)
    assert "IP address mismatch" in message and PASSWORD not in message
    # The way out docs/deploy.md gives if Memorystore's certificate ever names its IP
    # only in the CN: the chain is still verified against the instance's own CA.
    use_store("redis", url(port, ca, "&ssl_check_hostname=false"))
    preflight.check_redis()
