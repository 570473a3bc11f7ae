"""The studio's writing pages: one part's blocks (`partie`), a breakout group on a phone (`groupe`) and
the back matter (`reglages`). `enregistrement` shows them again with a refused form."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ateliers.enums import SequenceKind
from ateliers.livret.forms.studio import organisation_choices
from ateliers.livret.models import Contribution, GroupeTravail, Question, Reponse, Ressource
from ateliers.livret.services import rendu as livret_service
from ateliers.livret.services import studio
from ateliers.livret.services.rendu import PART_LABELS
from ateliers.livret.views.studio import editable_atelier, render_page
from ateliers.livret.views.studio.blocs import ajout, block, contenu_of, reglages_of
from ateliers.models import Sequence
from fabrique.core import richtext

# What each kind of séquence writes besides its text (a section also shows when it already has rows).
SECTIONS_BY_KIND = {
    SequenceKind.FEUILLE_DE_ROUTE: ["contribution"],
    SequenceKind.DEBAT: ["question"],
    SequenceKind.COMMUNICATION: ["ressource"],
    SequenceKind.ATELIERS: ["groupe"],
}
SECTION_TITLES = {
    "contribution": gettext_lazy("Tour de table"),
    "question": gettext_lazy("Questions et réponses"),
    "groupe": gettext_lazy("Ateliers en sous-groupes"),
    "ressource": gettext_lazy("Ressources présentées"),
}
SECTION_HELP = {
    "contribution": gettext_lazy(
        "Ce que chaque organisation a dit faire ou vouloir faire, dans l'ordre du livret."
    ),
    "question": gettext_lazy("Chaque question, qui l'a posée, et une réponse par personne qui a répondu."),
    "groupe": gettext_lazy(
        "Chaque groupe : sa synthèse et ses constats, un par ligne. Sur téléphone, ouvrez sa page."
    ),
    "ressource": gettext_lazy("Un parcours, un guide, une boîte à outils présentés au réseau."),
}


def booklet_numbers(atelier):
    """{séquence pk: its part number in the booklet} (the booklet's order, not the running order)."""
    sequences = Sequence.objects.filter(atelier=atelier).only("pk", "kind", "order")
    return {s.pk: number for number, s in enumerate(livret_service.in_booklet_order(sequences), start=1)}


# --- A part --------------------------------------------------------------------------------------


def render_partie(request, atelier, sequence, *, posted=None, status=200):
    """A part's page; `posted` is the form just refused (see `blocs.block`), shown with its errors."""
    retour = f"partie-{sequence.pk}"
    contributions = list(Contribution.objects.filter(sequence=sequence).select_related("updated_by"))
    questions = list(
        Question.objects.filter(sequence=sequence)
        .select_related("updated_by")
        .prefetch_related(Prefetch("reponses", queryset=Reponse.objects.select_related("updated_by")))
    )
    groupes = list(
        GroupeTravail.objects.filter(sequence=sequence)
        .select_related("updated_by")
        .prefetch_related("constats")
    )
    ressources = list(Ressource.objects.filter(sequence=sequence).select_related("updated_by"))
    speakers = list(
        sequence.intervenants.select_related("organisation").annotate(
            ailleurs=studio.speaks_elsewhere(atelier)
        )
    )
    rows = {"contribution": contributions, "question": questions, "groupe": groupes, "ressource": ressources}
    wanted = SECTIONS_BY_KIND.get(sequence.kind, [])
    shown = [
        name for name in ("contribution", "question", "groupe", "ressource") if name in wanted or rows[name]
    ]
    organisations = None
    if "contribution" in shown:
        organisations = organisation_choices(
            keep=[c.organisation_id for c in contributions if c.organisation_id]
        )

    texte = block(
        atelier,
        "sequence",
        contenu_of(sequence),
        sequence.pk,
        title=_("Compte rendu et points à retenir"),
        retour=retour,
        posted=posted,
    )
    sections = [
        {
            "name": name,
            "title": SECTION_TITLES[name],
            "help": SECTION_HELP[name],
            "blocks": [
                _section_block(
                    atelier,
                    name,
                    obj,
                    index=index,
                    items=rows[name],
                    retour=retour,
                    organisations=organisations,
                    posted=posted,
                )
                for index, obj in enumerate(rows[name])
            ],
            "ajout": ajout(atelier, name, sequence.pk, posted=posted, organisations=organisations),
        }
        for name in shown
    ]
    portraits = [_portrait(request, atelier, speaker, retour, posted) for speaker in speakers]
    forms = [texte["form"]]
    for section in sections:
        for shown_block in section["blocks"]:
            forms.append(shown_block["form"])
            forms.extend(r["form"] for r in shown_block.get("reponses", []))
    forms.extend(p["form"] for p in portraits if "form" in p)
    number = booklet_numbers(atelier).get(sequence.pk)
    return render_page(
        request,
        "studio/partie.html",
        atelier,
        title=_("%(sequence)s — studio du livret") % {"sequence": sequence.title},
        current=sequence.title,
        status=status,
        sequence=sequence,
        number=number,
        label=PART_LABELS.get(sequence.kind, sequence.get_kind_display()),
        speakers=speakers,
        texte=texte,
        sections=sections,
        portraits=portraits,
        media=_media(forms),
        apercu_url=reverse("ateliers:studio_apercu", args=[atelier.pk]),
        apercu_anchor=f"partie-{number}",
    )


def _section_block(atelier, name, obj, *, index, items, retour, organisations, posted):
    """One row of a part's section (a question with its answers and their « Ajouter »)."""
    shown = block(
        atelier,
        name,
        obj,
        obj.pk,
        title=_block_title(name, obj, index, organisations),
        retour=retour,
        first=index == 0,
        last=index == len(items) - 1,
        organisations=organisations,
        posted=posted,
    )
    if name == "question":
        answers = list(obj.reponses.all())
        shown["reponses"] = [
            block(
                atelier,
                "reponse",
                reponse,
                reponse.pk,
                title=_("Réponse de %(name)s") % {"name": reponse.answered_by or _("…")},
                retour=retour,
                first=i == 0,
                last=i == len(answers) - 1,
                posted=posted,
            )
            for i, reponse in enumerate(answers)
        ]
        shown["ajout"] = ajout(atelier, "reponse", obj.pk, posted=posted)
    if name == "groupe":
        shown["phone_url"] = reverse("ateliers:studio_groupe", args=[atelier.pk, obj.pk])
    return shown


def _media(forms):
    media = None
    for form in forms:
        media = form.media if media is None else media + form.media
    return media


def _block_title(bloc, obj, index, organisations):
    if bloc == "contribution":
        name = obj.organisation_label
        if not name and organisations:
            labels = {pk: label for _group, options in organisations for pk, label in options}
            name = labels.get(obj.organisation_id, "")
        return _("Contribution — %(name)s") % {"name": name or _("organisation à choisir")}
    if bloc == "question":
        return _("Question %(number)s") % {"number": index + 1}
    if bloc == "groupe":
        return _("Groupe « %(title)s »") % {"title": obj.title}
    return _("Ressource « %(title)s »") % {"title": obj.title}


def _portrait(request, atelier, speaker, retour, posted):
    """A speaker's portrait block; read-only (with why) for a rapporteur when the speaker also speaks in
    another workshop (`speaker.ailleurs`): staff update it, for every booklet it is printed in."""
    photo_url = reverse("ateliers:studio_photo", args=[atelier.pk, speaker.pk]) if speaker.photo else ""
    title = _portrait_title(speaker)
    if studio.can_edit_speaker(request.user, atelier, speaker):
        return block(
            atelier,
            "intervenant",
            speaker,
            speaker.pk,
            title=title,
            retour=retour,
            photo_url=photo_url,
            posted=posted,
        )
    return {
        "lecture_seule": True,
        "anchor": f"bloc-intervenant-{speaker.pk}",
        "title": title,
        "note": studio.SHARED_SPEAKER,
        "photo_url": photo_url,
        "portrait": mark_safe(richtext.sanitise(speaker.portrait)),
    }


def _portrait_title(speaker):
    details = ", ".join(part for part in (speaker.role, speaker.organisation_name) if part)
    name = f"{speaker.first_name} {speaker.last_name}"
    return _("Portrait de %(name)s") % {"name": f"{name} ({details})" if details else name}


@require_GET
def partie(request, pk, sequence_pk):
    """One part of the booklet: its text and key points, its blocks by kind, its speakers' portraits."""
    atelier = editable_atelier(request, pk)
    sequence = get_object_or_404(
        Sequence.objects.filter(atelier=atelier).select_related("contenu__updated_by"), pk=sequence_pk
    )
    return render_partie(request, atelier, sequence)


# --- A breakout group on a phone, the back matter ------------------------------------------------


def render_groupe(request, atelier, groupe, *, posted=None, status=200):
    formulaire = block(
        atelier,
        "groupe",
        groupe,
        groupe.pk,
        title=_("Synthèse et constats"),
        retour=f"groupe-{groupe.pk}",
        posted=posted,
    )
    partie_url = reverse("ateliers:livret_sequence", args=[atelier.pk, groupe.sequence_id])
    return render_page(
        request,
        "studio/groupe.html",
        atelier,
        title=_("Groupe « %(title)s » — studio du livret") % {"title": groupe.title},
        current=groupe.title,
        parents=[(partie_url, groupe.sequence.title)],
        status=status,
        groupe=groupe,
        formulaire=formulaire,  # "block" is the current {% block %} in a template
        media=formulaire["form"].media,
        partie_url=partie_url,
    )


@require_GET
def groupe(request, pk, groupe_pk):
    """A breakout group's synthesis and findings, on one column a phone shows (375 px)."""
    atelier = editable_atelier(request, pk)
    groupe = get_object_or_404(
        GroupeTravail.objects.filter(sequence__atelier=atelier)
        .select_related("sequence", "updated_by")
        .prefetch_related("constats"),
        pk=groupe_pk,
    )
    return render_groupe(request, atelier, groupe)


def render_reglages(request, atelier, *, posted=None, status=200):
    formulaire = block(
        atelier,
        "reglages",
        reglages_of(atelier, "updated_by"),
        atelier.pk,
        title=_("Annexes et quatrième de couverture"),
        retour="reglages",
        posted=posted,
    )
    return render_page(
        request,
        "studio/reglages.html",
        atelier,
        title=_("Annexes et quatrième de couverture — %(atelier)s") % {"atelier": atelier},
        current=_("Annexes et quatrième de couverture"),
        status=status,
        formulaire=formulaire,  # "block" is the current {% block %} in a template
        media=formulaire["form"].media,
        apercu_url=reverse("ateliers:studio_apercu", args=[atelier.pk]),
        apercu_anchor="",
    )


@require_GET
def reglages(request, pk):
    """The booklet's back matter: annex 2, the « Annexes » divider page, the back cover."""
    atelier = editable_atelier(request, pk)
    return render_reglages(request, atelier)
