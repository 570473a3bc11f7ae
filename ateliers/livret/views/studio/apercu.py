"""What the studio shows beside the editor: the booklet's HTML preview and the speakers' photos (both for
those who write this booklet only, never cached, never a public media URL)."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from ateliers.livret.services import rendu as livret_service
from ateliers.livret.services import studio
from ateliers.livret.views.studio import editable_atelier


@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF], "script-src": [NONE], "style-src": [SELF, UNSAFE_INLINE]})
def apercu(request, pk):
    """The booklet's HTML as the PDF lays it out, framed beside the editor (same origin only); the
    preview runs no script, and its print stylesheet is inline (the booklet's previews are the only
    pages whose styles may be).
    Speakers' photos come from `photo`, which checks permissions again."""
    response = HttpResponse(preview_html(editable_atelier(request, pk)))
    response["Cache-Control"] = "private, no-store"
    return response


def preview_html(atelier):
    """The booklet's HTML for a browser: the speakers' photos through `photo` (the studio's and the admin's
    previews)."""
    photos = {
        name: reverse("ateliers:studio_photo", args=[atelier.pk, speaker_pk])
        for speaker_pk, name in studio.blocks_of(atelier, "intervenant")
        .exclude(photo="")
        .values_list("pk", "photo")
    }
    return livret_service.render_html(atelier, media_preview_url=lambda name: photos.get(str(name), ""))


@require_GET
def photo(request, pk, intervenant_pk):
    """A speaker's photo, for those who write this booklet (never a public media URL)."""
    atelier = editable_atelier(request, pk)
    intervenant = get_object_or_404(studio.blocks_of(atelier, "intervenant"), pk=intervenant_pk)
    if not intervenant.photo:
        raise Http404
    response = FileResponse(intervenant.photo.open("rb"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
