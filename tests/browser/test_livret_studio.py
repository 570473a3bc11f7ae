"""The booklet studio in a real browser: writing with the editor, a Word paste, autosave, a conflict
between two writers, a breakout group's page on a phone, and the axe-core accessibility check."""

import re

import pytest
from playwright.sync_api import expect

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from ateliers.models import Constat, ContenuSequence, Contribution, GroupeTravail, Rapporteur
from tests.accompagnement.factories import PASSWORD, UserFactory
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

WORD_LIST = (
    "<html><body>"
    "<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>"
    "<![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·"
    "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>"
    "Former les encadrants<o:p></o:p></p>\n"
    "<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>"
    "<![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·"
    "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>"
    "Ouvrir les immersions<o:p></o:p></p>"
    "</body></html>"
)
PASTE = """([selector, html]) => {
  const target = document.querySelector(selector);
  target.focus();
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "Former les encadrants Ouvrir les immersions");
  target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def accept(user):
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(user, charte)


@pytest.fixture
def atelier(staff):
    atelier = make_booklet_atelier(participants=3, organisations=1)
    accept(staff)
    return atelier


@pytest.fixture
def rapporteur(atelier, staff):
    user = UserFactory()
    Rapporteur.objects.create(atelier=atelier, user=user, named_by=staff)
    accept(user)
    return user


def editor(page, bloc_anchor, field):
    return page.locator(f"#{bloc_anchor} .prose-editor:has(textarea[name={field}]) [contenteditable]")


def test_livret_studio_writes_pastes_autosaves_then_meets_a_conflict(page, live_server, atelier, rapporteur):
    sequence = atelier.sequences.get(kind="ouverture")
    bloc = f"bloc-sequence-{sequence.pk}"
    log_in_page(page, rapporteur)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"/ateliers/{atelier.pk}/livret/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Écrire cette partie — {sequence.title}").click()
    texte = editor(page, bloc, "texte")
    expect(texte).to_be_visible()
    assert_accessible(page)

    # Bold, a quote between two paragraphs, then a list, with the toolbar.
    texte.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("La directrice a ouvert la journée ")
    page.keyboard.press("Control+B")
    page.keyboard.type("avec énergie")
    page.keyboard.press("Control+B")
    page.keyboard.press("Enter")
    toolbar = page.locator(f"#{bloc} .prose-editor:has(textarea[name=texte]) .prose-menubar")
    toolbar.get_by_role("button", name="Citation (mise en exergue dans le livret)").click()
    page.keyboard.type("« Laissons partir les talents pour les garder »")
    page.keyboard.press("Enter")
    page.keyboard.type("— Camille Orateur, directrice")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("Puis chacun a présenté ses dispositifs.")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Liste à puces").first.click()
    page.keyboard.type("Découvre mon poste")
    page.keyboard.press("Enter")
    page.keyboard.type("Les stages d'immersion")
    status = page.locator(f"#{bloc} [data-studio-statut]")
    expect(status).to_have_text(re.compile(r"^Enregistré à \d{1,2} h \d\d$"))

    # Word's list paragraphs, pasted into the key points, become a real list.
    points = editor(page, bloc, "points_cles")
    points.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.evaluate(
        PASTE, [f"#{bloc} .prose-editor:has(textarea[name=points_cles]) [contenteditable]", WORD_LIST]
    )
    expect(points.locator("ul > li")).to_have_count(2)
    expect(status).to_have_text(re.compile(r"^Enregistré à"))
    settle(page)
    contenu = ContenuSequence.objects.get(sequence=sequence)
    assert contenu.texte == (
        "<p>La directrice a ouvert la journée <strong>avec énergie</strong></p>"
        "<blockquote><p>« Laissons partir les talents pour les garder »</p>"
        "<p>— Camille Orateur, directrice</p></blockquote>"
        "<p>Puis chacun a présenté ses dispositifs.</p>"
        "<ul><li><p>Découvre mon poste</p></li><li><p>Les stages d'immersion</p></li></ul>"
    )
    assert (
        contenu.points_cles
        == "<ul><li><p>Former les encadrants</p></li><li><p>Ouvrir les immersions</p></li></ul>"
    )
    assert contenu.updated_by == rapporteur
    # The preview beside the editor shows the saved text, quote in place.
    preview = page.frame_locator("iframe[data-studio-apercu]")
    expect(preview.locator("#partie-1 blockquote")).to_contain_text("Laissons partir les talents")

    # A second writer saves the same part first: the first one's next save is refused with both texts.
    other = page.context.browser.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        second = other.new_page()
        log_in_page(second, staff_of(atelier))
        second.goto(page.url)
        theirs = editor(second, bloc, "texte")
        theirs.click()
        second.keyboard.press("Control+End")
        second.keyboard.type(" Leur ajout.")
        expect(second.locator(f"#{bloc} [data-studio-statut]")).to_have_text(re.compile(r"^Enregistré à"))
        settle(second)
    finally:
        other.close()
    texte.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Mon ajout.")
    conflict = page.locator(f"#{bloc} .studio-conflit")
    expect(conflict.locator(".studio-conflit__version").nth(0)).to_contain_text("Leur version")
    expect(conflict.locator(".studio-conflit__version").nth(0)).to_contain_text("Leur ajout.")
    expect(conflict.locator(".studio-conflit__version").nth(1)).to_contain_text("Votre version")
    expect(conflict.locator(".studio-conflit__version").nth(1)).to_contain_text("Mon ajout.")
    expect(status).to_contain_text("Conflit")
    expect(texte).to_contain_text("Mon ajout.")  # nothing typed is lost
    assert_accessible(page)
    conflict.get_by_role("button", name="Garder ma version").click()
    expect(status).to_have_text(re.compile(r"^Enregistré à"))
    expect(conflict).to_have_count(0)
    settle(page)
    saved = ContenuSequence.objects.get(sequence=sequence).texte
    assert "Mon ajout." in saved
    assert "Leur ajout." not in saved


def test_livret_studio_group_page_on_a_phone(page, login, atelier, rapporteur):
    groupe = GroupeTravail.objects.filter(sequence__atelier=atelier).order_by("order").first()
    bloc = f"bloc-groupe-{groupe.pk}"
    page.set_viewport_size({"width": 375, "height": 740})
    login(rapporteur)
    page.goto(f"/ateliers/{atelier.pk}/livret/groupes/{groupe.pk}/")
    synthese = editor(page, bloc, "synthese")
    expect(synthese).to_be_visible()
    synthese.click()
    page.keyboard.type("Les agents de catégorie C demandent des passerelles.")
    page.locator(f"#{bloc} textarea[name=constats]").fill("Peu d'offres en région\nDes tuteurs à former")
    expect(page.locator(f"#{bloc} [data-studio-statut]")).to_have_text(re.compile(r"^Enregistré à"))
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    groupe.refresh_from_db()
    assert groupe.synthese == "<p>Les agents de catégorie C demandent des passerelles.</p>"
    assert list(Constat.objects.filter(groupe=groupe).values_list("text", flat=True)) == [
        "Peu d'offres en région",
        "Des tuteurs à former",
    ]


def test_livret_studio_back_matter_and_versions_for_staff(page, login, atelier, staff):
    login(staff)
    # Every kind of part (contributions, questions and answers, groups, resources) and a deletion asked first.
    for kind in ("feuille_de_route", "debat", "communication", "ateliers"):
        page.goto(f"/ateliers/{atelier.pk}/livret/{atelier.sequences.get(kind=kind).pk}/")
        expect(page.locator(".prose-editor [contenteditable]").first).to_be_visible()
        assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Supprimer — Groupe")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Supprimer « Groupe 0 » ?")
    assert_accessible(page)
    page.goto(f"/ateliers/{atelier.pk}/livret/reglages/")
    bloc = f"bloc-reglages-{atelier.pk}"
    expect(editor(page, bloc, "quatrieme_couverture")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Un texte propre à ce livret", exact=True).click()  # the DSFR radio's label
    page.get_by_role("textbox", name=re.compile(r"^Titre de l'annexe 2")).fill(
        "La charte et les actions prioritaires"
    )
    expect(page.locator(f"#{bloc} [data-studio-statut]")).to_have_text(re.compile(r"^Enregistré à"))
    settle(page)
    page.goto(f"/ateliers/{atelier.pk}/livret/")
    expect(page.get_by_text("« La charte et les actions prioritaires » (texte à écrire)")).to_be_visible()
    # Tasks run in-process after commit in tests: the version is ready by the time the panel asks.
    page.get_by_role("button", name="Générer le PDF").click()
    versions = page.locator("[data-studio-versions-lignes]")
    expect(versions.locator("tr[data-version='1']")).to_contain_text("Prêt")
    expect(page.locator("[data-studio-versions-annonce]")).to_contain_text("Version 1 : prêt")
    expect(versions.get_by_role("button", name="Publier la version 1")).to_be_visible()
    assert_accessible(page)


def test_livret_admin_change_page_loads_the_editor_under_the_csp(page, login, atelier, staff):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    login(staff)
    sequence = atelier.sequences.get(kind="debat")
    page.goto(f"/admin/ateliers/sequencelivret/{sequence.pk}/change/")
    expect(page.locator(".prose-editor [contenteditable]").first).to_be_visible()
    expect(
        page.locator(".prose-menubar").first.get_by_role(
            "button", name="Citation (mise en exergue dans le livret)"
        )
    ).to_be_visible()
    assert refused == []


def test_livret_studio_autosave_of_a_deleted_block_stops_and_keeps_the_text(page, login, atelier, rapporteur):
    sequence = atelier.sequences.get(kind="feuille_de_route")
    contribution = Contribution.objects.filter(sequence=sequence).order_by("order").first()
    bloc = f"bloc-contribution-{contribution.pk}"
    save_path = f"/ateliers/{atelier.pk}/livret/enregistrer/contribution/{contribution.pk}/"
    saves = []
    page.on("request", lambda request: saves.append(request.url) if save_path in request.url else None)
    login(rapporteur)
    page.goto(f"/ateliers/{atelier.pk}/livret/{sequence.pk}/")
    text = editor(page, bloc, "text")
    expect(text).to_be_visible()
    contribution.delete()  # by someone else, meanwhile
    text.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Mon ajout.")
    status = page.locator(f"#{bloc} [data-studio-statut]")
    expect(status).to_have_text(
        "Ce bloc a été supprimé ou votre session a changé : copiez votre texte et rechargez la page."
    )
    expect(text).to_contain_text("Mon ajout.")
    page.keyboard.type(" Encore.")
    page.wait_for_timeout(1500)  # longer than the autosave's delay: no new try goes out
    assert len(saves) == 1
    expect(text).to_contain_text("Mon ajout. Encore.")


def test_livret_studio_shared_speaker_read_only_for_a_rapporteur(page, login, atelier, rapporteur):
    sequence = atelier.sequences.get(kind="debat")
    speaker = sequence.intervenants.get()
    speaker.portrait = "<p>Directrice depuis 2021.</p>"
    speaker.save()
    other = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    other.sequences.first().intervenants.add(speaker)
    login(rapporteur)
    page.goto(f"/ateliers/{atelier.pk}/livret/{sequence.pk}/")
    portrait = page.locator(f"#bloc-intervenant-{speaker.pk}")
    expect(portrait).to_contain_text(
        "Cet intervenant intervient aussi dans un autre atelier : "
        "l'équipe d'animation met à jour son portrait."
    )
    expect(portrait).to_contain_text("Directrice depuis 2021.")
    expect(portrait.locator("form, [contenteditable]")).to_have_count(0)
    assert_accessible(page)


def test_livret_studio_generate_reports_the_servers_error(page, login, atelier, staff):
    page.route(
        f"**/ateliers/{atelier.pk}/livret/generer/",
        lambda route: route.fulfill(status=500, content_type="text/html", body="<h1>Server Error (500)</h1>"),
    )
    login(staff)
    page.goto(f"/ateliers/{atelier.pk}/livret/")
    page.get_by_role("button", name="Générer le PDF").click()
    expect(page.locator("[data-studio-versions-erreur]")).to_have_text(
        "La demande n'a pas abouti (erreur 500) : réessayez."
    )
    expect(page.get_by_role("button", name="Générer le PDF")).to_be_enabled()
    assert_accessible(page)


# A catalogue translating two of the studio's sentences, served instead of the studio's own.
CATALOGUE = """
window.gettext = function (text) {
  return {
    "Gras": "Bold",
    "La demande n'a pas abouti (erreur %s) : réessayez.": "The request failed (error %s): try again.",
  }[text] || text;
};
window.ngettext = function (singular, plural, count) { return count > 1 ? plural : singular; };
window.interpolate = function (format, values) {
  return format.replace(/%s/g, function () { return String(values.shift()); });
};
"""


def test_livret_studio_sentences_come_from_the_javascript_catalogue(page, login, atelier, staff):
    page.route(
        "**/ateliers/livret/jsi18n/",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=CATALOGUE),
    )
    page.route(f"**/ateliers/{atelier.pk}/livret/generer/", lambda route: route.fulfill(status=502, body=""))
    login(staff)
    page.goto(f"/ateliers/{atelier.pk}/livret/")
    page.get_by_role("button", name="Générer le PDF").click()
    expect(page.locator("[data-studio-versions-erreur]")).to_have_text(
        "The request failed (error 502): try again."
    )
    page.goto(f"/ateliers/{atelier.pk}/livret/{atelier.sequences.get(kind='ouverture').pk}/")
    expect(
        page.locator(".prose-menubar").first.get_by_role("button", name="Bold", exact=True)
    ).to_be_visible()


def staff_of(atelier):
    return Rapporteur.objects.get(atelier=atelier).named_by


def log_in_page(page, user):
    log_in(page, user, PASSWORD)


def settle(page):
    """Wait until every block of the page is saved (nothing typed waits, nothing travels)."""
    page.wait_for_function("() => window.fabriqueStudio && !window.fabriqueStudio.pending()")
