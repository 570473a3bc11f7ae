"""The site's own pages: the member's home (tableau de bord), legal pages, error pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import TemplateView

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
        "fabrique/home.html",
        {
            "title": _("Tableau de bord"),
            "adhesions": adhesions,
            "prochains_ateliers": prochains_ateliers,
            "mes_inscriptions": mes_inscriptions,
            "mes_livrets": mes_livrets,
            "immersions_actions": waiting_steps(request.user),
        },
    )


@method_decorator(login_not_required, name="dispatch")
class PublicPage(TemplateView):
    """A static page anyone may read (the footer's legal pages)."""

    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


@requires_csrf_token
@login_not_required
def page_not_found(request, exception):
    return render(request, "404.html", {"title": _("Page non trouvée")}, status=404)


@requires_csrf_token
@login_not_required
def server_error(request):
    # Rendered without the request's context processors: a failing database must not fail the error page,
    # and nothing about the error or the user reaches the page.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
