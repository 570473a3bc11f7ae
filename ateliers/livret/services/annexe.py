"""How participant lists are grouped and how names are written: the booklet's annex, the participants page,
the sign-in sheet and the registrations export all call `grouper`, so they show the same headings, in the
same order, with names written the same way.

The settings in effect for a workshop (`reglage_for`) are its booklet's own `ReglageAnnexe` when staff
customised it, else the network's (the row without a workshop), else the model's defaults. Each ministry or
body at the top of the organisation tree gets one heading:

- its label: the booklet's `RubriqueAnnexe.intitule`, else the organisation's `libelle_court`, else its
  name;
- regional platforms (PFRH) all under one heading when `regrouper_pfrh` (`intitule_pfrh`, `rang_pfrh`);
- public bodies, per `etablissements`: under one common heading (`intitule_etablissements`,
  `rang_etablissements`), under their supervising ministry's heading (`tutelle`; the common heading when
  they have none), or each under its own;
- the order: by rank (the booklet's `RubriqueAnnexe.rang`, else the organisation's `rang_protocolaire`,
  else the French government's protocol order built in below, `ORDRE_PROTOCOLAIRE`), then the headings
  without rank alphabetically, accents and case ignored. Staff change the order for the whole network by
  giving a ministry a `rang_protocolaire` in the admin (editable in the organisations' list), and for one
  booklet on its « Annexe » page; the built-in order is only the starting point.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from accompagnement.enums import OrganisationKind
from accompagnement.models import Organisation, fold, roots_of
from ateliers.enums import FormatNom, Presence, RegroupementEtablissements
from ateliers.models import Atelier, Inscription, ReglageAnnexe, RubriqueAnnexe
from ateliers.permissions import can_manage

# The French government's protocol order, the default order of the ministries' headings. Each entry is a
# list of name fragments (folded: lower case, no accents, matched as whole words); a ministry takes the
# rank of the first entry one of whose fragments its name contains, so « Ministère de l'Intérieur et des
# Outre-mer » ranks with the Interior and « Agriculture » is never taken for « Culture ». Ranks run from 1;
# the umbrella headings' default ranks (80 for public bodies, 90 for the PFRH) come after them. An
# organisation's `rang_protocolaire` (set by staff in the admin) always wins over this list.
ORDRE_PROTOCOLAIRE = [
    ["premier ministre", "services du premier ministre"],
    ["affaires etrangeres", "europe et des affaires etrangeres"],
    ["interieur"],
    ["justice", "garde des sceaux"],
    ["armees", "defense"],
    ["economie", "finances", "economiques et financiers", "comptes publics"],
    ["education nationale"],
    ["enseignement superieur", "recherche"],
    ["travail", "emploi"],
    ["sante", "solidarites", "affaires sociales", "ministeres sociaux"],
    ["transition ecologique", "ecologie", "environnement"],
    ["agriculture", "souverainete alimentaire"],
    ["culture"],
    ["outre-mer"],
    ["transformation et de la fonction publiques", "fonction publique", "action publique"],
    ["sports", "jeunesse"],
    ["cohesion des territoires", "amenagement du territoire", "logement", "territoires"],
    ["transports"],
    ["mer"],
    ["anciens combattants", "memoire"],
]
_PROTOCOLE = [
    (rang, re.compile(r"\b(?:" + "|".join(re.escape(fragment) for fragment in fragments) + r")\b"))
    for rang, fragments in enumerate(ORDRE_PROTOCOLAIRE, start=1)
]

# Lower-case words of a surname that stay as written: « Jean de La Fontaine » → « Jean de LA FONTAINE ».
PARTICULES = {
    "de",
    "du",
    "des",
    "d'",
    "d’",
    "la",
    "le",
    "les",
    "l'",
    "l’",
    "von",
    "van",
    "der",
    "den",
    "di",
    "da",
}
_ELISION = re.compile(r"^([dl]['’])(.+)$")  # « d'Artagnan » → « d' » + « Artagnan »


@dataclass
class Personne:
    """One person as listed: their registration, their name as printed, the service under the ministry
    or body ("" when registered at its top), that ministry or body, and — when the heading is not that
    body's own (an umbrella heading, or the supervising ministry's) — the body's name in `rattachement`."""

    inscription: object
    nom_affiche: str
    service: str
    organisation: Organisation
    rattachement: str = ""

    @property
    def precision(self):
        """What a list prints next to the name: « France Travail, Direction régionale »."""
        return ", ".join(part for part in (self.rattachement, self.service) if part)


@dataclass
class Rubrique:
    """One heading of a participant list, its rank (None: after the ranked ones) and its people."""

    intitule: str
    rang: int | None
    personnes: list[Personne] = field(default_factory=list)


def reglage_for(atelier):
    """The settings in effect for `atelier`: its own `ReglageAnnexe`, else the network's (the row without a
    workshop), else an unsaved default instance. One query. `atelier` is a workshop or its pk; None asks
    for the network's."""
    atelier_id = getattr(atelier, "pk", atelier)
    wanted = (
        Q(atelier__isnull=True) if atelier_id is None else Q(atelier_id=atelier_id) | Q(atelier__isnull=True)
    )
    found = ReglageAnnexe.objects.filter(wanted).order_by(F("atelier_id").asc(nulls_last=True)).first()
    return found if found is not None else ReglageAnnexe()


def _nom_de_famille(last_name):
    words = []
    for word in last_name.split():
        if word in PARTICULES:
            words.append(word)
            continue
        elided = _ELISION.match(word)
        if elided:
            words.append(elided.group(1) + elided.group(2).upper())
        else:
            words.append(word.upper())
    return " ".join(words)


def format_nom(first_name, last_name, style=FormatNom.PRENOM_NOM):
    """A name as state documents print it: the surname in capitals but its particles as written
    (« Marie d'ARTAGNAN », « Jean de LA FONTAINE », « Anne du BELLAY »), compound names whole
    (« LEFÈVRE-MARTIN »); « Prénom NOM » by default, « NOM Prénom » with FormatNom.NOM_PRENOM."""
    first, last = " ".join((first_name or "").split()), _nom_de_famille(last_name or "")
    parts = (last, first) if style == FormatNom.NOM_PRENOM else (first, last)
    return " ".join(part for part in parts if part)


def rang_par_defaut(organisation):
    """The organisation's place in the built-in protocol order (ministries only), or None."""
    if organisation.kind != OrganisationKind.MINISTERE:
        return None
    name = fold(organisation.name)
    for rang, pattern in _PROTOCOLE:
        if pattern.search(name):
            return rang
    return None


def intitule_par_defaut(organisation):
    """The network's heading for a ministry or body: its short label, else its name."""
    return organisation.libelle_court or organisation.name


def rang_reseau(organisation):
    """The network's rank for a ministry or body: its `rang_protocolaire`, else the protocol order."""
    if organisation.rang_protocolaire is not None:
        return organisation.rang_protocolaire
    return rang_par_defaut(organisation)


def listees(inscriptions):
    """The booklet's annex lists those present (everyone confirmed when presence was not taken) who
    agreed to appear. Returns (presence_taken, the registrations listed)."""
    inscriptions = list(inscriptions)
    presence_taken = any(i.presence != Presence.NON_RENSEIGNE for i in inscriptions)
    return presence_taken, [
        i
        for i in inscriptions
        if i.consent_annuaire and (not presence_taken or i.presence == Presence.PRESENT)
    ]


def _heading_key(root, reglage, by_pk):
    """Which heading `root`'s people go under: ("pfrh",), ("etablissements",) or ("org", pk)."""
    if root.kind == OrganisationKind.PFRH and reglage.regrouper_pfrh:
        return ("pfrh",)
    if root.kind == OrganisationKind.ETABLISSEMENT_PUBLIC:
        if reglage.etablissements == RegroupementEtablissements.RUBRIQUE:
            return ("etablissements",)
        if reglage.etablissements == RegroupementEtablissements.TUTELLE:
            if root.tutelle_id is None or root.tutelle_id not in by_pk:
                return ("etablissements",)
            return ("org", root.tutelle_id)
    return ("org", root.pk)


def grouper(inscriptions, atelier):
    """[Rubrique] for `inscriptions` (registrations with their `user`) under the settings of `atelier` (a
    workshop or its pk).

    Exactly 4 queries whatever the number of people (none with no one): the roots (`roots_of`), the
    roots and the registrations' organisations with the supervising ministries (`tutelle`), the settings
    (`reglage_for`), the booklet's headings (`RubriqueAnnexe`). The registrations' `user` must be
    selected by the caller (`select_related("user")`); a queryset is evaluated once, its own query aside.
    People are sorted by surname then first name, accents and case ignored.
    """
    inscriptions = list(inscriptions)
    if not inscriptions:
        return []
    roots = roots_of({i.organisation_id for i in inscriptions})
    wanted = {i.organisation_id for i in inscriptions} | {root.pk for root in roots.values()}
    by_pk = {
        organisation.pk: organisation
        for organisation in Organisation.objects.select_related("tutelle").filter(pk__in=wanted)
    }
    for organisation in list(by_pk.values()):
        if organisation.tutelle_id is not None:
            by_pk.setdefault(organisation.tutelle_id, organisation.tutelle)
    reglage = reglage_for(atelier)
    # Asked even for an unsaved default (`reglage_id IS NULL` answers nothing): the count stays 4.
    rubriques = {r.organisation_id: r for r in RubriqueAnnexe.objects.filter(reglage_id=reglage.pk)}

    def heading(key):
        if key == ("pfrh",):
            return reglage.intitule_pfrh, reglage.rang_pfrh
        if key == ("etablissements",):
            return reglage.intitule_etablissements, reglage.rang_etablissements
        organisation, rubrique = by_pk[key[1]], rubriques.get(key[1])
        intitule = (rubrique.intitule if rubrique else "") or intitule_par_defaut(organisation)
        rang = rubrique.rang if rubrique and rubrique.rang is not None else rang_reseau(organisation)
        return intitule, rang

    groups = {}
    for inscription in inscriptions:
        root = by_pk.get(roots[inscription.organisation_id].pk, roots[inscription.organisation_id])
        key = _heading_key(root, reglage, by_pk)
        if key not in groups:
            groups[key] = Rubrique(*heading(key), personnes=[])
        registered_at = by_pk.get(inscription.organisation_id, root)
        user = inscription.user
        groups[key].personnes.append(
            Personne(
                inscription=inscription,
                nom_affiche=format_nom(user.first_name, user.last_name, reglage.format_nom),
                service="" if registered_at.pk == root.pk else registered_at.name,
                organisation=root,
                rattachement="" if key == ("org", root.pk) else root.name,
            )
        )
    for rubrique in groups.values():
        rubrique.personnes.sort(
            key=lambda p: (
                fold(p.inscription.user.last_name),
                fold(p.inscription.user.first_name),
                p.inscription.pk,
            )
        )
    return sorted(groups.values(), key=lambda r: (r.rang is None, r.rang or 0, fold(r.intitule), r.intitule))


# --- One booklet's own settings (the « Annexe » page of the booklet studio) -------------------------

# The settings copied from the network when staff customise a booklet.
CHAMPS_REGLAGE = [
    "regrouper_pfrh",
    "intitule_pfrh",
    "rang_pfrh",
    "etablissements",
    "intitule_etablissements",
    "rang_etablissements",
    "format_nom",
]


def _check_manage(by):
    if not can_manage(by):
        raise PermissionDenied(_("Seule l'équipe d'animation règle les listes de participants."))


def racines_presentes(atelier):
    """The ministries and bodies at the top of `atelier`'s confirmed registrations, with the supervising
    ministries of the public bodies among them, by name. Three queries."""
    organisation_ids = set(
        Inscription.objects.confirmees().filter(atelier=atelier).values_list("organisation_id", flat=True)
    )
    root_ids = {root.pk for root in roots_of(organisation_ids).values()}
    roots = list(Organisation.objects.select_related("tutelle").filter(pk__in=root_ids))
    found = {root.pk: root for root in roots}
    for root in roots:
        if root.kind == OrganisationKind.ETABLISSEMENT_PUBLIC and root.tutelle_id is not None:
            found.setdefault(root.tutelle_id, root.tutelle)
    return sorted(found.values(), key=lambda organisation: fold(organisation.name))


@transaction.atomic
def personnaliser(atelier, *, by):
    """Give `atelier`'s booklet its own settings, copied from the network's: the umbrella options, the
    name format, and one heading per ministry or body present (its network label and rank), which staff
    then edit. Running it again only adds the headings of organisations registered since; two runs at
    once (a double click) wait for each other on the workshop's row, the second finding the first's."""
    _check_manage(by)
    Atelier.objects.select_for_update().filter(pk=atelier.pk).first()  # the lock orders the runs
    reseau = reglage_for(None)
    reglage, _created = ReglageAnnexe.objects.get_or_create(
        atelier=atelier, defaults={name: getattr(reseau, name) for name in CHAMPS_REGLAGE}
    )
    existing = set(reglage.rubriques.values_list("organisation_id", flat=True))
    RubriqueAnnexe.objects.bulk_create(
        RubriqueAnnexe(
            reglage=reglage,
            organisation=root,
            intitule=intitule_par_defaut(root),
            rang=rang_reseau(root),
        )
        for root in racines_presentes(atelier)
        if root.pk not in existing
    )
    return reglage


@transaction.atomic
def enregistrer(reglage, *, valeurs, rubriques, by):
    """Save a booklet's settings: `valeurs` the ReglageAnnexe fields, `rubriques` {organisation pk:
    (heading, rank)} (a heading left empty falls back to the organisation's label, a rank left empty to
    the network's order)."""
    _check_manage(by)
    if reglage.atelier_id is None:
        raise PermissionDenied(_("Les réglages du réseau se modifient dans l'administration."))
    for name in CHAMPS_REGLAGE:
        if name in valeurs:
            setattr(reglage, name, valeurs[name])
    reglage.save()
    for organisation_id, (intitule, rang) in rubriques.items():
        RubriqueAnnexe.objects.update_or_create(
            reglage=reglage, organisation_id=organisation_id, defaults={"intitule": intitule, "rang": rang}
        )
    return reglage


@transaction.atomic
def revenir_au_reseau(atelier, *, by):
    """Delete `atelier`'s own settings and headings: its lists follow the network's again. Returns
    whether there was anything to delete."""
    _check_manage(by)
    deleted, _details = ReglageAnnexe.objects.filter(atelier=atelier).delete()
    return bool(deleted)
