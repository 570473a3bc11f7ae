"""The booklet's admin forms and the studio write the same rows: neither overwrites the other's text, and
a speaker's photo uploaded in the admin is stored re-encoded like one uploaded in the studio."""

import io
import re

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from ateliers.livret.services import studio
from ateliers.livret.services.studio import Conflict
from ateliers.models import (
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Intervenant,
    Question,
    Rapporteur,
    ReglagesLivret,
    Reponse,
    Ressource,
)
from tests.accompagnement.factories import UserFactory
from tests.ateliers.livret_factories import make_booklet_atelier, png_header

pytestmark = pytest.mark.django_db
# A speaker's row records neither who saved nor when: its refusal says only that it changed.
CONFLICT = re.compile(
    r"Ce bloc a été modifié (par RAPPORTEUSE Camille à \d{1,2} h \d\d )?depuis l&#x27;ouverture de cette "
    r"page : rechargez-la pour voir sa version ; votre texte est ci-dessous\."
)


@pytest.fixture
def atelier(db):
    return make_booklet_atelier(participants=1, organisations=1)


@pytest.fixture
def rapporteur(atelier, staff):
    user = UserFactory(first_name="Camille", last_name="Rapporteuse")
    Rapporteur.objects.create(atelier=atelier, user=user, named_by=staff)
    return user


@pytest.fixture
def admin(client, staff):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(staff, charte)
    client.force_login(staff)
    return client


def posted(page):
    """What the browser would post back from an admin change page left as it was opened."""
    context = page.context
    data = {"_continue": "1"}
    all_forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        all_forms.extend(inline.formset.forms)
    for form in all_forms:
        for field in form:
            value = field.value()
            if isinstance(field.field, forms.FileField) or value is None:
                continue
            if isinstance(field.field, forms.BooleanField):
                if value:
                    data[field.html_name] = "on"
                continue
            data[field.html_name] = value
    return data


def part(atelier, kind):
    return atelier.sequences.get(kind=kind)


# Each kind of row the studio writes, the admin page that edits it, and its rich-text field.
ROWS = {
    "sequence": lambda a: (ContenuSequence.objects.get(sequence=part(a, "ouverture")), "texte"),
    "contribution": lambda a: (Contribution.objects.filter(sequence__atelier=a).first(), "text"),
    "question": lambda a: (Question.objects.filter(sequence__atelier=a).first(), "asked_by"),
    "reponse": lambda a: (Reponse.objects.filter(question__sequence__atelier=a).first(), "text"),
    "groupe": lambda a: (GroupeTravail.objects.filter(sequence__atelier=a).first(), "synthese"),
    "ressource": lambda a: (Ressource.objects.filter(sequence__atelier=a).first(), "description"),
    "intervenant": lambda a: (Intervenant.objects.filter(sequences__atelier=a).first(), "portrait"),
    "reglages": lambda a: (ReglagesLivret.objects.get_or_create(atelier=a)[0], "quatrieme_couverture"),
}
PAGES = {
    "sequence": lambda row: ("ateliers_sequencelivret_change", row.sequence_id),
    "contribution": lambda row: ("ateliers_sequencelivret_change", row.sequence_id),
    "question": lambda row: ("ateliers_sequencelivret_change", row.sequence_id),
    "question-page": lambda row: ("ateliers_question_change", row.pk),
    "reponse": lambda row: ("ateliers_question_change", row.question_id),
    "groupe": lambda row: ("ateliers_sequencelivret_change", row.sequence_id),
    "groupe-page": lambda row: ("ateliers_groupetravail_change", row.pk),
    "ressource": lambda row: ("ateliers_sequencelivret_change", row.sequence_id),
    "intervenant": lambda row: ("ateliers_intervenant_change", row.pk),
    "reglages": lambda row: ("ateliers_atelierlivret_change", row.atelier_id),
}


def studio_save(atelier, bloc, row, *, field, text, by):
    """A studio save of `text` in the row's `field`, from its current revision."""
    key = {"sequence": row.sequence_id if bloc == "sequence" else None, "reglages": atelier.pk}.get(bloc)
    row.refresh_from_db()
    values = {**studio.current_values(bloc, row), field: text}
    return studio.save_block(atelier, bloc, key or row.pk, values, revision=row.revision, by=by)


@pytest.mark.parametrize("page", list(PAGES))
def test_admin_save_of_a_page_opened_before_a_studio_save_is_refused(admin, atelier, rapporteur, page):
    bloc = page.removesuffix("-page")
    row, field = ROWS[bloc](atelier)
    text = "Version A ?" if field == "asked_by" else "<p>Version A</p>"
    studio_save(atelier, bloc, row, field=field, text=text, by=rapporteur)
    name, pk = PAGES[page](row)
    url = reverse(f"admin:{name}", args=[pk])
    opened = admin.get(url)
    assert opened.status_code == 200
    text_b = "Version B ?" if field == "asked_by" else "<p>Version B</p>"
    revision = studio_save(atelier, bloc, row, field=field, text=text_b, by=rapporteur).revision

    response = admin.post(url, posted(opened))  # saved as opened: the text of version A

    assert response.status_code == 200
    html = response.content.decode()
    refusal = CONFLICT.search(html)
    assert refusal, page
    assert bool(refusal.group(1)) == (bloc != "intervenant")
    assert "Version A" in html  # what was typed is still in the form
    assert "Version B" not in html
    row.refresh_from_db()
    assert (getattr(row, field), row.revision) == (text_b, revision)
    # Reloaded, the page shows version B and saves without refusal (nothing changed: nothing bumped).
    reloaded = admin.get(url)
    assert admin.post(url, posted(reloaded)).status_code == 302
    row.refresh_from_db()
    assert (getattr(row, field), row.revision) == (text_b, revision)


def test_admin_change_bumps_the_revision_so_the_studio_writer_meets_a_conflict(
    admin, atelier, rapporteur, staff
):
    contenu = ContenuSequence.objects.get(sequence=part(atelier, "ouverture"))
    url = reverse("admin:ateliers_sequencelivret_change", args=[contenu.sequence_id])
    data = posted(admin.get(url))
    data["contenu-0-texte"] = "<p>Texte de l'administration</p>"
    assert admin.post(url, data).status_code == 302
    contenu.refresh_from_db()
    assert (contenu.texte, contenu.revision, contenu.updated_by) == (
        "<p>Texte de l'administration</p>",
        1,
        staff,
    )
    with pytest.raises(Conflict):
        studio.save_block(
            atelier,
            "sequence",
            contenu.sequence_id,
            {"texte": "<p>Texte du studio</p>", "points_cles": contenu.points_cles},
            revision=0,
            by=rapporteur,
        )


def test_admin_untouched_page_saves_nothing_and_bumps_nothing(admin, atelier):
    sequence = part(atelier, "debat")
    url = reverse("admin:ateliers_sequencelivret_change", args=[sequence.pk])
    assert admin.post(url, posted(admin.get(url))).status_code == 302
    assert set(Question.objects.filter(sequence=sequence).values_list("revision", flat=True)) == {0}
    assert ContenuSequence.objects.get(sequence=sequence).revision == 0


def test_admin_page_without_its_revision_saves_only_what_is_already_stored(admin, atelier):
    contenu = ContenuSequence.objects.get(sequence=part(atelier, "ouverture"))
    url = reverse("admin:ateliers_sequencelivret_change", args=[contenu.sequence_id])
    data = posted(admin.get(url))
    del data["contenu-0-revision_ouverte"]  # a page opened before the check existed
    assert admin.post(url, data).status_code == 302  # it says what is stored: nothing to lose
    data["contenu-0-texte"] = "<p>Texte d'une page ancienne</p>"
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "Cette page ne dit pas quelle version de ce bloc elle montrait : rechargez-la" in (
        response.content.decode()
    )
    contenu.refresh_from_db()
    assert (contenu.texte != "<p>Texte d'une page ancienne</p>", contenu.revision) == (True, 0)


def test_admin_findings_changed_bump_their_group(admin, atelier, rapporteur):
    groupe = GroupeTravail.objects.filter(sequence__atelier=atelier).first()
    url = reverse("admin:ateliers_groupetravail_change", args=[groupe.pk])
    data = posted(admin.get(url))
    data["constats-0-text"] = "Un constat revu dans l'administration"
    assert admin.post(url, data).status_code == 302
    groupe.refresh_from_db()
    assert groupe.revision == 1
    values = {**studio.current_values("groupe", groupe), "constats": ["Celui du studio"]}
    with pytest.raises(Conflict):
        studio.save_block(atelier, "groupe", groupe.pk, values, revision=0, by=rapporteur)


# --- A speaker's photo uploaded in the admin --------------------------------------------------


def test_admin_photo_stored_re_encoded_and_the_replaced_one_deleted(
    admin, atelier, django_capture_on_commit_callbacks
):
    speaker = Intervenant.objects.filter(sequences__atelier=atelier).first()
    url = reverse("admin:ateliers_intervenant_change", args=[speaker.pk])
    exif = Image.Exif()
    exif[0x010F] = "Appareil de la directrice"  # Make
    exif[0x0112] = 6  # Orientation: turned 90° to the right
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), "#000091").save(buffer, format="JPEG", exif=exif)
    for round_, name in enumerate(("portrait.jpg", "autre.jpg")):
        data = posted(admin.get(url))
        data["photo"] = SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
        speaker.refresh_from_db()
        assert speaker.revision == round_ + 1
    assert re.fullmatch(r"intervenants/photo-[a-z0-9]{12}\.jpg", speaker.photo.name)
    with Image.open(speaker.photo.path) as stored:
        assert (stored.format, stored.size) == ("JPEG", (533, 800))  # turned upright, then reduced
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert [p.name for p in (settings.MEDIA_ROOT / "intervenants").iterdir()] == [
        speaker.photo.name.split("/")[-1]
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not an image", "n'est pas une photo JPEG ou PNG lisible"),
        # A PNG header announcing 20,000 × 20,000 pixels: refused from its header, never decoded.
        (png_header(20_000, 20_000), "beaucoup trop grande"),
    ],
)
def test_admin_photo_bad_upload_says_why_and_stores_nothing(admin, atelier, content, message):
    speaker = Intervenant.objects.filter(sequences__atelier=atelier).first()
    url = reverse("admin:ateliers_intervenant_change", args=[speaker.pk])
    data = posted(admin.get(url))
    data["photo"] = SimpleUploadedFile("photo.png", content, content_type="image/png")
    response = admin.post(url, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["photo"])
    speaker.refresh_from_db()
    assert not speaker.photo
    assert not (settings.MEDIA_ROOT / "intervenants").exists()
