"""Downloads of the booklet and of attendance certificates: always through a permission check.

Files are never served from a media URL: the view streams them after checking who asks. Anyone who may
not download gets a 404 (nothing tells them a booklet exists); anonymous users are sent to the login page
by LoginRequiredMiddleware first. The booklet's writing happens in the studio (views/studio/).
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ateliers import permissions
from ateliers.livret.services import attestations, versions
from ateliers.livret.services import rendu as livret_service


def _pdf_response(file, filename):
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def livret_pdf(request, pk):
    """The published version of workshop `pk`'s booklet, for participants, staff and (once spread) members."""
    livret = versions.published_version(pk)
    if livret is None or not permissions.can_download(request.user, livret):
        raise Http404
    return _pdf_response(livret.file, livret_service.filename(livret))


@require_GET
def attestation_pdf(request, pk):
    """The requesting participant's own attendance certificate for workshop `pk` (present participants)."""
    inscription = attestations.attestation_inscription_for(request.user, pk)
    if inscription is None:
        raise Http404
    attestation = attestations.render_attestation(inscription)
    return _pdf_response(attestation.file, attestations.attestation_filename(inscription))


# --- Generating, publishing and spreading: the studio's buttons and the admin's ------------------------

BOOKLET_ACTIONS = {
    "generer": (
        versions.request_version,
        _("La version %(version)s est demandée : son état s'affiche ci-dessous."),
    ),
    "publier": (
        versions.publish,
        _("Version %(version)s publiée : les participants sont prévenus par courriel."),
    ),
    "diffuser": (
        versions.spread,
        _("Le livret est diffusé : tous les membres du réseau peuvent le télécharger."),
    ),
}


def run_booklet_action(request, action, obj, *, success=None):
    """Generate a new version of the workshop `obj`'s booklet, or publish or spread the version `obj` (the
    studio and the admin alike), and tell staff how it went (`success` replaces the action's message;
    `%(version)s` is the version's number). The service's result, or None when it refused."""
    service, message = BOOKLET_ACTIONS[action]
    try:
        result = service(obj, by=request.user)
    except livret_service.LivretError as error:
        messages.error(request, str(error))
        return None
    livret = result if action == "generer" else obj
    messages.success(request, (success or message) % {"version": livret.version})
    return result
