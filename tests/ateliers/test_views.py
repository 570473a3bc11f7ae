import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import InscriptionStatus, Presence
from ateliers.livret.services import rendu as livret_services
from ateliers.models import Inscription
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.factories import (
    AtelierFactory,
    InscriptionFactory,
    IntervenantFactory,
    SequenceFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def _url(name, atelier, *args):
    return reverse(f"ateliers:{name}", args=[atelier.pk, *args])


def test_programme_lists_upcoming_and_past_with_seats(client, lead):
    upcoming = AtelierFactory(capacity=10, title="Atelier à venir")
    InscriptionFactory.create_batch(3, atelier=upcoming)
    AtelierFactory(tenu=True, programme=upcoming.programme, title="Atelier passé")
    AtelierFactory(brouillon=True, programme=upcoming.programme, title="Atelier en préparation")
    client.force_login(lead)
    content = client.get(reverse("ateliers:programme")).content.decode()
    assert "Atelier à venir" in content
    assert "Atelier passé" in content
    assert "Atelier en préparation" not in content
    assert "7 places restantes sur 10" in content
    assert (
        content.index("Atelier à venir") < content.index("Ateliers passés") < content.index("Atelier passé")
    )


def test_programme_requires_login(client):
    response = client.get(reverse("ateliers:programme"))
    assert response.status_code == 302
    assert "/compte/login/" in response.url


def test_draft_workshop_is_404_for_members_but_visible_to_staff(client, lead, staff):
    draft = AtelierFactory(brouillon=True)
    client.force_login(lead)
    assert client.get(_url("atelier_detail", draft)).status_code == 404
    client.force_login(staff)
    assert client.get(_url("atelier_detail", draft)).status_code == 200


def test_workshop_page_shows_running_order_speakers_and_seats(client, lead):
    atelier = AtelierFactory(capacity=40)
    speaker = IntervenantFactory(first_name="Olivier", last_name="Garnier", organisation=None)
    speaker.organisation_label = "Agence de reconversion de la Défense"
    speaker.save()
    SequenceFactory(atelier=atelier, order=2, kind="debat", title="Débat public-privé").intervenants.add(
        speaker
    )
    SequenceFactory(atelier=atelier, order=1, title="Ouverture du directeur")
    client.force_login(lead)
    content = client.get(_url("atelier_detail", atelier)).content.decode()
    assert content.index("Ouverture du directeur") < content.index("Débat public-privé")
    assert "Olivier Garnier" in content
    assert "Agence de reconversion de la Défense" in content
    assert "40 restantes sur 40" in content
    assert "M'inscrire" in content


def test_register_through_page_then_twice_registers_once(client, lead):
    atelier = AtelierFactory()
    client.force_login(lead)
    response = client.post(_url("register", atelier), {"consent_annuaire": "on"}, follow=True)
    assert "inscription confirmée" in response.content.decode()
    response = client.post(_url("register", atelier), {"consent_annuaire": "on"}, follow=True)
    assert "déjà inscrit" in response.content.decode()
    inscription = Inscription.objects.get()
    assert inscription.user == lead
    assert inscription.consent_annuaire


def test_register_without_consent_records_refusal(client, lead):
    atelier = AtelierFactory()
    client.force_login(lead)
    client.post(_url("register", atelier), {})
    assert Inscription.objects.get().consent_annuaire is False


def test_register_closed_workshop_shows_clear_message(client, lead):
    atelier = AtelierFactory(closes=True)
    client.force_login(lead)
    page = client.get(_url("atelier_detail", atelier)).content.decode()
    assert "Les inscriptions à cet atelier sont closes." in page
    response = client.post(_url("register", atelier), {}, follow=True)
    assert "Les inscriptions à cet atelier sont closes." in response.content.decode()
    assert not Inscription.objects.exists()


def test_register_colleague_and_refuse_other_organisation(client, lead, organisation):
    atelier = AtelierFactory()
    colleague = member_of(organisation)
    stranger = member_of(OrganisationFactory())
    client.force_login(lead)
    page = client.get(_url("atelier_detail", atelier)).content.decode()
    assert colleague.email in page
    assert stranger.email not in page
    client.post(
        _url("register_colleague", atelier),
        {"collegue-user": colleague.pk, "collegue-consent_annuaire": "on"},
    )
    response = client.post(_url("register_colleague", atelier), {"collegue-user": stranger.pk}, follow=True)
    assert "collègue de votre organisation" in response.content.decode()
    assert list(Inscription.objects.values_list("user", "registered_by")) == [(colleague.pk, lead.pk)]


def test_cancel_own_and_colleague_registration_but_not_a_stranger(client, lead, organisation):
    atelier = AtelierFactory()
    mine = InscriptionFactory(atelier=atelier, user=lead, organisation=organisation)
    colleague = InscriptionFactory(atelier=atelier, organisation=organisation)
    stranger = InscriptionFactory(atelier=atelier)
    client.force_login(lead)
    client.post(reverse("ateliers:cancel", args=[mine.pk]))
    client.post(reverse("ateliers:cancel", args=[colleague.pk]))
    assert client.post(reverse("ateliers:cancel", args=[stranger.pk])).status_code == 404
    statuses = dict(Inscription.objects.values_list("pk", "status"))
    assert statuses[mine.pk] == InscriptionStatus.ANNULE
    assert statuses[colleague.pk] == InscriptionStatus.ANNULE
    assert statuses[stranger.pk] == InscriptionStatus.INSCRIT


def test_cancel_needs_post(client, lead, organisation):
    inscription = InscriptionFactory(user=lead, organisation=organisation)
    client.force_login(lead)
    assert client.get(reverse("ateliers:cancel", args=[inscription.pk])).status_code == 405


def test_mes_inscriptions_lists_mine_and_colleagues_i_registered(client, lead, organisation):
    InscriptionFactory(user=lead, organisation=organisation, atelier=AtelierFactory(title="Mon atelier"))
    colleague = member_of(organisation, user__last_name="Collègue")
    InscriptionFactory(user=colleague, organisation=organisation, registered_by=lead)
    InscriptionFactory(atelier=AtelierFactory(title="Pas le mien"))
    client.force_login(lead)
    content = client.get(reverse("ateliers:mes_inscriptions")).content.decode()
    assert "Mon atelier" in content
    assert "COLLÈGUE" in content
    assert "Pas le mien" not in content


def test_participants_grouped_by_organisation_only_consenting(client, lead):
    atelier = AtelierFactory(tenu=True)
    ministry = OrganisationFactory(ministere=True, name="Ministère de la Culture")
    direction = OrganisationFactory(name="Secrétariat général", parent=ministry)
    InscriptionFactory(
        atelier=atelier,
        organisation=direction,
        consent_annuaire=True,
        user=member_of(direction, user__first_name="Lou", user__last_name="Visible"),
    )
    InscriptionFactory(
        atelier=atelier,
        organisation=direction,
        consent_annuaire=False,
        user=member_of(direction, user__last_name="Discret"),
    )
    InscriptionFactory(
        atelier=atelier,
        status=InscriptionStatus.LISTE_ATTENTE,
        user=member_of(direction, user__last_name="Attente"),
        organisation=direction,
    )
    client.force_login(lead)
    content = client.get(_url("participants", atelier)).content.decode()
    assert "Ministère de la Culture" in content
    assert "Lou VISIBLE — Secrétariat général" in content
    assert "DISCRET" not in content
    assert "ATTENTE" not in content
    assert "1 autre n'y apparaît pas" in content


def test_participants_page_and_booklet_group_a_sub_service_under_its_ministry(client, lead):
    atelier = AtelierFactory(tenu=True)
    culture = OrganisationFactory(ministere=True, name="Ministère de la Culture")
    bureau = OrganisationFactory(
        name="Bureau des ressources humaines",
        parent=OrganisationFactory(name="Secrétariat général", parent=culture),
    )
    armees = OrganisationFactory(ministere=True, name="Ministère des Armées")
    for organisation, name in [(bureau, "Zola"), (armees, "Martin"), (bureau, "Émile")]:
        InscriptionFactory(
            atelier=atelier,
            organisation=organisation,
            consent_annuaire=True,
            user=member_of(organisation, user__first_name="Jo", user__last_name=name),
        )
    client.force_login(lead)
    rubriques = client.get(_url("participants", atelier)).context["rubriques"]
    # The protocol order: the Armed Forces before Culture; « Prénom NOM ».
    assert [(r.intitule, [p.nom_affiche for p in r.personnes]) for r in rubriques] == [
        ("Ministère des Armées", ["Jo MARTIN"]),
        ("Ministère de la Culture", ["Jo ÉMILE", "Jo ZOLA"]),
    ]
    assert [p.service for p in rubriques[1].personnes] == ["Bureau des ressources humaines"] * 2
    booklet_groups = livret_services.build_context(atelier)["participant_groups"]
    assert [g["name"] for g in booklet_groups] == ["Ministère des Armées", "Ministère de la Culture"]


def test_participants_refused_to_accounts_without_membership(client):
    from tests.accompagnement.factories import UserFactory  # noqa: PLC0415 - only this test

    client.force_login(UserFactory())
    assert client.get(_url("participants", AtelierFactory())).status_code == 403


@pytest.mark.parametrize("name", ["emargement", "emargement_pdf"])
def test_staff_pages_refused_to_members(client, lead, name):
    client.force_login(lead)
    assert client.get(_url(name, AtelierFactory())).status_code == 403


def test_export_refused_to_members(client, lead):
    client.force_login(lead)
    assert client.get(_url("export", AtelierFactory(), "csv")).status_code == 403


def test_emargement_marks_presence_for_the_page(client, staff):
    atelier = AtelierFactory(tenu=True)
    first, second = InscriptionFactory.create_batch(2, atelier=atelier)
    client.force_login(staff)
    page = client.get(_url("emargement", atelier)).content.decode()
    assert first.user.last_name.upper() in page
    response = client.post(
        _url("emargement", atelier),
        {f"presence_{first.pk}": Presence.PRESENT, f"presence_{second.pk}": Presence.ABSENT},
        follow=True,
    )
    assert "2 changement(s)" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.presence, second.presence) == (Presence.PRESENT, Presence.ABSENT)


def test_emargement_filter_by_name(client, staff):
    atelier = AtelierFactory(tenu=True)
    InscriptionFactory(atelier=atelier, user=member_of(OrganisationFactory(), user__last_name="Zidane"))
    InscriptionFactory(atelier=atelier, user=member_of(OrganisationFactory(), user__last_name="Platini"))
    client.force_login(staff)
    content = client.get(_url("emargement", atelier), {"q": "zid"}).content.decode()
    assert "ZIDANE" in content
    assert "PLATINI" not in content


def _build(n):
    atelier = AtelierFactory(capacity=300)
    for order in range(4):
        SequenceFactory(atelier=atelier, order=order).intervenants.add(
            IntervenantFactory(), IntervenantFactory()
        )
    # Four levels deep, as in real ministries: ministry > secrétariat général > DRH > bureau.
    ministry = OrganisationFactory(ministere=True)
    drh = OrganisationFactory(parent=OrganisationFactory(parent=ministry))
    bureaux = [OrganisationFactory(parent=drh) for _ in range(3)]
    people = [member_of(bureaux[i % 3]) for i in range(n)]
    Inscription.objects.bulk_create(
        Inscription(
            atelier=atelier, user=user, organisation=bureaux[i % 3], registered_by=user, consent_annuaire=True
        )
        for i, user in enumerate(people)
    )
    return atelier


@pytest.mark.parametrize("registrations", [1, 200])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("programme", 8),
        ("atelier_detail", 11),
        # The lists' grouping (ateliers.livret.services.annexe.grouper) costs 4: roots, organisations,
        # settings, the booklet's headings.
        ("participants", 11),
        # The staff's pages read the animator's permissions (their own, their groups'): 2 more.
        ("emargement", 12),
        ("emargement_pdf", 11),
        ("export", 11),
    ],
)
def test_page_query_count_fixed_at_1_and_200_registrations(  # noqa: PLR0917 - pytest injects fixtures by name
    client, staff, lead, django_assert_num_queries, name, queries, registrations
):
    atelier = _build(registrations)
    client.force_login(staff if name in {"emargement", "emargement_pdf", "export"} else lead)
    if name == "programme":
        url = reverse("ateliers:programme")
    else:
        url = _url(name, atelier, "csv") if name == "export" else _url(name, atelier)
    client.get(url)  # warm: the session and the site's configuration are read once per process
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_export_names_the_ministry_at_the_top_of_a_deep_organisation(client, staff):
    atelier = _build(1)
    client.force_login(staff)
    content = client.get(_url("export", atelier, "csv")).content.decode()
    ministry = Inscription.objects.get(atelier=atelier).organisation.racine
    assert ministry.parent_id is None
    assert ministry.name in content.splitlines()[1]


def test_programme_defaults_to_next_workshops_programme_and_other_years_by_query(client, lead):
    old = AtelierFactory(tenu=True, programme__year=2023, title="Lancement")
    upcoming = AtelierFactory(programme__year=timezone.localdate().year + 1, title="Prochain")
    client.force_login(lead)
    content = client.get(reverse("ateliers:programme")).content.decode()
    assert "Prochain" in content
    assert "Lancement" not in content
    content = client.get(reverse("ateliers:programme"), {"annee": 2023}).content.decode()
    assert "Lancement" in content
    assert f"?annee={upcoming.programme.year}" in content
    assert old.programme.title in content


def test_home_shows_next_workshops_and_my_registrations(client, lead, organisation):
    mine = AtelierFactory(title="Atelier où je vais")
    AtelierFactory(title="Autre atelier")
    AtelierFactory(brouillon=True, title="Atelier en préparation")
    InscriptionFactory(atelier=mine, user=lead, organisation=organisation)
    client.force_login(lead)
    content = client.get("/").content.decode()
    block = content[content.index('id="prochains-ateliers"') : content.index('id="actions-a-traiter"')]
    assert "Autre atelier" in block
    assert "Atelier en préparation" not in block
    mes = content[content.index('id="mes-inscriptions"') : content.index('id="actions-a-traiter"')]
    assert "Atelier où je vais" in mes
    assert "Autre atelier" not in mes


def test_emargement_marks_everyone_shown_present_in_one_click(client, staff):
    atelier = AtelierFactory(tenu=True)
    shown = InscriptionFactory(atelier=atelier, user=member_of(OrganisationFactory(), user__last_name="Zola"))
    hidden = InscriptionFactory(
        atelier=atelier, user=member_of(OrganisationFactory(), user__last_name="Hugo")
    )
    client.force_login(staff)
    client.post(_url("emargement", atelier) + "?q=zola", {"tous_presents": "1"})
    shown.refresh_from_db()
    hidden.refresh_from_db()
    assert shown.presence == Presence.PRESENT
    assert hidden.presence == Presence.NON_RENSEIGNE


def test_workshop_page_after_restitution_renders_without_booklet(client, lead):
    atelier = AtelierFactory(tenu=True, status="restitution_publiee")
    client.force_login(lead)
    response = client.get(_url("atelier_detail", atelier))
    assert response.status_code == 200
    assert "Télécharger le livret" not in response.content.decode()
