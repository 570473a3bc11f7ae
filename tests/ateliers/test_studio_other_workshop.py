"""Another workshop's booklet is out of reach: every studio address answers 404 and changes nothing, whether
the workshop or the row belongs to the other workshop."""

import pytest
from django.urls import reverse

from ateliers.models import (
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Intervenant,
    Livret,
    Question,
    Rapporteur,
    ReglageAnnexe,
    ReglagesLivret,
    Reponse,
    Ressource,
)
from fabrique.core.enums import DocumentStatus
from tests.accompagnement.factories import UserFactory
from tests.ateliers.conftest import log_in, part
from tests.ateliers.livret_factories import give_portrait, make_booklet_atelier

pytestmark = pytest.mark.django_db

BLOCK_KINDS = ["contribution", "question", "reponse", "groupe", "ressource", "intervenant", "sequence"]
CROSS_WORKSHOP = [
    *(("studio_enregistrer", bloc, "post") for bloc in [*BLOCK_KINDS, "reglages"]),
    *(("studio_supprimer", bloc, method) for bloc in BLOCK_KINDS for method in ("get", "post")),
    *(("studio_deplacer", bloc, "post") for bloc in BLOCK_KINDS),
    *(("studio_ajouter", bloc, "post") for bloc in BLOCK_KINDS),
    ("studio_groupe", "groupe", "get"),
    ("studio_photo", "intervenant", "get"),
    ("livret_sequence", "sequence", "get"),
    ("studio_publier", "livret", "post"),
    ("studio_diffuser", "livret", "post"),
    # Addresses naming only the workshop: nothing of it to reach through another's address.
    ("livret_contenu", None, "get"),
    ("studio_reglages", None, "get"),
    ("livret_annexe", None, "get"),
    ("livret_annexe", None, "post"),
    ("studio_apercu", None, "get"),
    ("studio_versions", None, "get"),
    ("studio_generer", None, "post"),
]
INTRUDER = {
    "revision": 0,
    "texte": "<p>Intrus</p>",
    "text": "<p>Intrus</p>",
    "question": "Intrus ?",
    "answered_by": "Intrus",
    "title": "Intrus",
    "organisation_label": "Intrus",
    "portrait": "<p>Intrus</p>",
    "annexe2": "aucune",
    "sens": "haut",
    "action": "personnaliser",
}


def objects_of(atelier):
    """One row of each kind in `atelier`'s booklet, a speaker with a photo and a ready version."""
    give_portrait(Intervenant.objects.filter(sequences__atelier=atelier).first())
    livret = Livret.objects.create(atelier=atelier, version=1, status=DocumentStatus.PRET, published=True)
    return {
        "contribution": Contribution.objects.filter(sequence__atelier=atelier).last(),
        "question": Question.objects.filter(sequence__atelier=atelier).last(),
        "reponse": Reponse.objects.filter(question__sequence__atelier=atelier).last(),
        "groupe": GroupeTravail.objects.filter(sequence__atelier=atelier).last(),
        "ressource": Ressource.objects.filter(sequence__atelier=atelier).last(),
        "intervenant": Intervenant.objects.filter(sequences__atelier=atelier).exclude(photo="").get(),
        "sequence": part(atelier, "debat"),
        "livret": livret,
    }


def cross_args(name, bloc, pk, rows, atelier):
    """The address's arguments: workshop `pk`, and the row of `rows` (another workshop's) it names."""
    if bloc is None:
        return [pk]
    if name in ("studio_enregistrer", "studio_supprimer", "studio_deplacer"):
        return [pk, bloc, atelier.pk if bloc == "reglages" else rows[bloc].pk]
    if name == "studio_ajouter":
        return [pk, bloc, rows["question"].pk if bloc == "reponse" else rows["sequence"].pk]
    return [pk, rows[bloc].pk]


def booklet_state(atelier):
    return {
        "rows": [
            list(
                model.objects.filter(**{path: atelier}).order_by("pk").values_list("pk", "order", "revision")
            )
            for model, path in (
                (Contribution, "sequence__atelier"),
                (Question, "sequence__atelier"),
                (Reponse, "question__sequence__atelier"),
                (GroupeTravail, "sequence__atelier"),
                (Ressource, "sequence__atelier"),
            )
        ],
        "texts": list(
            ContenuSequence.objects.filter(sequence__atelier=atelier).values_list("revision", flat=True)
        ),
        "speakers": list(
            Intervenant.objects.filter(sequences__atelier=atelier).values_list(
                "portrait", "photo", "revision"
            )
        ),
        "reglages": ReglagesLivret.objects.filter(atelier=atelier).count(),
        "annexe": ReglageAnnexe.objects.filter(atelier=atelier).count(),
        "versions": list(atelier.livrets.values_list("version", "published", "diffuse_reseau")),
    }


@pytest.mark.parametrize("case", CROSS_WORKSHOP, ids=lambda case: "-".join(map(str, case)))
def test_studio_other_workshops_booklet_not_found(client, atelier, staff, case):
    name, bloc, method = case
    rows = objects_of(atelier)
    other = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    before = booklet_state(atelier)
    # A rapporteur of another workshop, at this workshop's address.
    rapporteur_ailleurs = UserFactory()
    Rapporteur.objects.create(atelier=other, user=rapporteur_ailleurs, named_by=staff)
    log_in(client, rapporteur_ailleurs)
    url = reverse(f"ateliers:{name}", args=cross_args(name, bloc, atelier.pk, rows, atelier))
    assert getattr(client, method)(url, INTRUDER).status_code == 404, url
    # Staff, with this workshop's row at another workshop's address.
    if bloc is not None:
        log_in(client, staff)
        url = reverse(f"ateliers:{name}", args=cross_args(name, bloc, other.pk, rows, atelier))
        assert getattr(client, method)(url, INTRUDER).status_code == 404, url
    assert booklet_state(atelier) == before
