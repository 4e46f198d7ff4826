"""factory_boy factories and the named personas the tests use."""

import datetime

import factory
from factory.django import DjangoModelFactory

from cases.models import Case, Client, Household
from org.choices import Role
from org.models import Area, Site, Staff, Team

PASSWORD = "ein-sicheres-Passwort-42"


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Bereich {n}")


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Standort {n}")
    area = factory.SubFactory(AreaFactory)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    site = factory.SubFactory(SiteFactory)


class StaffFactory(DjangoModelFactory):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda o: f"{o.username}@jobcenter.invalid")
    role = Role.FALLMANAGER
    team = factory.SubFactory(TeamFactory)
    weekly_hours = 39
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"BG{n:08d}")


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    customer_number = factory.Sequence(lambda n: f"K{n:09d}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    birth_date = datetime.date(1980, 5, 17)
    household = factory.SubFactory(HouseholdFactory)
    site = factory.SubFactory(SiteFactory)
    integration_expected_within_12_months = False


class CaseFactory(DjangoModelFactory):
    """A case created directly in a state (for tests that start mid-lifecycle)."""

    class Meta:
        model = Case

    client = factory.SubFactory(ClientFactory)
    fallmanager = factory.SubFactory(StaffFactory)
    referred_on = datetime.date(2026, 1, 5)
    handover_talk_on = datetime.date(2026, 1, 2)
    reasons = "Mehrere Vermittlungshemmnisse"
    expected_progress = "Stabilisierung der Wohnsituation"
    meets_formal_access = True
