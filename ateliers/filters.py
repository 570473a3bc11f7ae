"""Filters of the staff pages (check-in list)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ateliers.enums import Presence
from ateliers.models import Inscription


class EmargementFilter(django_filters.FilterSet):
    """Find a person fast on the day: by name or email, organisation, presence."""

    q = django_filters.CharFilter(label=_("Nom, prénom ou adresse"), method="search")
    presence = django_filters.ChoiceFilter(
        label=_("Présence"), choices=Presence.choices, empty_label=_("Toutes")
    )

    class Meta:
        model = Inscription
        fields = ["q", "presence"]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(user__last_name__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(user__email__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(organisation__acronym__icontains=word)
            )
        return queryset
