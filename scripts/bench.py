#!/usr/bin/env python
"""The national-scale benchmark (``make bench``): it reports, it never fails on time.

For each database (a throwaway SQLite file; PostgreSQL too when a server answers, database
``bench``) it builds the synthetic nation twice — 10% and 100% of ``generate_dataset --scale
national`` — in a fresh database, and measures with the Django test client, N times after one
warm-up, the median time spent serving each page (client included) and its query count: the
public catalogue (first and last page), a product page, the search, the verification page, the
back-office product list (first and last page), every dashboard and the open data, one
council's scoring by the rubric engine. It prints one table, then the ratios of last to first
page for each list and of each dashboard at 100% to 10% of the data.

Usage: ``.venv/bin/python scripts/bench.py [--scale national|province] [--seed 1]
[--repeat 7] [--no-postgres]``. ``BENCH_PG_URL`` overrides the PostgreSQL server
(default ``postgres://postgres@127.0.0.1:5432``)."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "bench"
FRACTIONS = (0.1, 1.0)
# Measured as served in production: DEBUG off (cached templates, no query log), static files
# collected into the run's temporary folder, plain HTTP for the test client.
PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "HTTPS_ONLY": "false",
    "ALLOWED_HOSTS": "testserver",
}
DASHBOARDS = (
    "dashboard national",
    "dashboard province",
    "dashboard commune",
    "open data page",
    "summary.json",
)
#: The dashboards measured a second time with their figures computed (a new statistics version
#: before each request: the first request after a change), beside the cached ones above.
COMPUTED = " (computed)"
LISTS = (
    ("catalogue last page", "catalogue /products/"),
    ("back-office list last page", "back-office list"),
)


# --------------------------------------------------------------------------------------
# The worker: one database, one fraction (runs in its own process, Django set up there)
# --------------------------------------------------------------------------------------


def worker(args):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    setup_test_environment()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    migrated = time.monotonic()
    call_command(
        "generate_dataset",
        scale=args.scale,
        seed=args.seed,
        fraction=args.fraction,
        force=True,
        stdout=sys.stderr,
    )
    generated = time.monotonic()

    from django.db.models import Count

    from ocop.accounts.models import Membership, User
    from ocop.certificates.models import Certificate
    from ocop.rubric.engine import load_sheet, score_council
    from ocop.stats.models import CertificateFact

    user = User.objects.create(username="bench-central", full_name="Bench")
    Membership.objects.create(user=user, role=Membership.Role.CENTRAL_OFFICE)
    official = Client()
    official.force_login(user)
    public = Client()

    def busiest(field):
        return (
            CertificateFact.objects.values(field)
            .annotate(n=Count("pk"))
            .order_by("-n", field)
            .values_list(field, flat=True)
            .first()
        )

    certificate = Certificate.objects.filter(is_current=True).order_by("pk").first()
    pages = []

    def add(name, client, url, note=""):
        pages.append((name, client, url, note))

    def public_url(name, *url_args):
        try:
            return reverse(name, args=url_args)
        except NoReverseMatch:
            return None

    try:
        catalogue = resolve("/products/").view_name == "market:product_list"
    except Resolver404:
        catalogue = False
    if catalogue:
        add("catalogue /products/", public, "/products/")
        add("catalogue last page", public, "/products/?page=999999")
        add("search (catalogue)", public, "/products/?q=ch%C3%A8")
    else:
        add("catalogue /products/", None, None, "skipped: /products/ does not resolve yet")
    product_page = public_url("market:product_detail", certificate.product_id)
    if product_page:
        add("product page (public)", public, product_page)
    add("product page (back office)", official, reverse("products:product_detail",
        args=[certificate.product_id]))  # fmt: skip
    add("back-office list", official, reverse("products:product_list"))
    add("back-office list last page", official, reverse("products:product_list") + "?page=999999")
    add("search (back office)", official, reverse("products:product_list") + "?q=gao")
    add("verification /v/<code>", official, f"/v/{certificate.public_code}")
    add("dashboard national", official, reverse("stats:dashboard_national"))
    add("dashboard province", official, reverse("stats:dashboard_province",
        args=[busiest("province_id")]))  # fmt: skip
    add("dashboard commune", official, reverse("stats:dashboard_commune",
        args=[busiest("commune_id")]))  # fmt: skip
    add("open data page", public, reverse("open_data:index"))
    add("summary.json", public, reverse("open_data:summary_json"))
    add("export by set (XLSX)", official, reverse("stats:export_national",
        args=["by_set", "xlsx"]))  # fmt: skip

    try:
        from ocop.stats.cache import bump
    except ImportError:  # a tree without cached figures
        bump = None
    if bump is not None:
        pages.extend(
            (name + COMPUTED, client, url, note)
            for name, client, url, note in list(pages)
            if name in DASHBOARDS
        )

    rows = {}
    for name, client, url, note in pages:
        if args.fraction < 1 and name.removesuffix(COMPUTED) not in DASHBOARDS:
            continue
        if client is None:
            rows[name] = {"note": note}
            continue
        client.get(url)  # warm-up
        times = []
        status = queries = None
        for _ in range(args.repeat):
            if name.endswith(COMPUTED):
                bump()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            status, queries = response.status_code, len(captured)
        rows[name] = {
            "ms": statistics.median(times) * 1000,
            "queries": queries,
            "status": status,
            "note": note,
        }

    if args.fraction == 1:
        sheet = load_sheet(11)
        import random

        rng = random.Random(args.seed)  # noqa: S311 (reproducible answers, not secrets)
        members = [
            {code: rng.randint(1, len(c.options)) for code, c in sheet.criteria.items()}
            for _ in range(4)
        ]
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            score_council(sheet, members)
            times.append(time.perf_counter() - start)
        rows["council scoring (engine, 4 sheets)"] = {
            "ms": statistics.median(times) * 1000,
            "queries": 0,
            "status": "-",
            "note": "",
        }
    if args.fraction == 1:
        rows.update(import_rows(user, args.seed))
    counts = {
        "products": CertificateFact.objects.values("product_id").distinct().count(),
        "certificates": Certificate.objects.count(),
    }
    from ocop.evaluations.models import ScoreSheet
    from ocop.producers.models import Producer

    counts["producers"] = Producer.objects.count()
    counts["score sheets"] = ScoreSheet.objects.count()
    print(
        json.dumps(
            {
                "rows": rows,
                "counts": counts,
                "migrate_s": migrated - started,
                "generate_s": generated - migrated,
            }
        )
    )


IMPORT_ROWS = 20_000
IMPORT_TARGET_S = 30


def recognition_list(rows, seed):
    """An XLSX recognition list of `rows` sample rows as provinces keep them: addresses of
    before July 2025 (some only the province), most with their decision (a few decisions per
    province and year, 5★ ones the Ministry's), one in ten without; a producer every two rows,
    and one row in twenty a product the nation already holds (matched)."""
    import io
    import random

    from openpyxl import Workbook

    from ocop.products.models import Product
    from ocop.regions.models import LegacyCommune

    rng = random.Random(seed)  # noqa: S311 (reproducible sample data, not secrets)
    communes = list(LegacyCommune.objects.select_related("district__province").order_by("code"))
    known = list(Product.objects.select_related("producer").order_by("pk")[: rows // 20].iterator())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách OCOP")
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP ĐÃ CÔNG NHẬN (dữ liệu mẫu cho benchmark)"])
    sheet.append(["STT", "Tên sản phẩm", "Tên chủ thể", "Mã số thuế", "Địa chỉ", "Hạng sao",
                  "Số quyết định", "Ngày quyết định", "Nhóm sản phẩm"])  # fmt: skip
    kinds = ["Chè", "Cà phê", "Gạo", "Mật ong", "Miến dong", "Nước mắm", "Măng khô", "Rượu"]
    for index in range(rows):
        commune = rng.choice(communes)
        district, province = commune.district, commune.district.province
        star = rng.choice((3, 3, 3, 4, 4, 5))
        year = rng.randint(2019, 2025)
        address = (
            f"{commune.name}, {district.name}, {province.name}" if index % 7 else province.name
        )
        product = f"{rng.choice(kinds)} mẫu {index} (mẫu)"
        producer, number = f"HTX mẫu {province.code}-{index // 2} (mẫu)", ""
        if index % 20 == 0 and known:
            match = known[index // 20 % len(known)]
            product, producer = match.name, match.producer.name
            number = match.producer.registration_number
            address = f"{match.producer.commune.name}, {match.producer.province.name}"
        # A few decisions a province and year, each on its own day.
        line = rng.randint(1, 4)
        decision = f"{int(province.code) * 10 + line}/QĐ-{'BNNMT' if star == 5 else 'UBND'}"
        day = f"{(int(province.code) + line * 5) % 28 + 1:02d}/{line * 3:02d}/{year}"
        decided = index % 10 != 3
        sheet.append([
            index + 1, product, producer, number, address, f"{star} sao",
            decision if decided else "", day if decided else "", "",
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_rows(user, seed):
    """A 20,000-row list imported by the central office: checked, committed, the derived data
    refreshed (the worker's step after the commit), and the same file checked again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ocop.imports import services

    data = recognition_list(IMPORT_ROWS, seed)
    results = {}

    def timed(name, step):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            value = step()
            elapsed = time.perf_counter() - start
        results[name] = {"ms": elapsed * 1000, "queries": len(captured), "status": "-"}
        return value

    job = services.start_import(data, "bench.xlsx", actor=user)
    timed(f"import {IMPORT_ROWS:,} rows: check", lambda: services.validate_import(job))
    results[f"import {IMPORT_ROWS:,} rows: check"]["note"] = str(job.counts)
    timed(f"import {IMPORT_ROWS:,} rows: commit", lambda: services.commit_import(job, actor=user))
    results[f"import {IMPORT_ROWS:,} rows: commit"]["status"] = job.status
    products = list(
        job.rows.exclude(product_id_value=None).values_list("product_id_value", flat=True)
    )
    timed("import: search and figures (worker)",
          lambda: services.refresh_derived(products, []))  # fmt: skip
    again = services.start_import(data, "bench.xlsx", actor=user)
    timed("import: same file checked again", lambda: services.validate_import(again))
    results["import: same file checked again"]["note"] = str(again.counts)
    return results


# --------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------


def postgres_reachable() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3, autocommit=True):
            return True
    except Exception:
        return False


def fresh_postgres():
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")
    return {"DATABASE_URL": f"{PG_SERVER}/{PG_DATABASE}"}


def run_worker(args, env, fraction, static_root):
    command = [
        sys.executable,
        __file__,
        "--worker",
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
        "--repeat",
        str(args.repeat),
        "--fraction",
        str(fraction),
    ]
    full_env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    full_env.update({**PRODUCTION_LIKE, "STATIC_ROOT": str(Path(static_root)), **env})
    print(f"  {int(fraction * 100)}% of the data …", file=sys.stderr, flush=True)
    result = subprocess.run(  # noqa: S603 (this script, with our own arguments)
        command, env=full_env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("national", "province"), default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fraction", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    results = {}
    backends = ["SQLite"]
    if not args.no_postgres and postgres_reachable():
        backends.append("PostgreSQL")
    else:
        print("PostgreSQL not reachable (or --no-postgres): SQLite only.", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="ocop-bench-") as folder:
        for backend in backends:
            print(f"{backend}:", file=sys.stderr, flush=True)
            for fraction in FRACTIONS:
                if backend == "SQLite":
                    env = {"SQLITE_PATH": str(Path(folder) / f"bench-{fraction}.sqlite3")}
                else:
                    env = fresh_postgres()
                results[(backend, fraction)] = run_worker(
                    args, env, fraction, Path(folder) / "static"
                )
    report(results, backends, args)


def report(results, backends, args):
    full = {backend: results.get((backend, 1.0)) for backend in backends}
    tenth = {backend: results.get((backend, 0.1)) for backend in backends}
    names = []
    for backend in backends:
        for name in (full[backend] or {}).get("rows", {}):
            if name not in names:
                names.append(name)
    print(f"\nOCOP benchmark — scale {args.scale}, seed {args.seed}, median of {args.repeat}\n")
    for backend in backends:
        data = full[backend]
        if data:
            counts = ", ".join(f"{value:,} {key}" for key, value in data["counts"].items())
            print(
                f"{backend}: {counts}; generated in {data['generate_s']:.0f} s "
                f"(migrate and collectstatic {data['migrate_s']:.0f} s)"
            )
        else:
            print(f"{backend}: the run failed (see above)")
    header = f"\n| {'page':<38} |" + "".join(
        f" {b + ' ms':>15} | {'queries':>7} |" for b in backends
    )
    print(header)
    print("|" + "-" * 40 + "|" + "".join("-" * 17 + "|" + "-" * 9 + "|" for _ in backends))
    notes = []
    for name in names:
        line = f"| {name:<38} |"
        for backend in backends:
            row = (full[backend] or {}).get("rows", {}).get(name)
            if row is None or "ms" not in row:
                line += f" {'—':>15} | {'—':>7} |"
                if row and row.get("note"):
                    notes.append(f"{name}: {row['note']}")
                continue
            status = "" if row["status"] in (200, "-") else f" [{row['status']}]"
            line += f" {row['ms']:>15.1f} | {row['queries']:>7} |" + status
        print(line)
    print("\nRatios (time; 1.0 = no slower):")
    for backend in backends:
        rows = (full[backend] or {}).get("rows", {})
        for last, first in LISTS:
            if "ms" in rows.get(last, {}) and "ms" in rows.get(first, {}):
                print(
                    f"  {backend}: {last} / first page = {rows[last]['ms'] / rows[first]['ms']:.2f}"
                )
        small = (tenth[backend] or {}).get("rows", {})
        for name in (*DASHBOARDS, *(name + COMPUTED for name in DASHBOARDS)):
            if "ms" in rows.get(name, {}) and "ms" in small.get(name, {}):
                ratio = rows[name]["ms"] / small[name]["ms"]
                print(
                    f"  {backend}: {name} at 100% / 10% of the data = {ratio:.2f} "
                    f"(queries {small[name]['queries']} → {rows[name]['queries']})"
                )
    for backend in backends:
        rows = (full[backend] or {}).get("rows", {})
        check = rows.get(f"import {IMPORT_ROWS:,} rows: check", {})
        commit = rows.get(f"import {IMPORT_ROWS:,} rows: commit", {})
        if "ms" in check and "ms" in commit:
            total = (check["ms"] + commit["ms"]) / 1000
            print(
                f"  {backend}: import of {IMPORT_ROWS:,} rows, check + commit = {total:.1f} s "
                f"(target ≤ {IMPORT_TARGET_S} s; {commit['status']}; rows {check.get('note')})"
            )
    for note in dict.fromkeys(notes):
        print(f"Note: {note}")


if __name__ == "__main__":
    main()
