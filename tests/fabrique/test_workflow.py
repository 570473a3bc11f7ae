"""The one transition mechanism (`fabrique.core.workflow`): every workflow is declared through it, and a
step attempted by the wrong party is refused by it whatever the path (service, site, admin, bulk action)."""

import pytest
from django.core.exceptions import PermissionDenied

from ateliers.admin.atelier import AtelierAdminForm
from ateliers.enums import AtelierStatus, InscriptionStatus
from ateliers.livret.services import versions
from ateliers.models import Atelier, AtelierTransition, Inscription, InscriptionTransition, Livret
from ateliers.services import atelier as atelier_services
from ateliers.services import inscriptions
from fabrique.core.enums import DocumentStatus
from fabrique.core.models import TransitionLog
from fabrique.core.workflow import SYSTEM, TransitionError, Workflow
from immersions.enums import ImmersionStatus
from immersions.models import ImmersionTransition
from immersions.services import echanges, immersions
from tests.accompagnement.factories import OrganisationFactory, UserFactory
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, member_of
from tests.immersions.factories import ImmersionFactory

pytestmark = pytest.mark.django_db

WORKFLOWS = {
    "atelier": atelier_services.WORKFLOW,
    "inscription": inscriptions.WORKFLOW,
    "livret": versions.WORKFLOW,
    "immersion": immersions.WORKFLOW,
    "echange": echanges.WORKFLOW,
}


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_workflow_is_declared_through_the_one_mechanism(name):
    workflow = WORKFLOWS[name]
    assert isinstance(workflow, Workflow)
    assert issubclass(workflow.log_model, TransitionLog)
    assert workflow.log_model._meta.get_field(workflow.log_field).related_model is workflow.model
    statuses = set(workflow.statuses.values)
    for (source, target), roles in workflow.steps.items():
        assert {source, target} <= statuses
        assert roles, f"{name}: nobody may make {source} -> {target}"
    assert workflow.model._meta.get_field("status").choices == workflow.statuses.choices


def test_transition_saves_only_the_status_logs_once_and_runs_effects_after_commit(
    staff, django_capture_on_commit_callbacks, django_assert_num_queries
):
    atelier = AtelierFactory(brouillon=True, title="Avant")
    Atelier.objects.filter(pk=atelier.pk).update(title="Changé ailleurs")
    # The actor's permissions (their own, their groups': the staff role), SAVEPOINT, SELECT ... FOR UPDATE,
    # UPDATE (status, updated_at), INSERT log, RELEASE.
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(7):
        assert atelier_services.WORKFLOW.transition(atelier, AtelierStatus.INSCRIPTIONS_OUVERTES, by=staff)
    assert len(callbacks) == 1  # the side effects wait for the commit
    assert atelier.status == AtelierStatus.INSCRIPTIONS_OUVERTES
    assert Atelier.objects.get(pk=atelier.pk).title == "Changé ailleurs"  # update_fields: nothing else
    log = AtelierTransition.objects.get(atelier=atelier)
    assert (log.from_status, log.to_status, log.by, log.actor_label) == (
        AtelierStatus.BROUILLON,
        AtelierStatus.INSCRIPTIONS_OUVERTES,
        staff,
        staff.display_name,
    )
    assert log.from_label == "Brouillon"
    assert log.to_label == "Inscriptions ouvertes"


def test_a_second_click_on_the_same_step_changes_nothing(staff):
    atelier = AtelierFactory(brouillon=True)
    workflow = atelier_services.WORKFLOW
    seen = AtelierStatus.BROUILLON
    assert workflow.transition(atelier, AtelierStatus.INSCRIPTIONS_OUVERTES, by=staff, expected=seen)
    assert not workflow.transition(atelier, AtelierStatus.INSCRIPTIONS_OUVERTES, by=staff, expected=seen)
    assert AtelierTransition.objects.filter(atelier=atelier).count() == 1


def test_a_step_on_a_row_changed_since_the_page_was_read_is_refused(staff):
    atelier = AtelierFactory(brouillon=True)
    atelier_services.transition(atelier, AtelierStatus.INSCRIPTIONS_OUVERTES, by=staff)
    with pytest.raises(TransitionError, match="entre-temps"):
        atelier_services.WORKFLOW.transition(
            atelier, AtelierStatus.ANNULE, by=staff, reason="Doublon", expected=AtelierStatus.BROUILLON
        )


def test_wrong_party_refused_through_the_service(lead):
    atelier = AtelierFactory(brouillon=True)
    with pytest.raises(TransitionError, match="équipe d'animation"):
        atelier_services.transition(atelier, AtelierStatus.INSCRIPTIONS_OUVERTES, by=lead)
    assert not AtelierTransition.objects.exists()


def test_wrong_party_refused_through_the_admin_form(lead):
    """The admin's workshop form asks the same mechanism: a member handed the form is refused."""
    atelier = AtelierFactory(brouillon=True)
    form_class = type("LeadAtelierForm", (AtelierAdminForm,), {"user": lead})
    data = {field: getattr(atelier, field) for field in form_class._meta.fields}
    data.update(programme=atelier.programme_id, status=AtelierStatus.INSCRIPTIONS_OUVERTES)
    form = form_class(data=data, instance=atelier)
    assert not form.is_valid()
    assert "statuts possibles : —" in str(form.errors["status"])


def test_wrong_party_refused_for_a_registration_whatever_the_path(lead):
    """The bulk actions and the site's buttons call these services: the map refuses a stranger's
    cancellation and a member's promotion from the waiting list."""
    inscription = InscriptionFactory(status=InscriptionStatus.LISTE_ATTENTE)
    stranger = UserFactory()
    with pytest.raises(inscriptions.RegistrationError):
        inscriptions.cancel(inscription, by=stranger)
    with pytest.raises(inscriptions.RegistrationError):
        inscriptions.WORKFLOW.transition(inscription, InscriptionStatus.INSCRIT, by=inscription.user)
    inscription.refresh_from_db()
    assert inscription.status == InscriptionStatus.LISTE_ATTENTE
    assert not InscriptionTransition.objects.filter(inscription=inscription).exists()


def test_registration_steps_are_logged(staff):
    atelier = AtelierFactory(capacity=1)
    first = inscriptions.register(atelier, member_of(OrganisationFactory()), by=staff).inscription
    second = InscriptionFactory(atelier=atelier, status=InscriptionStatus.LISTE_ATTENTE)
    inscriptions.cancel(first, by=staff)
    steps = list(
        InscriptionTransition.objects.order_by("pk").values_list("inscription", "from_status", "to_status")
    )
    assert steps == [
        (first.pk, "", InscriptionStatus.INSCRIT),
        (first.pk, InscriptionStatus.INSCRIT, InscriptionStatus.ANNULE),
        (second.pk, InscriptionStatus.LISTE_ATTENTE, InscriptionStatus.INSCRIT),  # the freed seat
    ]
    assert Inscription.objects.get(pk=second.pk).status == InscriptionStatus.INSCRIT


def test_only_the_worker_moves_a_booklet_version(staff):
    livret = Livret.objects.create(atelier=AtelierFactory(), version=1)
    with pytest.raises(PermissionDenied):
        versions.WORKFLOW.transition(livret, DocumentStatus.EN_COURS, by=staff)
    assert versions.WORKFLOW.transition(livret, DocumentStatus.EN_COURS, by=None)
    assert list(livret.transitions.values_list("to_status", "actor_label")) == [
        (DocumentStatus.EN_COURS, "Automatique")
    ]


def test_immersion_step_of_another_side_is_refused_and_the_system_role_is_nobodys(lead):
    immersion = ImmersionFactory(status=ImmersionStatus.SOUMISE)
    with pytest.raises(PermissionDenied):
        immersions.WORKFLOW.transition(immersion, ImmersionStatus.ACCEPTEE_ORIGINE, by=lead)
    assert SYSTEM not in immersions.WORKFLOW.roles_of(lead, immersion)
    assert not ImmersionTransition.objects.filter(immersion=immersion, to_status="acceptee_origine").exists()


def test_the_workshop_page_timeline_reads_the_log(client, staff):
    atelier = AtelierFactory(brouillon=True)
    atelier_services.transition(
        atelier, AtelierStatus.INSCRIPTIONS_OUVERTES, by=staff, reason="Programme validé"
    )
    client.force_login(staff)
    content = client.get(atelier.get_absolute_url()).content.decode()
    assert "Historique des statuts" in content
    assert "Brouillon → <strong>Inscriptions ouvertes</strong>" in content
    assert f"par {staff.display_name}" in content
    assert "Motif : Programme validé" in content


def test_the_admin_shows_a_booklet_versions_render_steps(admin_client):
    livret = Livret.objects.create(atelier=AtelierFactory(), version=1)
    versions.WORKFLOW.log(livret, "", DocumentStatus.EN_ATTENTE, by=None)
    versions.WORKFLOW.transition(livret, DocumentStatus.EN_COURS, by=None)
    content = admin_client.get(f"/admin/ateliers/livret/{livret.pk}/change/").content.decode()
    assert "historique des statuts" in content.lower()
    assert "En attente" in content
    assert "En cours" in content
