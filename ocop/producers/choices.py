from django.db import models
from django.utils.translation import gettext_lazy as _


class ProducerKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative (HTX)")
    COOPERATIVE_GROUP = "cooperative_group", _("Cooperative group (THT)")
    ENTERPRISE = "enterprise", _("Enterprise (DN)")
    HOUSEHOLD = "household", _("Farm or registered household business")
    ASSOCIATION = "association", _("Association or tourism operating centre")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class DocumentKind(models.TextChoices):
    BUSINESS_REGISTRATION = "business_registration", _("Business registration")
    FOOD_SAFETY = "food_safety", _("Food-safety facility certificate")
    QUALITY_DECLARATION = "quality_declaration", _("Product quality declaration")
    TRADEMARK = "trademark", _("Trademark registration")
    LAB_TEST = "lab_test", _("Laboratory test report")
    VIETGAP = "vietgap", _("VietGAP certificate")
    ORGANIC = "organic", _("Organic certificate")
    OTHER_STANDARD = "other_standard", _("Other standard or certification")
    CONTRACT = "contract", _("Supply or sales contract")
    OTHER = "other", _("Other document")


# The 54 ethnic groups of Viet Nam in the official order (Kinh first); names are proper nouns and
# are not translated.
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khơ-me", "Hoa", "Nùng", "Mông", "Dao", "Gia-rai", "Ngái",
    "Ê-đê", "Ba-na", "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai",
    "Xtiêng", "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ-mú", "Co",
    "Ta-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào", "La Chí", "La Ha",
    "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao", "Cống", "Bố Y",
    "Si La", "Pu Péo", "Brâu", "Ơ-đu", "Rơ-măm",
]  # fmt: skip
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS] + [("other", _("Other / foreign"))]
KINH = "Kinh"
