"""The catalogue's facets and search, and the directory's search.

Needs and publics are JSON lists: PostgreSQL tests containment (`@>`), SQLite (the embedded default) the
quoted value in the list's text. Full-text search uses PostgreSQL's French configuration, with a plain
`icontains` fallback on SQLite.
"""

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from accompagnement.enums import Besoin, DispositifKind, DispositifTri, Maturite, Public
from accompagnement.models import Dispositif, Organisation

FACETS = ["organisation", "kind", "needs", "publics", "maturity"]


def json_list_contains(field, value):
    """A Q matching rows whose JSON list `field` holds `value`, on PostgreSQL and on SQLite."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})


def search_dispositifs(queryset, text):
    """Full-text search on title and summary (PostgreSQL), substring search elsewhere."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector("title", weight="A", config="french") + SearchVector(
            "summary", weight="B", config="french"
        )
        query = SearchQuery(text, config="french", search_type="websearch")
        # The substring test keeps word beginnings ("immer") findable, which stemming alone does not.
        return queryset.alias(search=vector).filter(Q(search=query) | Q(title__icontains=text))
    return queryset.filter(Q(title__icontains=text) | Q(summary__icontains=text))


class CatalogueForm(DsfrBaseForm):
    """The filter form of the catalogue (DSFR classes; templates/accompagnement/filters/ render it)."""


class DispositifFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Rechercher"), method="filter_q")
    organisation = django_filters.ChoiceFilter(
        label=_("Organisation"), method="filter_organisation", empty_label=_("Toutes les organisations")
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Type de dispositif"), choices=DispositifKind.choices, widget=forms.CheckboxSelectMultiple
    )
    needs = django_filters.MultipleChoiceFilter(
        label=_("Besoins traités"),
        choices=Besoin.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_json_list",
    )
    publics = django_filters.MultipleChoiceFilter(
        label=_("Publics"),
        choices=Public.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_json_list",
    )
    maturity = django_filters.MultipleChoiceFilter(
        label=_("Maturité"), choices=Maturite.choices, widget=forms.CheckboxSelectMultiple
    )
    tri = django_filters.ChoiceFilter(
        label=_("Trier par"), choices=DispositifTri.choices, method="filter_tri", empty_label=None
    )

    class Meta:
        model = Dispositif
        fields = ["q", "organisation", "kind", "needs", "publics", "maturity"]
        form = CatalogueForm

    def __init__(self, *args, organisations, **kwargs):
        """`organisations`: (slug, label, parent slug or None) of the organisations offered as a facet."""
        super().__init__(*args, **kwargs)
        self.organisation_rows = organisations
        self.filters["organisation"].extra["choices"] = [(slug, label) for slug, label, _p in organisations]
        self.filters["tri"].extra["initial"] = DispositifTri.RECENTS

    # --- filters ---
    def filter_q(self, queryset, name, value):
        return search_dispositifs(queryset, value)

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(Q(organisation__slug=value) | Q(organisation__parent__slug=value))

    def filter_json_list(self, queryset, name, value):
        condition = Q()
        for item in value:
            condition |= json_list_contains(name, item)
        return queryset.filter(condition)

    def filter_tri(self, queryset, name, value):
        return queryset.order_by(value, "-pk")

    # --- facet counts ---
    def queryset_without(self, excluded):
        """The results with every filter applied but `excluded` (a facet counts what choosing it adds)."""
        queryset = self.queryset.all()
        if not self.is_bound or not self.form.is_valid():
            return queryset
        for name, value in self.form.cleaned_data.items():
            if name not in (excluded, "tri"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facet_counts(self):
        """{facet: {value: count}}; five queries whatever the number of schemes."""
        counts = {}
        per_organisation = dict(
            self.queryset_without("organisation")
            .order_by()
            .values_list("organisation__slug")
            .annotate(n=Count("pk"))
        )
        per_root = {}
        for slug, _label, parent_slug in self.organisation_rows:
            if parent_slug:
                per_root[parent_slug] = per_root.get(parent_slug, 0) + per_organisation.get(slug, 0)
        counts["organisation"] = {
            slug: per_organisation.get(slug, 0) + per_root.get(slug, 0)
            for slug, _l, _p in self.organisation_rows
        }
        for facet in ["kind", "maturity"]:
            counts[facet] = dict(
                self.queryset_without(facet).order_by().values_list(facet).annotate(n=Count("pk"))
            )
        for facet, choices in [("needs", Besoin), ("publics", Public)]:
            counts[facet] = self.queryset_without(facet).aggregate(
                **{value: Count("pk", filter=json_list_contains(facet, value)) for value in choices.values}
            )
        return counts

    def label_choices_with_counts(self, counts):
        """Show each facet's count next to its choices, e.g. « Mobilité (12) »."""
        for facet in FACETS:
            field = self.form.fields[facet]
            field.choices = [
                (value, f"{label} ({counts[facet].get(value, 0)})") if value else (value, label)
                for value, label in field.choices
            ]


def organisation_facet_rows():
    """The organisations that carry at least one scheme, ministries followed by their directions."""
    rows = (
        Organisation.objects.actives()
        .filter(Q(dispositifs__isnull=False) | Q(children__dispositifs__isnull=False))
        .distinct()
        .values_list("slug", "name", "acronym", "parent__slug", "parent__acronym", "parent__name")
        .order_by()
    )
    rows = sorted(rows, key=lambda r: ((r[5] or r[1]).lower(), r[3] is not None, r[1].lower()))
    return [
        (slug, f"{name} — {parent_name}" if parent_slug else name, parent_slug)
        for slug, name, _acronym, parent_slug, _parent_acronym, parent_name in rows
    ]
