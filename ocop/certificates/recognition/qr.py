"""The QR code of a certificate: its public verification address, drawn with segno."""

import io

import segno

from ocop.core.links import absolute_reverse


def verification_url(certificate) -> str:
    """The absolute public address of the certificate's verification page
    (``SITE_URL/v/<code>``): what the QR code on the certificate and the stamps holds."""
    return absolute_reverse("verify:certificate_verify", certificate.public_code)


def qr_png(data: str, *, scale: int = 10) -> io.BytesIO:
    """A PNG of the QR code of ``data`` (error correction M, the standard 4-module quiet zone),
    ready to be placed in a PDF."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return buffer
