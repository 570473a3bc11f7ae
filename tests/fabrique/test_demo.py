import pytest
from django.core.management import call_command

from accompagnement.models import Adhesion, Organisation, User

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_prints_accounts(capsys):
    call_command("load_demo")
    counts = (Organisation.objects.count(), User.objects.count(), Adhesion.objects.count())
    call_command("load_demo")
    assert (Organisation.objects.count(), User.objects.count(), Adhesion.objects.count()) == counts
    out = capsys.readouterr().out
    for email in [
        "admin@dgafp.gouv.fr",
        "tete.reseau@justice.gouv.fr",
        "tete.reseau@interieur.gouv.fr",
        "participant@culture.gouv.fr",
    ]:
        assert email in out
    for summary in ["dispositifs.", "(tenu le 06/04/2023)", "60 périodes d'immersion", "(cliquet 2)"]:
        assert summary in out
    assert User.objects.get(email="admin@dgafp.gouv.fr").is_staff
    assert User.objects.get(email="participant@culture.gouv.fr").check_password("demo-fabrique-2026")
    justice = Organisation.objects.get(slug="mj")
    assert justice.children.filter(acronym="SG").exists()
    for acronym in ["CNRS", "VNF", "IGN", "Louvre", "PFRH HDF", "PFRH PDL", "PFRH NA"]:
        assert Organisation.objects.filter(acronym=acronym).exists()
