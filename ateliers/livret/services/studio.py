"""The booklet studio: staff and named rapporteurs write a workshop's booklet block by block.

A block is one row the studio writes: a séquence's text and key points (`ContenuSequence`), a round-table
contribution, a debate question or one of its answers, a breakout group (with its findings), a resource,
a speaker's portrait, or the booklet's back matter (`ReglagesLivret`). Each save names the revision the
writer started from: the row is locked, and a save made from an older revision is refused with both texts
(`Conflict`) unless it says exactly what is already stored, so two people writing the same part never
overwrite each other. A save that changes something bumps the revision and records who saved. The
admin's forms of the same rows apply the same rule (`check_revision`).

A speaker may speak in several workshops: staff write any speaker's portrait, a rapporteur only the
portraits of speakers who speak in no other workshop (`can_edit_speaker`).

Rich text arrives normalised by the forms (`fabrique.core.richtext.RichTextFormField`) and is normalised and
cleaned again by the model field on save, whatever the path.
"""

import logging
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ateliers.livret.models import (
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Question,
    ReglagesLivret,
    Reponse,
    Ressource,
)
from ateliers.livret.validators import reencode_photo
from ateliers.models import Intervenant, Sequence
from ateliers.permissions import can_edit_content, can_manage

logger = logging.getLogger(__name__)


class StudioError(Exception):
    """A studio action refused, with a message for the writer."""


class StudioPermissionError(StudioError):
    """`by` may not write this booklet (views answer 404)."""


@dataclass
class Conflict(Exception):  # noqa: N818 - a refusal the views show, not a programming error
    """A save made from revision `mine_revision` while the row is at `revision`: both texts, nothing saved."""

    bloc: str
    obj: object
    revision: int
    theirs: dict
    mine: dict
    updated_by: object = None
    updated_at: object = None


@dataclass
class Saved:
    obj: object
    revision: int
    saved_at: object
    changed: bool = True


@dataclass(frozen=True)
class Bloc:
    """What the studio writes in one kind of block: its model, its fields, how it is found in a workshop."""

    name: str
    model: type
    fields: tuple
    parent: str = ""  # the foreign key to the row that owns its order ("" when it has no order)
    parent_model: type = None
    add_fields: tuple = ()
    deletable: bool = True


def _in_order(name, model, fields, add_fields, *, parent="sequence", parent_model=Sequence):
    """A block kept in order among its siblings: a séquence's rows, or a question's answers."""
    return Bloc(name, model, fields, parent=parent, parent_model=parent_model, add_fields=add_fields)


BLOCS = {
    bloc.name: bloc
    for bloc in (
        Bloc("sequence", ContenuSequence, ("texte", "points_cles"), deletable=False),
        _in_order(
            "contribution",
            Contribution,
            ("organisation", "organisation_label", "speaker", "text"),
            ("organisation", "organisation_label"),
        ),
        _in_order("question", Question, ("question", "asked_by"), ("question",)),
        _in_order(
            "reponse",
            Reponse,
            ("answered_by", "text"),
            ("answered_by",),
            parent="question",
            parent_model=Question,
        ),
        _in_order(
            "groupe", GroupeTravail, ("title", "theme", "facilitator", "synthese", "constats"), ("title",)
        ),
        _in_order("ressource", Ressource, ("title", "description", "link"), ("title",)),
        Bloc("intervenant", Intervenant, ("portrait",), deletable=False),
        Bloc(
            "reglages",
            ReglagesLivret,
            ("annexe2", "annexe2_titre", "annexe2_texte", "page_annexes", "quatrieme_couverture"),
            deletable=False,
        ),
    )
}


SHARED_SPEAKER = gettext_lazy(
    "Cet intervenant intervient aussi dans un autre atelier : l'équipe d'animation met à jour son portrait."
)


def heure(moment):
    """« 10 h 42 », in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{local.hour} h {local:%M}"


def _check(by, atelier):
    if not can_edit_content(by, atelier.pk):
        raise StudioPermissionError(_("Vous ne pouvez pas rédiger le livret de cet atelier."))


def speaks_elsewhere(atelier):
    """An expression for a speaker queryset: the speaker also speaks in a workshop other than `atelier`."""
    return Exists(Sequence.objects.filter(intervenants=OuterRef("pk")).exclude(atelier=atelier))


def can_edit_speaker(by, atelier, intervenant):
    """Staff write the portrait of any speaker of the workshop; a rapporteur only of one who speaks in no
    other workshop (the portrait is printed in every booklet the speaker appears in)."""
    if can_manage(by):
        return True
    ailleurs = getattr(intervenant, "ailleurs", None)
    if ailleurs is None:
        ailleurs = Intervenant.objects.filter(pk=intervenant.pk).filter(speaks_elsewhere(atelier)).exists()
    return not ailleurs


def blocks_of(atelier, bloc):
    """The rows of kind `bloc` that belong to `atelier`'s booklet (séquences for "sequence")."""
    if bloc == "sequence":
        return Sequence.objects.filter(atelier=atelier)
    if bloc == "reponse":
        return Reponse.objects.filter(question__sequence__atelier=atelier)
    if bloc == "intervenant":
        speaking = Sequence.objects.filter(atelier=atelier, intervenants=OuterRef("pk"))
        return Intervenant.objects.filter(Exists(speaking))
    if bloc == "reglages":
        return ReglagesLivret.objects.filter(atelier=atelier)
    return BLOCS[bloc].model.objects.filter(sequence__atelier=atelier)


def _lock(atelier, bloc, obj_pk):
    """The block's row, locked until the end of the transaction (created empty for a séquence's text and
    the back matter, which exist once written). Raises the model's DoesNotExist outside `atelier`."""
    if bloc == "sequence":
        texts = ContenuSequence.objects.select_for_update().filter(
            sequence__atelier=atelier, sequence_id=obj_pk
        )
        contenu = texts.first()
        if contenu is None:  # not written yet: created once (the row is unique per séquence), then locked
            ContenuSequence.objects.get_or_create(sequence=Sequence.objects.get(atelier=atelier, pk=obj_pk))
            contenu = texts.get()
        return contenu
    if bloc == "reglages":
        if obj_pk != atelier.pk:
            raise ReglagesLivret.DoesNotExist
        ReglagesLivret.objects.get_or_create(atelier=atelier)
        return ReglagesLivret.objects.select_for_update().get(atelier=atelier)
    return blocks_of(atelier, bloc).select_for_update().get(pk=obj_pk)


def stored_values(obj, names):
    """`obj`'s stored values of the fields `names` as forms give them: a foreign key as its pk, a file
    as its name, a group's findings as a list of lines."""
    values = {}
    for name in names:
        if name == "constats":
            values[name] = [c.text for c in obj.constats.all()] if obj.pk else []
            continue
        field = obj._meta.get_field(name)
        if field.many_to_one or field.one_to_one:
            values[name] = getattr(obj, field.attname)
        elif isinstance(field, models.FileField):
            values[name] = getattr(obj, name).name or ""
        else:
            values[name] = getattr(obj, name)
    return values


def comparable(model, values):
    """`values` (a form's cleaned data) as `stored_values` gives them: a row as its pk, findings without
    empty lines, a file kept as its name (a new upload stays itself: it differs from any stored file)."""
    result = {}
    for name, value in values.items():
        if name == "constats":
            result[name] = [line for line in (value or []) if line]
        elif isinstance(value, models.Model):
            result[name] = value.pk
        elif isinstance(value, FieldFile):
            result[name] = value.name or ""
        elif isinstance(model._meta.get_field(name), models.FileField) and not value:
            result[name] = ""  # none, or cleared
        else:
            result[name] = value
    return result


def check_revision(obj, revision, values, *, bloc=""):
    """The rule of every save of a written row, in the studio and in the admin: `obj` (locked by the
    caller) moved on since `revision`, the one its writer started from, and `values` (the fields they
    send) differ from what it now holds: raise `Conflict`, nothing is saved. A stale save that says
    exactly what is stored is no conflict. Returns (theirs, mine), comparable."""
    mine = comparable(type(obj), values)
    theirs = stored_values(obj, mine)
    if obj.revision != revision and theirs != mine:
        raise Conflict(
            bloc=bloc,
            obj=obj,
            revision=obj.revision,
            theirs=theirs,
            mine=mine,
            updated_by=getattr(obj, "updated_by", None),
            updated_at=getattr(obj, "updated_at", None),
        )
    return theirs, mine


def current_values(bloc, obj):
    """The block's stored values, as the forms give them (an organisation as its pk, findings as a list)."""
    return stored_values(obj, BLOCS[bloc].fields)


def _normalised(bloc, values):
    """`values` limited to the block's fields (missing ones empty), comparable with `current_values`."""
    spec = BLOCS[bloc]
    return comparable(spec.model, {name: values.get(name) for name in spec.fields})


def save_block(atelier, bloc, obj_pk, values, *, revision, by, photo=None, remove_photo=False):
    """Save one block of `atelier`'s booklet from `values` (a form's cleaned data) written from `revision`.

    Returns `Saved` (the new revision). Raises `Conflict` when the row moved on since `revision` and
    `values` differ from what it now holds, `StudioPermissionError` when `by` may not write it, the
    model's DoesNotExist when the block is not in this booklet. A speaker's `photo` (already checked by
    `ateliers.livret.validators.validate_photo`) is stored re-encoded (`reencode_photo`: upright, 800 pixels a
    side at most, no metadata; `ValidationError` if its pixels do not decode) in place of the previous
    one, which is deleted after commit; a speaker who also speaks in another workshop is written by staff
    only (`can_edit_speaker`).
    """
    _check(by, atelier)
    values = {name: values.get(name) for name in BLOCS[bloc].fields}
    if photo is not None:
        photo = reencode_photo(photo)
    photo_field = Intervenant._meta.get_field("photo")
    attempted = stored_name = ""
    try:
        with transaction.atomic():
            obj = _lock(atelier, bloc, obj_pk)
            if bloc == "intervenant" and not can_edit_speaker(by, atelier, obj):
                raise StudioPermissionError(SHARED_SPEAKER)
            theirs, mine = check_revision(obj, revision, values, bloc=bloc)
            old_photo = obj.photo.name if bloc == "intervenant" and obj.photo else ""
            changed = theirs != mine or photo is not None or (remove_photo and bool(old_photo))
            if not changed:
                return Saved(obj=obj, revision=obj.revision, saved_at=timezone.now(), changed=False)
            _write(bloc, obj, mine, by)
            if bloc == "intervenant":
                if photo is not None:
                    name = photo.name  # "photo.jpg" or "photo.png", as re-encoded
                    attempted = photo_field.generate_filename(obj, name)
                    while photo_field.storage.exists(attempted):  # a random name: ours alone
                        attempted = photo_field.generate_filename(obj, name)
                    stored_name = photo_field.storage.save(
                        attempted, photo, max_length=photo_field.max_length
                    )
                    obj.photo.name = stored_name
                elif remove_photo:
                    obj.photo = ""
                obj.save(update_fields=["portrait", "photo", "revision"])
                if old_photo and old_photo != obj.photo.name:
                    storage = obj.photo.storage
                    transaction.on_commit(lambda: storage.delete(old_photo))
            else:
                obj.save()
            if bloc == "groupe" and mine["constats"] != theirs["constats"]:
                obj.constats.all().delete()
                Constat.objects.bulk_create(
                    Constat(groupe=obj, order=order, text=text) for order, text in enumerate(mine["constats"])
                )
    except BaseException:
        # Never keep a file whose row was not saved, nor what a failed write left behind.
        leftover = stored_name or attempted
        if leftover and photo_field.storage.exists(leftover):
            photo_field.storage.delete(leftover)
        raise
    logger.info("Studio: %s %s saved at revision %s by account %s", bloc, obj.pk, obj.revision, by.pk)
    return Saved(obj=obj, revision=obj.revision, saved_at=timezone.now())


def _write(bloc, obj, mine, by):
    for name, value in mine.items():
        if name == "constats":
            continue
        setattr(obj, "organisation_id" if name == "organisation" else name, value)
    obj.revision += 1
    if hasattr(obj, "updated_by_id"):
        obj.updated_by = by


def _siblings(bloc, parent):
    spec = BLOCS[bloc]
    return spec.model.objects.filter(**{spec.parent: parent}).order_by("order", "pk")


def _lock_parent(atelier, bloc, parent_pk):
    spec = BLOCS[bloc]
    if spec.parent_model is Question:
        parents = Question.objects.filter(sequence__atelier=atelier)
    else:
        parents = Sequence.objects.filter(atelier=atelier)
    return parents.select_for_update().get(pk=parent_pk)


def add_block(atelier, bloc, parent_pk, values, *, by):
    """Add a block of kind `bloc` at the end of its séquence (or question, for an answer), with the
    fields that name it (`Bloc.add_fields`); the rest is written in the studio afterwards."""
    _check(by, atelier)
    spec = BLOCS[bloc]
    if not spec.parent:
        raise StudioError(_("Ce bloc ne s'ajoute pas."))
    mine = {name: value for name, value in _normalised(bloc, values).items() if name in spec.add_fields}
    with transaction.atomic():
        parent = _lock_parent(atelier, bloc, parent_pk)
        last = _siblings(bloc, parent).aggregate(last=Max("order"))["last"]
        obj = spec.model(**{spec.parent: parent}, order=0 if last is None else last + 1, updated_by=by)
        _write(bloc, obj, mine, by)
        obj.revision = 0
        obj.save()
    logger.info("Studio: %s %s added by account %s", bloc, obj.pk, by.pk)
    return obj


def delete_block(atelier, bloc, obj_pk, *, by):
    """Delete a block (a question goes with its answers, a group with its findings)."""
    _check(by, atelier)
    if not BLOCS[bloc].deletable:
        raise StudioError(_("Ce bloc ne se supprime pas."))
    with transaction.atomic():
        obj = _lock(atelier, bloc, obj_pk)
        obj.delete()
    logger.info("Studio: %s %s deleted by account %s", bloc, obj_pk, by.pk)


def move_block(atelier, bloc, obj_pk, *, up, by):
    """Move a block one place up or down among its siblings (renumbering them 0, 1, 2…)."""
    _check(by, atelier)
    spec = BLOCS[bloc]
    if not spec.parent:
        raise StudioError(_("Ce bloc ne se déplace pas."))
    with transaction.atomic():
        obj = blocks_of(atelier, bloc).get(pk=obj_pk)
        parent = _lock_parent(atelier, bloc, getattr(obj, f"{spec.parent}_id"))
        siblings = list(_siblings(bloc, parent))
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
        moved = []
        for order, sibling in enumerate(siblings):
            if sibling.order != order:
                sibling.order = order
                moved.append(sibling)
        spec.model.objects.bulk_update(moved, ["order"])
    return obj
