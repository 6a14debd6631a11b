"""Writing and verifying the hash-chained audit log. Call `record_event` inside the transaction
of the change it describes, so that the change and its record commit or roll back together."""

from django.db import transaction
from django.utils import timezone

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
