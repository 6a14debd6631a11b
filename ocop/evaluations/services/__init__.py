"""Every change in the evaluation workflow is one function: ``verb_noun(obj, *, actor, ...)``,
in one transaction, with the dossier row locked (and the council's sheets when scoring closes),
the actor's role and the dossier's status checked against ``ALLOWED_TRANSITIONS``, an audit
event written in the same transaction, and the producer told by e-mail once it commits.

A refusal raises ``PermissionDenied`` (wrong person) or ``ValidationError`` (wrong state or
input) with a message for the person who tried, and leaves the database as it was.

One module per stage of the procedure, in its order; import from the stage's module:

- ``dossiers``: the producer's dossier: create, edit, attachments, submit, withdraw;
- ``review``: the commune's review (Mẫu 03) and the province's intake (accept, return);
- ``rounds``: rounds and councils: open and close a round, the council and its members,
  putting dossiers in a round;
- ``advisory``: the advisory team's site visits and laboratory tests;
- ``scoring``: conflict declarations and the members' score sheets (save, submit, return);
- ``results``: the chair's scoring status (quorum, spread) and closing, the council's result;
- ``central``: after the provincial council, the way to (or back from) the central round;
- ``guards``: what they all use: locking, roles, transitions, notifications.

See docs/evaluations.md for the state diagram, the roles and the council rules.
"""
