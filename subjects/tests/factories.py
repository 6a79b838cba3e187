"""factory_boy factories for agencies, inspectors, certificates and users."""
from datetime import date, timedelta

import factory

from subjects.models import Agency, Certificate, Inspector, User
from subjects.validators import id_number_with_check


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n:03d}")
    name = factory.Sequence(lambda n: f"鸠江区测试局{n}")
    short_name = factory.LazyAttribute(lambda o: o.name[3:])
    kind = Agency.Kind.STATUTORY


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspector
        skip_postgeneration_save = True

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"执法员{n}")
    id_number = factory.Sequence(lambda n: id_number_with_check(f"34020719800101{n % 1000:03d}"))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    is_helper = False
    certificate = factory.RelatedFactory("subjects.tests.factories.CertificateFactory", factory_related_name="inspector")


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    inspector = factory.SubFactory(InspectorFactory, certificate=None)
    number = factory.Sequence(lambda n: f"皖A{n:08d}")
    issuer = "芜湖市人民政府"
    field = "市场监管"
    valid_from = factory.LazyFunction(lambda: date.today() - timedelta(days=365))
    valid_until = factory.LazyFunction(lambda: date.today() + timedelta(days=3 * 365))
    status = Certificate.Status.VALID


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.INSPECTOR
    agency = factory.SubFactory(AgencyFactory)
    password = factory.PostGenerationMethodCall("set_password", "Passw0rd!jj")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
