"""A booklet's « Annexe » page: the participant list's headings, in their order, with their people.

Staff customise the headings for this booklet (label, rank, umbrella headings, name format) or bring it
back to the network's settings; the workshop's named rapporteurs see the page read-only; anyone else gets
a 404. Every change goes through ateliers.livret.services.annexe.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ateliers import permissions
from ateliers.livret.forms.annexe import ReglageAnnexeForm, rubrique_forms
from ateliers.livret.services import annexe
from ateliers.livret.views.studio import render_page
from ateliers.models import Atelier, Inscription


@require_http_methods(["GET", "POST"])
def livret_annexe(request, pk):
    """The annex's headings with their people; staff customise them for this booklet."""
    atelier = get_object_or_404(Atelier.objects.select_related("programme"), pk=pk)
    staff = permissions.can_manage(request.user)
    if not (staff or permissions.can_edit_content(request.user, atelier.pk)):
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and not staff:
        raise Http404
    here = reverse("ateliers:livret_annexe", args=[atelier.pk])
    if action == "personnaliser":
        annexe.personnaliser(atelier, by=request.user)
        messages.success(
            request,
            _("Ce livret a maintenant ses propres rubriques, reprises des réglages du réseau."),
        )
        return redirect(here)
    if action == "revenir":
        if annexe.revenir_au_reseau(atelier, by=request.user):
            messages.success(request, _("Ce livret suit de nouveau les réglages du réseau."))
        return redirect(here)

    reglage = annexe.reglage_for(atelier)
    propre = reglage.pk is not None and reglage.atelier_id == atelier.pk
    form, forms_rubriques = None, []
    if staff and propre:
        data = request.POST if action == "enregistrer" else None
        form = ReglageAnnexeForm(data, instance=reglage)
        forms_rubriques = rubrique_forms(
            data,
            annexe.racines_presentes(atelier),
            {rubrique.organisation_id: rubrique for rubrique in reglage.rubriques.all()},
        )
        if data is not None and form.is_valid() and all(f.is_valid() for f in forms_rubriques):
            annexe.enregistrer(
                reglage,
                valeurs=form.cleaned_data,
                rubriques={
                    f.organisation.pk: (f.cleaned_data["intitule"].strip(), f.cleaned_data["rang"])
                    for f in forms_rubriques
                },
                by=request.user,
            )
            messages.success(request, _("Les rubriques de ce livret sont enregistrées."))
            return redirect(here)

    confirmed = list(Inscription.objects.confirmees().filter(atelier=atelier).select_related("user"))
    presence_taken, listed = annexe.listees(confirmed)
    return render_page(
        request,
        "annexe.html",
        atelier,
        title=_("Annexe du livret — %(atelier)s") % {"atelier": atelier},
        current=_("Annexe"),
        reglage=reglage,
        propre=propre,
        staff=staff,
        confirmer_retour=staff and propre and request.GET.get("revenir") == "1",
        form=form,
        forms_rubriques=forms_rubriques,
        erreurs=form is not None
        and form.is_bound
        and not (form.is_valid() and all(f.is_valid() for f in forms_rubriques)),
        rubriques=annexe.grouper(listed, atelier),
        presence_taken=presence_taken,
        listed_count=len(listed),
        hidden_count=len(confirmed) - len(listed),
    )
