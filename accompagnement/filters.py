"""The catalogue's facets and search, and the directory's search.

Needs and publics are JSON lists: PostgreSQL tests containment (`@>`), SQLite (the embedded default) the
quoted value in the list's text. Full-text search uses PostgreSQL's French configuration, with a plain
`icontains` fallback on SQLite.
"""

import django_filters
from django import forms
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, F, Q, TextField, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from accompagnement.enums import Besoin, DispositifKind, DispositifTri, Maturite, OrganisationKind, Public
from accompagnement.models import Adhesion, Dispositif, Organisation, fold

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


# --- Directory ------------------------------------------------------------------------------------------

SEARCH_MAX_LENGTH = 100
# pg_trgm's default `word_similarity_threshold`: « benalli » finds « Benali », « lefevbre » « Lefèvre ».
TYPO_THRESHOLD = 0.6


def search_text(queryset, text, fields):
    """Rows whose `fields` hold every word of `text`, ranked on PostgreSQL; `text` cut to 100 characters.

    PostgreSQL: `unaccent` + `pg_trgm` on one document made of the fields, accents and case ignored: each
    word is a substring of it, or the whole text is close to one of its words (a typo); best matches first
    (`rank`). Elsewhere (SQLite, the embedded default): each word, as typed, in one of the fields (SQLite's
    LIKE ignores the case of ASCII letters only, and no accent). `%`, `_` and `\\` are literals: Django
    escapes them in `contains` and `icontains`.
    """
    words = fold(text[:SEARCH_MAX_LENGTH]).split()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        parts = []
        for field in fields:
            parts += [Coalesce(F(field), Value(""), output_field=TextField()), Value(" ")]
        document = Lower(Unaccent(Concat(*parts, output_field=TextField())))
        needle = " ".join(words)
        queryset = queryset.alias(document=document).annotate(
            rank=TrigramWordSimilarity(Value(needle), "document")
        )
        every_word = Q()
        for word in words:
            every_word &= Q(document__contains=word)
        ordering = ["-rank", *queryset.query.order_by]
        return queryset.filter(every_word | Q(rank__gte=TYPO_THRESHOLD)).order_by(*ordering)
    for word in text[:SEARCH_MAX_LENGTH].split():  # as typed: SQLite's LIKE folds ASCII letters only
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


class DirectoryForm(DsfrBaseForm):
    """The directory's search and filters (DSFR classes)."""


def ministry_choices(request=None):
    """The ministries (roots of kind ministry, active ones), for a select: about forty."""
    return Organisation.objects.actives().racines().filter(kind=OrganisationKind.MINISTERE).order_by("name")


ROOT_KINDS = [
    (value, label) for value, label in OrganisationKind.choices if value != OrganisationKind.DIRECTION
]


class DirectoryFilter(django_filters.FilterSet):
    """The directory's people (`Adhesion`) or organisations (`Organisation`): search, ministry, kind.

    `organisation` is the path from the filtered model to the organisation ("organisation__" for people,
    "" for organisations). The tree is ministry or body > direction > service: the ministry filter and the
    kind (of the ministry or body at the top) look two levels up.
    """

    q = django_filters.CharFilter(
        label=_("Rechercher une personne ou une organisation"),
        help_text=_("Un nom, une fonction, une adresse, un ministère ou un sigle."),
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    ministere = django_filters.ModelChoiceFilter(
        label=_("Ministère"),
        queryset=ministry_choices,
        to_field_name="slug",
        method="filter_ministere",
        empty_label=_("Tous les ministères"),
    )
    type = django_filters.ChoiceFilter(
        label=_("Type d'organisation"),
        choices=ROOT_KINDS,
        method="filter_type",
        empty_label=_("Tous les types"),
    )

    class Meta:
        model = Adhesion
        fields = ["q", "ministere", "type"]
        form = DirectoryForm

    def __init__(self, data=None, *args, organisation="organisation__", **kwargs):
        # A query longer than the limit is cut, not refused: the search still answers.
        if data is not None and len(data.get("q", "")) > SEARCH_MAX_LENGTH:
            data = data.copy()
            data["q"] = data["q"][:SEARCH_MAX_LENGTH]
        super().__init__(data, *args, **kwargs)
        self.path = organisation

    def search_fields(self):
        o = self.path
        organisation = [
            f"{o}name",
            f"{o}acronym",
            f"{o}parent__name",
            f"{o}parent__acronym",
            f"{o}parent__parent__name",
            f"{o}parent__parent__acronym",
        ]
        if o:
            return ["user__first_name", "user__last_name", "user__email", "function", *organisation]
        return organisation

    def filter_q(self, queryset, name, value):
        return search_text(queryset, value, self.search_fields())

    def filter_ministere(self, queryset, name, value):
        o = self.path
        return queryset.filter(
            Q(**{f"{o}pk": value.pk}) | Q(**{f"{o}parent": value}) | Q(**{f"{o}parent__parent": value})
        )

    def filter_type(self, queryset, name, value):
        o = self.path
        return queryset.filter(
            Q(**{f"{o}parent__isnull": True, f"{o}kind": value})
            | Q(**{f"{o}parent__parent__isnull": True, f"{o}parent__kind": value})
            | Q(**{f"{o}parent__parent__kind": value})
        )
