"""Both declaration forms (immersion and agreement): a double click makes one declaration, a save never
undoes a step made meanwhile in another tab."""

import re
import uuid

import pytest

from immersions.forms import EchangeForm, ImmersionForm
from immersions.models import EchangeTalent, Immersion
from tests.immersions.conftest import echange_form_data, form_data
from tests.immersions.factories import EchangeFactory, ImmersionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["immersion", "echange"])
def test_saving_the_edit_form_never_undoes_a_step_made_meanwhile(  # noqa: PLR0917 - pytest injects fixtures by name
    client, monkeypatch, origin, origin_service, host, origin_lead, kind
):
    if kind == "immersion":
        obj = ImmersionFactory(origin=origin, origin_service=origin_service, host=host)
        form_class, url = ImmersionForm, f"/immersions/{obj.pk}/modifier/"
        data = form_data(origin, origin_service, host, objectives="Écrit dans un autre onglet.")
        text_field = "objectives"
    else:
        obj = EchangeFactory(origin=origin, origin_service=origin_service, host=host)
        form_class, url = EchangeForm, f"/echanges/{obj.pk}/modifier/"
        data = echange_form_data(origin, origin_service, host, mission="Écrit dans un autre onglet.")
        text_field = "mission"
    original_clean = form_class.clean

    def clean_while_another_tab_submits(form):
        type(obj).objects.filter(pk=obj.pk).update(status="soumise")
        return original_clean(form)

    monkeypatch.setattr(form_class, "clean", clean_while_another_tab_submits)
    client.force_login(origin_lead)
    response = client.post(url, data, follow=True)
    assert "plus un brouillon (statut « Soumise »)" in response.content.decode()
    obj.refresh_from_db()
    assert obj.status == "soumise"
    assert getattr(obj, text_field) != "Écrit dans un autre onglet."


@pytest.mark.parametrize(
    ("url", "data", "model"),
    [
        ("/immersions/nouvelle/", form_data, Immersion),
        ("/echanges/nouvelle/", echange_form_data, EchangeTalent),
    ],
)
def test_double_click_on_submit_makes_one_declaration(  # noqa: PLR0917 - pytest injects fixtures by name
    client, origin, origin_service, host, origin_lead, url, data, model
):
    client.force_login(origin_lead)
    page = client.get(url).content.decode()
    token = re.search(r'name="creation_token" value="([0-9a-f-]{36})"', page).group(1)
    assert token not in client.get(url).content.decode()  # each display of the form has its own token
    posted = {**data(origin, origin_service, host), "creation_token": token, "soumettre": ""}
    first = client.post(url, posted)
    second = client.post(url, posted)
    saved = model.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"{url.split('nouvelle')[0]}{saved.pk}/"
    assert saved.status == "soumise"
    assert saved.transitions.count() == 2  # created, submitted: once each
    other = client.post(url, {**posted, "creation_token": str(uuid.uuid4())})
    assert other.status_code == 302
    assert model.objects.count() == 2  # a new form is a new declaration
