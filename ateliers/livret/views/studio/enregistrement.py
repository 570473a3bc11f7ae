"""Saving, adding, deleting and moving the studio's blocks.

`enregistrer` is the save endpoint of every block: JSON for the autosave (`Accept: application/json`), a
redirect or the page again otherwise (with the form's errors, or with both texts when someone saved the
block meanwhile: a `Conflict`, 409). Every change goes through `ateliers.livret.services.studio`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ateliers.livret.forms.studio import AJOUT_FORMS, organisation_choices
from ateliers.livret.models import Question
from ateliers.livret.services import studio
from ateliers.livret.services.studio import BLOCS, Conflict, StudioError, heure
from ateliers.livret.views.studio import editable_atelier, render_page, wants_json
from ateliers.livret.views.studio.blocs import bloc_form, block_instance, conflict_fields
from ateliers.livret.views.studio.parties import render_groupe, render_partie, render_reglages
from ateliers.models import Sequence
from fabrique.core import richtext


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


def _render_page(request, atelier, page, target, *, posted, status):
    if page == "reglages":
        return render_reglages(request, atelier, posted=posted, status=status)
    if page == "groupe":
        return render_groupe(request, atelier, target, posted=posted, status=status)
    return render_partie(request, atelier, target, posted=posted, status=status)


def _page_url(atelier, page, target):
    if page == "reglages":
        return reverse("ateliers:studio_reglages", args=[atelier.pk])
    if page == "groupe":
        return reverse("ateliers:studio_groupe", args=[atelier.pk, target.pk])
    return reverse("ateliers:livret_sequence", args=[atelier.pk, target.pk])


def _conflict_json(conflict, form):
    fields = conflict_fields(conflict, form)
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
    if wants_json(request):
        return JsonResponse(
            {"errors": {name: list(errors) for name, errors in form.errors.items()}}, status=400
        )
    page, target = _page_for(request, atelier, bloc, obj)
    return _render_page(
        request, atelier, page, target, posted={"bloc": bloc, "key": form.key, "form": form}, status=200
    )


def _conflicted(request, atelier, bloc, obj, *, key, conflict):
    """The page again with both texts (409): « Garder ma version » re-saves on the current revision."""
    data = request.POST.copy()
    data["revision"] = conflict.revision
    rebound = bloc_form(bloc, block_instance(atelier, bloc, key), key, data=data, files=request.FILES)
    rebound.is_valid()
    page, target = _page_for(request, atelier, bloc, obj)
    posted = {"bloc": bloc, "key": key, "form": rebound, "conflict": conflict}
    return _render_page(request, atelier, page, target, posted=posted, status=409)


@require_POST
def enregistrer(request, pk, bloc, obj_pk):
    """Save one block (see the module doc): JSON for the autosave, a redirect or the page otherwise. A
    rapporteur saving the portrait of a speaker who also speaks in another workshop gets a 403."""
    atelier = editable_atelier(request, pk)
    obj = block_instance(atelier, bloc, obj_pk)
    if bloc == "intervenant" and not studio.can_edit_speaker(request.user, atelier, obj):
        raise PermissionDenied(str(studio.SHARED_SPEAKER))
    form = bloc_form(bloc, obj, obj_pk, data=request.POST, files=request.FILES)
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
        if wants_json(request):
            return JsonResponse(_conflict_json(conflict, form), status=409)
        return _conflicted(request, atelier, bloc, obj, key=obj_pk, conflict=conflict)
    message = _("Enregistré à %(heure)s") % {"heure": heure(saved.saved_at)}
    if wants_json(request):
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
    atelier = editable_atelier(request, pk)
    if bloc not in AJOUT_FORMS:
        raise Http404
    sequence = _ajout_parent(atelier, bloc, parent_pk)
    kwargs = {"organisations": organisation_choices()} if bloc == "contribution" else {}
    form = AJOUT_FORMS[bloc](request.POST, key=parent_pk, **kwargs)
    if not form.is_valid():
        posted = {"ajout": (bloc, parent_pk), "form": form, "bloc": None, "key": None}
        return render_partie(request, atelier, sequence, posted=posted)
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
    atelier = editable_atelier(request, pk)
    if bloc not in BLOCS or not BLOCS[bloc].deletable:
        raise Http404
    obj = block_instance(atelier, bloc, obj_pk)
    sequence = _sequence_of(bloc, obj)
    partie_url = reverse("ateliers:livret_sequence", args=[atelier.pk, sequence.pk])
    name = _describe(bloc, obj)
    if request.method == "POST":
        studio.delete_block(atelier, bloc, obj_pk, by=request.user)
        messages.success(request, _("« %(name)s » est supprimé.") % {"name": name})
        return redirect(partie_url)
    return render_page(
        request,
        "studio/supprimer.html",
        atelier,
        title=_("Supprimer « %(name)s » ?") % {"name": name},
        current=_("Supprimer"),
        parents=[(partie_url, sequence.title)],
        name=name,
        consequence={
            "question": _("Ses réponses sont supprimées avec elle."),
            "groupe": _("Sa synthèse et ses constats sont supprimés avec lui."),
        }.get(bloc, ""),
        cancel_url=f"{partie_url}#bloc-{bloc}-{obj.pk}",
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
    atelier = editable_atelier(request, pk)
    if bloc not in BLOCS or not BLOCS[bloc].parent:
        raise Http404
    obj = block_instance(atelier, bloc, obj_pk)
    studio.move_block(atelier, bloc, obj_pk, up=request.POST.get("sens") == "haut", by=request.user)
    url = reverse("ateliers:livret_sequence", args=[atelier.pk, _sequence_of(bloc, obj).pk])
    return redirect(f"{url}#bloc-{bloc}-{obj_pk}")
