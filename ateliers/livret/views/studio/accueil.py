"""The studio's home (`ateliers:livret_contenu`): the booklet's parts in booklet order with what is
written and what is still empty, the back matter, the annex, and the versions (staff generate and
publish)."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ateliers import permissions
from ateliers.livret.models import Constat, Contribution, Question, ReglagesLivret, Ressource
from ateliers.livret.services.rendu import PART_LABELS
from ateliers.livret.views.studio import editable_atelier, render_page
from ateliers.livret.views.studio.parties import booklet_numbers
from ateliers.livret.views.studio.versions import POLLED_STATUSES, booklet_versions, version_rows
from ateliers.models import Sequence


def _count(model, path="sequence", **filters):
    rows = (
        model.objects.filter(**{path: OuterRef("pk")}, **filters)
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@require_GET
def accueil(request, pk):
    """The booklet's parts in booklet order with what is written and what is still empty, the back
    matter, the annex, and the versions."""
    atelier = editable_atelier(request, pk)
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
    versions = booklet_versions(atelier)
    return render_page(
        request,
        "studio/accueil.html",
        atelier,
        title=_("Studio du livret — %(atelier)s") % {"atelier": atelier},
        current=_("Livret"),
        parts=parts,
        reglages=ReglagesLivret.objects.filter(atelier=atelier).first(),
        versions=version_rows(versions, request.user),
        polling=any(v.status in POLLED_STATUSES for v in versions),
        published=next((v for v in versions if v.published), None),
        staff=permissions.can_manage(request.user),
    )
