"""An organisation's page in the network: its people and schemes (accompagnement), the workshops its
people attended (ateliers) and its latest immersions (immersions)."""

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement import permissions
from accompagnement.models import Adhesion, Organisation
from ateliers.enums import AtelierStatus, InscriptionStatus, Presence
from ateliers.models import Atelier, Inscription
from immersions.models import Immersion
from immersions.permissions import immersion_visible_to

ORGANISATION_IMMERSIONS = 10


def organisation_tree(organisation):
    """The pks of `organisation` and of the directions and services under it (two levels), as a subquery."""
    return Organisation.objects.filter(
        Q(pk=organisation.pk) | Q(parent=organisation.pk) | Q(parent__parent=organisation.pk)
    ).values("pk")


def attended_ateliers(organisation):
    """The workshops held that people of `organisation` (or below) attended, newest first, in one query.

    A confirmed registration counts when its holder was marked present or, for a workshop where nobody's
    presence was taken, whatever its presence (the booklet's list of participants follows the same rule).
    `attendee_count` is how many of the organisation's people attended.
    """
    presence_taken = Inscription.objects.filter(atelier=OuterRef("atelier")).exclude(
        presence=Presence.NON_RENSEIGNE
    )
    attended = Inscription.objects.filter(
        organisation__in=organisation_tree(organisation), status=InscriptionStatus.INSCRIT
    ).filter(Q(presence=Presence.PRESENT) | ~Exists(presence_taken))
    return (
        Atelier.objects.publies()
        .exclude(status=AtelierStatus.ANNULE)
        .filter(starts_at__lte=timezone.now(), pk__in=attended.values("atelier"))
        .annotate(attendee_count=Count("inscriptions", filter=Q(inscriptions__in=attended)))
        .order_by("-starts_at", "-pk")
    )


def organisation_immersions(user, organisation):
    """The latest immersions `organisation` (or below) sends or hosts that `user` may see."""
    tree = organisation_tree(organisation)
    immersions = Immersion.objects.with_relations().filter(
        Q(origin__in=tree) | Q(origin_service__in=tree) | Q(host__in=tree) | Q(host_service__in=tree)
    )
    return immersion_visible_to(user, immersions).order_by("-start_date", "-pk")[:ORGANISATION_IMMERSIONS]


def organisation_detail(request, slug):
    organisation = get_object_or_404(
        permissions.organisations_visible_to(request.user).select_related("parent"), slug=slug
    )
    members = Adhesion.objects.actives().filter(organisation=organisation).select_related("user")
    children = permissions.organisations_visible_to(request.user).filter(parent=organisation)
    dispositifs = (
        permissions.dispositifs_visible_to(request.user)
        .filter(Q(organisation=organisation) | Q(organisation__parent=organisation))
        .with_related()
        .order_by("title")
    )
    # The immersions list filters on origin and host ministries (roots) only: a direction gets no link.
    immersion_list_url = None if organisation.parent_id else reverse("immersions:immersion_list")
    return render(
        request,
        "pages/organisation.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "members": members.order_by("user__last_name", "user__first_name"),
            "children": children.order_by("name"),
            "dispositifs": dispositifs,
            "ateliers_suivis": list(attended_ateliers(organisation)),
            "immersions": list(organisation_immersions(request.user, organisation)),
            "immersion_list_url": immersion_list_url,
            "can_propose": permissions.can_propose_for(request.user, organisation),
            "breadcrumb_data": {
                "links": [{"url": reverse("accompagnement:reseau"), "title": _("Réseau")}],
                "current": (
                    f"{organisation.parent.short_name} — {organisation.short_name}"
                    if organisation.parent
                    else organisation.short_name
                ),
            },
        },
    )
