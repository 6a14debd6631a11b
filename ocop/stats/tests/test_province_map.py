"""The outline of the statistics maps (static/stats/provinces.geo.json, built by
scripts/build_province_map.py): one feature per province of today, joined to the regions data
by code, valid GeoJSON inside Vietnam, with the Hoàng Sa and Trường Sa archipelagos."""

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import TestCase

from ocop.regions.models import Province

# Vietnam with the Hoàng Sa and Trường Sa archipelagos: longitude, latitude.
WEST, SOUTH, EAST, NORTH = 102.0, 6.0, 118.0, 23.5
MAX_BYTES = 400_000


def rings(geometry):
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [ring for polygon in polygons for ring in polygon]


class ProvinceMapDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.path = Path(finders.find("stats/provinces.geo.json"))
        cls.collection = json.loads(cls.path.read_text(encoding="utf-8"))
        features = cls.collection["features"]
        cls.provinces = [f for f in features if "code" in f["properties"]]
        cls.archipelagos = [f for f in features if "archipelago" in f["properties"]]

    def test_every_province_of_today_has_exactly_one_feature_and_no_other(self):
        codes = [feature["properties"]["code"] for feature in self.provinces]
        self.assertEqual(len(codes), 34)
        self.assertEqual(sorted(codes), list(Province.objects.values_list("code", flat=True)))
        names = dict(Province.objects.values_list("code", "name"))
        for feature in self.provinces:
            properties = feature["properties"]
            self.assertEqual(properties["name"], names[properties["code"]])

    def test_the_archipelagos_belong_to_da_nang_and_khanh_hoa(self):
        owners = {
            f["properties"]["archipelago"]: f["properties"]["province"] for f in self.archipelagos
        }
        self.assertEqual(owners, {"hoang_sa": "48", "truong_sa": "56"})
        self.assertEqual(Province.objects.get(code="48").short_name, "Đà Nẵng")
        self.assertEqual(Province.objects.get(code="56").short_name, "Khánh Hòa")
        self.assertEqual(len(self.collection["features"]), 36)  # nothing else is drawn

    def test_the_file_is_valid_geojson_inside_vietnam_and_small(self):
        self.assertLess(self.path.stat().st_size, MAX_BYTES)
        self.assertEqual(self.collection["type"], "FeatureCollection")
        for feature in self.collection["features"]:
            with self.subTest(feature["properties"]):
                self.assertEqual(feature["type"], "Feature")
                geometry = feature["geometry"]
                self.assertIn(geometry["type"], ("Polygon", "MultiPolygon"))
                for ring in rings(geometry):
                    self.assertGreaterEqual(len(ring), 4)
                    self.assertEqual(ring[0], ring[-1])  # closed
                    for position in ring:
                        self.assertEqual(len(position), 2)
                        longitude, latitude = position
                        self.assertTrue(WEST <= longitude <= EAST, position)
                        self.assertTrue(SOUTH <= latitude <= NORTH, position)
                longitude, latitude = feature["properties"]["label"]
                self.assertTrue(WEST <= longitude <= EAST and SOUTH <= latitude <= NORTH)

    def test_the_archipelagos_lie_in_the_east_sea(self):
        for feature in self.archipelagos:
            positions = [p for ring in rings(feature["geometry"]) for p in ring]
            self.assertGreater(min(longitude for longitude, _ in positions), 110.0)
