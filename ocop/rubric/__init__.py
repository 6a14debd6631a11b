"""OCOP rubric: versioned scoring sheets as data, a pure scoring engine and gap analysis.

Nothing in this package imports Django; the data lives in ``data/<version>/`` and is
generated from the legal text by :mod:`ocop.rubric.converter`.
"""
