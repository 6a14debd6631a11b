from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.models import TimeStampedModel


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username


class Membership(TimeStampedModel):
    """An official's role and the territory it governs. Producer members and council members
    are memberships of their own apps (producers.ProducerMember, evaluations)."""

    class Role(models.TextChoices):
        CENTRAL_OFFICE = "central_office", _("Central OCOP office")
        PROVINCE_OFFICE = "province_office", _("Provincial OCOP office")
        COMMUNE_OFFICER = "commune_officer", _("Commune officer")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "regions.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="central_office", province__isnull=True, commune__isnull=True)
                    | Q(role="province_office", province__isnull=False, commune__isnull=True)
                    | Q(role="commune_officer", province__isnull=True, commune__isnull=False)
                ),
                name="%(app_label)s_%(class)s_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role="central_office"),
                name="%(app_label)s_%(class)s_unique_central",
            ),
            models.UniqueConstraint(
                fields=["user", "province"],
                condition=Q(role="province_office"),
                name="%(app_label)s_%(class)s_unique_province",
            ),
            models.UniqueConstraint(
                fields=["user", "commune"],
                condition=Q(role="commune_officer"),
                name="%(app_label)s_%(class)s_unique_commune",
            ),
        ]

    def __str__(self):
        scope = self.commune or self.province or _("all provinces")
        return f"{self.get_role_display()} — {scope}"


class LoginSession(models.Model):
    """A session opened by a login, so that disabling the user can end every one of them
    (``ocop.accounts.sessions``); not a foreign key to the session, whose storage is the
    session engine's."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
