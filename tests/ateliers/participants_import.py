"""The network the participants import resolves names against (as the demo seeds it), the ministry's file
it is tried on, and helpers that feed the import directly or through the admin."""

from pathlib import Path

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import slugify

from accompagnement.enums import OrganisationKind
from ateliers.imports import InscriptionImportResource
from tests.accompagnement.factories import OrganisationFactory

FIXTURE = Path(__file__).parent / "data" / "participants_atelier.csv"
HEADERS = ["atelier", "email", "prenom", "nom", "ministere", "direction", "consentement"]
K = OrganisationKind
# (slug, kind, name, acronym, short label, [(direction, acronym)]): the network as the demo seeds it.
NETWORK = [
    (
        "minarm",
        K.MINISTERE,
        "Ministère des Armées",
        "MINARM",
        "Armées",
        [
            ("Secrétariat général", "SG"),
            ("Direction des ressources humaines du ministère des Armées", "DRH-MD"),
            ("Agence de reconversion de la Défense", "Défense Mobilité"),
        ],
    ),
    (
        "mj",
        K.MINISTERE,
        "Ministère de la Justice",
        "MJ",
        "Justice",
        [("Secrétariat général", "SG"), ("Direction de l'administration pénitentiaire", "DAP")],
    ),
    (
        "miom",
        K.MINISTERE,
        "Ministère de l'Intérieur et des Outre-mer",
        "MIOM",
        "Intérieur et Outre-mer",
        [
            ("Secrétariat général", "SG"),
            ("Direction des ressources et des compétences de la police nationale", "DRCPN"),
        ],
    ),
    (
        "mef",
        K.MINISTERE,
        "Ministères économiques et financiers",
        "MEF",
        "Économie et Finances",
        [("Secrétariat général", "SG"), ("Direction générale des finances publiques", "DGFiP")],
    ),
    ("mc", K.MINISTERE, "Ministère de la Culture", "MC", "Culture", [("Secrétariat général", "SG")]),
    (
        "mte",
        K.MINISTERE,
        "Ministère de la Transition écologique",
        "MTE",
        "Transition écologique",
        [("Secrétariat général", "SG"), ("Direction des ressources humaines", "DRH")],
    ),
    (
        "masa",
        K.MINISTERE,
        "Ministère de l'Agriculture et de la Souveraineté alimentaire",
        "MASA",
        "Agriculture",
        [("Secrétariat général", "SG")],
    ),
    (
        "menj",
        K.MINISTERE,
        "Ministère de l'Éducation nationale",
        "MENJ",
        "Éducation nationale",
        [("Direction générale des ressources humaines", "DGRH")],
    ),
    (
        "mtfp",
        K.MINISTERE,
        "Ministère de la Transformation et de la Fonction publiques",
        "MTFP",
        "Transformation et Fonction publiques",
        [("Direction générale de l'administration et de la fonction publique", "DGAFP")],
    ),
    ("pfrh-hdf", K.PFRH, "Plateforme RH Hauts-de-France", "PFRH HDF", "", []),
    ("pfrh-pdl", K.PFRH, "Plateforme RH Pays de la Loire", "PFRH PDL", "", []),
    ("pfrh-na", K.PFRH, "Plateforme RH Nouvelle-Aquitaine", "PFRH NA", "", []),
    ("louvre", K.ETABLISSEMENT_PUBLIC, "Musée du Louvre", "Louvre", "", []),
]
# Named by the fixture file and absent from the base: staff create them from the preview.
MISSING = [
    ("minarm", "Service du commissariat des armées", "SCA"),
    ("miom", "Direction des libertés publiques et des affaires juridiques", "DLPAJ"),
]


def build_network():
    """{slug: Organisation}: the ministries, their directions (« minarm-sg »…), the PFRH and a body."""
    organisations = {}
    for slug, kind, name, acronym, short, directions in NETWORK:
        root = OrganisationFactory(kind=kind, name=name, acronym=acronym, slug=slug, libelle_court=short)
        organisations[slug] = root
        for direction, direction_acronym in directions:
            direction_slug = slugify(f"{acronym}-{direction_acronym}")
            organisations[direction_slug] = OrganisationFactory(
                name=direction, acronym=direction_acronym, slug=direction_slug, parent=root
            )
    organisations["louvre"].tutelle = organisations["mc"]
    organisations["louvre"].save()
    return organisations


def make_dataset(*rows, headers=HEADERS):
    return tablib.Dataset(*rows, headers=headers)


def run_import(dataset, user, *, dry_run=False, **kwargs):
    return InscriptionImportResource().import_data(dataset, dry_run=dry_run, user=user, **kwargs)


def upload_file(admin_client, content, *, name="participants.csv", file_format="0", atelier=None):
    data = {"import_file": SimpleUploadedFile(name, content), "format": file_format}
    if atelier is not None:
        data["atelier"] = atelier.pk
    return admin_client.post(reverse("admin:ateliers_inscription_import"), data)


def confirm_import(admin_client, response):
    return admin_client.post(
        reverse("admin:ateliers_inscription_process_import"), response.context["confirm_form"].initial
    )
