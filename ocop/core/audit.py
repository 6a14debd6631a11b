"""Writing and verifying the hash-chained audit log. Call `record_event` inside the transaction
of the change it describes, so that the change and its record commit or roll back together."""

import datetime
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .bulk import insert_rows
from .models import AuditChain, AuditCheckpoint, AuditEvent

#: Actions that decide on a product's recognition: each is followed by a checkpoint, so that
#: a decision is anchored outside the database (the open data) as soon as it is made.
DECISION_ACTIONS = frozenset(
    {
        "decision.signed",
        "decision.historical_recorded",
        "decision.historical_extended",
        "certificate.revoked",
    }
)
#: A checkpoint is taken with the first event written after this much time without one.
CHECKPOINT_EVERY = datetime.timedelta(days=1)


def record_event(
    *, actor, action, obj, changes=None, old_status="", new_status="", comment=""
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change.")
    chain = _locked_chain()
    event = _new_event(
        chain.last_hash,
        timezone.now(),
        actor=actor,
        action=action,
        obj=obj,
        changes=changes,
        old_status=old_status,
        new_status=new_status,
        comment=comment,
    )
    event.save()
    _advance(chain, [event])
    return event


def record_events(entries) -> int:
    """Append many events in one go (an import): `entries` are dicts of `record_event`'s
    arguments. The chain is locked once and the events are written in bulk, chained in the
    order given. Returns how many were written."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction of the change.")
    entries = list(entries)
    if not entries:
        return 0
    chain = _locked_chain()
    now, previous, events = timezone.now(), chain.last_hash, []
    for entry in entries:
        event = _new_event(previous, now, **entry)
        previous = event.hash
        events.append(event)
    insert_rows(AuditEvent, events)
    _advance(chain, events)
    return len(events)


def take_checkpoint(reason=AuditCheckpoint.Reason.MANUAL) -> AuditCheckpoint:
    """Sign the chain's head now and e-mail it to the central office (the daily timer runs
    ``manage.py checkpoint_audit_chain``). The checkpoints that events take on their own, at a
    decision or when the last one is a day old, are published in the open data only."""
    with transaction.atomic():
        chain = _locked_chain()
        checkpoint = _checkpoint(chain, reason)
        chain.save()
        transaction.on_commit(lambda: _send(checkpoint))
    return checkpoint


def _locked_chain() -> AuditChain:
    chain, _ = AuditChain.objects.get_or_create(pk=1)
    return AuditChain.objects.select_for_update().get(pk=chain.pk)


def _new_event(previous_hash, now, *, actor=None, action, obj, changes=None, old_status="",
               new_status="", comment="") -> AuditEvent:  # fmt: skip
    event = AuditEvent(
        created_at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        old_status=old_status or "",
        new_status=new_status or "",
        changes=_jsonable(changes or {}),
        comment=comment or "",
        previous_hash=previous_hash,
    )
    event.hash = event.compute_hash()
    return event


def _advance(chain: AuditChain, events) -> None:
    """Move the head past ``events`` (written), with a checkpoint after a decision or when the
    last one is a day old."""
    newest = events[-1]
    chain.last_hash, chain.last_event_id = newest.hash, newest.pk
    chain.event_count += len(events)
    if any(event.action in DECISION_ACTIONS for event in events):
        _checkpoint(chain, AuditCheckpoint.Reason.DECISION)
    elif chain.checkpointed_at is None or newest.created_at - chain.checkpointed_at >= (
        CHECKPOINT_EVERY
    ):
        _checkpoint(chain, AuditCheckpoint.Reason.DAILY)
    chain.save()


def _checkpoint(chain: AuditChain, reason) -> AuditCheckpoint:
    checkpoint = AuditCheckpoint(
        taken_at=timezone.now(),
        reason=reason,
        event_id=chain.last_event_id,
        event_count=chain.event_count,
        head_hash=chain.last_hash,
        previous_signature=chain.last_signature,
    )
    checkpoint.sign()
    checkpoint.save()
    chain.last_signature, chain.checkpointed_at = checkpoint.signature, checkpoint.taken_at
    return checkpoint


def _send(checkpoint: AuditCheckpoint) -> None:
    """E-mail the checkpoint to the central office (and ``AUDIT_CHECKPOINT_EMAILS``): a copy
    that whoever deletes rows in the database cannot reach."""
    from ocop.accounts.models import Membership

    from .tasks import queue_email

    recipients = sorted(
        {
            *Membership.objects.filter(role=Membership.Role.CENTRAL_OFFICE, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True),
            *settings.AUDIT_CHECKPOINT_EMAILS,
        }
    )
    if recipients:
        queue_email(
            subject=f"OCOP audit checkpoint {checkpoint.taken_at:%Y-%m-%d %H:%M} UTC",
            body=checkpoint_email_body(checkpoint),
            recipients=recipients,
        )


def checkpoint_email_body(checkpoint: AuditCheckpoint) -> str:
    return (
        "This is the newest signed checkpoint of the OCOP platform's audit log. Keep this "
        "e-mail: if the log is ever cut or rewritten, verify it with\n\n"
        "    manage.py verify_audit_chain --anchor FILE\n\n"
        "where FILE holds the JSON below.\n\n" + json.dumps(checkpoint.published(), indent=2) + "\n"
    )


def _jsonable(changes):
    return {key: [str(v) if v is not None else None for v in pair] for key, pair in changes.items()}


def diff(instance, old_values: dict, fields) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    changes = {}
    for field in fields:
        new = getattr(instance, field)
        if old_values.get(field) != new:
            changes[field] = [old_values.get(field), new]
    return changes


def verify_chain(anchors=()) -> list[str]:
    """The problems found walking the chain from its first event, each naming the events or
    checkpoints concerned; empty when intact. ``anchors`` are published checkpoints (dicts as
    in the open data or the e-mail): they reveal a cut that removed the database's newest
    checkpoints too."""
    problems = []
    checkpoints = _signed_checkpoints(problems)
    signatures = {checkpoint.signature for checkpoint in checkpoints}
    for anchor in map(_anchor, anchors):
        if anchor is None or not anchor.is_signed():
            problems.append("a published checkpoint given to check is not signed by the audit key")
        elif anchor.signature not in signatures:
            problems.append(
                f"the published checkpoint of {anchor.taken_at:%Y-%m-%d %H:%M} (event "
                f"{anchor.event_id}) is missing from the database: checkpoints were removed"
            )
            checkpoints.append(anchor)
    upgrade = next((c for c in checkpoints if c.reason == AuditCheckpoint.Reason.UPGRADE), None)
    sealing = {}
    for checkpoint in checkpoints:
        sealing.setdefault(checkpoint.event_id, []).append(checkpoint)
    unsealed, unlinked, downgraded = [], [], []
    previous, newest, count = "0" * 64, 0, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.previous_hash != previous:
            unlinked.append(event.pk)
        if event.scheme == AuditEvent.LEGACY_SCHEME and (
            upgrade is None or event.pk > upgrade.event_id
        ):
            downgraded.append(event.pk)
        elif not event.is_sealed():
            unsealed.append(event.pk)
        for checkpoint in sealing.pop(event.pk, ()):
            problems.extend(_against(checkpoint, event, count))
        previous, newest = event.hash, event.pk
    if unsealed:
        problems.append(
            f"{_events(unsealed)}: the seal does not match the content: changed after it was "
            "written, or rehashed without the audit key"
        )
    if unlinked:
        problems.append(
            f"{_events(unlinked)}: does not follow the event before it: events between them "
            "were removed, or the one before was rewritten"
        )
    if downgraded:
        problems.append(
            f"{_events(downgraded)}: sealed without the key, by the scheme retired at the "
            "upgrade checkpoint (rehashed without the audit key)"
        )
    for event_id, lost in sorted(sealing.items()):
        for checkpoint in lost:
            if event_id > newest:
                problems.append(
                    f"the chain was cut: checkpoint {_label(checkpoint)} sealed event {event_id}"
                    f", but the newest event is {newest}: events {newest + 1}–{event_id} at "
                    "least were removed"
                )
            elif event_id:
                problems.append(
                    f"event {event_id}, sealed by checkpoint {_label(checkpoint)}, was removed"
                )
    chain = AuditChain.objects.filter(pk=1).first()
    if chain and (chain.last_hash != previous or chain.event_count not in (0, count)):
        problems.append(
            f"the chain's head does not match its newest event ({newest}, {count} events): "
            "events after it were removed, or the head was rewritten"
        )
    return problems


def latest_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-id").first()


def _signed_checkpoints(problems) -> list[AuditCheckpoint]:
    """The database's checkpoints whose signature holds, in order; a problem for each one that
    is forged, and for each gap in their own chain of signatures."""
    signed, previous = [], ""
    for checkpoint in AuditCheckpoint.objects.order_by("id"):
        if not checkpoint.is_signed():
            problems.append(
                f"checkpoint {_label(checkpoint)}: its signature does not match (forged, or "
                "edited without the audit key)"
            )
            continue
        if checkpoint.previous_signature != previous:
            problems.append(
                f"checkpoint {_label(checkpoint)}: the checkpoint signed before it is missing "
                "(checkpoints were removed)"
            )
        previous = checkpoint.signature
        signed.append(checkpoint)
    return signed


def _against(checkpoint, event, count) -> list[str]:
    problems = []
    if checkpoint.head_hash != event.hash:
        problems.append(
            f"event {event.pk}: changed after checkpoint {_label(checkpoint)} sealed it"
        )
    if checkpoint.event_count != count:
        problems.append(
            f"checkpoint {_label(checkpoint)} counted {checkpoint.event_count} events up to "
            f"event {event.pk}, there are now {count}: events before it were removed or added"
        )
    return problems


def _anchor(published) -> AuditCheckpoint | None:
    try:
        return AuditCheckpoint(
            taken_at=datetime.datetime.fromisoformat(published["taken_at"]),
            reason=str(published["reason"]),
            event_id=int(published["event_id"]),
            event_count=int(published["event_count"]),
            head_hash=str(published["head_hash"]),
            previous_signature=str(published.get("previous_signature", "")),
            signature=str(published["signature"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _label(checkpoint) -> str:
    return f"of {checkpoint.taken_at:%Y-%m-%d %H:%M} UTC ({checkpoint.get_reason_display()})"


def _events(ids) -> str:
    return f"event {ids[0]}" if len(ids) == 1 else f"events {_ranges(ids)}"


def _ranges(ids, *, shown=20) -> str:
    """``[3, 4, 5, 9]`` → ``"3–5, 9"``; the first ``shown`` runs, then how many more."""
    runs = []
    for pk in ids:
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:shown])
    return text + (f" and {len(runs) - shown} more runs" if len(runs) > shown else "")


def history_for(obj):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
