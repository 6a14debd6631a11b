"""A deterministic synthetic OCOP nation for benchmarks: producers, products, dossiers, council
results and score sheets, recognition decisions and certificates, all marked as sample data.

``--scale national``: the 34 provinces, ≈10,000 producers, ≈20,000 products, ≈100,000 score
sheets; ``--scale province``: Điện Biên alone, ≈1/34 of that. ``--multiplier 10`` (or
``--scale national:10``) generates ten times the producers and products of the scale (the
"10×" runs of ``make bench``); ``--fraction 0.1`` a tenth. The same ``--seed`` gives the same
rows on the same day (decisions are dated up to today). Distributions follow domain.md:
producers 38.3% cooperatives, 25.8% enterprises, 33% households, the rest cooperative groups;
stars 65.4% 3★, 33.4% 4★, 0.2% 5★ at first recognition (some 3★ rise to 4★ when re-rated) and
about 0.5% potential 5★; decisions twice a year per province since 2019; certificates valid
36 months, most renewed, some expired, a few revoked. Rows are written with ``bulk_create``
(no services, no audit events, no e-mails): this is data for measuring, not a history. The
summary tables are rebuilt at the end. The market's data is generated too: the catalogue's
search entries of every product (bulk-created, the same text as ``ocop.market.search``
writes), buyers' inquiries (about one for four products), sales channels (about two for three
products) and trade events (a few per province and year, and national fairs) with their
participants. Channels and events carry ``is_sample``; inquiries, which have no such flag, are
marked by their buyer's name and ``example.invalid`` address.

One module, though long: the generator is one pass over the chain (producers to certificates
and the market), each step using the rows of the steps before."""

import base64
import datetime
import functools
import random
import time
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ocop.accounts.models import User
from ocop.certificates.models import (
    Authority,
    Certificate,
    DecisionItem,
    RecognitionDecision,
    RevocationGround,
)
from ocop.core.deadlines import certificate_expires_on, revocation_due_on
from ocop.core.text import fold
from ocop.evaluations.models import (
    Council,
    CouncilMember,
    CouncilResult,
    Dossier,
    Round,
    ScoreSheet,
)
from ocop.market import search
from ocop.market.models import Inquiry, Participation, SalesChannel, SearchEntry, TradeEvent
from ocop.producers.choices import ProducerKind
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.regions.models import Commune, Province
from ocop.rubric.engine import load_sheet
from ocop.rubric.models import RubricVersion
from ocop.stats.summary import reconcile

SCALES = {"national": (None, 10_000), "province": ("11", 300)}
PRODUCTS_PER_PRODUCER = 2
MARKER = "GEN"  # registration numbers and user names of generated rows start with it
KIND_WEIGHTS = [
    (ProducerKind.COOPERATIVE, 38.3),
    (ProducerKind.ENTERPRISE, 25.8),
    (ProducerKind.HOUSEHOLD, 33.0),
    (ProducerKind.COOPERATIVE_GROUP, 2.9),
]
SET_WEIGHTS = {
    1: 8, 2: 8, 3: 8, 4: 8, 5: 2, 6: 6, 7: 6, 8: 6, 9: 4, 10: 4, 11: 8, 12: 4, 13: 5, 14: 3,
    15: 3, 16: 2, 17: 2, 18: 5, 19: 2, 20: 2, 21: 4, 22: 2, 23: 1, 24: 1, 25: 1, 26: 3,
}  # fmt: skip
PRODUCT_WORDS = [
    "Gạo", "Chè", "Cà phê", "Mật ong", "Măng khô", "Miến dong", "Thịt trâu sấy", "Rượu",
    "Nấm hương", "Mắm", "Tương ớt", "Bánh", "Tinh dầu", "Khăn thổ cẩm", "Mây tre đan", "Hoa",
]  # fmt: skip
WEAK_WORDS = ("bao bì", "nhãn", "câu chuyện", "quảng bá", "xúc tiến", "thương mại", "thị trường")
PRODUCER_PREFIXES = {
    ProducerKind.COOPERATIVE: "HTX",
    ProducerKind.ENTERPRISE: "Công ty TNHH",
    ProducerKind.HOUSEHOLD: "Hộ kinh doanh",
    ProducerKind.COOPERATIVE_GROUP: "Tổ hợp tác",
}
STAR_FLOOR = {1: 0, 2: 30, 3: 50, 4: 70, 5: 90}
INQUIRIES_PER_PRODUCT = 0.25
CHANNELS_PER_PRODUCT = 0.65
EVENTS_PER_PROVINCE_AND_YEAR = 3
NATIONAL_EVENTS_PER_YEAR = 2
PARTICIPANTS_PER_EVENT = 12
BUYERS = ("Siêu thị", "Cửa hàng đặc sản", "Công ty thương mại", "Nhà hàng", "Đại lý")
CHANNEL_NAMES = {
    SalesChannel.Kind.SHOWROOM: "Điểm bán OCOP",
    SalesChannel.Kind.SUPERMARKET: "Siêu thị",
    SalesChannel.Kind.SHOP: "Cửa hàng đặc sản",
    SalesChannel.Kind.ECOMMERCE: "Gian hàng trực tuyến",
    SalesChannel.Kind.EXPORT: "Xuất khẩu",
}
EVENT_NAMES = {
    TradeEvent.Kind.FAIR: "Hội chợ OCOP",
    TradeEvent.Kind.FESTIVAL: "Lễ hội đặc sản",
    TradeEvent.Kind.PROMOTION_WEEK: "Tuần hàng OCOP",
}


def parse_scale(value):
    """``national`` or ``national:10`` (a multiplier after the colon) → (scale, multiplier)."""
    name, _, multiplier = value.partition(":")
    if name not in SCALES:
        raise CommandError(f"Unknown scale {name!r}: choose {', '.join(sorted(SCALES))}.")
    try:
        return name, float(multiplier) if multiplier else None
    except ValueError:
        raise CommandError(f"Bad multiplier in --scale {value!r}.") from None


def decision_days(today):
    """The decision days: end of June and end of December each year since 2019."""
    days = []
    for year in range(2019, today.year + 1):
        for month in (6, 12):
            day = datetime.date(year, month, 28)
            if day <= today:
                days.append(day)
    return days


class Generator:
    def __init__(self, *, seed, scale, stdout, fraction=1.0, multiplier=1.0):
        self.rng = random.Random(seed)  # noqa: S311 (reproducible sample data, not secrets)
        self.seed = seed
        self.province_code, producer_count = SCALES[scale]
        self.producer_count = max(1, round(producer_count * fraction * multiplier))
        self.stdout = stdout
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.days = decision_days(self.today)
        self.version = RubricVersion.objects.get(code="26/2026")
        self.sheets = {}

    def log(self, message):
        self.stdout.write(message)

    # ---------------------------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        provinces = Province.objects.order_by("code")
        if self.province_code:
            provinces = provinces.filter(code=self.province_code)
        self.provinces = list(provinces)
        communes = defaultdict(list)
        self.commune_rows = {}
        for commune in (
            Commune.objects.filter(province__in=self.provinces)
            .order_by("code")
            .only("code", "name", "province_id")
        ):
            communes[commune.province_id].append(commune.code)
            self.commune_rows[commune.code] = commune
        self.communes = communes
        self.weights = [self.rng.uniform(0.4, 1.6) for _ in self.provinces]
        for step in (
            self.users,
            self.producers,
            self.products,
            self.councils,
            self.histories,
            self.search_entries,
            self.market,
        ):
            step_started = time.monotonic()
            step()
            self.log(f"  ({step.__name__}: {time.monotonic() - step_started:.1f} s)")
        self.log("summary tables …")
        step_started = time.monotonic()
        reconcile(repair=True)
        self.log(f"  (summary tables: {time.monotonic() - step_started:.1f} s)")
        self.derived_market_tables()
        self.log(f"done in {time.monotonic() - started:.0f} s")

    def users(self):
        password = make_password(None)
        self.members = {}
        rows = []
        for province in [*self.provinces, None]:
            for role_index in range(5):
                code = province.code if province else "TW"
                rows.append(
                    User(
                        username=f"{MARKER.lower()}-{code}-{role_index}",
                        full_name=f"Thành viên hội đồng mẫu {code}-{role_index}",
                        password=password,
                        email=f"{MARKER.lower()}-{code}-{role_index}@example.invalid",
                    )
                )
        User.objects.bulk_create(rows, batch_size=1000)
        users = User.objects.filter(username__startswith=f"{MARKER.lower()}-").order_by("username")
        for user in users:
            code = user.username.split("-")[1]
            self.members.setdefault(code, []).append(user)
        self.log(f"users: {len(rows)}")

    def producers(self):
        kinds = [kind for kind, _ in KIND_WEIGHTS]
        weights = [weight for _, weight in KIND_WEIGHTS]
        rows = []
        for number in range(1, self.producer_count + 1):
            index = self.rng.choices(range(len(self.provinces)), self.weights)[0]
            province = self.provinces[index]
            kind = self.rng.choices(kinds, weights)[0]
            prefix = PRODUCER_PREFIXES[kind]
            name = f"{prefix} mẫu {province.short_name} số {number}"
            rows.append(
                Producer(
                    name=name,
                    folded_name=fold(name),
                    kind=kind,
                    registration_number=f"{MARKER}{number:08d}",
                    representative_name=f"Người đại diện mẫu {number}",
                    province_id=province.code,
                    commune_id=self.rng.choice(self.communes[province.code]),
                    is_sample=True,
                )
            )
        Producer.objects.bulk_create(rows, batch_size=2000)
        self.producer_rows = list(
            Producer.objects.filter(registration_number__startswith=MARKER)
            .order_by("registration_number")
            .only(
                "pk",
                "province_id",
                "commune_id",
                "legacy_commune_id",
                "name",
                "representative_name",
                "kind",
            )
        )
        self.log(f"producers: {len(self.producer_rows)}")

    def products(self):
        sets = list(SET_WEIGHTS)
        weights = list(SET_WEIGHTS.values())
        rows = []
        number = 0
        for producer in self.producer_rows:
            for _ in range(self.rng.choice((1, 2, 2, 3))):
                number += 1
                scoring_set = self.rng.choices(sets, weights)[0]
                name = f"{self.rng.choice(PRODUCT_WORDS)} mẫu số {number}"
                rows.append(
                    Product(
                        producer_id=producer.pk,
                        name=name,
                        folded_name=fold(name),
                        scoring_set_id=scoring_set,
                        code=f"{producer.province_id}-{producer.commune_id}-{number:05d}-{MARKER}",
                        description="Sản phẩm mẫu sinh tự động để đo hiệu năng.",
                        price_min=self.rng.randrange(20, 500) * 1000,
                        is_sample=True,
                    )
                )
        Product.objects.bulk_create(rows, batch_size=2000)
        producers = {producer.pk: producer for producer in self.producer_rows}
        self.product_rows = list(
            Product.objects.filter(code__endswith=f"-{MARKER}")
            .order_by("code")
            .only("pk", "producer_id", "scoring_set_id", "name")
        )
        for product in self.product_rows:
            product.producer_row = producers[product.producer_id]
        self.log(f"products: {len(self.product_rows)}")

    def councils(self):
        """A closed provincial round with its council per province and decision day, and a
        central one per decision day."""
        rounds = []
        for day in self.days:
            for province in [*self.provinces, None]:
                rounds.append(
                    Round(
                        level=Round.Level.PROVINCE if province else Round.Level.CENTRAL,
                        province_id=province.code if province else None,
                        year=day.year,
                        kind=Round.Kind.EXTRA,
                        name=f"Đợt mẫu {day:%m/%Y} {province.short_name if province else 'TW'}",
                        decide_before=day,
                        status=Round.Status.CLOSED,
                        closed_at=self.now,
                    )
                )
        Round.objects.bulk_create(rounds, batch_size=1000)
        councils = [
            Council(round=round_, name=f"Hội đồng {round_.name}", quorum_percent=75,
                    spread_limit=Decimal(10))
            for round_ in rounds
        ]  # fmt: skip
        Council.objects.bulk_create(councils, batch_size=1000)
        roles = [
            CouncilMember.Role.CHAIR,
            CouncilMember.Role.SECRETARY,
            CouncilMember.Role.MEMBER,
            CouncilMember.Role.MEMBER,
            CouncilMember.Role.ADVISER,
        ]
        members = []
        for council in councils:
            code = council.round.province_id or "TW"
            for user, role in zip(self.members[code], roles, strict=True):
                members.append(CouncilMember(council=council, user=user, role=role))
        CouncilMember.objects.bulk_create(members, batch_size=2000)
        self.council_of = {
            (council.round.province_id, council.round.decide_before): council
            for council in councils
        }
        self.scorers = defaultdict(list)
        for member in members:
            if member.role != CouncilMember.Role.ADVISER:
                self.scorers[member.council_id].append(member)
        self.log(f"rounds and councils: {len(councils)}; members: {len(members)}")

    # ---------------------------------------------------------------------------------

    def sheet(self, number):
        """(criteria codes, max points, weakness) of a sheet; packaging, labels, the story and
        trade promotion lose more points, as the founding article says."""
        if number not in self.sheets:
            criteria = load_sheet(number).criteria
            self.sheets[number] = [
                (
                    code,
                    criterion.max_points,
                    0.45 if any(w in criterion.title_vi.lower() for w in WEAK_WORDS) else 0.85,
                )
                for code, criterion in criteria.items()
            ]
        return self.sheets[number]

    def scores(self, number, star):
        """Criterion points whose total falls in ``star``'s band."""
        criteria = self.sheet(number)
        floor = STAR_FLOOR[star]
        ceiling = 100 if star == 5 else STAR_FLOOR[star + 1] - 0.5
        target = self.rng.uniform(floor + 0.5, ceiling)
        raw = {
            code: maximum * min(1.0, max(0.0, self.rng.gauss(weakness, 0.15)))
            for code, maximum, weakness in criteria
        }
        scale = target / (sum(raw.values()) or 1)
        points = {}
        for code, maximum, _ in criteria:
            points[code] = round(min(maximum, raw[code] * scale) * 4) / 4
        total = sum(points.values())
        if not floor <= total < (ceiling + 0.5):  # capped criteria: fall back on the band
            total = round(target, 2)
        return points, round(total, 2)

    def public_code(self):
        return base64.urlsafe_b64encode(self.rng.randbytes(9)).decode()

    def histories(self):
        """Each product's dossiers, results, sheets and certificates through the years."""
        events = []  # (product, day, star, kind) ordered per product
        potential = []
        low = []
        for product in self.product_rows:
            draw = self.rng.random()
            if draw < 0.08:
                low.append((product, self.rng.choice(self.days)))
                continue
            first = self.rng.choices(range(len(self.days)), range(1, len(self.days) + 1))[0]
            star = self.rng.choices((3, 4, 5), (65.4, 33.4, 0.2))[0]
            index = first
            while True:
                events.append((product, self.days[index], star))
                index += 6  # re-rated three years later
                if index >= len(self.days) or self.rng.random() > 0.88:
                    break
                if star == 3 and self.rng.random() < 0.06:
                    star = 4
            if star == 4 and self.rng.random() < 0.02:
                potential.append(product)
        self.log(f"recognitions: {len(events)}; rated low: {len(low)}; potential 5★: "
                 f"{len(potential)}")  # fmt: skip
        dossiers = []
        results = []

        def dossier(product, day, status, kind, star):
            producer = product.producer_row
            submitted = datetime.datetime.combine(
                day - datetime.timedelta(days=60), datetime.time(2), tzinfo=datetime.UTC
            )
            row = Dossier(
                product_id=product.pk,
                producer_id=producer.pk,
                province_id=producer.province_id,
                commune_id=producer.commune_id,
                kind=kind,
                rubric_version=self.version,
                sheet_number=product.scoring_set_id,
                status=status,
                applicant_name=producer.name,
                representative_name=producer.representative_name,
                product_name=product.name,
                submitted_at=submitted,
                received_on=day - datetime.timedelta(days=60),
                forwarded_on=day - datetime.timedelta(days=45),
                proposed_star=star if star >= 3 else None,
                sample_count=0 if product.scoring_set_id == 26 else 5,
            )
            dossiers.append(row)
            return row

        seen = defaultdict(int)
        for product, day, star in events:
            seen[product.pk] += 1
            kind = Dossier.Kind.FIRST_RATING if seen[product.pk] == 1 else Dossier.Kind.RE_RATING
            status = Dossier.Status.PROPOSED_CENTRAL if star == 5 else Dossier.Status.PROPOSED
            results.append((dossier(product, day, status, kind, star), day, star))
        for product, day in low:
            star = self.rng.choice((1, 2))
            results.append(
                (dossier(product, day, Dossier.Status.RATED_LOW, Dossier.Kind.FIRST_RATING, star),
                 day, star)
            )  # fmt: skip
        for product in potential:
            day = self.days[-1]
            row = dossier(product, day, Dossier.Status.SENT_CENTRAL, Dossier.Kind.UPGRADE, 5)
            results.append((row, day, 5))
        Dossier.objects.bulk_create(dossiers, batch_size=2000)
        self.log(f"dossiers: {len(dossiers)}")

        council_results = []
        sheets = []
        for row, day, star in results:
            council = self.council_of[(row.province_id, day)]
            points, total = self.scores(row.sheet_number, star)
            upgrades = self.rng.choice((1, 1, 2, 3, 4)) if star < 5 else 0
            members = self.scorers[council.pk]
            totals = [float(min(100, max(0, total + self.rng.uniform(-3, 3)))) for _ in members]
            council_results.append(
                CouncilResult(
                    dossier=row,
                    council=council,
                    level=Round.Level.PROVINCE,
                    rubric_version=self.version,
                    sheet_number=row.sheet_number,
                    mean_total=Decimal(str(total)),
                    parts={},
                    star=star,
                    band_star=star,
                    unmet_minimums={},
                    spread=Decimal(str(round(max(totals) - min(totals), 2))),
                    spread_limit=Decimal(10),
                    quorum_percent=75,
                    scoring_members=len(members),
                    members_counted=len(members),
                    member_totals=sorted(totals, reverse=True),
                    explanation={
                        "version": self.version.slug,
                        "sheet": row.sheet_number,
                        "criteria": points,
                        "not_applicable": [],
                    },
                    rule_note="Dữ liệu mẫu sinh tự động.",
                    gap_report=(
                        {
                            "reachable": True,
                            "target_star": star + 1,
                            "upgrades": [{"code": "?"}] * upgrades,
                        }
                        if star < 5
                        else {}
                    ),
                    outcome=(
                        CouncilResult.Outcome.SENT_CENTRAL
                        if row.status == Dossier.Status.SENT_CENTRAL
                        else CouncilResult.Outcome.PROPOSED
                        if star >= 3
                        else CouncilResult.Outcome.RECORDED_LOW
                    ),
                    closed_by=members[0].user,
                    closed_at=row.submitted_at + datetime.timedelta(days=50),
                )
            )
            for member, member_total in zip(members, totals, strict=True):
                sheets.append(
                    ScoreSheet(
                        dossier=row,
                        member=member,
                        round_id=council.round_id,
                        rubric_version=self.version,
                        sheet_number=row.sheet_number,
                        status=ScoreSheet.Status.SUBMITTED,
                        total=Decimal(str(round(member_total, 2))),
                        star=star,
                        submitted_at=row.submitted_at + datetime.timedelta(days=40),
                    )
                )
        CouncilResult.objects.bulk_create(council_results, batch_size=2000)
        ScoreSheet.objects.bulk_create(sheets, batch_size=5000)
        self.log(f"council results: {len(council_results)}; score sheets: {len(sheets)}")
        self.certificates(
            [(row, day, star, result) for (row, day, star), result in
             zip(results, council_results, strict=True) if row.status.startswith("proposed")]
        )  # fmt: skip

    def certificates(self, recognitions):
        decisions = {}
        for row, day, star, _result in recognitions:
            province = None if star == 5 else row.province_id
            if (province, day) not in decisions:
                number = len(decisions) + 1
                decisions[(province, day)] = RecognitionDecision(
                    number=f"{number}/QĐ-{'BNNMT' if province is None else 'UBND'}-{MARKER}",
                    decided_on=day,
                    year=day.year,
                    authority=(
                        Authority.MINISTER if province is None else Authority.PROVINCE_CHAIRMAN
                    ),
                    signer_name="Người ký mẫu",
                    province_id=province,
                    status=RecognitionDecision.Status.SIGNED,
                    signed_at=self.now,
                    is_historical=True,
                    is_sample=True,
                )  # fmt: skip
        RecognitionDecision.objects.bulk_create(decisions.values(), batch_size=1000)
        items = []
        positions = defaultdict(int)
        for row, day, star, result in recognitions:
            decision = decisions[(None if star == 5 else row.province_id, day)]
            positions[decision.pk] += 1
            items.append(
                DecisionItem(
                    decision=decision,
                    position=positions[decision.pk],
                    product_id=row.product_id,
                    star=star,
                    dossier=row,
                    council_result=result,
                )
            )
        DecisionItem.objects.bulk_create(items, batch_size=2000)
        # A few decision days: the legal calendar is read once per day, not once per row.
        expires_on = functools.cache(certificate_expires_on)
        certificates = []
        latest = {}
        for item, (row, day, star, result) in zip(items, recognitions, strict=True):
            certificate = Certificate(
                number=f"GCN-{MARKER}-{len(certificates) + 1:06d}",
                decision=item.decision,
                item=item,
                product_id=row.product_id,
                star=star,
                council_result=result,
                issued_on=day,
                valid_until=expires_on(day),
                public_code=self.public_code(),
                is_current=False,
                is_sample=True,
            )
            certificates.append(certificate)
            latest[row.product_id] = certificate  # recognitions are in date order per product
        grounds = list(RevocationGround.values)
        revoked = 0
        for certificate in latest.values():
            certificate.is_current = True
            if self.rng.random() < 0.006 and certificate.valid_until >= self.today:
                days = (min(self.today, certificate.valid_until) - certificate.issued_on).days
                certificate.revoked_on = certificate.issued_on + datetime.timedelta(
                    days=self.rng.randrange(1, max(days, 2))
                )
                certificate.revocation_ground = self.rng.choice(grounds)
                certificate.revocation_decision_number = f"TH-{MARKER}-{revoked + 1}"
                # Decided on the day of the finding (art. 8(4)), so never late.
                certificate.revocation_finding_on = certificate.revoked_on
                certificate.revocation_due_on = revocation_due_on(certificate.revoked_on)
                certificate.is_current = False
                revoked += 1
        Certificate.objects.bulk_create(certificates, batch_size=2000)
        superseded = []
        previous = {}
        for certificate in certificates:
            older = previous.get(certificate.product_id)
            if older is not None:
                older.superseded_by = certificate
                older.superseded_on = certificate.issued_on
                superseded.append(older)
            previous[certificate.product_id] = certificate
        Certificate.objects.bulk_update(
            superseded, ["superseded_by", "superseded_on"], batch_size=2000
        )
        self.log(
            f"decisions: {len(decisions)}; certificates: {len(certificates)} "
            f"({len(superseded)} superseded, {revoked} revoked)"
        )

    # ---------------------------------------------------------------------------------

    def search_entries(self):
        """The catalogue's search entry of every product, with the text
        :func:`ocop.market.search.entry_values` gives, from the rows already in memory (no
        query per product; on SQLite the FTS5 triggers index each entry as it is inserted)."""
        provinces = {province.code: province for province in self.provinces}
        entries = []
        for product in self.product_rows:
            producer = product.producer_row
            producer.province = provinces[producer.province_id]
            producer.commune = self.commune_rows[producer.commune_id]
            product.producer = producer
            entries.append(SearchEntry(product_id=product.pk, **search.entry_values(product)))
        SearchEntry.objects.bulk_create(entries, batch_size=2000)
        self.log(f"search entries: {len(entries)}")

    def market(self):
        """Buyers' inquiries, sales channels, trade events and their participants."""
        with explicit_timestamps(Inquiry, TradeEvent):
            self.inquiries()
            self.events()
        self.channels()

    def inquiries(self):
        count = round(len(self.product_rows) * INQUIRIES_PER_PRODUCT)
        rows = []
        for number, product in enumerate(self.rng.sample(self.product_rows, count), start=1):
            producer = product.producer_row
            created = self.now - datetime.timedelta(minutes=self.rng.randrange(1, 2 * 365 * 1440))
            status = self.rng.choices(list(Inquiry.Status), (40, 45, 15))[0]
            replied = (
                created + datetime.timedelta(hours=self.rng.randrange(1, 240))
                if status != Inquiry.Status.NEW
                else None
            )
            rows.append(
                Inquiry(
                    product_id=product.pk,
                    producer_id=producer.pk,
                    province_id=producer.province_id,
                    buyer_name=f"Người mua mẫu {number}",
                    organisation=f"{self.rng.choice(BUYERS)} mẫu {number}",
                    email=f"{MARKER.lower()}-buyer-{number}@example.invalid",
                    quantity=self.rng.randrange(10, 5000),
                    unit="kg",
                    message="Yêu cầu báo giá (dữ liệu mẫu sinh tự động).",
                    status=status,
                    replied_at=replied,
                    closed_at=(
                        replied + datetime.timedelta(days=self.rng.randrange(1, 30))
                        if status == Inquiry.Status.CLOSED
                        else None
                    ),
                    created_at=created,
                    updated_at=replied or created,
                )
            )
        Inquiry.objects.bulk_create(rows, batch_size=2000)
        self.log(f"inquiries: {len(rows)}")

    def channels(self):
        count = round(len(self.product_rows) * CHANNELS_PER_PRODUCT)
        kinds = list(CHANNEL_NAMES)
        countries = ("Nhật Bản", "Hàn Quốc", "Hoa Kỳ", "Đức", "Úc", "Singapore")
        rows = []
        for number in range(1, count + 1):
            product = self.rng.choice(self.product_rows)
            producer = product.producer_row
            kind = self.rng.choices(kinds, (30, 15, 25, 25, 5))[0]
            physical = kind in SalesChannel.PHYSICAL_KINDS
            rows.append(
                SalesChannel(
                    product_id=product.pk,
                    kind=kind,
                    name=f"{CHANNEL_NAMES[kind]} mẫu {number}",
                    address=f"Số {number} đường mẫu" if physical else "",
                    url=(
                        f"https://{MARKER.lower()}-shop-{number}.example.invalid/"
                        if kind == SalesChannel.Kind.ECOMMERCE
                        else ""
                    ),
                    country=self.rng.choice(countries) if kind == SalesChannel.Kind.EXPORT else "",
                    province_id=producer.province_id if physical else None,
                    commune_id=producer.commune_id if physical else None,
                    is_active=self.rng.random() < 0.93,
                    is_sample=True,
                )
            )
        SalesChannel.objects.bulk_create(rows, batch_size=2000)
        self.log(f"sales channels: {len(rows)}")

    def events(self):
        """A few events per province and year since 2019 (and next year's, upcoming), national
        fairs; each with producers of its province (any province for a national one)."""
        kinds = list(EVENT_NAMES)
        by_province = defaultdict(list)
        for producer in self.producer_rows:
            by_province[producer.province_id].append(producer)
        products_of = {}
        for product in self.product_rows:
            products_of.setdefault(product.producer_id, product.pk)
        events = []
        for year in range(2019, self.today.year + 2):
            places = [(province, False) for province in self.provinces
                      for _ in range(EVENTS_PER_PROVINCE_AND_YEAR)]  # fmt: skip
            places += [(self.rng.choice(self.provinces), True)] * NATIONAL_EVENTS_PER_YEAR
            for province, national in places:
                kind = self.rng.choice(kinds)
                starts = datetime.date(year, 1, 1) + datetime.timedelta(
                    days=self.rng.randrange(360)
                )
                where = "toàn quốc" if national else province.short_name
                events.append(
                    TradeEvent(
                        name=f"{EVENT_NAMES[kind]} {where} {year} mẫu {len(events) + 1}",
                        kind=kind,
                        starts_on=starts,
                        ends_on=starts + datetime.timedelta(days=self.rng.randrange(0, 7)),
                        province_id=province.code,
                        address=f"Trung tâm hội chợ mẫu, {province.name}",
                        organiser="Văn phòng Điều phối OCOP (mẫu)",
                        description="Sự kiện mẫu sinh tự động để đo hiệu năng.",
                        is_national=national,
                        is_sample=True,
                        created_at=self.now,
                        updated_at=self.now,
                    )
                )
        TradeEvent.objects.bulk_create(events, batch_size=1000)
        participations = []
        for event in events:
            pool = self.producer_rows if event.is_national else by_province[event.province_id]
            for producer in self.rng.sample(pool, min(PARTICIPANTS_PER_EVENT, len(pool))):
                participations.append(
                    Participation(
                        event=event,
                        producer_id=producer.pk,
                        status=self.rng.choices(list(Participation.Status), (10, 85, 5))[0],
                        created_at=self.now,
                        updated_at=self.now,
                    )
                )
        Participation.objects.bulk_create(participations, batch_size=2000)
        shown = Participation.products.through
        shown.objects.bulk_create(
            [
                shown(participation_id=row.pk, product_id=products_of[row.producer_id])
                for row in participations
                if row.producer_id in products_of
            ],
            batch_size=2000,
        )
        self.log(f"trade events: {len(events)}; participations: {len(participations)}")

    def derived_market_tables(self):
        """The catalogue's listing rows (and their summary) for the certificates written in
        bulk above, which no receiver saw: :func:`ocop.market.listing.reconcile_listings`."""
        from ocop.market.listing import reconcile_listings

        started = time.monotonic()
        report = reconcile_listings()
        self.log(f"listings: {len(report.missing)} ({time.monotonic() - started:.1f} s)")


@contextmanager
def explicit_timestamps(*models):
    """Let ``bulk_create`` keep the ``created_at``/``updated_at`` given (sample rows dated in
    the past) instead of stamping them all with now."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = "Generate a deterministic synthetic OCOP dataset (sample data) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            default="province",
            help="national or province, with an optional multiplier: national:10.",
        )
        parser.add_argument(
            "--multiplier",
            type=float,
            default=None,
            help="Generate this many times the scale's producers and products (10 for 10×).",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="Generate this fraction of the scale's producers (0.1 for 10%%).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a production database).",
        )

    def handle(self, *args, scale, seed, force, fraction=1.0, multiplier=None, **options):
        scale, scale_multiplier = parse_scale(scale)
        if multiplier is not None and scale_multiplier is not None:
            raise CommandError("Give the multiplier once: --scale national:10 or --multiplier.")
        multiplier = multiplier or scale_multiplier or 1.0
        if not 0 < fraction <= 1:
            raise CommandError("--fraction must be above 0 and at most 1.")
        if not 0 < multiplier <= 100:
            raise CommandError("--multiplier must be above 0 and at most 100.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "generate_dataset writes thousands of sample rows: run it with DEBUG on, on a "
                "throwaway database (or pass --force)."
            )
        if Producer.objects.filter(registration_number__startswith=MARKER).exists():
            raise CommandError("A generated dataset is already in this database.")
        if not Province.objects.exists():
            raise CommandError("Load the administrative units first (manage.py migrate).")
        with transaction.atomic():
            Generator(
                seed=seed,
                scale=scale,
                stdout=self.stdout,
                fraction=fraction,
                multiplier=multiplier,
            ).run()
