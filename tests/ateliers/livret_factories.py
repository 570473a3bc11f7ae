"""Builders for the booklet tests and the benchmark: a held workshop with content and participants."""

import io
import re
import struct
import zlib

from django.core.files.base import ContentFile
from PIL import Image

from accompagnement.enums import OrganisationKind
from ateliers.enums import Presence, SequenceKind
from ateliers.models import (
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Intervenant,
    Question,
    Reponse,
    Ressource,
    Sequence,
)
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, member_of

PARTS = [
    (SequenceKind.OUVERTURE, "Ouverture de l'atelier"),
    (SequenceKind.FEUILLE_DE_ROUTE, "Tour de table : ce que font déjà les ministères"),
    (SequenceKind.DEBAT, "Débat : accompagner les mobilités choisies"),
    (SequenceKind.COMMUNICATION, "Un parcours de formation en ligne"),
    (SequenceKind.ATELIERS, "Ateliers en sous-groupes"),
]
PARAGRAPH = (
    "<p>Les têtes de réseau ont rappelé que l'accompagnement personnalisé suppose une offre lisible, "
    "des conseillers formés et des <strong>passerelles</strong> entre ministères. Chacun a décrit ses "
    "dispositifs, ses réussites et ses difficultés, afin que les pratiques circulent dans le réseau.</p>"
)


def paragraph(label):
    """PARAGRAPH opened by `label`, to find it in a PDF's text."""
    return PARAGRAPH.replace("<p>", f"<p>{label}. ", 1)


def quote(text, author="Camille Orateur"):
    """A pull quote as the editor writes it."""
    return f"<blockquote><p>« {text} »</p><p>— {author}</p></blockquote>"


def png(colour="#000091", size=(64, 64)):
    """A small PNG image's bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_header(width, height):
    """A PNG's signature, header and an empty data chunk: all Pillow reads to know an image's size, a few
    bytes for a 20,000 × 20,000 image (its pixels are never there)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit a pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def images_drawn(reader):
    """{page number: [image XObject names its content stream draws]} (WeasyPrint shares one resource
    dictionary between pages, so a page's resources do not say what it shows)."""
    drawn = {}
    for number, page in enumerate(reader.pages, start=1):
        xobjects = page["/Resources"].get("/XObject", {})
        images = {name for name in xobjects if xobjects[name].get_object()["/Subtype"] == "/Image"}
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        names = [name.decode() for name in re.findall(rb"(/[^\s/]+)\s+Do\b", data)]
        if used := [name for name in names if name in images]:
            drawn[number] = used
    return drawn


def give_portrait(intervenant, *, lines="<p>Quelques lignes de portrait.</p>", colour="#000091"):
    """Give a speaker a photo (saved through the field's storage) and a few lines of portrait."""
    intervenant.photo.save("portrait.png", ContentFile(png(colour)), save=False)
    intervenant.portrait = lines
    intervenant.save()
    return intervenant


def make_booklet_atelier(
    *,
    participants=40,
    organisations=12,
    presence=True,
    paragraphs=3,
    prefix="Ministère numéro",
    deep=False,
    answers=1,
    **atelier_kwargs,
):
    """A held workshop with the five parts filled in and `participants` confirmed registrations.

    Each part's text is « Paragraphe 1 de la partie N », its pull quote « Citation de la partie N », then
    the other paragraphs (« Paragraphe 2 de la partie N »...); each debate question has `answers` answers.

    Every seventh participant did not consent to the annex; with `presence`, every fifth was absent.
    Half of them belong to a ministry, half to a direction under it; with `deep`, to a bureau four
    levels down instead (ministry > secrétariat général > DRH > bureau). Returns the atelier.
    """
    atelier = AtelierFactory(lancement=True, **atelier_kwargs)
    # The running order is entered out of order on purpose: the booklet follows domain.md's order.
    for order, (kind, title) in reversed(list(enumerate(PARTS))):
        sequence = Sequence.objects.create(atelier=atelier, order=order, kind=kind, title=title)
        speaker = Intervenant.objects.create(
            first_name="Camille", last_name=f"Orateur{order}", role="Directrice", organisation_label="DGAFP"
        )
        sequence.intervenants.add(speaker)
        number = order + 1
        texte = paragraph(f"Paragraphe 1 de la partie {number}") + quote(f"Citation de la partie {number}")
        texte += "".join(paragraph(f"Paragraphe {i} de la partie {number}") for i in range(2, paragraphs + 1))
        ContenuSequence.objects.create(
            sequence=sequence, texte=texte, points_cles="<ul><li>Un point clé</li></ul>"
        )
        if kind == SequenceKind.FEUILLE_DE_ROUTE:
            for i in range(3):
                Contribution.objects.create(
                    sequence=sequence, organisation_label=f"Ministère contributeur {i}", text=PARAGRAPH
                )
        if kind == SequenceKind.DEBAT:
            for i in range(3):
                question = Question.objects.create(sequence=sequence, order=i, question=f"Question {i} ?")
                for j in range(answers):
                    Reponse.objects.create(
                        question=question, order=j, answered_by=f"Camille {j}", text=PARAGRAPH
                    )
        if kind == SequenceKind.COMMUNICATION:
            Ressource.objects.create(
                sequence=sequence,
                title="Parcours de formation en 5 modules",
                description=PARAGRAPH,
                link="https://mentor.gouv.fr/",
            )
        if kind == SequenceKind.ATELIERS:
            for i in range(3):
                groupe = GroupeTravail.objects.create(sequence=sequence, order=i, title=f"Groupe {i}")
                for j in range(3):
                    Constat.objects.create(groupe=groupe, order=j, text=f"Constat {j} du groupe {i}")
    ministries = [
        OrganisationFactory(kind=OrganisationKind.MINISTERE, name=f"{prefix} {i:03d}")
        for i in range(organisations)
    ]
    directions = [OrganisationFactory(parent=m, name=f"Direction RH {m.name[-3:]}") for m in ministries]
    if deep:
        directions = [
            OrganisationFactory(
                parent=OrganisationFactory(parent=d, name="Bureau RH"), name="Bureau des parcours"
            )
            for d in directions
        ]
    for i in range(participants):
        organisation = directions[i % organisations] if i % 2 else ministries[i % organisations]
        InscriptionFactory(
            atelier=atelier,
            organisation=organisation,
            user=member_of(organisation, user__last_name=f"Nom{i:04d}", user__first_name=f"Prénom{i}"),
            consent_annuaire=i % 7 != 3,
            presence=(Presence.ABSENT if i % 5 == 4 else Presence.PRESENT)
            if presence
            else Presence.NON_RENSEIGNE,
        )
    return atelier


def add_blocks(atelier, extra):
    """`extra` more blocks in each part of the kind that writes them, answers, findings and speakers."""
    part = {sequence.kind: sequence for sequence in atelier.sequences.all()}
    for i in range(extra):
        Contribution.objects.create(
            sequence=part["feuille_de_route"], organisation_label=f"Org {i}", text="<p>x</p>"
        )
        question = Question.objects.create(sequence=part["debat"], question=f"Q{i} ?")
        Reponse.objects.create(question=question, answered_by="A", text="<p>a</p>")
        Reponse.objects.create(question=question, answered_by="B", text="<p>b</p>")
        groupe = GroupeTravail.objects.create(sequence=part["ateliers"], title=f"G{i}")
        Constat.objects.create(groupe=groupe, text="c")
        Ressource.objects.create(sequence=part["communication"], title=f"R{i}")
        speaker = Intervenant.objects.create(first_name="P", last_name=f"N{i}", portrait="<p>p</p>")
        for sequence in atelier.sequences.all():
            sequence.intervenants.add(speaker)
