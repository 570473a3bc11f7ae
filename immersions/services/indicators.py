"""Indicators reported to decision-makers: counts, durations, bilans, departures against caps.

Every figure is an aggregate in the database: the number of queries does not depend on the rows.
"""

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from accompagnement.models import Organisation
from immersions.enums import (
    EchangeStatus,
    ImmersionKind,
    ImmersionStatus,
)
from immersions.models import away_today
from immersions.permissions import echange_visible_to, immersion_visible_to, service_visible_to


def _rows(queryset, field, labels=None):
    rows = queryset.order_by().values(field).annotate(count=Count("pk")).order_by("-count", field)
    return [
        {"label": str(labels(row[field]).label if labels else row[field]), "count": row["count"]}
        for row in rows
    ]


def compute(user, *, year=None):
    """The indicators visible to `user` (all for staff, their organisation's for a lead)."""
    immersions = immersion_visible_to(user)
    echanges = echange_visible_to(user)
    if year:
        immersions = immersions.filter(start_date__year=year)
        echanges = echanges.filter(start_date__year=year)
    duration = ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    finished = [ImmersionStatus.TERMINEE, ImmersionStatus.BILAN_FAIT]
    totals = immersions.aggregate(
        total=Count("pk"),
        average=Avg(duration),
        finished=Count("pk", filter=Q(status__in=finished)),
        with_bilan=Count("pk", filter=Q(status=ImmersionStatus.BILAN_FAIT)),
    )
    average = totals["average"]
    average_days = None
    if average is not None:
        # Both ends count as days of immersion.
        average_days = round(average / datetime.timedelta(days=1) + 1, 1)
    share = round(100 * totals["with_bilan"] / totals["finished"]) if totals["finished"] else None
    today = timezone.localdate()
    services = (
        service_visible_to(user, Organisation.objects.filter(cliquet__isnull=False))
        .select_related("parent__parent")
        .annotate(away=away_today(today))
        .order_by("parent__name", "name")
    )
    return {
        "total": totals["total"],
        "average_days": average_days,
        "finished": totals["finished"],
        "with_bilan": totals["with_bilan"],
        "bilan_share": share,
        "by_ministry": _rows(immersions, "origin__name"),
        "by_kind": _rows(immersions, "kind", ImmersionKind),
        "by_status": _rows(immersions, "status", ImmersionStatus),
        "by_year": sorted(_rows(immersions, "start_date__year"), key=lambda row: row["label"]),
        "echanges_total": echanges.count(),
        "echanges_by_status": _rows(echanges, "status", EchangeStatus),
        "echanges_by_ministry": _rows(echanges, "origin__name"),
        "services": list(services),
    }
