"""OCOP rubric: versioned scoring sheets as data, a pure scoring engine and gap analysis.

The pure part imports nothing from Django: ``engine``, ``gaps``, ``validation`` and
``converter`` work on the data files in ``data/<version>/`` (generated from the legal text by
:mod:`ocop.rubric.converter`). The Django part sits beside it: ``models`` (the same data as
rows, immutable once published), ``loading`` (files to rows and back), ``services``
(publishing), ``admin`` and the ``load_rubric`` and ``score_sheet`` commands.
"""
