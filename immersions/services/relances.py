"""Reminders sent by Celery beat. Each one is recorded (unique per object and kind) before its email
is queued, in the same transaction: a second run, or two workers at once, never send it twice."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.services import lead_emails
from fabrique.core.emails import send_templated_email
from fabrique.core.working_days import subtract_working_days
from immersions.emails import absolute_url
from immersions.enums import EchangeStatus, ImmersionStatus, Party, RelanceKind
from immersions.models import EchangeTalent, Immersion, Relance
from immersions.services.echanges import agent_link
from immersions.services.immersions import tutor_link


def _addresses(recipients):
    return sorted({r.lower() for r in recipients if r})


def _send_once(kind, obj, recipients, context, *, separately=()):
    """Record the reminder and queue its email(s); False if it was already recorded.

    `separately` holds (recipients, context) pairs sent as their own email: a message meant for one
    person only (the tutor's single-use link) never reaches the others' inboxes.
    """
    emails = [(_addresses(recipients), context)] + [(_addresses(r), c) for r, c in separately]
    everyone = sorted({address for addresses, _context in emails for address in addresses})
    owner = {"immersion": obj} if isinstance(obj, Immersion) else {"echange": obj}
    try:
        with transaction.atomic():
            Relance.objects.create(kind=kind, recipients=", ".join(everyone), **owner)
            for addresses, email_context in emails:
                if addresses:
                    send_templated_email(
                        "immersions/emails/rappel",
                        addresses,
                        {"kind": RelanceKind(kind).label, "reference": obj.reference, **email_context},
                    )
    except IntegrityError:
        return False
    return True


def send_due_reminders(today=None):
    """Send today's reminders; returns how many were sent."""
    today = today or timezone.localdate()
    waiting_since = subtract_working_days(today, settings.IMMERSION_REMINDER_WORKING_DAYS)
    sent = 0

    immersions = Immersion.objects.with_relations()
    for immersion in immersions.filter(
        status=ImmersionStatus.SOUMISE, status_changed_at__date__lte=waiting_since
    ).exclude(relances__kind=RelanceKind.ATTENTE_ORIGINE):
        sent += _send_once(
            RelanceKind.ATTENTE_ORIGINE,
            immersion,
            [*lead_emails(immersion.origin_id), immersion.manager_email],
            {
                "message": _("Une demande d'immersion attend votre décision depuis cinq jours ouvrés."),
                "url": absolute_url(reverse("immersions:immersion_detail", args=[immersion.pk])),
            },
        )
    for immersion in immersions.filter(
        status=ImmersionStatus.ACCEPTEE_ORIGINE, status_changed_at__date__lte=waiting_since
    ).exclude(relances__kind=RelanceKind.ATTENTE_ACCUEIL):
        # The tutor's single-use link goes to the tutor alone; the host's leads get the page's address.
        tutor = immersion.tutor_email.lower()
        host_leads = [] if immersion.confidential else lead_emails(immersion.host_id)
        sent += _send_once(
            RelanceKind.ATTENTE_ACCUEIL,
            immersion,
            [email for email in host_leads if email.lower() != tutor],
            {
                "message": _(
                    "Une demande d'immersion attend la décision de l'accueil depuis cinq jours ouvrés. "
                    "Le tuteur a reçu son propre lien pour répondre sans compte."
                ),
                "url": absolute_url(reverse("immersions:immersion_detail", args=[immersion.pk])),
            },
            separately=[
                (
                    [tutor],
                    {
                        "message": _(
                            "Une demande d'immersion attend votre décision depuis cinq jours ouvrés. "
                            "Vous pouvez répondre sans compte avec ce lien à usage unique :"
                        ),
                        "url": tutor_link(immersion),
                    },
                )
            ],
        )
    for immersion in immersions.filter(status=ImmersionStatus.TERMINEE).exclude(
        relances__kind=RelanceKind.BILAN_DU
    ):
        sent += _send_once(
            RelanceKind.BILAN_DU,
            immersion,
            [*lead_emails(immersion.origin_id), immersion.manager_email, immersion.tutor_email],
            {
                "message": _("L'immersion est terminée : son bilan est à faire."),
                "url": absolute_url(reverse("immersions:immersion_bilan", args=[immersion.pk])),
            },
        )

    echanges = EchangeTalent.objects.with_relations()
    for echange in echanges.filter(
        status=EchangeStatus.SOUMISE, status_changed_at__date__lte=waiting_since
    ).exclude(relances__kind=RelanceKind.ATTENTE_ORIGINE):
        sent += _send_once(
            RelanceKind.ATTENTE_ORIGINE,
            echange,
            lead_emails(echange.origin_id),
            {
                "message": _("Une convention attend la validation de l'origine depuis cinq jours ouvrés."),
                "url": absolute_url(reverse("immersions:echange_detail", args=[echange.pk])),
            },
        )
    for echange in echanges.filter(
        status=EchangeStatus.VALIDEE_ORIGINE, status_changed_at__date__lte=waiting_since
    ).exclude(relances__kind=RelanceKind.ATTENTE_ACCUEIL):
        sent += _send_once(
            RelanceKind.ATTENTE_ACCUEIL,
            echange,
            lead_emails(echange.host_id),
            {
                "message": _("Une convention attend la validation de l'accueil depuis cinq jours ouvrés."),
                "url": absolute_url(reverse("immersions:echange_detail", args=[echange.pk])),
            },
        )
    for echange in echanges.filter(
        Q(agent_agreed_at__isnull=True) | Q(origin_agreed_at__isnull=True) | Q(host_agreed_at__isnull=True),
        status=EchangeStatus.VALIDEE_ACCUEIL,
        status_changed_at__date__lte=waiting_since,
    ).exclude(relances__kind=RelanceKind.ACCORDS_ATTENDUS):
        sent += _send_agreements_reminder(echange)
    return_due = today + datetime.timedelta(days=settings.ECHANGE_RETURN_REMINDER_DAYS)
    for echange in echanges.filter(
        status__in=[EchangeStatus.SIGNEE, EchangeStatus.EN_COURS], end_date__lte=return_due
    ).exclude(relances__kind=RelanceKind.RETOUR_A_PREPARER):
        sent += _send_once(
            RelanceKind.RETOUR_A_PREPARER,
            echange,
            [*lead_emails(echange.origin_id), echange.agent_email],
            {
                "message": _(
                    "La convention se termine le %(end)s : préparez le retour de l'agent (entretien, "
                    "poste au retour)."
                )
                % {"end": echange.end_date.strftime("%d/%m/%Y")},
                "url": absolute_url(reverse("immersions:echange_detail", args=[echange.pk])),
            },
        )
    return sent


def _send_agreements_reminder(echange):
    """Each party that has not given its agreement is reminded: the leads of that side get the page's
    address, the agent a fresh single-use link of their own (sent to them alone)."""
    missing = []
    leads = []
    if not echange.origin_agreed_at:
        missing.append(Party.ORIGINE)
        leads.extend(lead_emails(echange.origin_id))
    if not echange.host_agreed_at:
        missing.append(Party.ACCUEIL)
        leads.extend(lead_emails(echange.host_id))
    agent = echange.agent_email.lower()
    separately = []
    if not echange.agent_agreed_at:
        missing.insert(0, Party.AGENT)
        separately.append(
            (
                [agent],
                {
                    "message": _(
                        "La convention d'échange de talents attend votre accord depuis cinq jours ouvrés. "
                        "Vous pouvez le donner sans compte avec ce lien à usage unique :"
                    ),
                    "url": agent_link(echange),
                },
            )
        )
    parties = ", ".join(str(Party(party).label) for party in missing)
    return _send_once(
        RelanceKind.ACCORDS_ATTENDUS,
        echange,
        [email for email in leads if email.lower() != agent],
        {
            "message": _(
                "La convention attend depuis cinq jours ouvrés l'accord de : %(parties)s. Donnez l'accord "
                "de votre structure depuis sa page."
            )
            % {"parties": parties},
            "url": absolute_url(reverse("immersions:echange_detail", args=[echange.pk])),
        },
        separately=separately,
    )
