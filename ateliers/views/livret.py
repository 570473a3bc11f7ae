"""Downloads of the booklet and of attendance certificates: always through a permission check.

Files are never served from a media URL: the view streams them after checking who asks. Anyone who may
not download gets a 404 (nothing tells them a booklet exists); anonymous users are sent to the login page
by LoginRequiredMiddleware first.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ateliers import permissions
from ateliers.livret_forms import ContenuSequenceForm
from ateliers.models import Atelier, ContenuSequence, Sequence
from ateliers.services import livret as livret_service


def _pdf_response(file, filename):
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def livret_pdf(request, pk):
    """The published version of workshop `pk`'s booklet, for participants, staff and (once spread) members."""
    livret = livret_service.published_version(pk)
    if livret is None or not permissions.can_download(request.user, livret):
        raise Http404
    return _pdf_response(livret.file, livret_service.filename(livret))


@require_GET
def attestation_pdf(request, pk):
    """The requesting participant's own attendance certificate for workshop `pk` (present participants)."""
    inscription = livret_service.attestation_inscription_for(request.user, pk)
    if inscription is None:
        raise Http404
    attestation = livret_service.render_attestation(inscription)
    return _pdf_response(attestation.file, livret_service.attestation_filename(inscription))


# --- Front-end editor: staff and the rapporteurs they named ---------------------------------------


def _editable_atelier(request, pk):
    """The workshop whose booklet `request.user` may write, else 404 (nothing is revealed)."""
    atelier = get_object_or_404(Atelier.objects.select_related("programme"), pk=pk)
    if not permissions.can_edit_content(request.user, atelier.pk):
        raise Http404
    return atelier


def _breadcrumb(atelier, current, *, with_contenu=False):
    links = [
        {"url": reverse("ateliers:programme"), "title": _("Ateliers")},
        {"url": reverse("ateliers:atelier_detail", args=[atelier.pk]), "title": str(atelier)},
    ]
    if with_contenu:
        links.append({"url": reverse("ateliers:livret_contenu", args=[atelier.pk]), "title": _("Livret")})
    return {"links": links, "current": current}


@require_GET
def livret_contenu(request, pk):
    """The séquences of a workshop's booklet, what is written and what is still to write."""
    atelier = _editable_atelier(request, pk)
    sequences = list(
        Sequence.objects.filter(atelier=atelier).select_related("contenu").order_by("order", "pk")
    )
    return render(
        request,
        "ateliers/livret/contenu.html",
        {
            "title": _("Rédiger le livret — %(atelier)s") % {"atelier": atelier},
            "atelier": atelier,
            "sequences": sequences,
            "livret": livret_service.published_version(atelier.pk),
            "breadcrumb_data": _breadcrumb(atelier, _("Livret")),
        },
    )


@require_http_methods(["GET", "POST"])
def livret_sequence(request, pk, sequence_pk):
    """Write one séquence's summary and key points (rich text cleaned with nh3 when saved)."""
    atelier = _editable_atelier(request, pk)
    sequence = get_object_or_404(Sequence.objects.filter(atelier=atelier), pk=sequence_pk)
    contenu = ContenuSequence.objects.filter(sequence=sequence).first() or ContenuSequence(sequence=sequence)
    form = ContenuSequenceForm(request.POST or None, instance=contenu)
    if request.method == "POST" and form.is_valid():
        livret_service.update_content(
            sequence,
            texte=form.cleaned_data["texte"],
            points_cles=form.cleaned_data["points_cles"],
            by=request.user,
        )
        messages.success(
            request,
            _("« %(title)s » est enregistré. L'équipe d'animation générera une nouvelle version du livret.")
            % {"title": sequence.title},
        )
        return redirect("ateliers:livret_contenu", pk=atelier.pk)
    return render(
        request,
        "ateliers/livret/sequence_form.html",
        {
            "title": _("%(sequence)s — rédiger le livret") % {"sequence": sequence.title},
            "atelier": atelier,
            "sequence": sequence,
            "form": form,
            "breadcrumb_data": _breadcrumb(atelier, sequence.title, with_contenu=True),
        },
    )
