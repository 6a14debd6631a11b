"""Writing a plan (``ocop.imports.plan``): all or nothing, in the caller's transaction.

Rows are written in chunks, in the order of the file: new producers and products, details
filled into matched producers, historical decisions (created, or extended when the file adds
to one already recorded), their items and certificates, reported recognitions, and the audit
events of all of these. Each is written in bulk, so that twenty thousand rows take seconds.
A certificate supersedes the product's current certificate when it is newer, and is recorded
as superseded when an older one is imported, as ``record_historical_decision`` does one at a
time. Any error rolls the whole import back."""

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from ocop.certificates.recognition.models import Certificate, DecisionItem, RecognitionDecision
from ocop.certificates.recognition.services import certificate_number
from ocop.core.audit import record_events
from ocop.core.bulk import insert_rows
from ocop.evaluations.services.transitional import close_recognised_by_decisions
from ocop.producers.models import Producer
from ocop.products.models import Product

from .models import ImportRow, ReportedRecognition
from .plan import NewProducer, NewProduct

Kind = ImportRow.Kind


def _row_written(row_number):
    """Called after each row's records are written (tests inject a failure here)."""


def write_plan(plan, *, actor, job) -> tuple[list, list]:
    """Write every row of `plan` that adds something. Run inside a transaction. Returns the
    products whose certificates changed and the producers whose details did, whose derived
    data (search entries, figures) is to be refreshed once the transaction commits."""
    writer = _Writer(actor=actor, job=job)
    rows = [row for row in plan.rows if row.writes]
    writer.lock_current(rows)
    size = getattr(settings, "IMPORT_COMMIT_CHUNK", 1000)
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        writer.write(chunk)
        for row in chunk:
            _row_written(row.row)
    return writer.finish()


class _Writer:
    def __init__(self, *, actor, job):
        self.actor, self.job = actor, job
        self.now = timezone.now()
        self.current = {}  # product id → its current Certificate
        self.certified = {}  # decision → [product id]
        self.changed_products = set()
        self.updated_producers = {}

    def lock_current(self, rows):
        ids = sorted({row.product.pk for row in rows if isinstance(row.product, Product)})
        for start in range(0, len(ids), 500):
            current = Certificate.objects.select_for_update().filter(
                product_id__in=ids[start : start + 500], is_current=True
            )
            self.current.update((certificate.product_id, certificate) for certificate in current)

    def write(self, rows):
        events = []
        events += self._producers(rows)
        events += self._products(rows)
        events += self._decisions(rows)
        events += self._certificates([row for row in rows if row.kind == Kind.CERTIFIED])
        events += self._reported([row for row in rows if row.kind == Kind.REPORTED])
        record_events(events)

    def finish(self):
        close_recognised_by_decisions(
            [
                (decision.number, decision.decided_on, product_ids)
                for decision, product_ids in self.certified.items()
            ],
            actor=self.actor,
        )
        return sorted(self.changed_products), sorted(self.updated_producers)

    # Producers and products ------------------------------------------------------------

    def _producers(self, rows):
        new = []
        for row in rows:
            producer = row.producer
            if isinstance(producer, NewProducer) and producer.instance is None:
                placement = producer.placement
                producer.instance = Producer(
                    name=producer.name,
                    folded_name=producer.folded_name,
                    kind=producer.kind,
                    registration_number=producer.registration_number,
                    representative_name=producer.representative_name,
                    phone=producer.phone,
                    address=producer.address,
                    province=placement.province,
                    commune=placement.commune,
                    legacy_commune=placement.legacy_commune,
                    is_sample=self.job.is_sample,
                )
                new.append(producer.instance)
        insert_rows(Producer, new)
        events = [self._event("producer.imported", producer) for producer in new]
        events += self._producer_updates(rows)
        return events

    def _producer_updates(self, rows):
        changed = {}
        for row in rows:
            producer = row.producer
            if not row.producer_updates or not isinstance(producer, Producer):
                continue
            changes = changed.setdefault(producer.pk, {})
            for name, value in row.producer_updates.items():
                if name in changes or getattr(producer, name) not in ("", None):
                    continue
                changes[name] = [getattr(producer, name), value]
                setattr(producer, name, value)
            self.updated_producers[producer.pk] = producer
        producers = [self.updated_producers[pk] for pk, changes in changed.items() if changes]
        fields = sorted({name for changes in changed.values() for name in changes})
        if producers and fields:
            for producer in producers:
                producer.updated_at = self.now
            Producer.objects.bulk_update(producers, [*fields, "updated_at"], batch_size=500)
        return [
            self._event(
                "producer.updated",
                self.updated_producers[pk],
                changes={name: [_plain(old), _plain(new)] for name, (old, new) in changes.items()},
            )
            for pk, changes in changed.items()
            if changes
        ]

    def _products(self, rows):
        new = []
        for row in rows:
            product = row.product
            if isinstance(product, NewProduct) and product.instance is None:
                producer = product.producer
                product.instance = Product(
                    producer=producer.instance if isinstance(producer, NewProducer) else producer,
                    name=product.name,
                    folded_name=product.folded_name,
                    scoring_set_id=product.scoring_set,
                    is_sample=self.job.is_sample,
                )
                new.append(product.instance)
        insert_rows(Product, new)
        return [
            self._event(
                "product.imported",
                product,
                changes={"producer": [None, product.producer_id], "name": [None, product.name]},
            )
            for product in new
        ]

    # Decisions and certificates --------------------------------------------------------

    def _decisions(self, rows):
        events = []
        for row in rows:
            plan = row.decision
            if plan is None or plan.instance is not None:
                continue
            if plan.existing is not None:
                plan.instance = plan.existing
                last = plan.existing.items.aggregate(last=Max("position"))["last"]
                plan.next_position = (last or 0) + 1
                continue
            plan.instance = RecognitionDecision(
                number=plan.number,
                decided_on=plan.decided_on,
                authority=plan.authority,
                signer_name=plan.signer_name,
                province=plan.province,
                status=RecognitionDecision.Status.SIGNED,
                signed_at=self.now,
                is_historical=True,
                is_sample=self.job.is_sample,
                note=f"Nhập từ danh sách {self.job.file_name} (lần nhập {self.job.pk}).",
                created_by=self.actor,
            )
            plan.instance.save()
            events.append(
                self._event(
                    "decision.historical_recorded",
                    plan.instance,
                    changes={
                        "number": [None, plan.number],
                        "decided_on": [None, plan.decided_on],
                        "import": [None, self.job.pk],
                    },
                    new_status=plan.instance.status,
                )
            )
        return events

    def _certificates(self, rows):
        items = []
        for row in rows:
            plan = row.decision
            product = _instance(row.product)
            items.append(
                DecisionItem(
                    decision=plan.instance,
                    position=plan.next_position,
                    product=product,
                    star=row.star,
                )
            )
            plan.next_position += 1
        insert_rows(DecisionItem, items)
        certificates = []
        for row, item in zip(rows, items, strict=True):
            decision = item.decision
            certificates.append(
                Certificate(
                    number=row.certificate_number or certificate_number(decision, item),
                    decision=decision,
                    item=item,
                    product=item.product,
                    star=item.star,
                    issued_on=row.issued_on,
                    valid_until=row.valid_until,
                    is_current=False,
                    is_sample=self.job.is_sample,
                )
            )
            self.certified.setdefault(decision, []).append(item.product_id)
            self.changed_products.add(item.product_id)
        return self._place_certificates(certificates)

    def _place_certificates(self, certificates):
        """Insert the new certificates, each current when it is the product's newest, else
        superseded by the newer one (as ``_issue`` does one at a time). The current state is
        decided in memory first, so that the common case (a product's first certificate) is
        a plain insert; links to certificates not yet saved are written after the insert."""
        retired, links = {}, []
        for certificate in certificates:
            current = self.current.get(certificate.product_id)
            if current is not None and current.issued_on > certificate.issued_on:
                links.append((certificate, current))
                continue
            if current is not None:
                current.is_current = False
                links.append((current, certificate))
                if current.pk is not None:
                    retired[current.pk] = current
            certificate.is_current = True
            self.current[certificate.product_id] = certificate
        for certificate in certificates:
            certificate.updated_at = self.now
        # One current certificate per product: those that stop being current go first.
        Certificate.objects.filter(pk__in=list(retired)).update(
            is_current=False, updated_at=self.now
        )
        insert_rows(Certificate, certificates)
        for older, newer in links:
            older.superseded_by, older.superseded_on = newer, newer.issued_on
            Certificate.objects.filter(pk=older.pk).update(
                is_current=False,
                superseded_by=newer,
                superseded_on=newer.issued_on,
                updated_at=self.now,
            )
        events = [
            self._event(
                "certificate.issued",
                certificate,
                changes={
                    "product": [None, certificate.product_id],
                    "star": [None, certificate.star],
                    "issued_on": [None, certificate.issued_on],
                    "valid_until": [None, certificate.valid_until],
                    "decision": [None, certificate.decision.number],
                    "import": [None, self.job.pk],
                },
                new_status="current" if certificate.is_current else "superseded",
            )
            for certificate in certificates
        ]
        events += [
            self._event(
                "certificate.superseded",
                certificate,
                changes={"superseded_by": [None, certificate.superseded_by.number]},
                old_status="current",
                new_status="superseded",
            )
            for certificate in retired.values()
        ]
        return events

    # Reported recognitions -------------------------------------------------------------

    def _reported(self, rows):
        reported = [
            ReportedRecognition(
                product=_instance(row.product),
                star=row.star,
                score=row.score,
                source_text=row.source_text,
                source_url=row.source_url,
                imported_by=self.job,
                row=row.row,
            )
            for row in rows
        ]
        insert_rows(ReportedRecognition, reported)
        return [
            self._event(
                "reported_recognition.recorded",
                recognition,
                changes={
                    "product": [None, recognition.product_id],
                    "star": [None, recognition.star],
                    "import": [None, self.job.pk],
                },
                new_status=recognition.status,
            )
            for recognition in reported
        ]

    def _event(self, action, obj, *, changes=None, old_status="", new_status=""):
        return {
            "actor": self.actor,
            "action": action,
            "obj": obj,
            "changes": changes,
            "old_status": old_status,
            "new_status": new_status,
        }


def _instance(reference):
    """The saved object of a planned producer or product (or the matched one itself)."""
    return reference.instance if isinstance(reference, NewProducer | NewProduct) else reference


def _plain(value):
    return getattr(value, "pk", value)
