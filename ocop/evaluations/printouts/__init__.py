"""The paper forms of a dossier as PDFs, in the layout of Decision 26/2026/QĐ-TTg: Mẫu số 01, 02
and 03 of Annex III, a member's score sheet on the scoring set of Annex II, and the council's
minutes (the decision has no template for those: art. 7(3)(d)). Each function takes objects the
view fetched through ``visible_to(user)`` and returns the PDF's bytes; none queries for more
than its arguments hold. See docs/evaluations.md, "Printable forms"."""
