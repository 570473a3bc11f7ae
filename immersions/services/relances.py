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
from immersions.emails import absolute_url, detail_url
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


def _remind(kind, obj, recipients, message, *, url=None, separately=()):
    """One reminder of `kind` about `obj`: a message and the page to act on (its detail page by default)."""
    context = {"message": message, "url": url or detail_url(obj)}
    return _send_once(kind, obj, recipients, context, separately=separately)


def _not_reminded(queryset, kind, **conditions):
    return queryset.filter(**conditions).exclude(relances__kind=kind)


def send_due_reminders(today=None):
    """Send today's reminders; returns how many were sent."""
    today = today or timezone.localdate()
    waiting_since = {
        "status_changed_at__date__lte": subtract_working_days(today, settings.IMMERSION_REMINDER_WORKING_DAYS)
    }
    immersions = Immersion.objects.with_relations()
    echanges = EchangeTalent.objects.with_relations()
    sent = 0
    kind = RelanceKind.ATTENTE_ORIGINE
    for immersion in _not_reminded(immersions, kind, status=ImmersionStatus.SOUMISE, **waiting_since):
        recipients = [*lead_emails(immersion.origin_id), immersion.manager_email]
        message = _("Une demande d'immersion attend votre décision depuis cinq jours ouvrés.")
        sent += _remind(kind, immersion, recipients, message)
    for echange in _not_reminded(echanges, kind, status=EchangeStatus.SOUMISE, **waiting_since):
        message = _("Une convention attend la validation de l'origine depuis cinq jours ouvrés.")
        sent += _remind(kind, echange, lead_emails(echange.origin_id), message)
    kind = RelanceKind.ATTENTE_ACCUEIL
    for immersion in _not_reminded(
        immersions, kind, status=ImmersionStatus.ACCEPTEE_ORIGINE, **waiting_since
    ):
        sent += _send_host_reminder(immersion)
    for echange in _not_reminded(echanges, kind, status=EchangeStatus.VALIDEE_ORIGINE, **waiting_since):
        message = _("Une convention attend la validation de l'accueil depuis cinq jours ouvrés.")
        sent += _remind(kind, echange, lead_emails(echange.host_id), message)
    kind = RelanceKind.BILAN_DU
    for immersion in _not_reminded(immersions, kind, status=ImmersionStatus.TERMINEE):
        recipients = [*lead_emails(immersion.origin_id), immersion.manager_email, immersion.tutor_email]
        url = absolute_url(reverse("immersions:immersion_bilan", args=[immersion.pk]))
        sent += _remind(
            kind, immersion, recipients, _("L'immersion est terminée : son bilan est à faire."), url=url
        )
    missing = (
        Q(agent_agreed_at__isnull=True) | Q(origin_agreed_at__isnull=True) | Q(host_agreed_at__isnull=True)
    )
    kind = RelanceKind.ACCORDS_ATTENDUS
    for echange in _not_reminded(
        echanges, kind, status=EchangeStatus.VALIDEE_ACCUEIL, **waiting_since
    ).filter(missing):
        sent += _send_agreements_reminder(echange)
    return_due = today + datetime.timedelta(days=settings.ECHANGE_RETURN_REMINDER_DAYS)
    kind = RelanceKind.RETOUR_A_PREPARER
    running = [EchangeStatus.SIGNEE, EchangeStatus.EN_COURS]
    for echange in _not_reminded(echanges, kind, status__in=running, end_date__lte=return_due):
        message = _(
            "La convention se termine le %(end)s : préparez le retour de l'agent (entretien, poste au "
            "retour)."
        ) % {"end": echange.end_date.strftime("%d/%m/%Y")}
        sent += _remind(kind, echange, [*lead_emails(echange.origin_id), echange.agent_email], message)
    return sent


def _send_host_reminder(immersion):
    """The host's leads get the page's address; the tutor's single-use link goes to the tutor alone."""
    tutor = immersion.tutor_email.lower()
    host_leads = [] if immersion.confidential else lead_emails(immersion.host_id)
    message = _(
        "Une demande d'immersion attend la décision de l'accueil depuis cinq jours ouvrés. "
        "Le tuteur a reçu son propre lien pour répondre sans compte."
    )
    tutor_message = _(
        "Une demande d'immersion attend votre décision depuis cinq jours ouvrés. "
        "Vous pouvez répondre sans compte avec ce lien à usage unique :"
    )
    return _remind(
        RelanceKind.ATTENTE_ACCUEIL,
        immersion,
        [email for email in host_leads if email.lower() != tutor],
        message,
        separately=[([tutor], {"message": tutor_message, "url": tutor_link(immersion)})],
    )


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
    message = _(
        "La convention attend depuis cinq jours ouvrés l'accord de : %(parties)s. Donnez l'accord "
        "de votre structure depuis sa page."
    ) % {"parties": parties}
    recipients = [email for email in leads if email.lower() != agent]
    return _remind(RelanceKind.ACCORDS_ATTENDUS, echange, recipients, message, separately=separately)
