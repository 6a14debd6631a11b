import factory

from ocop.accounts.models import Membership, User
from ocop.regions.tests.factories import commune, province

PASSWORD = "demo-Passw0rd!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def central_officer(**kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=Membership.Role.CENTRAL_OFFICE)
    return user


def province_officer(province_code="11", **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(
        user=user, role=Membership.Role.PROVINCE_OFFICE, province=province(province_code)
    )
    return user


def commune_officer(commune_code="03256", **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(
        user=user, role=Membership.Role.COMMUNE_OFFICER, commune=commune(commune_code)
    )
    return user
