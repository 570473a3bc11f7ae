"""The indicators of immersions and agreements: the page with its bar charts, and the CSV export."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.core.exports import spreadsheet_safe
from immersions import permissions as perms
from immersions.services import indicators
from immersions.views.declarations import crumbs


def _chart(rows):
    """Geometry of a server-side SVG bar chart (integers: no locale can break the SVG)."""
    top = max((row["count"] for row in rows), default=0) or 1
    lines = []
    for index, row in enumerate(rows):
        bar = round(row["count"] * 300 / top)
        y = index * 28 + 4
        lines.append({**row, "y": y, "text_y": y + 14, "bar": bar, "value_x": 265 + bar + 6})
    return {"rows": lines, "height": len(rows) * 28 + 8}


def _year(request):
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def _blank_if_none(value):
    return "" if value is None else value


def indicateurs(request):
    if not perms.can_view_indicators(request.user):
        raise PermissionDenied
    year = _year(request)
    data = indicators.compute(request.user, year=year)
    charts = [
        ("ministere", _("Immersions par ministère d'origine"), _chart(data["by_ministry"])),
        ("type", _("Immersions par type"), _chart(data["by_kind"])),
        ("statut", _("Immersions par statut"), _chart(data["by_status"])),
        ("annee", _("Immersions par année de début"), _chart(data["by_year"])),
        ("echanges", _("Conventions d'échange par statut"), _chart(data["echanges_by_status"])),
    ]
    return render(
        request,
        "immersions/indicateurs.html",
        {
            "title": _("Indicateurs"),
            "data": data,
            "charts": charts,
            "year": year,
            "scope_label": _("tout le réseau")
            if perms.is_staff(request.user)
            else _("votre organisation (origine ou accueil)"),
            "breadcrumb_data": crumbs(_("Indicateurs")),
        },
    )


def indicateurs_csv(request):
    if not perms.can_view_indicators(request.user):
        raise PermissionDenied
    year = _year(request)
    data = indicators.compute(request.user, year=year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="indicateurs-immersions-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheets open the French accents correctly
    rows = [
        [_("indicateur"), _("catégorie"), _("valeur")],
        [_("immersions"), _("total"), data["total"]],
        # Blank when nothing is measured; 0 is a figure (no finished immersion has its bilan).
        [_("immersions"), _("durée moyenne (jours)"), _blank_if_none(data["average_days"])],
        [_("immersions"), _("part avec bilan (%)"), _blank_if_none(data["bilan_share"])],
    ]
    for key, label in (
        ("by_ministry", _("par ministère")),
        ("by_kind", _("par type")),
        ("by_status", _("par statut")),
        ("by_year", _("par année")),
        ("echanges_by_status", _("conventions par statut")),
        ("echanges_by_ministry", _("conventions par ministère")),
    ):
        rows.extend([label, row["label"], row["count"]] for row in data[key])
    rows.extend(
        [_("départs / cliquet"), str(service), f"{service.away}/{service.cliquet}"]
        for service in data["services"]
    )
    # Organisation and service names are typed by people: none may run as a formula in a spreadsheet.
    writer = csv.writer(response, delimiter=";")
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return response
