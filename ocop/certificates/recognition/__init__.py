"""Recognition: the decisions that recognise products (from council results, or recorded from
before the platform), the certificates they issue with their PDF and QR stamps, and the public
verification of a certificate at ``/v/<code>``."""
