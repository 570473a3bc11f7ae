"""Every object URL, for each role: what they may see (200), what is hidden (404), what is refused (403)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from fabrique.core.enums import DocumentStatus
from immersions.enums import DocumentKind, EchangeStatus, ImmersionStatus, Party, Side
from immersions.models import Document
from immersions.permissions import echange_parties_to_agree, echange_sides, immersion_sides
from immersions.services import echanges as echange_services
from immersions.services import immersions as immersion_services
from immersions.services.queue import waiting_steps
from tests.accompagnement.factories import UserFactory
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory, ImmersionFactory

pytestmark = pytest.mark.django_db

ROLES = ["staff", "origin_lead", "host_lead", "outsider_lead", "participant", "agent", "tutor"]

# GET url key -> expected status per role, in the order of ROLES (staff, origin_lead, host_lead,
# outsider_lead, participant, agent, tutor).
MATRIX = {
    "immersion_detail": [200, 200, 200, 404, 404, 200, 200],
    "immersion_update": [403, 200, 403, 404, 404, 403, 403],
    "immersion_bilan": [403, 200, 200, 404, 404, 403, 200],
    "confidential_detail": [200, 200, 404, 404, 404, 200, 200],
    "synthese_download": [200, 200, 200, 404, 404, 200, 200],
    "echange_detail": [200, 200, 200, 404, 404, 200, 404],
    "echange_update": [403, 200, 403, 404, 404, 403, 404],
    "convention_download": [200, 200, 200, 404, 404, 200, 404],
    "service_detail": [200, 200, 404, 404, 404, 404, 404],
    "indicateurs": [200, 200, 200, 200, 403, 403, 403],
    "immersion_create": [200, 200, 200, 200, 403, 403, 403],
}


def _document(**owner):
    document = Document.objects.create(
        kind=DocumentKind.CONVENTION if "echange" in owner else DocumentKind.SYNTHESE,
        status=DocumentStatus.PRET,
        **owner,
    )
    document.file.save("test.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return document


@pytest.fixture
def world(parties, origin_service, staff, origin_lead, host_lead, outsider_lead, participant):  # noqa: PLR0917 - pytest injects fixtures by name
    agent = UserFactory(email="agent.concerne@exemple.gouv.fr")
    tutor = UserFactory(email="tuteur.concerne@exemple.gouv.fr")
    people = {"agent_email": agent.email, "tutor_email": tutor.email}
    draft = ImmersionFactory(**parties, **people)
    finished = ImmersionFactory(**parties, status=ImmersionStatus.TERMINEE, **people)
    confidential = ImmersionFactory(**parties, confidential=True, **people)
    echange = EchangeFactory(**parties, agent_email=agent.email)
    signed = EchangeFactory(**parties, agent_email=agent.email, status=EchangeStatus.SIGNEE)
    urls = {
        "immersion_detail": f"/immersions/{draft.pk}/",
        "immersion_update": f"/immersions/{draft.pk}/modifier/",
        "immersion_bilan": f"/immersions/{finished.pk}/bilan/",
        "confidential_detail": f"/immersions/{confidential.pk}/",
        "synthese_download": f"/documents/{_document(immersion=finished).pk}/telecharger/",
        "echange_detail": f"/echanges/{echange.pk}/",
        "echange_update": f"/echanges/{echange.pk}/modifier/",
        "convention_download": f"/documents/{_document(echange=signed).pk}/telecharger/",
        "service_detail": f"/echanges/services/{origin_service.slug}/",
        "indicateurs": "/indicateurs/",
        "immersion_create": "/immersions/nouvelle/",
    }
    users = {
        "staff": staff,
        "origin_lead": origin_lead,
        "host_lead": host_lead,
        "outsider_lead": outsider_lead,
        "participant": participant,
        "agent": agent,
        "tutor": tutor,
    }
    return urls, users


@pytest.mark.parametrize("role", ROLES)
def test_object_urls_matrix(client, world, role):
    urls, users = world
    client.force_login(users[role])
    got = {}
    for key, url in urls.items():
        response = client.get(url)
        got[key] = response.status_code
        if response.streaming:
            # Reading to the end closes the file (the test client wraps the stream).
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    expected = {key: MATRIX[key][ROLES.index(role)] for key in urls}
    assert got == expected


def test_anonymous_is_sent_to_login_everywhere(client, world):
    urls, _users = world
    for url in [*urls.values(), "/immersions/", "/echanges/", "/a-traiter/", "/indicateurs/export.csv"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/compte/login/" in response["Location"]


def test_lists_show_each_role_only_its_rows(client, world):
    _urls, users = world
    client.force_login(users["host_lead"])
    content = client.get("/immersions/").content.decode()
    assert "2 immersions" in content  # the draft and the finished one; not the confidential one
    assert "confidentielle" not in content
    client.force_login(users["participant"])
    assert "Aucune immersion ne correspond" in client.get("/immersions/").content.decode()
    assert "Aucune convention ne correspond" in client.get("/echanges/").content.decode()


# POST url key -> expected status per role (302: done and redirected; 403: visible, not their step;
# 404: not visible at all). Each role gets fresh objects, so allowed steps really run.
POST_MATRIX = {
    "immersion_submit": ["403", "302", "403", "404", "404", "403", "403"],
    "immersion_resend_link": ["302", "302", "403", "404", "404", "403", "403"],
    "immersion_synthese": ["302", "302", "302", "404", "404", "302", "302"],
    "immersion_bilan": ["403", "302", "302", "404", "404", "403", "302"],
    "echange_validate_origin": ["403", "302", "403", "404", "404", "403", "404"],
    "echange_derogation": ["403", "302", "403", "404", "404", "403", "404"],
    "echange_host_agreement": ["403", "403", "302", "404", "404", "403", "404"],
    "echange_return": ["403", "302", "403", "404", "404", "403", "404"],
    "echange_renew": ["403", "302", "403", "404", "404", "403", "404"],
    "echange_convention": ["302", "302", "302", "404", "404", "302", "404"],
    "service_add_function": ["302", "302", "404", "404", "404", "404", "404"],
}


@pytest.fixture
def post_world(parties, origin_service, world):
    _urls, users = world
    people = {"agent_email": users["agent"].email, "tutor_email": users["tutor"].email}
    draft = ImmersionFactory(**parties, **people)
    accepted = ImmersionFactory(**parties, **people, status=ImmersionStatus.ACCEPTEE_ORIGINE)
    finished = ImmersionFactory(**parties, **people, status=ImmersionStatus.TERMINEE)
    agent = {"agent_email": users["agent"].email}
    submitted = EchangeFactory(**parties, **agent, status=EchangeStatus.SOUMISE)
    critical = EchangeFactory(
        **parties,
        **agent,
        status=EchangeStatus.SOUMISE,
        fonction_critique=FonctionCritiqueFactory(service=origin_service),
    )
    validated = EchangeFactory(**parties, **agent, status=EchangeStatus.VALIDEE_ACCUEIL)
    running = EchangeFactory(**parties, **agent, status=EchangeStatus.EN_COURS)
    bilan = {
        "deroulement": "total",
        "apprentissages": "Beaucoup.",
        "retour_accueil": "",
        "suite": "confirme",
        "prochaines_etapes": "",
    }
    retour = {
        "planned_return_date": running.end_date.isoformat(),
        "return_interview_date": running.end_date.isoformat(),
        "return_position": "Chargée de mission",
    }
    return {
        "immersion_submit": (
            f"/immersions/{draft.pk}/etape/",
            {"to": ImmersionStatus.SOUMISE, "expected": ImmersionStatus.BROUILLON},
        ),
        "immersion_resend_link": (f"/immersions/{accepted.pk}/lien-tuteur/", {}),
        "immersion_synthese": (f"/immersions/{draft.pk}/synthese/", {}),
        "immersion_bilan": (f"/immersions/{finished.pk}/bilan/", bilan),
        "echange_validate_origin": (
            f"/echanges/{submitted.pk}/etape/",
            {"to": EchangeStatus.VALIDEE_ORIGINE, "expected": EchangeStatus.SOUMISE},
        ),
        "echange_derogation": (f"/echanges/{critical.pk}/derogation/", {"reason": "Intérim organisé."}),
        "echange_host_agreement": (f"/echanges/{validated.pk}/accord/", {"party": "accueil"}),
        "echange_return": (f"/echanges/{running.pk}/retour/", retour),
        "echange_renew": (f"/echanges/{running.pk}/renouveler/", {}),
        "echange_convention": (f"/echanges/{running.pk}/convention/", {}),
        "service_add_function": (
            f"/echanges/services/{origin_service.slug}/",
            {"title": "Régie d'avances", "description": ""},
        ),
    }


@pytest.mark.parametrize(("index", "role"), list(enumerate(ROLES)))
def test_object_post_urls_matrix(client, world, post_world, index, role):
    _urls, users = world
    client.force_login(users[role])
    got = {key: str(client.post(url, data).status_code) for key, (url, data) in post_world.items()}
    expected = {key: statuses[index] for key, statuses in POST_MATRIX.items()}
    assert got == expected


def test_origin_lead_named_as_tutor_cannot_accept_for_the_host(accepted_by_origin, origin_lead, host_lead):
    accepted_by_origin.tutor_email = origin_lead.email.upper()
    accepted_by_origin.save()
    assert Side.ACCUEIL not in immersion_sides(origin_lead, accepted_by_origin)
    with pytest.raises(PermissionDenied):
        immersion_services.transition_immersion(
            accepted_by_origin, ImmersionStatus.ACCEPTEE_ACCUEIL, by=origin_lead
        )
    assert "Immersions à accepter pour l'accueil" not in [str(s.label) for s in waiting_steps(origin_lead)]
    accepted_by_origin.refresh_from_db()
    assert accepted_by_origin.status == ImmersionStatus.ACCEPTEE_ORIGINE


def test_tutor_without_lead_role_keeps_the_host_side(accepted_by_origin, participant):
    accepted_by_origin.tutor_email = participant.email
    accepted_by_origin.save()
    assert immersion_sides(participant, accepted_by_origin) == {Side.ACCUEIL}
    assert immersion_services.transition_immersion(
        accepted_by_origin, ImmersionStatus.ACCEPTEE_ACCUEIL, by=participant
    )


def test_origin_lead_named_as_agent_cannot_consent_for_the_agent(parties, origin_lead, participant):
    echange = EchangeFactory(**parties, agent_email=origin_lead.email, status=EchangeStatus.VALIDEE_ACCUEIL)
    assert Side.AGENT not in echange_sides(origin_lead, echange)
    assert echange_parties_to_agree(origin_lead, echange) == [Party.ORIGINE]
    with pytest.raises(PermissionDenied):
        echange_services.record_agreement(echange, Party.AGENT, by=origin_lead)
    echange.refresh_from_db()
    assert echange.agent_agreed_at is None
    echange.agent_email = participant.email
    echange.save()
    assert echange_services.record_agreement(echange, Party.AGENT, by=participant)
