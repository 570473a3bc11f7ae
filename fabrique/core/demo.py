"""Demo data as data: each app's YAML files (and the CSV files they name) in `<app>/demo/`, read by this
one loader. It knows no app: it works on model labels through `django.apps`. Idempotent: every row is
written with `update_or_create` on its natural key, so loading twice leaves the same rows.

A YAML file is a list of blocks, loaded in order::

    - model: ateliers.Atelier            # the model's label
      key: [programme, number]           # natural key: the lookup of update_or_create, the rest updates
      common: {capacity: 50}             # fields every row gets (a row's own value wins)
      rows: [{...}, {...}]               # mappings, or a CSV file (or a list of them) beside the YAML
      columns: {user.email: email}       # CSV only: field <- column, to read one file into several models
      only_existing: true                # rows that match no object are skipped (a workshop's own parts)
      log: ateliers.AtelierTransition    # workflow objects, see below

Values, converted by the model field (so CSV strings become booleans, numbers, dates):

- dates move with the day of loading: a date or date-time field takes `today`, `today+45`,
  `today-7 18:00`; an absolute `2023-04-06 9:30` is read in the current time zone. Any string may embed
  `{today+45:%Y}` (a strftime format). Quote times in YAML (`"9:30"`: unquoted, YAML reads a number);
- a reference (foreign key) is a mapping of lookups on the target, `{programme__year: 2023, number: 1}`;
  `parent.slug: mj` is short for `parent: {slug: mj}`; a many-to-many field takes a list of them
  (`intervenants.last_name: [Dubois, Garnier]`). No match, or several, raises DemoDataError;
- `$name` is the object given to `load(..., name=obj)`;
- a file field takes a path beside the YAML file, stored once (kept while its file exists);
- in a CSV file an empty cell gives no value; `oui`/`non` (or true/false) fill booleans;
- under a reverse relation's name, nested rows: a mapping for a one-to-one (`contenu: {...}`), a list
  for rows with an `order` field, numbered by position unless given. The list is the parent's whole
  set: its other rows in that relation are deleted.

Workflow objects (a block with `log: <log model>`, or `log: {model:, history:, at:, by:}`): `status` is
written when the object is created, never afterwards (the workflow owns it then), and the object's log
is written once, when it has none yet: its `history` (a list of steps {to_status, from_status (default:
the previous step's, "" first), at, by, actor_label, reason}, inline or in the block's `history` CSV
whose rows name their object by its key columns), or else one step « created in this status », dated
by the object's `at` field and made by its `by` field when the block names them.
"""

import csv
import datetime as dt
import re
from pathlib import Path

import yaml
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files import File
from django.db import models
from django.utils import timezone

from fabrique.core.workflow import actor_label

RELATIVE = re.compile(r"today(?P<days>[+-]\d+)?(?: (?P<hour>\d{1,2}):(?P<minute>\d{2}))?")
EMBEDDED = re.compile(r"\{today(?P<days>[+-]\d+)?:(?P<format>[^}]*)\}")
ABSOLUTE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?: (?P<hour>\d{1,2}):(?P<minute>\d{2}))?"
)
TRUE, FALSE = {"oui", "true", "1", "t"}, {"non", "false", "0", "f"}
STEP_FIELDS = {"from_status", "to_status", "at", "by", "actor_label", "reason"}


class DemoDataError(Exception):
    """A demo file that cannot be loaded: the message names the file, the block and the row."""


def path(app_label, name):
    """The demo file `name` of an app: `<app>/demo/<name>`."""
    return Path(apps.get_app_config(app_label).path) / "demo" / name


def read_csv(file):
    """The rows of a CSV file (header line first, UTF-8) as dicts, empty cells left out."""
    with Path(file).open(encoding="utf-8", newline="") as handle:
        return [{key: value for key, value in row.items() if value != ""} for row in csv.DictReader(handle)]


def load(*files, today=None, **context):
    """Load the YAML demo `files` in order; return {model label: [objects loaded, in order]}.

    `today` (default: the current local date) anchors relative dates; `context` gives the `$name` values.
    """
    loader = Loader(today or timezone.localdate(), context)
    for file in files:
        loader.load_file(Path(file))
    return loader.loaded


class Loader:
    def __init__(self, today, context):
        self.today, self.context, self.loaded, self.where = today, context, {}, ""

    def fail(self, message):
        return DemoDataError(f"{self.where} : {message}")

    def load_file(self, file):
        blocks = yaml.safe_load(file.read_text(encoding="utf-8")) or []
        for number, block in enumerate(blocks, 1):
            self.where = f"{file.name}, bloc {number} ({block.get('model')})"
            self.load_block(block, file.parent)

    @staticmethod
    def rows(rows, folder, columns=None):
        """A block's rows: as written, or read from its CSV file(s) (`columns`: field <- column)."""
        if not isinstance(rows, str) and all(isinstance(row, dict) for row in rows):
            return rows
        found = []
        for name in [rows] if isinstance(rows, str) else rows:
            for row in read_csv(folder / name):
                found.append({f: row[c] for f, c in columns.items() if c in row} if columns else row)
        return found

    def load_block(self, block, folder):
        try:
            model = apps.get_model(block["model"])
        except (KeyError, LookupError, ValueError) as exc:
            raise self.fail(f"modèle inconnu ({exc})") from exc
        key = block.get("key")
        if not key:
            raise self.fail("un bloc nomme sa clé naturelle (key: [champ, ...])")
        log = block.get("log")
        log = {"model": log} if isinstance(log, str) else log
        histories = {}
        if log:
            log = {**log, "model": apps.get_model(log["model"])}
            for step in self.rows(log.get("history", []), folder):
                histories.setdefault(tuple(step.pop(name, None) for name in key), []).append(step)
        where = self.where
        for number, row in enumerate(self.rows(block.get("rows", []), folder, block.get("columns")), 1):
            self.where = f"{where}, ligne {number}"
            values = {**block.get("common", {}), **row}
            if histories and "history" not in values:
                values["history"] = histories.get(tuple(values.get(name) for name in key))
            self.save(model, values, key, folder, log=log, only_existing=block.get("only_existing", False))
        self.where = where

    def split(self, model, row, folder):
        """`row` sorted into field values, many-to-many targets, files and nested rows."""
        fields, many, files, nested = {}, {}, {}, []
        for name, raw in self.expand(model, row).items():
            field = self.field(model, name)
            if field.many_to_many and not field.auto_created:
                many[field.name] = [self.reference(field.related_model, item) for item in raw]
            elif not field.concrete:
                nested.append((field, raw))
            elif isinstance(field, models.FileField):
                files[field.name] = folder / raw
            else:
                fields[field.name] = self.value(field, raw)
        return fields, many, files, nested

    def save(self, model, row, key, folder, *, log=None, only_existing=False):
        """Create or update one object from `row`, then its many-to-many, files, nested rows and log."""
        history = row.pop("history", None)
        fields, many, files, nested = self.split(model, row, folder)
        if missing := [name for name in key if name not in fields]:
            raise self.fail(f"clé incomplète, il manque {missing}")
        lookup = {name: fields.pop(name) for name in key}
        if only_existing:
            obj = model.objects.filter(**lookup).first()
            if obj is None:
                return None
            for name, value in fields.items():
                setattr(obj, name, value)
            obj.save()
        else:
            create_only = {"status": fields.pop("status")} if log and "status" in fields else {}
            obj, _ = model.objects.update_or_create(
                defaults=fields, create_defaults={**fields, **create_only}, **lookup
            )
        for name, targets in many.items():
            getattr(obj, name).set(targets)
        for name, file in files.items():
            current = getattr(obj, name)
            if not current or not current.storage.exists(current.name):
                with file.open("rb") as handle:
                    current.save(file.name, File(handle), save=False)
                obj.save(update_fields=[name])
        for relation, raw in nested:
            self.save_nested(obj, relation, raw, folder)
        if log:
            self.write_log(obj, log, history)
        self.loaded.setdefault(model._meta.label, []).append(obj)
        return obj

    def save_nested(self, parent, relation, raw, folder):
        """A one-to-one's row, or the whole list of a parent's ordered rows (the others are deleted)."""
        child, parent_field = relation.related_model, relation.field.name
        if relation.one_to_one:
            self.save(child, {**raw, parent_field: parent}, [parent_field], folder)
            return
        if not any(field.name == "order" for field in child._meta.fields):
            raise self.fail(f"« {relation.name} » : des lignes imbriquées ont besoin d'un champ order")
        rows = [{"order": position, **row, parent_field: parent} for position, row in enumerate(raw)]
        orders, kept, stale = {int(row["order"]) for row in rows}, set(), []
        existing = child.objects.filter(**{parent_field: parent}).order_by("pk")
        for pk, order in existing.values_list("pk", "order"):  # rows the data drops, and duplicates
            if order in orders and order not in kept:
                kept.add(order)
            else:
                stale.append(pk)
        child.objects.filter(pk__in=stale).delete()
        for row in rows:
            self.save(child, row, [parent_field, "order"], folder)

    def write_log(self, obj, log, history):
        """The object's log, written once: its history, or one step « created in this status »."""
        log_model = log["model"]
        link = next(f.name for f in log_model._meta.fields if f.is_relation and f.related_model is type(obj))
        if log_model.objects.filter(**{link: obj}).exists():
            return
        if not history:
            at, by = log.get("at"), log.get("by")
            history = [
                {
                    "to_status": obj.status,
                    "at": getattr(obj, at) if at else None,
                    "by": getattr(obj, by) if by else None,
                }
            ]
        previous = ""
        for step in history:
            given = {name: raw for name, raw in self.expand(log_model, step).items() if raw is not None}
            if unknown := set(given) - STEP_FIELDS:
                raise self.fail(f"étape d'historique : champs inconnus {sorted(unknown)}")
            values = {name: self.value(log_model._meta.get_field(name), raw) for name, raw in given.items()}
            values.setdefault("from_status", previous)
            values.setdefault("actor_label", actor_label(values.get("by")))
            log_model.objects.create(**{link: obj}, **values)
            previous = values["to_status"]

    def field(self, model, name):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise self.fail(f"{model._meta.label} n'a pas de champ « {name} »") from exc

    def expand(self, model, row):
        """`parent.slug: mj` -> `parent: {slug: mj}` (a list of them for a many-to-many field)."""
        expanded = {}
        for name, raw in row.items():
            if "." not in name:
                expanded[name] = raw
                continue
            field, lookup = name.split(".", 1)
            many = self.field(model, field).many_to_many
            expanded[field] = [{lookup: item} for item in raw] if many else {lookup: raw}
        return expanded

    def plain(self, raw):
        """`$name` replaced by the object given to `load`, `{today+N:%Y}` by the formatted date."""
        if not isinstance(raw, str):
            return raw
        if raw.startswith("$"):
            if raw[1:] not in self.context:
                raise self.fail(f"{raw} : aucun objet « {raw[1:]} » n'a été donné au chargement")
            return self.context[raw[1:]]
        return EMBEDDED.sub(lambda match: self.day(match["days"]).strftime(match["format"]), raw)

    def value(self, field, raw):
        """`raw` as the field's Python value (a reference resolved, a date placed, a CSV string read)."""
        raw = self.plain(raw)
        if field.is_relation:
            if raw is None or isinstance(raw, models.Model):
                return raw
            return self.reference(field.related_model, raw)
        if isinstance(raw, str):
            if isinstance(field, (models.DateField, models.DateTimeField)):
                return self.moment(field, raw)
            if isinstance(field, models.BooleanField) and raw.strip().lower() in TRUE | FALSE:
                return raw.strip().lower() in TRUE
        if isinstance(field, models.DateTimeField) and isinstance(raw, dt.date):  # read by YAML itself
            raw = raw if isinstance(raw, dt.datetime) else dt.datetime.combine(raw, dt.time())
            return timezone.make_aware(raw) if timezone.is_naive(raw) else raw
        try:
            return field.to_python(raw)
        except ValidationError as exc:
            raise self.fail(f"« {field.name} » : valeur invalide {raw!r} ({' '.join(exc.messages)})") from exc

    def day(self, days):
        return self.today + dt.timedelta(days=int(days or 0))

    def moment(self, field, raw):
        """A relative (`today-7 18:00`) or absolute (`2023-04-06 9:30`) date or date-time."""
        if match := RELATIVE.fullmatch(raw.strip()):
            day, hour, minute = self.day(match["days"]), int(match["hour"] or 0), int(match["minute"] or 0)
        elif match := ABSOLUTE.fullmatch(raw.strip()):
            day = dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
            hour, minute = int(match["hour"] or 0), int(match["minute"] or 0)
        else:
            raise self.fail(f"« {field.name} » : date illisible {raw!r} (today+N H:MM ou AAAA-MM-JJ H:MM)")
        if isinstance(field, models.DateTimeField):
            return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        return day

    def reference(self, model, lookups):
        """The one row of `model` the lookups find (DemoDataError when none or several)."""
        if isinstance(lookups, models.Model):
            return lookups
        if not isinstance(lookups, dict):
            raise self.fail(f"une référence à {model._meta.label} s'écrit {{champ: valeur}}, pas {lookups!r}")
        lookups = {name: self.plain(value) for name, value in lookups.items()}
        try:
            return model._default_manager.get(**lookups)
        except model.DoesNotExist as exc:
            raise self.fail(f"référence introuvable : aucun {model._meta.label} pour {lookups}") from exc
        except model.MultipleObjectsReturned as exc:
            raise self.fail(f"référence ambiguë : plusieurs {model._meta.label} pour {lookups}") from exc
