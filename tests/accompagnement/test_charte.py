import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.middleware import CharteAcceptanceMiddleware
from accompagnement.models import AcceptationCharte, Charte
from tests.accompagnement.factories import PASSWORD, AdhesionFactory, CharteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(organisation):
    """A lead who has not accepted the charter in force yet."""
    return AdhesionFactory(organisation=organisation, user__charte_acceptee=False).user


def test_charte_seeded_by_migration_is_in_force():
    charte = Charte.objects.current()
    assert charte.version == 1
    assert "trois à quatre ateliers par an" in charte.text
    assert "immersions apprenantes" in charte.text
    assert "livret de restitution" in charte.text


def test_charte_member_who_has_not_accepted_is_sent_to_the_charter(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("accompagnement:reseau"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accompagnement:charte')}?next=%2Freseau%2F"


def test_charte_acceptance_records_version_and_date_then_lets_through(client, newcomer):
    client.force_login(newcomer)
    before = timezone.now()
    response = client.post(reverse("accompagnement:charte"), {"accept": "on", "next": "/reseau/"})
    assert response.status_code == 302
    assert response["Location"] == "/reseau/"
    acceptation = AcceptationCharte.objects.get(user=newcomer)
    assert acceptation.charte == Charte.objects.current()
    assert acceptation.accepted_at >= before
    assert client.get(reverse("accompagnement:reseau")).status_code == 200


def test_charte_without_the_box_ticked_shows_the_error(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accompagnement:charte"), {"next": "/"})
    assert response.status_code == 200
    assert "Cochez la case pour accepter la charte." in response.content.decode()
    assert not AcceptationCharte.objects.filter(user=newcomer).exists()


def test_charte_next_to_another_site_is_ignored(client, newcomer):
    client.force_login(newcomer)
    response = client.post(
        reverse("accompagnement:charte"), {"accept": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_charte_new_version_asks_again(client, lead):
    client.force_login(lead)
    assert client.get(reverse("accompagnement:reseau")).status_code == 200
    CharteFactory(version=2, title="Charte révisée", text="Nouveau principe : la confiance.")
    response = client.get(reverse("accompagnement:reseau"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Nouveau principe : la confiance." in page
    assert "La charte a évolué depuis la version 1" in page
    client.post(reverse("accompagnement:charte"), {"accept": "on"})
    assert client.get(reverse("accompagnement:reseau")).status_code == 200
    assert list(
        lead.acceptations_charte.values_list("charte__version", flat=True).order_by("charte__version")
    ) == [
        1,
        2,
    ]


def test_charte_draft_version_is_not_in_force(client, lead):
    CharteFactory(version=3, published_at=None)
    client.force_login(lead)
    assert client.get(reverse("accompagnement:reseau")).status_code == 200


def test_charte_already_accepted_page_shows_the_date(client, lead):
    client.force_login(lead)
    content = client.get(reverse("accompagnement:charte")).content.decode()
    assert "Vous avez accepté cette version le" in content
    assert "Accepter la charte" not in content


@pytest.mark.parametrize(
    "url",
    [
        "/compte/password/change/",
        "/compte/logout/",
        "/accessibilite/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/static/fabrique/site.css",
    ],
)
def test_charte_does_not_block_account_legal_and_static_pages(client, newcomer, url):
    client.force_login(newcomer)
    response = client.get(url)
    response.close()  # the static file's handle
    assert response.status_code in (200, 302)
    assert reverse("accompagnement:charte") not in response.get("Location", "")


def test_charte_logout_works_before_acceptance(client, newcomer):
    client.force_login(newcomer)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_charte_login_then_redirected_to_charter(client, newcomer):
    response = client.post(
        reverse("account_login"), {"login": newcomer.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("accompagnement:charte"))
    assert "Accepter la charte" in response.content.decode()


def test_charte_does_not_block_the_admin_for_staff(client):
    staff = UserFactory(is_staff=True, is_superuser=True, charte_acceptee=False)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 302


def test_charte_anonymous_is_not_concerned(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    assert CharteAcceptanceMiddleware(lambda r: "ok").must_accept(request) is False


def test_charte_accept_service_is_idempotent(lead):
    charte = Charte.objects.current()
    first = services.accept_charte(lead, charte)
    again = services.accept_charte(lead, charte)
    assert first.pk == again.pk
    assert AcceptationCharte.objects.filter(user=lead, charte=charte).count() == 1


def test_charte_form_keeps_next_hidden_without_a_label(client, newcomer):
    client.force_login(newcomer)
    content = client.get(reverse("accompagnement:charte"), {"next": "/reseau/"}).content.decode()
    assert '<input type="hidden" name="next" value="/reseau/"' in content
    assert 'for="id_next"' not in content


def test_charte_is_linked_from_the_directory(client, lead):
    client.force_login(lead)
    assert reverse("accompagnement:charte") in client.get(reverse("accompagnement:reseau")).content.decode()
