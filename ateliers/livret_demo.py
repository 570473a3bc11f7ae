"""Demo booklet: what was said at the April 2023 launch workshop, rendered and published.

Runs after `ateliers.demo.seed()` (which creates the 2023 programme's workshop n° 1, its running order
and its participants). Idempotent: content is updated in place, the speakers' photos are generated once
(initials on a coloured disc, saved through the storage), and a new version is rendered and published
only when the booklet's content changed since the published one.

The booklet shows what the studio offers: pull quotes between the paragraphs where they were said, a
debate question with two answerers, the speakers' portraits, the charter and priority actions as presented
that day as annex 2 (no network-wide charter version is created), an « Annexes » divider and a back cover.
"""

import io

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont

from accompagnement.models import Organisation, User
from ateliers.enums import Annexe2, AtelierStatus, SequenceKind
from ateliers.models import (
    Atelier,
    AtelierTransition,
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Intervenant,
    Livret,
    Question,
    ReglagesLivret,
    Reponse,
    Ressource,
)
from ateliers.services import atelier as atelier_services
from ateliers.services import livret as livret_service

STAFF_EMAIL = "admin@dgafp.gouv.fr"


def _quote(text, author, role):
    """A pull quote as the editor writes it: a <blockquote>, its author on a last line starting with —."""
    signature = ", ".join(part for part in [author, role] if part)
    return f"<blockquote><p>« {escape(text)} »</p><p>— {escape(signature)}</p></blockquote>"


# Each séquence's text is written as the rapporteur typed it in the studio: paragraphs, sub-headings,
# lists, and the pull quotes at the place where they were said.
TEXTES = {
    SequenceKind.OUVERTURE: {
        "texte": (
            """
<p>La directrice générale adjointe a ouvert l'atelier en rappelant l'origine de la Fabrique : la
<strong>stratégie interministérielle 2022-2024 d'accompagnement des mobilités et des évolutions
professionnelles</strong> (SIAMEP) a fait de l'accompagnement personnalisé des agents un levier de
l'attractivité de la fonction publique. Beaucoup de ministères ont déjà construit des dispositifs ; peu se
connaissent, et aucun n'en a la vue d'ensemble.</p>
"""
            + _quote(
                "Nous ne partons pas de rien : chaque ministère a inventé quelque chose. "
                "Notre travail, c'est de le rendre visible et de le faire circuler.",
                "Hélène Marchand",
                "directrice générale adjointe de l'administration et de la fonction publique",
            )
            + """
<h3>Pourquoi un réseau</h3>
<p>Les têtes de réseau de l'accompagnement RH partagent les mêmes questions : comment repérer les agents
qui souhaitent évoluer, comment organiser une période d'immersion, comment mesurer ce que produit un
accompagnement. La Fabrique leur offre un lieu pour y travailler <em>entre pairs</em>, sur la durée.</p>
<h3>Les objectifs fixés pour 2023</h3>
<ul>
<li>connaître les dispositifs qui existent ailleurs et les rendre visibles dans un catalogue commun ;</li>
<li>harmoniser le vocabulaire de l'accompagnement entre ministères ;</li>
<li>outiller les périodes d'immersion professionnelle (qui demande, qui accepte, quel bilan) ;</li>
<li>produire après chaque atelier un livrable opérationnel, ce livret, pour que le travail circule.</li>
</ul>
"""
        ),
        "points_cles": """
<ul>
<li>Trois à quatre ateliers par an, autour des trois thèmes prioritaires du programme 2023.</li>
<li>Un réseau de 40 à 50 têtes de réseau, invitées à venir régulièrement.</li>
<li>Des immersions apprenantes entre deux ateliers.</li>
</ul>
""",
    },
    SequenceKind.FEUILLE_DE_ROUTE: {
        "texte": """
<p>Chaque ministère et organisme présent a décrit en quelques minutes ce qu'il fait déjà pour accompagner
ses agents, ce qui fonctionne et ce qui bute. Le tour de table a montré une grande diversité de publics,
de moyens et de niveaux de maturité.</p>
""",
        "points_cles": """
<p>Les participants ont insisté sur :</p>
<ul>
<li>le besoin d'une <strong>vue d'ensemble</strong> des dispositifs (« il en existe une multitude ») ;</li>
<li>un <strong>vocabulaire commun</strong> : conseiller mobilité-carrière, référent, accompagnateur ne
désignent pas les mêmes missions d'un ministère à l'autre ;</li>
<li>des <strong>indicateurs</strong> simples à présenter aux décideurs ;</li>
<li>la place des <strong>périodes d'immersion</strong> dans l'offre d'accompagnement.</li>
</ul>
""",
        "contributions": [
            (
                "minarm",
                "Direction des ressources humaines du ministère des Armées",
                (
                    "<p>Un <strong>parcours d'intégration des jeunes cadres civils</strong> comprend "
                    "plusieurs "
                    "immersions dans des unités et des services de soutien au cours de la première année. "
                    "L'Agence de reconversion de la Défense accompagne par ailleurs les reconversions "
                    "vers le secteur public comme vers le privé.</p>"
                ),
            ),
            (
                "mef",
                "Direction générale des finances publiques",
                (
                    "<p>« <strong>Découvre mon poste</strong> » : un vivier de volontaires présente son "
                    "métier à "
                    "des collègues d'autres services le temps d'une demi-journée ou d'une journée. Plus de "
                    "deux cents agents se sont portés volontaires en un an ; la demande dépasse l'offre.</p>"
                ),
            ),
            (
                "mj",
                "Secrétariat général",
                (
                    "<p>Des <strong>visites de terrain</strong> en juridiction et en établissement "
                    "pénitentiaire pour les agents qui envisagent une mobilité, et un "
                    "<strong>tutorat</strong> "
                    "pendant les six premiers mois sur le nouveau poste.</p>"
                ),
            ),
            (
                "miom",
                "Secrétariat général",
                (
                    "<p>Des <strong>stages d'immersion</strong> intégrés aux formations de préparation aux "
                    "concours internes : les agents découvrent le service qu'ils visent avant de "
                    "s'engager.</p>"
                ),
            ),
            (
                "pfrh-hdf",
                "",
                (
                    "<p>La plateforme régionale anime un réseau interministériel de conseillers "
                    "mobilité-carrière "
                    "et mutualise l'offre de bilans professionnels entre services déconcentrés.</p>"
                ),
            ),
            (
                "cnrs",
                "",
                (
                    "<p>Un accompagnement personnalisé des ingénieurs et techniciens en projet de mobilité "
                    "interne, avec un entretien de carrière proposé à cinq ans d'ancienneté.</p>"
                ),
            ),
        ],
    },
    SequenceKind.DEBAT: {
        "texte": (
            """
<p>Animé par la cheffe de projet de la Fabrique, l'échange a confronté l'expérience d'une agence publique
de reconversion et celle d'une direction des ressources humaines d'un grand groupe privé. Les deux
intervenants se sont retrouvés sur un point : un accompagnement réussi commence <em>avant</em> la
demande de l'agent, par une culture de la mobilité portée par l'encadrement.</p>
<p>La directrice des ressources humaines a d'abord décrit la politique de son groupe : chaque poste
ouvert est d'abord proposé en interne, et un agent qui part vers une autre entité du groupe n'est pas
considéré comme une perte pour son service.</p>
"""
            + _quote(
                "Si l'on veut garder les talents, il faut accepter de les laisser partir.",
                "Sophie Laurent",
                "directrice des ressources humaines d'un groupe industriel",
            )
            + """
<p>Le directeur de l'Agence de reconversion de la Défense a répondu par l'expérience des militaires et
des civils de la défense qui changent de métier : une reconversion réussie suppose du temps, un
accompagnement individuel et la possibilité d'essayer avant de s'engager.</p>
"""
            + _quote(
                "Une reconversion se prépare comme un projet, avec un calendrier et un droit à l'erreur.",
                "Olivier Garnier",
                "directeur de l'Agence de reconversion de la Défense",
            )
            + """
<p>La salle a ensuite posé ses questions aux deux intervenants.</p>
"""
        ),
        "questions": [
            (
                "Comment repérer les agents qui ont besoin d'un accompagnement avant qu'ils ne partent ?",
                "Claire Dubois (DGAFP)",
                [
                    (
                        "Olivier Garnier",
                        (
                            "<p>Par l'entretien professionnel d'abord, à condition que les encadrants soient "
                            "formés à poser la question de l'évolution. Nous avons aussi ouvert une "
                            "permanence sans rendez-vous : un tiers des agents qui y viennent n'en "
                            "auraient parlé à personne dans leur service.</p>"
                        ),
                    ),
                    (
                        "Sophie Laurent",
                        (
                            "<p>Chez nous, ce sont les revues de talents : deux fois par an, chaque manager "
                            "présente les souhaits d'évolution de son équipe. Un souhait exprimé et resté "
                            "sans réponse depuis plus d'un an déclenche un rendez-vous avec les RH.</p>"
                        ),
                    ),
                ],
            ),
            (
                "Dans le privé, qui porte l'accompagnement : les RH ou les managers ?",
                "Claire Dubois (DGAFP)",
                [
                    (
                        "Sophie Laurent",
                        (
                            "<p>Les deux, avec des rôles clairs. Le manager ouvre la discussion ; les RH "
                            "apportent les outils, les bilans, les passerelles. Nous mesurons chaque année "
                            "la part des postes pourvus par mobilité interne : c'est l'indicateur que notre "
                            "direction générale regarde.</p>"
                        ),
                    ),
                ],
            ),
            (
                "Comment garantir la confidentialité d'un projet de reconversion ?",
                "une participante (ministère de la Culture)",
                [
                    (
                        "Olivier Garnier",
                        (
                            "<p>En séparant strictement l'accompagnement de l'évaluation : le conseiller ne "
                            "rend compte à la hiérarchie qu'avec l'accord de l'agent, et jamais avant que le "
                            "projet soit mûr.</p>"
                        ),
                    ),
                ],
            ),
        ],
        "points_cles": """
<ul>
<li>Former les encadrants à l'entretien d'évolution professionnelle.</li>
<li>Séparer accompagnement et évaluation pour protéger les projets des agents.</li>
<li>Suivre un indicateur simple : la part des postes pourvus par mobilité interne.</li>
</ul>
""",
    },
    SequenceKind.COMMUNICATION: {
        "texte": """
<p>Le bureau de la formation de la DGAFP a présenté un parcours de formation en ligne destiné aux
conseillers et aux têtes de réseau, ouvert à tous les ministères. Il peut être suivi à son rythme et
complété par des classes virtuelles.</p>
""",
        "ressources": [
            (
                "Parcours « Accompagner les transitions professionnelles » : cinq modules en ligne",
                """
<ol>
<li>Le cadre juridique de la mobilité et des évolutions professionnelles ;</li>
<li>Conduire un entretien d'accompagnement ;</li>
<li>Construire un projet professionnel avec l'agent ;</li>
<li>Mobiliser les outils : bilan de compétences, période d'immersion, formation ;</li>
<li>Suivre et évaluer un accompagnement.</li>
</ol>
<p>Durée totale : environ dix heures. Inscription par le service de formation de chaque ministère.</p>
""",
                "https://mentor.gouv.fr/",
            ),
        ],
    },
    SequenceKind.ATELIERS: {
        "texte": """
<p>L'après-midi, les participants se sont répartis en sous-groupes, d'abord <strong>par besoin</strong>
(mobilité, reconversion, développement de carrière), puis <strong>par public</strong> (catégorie A,
catégories B et C). Chaque groupe a retenu quelques constats, repris ci-dessous tels qu'ils ont été
formulés.</p>
""",
        "groupes": [
            (
                "Mobilité",
                "Par besoin",
                "Claire Dubois",
                [
                    "Les offres de poste sont lisibles, les parcours possibles beaucoup moins.",
                    "Les périodes d'immersion rassurent l'agent comme le service d'accueil.",
                    "Le retour dans le service d'origine après une immersion n'est jamais préparé.",
                ],
            ),
            (
                "Reconversion",
                "Par besoin",
                "Olivier Garnier",
                [
                    "La confidentialité conditionne la confiance : sans elle, les agents ne viennent pas.",
                    "Les reconversions pour raison de santé demandent un accompagnement plus long.",
                ],
            ),
            (
                "Développement de carrière",
                "Par besoin",
                "",
                [
                    "L'entretien professionnel est trop rarement le lieu d'une discussion de carrière.",
                    "Le tutorat et le mentorat sont appréciés mais peu reconnus pour les tuteurs.",
                ],
            ),
            (
                "Agents de catégorie A",
                "Par public",
                "",
                [
                    "Les cadres attendent des passerelles interministérielles et des viviers partagés.",
                ],
            ),
            (
                "Agents de catégories B et C",
                "Par public",
                "",
                [
                    "L'information sur les dispositifs n'arrive pas jusqu'aux services de proximité.",
                    (
                        "La découverte d'un métier (« Découvre mon poste ») est la porte d'entrée la plus "
                        "simple."
                    ),
                ],
            ),
        ],
    },
    SequenceKind.CLOTURE: {
        "texte": (
            """
<p>En clôture, la DGAFP a repris les constats des sous-groupes pour fixer la suite du programme 2023 :
un deuxième atelier consacré au <strong>cadre de gestion des périodes d'immersion professionnelle</strong>,
un troisième aux <strong>dispositifs collectifs et aux réseaux d'entraide</strong> entre agents.</p>
"""
            + _quote(
                "Ce livret n'est pas un compte rendu de plus : c'est notre feuille de route commune.",
                "Hélène Marchand",
                "directrice générale adjointe de l'administration et de la fonction publique",
            )
            + """
<p>D'ici là, chaque tête de réseau est invitée à décrire les dispositifs de son organisation dans le
catalogue de la plateforme, et à proposer une structure d'accueil pour les immersions apprenantes du
réseau.</p>
"""
        ),
    },
}

# The speakers' few lines, by (first name, last name); their photos are generated (see `_photo`).
PORTRAITS = {
    ("Hélène", "Marchand"): (
        "<p>Administratrice de l'État, elle a dirigé les ressources humaines de deux ministères avant de "
        "rejoindre la DGAFP, où elle porte la stratégie interministérielle d'accompagnement des mobilités "
        "et des évolutions professionnelles.</p>"
    ),
    ("Claire", "Dubois"): (
        "<p>Conseillère mobilité-carrière pendant dix ans, elle anime la Fabrique de l'accompagnement RH "
        "depuis sa création et coordonne le programme des ateliers.</p>"
    ),
    ("Olivier", "Garnier"): (
        "<p>Il dirige l'agence qui accompagne chaque année plusieurs milliers de militaires et de civils "
        "de la défense vers un nouveau métier, dans le secteur public comme dans le privé.</p>"
    ),
    ("Sophie", "Laurent"): (
        "<p>Directrice des ressources humaines d'un groupe industriel de 12 000 salariés, elle y a bâti "
        "une politique de mobilité interne qui pourvoit aujourd'hui un poste sur deux.</p>"
    ),
    ("Marc", "Delaunay"): (
        "<p>Il conçoit au bureau de la formation de la DGAFP les parcours proposés aux conseillers et "
        "aux encadrants de tous les ministères.</p>"
    ),
}
# Disc colours of the generated photos (DSFR illustrative colours, dark enough for white initials).
PHOTO_COLOURS = ["#000091", "#6a6af4", "#009081", "#a558a0", "#c3992a", "#ce614a", "#417dc4"]

ANNEXE2_TITRE = "La charte et les actions prioritaires"
ANNEXE2_TEXTE = """
<p>Telles que présentées aux participants le jour de l'atelier de lancement.</p>
<h3>La charte de la Fabrique de l'accompagnement RH</h3>
<ul>
<li><strong>Un cycle de travail</strong> : trois à quatre ateliers par an, dans un programme annuel
construit autour de thèmes prioritaires.</li>
<li><strong>Une communauté durable</strong> : 40 à 50 têtes de réseau des ministères, des
établissements publics et des plateformes régionales, ou leurs représentants, invités à venir
régulièrement.</li>
<li><strong>Des méthodes de travail entre pairs</strong> : codéveloppement, capitalisation
d'expériences, intervenants extérieurs, mutualisation et entraide.</li>
<li><strong>Des immersions apprenantes</strong> dans des structures d'accueil et un travail
complémentaire entre deux ateliers.</li>
<li><strong>La diversité prise en compte</strong> : des ministères, des publics et des niveaux de
maturité différents.</li>
<li><strong>Un livrable opérationnel après chaque atelier</strong>, pour que le travail soit repris et
diffusé.</li>
</ul>
<h3>Les actions prioritaires pour 2023</h3>
<ol>
<li>Formaliser une offre d'accompagnement personnalisé dans chaque ministère et la rendre visible dans
un catalogue commun.</li>
<li>Organiser le cadre de gestion des périodes d'immersion professionnelle : qui demande, qui accepte,
quels objectifs, quel tuteur, quel bilan.</li>
<li>Développer des dispositifs d'accompagnement collectif et des réseaux d'entraide entre agents.</li>
<li>Construire quelques indicateurs communs à présenter aux décideurs.</li>
</ol>
"""
QUATRIEME = """
<h3>Merci</h3>
<p>Merci aux intervenants, Hélène Marchand, Claire Dubois, Olivier Garnier, Sophie Laurent et Marc
Delaunay, aux têtes de réseau venues de tous les ministères, des établissements publics et des
plateformes régionales, et aux rapporteurs des sous-groupes, qui ont écrit ce livret.</p>
<h4>Pour aller plus loin</h4>
<ul>
<li>Le portail de la fonction publique :
<a href="https://www.fonction-publique.gouv.fr/">fonction-publique.gouv.fr</a></li>
<li>Le parcours de formation en ligne : <a href="https://mentor.gouv.fr/">mentor.gouv.fr</a></li>
<li>Écrire à l'équipe de la Fabrique :
<a href="mailto:fabrique.accompagnement@dgafp.gouv.fr">fabrique.accompagnement@dgafp.gouv.fr</a></li>
</ul>
"""


def _organisation(slug):
    return Organisation.objects.filter(slug=slug).first()


def _seed_sequence(sequence, content):
    ContenuSequence.objects.update_or_create(
        sequence=sequence,
        defaults={"texte": content.get("texte", ""), "points_cles": content.get("points_cles", "")},
    )
    sequence.contributions.all().delete()
    for order, (slug, speaker, text) in enumerate(content.get("contributions", [])):
        organisation = _organisation(slug)
        Contribution.objects.create(
            sequence=sequence,
            order=order,
            organisation=organisation,
            organisation_label="" if organisation else slug.upper(),
            speaker=speaker,
            text=text,
        )
    sequence.questions.all().delete()
    for order, (question, asked_by, answers) in enumerate(content.get("questions", [])):
        asked = Question.objects.create(sequence=sequence, order=order, question=question, asked_by=asked_by)
        Reponse.objects.bulk_create(
            Reponse(question=asked, order=index, answered_by=answered_by, text=text)
            for index, (answered_by, text) in enumerate(answers)
        )
    sequence.ressources.all().delete()
    for order, (title, description, link) in enumerate(content.get("ressources", [])):
        Ressource.objects.create(
            sequence=sequence, order=order, title=title, description=description, link=link
        )
    sequence.groupes.all().delete()
    for order, (title, theme, facilitator, constats) in enumerate(content.get("groupes", [])):
        groupe = GroupeTravail.objects.create(
            sequence=sequence, order=order, title=title, theme=theme, facilitator=facilitator
        )
        Constat.objects.bulk_create(
            Constat(groupe=groupe, order=index, text=text) for index, text in enumerate(constats)
        )


def fill_content(atelier):
    """Write the launch workshop's texts into `atelier`'s séquences, by kind, and its back matter (annex 2
    as the text presented that day, the « Annexes » divider, the back cover). Also used by the benchmark."""
    for sequence in atelier.sequences.all():
        if sequence.kind in TEXTES:
            _seed_sequence(sequence, TEXTES[sequence.kind])
    ReglagesLivret.objects.update_or_create(
        atelier=atelier,
        defaults={
            "annexe2": Annexe2.TEXTE,
            "annexe2_titre": ANNEXE2_TITRE,
            "annexe2_texte": ANNEXE2_TEXTE,
            "page_annexes": True,
            "quatrieme_couverture": QUATRIEME,
        },
    )


def _photo(first_name, last_name, colour):
    """A portrait placeholder: the speaker's initials in white on a coloured disc, as PNG bytes."""
    size = 240
    image = Image.new("RGB", (size, size), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=colour)
    initials = f"{first_name[:1]}{last_name[:1]}".upper()
    marianne = finders.find("dsfr/dist/fonts/Marianne-Bold.woff2")
    font = ImageFont.truetype(marianne, 92) if marianne else ImageFont.load_default(size=92)
    draw.text((size / 2, size / 2), initials, fill="#ffffff", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def fill_portraits(atelier):
    """Give the speakers of `atelier` their few lines and a photo. A photo is generated and saved
    through the storage only when the speaker has none (or its file is gone): running again changes
    nothing, so the booklet's content (and its digest) stays the same."""
    speakers = Intervenant.objects.filter(sequences__atelier=atelier).distinct().order_by("pk")
    for index, speaker in enumerate(speakers):
        portrait = PORTRAITS.get((speaker.first_name, speaker.last_name), "")
        fields = []
        if speaker.portrait != portrait:
            speaker.portrait = portrait
            fields.append("portrait")
        if not speaker.photo or not speaker.photo.storage.exists(speaker.photo.name):
            colour = PHOTO_COLOURS[index % len(PHOTO_COLOURS)]
            content = ContentFile(_photo(speaker.first_name, speaker.last_name, colour))
            speaker.photo.save("portrait.png", content, save=False)
            fields.append("photo")
        if fields:
            speaker.save(update_fields=fields)


def seed():
    """Fill in the launch workshop's booklet, render and publish it when its content changed."""
    atelier = Atelier.objects.filter(programme__year=2023, number=1).first()
    if atelier is None:
        return ["Livret : atelier de lancement introuvable (lancer ateliers.demo.seed() d'abord)."]
    staff = User.objects.get(email=STAFF_EMAIL)
    fill_content(atelier)
    fill_portraits(atelier)
    published = livret_service.published_version(atelier.pk)
    if published is None or published.content_digest != livret_service.content_digest(atelier):
        last = atelier.livrets.order_by("-version").values_list("version", flat=True).first() or 0
        livret = Livret.objects.create(
            atelier=atelier, version=last + 1, requested_by=staff, queued_at=timezone.now()
        )
        # Rendered here rather than queued: the demo must hand out a real booklet at once.
        livret = livret_service.render_version(livret.pk)
        # Demo participants are not emailed; their attendance certificates render on first download.
        published = livret_service.publish(livret, by=staff, notify=False)
    # The workshops' demo seed resets the launch workshop to "tenu": put back "restitution publiée"
    # (the transition itself is logged once, the first time).
    atelier.refresh_from_db()
    if atelier.status == AtelierStatus.TENU:
        if AtelierTransition.objects.filter(
            atelier=atelier, to_status=AtelierStatus.RESTITUTION_PUBLIEE
        ).exists():
            Atelier.objects.filter(pk=atelier.pk).update(status=AtelierStatus.RESTITUTION_PUBLIEE)
        else:
            atelier_services.transition(atelier, AtelierStatus.RESTITUTION_PUBLIEE, by=staff)
    if not published.diffuse_reseau:
        published = livret_service.spread(published, by=staff)
    return [
        (
            f"Livret de restitution de « {atelier.title} » : version {published.version} publiée "
            f"et diffusée au réseau ({published.page_count} pages) — /ateliers/{atelier.pk}/livret.pdf"
        )
    ]
