"""The booklet (livret de restitution): its template context, rendering, publication and delivery.

The flow: staff ask for a version (`request_version`: a row "en attente", the task queued after commit)
> the worker calls `render_version` (row "en cours", context built in `build_context` with a fixed number
of queries, PDF rendered by `fabrique.core.pdf`, which may read from the storage this booklet's speakers'
photos
and no other uploaded file, file saved once on the row, "prêt") > staff publish it
(`publish`: one published version per workshop, participants told) > participants download it.
`sweep_stuck` puts back versions whose worker died, a bounded number of times, then fails them.
"""

import hashlib
import html
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accompagnement.models import Charte, fold, roots_of
from accompagnement.services import invitation_url
from ateliers.enums import LIVRET_STEPS, Annexe2, AtelierStatus, InscriptionStatus, Presence, SequenceKind
from ateliers.livret.models import (
    RICH_TEXT_MAX_DEPTH,
    attestation_upload_to,
    livret_upload_to,
    max_nesting_depth,
    sanitise_rich_text,
)
from ateliers.livret.services import liens
from ateliers.livret.services.annexe import grouper, listees
from ateliers.models import (
    Atelier,
    Attestation,
    Contribution,
    GroupeTravail,
    Inscription,
    Intervenant,
    LienLivret,
    Livret,
    LivretTransition,
    Question,
    ReglagesLivret,
    Sequence,
)
from ateliers.permissions import can_manage
from ateliers.services import atelier as atelier_services
from fabrique.core.emails import send_templated_email
from fabrique.core.enums import DocumentStatus
from fabrique.core.jobs import Job
from fabrique.core.pdf import TAGGED, render_html_to_pdf, render_pdf_document
from fabrique.core.richtext import text_of
from fabrique.core.workflow import SYSTEM, Workflow

logger = logging.getLogger(__name__)

LIVRET_TEMPLATE = "ateliers/livret/livret.html"
ATTESTATION_TEMPLATE = "ateliers/livret/attestation.html"
EMAIL_PUBLISHED = "ateliers/livret/emails/livret_publie"
EMAIL_LINK = "ateliers/livret/emails/livret_lien"  # to participants who cannot log in
# The whole booklet's captured text, all séquences together (a 40-page booklet holds about 120,000).
MAX_CONTENT_CHARS = 300_000
# A version "en cours" (or queued) for longer than this has lost its worker: above the task's hard limit.
STUCK_AFTER = timedelta(seconds=settings.LIVRET_STUCK_AFTER_SECONDS)
MAX_ATTEMPTS = 3

# The booklet's parts follow the launch workshop's booklet (domain.md), whatever the running order says.
PART_ORDER = [
    SequenceKind.OUVERTURE,
    SequenceKind.FEUILLE_DE_ROUTE,
    SequenceKind.DEBAT,
    SequenceKind.COMMUNICATION,
    SequenceKind.ATELIERS,
    SequenceKind.CLOTURE,
]
PART_LABELS = {
    SequenceKind.OUVERTURE: _("Ouverture"),
    SequenceKind.FEUILLE_DE_ROUTE: _("Feuille de route"),
    SequenceKind.DEBAT: _("Débat"),
    SequenceKind.COMMUNICATION: _("Communication"),
    SequenceKind.ATELIERS: _("Ateliers"),
    SequenceKind.CLOTURE: _("Clôture"),
}
READY_TO_PUBLISH = {AtelierStatus.TENU, AtelierStatus.RESTITUTION_PUBLIEE}


def in_booklet_order(sequences):
    """The séquences as the booklet prints them: by kind in PART_ORDER, then running order."""
    rank = {kind: index for index, kind in enumerate(PART_ORDER)}
    return sorted(sequences, key=lambda s: (rank.get(s.kind, len(rank)), s.order, s.pk))


class LivretError(Exception):
    """A booklet action refused, with a message for staff."""


class LivretContentError(LivretError):
    """Content the booklet will not lay out; the version fails with this readable reason."""


# --- Attendance certificates: who is entitled -------------------------------------------------------


def attestation_inscription_for(user, atelier_id):
    """The registration that entitles `user` to an attendance certificate, or None."""
    if not user.is_authenticated:
        return None
    return (
        Inscription.objects.select_related("user", "organisation", "atelier")
        .filter(atelier_id=atelier_id, user=user, status=InscriptionStatus.INSCRIT, presence=Presence.PRESENT)
        .first()
    )


# --- Template context ------------------------------------------------------------------------------


_QUOTE_AUTHOR = re.compile(
    r"<p>((?:—|--)[^<]*(?:<(?:em|strong)>[^<]*</(?:em|strong)>[^<]*)*)</p>(\s*</blockquote>)"
)
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_URL_NOISE = re.compile(r"^(?:https?://|mailto:)?(?:www\.)?|/$")


def _bare(url):
    return _URL_NOISE.sub("", html.unescape(url).strip()).lower()


def _printed_link(match):
    """A link keeps its words, followed by its address when the words do not already say it: a printed
    booklet cannot be clicked."""
    href, words = match.groups()
    if not href or _bare(text_of(words)) == _bare(href):
        return match.group(0)
    shown = href.removeprefix("mailto:")
    return f'{match.group(0)}<span class="lien-adresse"> ({shown})</span>'


def _rich(value):
    """Rich text as the template receives it: cleaned again (defence in depth), a pull quote's last line
    starting with « — » marked as its author, links followed by their address, then marked safe.

    Pull quotes stay exactly where the writer put them, between the paragraphs around them."""
    cleaned = sanitise_rich_text(value)
    cleaned = _QUOTE_AUTHOR.sub(r'<p class="citation-auteur">\1</p>\2', cleaned)
    return mark_safe(
        _LINK.sub(_printed_link, cleaned.replace("<blockquote>", '<blockquote class="citation">'))
    )


def _speaker(intervenant, *, first_time):
    """A speaker as a part presents them: the photo and the few lines of portrait print in the first
    part they speak in (later parts name them with their photo only)."""
    return {
        "name": f"{intervenant.first_name} {intervenant.last_name}",
        "role": intervenant.role,
        "organisation": intervenant.organisation_label
        or (intervenant.organisation.short_name if intervenant.organisation_id else ""),
        "photo": intervenant.photo.name if intervenant.photo else "",
        "portrait": _rich(intervenant.portrait) if first_time else "",
    }


def _part(sequence, number, seen_speakers):
    contenu = getattr(sequence, "contenu", None)
    label = PART_LABELS[sequence.kind]
    # "Débat : accompagner…" already says which part it is: the sommaire does not repeat "Débat".
    heading = (
        sequence.title if fold(sequence.title).startswith(fold(label)) else f"{label} — {sequence.title}"
    )
    speakers = []
    for intervenant in sequence.intervenants.all():
        speakers.append(_speaker(intervenant, first_time=intervenant.pk not in seen_speakers))
        seen_speakers.add(intervenant.pk)
    return {
        "anchor": f"partie-{number}",
        "number": number,
        "kind": sequence.kind,
        "label": label,
        "title": sequence.title,
        "heading": f"{number}. {heading}",
        "description": sequence.description,
        "speakers": speakers,
        "texte": _rich(contenu.texte) if contenu else "",
        "points_cles": _rich(contenu.points_cles) if contenu else "",
        "questions": [
            {
                "question": q.question,
                "asked_by": q.asked_by,
                "reponses": [{"answered_by": r.answered_by, "text": _rich(r.text)} for r in q.reponses.all()],
            }
            for q in sequence.questions.all()
        ],
        "contributions": [
            {"organisation": c.organisation_name, "speaker": c.speaker, "text": _rich(c.text)}
            for c in sequence.contributions.all()
        ],
        "groupes": [
            {
                "title": g.title,
                "theme": g.theme,
                "facilitator": g.facilitator,
                "synthese": _rich(g.synthese),
                "constats": [c.text for c in g.constats.all()],
            }
            for g in sequence.groupes.all()
        ],
        "ressources": [
            {"title": r.title, "description": _rich(r.description), "link": r.link}
            for r in sequence.ressources.all()
        ],
    }


def _participant_groups(inscriptions, atelier):
    """Annex 1: those present (or all confirmed when presence was not taken) who consented, under the
    headings, in the order and with the name format set for this booklet
    (`ateliers.livret.services.annexe`)."""
    presence_taken, listed = listees(inscriptions)
    groups = [
        {
            "name": rubrique.intitule,
            "people": [{"name": p.nom_affiche, "precision": p.precision} for p in rubrique.personnes],
        }
        for rubrique in grouper(listed, atelier)
    ]
    return presence_taken, groups


def charte_in_force(at):
    """The charter version in force at `at`; failing that, the first one adopted after (flagged)."""
    charte = Charte.objects.filter(published_at__lte=at).order_by("-version").first()
    if charte is not None:
        return charte, True
    return Charte.objects.filter(published_at__isnull=False).order_by("version").first(), False


def _charte_blocks(text):
    """The charter's plain text as blocks: a blank line separates paragraphs, "- " opens a point."""
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        items = [line[2:].strip() for line in lines if line.startswith("- ")]
        others = [line for line in lines if not line.startswith("- ")]
        if items:
            blocks.append({"heading": " ".join(others), "points": items})
        elif others:
            blocks.append({"text": " ".join(others)})
    return blocks


def _reglages(atelier):
    """The booklet's back-matter settings, or an unsaved default (charter as annex 2, nothing else).
    No query when the atelier was read with `select_related("reglages_livret")`, one otherwise."""
    try:
        return atelier.reglages_livret
    except ReglagesLivret.DoesNotExist:
        return ReglagesLivret()  # not tied to `atelier`: its cached "no settings" stays true


def _annexes(reglages, atelier):
    """The annexes actually printed, numbered in order: the participant list, then the second annex as
    chosen (the charter in force at the workshop's date, the booklet's own text, or none). An own text
    left empty prints nothing, so the sommaire never announces an empty annex."""
    annexes = [
        {
            "kind": "participants",
            "anchor": "annexe-participants",
            "title": _("Liste des participants"),
        }
    ]
    if reglages.annexe2 == Annexe2.CHARTE:
        charte, at_date = charte_in_force(atelier.starts_at)
        annexes.append(
            {
                "kind": "charte",
                "anchor": "annexe-charte",
                "title": charte.title if charte else _("Charte de la Fabrique de l'accompagnement RH"),
                "charte": charte,
                "charte_at_date": at_date,
                "blocks": _charte_blocks(charte.text) if charte else [],
            }
        )
    elif reglages.annexe2 == Annexe2.TEXTE and reglages.annexe2_texte.strip():
        annexes.append(
            {
                "kind": "texte",
                "anchor": "annexe-texte",
                "title": reglages.annexe2_titre or _("Document présenté lors de l'atelier"),
                "texte": _rich(reglages.annexe2_texte),
            }
        )
    for number, annexe in enumerate(annexes, start=1):
        annexe["number"] = number
        annexe["label"] = _("Annexe %(number)s") % {"number": number}
        annexe["heading"] = f"{annexe['label']} — {annexe['title']}"
    return annexes


def build_context(atelier):
    """Everything the booklet's templates show, read in exactly 15 queries (14 when annex 2 is not the
    charter; 16 when no charter version was in force at the workshop's date).

    `atelier` is an Atelier or its primary key (read with its programme and booklet settings). The number
    of queries does not depend on the number of participants, séquences, speakers and their portraits,
    questions and answers, contributions or groups: everything is fetched with select/prefetch_related,
    and the participant annex is grouped by `ateliers.livret.services.annexe.grouper` in a fixed 4 queries.
    `allowed_media` lists the storage names of the speakers' photos: the only uploaded files the PDF
    renderer may read.
    """
    if not isinstance(atelier, Atelier):
        atelier = Atelier.objects.select_related("programme", "reglages_livret").get(pk=atelier)
    reglages = _reglages(atelier)
    sequences = (
        Sequence.objects.filter(atelier=atelier)
        .select_related("contenu")
        .prefetch_related(
            Prefetch("intervenants", queryset=Intervenant.objects.select_related("organisation")),
            Prefetch("questions", queryset=Question.objects.prefetch_related("reponses")),
            Prefetch("contributions", queryset=Contribution.objects.select_related("organisation")),
            Prefetch("groupes", queryset=GroupeTravail.objects.prefetch_related("constats")),
            "ressources",
        )
    )
    ordered = in_booklet_order(sequences)
    seen_speakers = set()
    parts = [_part(sequence, number, seen_speakers) for number, sequence in enumerate(ordered, start=1)]
    inscriptions = Inscription.objects.filter(
        atelier=atelier, status=InscriptionStatus.INSCRIT
    ).select_related("user")
    presence_taken, groups = _participant_groups(inscriptions, atelier)
    date = timezone.localtime(atelier.starts_at)
    return {
        "title": _("Livret de restitution — %(title)s") % {"title": atelier.title},
        "atelier": atelier,
        "date_label": date_format(date, "l j F Y"),
        "date_iso": date.date().isoformat(),
        "parts": parts,
        "participant_groups": groups,
        "participant_count": sum(len(g["people"]) for g in groups),
        "presence_taken": presence_taken,
        "annexes": _annexes(reglages, atelier),
        "page_annexes": reglages.page_annexes,
        "quatrieme": _rich(reglages.quatrieme_couverture),
        "allowed_media": frozenset(s["photo"] for part in parts for s in part["speakers"] if s["photo"]),
    }


def check_content(context):
    """Refuse, with a reason staff can act on, content the booklet will not lay out."""
    size = 0
    for part in context["parts"]:
        rich = [part["texte"], part["points_cles"], part["description"]]
        rich += [s["portrait"] for s in part["speakers"]]
        rich += [q["question"] for q in part["questions"]]
        rich += [r["text"] for q in part["questions"] for r in q["reponses"]]
        rich += [c["text"] for c in part["contributions"]]
        for groupe in part["groupes"]:
            rich += [groupe["synthese"], *groupe["constats"]]
        rich += [r["description"] for r in part["ressources"]]
        size += sum(len(text) for text in rich)
        _check_depth(rich, part["title"])
    back_matter = [a["texte"] for a in context["annexes"] if a["kind"] == "texte"] + [context["quatrieme"]]
    size += sum(len(text) for text in back_matter)
    _check_depth(back_matter, _("Annexes et quatrième de couverture"))
    if size > MAX_CONTENT_CHARS:
        raise LivretContentError(
            _(
                "Le contenu du livret est trop volumineux (%(size)s caractères, %(max)s au plus) : "
                "résumez les textes les plus longs puis générez une nouvelle version."
            )
            % {"size": f"{size:,}".replace(",", " "), "max": f"{MAX_CONTENT_CHARS:,}".replace(",", " ")}
        )


def _check_depth(rich, where):
    deepest = max((max_nesting_depth(str(text)) for text in rich if "<" in str(text)), default=0)
    if deepest > RICH_TEXT_MAX_DEPTH:
        raise LivretContentError(
            _(
                "La partie « %(part)s » contient des listes imbriquées sur %(depth)s niveaux "
                "(%(max)s au plus) : simplifiez sa mise en forme puis générez une nouvelle version."
            )
            % {"part": where, "depth": deepest, "max": RICH_TEXT_MAX_DEPTH}
        )


def render_html(atelier, *, media_preview_url=None):
    """The booklet's HTML (staff preview), from the same context and template as the PDF.

    The speakers' photos are `media:` URLs that only the PDF renderer reads; a preview shown in a browser
    passes `media_preview_url` (a storage name -> the URL of a view that checks permissions) instead."""
    context = build_context(atelier)
    if media_preview_url is not None:
        context["media_preview_url"] = media_preview_url
    return render_to_string(LIVRET_TEMPLATE, context)


def _portrait_storage():
    """Where the speakers' photos live: the field's storage (the file system, or object storage)."""
    return Intervenant._meta.get_field("photo").storage


def render_context(context, *, variant=TAGGED):
    """Lay out a context from `build_context` as the booklet's PDF (the admin's and the benchmark's
    preview): the renderer may read this booklet's speakers' photos and nothing else uploaded."""
    return render_html_to_pdf(
        render_to_string(LIVRET_TEMPLATE, context),
        variant=variant,
        allowed_media=context["allowed_media"],
        storage=_portrait_storage(),
    )


def render_document(atelier):
    """Render the booklet of `atelier` now; returns (RenderedPdf, digest of its HTML)."""
    context = build_context(atelier)
    check_content(context)
    html_text = render_to_string(LIVRET_TEMPLATE, context)  # once: laid out as the PDF, and its digest
    rendered = render_html_to_pdf(
        html_text, allowed_media=context["allowed_media"], storage=_portrait_storage()
    )
    return rendered, hashlib.sha256(html_text.encode()).hexdigest()


def content_digest(atelier):
    """The digest of the booklet's current HTML: compare it with a version's to see if content changed."""
    return hashlib.sha256(render_html(atelier).encode()).hexdigest()


def filename(livret):
    """The readable name participants download: livret-restitution-<date>-<slug>.pdf."""
    date = timezone.localtime(livret.atelier.starts_at).date().isoformat()
    return f"livret-restitution-{date}-{slugify(livret.atelier.title)[:60]}.pdf"


# --- Lifecycle -------------------------------------------------------------------------------------


RENDER = Job("ateliers.render_livret")
RENDER_ATTESTATIONS = Job("ateliers.render_attestations")

# Nobody but the worker (the system role) moves a version: no user holds a role on it.
WORKFLOW = Workflow(Livret, LivretTransition, steps=LIVRET_STEPS, roles=lambda user, livret: set())


def _worker_step(livret, to, **changes):
    """One step of the render, made by the worker (or its sweeper) through the workflow; logged."""
    WORKFLOW.check(livret, to, {SYSTEM})
    WORKFLOW.apply(livret, to, by=None, reason=changes.get("error", ""), changes=changes)


def request_version(atelier, *, by):
    """Ask for a new version of the booklet of `atelier`: a row "en attente", rendered after commit.

    Versions are numbered per workshop; earlier ones (and the published one) are kept untouched.
    """
    if not can_manage(by):
        raise LivretError(_("Seule l'équipe d'animation peut générer un livret."))
    with transaction.atomic():
        locked = Atelier.objects.select_for_update().get(pk=atelier.pk)
        if locked.status == AtelierStatus.ANNULE:
            raise LivretError(_("Un atelier annulé n'a pas de livret de restitution."))
        last = locked.livrets.order_by("-version").values_list("version", flat=True).first() or 0
        livret = Livret.objects.create(
            atelier=locked, version=last + 1, requested_by=by, queued_at=timezone.now()
        )
        WORKFLOW.log(livret, "", DocumentStatus.EN_ATTENTE, by=by)
        RENDER.enqueue_on_commit(livret_pk=livret.pk)
    return livret


def _start(livret_pk):
    """Mark the version "en cours" (one more attempt); None when there is nothing to do."""
    with transaction.atomic():
        livret = (
            Livret.objects.select_for_update()
            .select_related("atelier__programme")
            .filter(pk=livret_pk)
            .first()
        )
        if livret is None or livret.status in {DocumentStatus.PRET, DocumentStatus.ECHEC}:
            return None
        if livret.attempts >= MAX_ATTEMPTS:
            # Redelivered after its worker died each time (a render killed by the hard time limit, say).
            _give_up(
                livret,
                _(
                    "Le rendu a été interrompu %(attempts)s fois (worker arrêté ou limite de temps "
                    "dépassée) : allégez le contenu puis générez une nouvelle version."
                ),
            )
            return None
        started = {"started_at": timezone.now(), "attempts": livret.attempts + 1}
        if livret.status == DocumentStatus.EN_COURS:  # redelivered: its worker died mid-render
            for name, value in started.items():
                setattr(livret, name, value)
            livret.save(update_fields=list(started))
        else:
            _worker_step(livret, DocumentStatus.EN_COURS, **started)
    return livret


def _give_up(livret, message):
    """No more attempts: the version fails with `message` (its %(attempts)s filled in)."""
    _worker_step(livret, DocumentStatus.ECHEC, error=message % {"attempts": livret.attempts})
    logger.warning("Livret %s: failed after %s attempts", livret.pk, livret.attempts)


def _fail(livret_pk, reason):
    with transaction.atomic():
        livret = Livret.objects.select_for_update().filter(pk=livret_pk).first()
        if livret is None or livret.status != DocumentStatus.EN_COURS:
            return
        _worker_step(livret, DocumentStatus.ECHEC, error=reason[:2000])
    logger.warning("Livret %s: rendering failed: %s", livret_pk, reason)


def _store(livret_pk, rendered, digest):
    """Save the file once: a concurrent or repeated run of the same version finds it ready and stops."""
    with transaction.atomic():
        livret = Livret.objects.select_for_update().get(pk=livret_pk)
        if livret.status == DocumentStatus.PRET:
            return livret
        name = f"livret-atelier-{livret.atelier_id}-v{livret.version}.pdf"
        storage = livret.file.storage
        path = livret_upload_to(livret, name)
        if storage.exists(path):  # left by a run killed between writing and committing
            storage.delete(path)
        livret.store(name, rendered)
        stored = {field: getattr(livret, field) for field in Livret.STORED_FIELDS}
        _worker_step(livret, DocumentStatus.PRET, content_digest=digest, **stored)
    return livret


def render_version(livret_pk):
    """Render one version (the task's body). Idempotent: a ready or failed version is left as it is."""
    livret = _start(livret_pk)
    if livret is None:
        return Livret.objects.filter(pk=livret_pk).first()
    try:
        rendered, digest = render_document(livret.atelier)
    except LivretContentError as exc:
        _fail(livret_pk, str(exc))
    except SoftTimeLimitExceeded:
        _fail(
            livret_pk,
            _("Le rendu a dépassé la limite de temps (%(seconds)s s) : allégez le contenu puis réessayez.")
            % {"seconds": settings.LIVRET_SOFT_TIME_LIMIT},
        )
    except Exception as exc:
        logger.exception("Livret %s: unexpected rendering error", livret_pk)
        _fail(
            livret_pk,
            _("Erreur inattendue pendant le rendu (%(kind)s) : %(message)s")
            % {"kind": type(exc).__name__, "message": str(exc)[:300]},
        )
    else:
        return _store(livret_pk, rendered, digest)
    return Livret.objects.get(pk=livret_pk)


@dataclass
class SweepResult:
    requeued: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def sweep_stuck(*, older_than=STUCK_AFTER, max_attempts=MAX_ATTEMPTS):
    """Put back versions whose worker died (or whose message was lost), at most `max_attempts` times.

    A version "en cours" since before the cut-off is queued again while it has attempts left, else it
    fails with a reason. A version still "en attente" long after it was asked for fails the same way.
    """
    now = timezone.now()
    cutoff = now - older_than
    result = SweepResult()
    with transaction.atomic():
        for livret in Livret.objects.bloques(cutoff).select_for_update(skip_locked=True):
            never_started = livret.status == DocumentStatus.EN_ATTENTE
            too_old = livret.requested_at < now - older_than * max_attempts
            if livret.attempts >= max_attempts or (never_started and too_old):
                _give_up(
                    livret,
                    _(
                        "Le rendu n'a pas abouti après %(attempts)s tentative(s) : le worker a été "
                        "interrompu ou n'a jamais pris la demande. Générez une nouvelle version."
                    ),
                )
                result.failed.append(livret.pk)
            else:
                if livret.status == DocumentStatus.EN_COURS:
                    _worker_step(livret, DocumentStatus.EN_ATTENTE, queued_at=now)
                else:  # waiting since long: its message was lost, queue it again
                    livret.queued_at = now
                    livret.save(update_fields=["queued_at"])
                logger.info("Livret %s: queued again (attempt %s)", livret.pk, livret.attempts + 1)
                RENDER.enqueue_on_commit(livret_pk=livret.pk)
                result.requeued.append(livret.pk)
    return result


def publish(livret, *, by, notify=True):
    """Make `livret` the workshop's published version and tell its participants.

    The version must be ready and the workshop held. The previous published version (if any) stays
    stored but is no longer served; "diffusée au réseau" carries over to the new one. The workshop moves
    to "restitution publiée" the first time. Attendance certificates are rendered after commit.
    With `notify=False` (demo data) nobody is emailed and certificates render on first download.
    """
    if not can_manage(by):
        raise LivretError(_("Seule l'équipe d'animation peut publier un livret."))
    with transaction.atomic():
        atelier = Atelier.objects.select_for_update().get(pk=livret.atelier_id)
        locked = Livret.objects.select_for_update().get(pk=livret.pk)
        if locked.published:
            return locked
        if locked.status != DocumentStatus.PRET:
            raise LivretError(_("Seule une version prête peut être publiée."))
        if atelier.status not in READY_TO_PUBLISH:
            raise LivretError(
                _("L'atelier doit d'abord être marqué « Tenu » (statut actuel : %(status)s).")
                % {"status": atelier.get_status_display()}
            )
        previous = atelier.livrets.filter(published=True).first()
        if previous is not None:
            previous.published = False
            previous.save(update_fields=["published"])
        locked.published = True
        locked.published_at = timezone.now()
        locked.published_by = by
        locked.diffuse_reseau = bool(previous and previous.diffuse_reseau)
        locked.diffuse_at = previous.diffuse_at if locked.diffuse_reseau else None
        locked.save(
            update_fields=["published", "published_at", "published_by", "diffuse_reseau", "diffuse_at"]
        )
        if atelier.status == AtelierStatus.TENU:
            atelier_services.transition(atelier, AtelierStatus.RESTITUTION_PUBLIEE, by=by)
        locked.atelier = atelier
        if notify:
            _notify_participants(locked, update=previous is not None)
            RENDER_ATTESTATIONS.enqueue_on_commit(atelier_pk=atelier.pk)
    return locked


def _notify_participants(livret, *, update):
    """Tell every confirmed participant the booklet is out; the emails leave after commit.

    Who can log in (an active account with a password) gets the usual email pointing to the download.
    Who cannot (imported without a password, or deactivated) is never told to log in: they get a signed,
    single-use, expiring link to this booklet (`ateliers.livret.services.liens`) and, when the account is
    active,
    the invitation to choose a password. Each publication, a new version's too, sends new links.
    """
    atelier = livret.atelier
    url = settings.SITE_URL + reverse("ateliers:livret_pdf", args=[atelier.pk])
    attestation_url = settings.SITE_URL + reverse("ateliers:attestation_pdf", args=[atelier.pk])
    inscriptions = list(
        Inscription.objects.filter(atelier_id=atelier.pk, status=InscriptionStatus.INSCRIT)
        .select_related("user")
        .order_by("pk")
    )
    can_log_in = {i.pk for i in inscriptions if i.user.is_active and i.user.has_usable_password()}
    for inscription in (i for i in inscriptions if i.pk in can_log_in):
        send_templated_email(
            EMAIL_PUBLISHED,
            [inscription.user.email],
            {
                "user": inscription.user,
                "atelier": atelier,
                "livret": livret,
                "url": url,
                "attestation_url": attestation_url,
                "update": update,
                "present": inscription.presence == Presence.PRESENT,
            },
        )
    without_login = [i for i in inscriptions if i.pk not in can_log_in]
    # « the link you received for the previous version no longer works » only to those who received one.
    had_link = set(
        LienLivret.objects.filter(inscription__in=without_login).values_list("inscription_id", flat=True)
    )
    for issued in liens.create_links(without_login):
        inscription = issued.lien.inscription
        user = inscription.user
        send_templated_email(
            EMAIL_LINK,
            [user.email],
            {
                "participant": user,
                "inscription": inscription,
                "atelier": atelier,
                "livret": livret,
                "atelier_url": settings.SITE_URL + reverse("ateliers:atelier_detail", args=[atelier.pk]),
                "mes_inscriptions_url": settings.SITE_URL + reverse("ateliers:mes_inscriptions"),
                "link_url": issued.url,
                "expires_at": issued.lien.expires_at,
                "invitation_url": invitation_url(user) if user.is_active else None,
                "invitation_days": settings.INVITATION_LINK_DAYS,
                "update": update and inscription.pk in had_link,
                "present": inscription.presence == Presence.PRESENT,
            },
        )


def spread(livret, *, by):
    """Mark the published version "diffusée au réseau": every member may then download it."""
    if not can_manage(by):
        raise LivretError(_("Seule l'équipe d'animation peut diffuser un livret."))
    with transaction.atomic():
        locked = Livret.objects.select_for_update().get(pk=livret.pk)
        if not locked.published:
            raise LivretError(_("Seule la version publiée peut être diffusée au réseau."))
        if not locked.diffuse_reseau:
            locked.diffuse_reseau = True
            locked.diffuse_at = timezone.now()
            locked.save(update_fields=["diffuse_reseau", "diffuse_at"])
    return locked


def published_version(atelier_id):
    return Livret.objects.select_related("atelier").filter(atelier_id=atelier_id, published=True).first()


# --- Attendance certificates ----------------------------------------------------------------------


def attestation_context(inscription):
    atelier = inscription.atelier
    start, end = timezone.localtime(atelier.starts_at), timezone.localtime(atelier.ends_at)
    organisation = inscription.organisation
    root = roots_of([organisation])[organisation.pk]
    return {
        "title": _("Attestation de participation — %(name)s") % {"name": inscription.user.display_name},
        "inscription": inscription,
        "user": inscription.user,
        "organisation": str(root),
        "service": organisation.name if organisation.pk != root.pk else "",
        "atelier": atelier,
        "date_label": date_format(start, "l j F Y"),
        "hours_label": f"{start.hour} h {start:%M} à {end.hour} h {end:%M}",
        "issued_label": date_format(timezone.localtime(), "j F Y"),
    }


def render_attestation(inscription):
    """Render (or re-use) the attendance certificate of a present participant. Idempotent."""
    if inscription.status != InscriptionStatus.INSCRIT or inscription.presence != Presence.PRESENT:
        raise LivretError(_("Une attestation n'est délivrée qu'aux participants présents."))
    existing = Attestation.objects.filter(inscription=inscription).first()
    if existing is not None and existing.file:
        return existing
    rendered = render_pdf_document(ATTESTATION_TEMPLATE, attestation_context(inscription))
    name = f"attestation-{inscription.pk}.pdf"
    with transaction.atomic():
        attestation = Attestation.objects.select_for_update().filter(inscription=inscription).first()
        if attestation is not None and attestation.file:
            return attestation
        attestation = attestation or Attestation(inscription=inscription)
        storage = attestation.file.storage
        path = attestation_upload_to(attestation, name)
        if storage.exists(path):
            storage.delete(path)
        attestation.store(name, rendered)
        attestation.status = DocumentStatus.PRET
        attestation.save()
    return attestation


def render_attestations(atelier_pk):
    """Render the certificates of every present participant still without one; returns how many."""
    inscriptions = Inscription.objects.filter(
        atelier_id=atelier_pk,
        status=InscriptionStatus.INSCRIT,
        presence=Presence.PRESENT,
        attestation__isnull=True,
    ).select_related("user", "organisation", "atelier")
    count = 0
    for inscription in inscriptions:
        render_attestation(inscription)
        count += 1
    return count


def attestation_filename(inscription):
    date = timezone.localtime(inscription.atelier.starts_at).date().isoformat()
    return f"attestation-participation-{date}-{slugify(inscription.user.display_name)[:40]}.pdf"
