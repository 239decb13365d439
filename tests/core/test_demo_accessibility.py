"""Musterstadt's demo accessibility statement: partial, with its barriers, in every language."""

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from amtstermin.core.demo import seed
from amtstermin.core.demo.musterstadt import MUSTERSTADT
from amtstermin.core.models import AccessibilityStatement
from amtstermin.core.models.accessibility import NRW_OMBUDS_URL
from tests.conftest import berlin

NOW = berlin(2026, 12, 4, 15, 0)


@pytest.mark.django_db
def test_musterstadt_states_partial_compliance_and_a_rerun_keeps_the_dates(client):
    seed._statement(MUSTERSTADT.accessibility, today=date(2026, 12, 4))
    seed._statement(MUSTERSTADT.accessibility, today=date(2026, 12, 5))

    [statement] = AccessibilityStatement.objects.all()
    assert statement.compliance == AccessibilityStatement.Compliance.PARTIAL
    assert statement.method == AccessibilityStatement.Method.SELF
    assert (statement.prepared_on, statement.reviewed_on) == (date(2026, 12, 4), date(2026, 12, 4))
    assert statement.contact_email == "barrierefreiheit@musterstadt.example"
    assert statement.enforcement_url == NRW_OMBUDS_URL
    assert statement.known_gaps_de.count("\n- ") == 2 and statement.known_gaps_en.count("\n- ") == 2
    assert "axe-core" in statement.method_note_de and "NVDA" in statement.method_note_en
    # Every other language comes from the demo catalogue, with the same three barriers.
    assert statement.known_gaps_tr.count("\n- ") == 2 and "NVDA" in statement.method_note_de_x_ls

    response = client.get(reverse("citizen:accessibility"))
    assertContains(response, "PDF-Formulare")
    assertContains(response, "Screenreader NVDA")
