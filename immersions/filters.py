"""List filters (django-filter): origin, host, status, kind, period, catégorie."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from accompagnement.models import Organisation
from immersions.enums import Categorie, EchangeStatus, ImmersionKind, ImmersionStatus
from immersions.models import EchangeTalent, Immersion


class FilterForm(DsfrBaseForm):
    pass


def _roots(request):
    return Organisation.objects.racines().order_by("name")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)  # what a date input expects, whatever the locale


class PeriodFilterSet(django_filters.FilterSet):
    origin = django_filters.ModelChoiceFilter(label=_("Origine"), queryset=_roots, empty_label=_("Toutes"))
    host = django_filters.ModelChoiceFilter(label=_("Accueil"), queryset=_roots, empty_label=_("Tous"))
    agent_categorie = django_filters.ChoiceFilter(
        label=_("Catégorie"), choices=Categorie.choices, empty_label=_("Toutes")
    )
    du = django_filters.DateFilter(
        label=_("Période : du"), field_name="end_date", lookup_expr="gte", widget=DateInput()
    )
    au = django_filters.DateFilter(
        label=_("Période : au"), field_name="start_date", lookup_expr="lte", widget=DateInput()
    )


class ImmersionFilter(PeriodFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=ImmersionStatus.choices, empty_label=_("Tous")
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=ImmersionKind.choices, empty_label=_("Tous"))

    class Meta:
        model = Immersion
        fields = ["origin", "host", "status", "kind", "agent_categorie", "du", "au"]
        form = FilterForm


class EchangeFilter(PeriodFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=EchangeStatus.choices, empty_label=_("Tous")
    )

    class Meta:
        model = EchangeTalent
        fields = ["origin", "host", "status", "agent_categorie", "du", "au"]
        form = FilterForm
