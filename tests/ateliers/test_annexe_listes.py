"""The pages that list participants (the participants page, the check-in page and its PDF, the export) use
the booklet's headings, order and name format; the « Annexe » page's query count."""

import csv
import io
import subprocess

import pytest
from django.urls import reverse
from django.utils.html import escape

from ateliers.models import ReglageAnnexe
from tests.ateliers.annexe_factories import (
    annexe_url,
    intitules,
    ministere,
    one_of_each_kind,
    personnaliser_justice,
)
from tests.ateliers.factories import AtelierFactory, InscriptionFactory

pytestmark = pytest.mark.django_db


EXPECTED_HEADINGS = [
    "Ministère de la Justice",
    "Armées",
    "Travail",
    "Plateformes régionales d'appui interministériel à la GRH",
]
EXPECTED_NAMES = [
    "de LA FONTAINE Jean",
    "d'ARTAGNAN Marie",
    "BON Léa",
    "CYR Max",
    "du BELLAY Anne",
    "LEFÈVRE-MARTIN Paul",
]


def _in_order(text, needles):
    positions = [text.index(needle) for needle in needles]
    return positions == sorted(positions)


def test_participants_page_uses_the_booklets_headings_order_and_name_format(client, lead, atelier_liste):
    personnaliser_justice(atelier_liste)
    client.force_login(lead)
    response = client.get(reverse("ateliers:participants", args=[atelier_liste.pk]))
    rubriques = response.context["rubriques"]
    assert intitules(rubriques) == EXPECTED_HEADINGS
    assert [p.nom_affiche for r in rubriques for p in r.personnes] == EXPECTED_NAMES
    content = response.content.decode()
    assert _in_order(content, [escape(heading) for heading in EXPECTED_HEADINGS])
    assert "BON Léa — France Travail" in content
    assert "d&#x27;ARTAGNAN Marie — Secrétariat général" in content


def test_emargement_page_uses_the_same_headings_order_and_names(client, staff, atelier_liste):
    personnaliser_justice(atelier_liste)
    client.force_login(staff)
    response = client.get(reverse("ateliers:emargement", args=[atelier_liste.pk]))
    assert [r.intitule for r, _rows in response.context["rubriques"]] == EXPECTED_HEADINGS
    content = response.content.decode()
    assert _in_order(content, [escape(name) for name in EXPECTED_NAMES])


def test_emargement_pdf_uses_the_same_headings_order_and_names(client, staff, atelier_liste, tmp_path):
    personnaliser_justice(atelier_liste)
    client.force_login(staff)
    response = client.get(reverse("ateliers:emargement_pdf", args=[atelier_liste.pk]))
    path = tmp_path / "emargement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = text.replace("’", "'")
    assert _in_order(text, ["Ministère de la Justice", "Armées", "Travail", "Plateformes régionales"])
    assert _in_order(text, EXPECTED_NAMES)


def test_export_uses_the_headings_as_ministry_column_in_their_order(client, staff, atelier_liste):
    personnaliser_justice(atelier_liste)
    client.force_login(staff)
    response = client.get(reverse("ateliers:export", args=[atelier_liste.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["Ministère ou organisme"], row["Nom dans les listes"]) for row in rows] == [
        ("Ministère de la Justice", "de LA FONTAINE Jean"),
        ("Armées", "d'ARTAGNAN Marie"),
        ("Travail", "BON Léa"),
        ("Travail", "CYR Max"),
        ("Plateformes régionales d'appui interministériel à la GRH", "du BELLAY Anne"),
        ("Plateformes régionales d'appui interministériel à la GRH", "LEFÈVRE-MARTIN Paul"),
    ]
    assert [row["Nom"] for row in rows][:2] == ["de LA FONTAINE", "d'ARTAGNAN"]
    assert [row["Organisation"] for row in rows][1:4] == [
        "Secrétariat général",
        "France Travail",
        "Ministère du Travail",
    ]


@pytest.mark.parametrize("count", [1, 60])
def test_livret_annexe_page_query_count_is_fixed(client, staff, django_assert_num_queries, count):
    atelier = AtelierFactory(tenu=True)
    ReglageAnnexe.objects.create(atelier=atelier)  # customised: the form and its headings are shown too
    travail = ministere("Ministère du Travail")
    organisations = one_of_each_kind(travail)
    for n in range(count):
        InscriptionFactory(atelier=atelier, organisation=organisations[n % 5], consent_annuaire=True)
    client.force_login(staff)
    client.get(annexe_url(atelier))
    with django_assert_num_queries(17):  # 2 of them: the animator's permissions (the staff role)
        assert client.get(annexe_url(atelier)).status_code == 200
