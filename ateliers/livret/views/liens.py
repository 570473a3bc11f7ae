"""A participant's signed link to the booklet: open without an account, spent by its download.

The GET shows the booklet's name and a « Télécharger » button and spends nothing (mail scanners follow the
links of an email); the POST spends the link and streams the PDF. A link that cannot serve gets a page
saying why and what to do instead: 404 for a token we never issued, 410 for one that was ours, 503 when
the booklet's file cannot be read (the link is not spent: it serves once the file is back).
"""

import logging
from types import SimpleNamespace

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ateliers.livret.services import liens
from ateliers.livret.services import rendu as livret_service

logger = logging.getLogger(__name__)


class _FileUnreadableError(Exception):
    """The booklet's file is missing from the storage or cannot be read."""


def _open(livret):
    try:
        return livret.file.open("rb")
    except (OSError, ValueError) as error:  # ValueError: a row without a file
        logger.exception("Signed link: the file of booklet version %s cannot be read", livret.pk)
        raise _FileUnreadableError from error


def _refused(request, refusal, status=None):
    if status is None:
        status = 404 if refusal.reason == liens.Refusal.INCONNU else 410
    return render(
        request,
        "ateliers/livret/lien_refuse.html",
        {"title": _("Ce lien ne permet plus de télécharger le livret"), "refusal": refusal},
        status=status,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def lien_livret(request, token):
    if request.method == "POST":
        try:
            # The file is opened before the link is spent: a missing file leaves the link usable.
            with transaction.atomic():
                _lien, livret = liens.consume(token)
                handle = _open(livret)
        except liens.LinkRefusedError as refusal:
            return _refused(request, refusal)
        except _FileUnreadableError:  # rolled back: the link stays unspent
            missing = SimpleNamespace(
                message=_(
                    "Le fichier du livret est momentanément introuvable. Votre lien n'a pas servi : "
                    "réessayez plus tard, il reste valable jusqu'à sa date d'expiration. L'équipe "
                    "d'animation est prévenue."
                )
            )
            return _refused(request, missing, status=503)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=livret_service.filename(livret),
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        lien, livret = liens.check(token)
    except liens.LinkRefusedError as refusal:
        return _refused(request, refusal)
    return render(
        request,
        "ateliers/livret/lien.html",
        {
            "title": _("Télécharger le livret de restitution"),
            "lien": lien,
            "livret": livret,
            "atelier": livret.atelier,
            "participant": lien.inscription.user,
        },
    )
