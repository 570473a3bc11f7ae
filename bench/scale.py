"""Ten years of the network on one machine, run by hand (not in CI): `python bench/scale.py`.

It creates and migrates a dedicated PostgreSQL database (`<DATABASE_URL's name>_scale`, or
SCALE_DATABASE_URL) and fills it once with a generated ten-year network (rerun = reuse): 638 organisations
(ministries, their directions, public bodies, PFRH), 3,082 accounts with their adhesions, 1,032 schemes,
ten yearly programmes of 3-4 workshops with 2,047 registrations, 3,060 immersions and 310 agreements, from
the project's factories (`build()` then `bulk_create`). Then it serves that database with gunicorn (2 sync
workers) under the production settings (fabrique.settings.base, DEBUG off, static files collected into a
temporary STATIC_ROOT and served by whitenoise, Redis db 4 or SCALE_REDIS_URL), and loads every list page
and search with 8 concurrent clients (threads, `requests` keep-alive sessions) for SCALE_SECONDS (10) each.

Sessions: made directly in the session store by tests.second_factor.SecondFactorClient.force_login (for
the staff account it records allauth's "mfa" authentication, as a login with the TOTP code does), then
sent as a Cookie header (the production session cookie is Secure, so a cookie jar would not send it over
plain HTTP). A tête de réseau account loads the network's pages, the staff account (« Animateur DGAFP »,
TOTP) the staff pages and the admin changelists.

It prints per page p50/p95/p99 (ms), req/s, the ratio to the trivial page's req/s (/mentions-legales/,
a template-only public page, measured first and last in the same run: there is no health page), the status
codes seen and the 1-minute load average after the page. Target (issue 12, 2-core machine): every page
p95 <= 250 ms and >= 0.25x the trivial page's req/s.
"""

import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLIENTS = int(os.environ.get("SCALE_CLIENTS", "8"))
SECONDS = float(os.environ.get("SCALE_SECONDS", "10"))
WORKERS = 2
P95_TARGET_MS = 250
RATIO_TARGET = 0.25
GLOBAL_SEARCH_URL = None  # no global search page yet (issue 12, point 4): printed as "absent"

COUNTS = {
    "ministries": 22,
    "directions": 420,
    "public_bodies": 170,
    "pfrh": 26,  # 638 organisations
    "members": 3080,  # + the lead and the staff account: 3,082
    "schemes": 1032,
    "registrations": 2047,
    "immersions": 3060,
    "agreements": 310,
}
LEAD_EMAIL = "tete-de-reseau@scale.bench.gouv.fr"
STAFF_EMAIL = "animateur@scale.bench.gouv.fr"


def scale_database_url():
    if os.environ.get("SCALE_DATABASE_URL"):
        return os.environ["SCALE_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/fabrique"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/scale.py needs PostgreSQL: set DATABASE_URL (postgres://...) or SCALE_DATABASE_URL.")
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_scale"))


def ensure_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"database {name} created")


DATABASE_URL = scale_database_url()
STATIC_ROOT = Path(tempfile.gettempdir()) / f"fabrique-scale-static-{urlsplit(DATABASE_URL).path.lstrip('/')}"
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "fabrique.settings.base",
    "SECRET_KEY": "bench-scale-" + "s3cr3t-not-for-production-" * 3,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/4"),
    "SECURE_SSL_REDIRECT": "False",
    "SECURE_HSTS_SECONDS": "0",
    "DEBUG": "False",
    "STATIC_ROOT": str(STATIC_ROOT),
    "MEDIA_ROOT": tempfile.mkdtemp(prefix="fabrique-scale-media-"),
    "EMAIL_URL": "consolemail://",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)
ensure_database(DATABASE_URL)

import django  # noqa: E402 - configured above

django.setup()

import requests  # noqa: E402
from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accompagnement.enums import Besoin, DispositifKind, Maturite, OrganisationKind, Public, Role  # noqa: E402
from accompagnement.models import AcceptationCharte, Adhesion, Charte, Dispositif, Organisation, User  # noqa: E402
from ateliers.enums import AtelierStatus, InscriptionStatus  # noqa: E402
from ateliers.models import Inscription  # noqa: E402
from immersions.enums import Categorie, EchangeStatus, ImmersionKind, ImmersionStatus  # noqa: E402
from immersions.models import EchangeTalent, Immersion  # noqa: E402
from tests.accompagnement.factories import (  # noqa: E402
    PASSWORD,
    AdhesionFactory,
    DispositifFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, ProgrammeFactory  # noqa: E402
from tests.immersions.factories import EchangeFactory, ImmersionFactory  # noqa: E402
from tests.second_factor import SecondFactorClient  # noqa: E402

MINISTRY_TOPICS = [
    "de l'Économie et des Finances", "de l'Intérieur", "de la Justice", "des Armées",
    "de l'Éducation nationale", "de l'Enseignement supérieur", "de la Santé", "du Travail", "de la Culture",
    "de l'Agriculture", "de la Transition écologique", "de la Mer", "des Sports", "des Affaires étrangères",
    "du Logement", "des Outre-mer", "de la Fonction publique", "de l'Industrie", "des Transports",
    "du Numérique", "de la Cohésion des territoires", "de l'Égalité",
]  # fmt: skip
DIRECTION_WORDS = [
    "des ressources humaines", "des affaires juridiques", "du budget", "des systèmes d'information",
    "de la modernisation", "des achats", "de la communication", "des politiques sociales",
    "de l'immobilier", "de la stratégie", "des territoires", "de l'évaluation", "des données",
    "de la formation", "des relations internationales", "de la sécurité", "des carrières",
    "de l'administration générale", "de la prospective",
]  # fmt: skip
REGIONS = [
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
    "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
    "Pays de la Loire", "Provence-Alpes-Côte d'Azur", "Guadeloupe", "Martinique", "Guyane", "La Réunion",
    "Mayotte",
]  # fmt: skip
SCHEME_WORDS = [
    "mobilité", "reconversion", "mentorat", "tutorat", "intégration", "passerelle", "bilan de compétences",
    "conseil en évolution professionnelle", "immersion", "préparation aux concours", "entretien de carrière",
    "inaptitude", "seconde carrière", "encadrement", "télétravail", "handicap", "numérique", "management",
]  # fmt: skip


def pick(rng, enum, k=1):
    return [c.value for c in rng.sample(list(enum), k)]


def placement(rng, today, ministries, directions, *, days):
    """Where and when an immersion or agreement goes: two ministries, a service of the first, its dates."""
    origin, host = rng.sample(ministries, 2)
    start = today - dt.timedelta(days=rng.randint(-120, 3650))
    service = directions[ministries.index(origin) + len(ministries) * rng.randint(0, 18)]
    return {
        "origin": origin,
        "origin_service": service,
        "host": host,
        "start_date": start,
        "end_date": start + dt.timedelta(days=days),
    }


def build_dataset():
    """The ten-year network, in one transaction (a failed run leaves nothing). Returns the seconds spent."""
    started = time.perf_counter()
    rng = random.Random(12)  # noqa: S311 - generated data, the same each build
    today = timezone.localdate()
    with transaction.atomic():
        # Organisations: ministries, their directions, public bodies under their tutelle, PFRH.
        ministries = Organisation.objects.bulk_create(
            OrganisationFactory.build(
                kind=OrganisationKind.MINISTERE,
                name=f"Ministère {topic}",
                acronym=f"M{i:02d}",
            )
            for i, topic in enumerate(MINISTRY_TOPICS[: COUNTS["ministries"]])
        )
        directions = Organisation.objects.bulk_create(
            (
                OrganisationFactory.build(
                    kind=OrganisationKind.DIRECTION,
                    parent=ministries[i % len(ministries)],
                    name=f"Direction {DIRECTION_WORDS[i % 19]} {i // 19 + 1}",  # unique per ministry
                )
                for i in range(COUNTS["directions"])
            ),
            batch_size=500,
        )
        bodies = Organisation.objects.bulk_create(
            (
                OrganisationFactory.build(
                    kind=OrganisationKind.ETABLISSEMENT_PUBLIC,
                    tutelle=ministries[i % len(ministries)],
                    name=f"Établissement public {rng.choice(SCHEME_WORDS)} n° {i + 1}",
                )
                for i in range(COUNTS["public_bodies"])
            ),
            batch_size=500,
        )
        pfrh = Organisation.objects.bulk_create(
            OrganisationFactory.build(
                kind=OrganisationKind.PFRH,
                name=f"Plateforme RH {REGIONS[i % len(REGIONS)]} {i // len(REGIONS) + 1}",
                acronym=f"PFRH{i:02d}",
            )
            for i in range(COUNTS["pfrh"])
        )
        organisations = ministries + directions + bodies + pfrh

        # Members: accounts (one password hash for all: hashing 3,080 times would take minutes),
        # verified addresses, the charter accepted, one adhesion each.
        password = make_password(PASSWORD)
        people = []
        for i in range(COUNTS["members"]):
            user = UserFactory.build(email=f"membre{i}@scale.bench.gouv.fr", password=None)
            user.password = password
            people.append(user)
        people = User.objects.bulk_create(people, batch_size=500)
        EmailAddress.objects.bulk_create(
            (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in people),
            batch_size=1000,
        )
        charte = Charte.objects.current()
        if charte is not None:
            AcceptationCharte.objects.bulk_create(
                (AcceptationCharte(user=u, charte=charte) for u in people), batch_size=1000
            )
        functions = ["Responsable de l'accompagnement RH", "Conseillère mobilité-carrière", "Chargé de RH"]
        adhesions = Adhesion.objects.bulk_create(
            (
                AdhesionFactory.build(
                    user=u,
                    organisation=organisations[i % len(organisations)],
                    role=Role.TETE_DE_RESEAU if i < len(organisations) else Role.REPRESENTANT,
                    function=rng.choice(functions),
                )
                for i, u in enumerate(people)
            ),
            batch_size=1000,
        )

        # Schemes of the network's organisations.
        Dispositif.objects.bulk_create(
            (
                DispositifFactory.build(
                    organisation=rng.choice(organisations),
                    title=f"{rng.choice(SCHEME_WORDS).capitalize()} : {rng.choice(SCHEME_WORDS)} n° {i + 1}",
                    kind=rng.choice(list(DispositifKind)),
                    needs=pick(rng, Besoin, rng.randint(1, 2)),
                    publics=pick(rng, Public, rng.randint(1, 3)),
                    summary=f"Accompagnement des agents : {', '.join(rng.sample(SCHEME_WORDS, 4))}.",
                    description=" ".join(
                        f"Le dispositif propose {w} aux agents de catégorie {rng.choice('ABC')}."
                        for w in rng.sample(SCHEME_WORDS, 8)
                    ),
                    maturity=rng.choice(list(Maturite)),
                    is_model=i % 15 == 0,
                )
                for i in range(COUNTS["schemes"])
            ),
            batch_size=500,
        )

        # Ten yearly programmes of 3-4 workshops, 2,047 registrations spread over them.
        ateliers = []
        for year in range(today.year - 9, today.year + 1):
            programme = ProgrammeFactory(year=year)
            for n in range(3 if year % 2 else 4):
                starts = dt.datetime(year, 2 + 3 * n, 10 + n, 9, 30, tzinfo=timezone.get_current_timezone())
                held = starts < timezone.now()
                ateliers.append(
                    AtelierFactory(
                        programme=programme,
                        number=n + 1,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=6),
                        registration_opens_at=starts - dt.timedelta(days=60),
                        registration_closes_at=starts - dt.timedelta(days=2),
                        capacity=70,
                        status=AtelierStatus.TENU if held else AtelierStatus.INSCRIPTIONS_OUVERTES,
                    )
                )
        registrations = []
        per_atelier = -(-COUNTS["registrations"] // len(ateliers))
        for atelier in ateliers:
            for adhesion in rng.sample(adhesions, per_atelier):
                if len(registrations) == COUNTS["registrations"]:
                    break
                registrations.append(
                    InscriptionFactory.build(
                        atelier=atelier,
                        organisation=adhesion.organisation,
                        user=adhesion.user,
                        registered_by=adhesion.user,
                        consent_annuaire=rng.random() < 0.8,
                        status=rng.choices(
                            [
                                InscriptionStatus.INSCRIT,
                                InscriptionStatus.LISTE_ATTENTE,
                                InscriptionStatus.ANNULE,
                            ],
                            [85, 5, 10],
                        )[0],
                    )
                )
        Inscription.objects.bulk_create(registrations, batch_size=1000)

        # Immersions and agreements between ministries, over the ten years.
        def immersion_status(start):
            if start > today:
                return rng.choice(
                    [ImmersionStatus.BROUILLON, ImmersionStatus.SOUMISE, ImmersionStatus.ACCEPTEE_ORIGINE]
                )
            return rng.choice([ImmersionStatus.BILAN_FAIT, ImmersionStatus.TERMINEE, ImmersionStatus.ANNULEE])

        immersions = []
        for i in range(COUNTS["immersions"]):
            where = placement(rng, today, ministries, directions, days=rng.randint(1, 10))
            immersions.append(
                ImmersionFactory.build(
                    **where,
                    kind=rng.choice(list(ImmersionKind)),
                    agent_categorie=rng.choice(list(Categorie)),
                    status=immersion_status(where["start_date"]),
                    confidential=i % 20 == 0,
                )
            )
        Immersion.objects.bulk_create(immersions, batch_size=1000)
        agreements = []
        for _ in range(COUNTS["agreements"]):
            where = placement(rng, today, ministries, directions, days=rng.randint(90, 360))
            agreements.append(
                EchangeFactory.build(
                    **where,
                    planned_return_date=where["end_date"] + dt.timedelta(days=1),
                    status=EchangeStatus.SOUMISE
                    if where["start_date"] > today
                    else rng.choice([EchangeStatus.TERMINEE, EchangeStatus.EN_COURS, EchangeStatus.SIGNEE]),
                )
            )
        EchangeTalent.objects.bulk_create(agreements, batch_size=1000)

        # The two accounts the clients use: a tête de réseau of the first ministry and a DGAFP animator
        # (« Animateur DGAFP » group, TOTP authenticator). Made last: their presence marks a complete build.
        AdhesionFactory(
            user=UserFactory(email=LEAD_EMAIL), organisation=ministries[0], role=Role.TETE_DE_RESEAU
        )
        UserFactory(email=STAFF_EMAIL, is_staff=True)
    return time.perf_counter() - started


def print_counts():
    print(
        "dataset: "
        f"{Organisation.objects.count()} organisations, {User.objects.count()} accounts, "
        f"{Adhesion.objects.count()} adhesions, {Dispositif.objects.count()} schemes, "
        f"{Inscription.objects.count()} registrations, {Immersion.objects.count()} immersions, "
        f"{EchangeTalent.objects.count()} agreements"
    )


def session_cookie(email):
    client = SecondFactorClient()
    client.force_login(User.objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port):
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "fabrique.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/mentions-legales/", timeout=30)
            return server
        except requests.RequestException:  # not listening yet, or a worker still booting
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def load(base, path, cookie):
    """CLIENTS threads GET `path` in a loop for SECONDS; returns (latencies in s, status Counter, elapsed)."""
    latencies, statuses, lock = [], Counter(), threading.Lock()
    deadline = [0.0]
    # Every client has made one request (connection open, worker warm) before the clock starts.
    start_barrier = threading.Barrier(
        CLIENTS + 1, action=lambda: deadline.__setitem__(0, time.perf_counter() + SECONDS)
    )

    def client():
        session = requests.Session()
        session.headers["Cookie"] = cookie
        session.get(base + path, allow_redirects=False, timeout=120)  # warm the connection and the worker
        start_barrier.wait()
        mine, codes = [], Counter()
        while not mine or time.perf_counter() < deadline[0]:  # one timed request at least
            t0 = time.perf_counter()
            response = session.get(base + path, allow_redirects=False, timeout=120)
            _ = response.content
            mine.append(time.perf_counter() - t0)
            codes[response.status_code] += 1
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - began


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def main():
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if User.objects.filter(email=STAFF_EMAIL).exists():
        print(f"dataset reused ({DATABASE_URL.rsplit('/', 1)[-1]})")
    else:
        print(f"dataset built in {build_dataset():.0f} s")
    print_counts()
    call_command("collectstatic", interactive=False, verbosity=0)

    lead, staff = session_cookie(LEAD_EMAIL), session_cookie(STAFF_EMAIL)
    organisation = Organisation.objects.get(acronym="M00")
    pages = [
        ("programme (ateliers)", "/ateliers/", lead),
        ("catalogue", "/dispositifs/", lead),
        ("catalogue, filtres", "/dispositifs/?kind=formation&needs=mobilite&publics=categorie_a", lead),
        ("catalogue, plein texte", "/dispositifs/?q=mobilit%C3%A9+reconversion", lead),
        ("annuaire /reseau/", "/reseau/", lead),
        ("annuaire, recherche", "/reseau/?q=ressources", lead),
        ("page d'organisation", organisation.get_absolute_url(), lead),
        ("immersions", "/immersions/", lead),
        ("immersions (staff)", "/immersions/", staff),
        ("conventions", "/echanges/", lead),
        ("conventions (staff)", "/echanges/", staff),
        ("services", "/echanges/services/", lead),
        ("À traiter", "/a-traiter/", lead),
        ("À traiter (staff)", "/a-traiter/", staff),
        ("indicateurs (staff)", "/indicateurs/", staff),
        ("admin comptes", "/admin/accompagnement/user/", staff),
        ("admin adhésions", "/admin/accompagnement/adhesion/", staff),
        ("admin organisations", "/admin/accompagnement/organisation/", staff),
        ("admin inscriptions", "/admin/ateliers/inscription/", staff),
        ("admin immersions", "/admin/immersions/immersion/", staff),
        ("admin conventions", "/admin/immersions/echangetalent/", staff),
    ]

    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        trivial_first = load(base, "/mentions-legales/", lead)
        for label, path, cookie in pages:
            rows.append((label, path, *load(base, path, cookie), os.getloadavg()[0]))
        trivial_last = load(base, "/mentions-legales/", lead)
    finally:
        server.terminate()
        server.wait(timeout=30)

    trivial_rates = [len(lat) / elapsed for lat, _, elapsed in (trivial_first, trivial_last)]
    trivial_rate = statistics.mean(trivial_rates)
    print(
        f"\n{CLIENTS} clients, {SECONDS:.0f} s per page, gunicorn {WORKERS} sync workers, "
        f"production settings, {os.cpu_count()} cores"
    )
    print(
        f"trivial page /mentions-legales/: {trivial_rates[0]:.0f} req/s first, {trivial_rates[1]:.0f} last "
        f"(ratio base {trivial_rate:.0f} req/s); p95 "
        f"{percentile(trivial_first[0], 95) * 1000:.0f} / {percentile(trivial_last[0], 95) * 1000:.0f} ms"
    )
    header = f"{'page':<26}{'p50':>7}{'p95':>7}{'p99':>7}{'req/s':>8}{'ratio':>7}  {'target':<7}{'load':>5}"
    header += "  statuses"
    print(header)
    print("-" * len(header))
    failures = 0
    for label, _path, latencies, statuses, elapsed, loadavg in rows:
        if not latencies:
            print(f"{label:<26} no answer in {SECONDS:.0f} s")
            failures += 1
            continue
        rate = len(latencies) / elapsed
        p50, p95, p99 = (percentile(latencies, p) * 1000 for p in (50, 95, 99))
        ok = p95 <= P95_TARGET_MS and rate >= RATIO_TARGET * trivial_rate and set(statuses) == {200}
        failures += not ok
        codes = " ".join(f"{code}x{n}" for code, n in sorted(statuses.items()))
        print(
            f"{label:<26}{p50:>7.0f}{p95:>7.0f}{p99:>7.0f}{rate:>8.1f}{rate / trivial_rate:>6.2f}x  "
            f"{'ok' if ok else 'MISSED':<7}{loadavg:>5.1f}  {codes}"
        )
    print(f"{'recherche globale':<26} absent" if GLOBAL_SEARCH_URL is None else "")
    print(
        f"\ntarget: p95 <= {P95_TARGET_MS} ms and >= {RATIO_TARGET}x the trivial page's req/s, only 200s; "
        f"{len(rows) - failures}/{len(rows)} pages meet it. Load average {os.getloadavg()[0]:.2f} "
        f"{os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; {time.perf_counter() - started:.0f} s in all."
    )


if __name__ == "__main__":
    main()
