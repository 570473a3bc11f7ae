"""The booklet's buttons in the admin's « Livrets des ateliers » page, for DGAFP staff: Générer,
Prévisualiser (HTML, PDF), Publier, Diffuser au réseau, and any ready version's file.

They are served under the admin's URLs (`admin:ateliers_livret_*`, wired by
`ateliers.livret.admin.livret.AtelierLivretAdmin.get_urls`, behind the admin's login) and send staff back
to the workshop's booklet page; `livret_panel` is what that page's template
(`ateliers/livret/admin/change_form.html`) shows about the versions. Each asks the staff predicate and
the booklet versions' Django permission it needs (`ateliers.permissions.can_generate_livret`,
`can_preview_livret`, `can_publish_livret`); anyone else gets a 403. Every state change goes through
`ateliers.livret.services.rendu`.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ateliers import permissions
from ateliers.livret.models import AtelierLivret, Livret
from ateliers.livret.services import rendu as livret_service
from ateliers.livret.services import versions
from ateliers.livret.services.rendu import LivretError
from ateliers.livret.views.studio.apercu import preview_html
from ateliers.livret.views.telechargements import run_booklet_action
from fabrique.core.enums import DocumentStatus


def livret_panel(atelier):
    """The booklet panel of the workshop's admin page: the published version, the ready ones that may be
    published, and whether the content changed since the published one."""
    published = versions.published_version(atelier.pk)
    panel = {
        "livret_published": published,
        "livret_ready": atelier.livrets.filter(status=DocumentStatus.PRET, published=False).order_by(
            "-version"
        )[:3],
    }
    if published is not None and published.content_digest:
        panel["content_changed"] = livret_service.content_digest(atelier) != published.content_digest
    return panel


def _staff_atelier(request, pk, allowed):
    if not allowed(request.user):
        raise PermissionDenied
    return get_object_or_404(AtelierLivret, pk=pk)


def _staff_livret(request, pk, allowed, **filters):
    if not allowed(request.user):
        raise PermissionDenied
    return get_object_or_404(Livret.objects.select_related("atelier"), pk=pk, **filters)


def _back(atelier_id):
    return HttpResponseRedirect(reverse("admin:ateliers_atelierlivret_change", args=[atelier_id]))


@require_POST
def generer(request, pk):
    """A new version, rendered by the worker."""
    success = _("La version %(version)s est en cours de rendu : rechargez la page dans quelques secondes.")
    atelier = _staff_atelier(request, pk, permissions.can_generate_livret)
    run_booklet_action(request, "generer", atelier, success=success)
    return _back(pk)


@csp_replace({"script-src": [NONE], "style-src": [SELF, UNSAFE_INLINE]})
def apercu_html(request, pk):
    """The booklet's HTML as the PDF lays it out, from the current content (no script; its print
    stylesheet is inline)."""
    return HttpResponse(preview_html(_staff_atelier(request, pk, permissions.can_preview_livret)))


def apercu_pdf(request, pk):
    """Render the current content now, without keeping it: what "Générer" would produce."""
    atelier = _staff_atelier(request, pk, permissions.can_preview_livret)
    try:
        context = livret_service.build_context(atelier)
        livret_service.check_content(context)
    except LivretError as error:
        messages.error(request, str(error))
        return _back(pk)
    rendered = livret_service.render_context(context)
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="apercu-livret.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def publier(request, pk):
    """Publish version `pk` (participants are told by email)."""
    livret = _staff_livret(request, pk, permissions.can_publish_livret)
    run_booklet_action(request, "publier", livret)
    return _back(livret.atelier_id)


@require_POST
def diffuser(request, pk):
    """Spread version `pk` to every member of the network."""
    livret = _staff_livret(request, pk, permissions.can_publish_livret)
    run_booklet_action(request, "diffuser", livret)
    return _back(livret.atelier_id)


def fichier(request, pk):
    """Any ready version, for staff (participants only ever get the published one)."""
    livret = _staff_livret(request, pk, permissions.can_preview_livret, status=DocumentStatus.PRET)
    if not livret.file:
        raise Http404
    name = livret_service.filename(livret).replace(".pdf", f"-v{livret.version}.pdf")
    response = FileResponse(livret.file.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response
