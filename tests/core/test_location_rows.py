"""Location rows read by hand-written SQL on the hot paths: the same as the ORM reads them."""

import pytest

from amtstermin.core.models import Location
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("confirm", [True, False])
def test_a_loaded_location_equals_the_one_the_orm_loads(confirm):
    made = factories.location(
        name="Bürgerbüro Mitte",
        name_en="Citizens' office centre",
        phone="02381 1",
        requires_email_confirmation=confirm,
        min_notice_minutes=90,
    )
    made.bump_version()

    loaded = Location.loaded(made.pk)
    expected = Location.objects.get(pk=made.pk)

    for field in Location._meta.concrete_fields:
        value = getattr(loaded, field.attname)
        assert value == getattr(expected, field.attname), field.name
        assert type(value) is type(getattr(expected, field.attname)), field.name  # bool, not 1
    assert loaded.version == 1 and loaded.name_en == "Citizens' office centre"
    assert loaded._state.adding is False  # saved like any loaded row, not inserted again


def test_no_location_is_loaded_for_an_unknown_key():
    assert Location.loaded(987654) is None


def test_the_versions_of_every_location_move_with_each_bump():
    first, second = factories.location(), factories.location()
    before = Location.versions()

    second.bump_version()

    assert before == [(first.pk, 0), (second.pk, 0)]
    assert Location.versions() == [(first.pk, 0), (second.pk, 1)]
