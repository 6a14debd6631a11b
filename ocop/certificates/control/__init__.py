"""Post-recognition control (hậu kiểm): inspections of recognised products, the problem reports
that buyers send from the verification page and the offices handle, and the revocation of a
certificate, on its own or at the end of an inspection."""
