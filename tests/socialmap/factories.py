"""factory-boy factories for the social map models."""

from __future__ import annotations

import datetime as dt

import factory

from wegwijzer.socialmap.models import Organization, Phone, Role, Service, Taxonomy, TaxonomyTerm, Wijk


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm
        django_get_or_create = ("taxonomy", "code")

    taxonomy = Taxonomy.LAW
    code = factory.Sequence(lambda n: f"code-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())


class WijkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wijk
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"wijk-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    sources = factory.LazyFunction(lambda: ["Vocabulaire wijken"])


class _RecordFactory(factory.django.DjangoModelFactory):
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())
    summary = "Korte samenvatting."
    description = "Wat het biedt."
    sources = factory.LazyFunction(lambda: ["Wegwijzer Bijlage 1"])
    assured_date = dt.date(2026, 11, 23)

    @factory.post_generation
    def terms(self, create, extracted, **kwargs):
        if create and extracted:
            self.terms.set(extracted)


class RoleFactory(_RecordFactory):
    class Meta:
        model = Role
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"rol-{n}")


class OrganizationFactory(_RecordFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"organisatie-{n}")
    kind = Organization.Kind.ORGANIZATION

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(extracted)

    @factory.post_generation
    def service_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.service_areas.set(extracted)


class ServiceFactory(_RecordFactory):
    class Meta:
        model = Service
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"aanbod-{n}")

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.set(extracted)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(extracted)

    @factory.post_generation
    def service_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.service_areas.set(extracted)


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    number = factory.Sequence(lambda n: f"030 {n:07d}")
