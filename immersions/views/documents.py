"""The download of a generated PDF (an immersion's synthesis, an agreement): for the parties only."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from fabrique.core.enums import DocumentStatus
from immersions import permissions as perms
from immersions.models import Document


def document_download(request, pk):
    document = get_object_or_404(Document.objects.select_related("immersion", "echange"), pk=pk)
    user = request.user
    if document.immersion_id:
        if not perms.immersion_visible_to(user).filter(pk=document.immersion_id).exists():
            raise Http404
        allowed = perms.is_immersion_party(user, document.immersion)
    else:
        if not perms.echange_visible_to(user).filter(pk=document.echange_id).exists():
            raise Http404
        allowed = perms.is_echange_party(user, document.echange)
    if not allowed:
        raise PermissionDenied
    if document.status != DocumentStatus.PRET:
        raise Http404
    owner = document.immersion or document.echange
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{owner.reference}-{document.kind}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
