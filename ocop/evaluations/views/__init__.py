"""Evaluation pages (/manage/evaluations/): one dossier's way from the producer's draft to the
council's result, a page for each role, one module per stage of the procedure (the same stages
as ``services``):

- ``dossiers``: the list and one dossier for everyone who may see it; the producer's pages
  (open, registration form, documents, submit, withdraw);
- ``review``: the commune's review (Mẫu 03) and the province's check of a forwarded dossier;
- ``rounds``: rounds, councils and their members, putting dossiers in a round;
- ``advisory``: the advisory team's site visits and laboratory tests;
- ``scoring``: council members' sheets (conflict declaration first, then the sheet);
- ``results``: the chair's scoring page (quorum, spread), closing, the results list;
- ``central``: the province's decision after a council (the way to the central round);
- ``common``: what they all use (fetching the dossier for a role, refusals as messages).

Every dossier is fetched through ``Dossier.objects.visible_to``; a page for one role answers 404
to anyone who does not hold that role for the dossier (``permissions.has_role``). Every change is
one service call; a refusal comes back as a message or as form errors and changes nothing.
"""
