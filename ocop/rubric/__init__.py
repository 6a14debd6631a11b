"""OCOP rubric: versioned scoring sheets as data, a pure scoring engine and gap analysis.

The app reads top-down; each module imports only from those above it in this list, at the top
of the module (``tests/test_layers.py`` checks it):

1. ``data/<version>/``: the sheets as JSON files, generated from the legal text by
   ``converter`` (``python -m ocop.rubric.converter``);
2. ``validation``: the rules every sheet must meet (pure Python);
3. ``engine`` and ``converter``: scoring over the sheets, and writing them (pure Python);
4. ``gaps``: what the next star needs (pure Python);
5. ``loading``: where the versions live, files to rows and back (Django);
6. ``layout``: a sheet in printed order, for the screens;
7. ``models``: the same data as rows, immutable once published, and self-assessments;
8. ``services``: publishing and ending versions, loading them, self-assessments;
9. ``admin``, ``views``, the ``load_rubric`` and ``score_sheet`` commands, then ``urls``.

The pure part (2-4) imports nothing from Django or the rest of the project.
"""
