"""The double's TLS identity: a self-signed certificate for "localhost", as go-plugin's AutoMTLS expects.

The orchestrator makes one per sandbox run (EKSTF_SANDBOX_TLS names its directory), so provider processes need no
key generation, and no `cryptography` import, at start-up. Terraform's own client certificate is ECDSA P-521, which
gRPC's TLS stack refuses to verify, so the double does not ask for client certificates; the socket lives in a 0700
directory instead.
"""

from __future__ import annotations

import base64
import datetime
import os
from dataclasses import dataclass
from pathlib import Path

TLS_ENV = "EKSTF_SANDBOX_TLS"


@dataclass(frozen=True)
class Identity:
    cert_pem: bytes
    key_pem: bytes
    handshake_cert: str  # base64 (no padding) of the DER certificate: go-plugin's handshake field


def generate() -> Identity:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ekstf sandbox"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return Identity(
        cert_pem=certificate.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        handshake_cert=base64.b64encode(der).decode().rstrip("="),
    )


def write(identity: Identity, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, data in (("cert.pem", identity.cert_pem), ("key.pem", identity.key_pem)):
        path = directory / name
        path.write_bytes(data)
        path.chmod(0o600)
    (directory / "handshake").write_text(identity.handshake_cert, encoding="ascii")


def load() -> Identity:
    """The run's identity (EKSTF_SANDBOX_TLS), or a fresh one when started on its own."""
    directory = os.environ.get(TLS_ENV)
    if directory:
        base = Path(directory)
        return Identity(
            (base / "cert.pem").read_bytes(),
            (base / "key.pem").read_bytes(),
            (base / "handshake").read_text(encoding="ascii").strip(),
        )
    return generate()
