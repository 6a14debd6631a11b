"""Writing and verifying the hash-chained audit log. Call `record_event` inside the transaction
of the change it describes, so that the change and its record commit or roll back together."""

from django.db import transaction
from django.utils import timezone

from .bulk import insert_rows
from .models import AuditChain, AuditEvent


def record_event(
    *, actor, action, obj, changes=None, old_status="", new_status="", comment=""
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change.")
    chain, _ = AuditChain.objects.get_or_create(pk=1)
    chain = AuditChain.objects.select_for_update().get(pk=chain.pk)
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        old_status=old_status or "",
        new_status=new_status or "",
        changes=_jsonable(changes or {}),
        comment=comment or "",
        previous_hash=chain.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    chain.last_hash = event.hash
    chain.save(update_fields=["last_hash"])
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
    chain, _ = AuditChain.objects.get_or_create(pk=1)
    chain = AuditChain.objects.select_for_update().get(pk=chain.pk)
    now, previous, events = timezone.now(), chain.last_hash, []
    for entry in entries:
        actor, obj = entry.get("actor"), entry["obj"]
        event = AuditEvent(
            created_at=now,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "system",
            action=entry["action"],
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            old_status=entry.get("old_status") or "",
            new_status=entry.get("new_status") or "",
            changes=_jsonable(entry.get("changes") or {}),
            comment=entry.get("comment") or "",
            previous_hash=previous,
        )
        event.hash = previous = event.compute_hash()
        events.append(event)
    insert_rows(AuditEvent, events)
    chain.last_hash = previous
    chain.save(update_fields=["last_hash"])
    return len(events)


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


def verify_chain() -> list[str]:
    """Return the problems found walking the chain from the first event; empty when intact."""
    problems = []
    previous = "0" * 64
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous:
            problems.append(f"event {event.pk}: previous hash does not match the event before it")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.pk}: content was changed after it was written")
        previous = event.hash
    chain = AuditChain.objects.filter(pk=1).first()
    if chain and chain.last_hash != previous:
        problems.append("the chain head does not match the newest event (events were removed)")
    return problems


def history_for(obj):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
