"""The demo loader (fabrique.core.demo): relative dates, references, CSV files, nested rows, workflow logs,
idempotence and the errors that name the faulty row."""

import datetime as dt
import textwrap
from zoneinfo import ZoneInfo

import pytest

from accompagnement.models import Organisation
from ateliers.enums import AtelierStatus
from ateliers.models import Atelier, AtelierTransition, Programme, Sequence
from fabrique.core import demo
from fabrique.core.demo import DemoDataError

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 3, 10)


def write(folder, name, text):
    file = folder / name
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return file


NETWORK = """
    - model: accompagnement.Organisation
      key: [slug]
      rows: organisations.csv
"""
ORGANISATIONS_CSV = """\
    slug,kind,name,acronym,parent.slug,cliquet
    mj,ministere,Ministère de la Justice,MJ,,
    mj-sg,direction,Secrétariat général,SG,mj,3
"""
WORKSHOP = """
    - model: ateliers.Programme
      key: [year]
      rows: [{year: "{today+45:%Y}", title: "Programme {today+45:%Y}"}]
    - model: ateliers.Atelier
      key: [programme, number]
      log: ateliers.AtelierTransition
      rows:
        - programme.year: "{today+45:%Y}"
          number: 1
          title: Atelier
          starts_at: today+45 9:30
          ends_at: today+45 16:30
          registration_opens_at: 2026-01-15 9:00
          status: inscriptions_ouvertes
          history:
            - {from_status: brouillon, to_status: inscriptions_ouvertes, at: today-7 9:00, reason: Ouvert.}
          sequences:
            - {kind: ouverture, title: Ouverture, starts_at: "9:30"}
            - {kind: cloture, title: Clôture}
"""


@pytest.fixture
def files(tmp_path):
    write(tmp_path, "organisations.csv", ORGANISATIONS_CSV)
    return write(tmp_path, "network.yaml", NETWORK), write(tmp_path, "workshop.yaml", WORKSHOP)


def test_loader_dates_rows_relative_to_today_and_resolves_references(files):
    loaded = demo.load(*files, today=TODAY)
    sg = Organisation.objects.get(slug="mj-sg")
    assert sg.parent == Organisation.objects.get(slug="mj")
    assert sg.cliquet == 3  # a CSV cell read by the field
    assert Organisation.objects.get(slug="mj").cliquet is None  # an empty cell gives no value
    atelier = Atelier.objects.get()
    assert atelier.programme == Programme.objects.get(year=2026, title="Programme 2026")
    assert atelier.starts_at == dt.datetime(2026, 4, 24, 9, 30, tzinfo=PARIS)
    assert atelier.registration_opens_at == dt.datetime(2026, 1, 15, 9, 0, tzinfo=PARIS)
    assert [(s.order, s.kind, s.starts_at) for s in atelier.sequences.all()] == [
        (0, "ouverture", dt.time(9, 30)),
        (1, "cloture", None),
    ]
    assert [o.slug for o in loaded["accompagnement.Organisation"]] == ["mj", "mj-sg"]


def test_loader_is_idempotent_and_writes_a_log_once(files):
    demo.load(*files, today=TODAY)
    atelier = Atelier.objects.get()
    (step,) = atelier.transitions.all()
    assert (step.from_status, step.to_status, step.reason) == (
        "brouillon",
        "inscriptions_ouvertes",
        "Ouvert.",
    )
    assert step.at == dt.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS)
    # The workflow moves on; loading again (a day later) keeps its status and its log, adds nothing.
    Atelier.objects.filter(pk=atelier.pk).update(status=AtelierStatus.INSCRIPTIONS_CLOSES)
    Sequence.objects.create(atelier=atelier, order=1, kind="debat", title="Doublon")  # the list wins
    demo.load(*files, today=TODAY + dt.timedelta(days=1))
    assert (Organisation.objects.count(), Atelier.objects.count(), Sequence.objects.count()) == (2, 1, 2)
    assert AtelierTransition.objects.count() == 1
    atelier.refresh_from_db()
    assert atelier.status == AtelierStatus.INSCRIPTIONS_CLOSES
    assert atelier.starts_at == dt.datetime(2026, 4, 25, 9, 30, tzinfo=PARIS)  # dates move with the day
    assert list(atelier.sequences.values_list("kind", flat=True)) == ["ouverture", "cloture"]


def test_loader_logs_created_in_this_status_when_no_history_is_given(tmp_path, files):
    demo.load(*files, today=TODAY)
    second = write(
        tmp_path,
        "second.yaml",
        """
        - model: ateliers.Atelier
          key: [programme, number]
          log: ateliers.AtelierTransition
          common: {programme: {year: 2026}}
          rows:
            - {number: 2, title: Deux, starts_at: today 9:00, ends_at: today 12:00, status: tenu}
        """,
    )
    demo.load(second, today=TODAY)
    (step,) = Atelier.objects.get(number=2).transitions.all()
    assert (step.from_status, step.to_status, step.by, step.actor_label) == ("", "tenu", None, "Automatique")


def test_loader_takes_objects_given_by_name(tmp_path, files):
    demo.load(*files, today=TODAY)
    atelier = Atelier.objects.get()
    content = write(
        tmp_path,
        "content.yaml",
        """
        - model: ateliers.Sequence
          key: [atelier, kind]
          common: {atelier: $atelier}
          only_existing: true
          rows:
            - {kind: ouverture, contenu: {texte: "<p>Bonjour</p>"}}
            - {kind: debat, contenu: {texte: "<p>Aucune séquence de ce type : ignoré</p>"}}
        """,
    )
    demo.load(content, atelier=atelier)
    assert atelier.sequences.get(kind="ouverture").contenu.texte == "<p>Bonjour</p>"
    assert not atelier.sequences.filter(kind="debat").exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{slug: x, kind: direction, name: X, parent.slug: nowhere}", "aucun accompagnement.Organisation"),
        ("{slug: x, kind: direction, name: X, parent: nowhere}", "s'écrit {champ: valeur}"),
        ("{slug: x, kind: ministere, name: X, colour: red}", "n'a pas de champ « colour »"),
        ("{kind: ministere, name: X}", "clé incomplète"),
        ("{slug: x, kind: ministere, name: X, cliquet: many}", "« cliquet » : valeur invalide"),
    ],
)
def test_loader_errors_name_the_file_block_and_row(tmp_path, row, message):
    bad = write(
        tmp_path,
        "bad.yaml",
        f"""
        - model: accompagnement.Organisation
          key: [slug]
          rows:
            - {{slug: ok, kind: ministere, name: OK}}
            - {row}
        """,
    )
    with pytest.raises(DemoDataError, match=message) as error:
        demo.load(bad)
    assert str(error.value).startswith("bad.yaml, bloc 1 (accompagnement.Organisation), ligne 2 : ")


def test_loader_refuses_a_block_without_key(tmp_path):
    keyless = write(tmp_path, "keyless.yaml", "- {model: accompagnement.Organisation, rows: [{slug: x}]}")
    with pytest.raises(DemoDataError, match="clé naturelle"):
        demo.load(keyless)
    unknown = write(tmp_path, "unknown.yaml", "- {model: accompagnement.Organisme, key: [slug]}")
    with pytest.raises(DemoDataError, match="modèle inconnu"):
        demo.load(unknown)


def test_loader_refuses_an_ambiguous_reference(tmp_path, files):
    demo.load(*files, today=TODAY)
    ambiguous = write(
        tmp_path,
        "ambiguous.yaml",
        """
        - model: accompagnement.Organisation
          key: [slug]
          rows: [{slug: dap, kind: direction, name: DAP, parent: {kind: ministere, name__startswith: M}},
                 {slug: x, kind: direction, name: X, parent.kind: direction}]
        """,
    )
    with pytest.raises(DemoDataError, match=r"référence ambiguë : plusieurs accompagnement\.Organisation"):
        demo.load(ambiguous)


def test_demo_files_of_every_app_are_found():
    for app, name in [
        ("accompagnement", "organisations.yaml"),
        ("accompagnement", "membres.yaml"),
        ("accompagnement", "dispositifs.yaml"),
        ("ateliers", "ateliers.yaml"),
        ("ateliers", "livret.yaml"),
        ("immersions", "immersions.yaml"),
    ]:
        assert demo.path(app, name).is_file()
