"""Real administrative units for tests. The units are loaded by migration; `get_or_create` keeps
these helpers usable on a database without them."""

from ocop.regions.models import Commune, Province

UNITS = {
    "11": ("Tỉnh Điện Biên", "Điện Biên", "tỉnh"),
    "12": ("Tỉnh Lai Châu", "Lai Châu", "tỉnh"),
}
COMMUNES = {
    "03127": ("11", "Phường Điện Biên Phủ", "Điện Biên Phủ", "phường"),
    "03256": ("11", "Xã Mường Ảng", "Mường Ảng", "xã"),
    "03388": ("12", "Phường Đoàn Kết", "Đoàn Kết", "phường"),
    "03390": ("12", "Xã Bình Lư", "Bình Lư", "xã"),
}
DIEN_BIEN, LAI_CHAU = "11", "12"
DIEN_BIEN_PHU, MUONG_ANG, DOAN_KET, BINH_LU = "03127", "03256", "03388", "03390"


def province(code=DIEN_BIEN) -> Province:
    name, short, kind = UNITS[code]
    obj, _ = Province.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": short, "division_type": kind}
    )
    return obj


def commune(code=MUONG_ANG) -> Commune:
    province_code, name, short, kind = COMMUNES[code]
    obj, _ = Commune.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short,
            "division_type": kind,
            "province": province(province_code),
        },
    )
    return obj
