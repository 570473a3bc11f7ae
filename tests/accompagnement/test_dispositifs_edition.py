"""Schemes proposed, edited and adopted by the network's leads: the forms, their errors next to their
fields, and another organisation's schemes out of reach (404 on GET and POST, nothing revealed)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accompagnement.enums import Besoin, DispositifKind, Maturite, Public, Role
from accompagnement.models import Dispositif
from tests.accompagnement.conftest import CREATE, LIST, titles
from tests.accompagnement.factories import AdhesionFactory, DispositifFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


class _Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.texts = tag, dict(attrs), parent, [], []

    def text(self):
        return " ".join(" ".join([*self.texts, *(child.text() for child in self.children)]).split())

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()


class _TreeBuilder(HTMLParser):
    """Just enough of an HTML tree to tell which element holds which text (the standard library only)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, html):
        super().__init__()
        self.root = self.current = _Node(None, {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.texts.append(data)


def field_error_text(html, field):
    """The text of `field`'s own error messages, checked to sit in the field's DSFR error group."""
    nodes = list(_TreeBuilder(html).root.iter())
    wrappers = [n for n in nodes if n.attrs.get("id") == f"id_{field}-desc-error"]
    assert len(wrappers) == 1, f"no error wrapper for {field}"
    group = wrappers[0].parent
    error_classes = {"fr-input-group--error", "fr-fieldset--error"}
    while group is not None and not error_classes & set((group.attrs.get("class") or "").split()):
        group = group.parent
    assert group is not None, f"the errors of {field} are outside an error group"
    assert any(n.attrs.get("name") == field for n in group.iter()), f"{field}'s input is not in its group"
    return wrappers[0].text()


def valid_data(organisation, **overrides):
    return {
        "title": "Mentorat des jeunes cadres",
        "organisation": organisation.pk,
        "kind": DispositifKind.TUTORAT_MENTORAT,
        "maturity": Maturite.PILOTE,
        "needs": [Besoin.EVOLUTION_PROFESSIONNELLE],
        "publics": [Public.CATEGORIE_A, Public.NOUVEAUX_ARRIVANTS],
        "summary": "Un binôme mentor-mentoré pendant un an.",
        "description": "",
        "access": "",
        "contact": "mentorat@ministere-a.gouv.fr",
        "links": "https://www.fonction-publique.gouv.fr/\nhttps://mentor.gouv.fr/",
        **overrides,
    }


def test_propose_creates_a_scheme_for_own_organisation(client, ministries):
    client.force_login(ministries["lead_a"])
    form_page = client.get(CREATE)
    assert form_page.status_code == 200
    assert form_page.context["form"].initial["organisation"] == ministries["a_sg"].pk
    response = client.post(CREATE, valid_data(ministries["a_sg"]))
    dispositif = Dispositif.objects.get(title="Mentorat des jeunes cadres")
    assert response.status_code == 302
    assert response["Location"] == dispositif.get_absolute_url()
    assert dispositif.created_by == ministries["lead_a"] == dispositif.updated_by
    assert dispositif.links == ["https://www.fonction-publique.gouv.fr/", "https://mentor.gouv.fr/"]
    assert dispositif.publics == [Public.CATEGORIE_A, Public.NOUVEAUX_ARRIVANTS]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Donnez un titre au dispositif."),
        ({"summary": ""}, "summary", "Résumez le dispositif en quelques phrases."),
        ({"needs": []}, "needs", "Cochez au moins un besoin."),
        (
            {"links": "https://ok.gouv.fr/\npas une adresse"},
            "links",
            "« pas une adresse » n'est pas une adresse web valide",
        ),
        ({"links": "javascript:alert(1)"}, "links", "n'est pas une adresse web valide"),
        ({"summary": "x" * 601}, "summary", "600"),
    ],
)
def test_propose_with_bad_input_shows_errors_next_to_fields(client, ministries, overrides, field, message):
    client.force_login(ministries["lead_a"])
    response = client.post(CREATE, valid_data(ministries["a_sg"], **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    content = response.content.decode()
    assert message in field_error_text(content, field)
    assert "Le dispositif n'est pas enregistré" in content
    assert not Dispositif.objects.exists()


def test_propose_for_another_organisation_is_refused(client, ministries):
    client.force_login(ministries["lead_a"])
    response = client.post(CREATE, valid_data(ministries["b_drh"]))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Dispositif.objects.exists()


def test_propose_for_a_direction_by_the_ministry_lead(client, ministries):
    ministry_lead = AdhesionFactory(organisation=ministries["a"]).user
    client.force_login(ministry_lead)
    assert client.post(CREATE, valid_data(ministries["a_sg"])).status_code == 302


def test_propose_refused_to_a_member_without_lead_role(client, ministries):
    animator = AdhesionFactory(organisation=ministries["a_sg"], role=Role.ANIMATEUR_DGAFP).user
    client.force_login(animator)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, valid_data(ministries["a_sg"])).status_code == 403


def test_edit_own_scheme_records_who_and_when(client, ministries, catalogue):
    dispositif = catalogue["decouvre"]
    before = dispositif.updated_at
    colleague = AdhesionFactory(organisation=ministries["a_sg"]).user
    client.force_login(colleague)
    url = reverse("accompagnement:dispositif_update", args=[dispositif.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, valid_data(ministries["a_sg"], title="Découvre mon poste (2024)"))
    assert response.status_code == 302
    dispositif.refresh_from_db()
    assert dispositif.title == "Découvre mon poste (2024)"
    assert dispositif.updated_by == colleague
    assert dispositif.updated_at > before


def test_staff_edits_any_scheme(client, ministries, catalogue, staff):
    client.force_login(staff)
    url = reverse("accompagnement:dispositif_update", args=[catalogue["tutorat"].pk])
    response = client.post(url, valid_data(ministries["b_drh"], title="Tutorat revu par la DGAFP"))
    assert response.status_code == 302
    catalogue["tutorat"].refresh_from_db()
    assert catalogue["tutorat"].updated_by == staff


def test_adopt_model_creates_linked_copy_then_edit(client, ministries, catalogue):
    model = catalogue["decouvre"]
    client.force_login(ministries["lead_b"])
    response = client.post(
        reverse("accompagnement:dispositif_adopt", args=[model.pk]), {"organisation": ministries["b_drh"].pk}
    )
    copy = Dispositif.objects.get(model_of=model)
    assert response.status_code == 302
    assert response["Location"] == reverse("accompagnement:dispositif_update", args=[copy.pk])
    assert copy.organisation == ministries["b_drh"]
    assert copy.title == model.title
    assert copy.maturity == Maturite.EN_PROJET
    assert copy.created_by == ministries["lead_b"]
    assert not copy.is_model
    content = client.get(model.get_absolute_url()).content.decode()
    assert "Adopté par" in content
    assert "DRH B" in content
    assert "Adopter ce dispositif" not in content  # adopted once per organisation
    assert "Adapté du dispositif modèle" in client.get(copy.get_absolute_url()).content.decode()


def test_adopt_twice_is_refused(client, ministries, catalogue):
    model = catalogue["decouvre"]
    client.force_login(ministries["lead_b"])
    url = reverse("accompagnement:dispositif_adopt", args=[model.pk])
    client.post(url, {"organisation": ministries["b_drh"].pk})
    assert client.post(url, {"organisation": ministries["b_drh"].pk}).status_code == 404
    assert Dispositif.objects.filter(model_of=model).count() == 1


def test_adopt_a_scheme_that_is_not_a_model_is_404(client, ministries, catalogue):
    client.force_login(ministries["lead_a"])
    url = reverse("accompagnement:dispositif_adopt", args=[catalogue["tutorat"].pk])
    assert client.post(url, {"organisation": ministries["a_sg"].pk}).status_code == 404


def test_adopt_requires_post(client, ministries, catalogue):
    client.force_login(ministries["lead_b"])
    assert (
        client.get(reverse("accompagnement:dispositif_adopt", args=[catalogue["decouvre"].pk])).status_code
        == 405
    )


# --- Another organisation's objects: 404 on GET and POST, nothing revealed ------------------------------


def object_urls(catalogue):
    """Every object URL of the app that changes a scheme of ministry A, as (method, url, data)."""
    decouvre = catalogue["decouvre"]
    return [
        ("get", reverse("accompagnement:dispositif_update", args=[decouvre.pk]), None),
        ("post", reverse("accompagnement:dispositif_update", args=[decouvre.pk]), {"title": "Piraté"}),
    ]


def test_lead_of_b_cannot_edit_a_scheme_of_a_on_get_or_post(client, ministries, catalogue):
    client.force_login(ministries["lead_b"])
    for method, url, data in object_urls(catalogue):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, (method, url)
        assert "Découvre mon poste" not in response.content.decode()
    catalogue["decouvre"].refresh_from_db()
    assert catalogue["decouvre"].title == "Découvre mon poste"


def test_lead_of_b_cannot_adopt_for_an_organisation_of_a(client, ministries, catalogue):
    other_model = DispositifFactory(organisation=ministries["b_drh"], is_model=True, title="Modèle B")
    client.force_login(ministries["lead_b"])
    url = reverse("accompagnement:dispositif_adopt", args=[other_model.pk])
    assert client.post(url, {"organisation": ministries["a_sg"].pk}).status_code == 404
    assert not Dispositif.objects.filter(model_of=other_model).exists()


def test_schemes_of_an_inactive_organisation_are_hidden_from_members(client, ministries, catalogue):
    ministries["b_drh"].active = False
    ministries["b_drh"].save()
    client.force_login(ministries["lead_a"])
    assert client.get(catalogue["tutorat"].get_absolute_url()).status_code == 404
    assert "Tutorat des nouveaux arrivants" not in titles(client.get(LIST))


@pytest.mark.parametrize(
    "url_name", ["dispositif_detail", "dispositif_update", "dispositif_adopt", "organisation_detail"]
)
def test_object_urls_require_login(client, catalogue, url_name):
    arg = (
        catalogue["decouvre"].organisation.slug
        if url_name == "organisation_detail"
        else catalogue["decouvre"].pk
    )
    response = client.get(reverse(f"accompagnement:{url_name}", args=[arg]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_deactivated_lead_loses_edit_rights(client, ministries, catalogue):
    adhesion = ministries["lead_a"].adhesions.get()
    adhesion.active = False
    adhesion.save()
    client.force_login(ministries["lead_a"])
    assert (
        client.get(reverse("accompagnement:dispositif_update", args=[catalogue["decouvre"].pk])).status_code
        == 404
    )


def test_propose_form_names_each_organisation_with_its_ministry(
    client, ministries, django_assert_num_queries
):
    bureau = OrganisationFactory(name="Bureau des parcours", slug="ma-sg-bp", parent=ministries["a_sg"])
    AdhesionFactory(organisation=bureau, user=ministries["lead_a"])
    client.force_login(ministries["lead_a"])
    client.get(CREATE)  # warm the session (charter acceptance is remembered in it)
    with django_assert_num_queries(6):
        form = client.get(CREATE).context["form"]
    labels = [label for _value, label in form.fields["organisation"].choices][1:]
    assert "Secrétariat général A (SG) — Ministère A" in labels
    assert "Bureau des parcours — Ministère A" in labels  # a service is named with its ministry
    for number in range(10):
        AdhesionFactory(
            user=ministries["lead_a"],
            organisation=OrganisationFactory(name=f"Bureau {number}", parent=ministries["a_sg"]),
        )
    with django_assert_num_queries(6):  # 12 organisations to name, as many queries as for 2
        client.get(CREATE)
