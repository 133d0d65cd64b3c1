import datetime

import factory
from django.contrib.auth import get_user_model

from members.enums import CellType, OrgKind, RoleKind
from members.models import Member, Organisation, Role
from members.people import services as people_services
from members.tree import services as tree_services


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Organisations are made through the service, so paths are right."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Đảng bộ xã Số {n}")
    code = factory.Sequence(lambda n: f"ORG{n}")
    kind = OrgKind.GRASSROOTS_COMMITTEE
    cell_type = ""
    parent = None
    founded_on = datetime.date(2000, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return tree_services.create_organisation(actor=None, parent=parent, data=kwargs)


class CellFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Chi bộ thôn Số {n}")
    code = factory.Sequence(lambda n: f"CELL{n}")
    kind = OrgKind.CELL
    cell_type = CellType.VILLAGE
    parent = factory.SubFactory(OrganisationFactory)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thành {n}")
    sex = "male"
    date_of_birth = datetime.date(1970, 5, 17)
    ethnicity = "Tày"
    admitted_on = datetime.date(1995, 3, 2)
    official_on = datetime.date(1996, 3, 2)
    cell = factory.SubFactory(CellFactory)

    @classmethod
    def _create(cls, model_class, *args, cell, status=None, **kwargs):
        return people_services.create_member(actor=None, cell=cell, data=kwargs, status=status)


def make_user(org, kind=RoleKind.COMMITTEE_STAFF, **kwargs):
    user = UserFactory(**kwargs)
    Role.objects.create(user=user, organisation=org, kind=kind)
    return user
