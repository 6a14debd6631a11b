import factory

from ocop.producers.tests.factories import ProducerFactory
from ocop.products.models import Product, ScoringSet


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Sequence(lambda n: f"Sản phẩm mẫu {n}")
    scoring_set = factory.LazyFunction(lambda: ScoringSet.objects.get(number=11))
    unit = "hộp 200 g"
    is_sample = True
