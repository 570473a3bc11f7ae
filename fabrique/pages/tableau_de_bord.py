"""The logged-in member's home page: their organisations, workshops, booklets and immersion steps."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.models import Adhesion
from ateliers.enums import InscriptionStatus
from ateliers.models import Inscription, Livret
from ateliers.permissions import ateliers_visible_to
from immersions.services.queue import waiting_steps


def home(request):
    """The logged-in member's dashboard: their organisations, next workshops, registrations, actions."""
    adhesions = Adhesion.objects.actives().filter(user=request.user).select_related("organisation__parent")
    prochains_ateliers = ateliers_visible_to(request.user).a_venir().with_counts()[:3]
    mes_inscriptions = (
        Inscription.objects.actives()
        .filter(user=request.user, atelier__ends_at__gte=timezone.now())
        .select_related("atelier")
        .order_by("atelier__starts_at")[:5]
    )
    # The booklets of the workshops the member attended: what a participant comes for after the day.
    mes_livrets = (
        Livret.objects.publies()
        .filter(
            atelier__inscriptions__user=request.user,
            atelier__inscriptions__status=InscriptionStatus.INSCRIT,
        )
        .select_related("atelier")
        .order_by("-atelier__starts_at")[:5]
    )
    return render(
        request,
        "pages/tableau_de_bord.html",
        {
            "title": _("Tableau de bord"),
            "adhesions": adhesions,
            "prochains_ateliers": prochains_ateliers,
            "mes_inscriptions": mes_inscriptions,
            "mes_livrets": mes_livrets,
            "immersions_actions": waiting_steps(request.user),
        },
    )
