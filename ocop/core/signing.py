"""PAdES signatures on the PDFs the platform issues (certificates, recognition decisions), with
pyHanko, and their check (issue 16 §7).

The province configures its key and certificate: ``SIGNING_KEY_FILE`` and ``SIGNING_CERT_FILE``
(PEM), and ``SIGNING_KEY_PASSWORD`` when the key is encrypted. Without them (the demo, a
development machine), a self-signed certificate named "sample" is made on first use. It is kept
in ``PRIVATE_MEDIA_ROOT/signing/``, and ``check --deploy`` warns about it.

A signed PDF shows, in any PDF reader, that it has not changed since it was signed and who
signed it. ``check`` says the same on the platform: it accepts only a signature made by the
configured certificate that covers the whole file, and returns the signed ``reason``. That
reason names the certificate or the decision."""

import io
import logging
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
FIELD = "OCOP"
_lock = threading.Lock()


@dataclass(frozen=True)
class Verdict:
    """What a PDF's signature says. ``ok``: signed by our certificate, over the whole file, and
    unchanged since."""

    ok: bool
    reason: str = ""  # the signed reason (names the certificate or decision)
    signer: str = ""
    problem: str = ""  # "unsigned", "changed", "foreign", "unreadable"


def _sample_files() -> tuple[Path, Path]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "signing"
    return folder / "sample-signing-key.pem", folder / "sample-signing-cert.pem"


def is_sample() -> bool:
    return not (settings.SIGNING_KEY_FILE and settings.SIGNING_CERT_FILE)


def _files() -> tuple[Path, Path, bytes | None]:
    if not is_sample():
        password = settings.SIGNING_KEY_PASSWORD.encode() if settings.SIGNING_KEY_PASSWORD else None
        return Path(settings.SIGNING_KEY_FILE), Path(settings.SIGNING_CERT_FILE), password
    key_file, cert_file = _sample_files()
    with _lock:
        if not cert_file.exists():
            _make_sample(key_file, cert_file)
    return key_file, cert_file, None


def _make_sample(key_file: Path, cert_file: Path) -> None:
    """A self-signed RSA certificate for the demo, written once (another process that races
    this one keeps the first)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OCOP platform (sample)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "OCOP sample signer - not a real authority"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_cert_sign=True, crl_sign=False,
        key_encipherment=False, data_encipherment=False, key_agreement=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as file:
        file.write(key_pem)
    partial = cert_file.with_suffix(".partial")
    partial.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    partial.replace(cert_file)


@cache
def _signer(key_file: str, cert_file: str, password: bytes | None):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(key_file, cert_file, key_passphrase=password)
    if signer is None:
        raise RuntimeError(f"Cannot load the signing key {key_file} and certificate {cert_file}.")
    return signer


def _current_signer():
    key_file, cert_file, password = _files()
    return _signer(str(key_file), str(cert_file), password)


def sign(data: bytes, *, reason: str, location: str = "") -> bytes:
    """``data`` (a PDF) with a PAdES signature of the configured certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    output = signers.sign_pdf(writer, meta, signer=_current_signer())
    return output.getvalue()


def check(data: bytes) -> Verdict:
    """Whether ``data`` carries our signature over the whole, unchanged file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return Verdict(False, problem="unsigned")
        signature = signatures[-1]
        ours = _current_signer().signing_cert
        context = ValidationContext(trust_roots=[ours], allow_fetching=False)
        status = validate_pdf_signature(signature, context)
    except SignatureValidationError:
        return Verdict(False, problem="changed")
    except Exception:  # hostile input: whatever the parser raises means "unreadable"
        logger.info("PDF signature check: unreadable file", exc_info=True)
        return Verdict(False, problem="unreadable")
    reason = str(signature.sig_object.get("/Reason", ""))
    signer = (
        status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
    )
    if status.signing_cert is None or status.signing_cert.dump() != ours.dump():
        return Verdict(False, reason=reason, signer=signer, problem="foreign")
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not (status.intact and status.valid and whole):
        return Verdict(False, reason=reason, signer=signer, problem="changed")
    return Verdict(True, reason=reason, signer=signer)
