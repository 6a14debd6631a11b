"""Load the Điện Biên demo (ocop/demo/data/dien_bien.json): producers, products, one demo
account per role, the evaluation chain (`ocop.demo.evaluation`: a council and one dossier
at each stage, written through the services) and the recognition history
(`ocop.demo.certificates`: decisions and certificates since 2019, through the services).

Idempotent: every row is found by its natural key (user name, producer name, producer + product
name, membership scope) and written only when a value differs, so a second run changes nothing,
not even `updated_at`; the evaluation part says how it finds its own rows. Everything runs in one
transaction and is checked against our own administrative-unit tables first; nothing here
imports `vietnam_provinces`."""

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from ocop.accounts.models import Membership, User
from ocop.producers.models import Producer, ProducerMember
from ocop.products.models import Product, ScoringSet
from ocop.regions.models import Commune, CommuneSuccession, LegacyCommune, Province

from .certificates import seed_certificates
from .evaluation import COUNCIL_ROLE, check_evaluation, seed_evaluation
from .inspections import seed_inspections
from .market import seed_market

DATA_FILE = Path(__file__).parent / "data" / "dien_bien.json"

# One shared password for every demo account; `manage.py demo_logins` prints it. The accounts
# exist only where someone ran `seed_demo` (refused on production settings without --force).
DEMO_PASSWORD = "ocop-demo-2026"  # noqa: S105 (published on purpose)
DEMO_PASSWORD_SALT = "ocopDemoPublicSaltDienBien2026"  # noqa: S105 (see demo_password_hash)
DEMO_EMAIL_DOMAIN = "demo.ocop.invalid"

PRODUCER_FIELDS = (
    "kind",
    "address",
    "representative_name",
    "representative_sex",
    "representative_ethnicity",
    "founded_on",
    "member_count",
    "worker_count",
    "is_sample",
)
PRODUCT_FIELDS = (
    "code",
    "unit",
    "packaging",
    "price_min",
    "price_max",
    "shelf_life_days",
    "standards",
    "description",
    "is_sample",
)


# The roles of the data file's users; council members get their seat from the evaluation part.
ROLES = (
    "superuser",
    "central_office",
    "province_office",
    "commune_officer",
    "producer_member",
    COUNCIL_ROLE,
)


class SeedError(Exception):
    """The data file does not fit the database (e.g. administrative units not loaded)."""


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)  # parts skipped on this day, with the reason

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def lines(self):
        labels = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        for label in labels:
            yield (
                f"{label}: {self.created[label]} created, {self.updated[label]} updated, "
                f"{self.unchanged[label]} unchanged"
            )


def read_data(path=DATA_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def iter_products(data):
    """(producer row, product row) pairs of the data file."""
    for producer in data["producers"]:
        for product in producer["products"]:
            yield producer, product


@transaction.atomic
def seed(data=None) -> SeedReport:
    data = data if data is not None else read_data()
    _check(data)
    report = SeedReport()
    producers = {}
    for row in data["producers"]:
        producers[row["name"]] = _seed_producer(row, report)
    password_hash = demo_password_hash()
    users = {
        row["username"]: _seed_user(row, producers, report, password_hash) for row in data["users"]
    }
    # Certificates first: an upgrade or a re-rating starts from the product's certificate.
    seed_certificates(data, users, report)
    seed_evaluation(data, users, report)
    seed_inspections(users)
    seed_market(report)
    return report


def _check(data):
    """Refuse to write anything when the data file names units or sets we do not have."""
    problems = [
        f"user {row['username']}: unknown role {row['role']!r}"
        for row in data["users"]
        if row["role"] not in ROLES
    ]
    needed_provinces = {data["province"]} | {
        row["scope"] for row in data["users"] if row["role"] == "province_office"
    }
    present = set(Province.objects.filter(code__in=needed_provinces).values_list("code", flat=True))
    if not present:
        raise SeedError(
            "The administrative units are not loaded: run `manage.py migrate` "
            "(migration regions 0002 loads them) before `manage.py seed_demo`."
        )
    problems += [f"province {code} does not exist" for code in needed_provinces - present]

    communes = {row["commune"] for row in data["producers"]} | {
        row["scope"] for row in data["users"] if row["role"] == "commune_officer"
    }
    known = dict(Commune.objects.filter(code__in=communes).values_list("code", "province_id"))
    for code in sorted(communes):
        if code not in known:
            problems.append(f"commune {code} does not exist")
        elif known[code] != data["province"]:
            problems.append(f"commune {code} is not in province {data['province']}")

    legacy_codes = {row["legacy_commune"] for row in data["producers"]}
    legacy = dict(
        LegacyCommune.objects.filter(code__in=legacy_codes).values_list("code", "district_id")
    )
    successions = set(
        CommuneSuccession.objects.filter(legacy_commune_id__in=legacy).values_list(
            "legacy_commune_id", "commune_id"
        )
    )
    for row in data["producers"]:
        code = row["legacy_commune"]
        if code not in legacy:
            problems.append(f"{row['name']}: legacy commune {code} does not exist")
        elif legacy[code] != row["legacy_district"]:
            problems.append(
                f"{row['name']}: legacy commune {code} is in district {legacy[code]}, "
                f"not {row['legacy_district']}"
            )
        elif (code, row["commune"]) not in successions:
            problems.append(
                f"{row['name']}: legacy commune {code} did not become commune {row['commune']}"
            )

    sets = {product["scoring_set"] for _, product in iter_products(data)}
    missing_sets = sets - set(ScoringSet.objects.values_list("number", flat=True))
    problems += [f"scoring set {number} does not exist" for number in sorted(missing_sets)]
    problems += check_evaluation(data)
    if problems:
        raise SeedError("The demo data does not fit the database:\n  " + "\n  ".join(problems))


def _upsert(model, lookup, values, report):
    """Create the row, or update only the fields that differ; count what happened."""
    label = model._meta.label
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        report.created[label] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        report.updated[label] += 1
    else:
        report.unchanged[label] += 1
    return obj


def _seed_producer(row, report) -> Producer:
    values = {name: row[name] for name in PRODUCER_FIELDS}
    if values["founded_on"]:
        values["founded_on"] = datetime.date.fromisoformat(values["founded_on"])
    values["commune_id"] = row["commune"]
    values["legacy_commune_id"] = row["legacy_commune"]
    producer = _upsert(Producer, {"name": row["name"]}, values, report)
    for product_row in row["products"]:
        product_values = {name: product_row[name] for name in PRODUCT_FIELDS}
        product_values["scoring_set_id"] = product_row["scoring_set"]
        product_values["available_months"] = Product.months_to_mask(product_row["months"])
        _upsert(
            Product,
            {"producer": producer, "name": product_row["name"]},
            product_values,
            report,
        )
    return producer


def demo_password_hash() -> str:
    """The demo password hashed with a fixed salt: the same string on every run, so a run
    compares it instead of checking the password of every account (each check costs as much
    as hashing, about 0.3 s with Django's PBKDF2 iterations). The password is public anyway;
    the salt is long enough that Django does not re-hash the password at login."""
    return make_password(DEMO_PASSWORD, salt=DEMO_PASSWORD_SALT)


def _seed_user(row, producers, report, password_hash=None) -> User:
    role = row["role"]
    values = {
        "full_name": row["full_name"],
        "email": f"{row['username']}@{DEMO_EMAIL_DOMAIN}",
        "is_active": True,
        "is_staff": role == "superuser",
        "is_superuser": role == "superuser",
        "password": password_hash or demo_password_hash(),
    }
    user = _upsert(User, {"username": row["username"]}, values, report)

    scope = row["scope"]
    if role == "central_office":
        _upsert(Membership, {"user": user, "role": role}, {}, report)
    elif role == "province_office":
        _upsert(Membership, {"user": user, "role": role, "province_id": scope}, {}, report)
    elif role == "commune_officer":
        _upsert(Membership, {"user": user, "role": role, "commune_id": scope}, {}, report)
    elif role == "producer_member":
        _upsert(ProducerMember, {"user": user, "producer": producers[scope]}, {}, report)
    return user
