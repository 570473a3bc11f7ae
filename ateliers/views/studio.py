"""The booklet studio: staff and the workshop's named rapporteurs write its booklet on the site.

- `accueil` (the studio's home, `ateliers:livret_contenu`): the parts in booklet order, what is written,
  links to each part, the back matter and the annex, the versions (staff generate and publish).
- `partie`: one séquence's blocks (text and key points, and by kind: contributions, questions and
  answers, breakout groups, resources; a portrait per speaker), with a live preview beside them.
- `groupe`: a breakout group's page for a rapporteur's phone; `reglages`: the back matter.
- `enregistrer`: the save endpoint of every block (autosave with `Accept: application/json`, or a plain
  form post without JavaScript); `ajouter`, `supprimer`, `deplacer`: the blocks' list actions.
- `apercu`: the booklet's HTML, framed by the studio (same origin only, no script); `versions`: the
  versions' progress as JSON, polled by the page; `generer`, `publier`, `diffuser`: staff actions.

Anyone who may not write the booklet gets a 404; every change goes through `ateliers.services.studio`.
"""

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accompagnement.models import Organisation
from ateliers import permissions
from ateliers.enums import Annexe2, SequenceKind
from ateliers.livret_forms import AJOUT_FORMS, BLOC_FORMS, organisation_choices
from ateliers.models import (
    Atelier,
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Livret,
    LivretStatus,
    Question,
    ReglagesLivret,
    Reponse,
    Ressource,
    Sequence,
)
from ateliers.services import livret as livret_service
from ateliers.services import studio
from ateliers.services.livret import PART_LABELS, LivretError
from ateliers.services.studio import BLOCS, Conflict, StudioError, heure
from ateliers.views.livret import run_booklet_action
from fabrique import richtext

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
ADD_LABELS = {
    "contribution": gettext_lazy("Ajouter une contribution"),
    "question": gettext_lazy("Ajouter une question"),
    "reponse": gettext_lazy("Ajouter une réponse"),
    "groupe": gettext_lazy("Ajouter un groupe"),
    "ressource": gettext_lazy("Ajouter une ressource"),
}
RICH_FIELDS = {"texte", "points_cles", "text", "synthese", "description", "portrait"}
RICH_FIELDS |= {"annexe2_texte", "quatrieme_couverture"}
POLLED_STATUSES = {LivretStatus.EN_ATTENTE, LivretStatus.EN_COURS}


# --- Helpers ---------------------------------------------------------------------------------------


def _editable_atelier(request, pk):
    """The workshop whose booklet `request.user` may write, else 404 (nothing is revealed)."""
    atelier = get_object_or_404(Atelier.objects.select_related("programme"), pk=pk)
    if not permissions.can_edit_content(request.user, atelier.pk):
        raise Http404
    return atelier


def _managed_atelier(request, pk):
    """The workshop, for staff only (generate, publish, spread): 404 for anyone else."""
    if not permissions.can_manage(request.user):
        raise Http404
    return get_object_or_404(Atelier, pk=pk)


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _saved_label(obj):
    """« Enregistré le 18 avril 2023 à 10 h 42 par Camille Martin » for a block already written."""
    updated_at = getattr(obj, "updated_at", None)
    if not obj.pk or not getattr(obj, "revision", 0) or updated_at is None:
        return ""
    label = _("Enregistré le %(date)s à %(heure)s") % {
        "date": date_format(timezone.localtime(updated_at), "j F Y"),
        "heure": heure(updated_at),
    }
    updated_by = getattr(obj, "updated_by", None)
    if updated_by is not None:
        label += " " + _("par %(name)s") % {"name": updated_by.display_name}
    return label


def booklet_numbers(atelier):
    """{séquence pk: its part number in the booklet} (the booklet's order, not the running order)."""
    sequences = Sequence.objects.filter(atelier=atelier).only("pk", "kind", "order")
    return {s.pk: number for number, s in enumerate(livret_service.in_booklet_order(sequences), start=1)}


def _breadcrumb(atelier, current, *, parents=()):
    links = [
        {"url": reverse("ateliers:programme"), "title": _("Ateliers")},
        {"url": reverse("ateliers:atelier_detail", args=[atelier.pk]), "title": str(atelier)},
    ]
    if current != _("Livret"):
        links.append({"url": reverse("ateliers:livret_contenu", args=[atelier.pk]), "title": _("Livret")})
    links.extend({"url": url, "title": title} for url, title in parents)
    return {"links": links, "current": current}


def _media(forms):
    media = None
    for form in forms:
        media = form.media if media is None else media + form.media
    return media


def _display(name, value, organisations=None):
    """A value as the conflict panel shows it (HTML): rich text cleaned, plain text escaped."""
    if name == "organisation":
        return escape((organisations or {}).get(value, _("Hors réseau")))
    if name == "constats":
        items = format_html_join("", "<li>{}</li>", ((line,) for line in value or []))
        return format_html("<ul>{}</ul>", items) if value else ""
    if name == "annexe2":
        return escape(Annexe2(value).label if value in Annexe2.values else value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if name in RICH_FIELDS:
        return mark_safe(richtext.sanitise(value))
    return linebreaks(value, autoescape=True) if value else ""


def _conflict_fields(conflict, form):
    """The fields whose texts differ, each with its label, their HTML and mine."""
    names = [name for name in conflict.theirs if conflict.theirs[name] != conflict.mine.get(name)]
    organisations = {}
    if "organisation" in names:
        pks = {conflict.theirs["organisation"], conflict.mine.get("organisation")} - {None}
        organisations = {
            o.pk: o.nom_complet
            for o in Organisation.objects.filter(pk__in=pks).select_related("parent__parent")
        }
    return [
        {
            "name": name,
            "label": str(form.fields[name].label) if name in form.fields else name,
            "theirs": _display(name, conflict.theirs[name], organisations),
            "mine": _display(name, conflict.mine.get(name), organisations),
            "value": "\n".join(conflict.theirs[name]) if name == "constats" else conflict.theirs[name],
        }
        for name in names
    ]


# --- Blocks: find them, build their forms ----------------------------------------------------------


def _block_instance(atelier, bloc, obj_pk):
    """The row a block's form edits (a séquence's text and the back matter may not exist yet), or 404."""
    if bloc not in BLOCS:
        raise Http404
    if bloc == "sequence":
        sequence = get_object_or_404(
            Sequence.objects.filter(atelier=atelier).select_related("contenu"), pk=obj_pk
        )
        return getattr(sequence, "contenu", None) or ContenuSequence(sequence=sequence)
    if bloc == "reglages":
        if obj_pk != atelier.pk:
            raise Http404
        return ReglagesLivret.objects.filter(atelier=atelier).first() or ReglagesLivret(atelier=atelier)
    return get_object_or_404(studio.blocks_of(atelier, bloc), pk=obj_pk)


def _bloc_form(bloc, obj, key, *, data=None, files=None, organisations=None):
    kwargs = {"instance": obj, "key": key}
    if bloc == "contribution":
        kwargs["organisations"] = (
            organisations if organisations is not None else organisation_choices(keep=[obj.organisation_id])
        )
    if bloc == "groupe" and data is not None:
        kwargs["constats"] = []  # a bound form shows what was posted
    return BLOC_FORMS[bloc](data, files, **kwargs)


def _block(atelier, bloc, obj, key, *, title, retour, form=None, conflict=None, organisations=None, **extra):
    """What `studio/_bloc.html` shows of one block: its form, where it saves, its status, its actions."""
    form = form or _bloc_form(bloc, obj, key, organisations=organisations)
    block = {
        "bloc": bloc,
        "key": key,
        "anchor": f"bloc-{bloc}-{key}",
        "form": form,
        "title": title,
        "retour": retour,
        "action": reverse("ateliers:studio_enregistrer", args=[atelier.pk, bloc, key]),
        "status": _saved_label(obj),
        "multipart": bloc == "intervenant",
        "conflict": conflict,
        "conflict_fields": _conflict_fields(conflict, form) if conflict else [],
        "page_url": _retour_url(atelier, retour),
        **extra,
    }
    if retour.startswith("groupe-"):
        return block  # a group's phone page writes it; its part's page moves or deletes it
    if BLOCS[bloc].deletable and obj.pk:
        block["delete_url"] = reverse("ateliers:studio_supprimer", args=[atelier.pk, bloc, obj.pk])
    if BLOCS[bloc].parent and obj.pk:
        block["move_url"] = reverse("ateliers:studio_deplacer", args=[atelier.pk, bloc, obj.pk])
    return block


def _retour_url(atelier, retour):
    """The page a block's form is on (« Prendre leur version » reloads it)."""
    kind, _sep, key = retour.partition("-")
    if kind == "groupe":
        return reverse("ateliers:studio_groupe", args=[atelier.pk, int(key)])
    if kind == "partie":
        return reverse("ateliers:livret_sequence", args=[atelier.pk, int(key)])
    return reverse("ateliers:studio_reglages", args=[atelier.pk])


def _bound(bound, bloc, key):
    """The bound form (and conflict) to show instead of a fresh one, when re-rendering after a post."""
    if bound and bound["bloc"] == bloc and bound["key"] == key:
        return {"form": bound.get("form"), "conflict": bound.get("conflict")}
    return {}


def _ajout(atelier, bloc, parent_pk, *, bound=None, organisations=None):
    form_class = AJOUT_FORMS[bloc]
    if bound and bound.get("ajout") == (bloc, parent_pk):
        form = bound["form"]
    else:
        kwargs = {"organisations": organisations} if bloc == "contribution" else {}
        form = form_class(key=parent_pk, **kwargs)
    return {
        "bloc": bloc,
        "form": form,
        "label": ADD_LABELS[bloc],
        "action": reverse("ateliers:studio_ajouter", args=[atelier.pk, bloc, parent_pk]),
        "anchor": f"ajout-{bloc}-{parent_pk}",
    }


# --- The studio's home ------------------------------------------------------------------------------


def _count(model, path="sequence", **filters):
    rows = (
        model.objects.filter(**{path: OuterRef("pk")}, **filters)
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _versions(atelier):
    return list(Livret.objects.filter(atelier=atelier).order_by("-version"))


def version_rows(versions, user):
    """The versions as the panel and its JSON show them (file and actions for staff only)."""
    staff = permissions.can_manage(user)
    rows = []
    for livret in versions:
        row = {
            "version": livret.version,
            "status": livret.status,
            "status_label": livret.get_status_display(),
            "failure_reason": livret.failure_reason,
            "page_count": livret.page_count,
            "published": livret.published,
        }
        if staff and livret.status == LivretStatus.PRET:
            row["url"] = reverse("admin:ateliers_livret_fichier", args=[livret.pk])
            if not livret.published:
                row["publish_url"] = reverse("ateliers:studio_publier", args=[livret.atelier_id, livret.pk])
        rows.append(row)
    return rows


@require_GET
def accueil(request, pk):
    """The booklet's parts in booklet order with what is written and what is still empty, the back
    matter, the annex, and the versions."""
    atelier = _editable_atelier(request, pk)
    numbers = booklet_numbers(atelier)
    sequences = (
        Sequence.objects.filter(atelier=atelier)
        .select_related("contenu")
        .prefetch_related(
            "intervenants",
            "groupes",
        )
        .annotate(
            n_contributions=_count(Contribution),
            n_questions=_count(Question),
            n_sans_reponse=_count(Question, reponses__isnull=True),
            n_ressources=_count(Ressource),
            n_constats=_count(Constat, path="groupe__sequence"),
        )
    )
    parts = []
    for sequence in sorted(sequences, key=lambda s: numbers[s.pk]):
        contenu = getattr(sequence, "contenu", None)
        speakers = list(sequence.intervenants.all())
        parts.append(
            {
                "sequence": sequence,
                "number": numbers[sequence.pk],
                "label": PART_LABELS.get(sequence.kind, sequence.get_kind_display()),
                "texte": bool(contenu and contenu.texte),
                "points_cles": bool(contenu and contenu.points_cles),
                "speakers": speakers,
                "portraits": sum(1 for s in speakers if s.photo or s.portrait),
                "groupes": list(sequence.groupes.all()),
            }
        )
    reglages = ReglagesLivret.objects.filter(atelier=atelier).first()
    versions = _versions(atelier)
    return render(
        request,
        "ateliers/livret/studio/accueil.html",
        {
            "title": _("Studio du livret — %(atelier)s") % {"atelier": atelier},
            "atelier": atelier,
            "parts": parts,
            "reglages": reglages,
            "versions": version_rows(versions, request.user),
            "polling": any(v.status in POLLED_STATUSES for v in versions),
            "published": next((v for v in versions if v.published), None),
            "staff": permissions.can_manage(request.user),
            "breadcrumb_data": _breadcrumb(atelier, _("Livret")),
        },
    )


# --- A part --------------------------------------------------------------------------------------


def _render_partie(request, atelier, sequence, *, bound=None, status=200):
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

    contenu = getattr(sequence, "contenu", None) or ContenuSequence(sequence=sequence)
    texte = _block(
        atelier,
        "sequence",
        contenu,
        sequence.pk,
        title=_("Compte rendu et points à retenir"),
        retour=retour,
        **_bound(bound, "sequence", sequence.pk),
    )
    sections = []
    for name in shown:
        blocks = []
        items = rows[name]
        for index, obj in enumerate(items):
            block = _block(
                atelier,
                name,
                obj,
                obj.pk,
                title=_block_title(name, obj, index, organisations),
                retour=retour,
                first=index == 0,
                last=index == len(items) - 1,
                organisations=organisations,
                **_bound(bound, name, obj.pk),
            )
            if name == "question":
                answers = list(obj.reponses.all())
                block["reponses"] = [
                    _block(
                        atelier,
                        "reponse",
                        reponse,
                        reponse.pk,
                        title=_("Réponse de %(name)s") % {"name": reponse.answered_by or _("…")},
                        retour=retour,
                        first=i == 0,
                        last=i == len(answers) - 1,
                        **_bound(bound, "reponse", reponse.pk),
                    )
                    for i, reponse in enumerate(answers)
                ]
                block["ajout"] = _ajout(atelier, "reponse", obj.pk, bound=bound)
            if name == "groupe":
                block["phone_url"] = reverse("ateliers:studio_groupe", args=[atelier.pk, obj.pk])
            blocks.append(block)
        sections.append(
            {
                "name": name,
                "title": SECTION_TITLES[name],
                "help": SECTION_HELP[name],
                "blocks": blocks,
                "ajout": _ajout(atelier, name, sequence.pk, bound=bound, organisations=organisations),
            }
        )
    portraits = [_portrait(request, atelier, speaker, retour, bound) for speaker in speakers]
    forms = [texte["form"]]
    for section in sections:
        for block in section["blocks"]:
            forms.append(block["form"])
            forms.extend(r["form"] for r in block.get("reponses", []))
    forms.extend(p["form"] for p in portraits if "form" in p)
    number = booklet_numbers(atelier).get(sequence.pk)
    return render(
        request,
        "ateliers/livret/studio/partie.html",
        {
            "title": _("%(sequence)s — studio du livret") % {"sequence": sequence.title},
            "atelier": atelier,
            "sequence": sequence,
            "number": number,
            "label": PART_LABELS.get(sequence.kind, sequence.get_kind_display()),
            "speakers": speakers,
            "texte": texte,
            "sections": sections,
            "portraits": portraits,
            "media": _media(forms),
            "apercu_url": reverse("ateliers:studio_apercu", args=[atelier.pk]),
            "apercu_anchor": f"partie-{number}",
            "breadcrumb_data": _breadcrumb(atelier, sequence.title),
        },
        status=status,
    )


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


def _portrait(request, atelier, speaker, retour, bound):
    """A speaker's portrait block; read-only (with why) for a rapporteur when the speaker also speaks in
    another workshop (`speaker.ailleurs`): staff update it, for every booklet it is printed in."""
    photo_url = reverse("ateliers:studio_photo", args=[atelier.pk, speaker.pk]) if speaker.photo else ""
    title = _portrait_title(speaker)
    if studio.can_edit_speaker(request.user, atelier, speaker):
        return _block(
            atelier,
            "intervenant",
            speaker,
            speaker.pk,
            title=title,
            retour=retour,
            photo_url=photo_url,
            **_bound(bound, "intervenant", speaker.pk),
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
    atelier = _editable_atelier(request, pk)
    sequence = get_object_or_404(
        Sequence.objects.filter(atelier=atelier).select_related("contenu__updated_by"), pk=sequence_pk
    )
    return _render_partie(request, atelier, sequence)


# --- A breakout group on a phone, the back matter ------------------------------------------------


def _render_groupe(request, atelier, groupe, *, bound=None, status=200):
    block = _block(
        atelier,
        "groupe",
        groupe,
        groupe.pk,
        title=_("Synthèse et constats"),
        retour=f"groupe-{groupe.pk}",
        **_bound(bound, "groupe", groupe.pk),
    )
    partie_url = reverse("ateliers:livret_sequence", args=[atelier.pk, groupe.sequence_id])
    return render(
        request,
        "ateliers/livret/studio/groupe.html",
        {
            "title": _("Groupe « %(title)s » — studio du livret") % {"title": groupe.title},
            "atelier": atelier,
            "groupe": groupe,
            "formulaire": block,  # "block" is the current {% block %} in a template
            "media": block["form"].media,
            "partie_url": partie_url,
            "breadcrumb_data": _breadcrumb(
                atelier, groupe.title, parents=[(partie_url, groupe.sequence.title)]
            ),
        },
        status=status,
    )


@require_GET
def groupe(request, pk, groupe_pk):
    """A breakout group's synthesis and findings, on one column a phone shows (375 px)."""
    atelier = _editable_atelier(request, pk)
    groupe = get_object_or_404(
        GroupeTravail.objects.filter(sequence__atelier=atelier)
        .select_related("sequence", "updated_by")
        .prefetch_related("constats"),
        pk=groupe_pk,
    )
    return _render_groupe(request, atelier, groupe)


def _render_reglages(request, atelier, *, bound=None, status=200):
    reglages = ReglagesLivret.objects.filter(atelier=atelier).select_related(
        "updated_by"
    ).first() or ReglagesLivret(atelier=atelier)
    block = _block(
        atelier,
        "reglages",
        reglages,
        atelier.pk,
        title=_("Annexes et quatrième de couverture"),
        retour="reglages",
        **_bound(bound, "reglages", atelier.pk),
    )
    return render(
        request,
        "ateliers/livret/studio/reglages.html",
        {
            "title": _("Annexes et quatrième de couverture — %(atelier)s") % {"atelier": atelier},
            "atelier": atelier,
            "formulaire": block,  # "block" is the current {% block %} in a template
            "media": block["form"].media,
            "apercu_url": reverse("ateliers:studio_apercu", args=[atelier.pk]),
            "apercu_anchor": "",
            "breadcrumb_data": _breadcrumb(atelier, _("Annexes et quatrième de couverture")),
        },
        status=status,
    )


@require_GET
def reglages(request, pk):
    """The booklet's back matter: annex 2, the « Annexes » divider page, the back cover."""
    atelier = _editable_atelier(request, pk)
    return _render_reglages(request, atelier)


# --- Saving, adding, deleting, moving blocks ------------------------------------------------------


def _sequence_of(bloc, obj):
    if bloc == "reponse":
        return obj.question.sequence
    if bloc == "intervenant":
        return None
    return obj.sequence


def _page_for(request, atelier, bloc, obj):
    """Where a block's form came from (its `retour`): ("groupe", groupe) / ("reglages", None) /
    ("partie", séquence). A `retour` that does not hold the block falls back to the block's part."""
    retour = request.POST.get("retour", "")
    if bloc == "reglages":
        return "reglages", None
    if bloc == "groupe" and retour == f"groupe-{obj.pk}":
        return "groupe", obj
    sequence = None
    if retour.startswith("partie-") and retour[7:].isdigit():
        wanted = (
            Sequence.objects.filter(atelier=atelier, pk=int(retour[7:])).select_related("contenu").first()
        )
        if wanted is not None and (bloc != "intervenant" or wanted.intervenants.filter(pk=obj.pk).exists()):
            sequence = wanted
    if sequence is None:
        sequence = (
            _sequence_of(bloc, obj) or obj.sequences.filter(atelier=atelier).order_by("order", "pk").first()
        )
    return "partie", sequence


def _render_page(request, atelier, page, target, *, bound, status):
    if page == "reglages":
        return _render_reglages(request, atelier, bound=bound, status=status)
    if page == "groupe":
        return _render_groupe(request, atelier, target, bound=bound, status=status)
    return _render_partie(request, atelier, target, bound=bound, status=status)


def _page_url(atelier, page, target):
    if page == "reglages":
        return reverse("ateliers:studio_reglages", args=[atelier.pk])
    if page == "groupe":
        return reverse("ateliers:studio_groupe", args=[atelier.pk, target.pk])
    return reverse("ateliers:livret_sequence", args=[atelier.pk, target.pk])


def _conflict_json(conflict, form):
    fields = _conflict_fields(conflict, form)
    return {
        "conflict": True,
        "revision": conflict.revision,
        "theirs": {f["name"]: str(f["theirs"]) for f in fields},
        "mine": {f["name"]: str(f["mine"]) for f in fields},
        "values": {f["name"]: f["value"] for f in fields},
        "labels": {f["name"]: f["label"] for f in fields},
        "message": _(
            "Quelqu'un a enregistré ce bloc pendant que vous écriviez : votre texte n'est pas enregistré, "
            "il reste dans l'éditeur. Comparez les deux versions, puis gardez la vôtre ou reprenez la leur."
        ),
    }


def _refused_form(request, atelier, bloc, obj, form):
    """A block's form with its errors: 400 JSON for the autosave, the page otherwise."""
    if _wants_json(request):
        return JsonResponse(
            {"errors": {name: list(errors) for name, errors in form.errors.items()}}, status=400
        )
    page, target = _page_for(request, atelier, bloc, obj)
    return _render_page(
        request, atelier, page, target, bound={"bloc": bloc, "key": form.key, "form": form}, status=200
    )


@require_POST
def enregistrer(request, pk, bloc, obj_pk):
    """Save one block (see the module doc): JSON for the autosave, a redirect or the page otherwise. A
    rapporteur saving the portrait of a speaker who also speaks in another workshop gets a 403."""
    atelier = _editable_atelier(request, pk)
    obj = _block_instance(atelier, bloc, obj_pk)
    if bloc == "intervenant" and not studio.can_edit_speaker(request.user, atelier, obj):
        raise PermissionDenied(str(studio.SHARED_SPEAKER))
    form = _bloc_form(bloc, obj, obj_pk, data=request.POST, files=request.FILES)
    wants_json = _wants_json(request)
    if not form.is_valid():
        return _refused_form(request, atelier, bloc, obj, form)
    try:
        saved = studio.save_block(
            atelier,
            bloc,
            obj_pk,
            form.values(),
            revision=form.cleaned_data["revision"],
            by=request.user,
            photo=form.cleaned_data.get("photo"),
            remove_photo=form.cleaned_data.get("retirer_photo", False),
        )
    except ValidationError as error:  # a photo whose pixels do not decode
        form.add_error("photo", error)
        return _refused_form(request, atelier, bloc, obj, form)
    except Conflict as conflict:
        if wants_json:
            return JsonResponse(_conflict_json(conflict, form), status=409)
        data = request.POST.copy()
        data["revision"] = conflict.revision  # « Garder ma version » re-saves on the current revision
        rebound = _bloc_form(
            bloc, _block_instance(atelier, bloc, obj_pk), obj_pk, data=data, files=request.FILES
        )
        rebound.is_valid()
        page, target = _page_for(request, atelier, bloc, obj)
        bound = {"bloc": bloc, "key": obj_pk, "form": rebound, "conflict": conflict}
        return _render_page(request, atelier, page, target, bound=bound, status=409)
    message = _("Enregistré à %(heure)s") % {"heure": heure(saved.saved_at)}
    if wants_json:
        payload = {"revision": saved.revision, "saved_at": heure(saved.saved_at), "message": message}
        if bloc == "intervenant":
            obj = saved.obj
            payload["photo_url"] = (
                reverse("ateliers:studio_photo", args=[atelier.pk, obj.pk]) + f"?v={saved.revision}"
                if obj.photo
                else ""
            )
        return JsonResponse(payload)
    messages.success(request, message)
    page, target = _page_for(request, atelier, bloc, obj)
    return redirect(_page_url(atelier, page, target) + f"#bloc-{bloc}-{obj_pk}")


def _ajout_parent(atelier, bloc, parent_pk):
    if bloc == "reponse":
        question = get_object_or_404(
            Question.objects.filter(sequence__atelier=atelier).select_related("sequence"), pk=parent_pk
        )
        return question.sequence
    return get_object_or_404(Sequence.objects.filter(atelier=atelier).select_related("contenu"), pk=parent_pk)


@require_POST
def ajouter(request, pk, bloc, parent_pk):
    """Add a block at the end of its list (a contribution, a question, an answer, a group, a resource)."""
    atelier = _editable_atelier(request, pk)
    if bloc not in AJOUT_FORMS:
        raise Http404
    sequence = _ajout_parent(atelier, bloc, parent_pk)
    kwargs = {"organisations": organisation_choices()} if bloc == "contribution" else {}
    form = AJOUT_FORMS[bloc](request.POST, key=parent_pk, **kwargs)
    if not form.is_valid():
        bound = {"ajout": (bloc, parent_pk), "form": form, "bloc": None, "key": None}
        return _render_partie(request, atelier, sequence, bound=bound)
    try:
        obj = studio.add_block(atelier, bloc, parent_pk, form.cleaned_data, by=request.user)
    except StudioError as error:
        messages.error(request, str(error))
        return redirect("ateliers:livret_sequence", pk=atelier.pk, sequence_pk=sequence.pk)
    messages.success(
        request, _("Ajouté : complétez-le ci-dessous, il s'enregistre pendant que vous écrivez.")
    )
    url = reverse("ateliers:livret_sequence", args=[atelier.pk, sequence.pk])
    return redirect(f"{url}#bloc-{bloc}-{obj.pk}")


@require_http_methods(["GET", "POST"])
def supprimer(request, pk, bloc, obj_pk):
    """Delete a block, after asking (the GET shows what will go)."""
    atelier = _editable_atelier(request, pk)
    if bloc not in BLOCS or not BLOCS[bloc].deletable:
        raise Http404
    obj = _block_instance(atelier, bloc, obj_pk)
    sequence = _sequence_of(bloc, obj)
    partie_url = reverse("ateliers:livret_sequence", args=[atelier.pk, sequence.pk])
    if request.method == "POST":
        studio.delete_block(atelier, bloc, obj_pk, by=request.user)
        messages.success(request, _("« %(name)s » est supprimé.") % {"name": _describe(bloc, obj)})
        return redirect(partie_url)
    return render(
        request,
        "ateliers/livret/studio/supprimer.html",
        {
            "title": _("Supprimer « %(name)s » ?") % {"name": _describe(bloc, obj)},
            "atelier": atelier,
            "name": _describe(bloc, obj),
            "consequence": {
                "question": _("Ses réponses sont supprimées avec elle."),
                "groupe": _("Sa synthèse et ses constats sont supprimés avec lui."),
            }.get(bloc, ""),
            "cancel_url": f"{partie_url}#bloc-{bloc}-{obj.pk}",
            "breadcrumb_data": _breadcrumb(atelier, _("Supprimer"), parents=[(partie_url, sequence.title)]),
        },
    )


def _describe(bloc, obj):
    if bloc == "contribution":
        name = obj.organisation_label or (obj.organisation.nom_complet if obj.organisation_id else "")
        return _("Contribution — %(name)s") % {"name": name}
    if bloc == "question":
        return richtext.text_of(obj.question)[:80]
    if bloc == "reponse":
        return _("Réponse de %(name)s") % {"name": obj.answered_by or _("…")}
    return obj.title


@require_POST
def deplacer(request, pk, bloc, obj_pk):
    """Move a block one place up (`sens=haut`) or down among its siblings."""
    atelier = _editable_atelier(request, pk)
    if bloc not in BLOCS or not BLOCS[bloc].parent:
        raise Http404
    obj = _block_instance(atelier, bloc, obj_pk)
    studio.move_block(atelier, bloc, obj_pk, up=request.POST.get("sens") == "haut", by=request.user)
    url = reverse("ateliers:livret_sequence", args=[atelier.pk, _sequence_of(bloc, obj).pk])
    return redirect(f"{url}#bloc-{bloc}-{obj_pk}")


# --- Preview, photos, versions ------------------------------------------------------------------


@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF], "script-src": [NONE]})
def apercu(request, pk):
    """The booklet's HTML as the PDF lays it out, framed beside the editor (same origin only); the
    preview runs no script. Speakers' photos come from `photo`, which checks permissions again."""
    atelier = _editable_atelier(request, pk)
    photos = {
        name: reverse("ateliers:studio_photo", args=[atelier.pk, speaker_pk])
        for speaker_pk, name in studio.blocks_of(atelier, "intervenant")
        .exclude(photo="")
        .values_list("pk", "photo")
    }
    html = livret_service.render_html(atelier, media_preview_url=lambda name: photos.get(str(name), ""))
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def photo(request, pk, intervenant_pk):
    """A speaker's photo, for those who write this booklet (never a public media URL)."""
    atelier = _editable_atelier(request, pk)
    intervenant = get_object_or_404(studio.blocks_of(atelier, "intervenant"), pk=intervenant_pk)
    if not intervenant.photo:
        raise Http404
    response = FileResponse(intervenant.photo.open("rb"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def versions(request, pk):
    """The booklet's versions, newest first, as JSON (the studio polls it while one is rendering)."""
    atelier = _editable_atelier(request, pk)
    response = JsonResponse({"versions": version_rows(_versions(atelier), request.user)})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def generer(request, pk):
    """« Générer le PDF »: a new version, rendered by the worker (staff only)."""
    atelier = _managed_atelier(request, pk)
    try:
        livret = livret_service.request_version(atelier, by=request.user)
    except LivretError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=400)
        messages.error(request, str(error))
    else:
        message = _("La version %(version)s est demandée : son état s'affiche ci-dessous.") % {
            "version": livret.version
        }
        if _wants_json(request):
            return JsonResponse({"version": livret.version, "message": message})
        messages.success(request, message)
    return redirect(reverse("ateliers:livret_contenu", args=[atelier.pk]) + "#versions")


@require_POST
def publier(request, pk, livret_pk):
    """Publish a ready version (participants are told by email), as the admin's « Publier » does."""
    atelier = _managed_atelier(request, pk)
    livret = get_object_or_404(Livret.objects.filter(atelier=atelier), pk=livret_pk)
    run_booklet_action(request, "publier", livret)
    return redirect(reverse("ateliers:livret_contenu", args=[atelier.pk]) + "#versions")


@require_POST
def diffuser(request, pk, livret_pk):
    """Spread the published version to every member of the network."""
    atelier = _managed_atelier(request, pk)
    livret = get_object_or_404(Livret.objects.filter(atelier=atelier), pk=livret_pk)
    run_booklet_action(request, "diffuser", livret)
    return redirect(reverse("ateliers:livret_contenu", args=[atelier.pk]) + "#versions")
