"""Finding the network's organisations from what people type in their spreadsheets, and adding a missing one.

Ministries send lists where the same direction is written « Secrétariat général », « SG » or
« secretariat general », and the ministry « Ministère des Armées », « Min. des armées » or « Armées ».
`canonical` turns each of them into one key (accents, case, punctuation, small words and common
abbreviations ignored); `OrganisationDirectory` loads the organisations once (one query, whatever the
number of rows to resolve) and answers `find(ministere, direction)` from memory. The ministry settles the
directions that exist in several ministries: the direction is looked up in that ministry's tree only (its
directions and services, and the public bodies under its tutelle), and an unresolved row's candidates come
from that tree only, each named with its ministry (`Organisation.nom_complet`).
"""

import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accompagnement.enums import OrganisationKind
from accompagnement.models import Organisation, fold

# Words that carry no meaning in an organisation's name (« Direction des ressources humaines » and
# « Direction ressources humaines » are the same direction).
SMALL_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "pour", "sur"}
)
# One typed word standing for several (after accents and case are folded).
EXPANSIONS = {
    "min": ("ministere",),
    "mins": ("ministere",),
    "dir": ("direction",),
    "rh": ("ressources", "humaines"),
    "grh": ("gestion", "ressources", "humaines"),
}
# Phrases written in full or as their usual acronym: both become the acronym (longest phrases first).
CONTRACTIONS = [
    ("plateforme regionale appui interministeriel gestion ressources humaines", "pfrh"),
    ("plateforme regionale interministerielle gestion ressources humaines", "pfrh"),
    ("plateforme regionale gestion ressources humaines", "pfrh"),
    ("plateforme regionale ressources humaines", "pfrh"),
    ("plateforme ressources humaines", "pfrh"),
    ("direction generale ressources humaines", "dgrh"),
    ("direction ressources humaines", "drh"),
    ("direction generale", "dg"),
    ("dg ressources humaines", "dgrh"),
    ("secretariat general", "sg"),
]
# What a ministry column may say for a whole family of roots rather than one of them.
KIND_WORDS = {
    "pfrh": OrganisationKind.PFRH,
    "plateforme regionale": OrganisationKind.PFRH,
    "plateformes regionales": OrganisationKind.PFRH,
}
# How a missing direction is best named when a list gives only its usual acronym or a variant of it.
WELL_KNOWN = {
    "sg": ("Secrétariat général", "SG"),
    "drh": ("Direction des ressources humaines", "DRH"),
    "dgrh": ("Direction générale des ressources humaines", "DGRH"),
}
CANDIDATES_SHOWN = 5
SIMILAR_ENOUGH = 0.6
PUNCTUATION = re.compile(r"[^0-9a-z]+")
INITIALS = re.compile(r"\b(?:[a-z]\.)+[a-z]\b\.?")  # « S.G. », « D.R.H »: an acronym written with dots
PARENTHESES = re.compile(r"^(.*?)\s*\((.+)\)\s*$")


def _singular(word):
    # « Armées » and « Armée », « ressources » and « ressource »: the same on both sides of a comparison.
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def canonical(text):
    """The comparison key of an organisation's name, acronym or identifier as typed in a spreadsheet.

    « Secrétariat général », « SG » and « secretariat  GENERAL » give « sg »; « Direction des ressources
    humaines » and « DRH » give « drh »; « Plateforme régionale d'appui interministériel à la GRH » and
    « PFRH » give « pfrh »; « Min. des Armées » gives « ministere armee »; « S.G. » gives « sg ».
    """
    folded = INITIALS.sub(lambda initials: initials.group(0).replace(".", ""), fold(str(text or "")))
    words = []
    for word in PUNCTUATION.sub(" ", folded).split():
        if word not in SMALL_WORDS:
            words.extend(EXPANSIONS.get(word, (word,)))
    phrase = " ".join(words)
    for long_form, acronym in CONTRACTIONS:
        phrase = re.sub(rf"\b{long_form}\b", acronym, phrase)
    return " ".join(_singular(word) for word in phrase.split())


def suggested_direction(label):
    """(name, acronym) to offer when staff create the direction a row names: « SG », « S.G. » and
    « secretariat general » all suggest « Secrétariat général » (SG); anything else is offered as typed."""
    known = WELL_KNOWN.get(canonical(label))
    if known:
        return known
    label = " ".join(str(label or "").split())
    return (label, label) if label.isupper() and " " not in label and len(label) <= 8 else (label, "")


def ministry_key(text):
    """`canonical` without the leading « Ministère (de l', des, du…) »: « Ministère des Armées », « Min.
    des armées » and « Armées » give the same key."""
    words = canonical(text).split()
    while words and words[0] == "ministere":
        words = words[1:]
    return " ".join(words)


def variants(label):
    """`label`, then for « Secrétariat général (SG) » its two halves: how a name and its acronym are
    often written together (and how an Organisation prints itself)."""
    label = str(label or "").strip()
    found = [label]
    parts = PARENTHESES.match(label)
    if parts:
        found.extend(part for part in parts.groups() if part.strip())
    return found


def _similarity(left, right):
    if not left or not right:
        return 0.0
    shared = set(left.split()) & set(right.split())
    ratio = difflib.SequenceMatcher(None, left, right).ratio()
    return ratio + (0.5 if shared else 0.0)


@dataclass(frozen=True)
class Match:
    """What a row's ministry and direction designate.

    `organisation` is set when they designate exactly one organisation. Otherwise `problem` says why, and
    `candidates` lists the organisations the row may mean, all from the row's ministry when it named one.
    `ministry` is the ministry or body the ministry column settled (the parent a missing direction would
    be created under).
    """

    organisation: Organisation | None = None
    ministry: Organisation | None = None
    candidates: tuple = ()
    problem: str = ""
    direction_label: str = ""

    @property
    def can_create_direction(self):
        """A missing direction may be added under the ministry the row named."""
        return self.organisation is None and self.ministry is not None and bool(self.direction_label)


@dataclass
class _Entry:
    organisation: Organisation
    keys: set = field(default_factory=set)


class OrganisationDirectory:
    """The active organisations, loaded once, with their comparison keys; `find` answers from memory."""

    def __init__(self, organisations):
        self._entries = {}
        self._children = {}
        for organisation in organisations:
            self._entries[organisation.pk] = _Entry(organisation)
            self._children.setdefault(organisation.parent_id, []).append(organisation.pk)
        self._by_slug = {}
        self._by_key = {}
        self._roots_by_key = {}
        for pk, entry in self._entries.items():
            organisation = entry.organisation
            self._by_slug[organisation.slug.lower()] = pk
            for label in (organisation.name, organisation.acronym, organisation.libelle_court):
                if label:
                    entry.keys.add(canonical(label))
            if organisation.kind == OrganisationKind.PFRH:
                # « PFRH Hauts-de-France » is also written « Hauts-de-France » in a PFRH column.
                entry.keys |= {key.removeprefix("pfrh ") for key in entry.keys}
            if organisation.parent_id is None or organisation.parent_id not in self._entries:
                for label in (organisation.name, organisation.acronym, organisation.libelle_court):
                    if label:
                        self._roots_by_key.setdefault(ministry_key(label), set()).add(pk)
            entry.keys.discard("")
            for key in entry.keys:
                self._by_key.setdefault(key, set()).add(pk)
        self._roots_by_key.pop("", None)
        self._memo = {}

    @classmethod
    def load(cls):
        """Every active organisation in one query, with the parents `nom_complet` reads."""
        return cls(Organisation.objects.actives().select_related("parent__parent").order_by("name", "pk"))

    # --- the tree ---

    def roots(self):
        return [e.organisation for e in self._entries.values() if self._is_root(e.organisation)]

    def _is_root(self, organisation):
        return organisation.parent_id is None or organisation.parent_id not in self._entries

    def _descendants(self, pk):
        found, stack = [], [pk]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(child for child in self._children.get(current, []) if child not in found)
        return found

    def tree_of(self, ministry):
        """The pks of `ministry` itself, its directions and services, and the bodies under its tutelle."""
        pks = self._descendants(ministry.pk)
        for entry in self._entries.values():
            body = entry.organisation
            if body.tutelle_id == ministry.pk and self._is_root(body):
                pks.extend(self._descendants(body.pk))
        return set(pks)

    def _organisations(self, pks):
        organisations = [self._entries[pk].organisation for pk in pks]
        return sorted(organisations, key=lambda o: (fold(o.nom_complet), o.pk))

    # --- matching ---

    def _keys_in(self, pks, label, ministry=None):
        """The pks among `pks` that `label` designates: its identifier, else its name or acronym (or, for
        « Name (ACRONYM) », either half)."""
        for variant in variants(label):
            found = self._keys_of_variant(pks, variant, ministry)
            if found:
                return found
        return set()

    def _keys_of_variant(self, pks, label, ministry):
        slug = str(label).strip().lower()
        if slug in self._by_slug and self._by_slug[slug] in pks:
            return {self._by_slug[slug]}
        key = canonical(label)
        found = self._by_key.get(key, set()) & pks
        if not found and ministry is not None:
            # « Direction des ressources humaines du ministère des Armées » is the Armées' « DRH ».
            for pk in pks:
                for own_key in self._entries[pk].keys:
                    for suffix in {ministry_key(ministry.name), ministry_key(ministry.libelle_court)} - {""}:
                        if own_key.removesuffix(f" ministere {suffix}").removesuffix(f" {suffix}") == key:
                            found.add(pk)
        return found

    def _ministries(self, label):
        """The roots `label` designates (an identifier, a name with or without « Ministère de », an
        acronym, a short label), else the only root whose name starts with it (« Intérieur » for
        « Ministère de l'Intérieur et des Outre-mer »), else a family (« PFRH »: every regional platform)."""
        for variant in variants(label):
            found, kind = self._ministries_of_variant(variant)
            if found or kind:
                return found, kind
        return set(), None

    def _ministries_of_variant(self, label):
        slug = str(label).strip().lower()
        if slug in self._by_slug and self._is_root(self._entries[self._by_slug[slug]].organisation):
            return {self._by_slug[slug]}, None
        key = ministry_key(label)
        if not key:
            return set(), None
        if key in self._roots_by_key:
            return set(self._roots_by_key[key]), None
        starting = {
            pk for root_key, pks in self._roots_by_key.items() if root_key.startswith(f"{key} ") for pk in pks
        }
        if len(starting) == 1:
            return starting, None
        kind = KIND_WORDS.get(key) or KIND_WORDS.get(canonical(label))
        if kind is not None:
            return set(), kind
        return set(), None

    def _similar(self, pks, label, *, key=canonical):
        wanted = key(label)
        scored = []
        for pk in pks:
            organisation = self._entries[pk].organisation
            labels = [organisation.name, organisation.acronym, organisation.libelle_court]
            score = max(_similarity(wanted, key(text)) for text in labels if text) if any(labels) else 0
            if score >= SIMILAR_ENOUGH:
                scored.append((-score, fold(organisation.nom_complet), pk))
        return [pk for _score, _name, pk in sorted(scored)[:CANDIDATES_SHOWN]]

    def find(self, ministere="", direction=""):
        """The Match of a row's ministry (or body) and direction (or service) cells; memoised, since a
        list repeats the same few pairs."""
        ministere, direction = str(ministere or "").strip(), str(direction or "").strip()
        memo_key = (ministry_key(ministere), canonical(direction), ministere.lower(), direction.lower())
        if memo_key not in self._memo:
            self._memo[memo_key] = self._find(ministere, direction)
        return self._memo[memo_key]

    def _find(self, ministere, direction):
        if not ministere and not direction:
            return Match(problem=_("Indiquez le ministère ou l'organisme, et la direction ou le service."))
        if not ministere:
            return self._find_anywhere(direction)
        ministries, kind = self._ministries(ministere)
        if kind is not None:
            family = {
                pk
                for pk, e in self._entries.items()
                if e.organisation.kind == kind and self._is_root(e.organisation)
            }
            return self._find_in(family, direction, scope=str(OrganisationKind(kind).label))
        if len(ministries) != 1:
            return self._unknown_ministry(ministere, ministries, direction)
        ministry = self._entries[ministries.pop()].organisation
        if not direction:
            return Match(organisation=ministry, ministry=ministry)
        return self._find_in(self.tree_of(ministry), direction, scope=ministry.name, ministry=ministry)

    def _unknown_ministry(self, ministere, ministries, direction):
        if ministries:
            return Match(
                candidates=tuple(self._organisations(ministries)),
                problem=_(
                    "« %(label)s » désigne plusieurs ministères ou organismes : indiquez son nom complet."
                )
                % {"label": ministere},
                direction_label=direction,
            )
        roots = {e.organisation.pk for e in self._entries.values() if self._is_root(e.organisation)}
        return Match(
            candidates=tuple(self._organisations(self._similar(roots, ministere, key=ministry_key))),
            problem=_("Ministère ou organisme inconnu : « %(label)s ».") % {"label": ministere},
            direction_label=direction,
        )

    def _find_in(self, pks, direction, *, scope, ministry=None):
        found = self._keys_in(pks, direction, ministry=ministry) if direction else set(pks)
        if len(found) == 1:
            return Match(organisation=self._entries[found.pop()].organisation, ministry=ministry)
        if found:
            problem = (
                _("« %(label)s » désigne plusieurs organisations de « %(scope)s ».")
                if direction
                else _("Précisez dans la colonne « direction » laquelle de « %(scope)s ».")
            )
            return Match(
                ministry=ministry,
                candidates=tuple(self._organisations(found)),
                problem=problem % {"label": direction, "scope": scope},
                direction_label=direction,
            )
        return Match(
            ministry=ministry,
            candidates=tuple(
                self._organisations(self._similar(pks - {getattr(ministry, "pk", None)}, direction))
            ),
            problem=_("« %(label)s » : aucune direction ni aucun service de ce nom dans « %(scope)s ».")
            % {"label": direction, "scope": scope},
            direction_label=direction,
        )

    def _find_anywhere(self, direction):
        everything = set(self._entries)
        found = self._keys_in(everything, direction)
        if len(found) == 1:
            return Match(organisation=self._entries[found.pop()].organisation)
        if found:
            return Match(
                candidates=tuple(self._organisations(found)),
                problem=_(
                    "« %(label)s » existe dans plusieurs ministères ou organismes : indiquez le ministère "
                    "dans la colonne « ministère »."
                )
                % {"label": direction},
                direction_label=direction,
            )
        return Match(
            candidates=tuple(self._organisations(self._similar(everything, direction))),
            problem=_(
                "Organisation inconnue : « %(label)s ». Indiquez le ministère dans la colonne « ministère » "
                "pour la rechercher parmi ses directions, ou pour la créer."
            )
            % {"label": direction},
            direction_label=direction,
        )


def direction_slug(ministry, name, acronym=""):
    """A free identifier « <ministry>-<direction> » (« minarm-sg »), numbered if already taken."""
    base = slugify(f"{ministry.acronym or ministry.slug}-{acronym or name}")[:70].strip("-") or "direction"
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_direction(ministry, *, name, acronym=""):
    """Add the direction or service `name` under `ministry` (a ministry or body at the top of its tree).

    Used when a participants list names a direction the network's base lacks. Refused (ValidationError,
    with a message for staff) when the parent is not at the top of a tree or when that ministry already
    has an organisation of this name, even deactivated.
    """
    name, acronym = " ".join(str(name).split()), " ".join(str(acronym or "").split())
    if not name:
        raise ValidationError(_("Indiquez le nom de la direction ou du service."))
    if ministry.parent_id is not None:
        raise ValidationError(
            _("« %(ministry)s » n'est pas un ministère ni un organisme : une direction s'y rattache.")
            % {"ministry": ministry.nom_complet}
        )
    existing = Organisation.objects.filter(parent=ministry, name__iexact=name).first()
    if existing is not None:
        state = _("désactivée") if not existing.active else _("existante")
        raise ValidationError(
            _("« %(name)s » existe déjà sous « %(ministry)s » (%(state)s, identifiant « %(slug)s »).")
            % {"name": existing.name, "ministry": ministry.name, "state": state, "slug": existing.slug}
        )
    direction = Organisation(
        kind=OrganisationKind.DIRECTION,
        name=name,
        acronym=acronym,
        parent=ministry,
        slug=direction_slug(ministry, name, acronym),
    )
    direction.full_clean()
    try:
        with transaction.atomic():
            direction.save()
    except IntegrityError as error:  # the same direction added at the same moment by someone else
        raise ValidationError(
            _("« %(name)s » vient d'être créée sous « %(ministry)s ».")
            % {"name": name, "ministry": ministry.name}
        ) from error
    return direction
