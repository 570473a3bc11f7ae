"""The booklet's render: the template context built in a fixed number of queries, checked, and turned into
HTML then PDF by `fabrique.core.pdf` (the restricted fetcher). Its versions' life is in `versions.py`, the
attendance certificates in `attestations.py`."""

import hashlib
import html
import logging
import re

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accompagnement.models import Charte, fold
from ateliers.enums import Annexe2, InscriptionStatus, SequenceKind
from ateliers.livret.models import (
    RICH_TEXT_MAX_DEPTH,
    max_nesting_depth,
    sanitise_rich_text,
)
from ateliers.livret.services.annexe import grouper, listees
from ateliers.models import (
    Atelier,
    Contribution,
    GroupeTravail,
    Inscription,
    Intervenant,
    Question,
    ReglagesLivret,
    Sequence,
)
from fabrique.core.pdf import TAGGED, render_html_to_pdf
from fabrique.core.richtext import text_of

logger = logging.getLogger(__name__)

LIVRET_TEMPLATE = "ateliers/livret/livret.html"
# The whole booklet's captured text, all séquences together (a 40-page booklet holds about 120,000).
MAX_CONTENT_CHARS = 300_000

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


def in_booklet_order(sequences):
    """The séquences as the booklet prints them: by kind in PART_ORDER, then running order."""
    rank = {kind: index for index, kind in enumerate(PART_ORDER)}
    return sorted(sequences, key=lambda s: (rank.get(s.kind, len(rank)), s.order, s.pk))


class LivretError(Exception):
    """A booklet action refused, with a message for staff."""


class LivretContentError(LivretError):
    """Content the booklet will not lay out; the version fails with this readable reason."""


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
