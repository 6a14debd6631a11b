"""Expiry and re-rating: the daily pass that sends each certificate's notices once (the
re-rating window opens, it is about to close, the certificate is about to expire), and the
offices' list of certificates that expire soon."""
