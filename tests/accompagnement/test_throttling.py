"""Login throttling: the client's address cannot be forged, an attacker is slowed down, the owner is not.

The attacks send 1,000 logins each; with the test client and the MD5 hasher each runs in a few seconds.
"""

import time

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from accompagnement import throttling
from fabrique.core.clientip import client_ip
from tests.accompagnement.factories import PASSWORD, UserFactory
from tests.fabrique.test_settings import PRODUCTION, run_manage
from tests.second_factor import totp_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
SECOND_FACTOR = reverse("mfa_authenticate")
PROXY = "10.0.0.1"
ATTACKER = "198.51.100.66"
OWNER = "192.0.2.10"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The counters live in the cache (per process in tests): each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password_checks():
    """Every password check that failed (Django's user_login_failed signal), whatever the form says."""
    checks = []

    def record(sender, credentials, request=None, **kwargs):
        checks.append(credentials.get("email") or credentials.get("username"))

    user_login_failed.connect(record, dispatch_uid="test-throttling-password-checks")
    yield checks
    user_login_failed.disconnect(dispatch_uid="test-throttling-password-checks")


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.TRUSTED_PROXY_COUNT = 1


def attempt(client, email, password, *, remote=ATTACKER, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(LOGIN, {"login": email, "password": password}, headers=headers, REMOTE_ADDR=remote)


def logged_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


# --- The client's address ----------------------------------------------------------------------------


def address(settings, remote, forwarded=None, *, proxies=(PROXY,), hops=1):
    settings.TRUSTED_PROXIES = list(proxies)
    settings.TRUSTED_PROXY_COUNT = hops
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", headers=headers, REMOTE_ADDR=remote))


def test_client_ip_direct_connection_ignores_forwarded_for(settings):
    assert address(settings, ATTACKER, "203.0.113.1") == ATTACKER


def test_client_ip_through_trusted_proxy_reads_the_entry_it_wrote(settings):
    assert address(settings, PROXY, "6.6.6.6, 203.0.113.1") == "203.0.113.1"
    assert address(settings, "10.0.0.7", "203.0.113.1", proxies=["10.0.0.0/24"]) == "203.0.113.1"


def test_client_ip_two_hops_reads_the_second_entry_from_the_right(settings):
    chain = "6.6.6.6, 203.0.113.1, 10.0.0.9"  # forged, the client as the CDN saw it, the CDN
    assert address(settings, PROXY, chain, hops=2) == "203.0.113.1"
    assert address(settings, PROXY, "203.0.113.1", hops=2) == "203.0.113.1"


def test_client_ip_without_trusted_hops_or_header_is_the_connection(settings):
    assert address(settings, PROXY, "203.0.113.1", hops=0) == PROXY
    assert address(settings, PROXY) == PROXY
    assert address(settings, PROXY, "pas-une-adresse") == PROXY


def test_client_ip_ports_and_ipv6_forms(settings):
    assert address(settings, PROXY, "203.0.113.1:4711") == "203.0.113.1"
    assert address(settings, PROXY, "[2001:db8::5]:443") == "2001:db8::5"
    assert address(settings, "::ffff:10.0.0.1", "2001:db8::5") == "2001:db8::5"


@pytest.mark.parametrize("value", ["10.0.0.1,pas-une-adresse", "10.0.0.0/33"])
def test_production_start_refused_with_malformed_trusted_proxies(value):
    result = run_manage("check", env={**PRODUCTION, "TRUSTED_PROXIES": value})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES est mal formée" in result.stderr.splitlines()[-1]


def test_client_ip_addresses_of_one_ipv6_network_share_a_throttle():
    assert throttling.address_key("2001:db8:1:2:aaaa::1") == throttling.address_key("2001:db8:1:2:bbbb::9")
    assert throttling.address_key("2001:db8:1:3::1") != throttling.address_key("2001:db8:1:2::1")


# --- An attacker is slowed down ----------------------------------------------------------------------


def test_login_rotating_forwarded_for_on_direct_connection_is_throttled(client, lead, password_checks):
    """1,000 tries on one account, a new X-Forwarded-For each time, straight to the application server."""
    statuses = []
    for n in range(1000):
        password = PASSWORD if n == 500 else f"essai-{n}"  # the right password, far too late
        response = attempt(client, lead.email, password, forwarded=f"203.0.{n // 250}.{n % 250}")
        statuses.append(response.status_code)
    assert len(password_checks) == 3  # the free failures of the (account, address) pair
    assert statuses.count(429) == 970  # allauth's "login": 30/m per address, with a French page
    assert "Trop de tentatives" in response.content.decode()
    assert not logged_in(client, lead)


def test_login_spraying_many_accounts_from_one_address_is_limited_per_address(client, password_checks):
    for n in range(1000):
        attempt(client, f"agent{n}@example.gouv.fr", "motdepasse2024", forwarded=f"203.0.113.{n % 250}")
    assert len(password_checks) == 10  # allauth's "login_failed": 10/m per address


def test_login_through_proxy_with_forged_leftmost_entry_is_throttled_by_real_address(
    client, lead, behind_proxy, password_checks
):
    for n in range(1000):
        forged = f"203.0.{n // 250}.{n % 250}"
        attempt(client, lead.email, f"essai-{n}", remote=PROXY, forwarded=f"{forged}, {ATTACKER}")
    assert len(password_checks) == 3
    # Another client behind the same proxy is not affected: the owner logs in.
    response = attempt(client, lead.email, PASSWORD, remote=PROXY, forwarded=OWNER)
    assert response.status_code == 302
    assert logged_in(client, lead)


def test_login_owner_from_another_address_is_not_slowed_while_attacker_is(client, lead, password_checks):
    for n in range(20):
        attempt(client, lead.email, f"essai-{n}")
    assert "Trop de tentatives" in attempt(client, lead.email, PASSWORD).content.decode()
    response = attempt(client, lead.email, PASSWORD, remote=OWNER)
    assert response.status_code == 302
    assert logged_in(client, lead)


def test_login_throttled_try_says_how_long_to_wait(client, lead, password_checks):
    for n in range(3):
        response = attempt(client, lead.email, f"essai-{n}")
        assert "L’adresse électronique ou le mot de passe est incorrect" in response.content.decode()
    response = attempt(client, lead.email, PASSWORD)
    assert response.status_code == 200
    assert "Par sécurité, patientez 2 secondes avant de réessayer." in response.content.decode()
    assert len(password_checks) == 3
    assert not logged_in(client, lead)


def test_login_delay_doubles_with_each_failure_then_the_owner_gets_in(client, lead, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "first_delay": 0.2}
    for n in range(3):
        attempt(client, lead.email, f"essai-{n}")
    assert "patientez" in attempt(client, lead.email, "essai-3").content.decode()
    time.sleep(0.25)
    assert "est incorrect" in attempt(client, lead.email, "essai-4").content.decode()  # 4th failure
    time.sleep(0.25)  # the 4th failure asks for 0.4 s
    assert "patientez" in attempt(client, lead.email, PASSWORD).content.decode()
    time.sleep(0.2)
    assert attempt(client, lead.email, PASSWORD).status_code == 302
    assert logged_in(client, lead)


def test_login_success_forgets_the_pair_failures(client, lead):
    for n in range(2):
        attempt(client, lead.email, f"essai-{n}")
    assert attempt(client, lead.email, PASSWORD).status_code == 302
    client.logout()
    for n in range(3):
        response = attempt(client, lead.email, f"essai-{n}")
        assert "est incorrect" in response.content.decode()


def test_delay_grows_as_powers_of_two_up_to_the_cap(settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "max_delay": 900}
    delays = [throttling.delay_after(failures) for failures in range(15)]
    assert delays == [0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


def test_wait_message_in_french():
    assert throttling.wait_message(1) == "1 seconde"
    assert throttling.wait_message(32) == "32 secondes"
    assert throttling.wait_message(61) == "2 minutes"
    assert throttling.wait_message(900) == "15 minutes"


# --- The owner is told ----------------------------------------------------------------------------


def test_notice_email_sent_once_when_an_account_sees_many_failures(
    client, lead, settings, django_capture_on_commit_callbacks
):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "notice_after": 10}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(40):  # from 40 addresses: each stays under its pair's free failures
            attempt(client, lead.email, f"essai-{n}", remote=f"198.51.100.{n + 1}")
    assert [m.to for m in mail.outbox] == [[lead.email]]
    [notice] = mail.outbox
    assert notice.subject == "[Fabrique RH] Tentatives de connexion à votre compte"
    assert "Au moins 10 tentatives de connexion à votre compte" in notice.body
    assert "au cours des 24 dernières heures" in notice.body
    assert "Votre compte n'est pas bloqué" in notice.body
    assert "http://testserver/compte/password/reset/" in notice.body
    # The owner can still log in.
    assert attempt(client, lead.email, PASSWORD, remote=OWNER).status_code == 302


def test_notice_email_not_sent_for_an_unknown_address(client, settings, django_capture_on_commit_callbacks):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "notice_after": 3}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            attempt(client, "personne@example.gouv.fr", "essai", remote=f"198.51.100.{n + 1}")
    assert mail.outbox == []


# --- The second factor -------------------------------------------------------------------------------


@pytest.fixture
def staff_at_second_factor(client, db):
    user = UserFactory(is_staff=True)
    response = attempt(client, user.email, PASSWORD, remote=OWNER)
    assert response.status_code == 302
    assert response["Location"] == SECOND_FACTOR
    return user


def enter_code(client, code):
    return client.post(SECOND_FACTOR, {"code": code}, REMOTE_ADDR=OWNER)


def wrong_code():
    return "000000" if totp_code() != "000000" else "111111"


def test_second_factor_wrong_code_five_times_is_slowed_down(client, staff_at_second_factor):
    for _ in range(3):
        assert "Code incorrect" in enter_code(client, wrong_code()).content.decode()
    for _ in range(2):
        response = enter_code(client, wrong_code())
        assert "Trop de codes erronés. Par sécurité, patientez 2 secondes" in response.content.decode()
    # Even the right code waits: guessing faster than the delay gains nothing.
    assert "Trop de codes erronés" in enter_code(client, totp_code()).content.decode()
    assert not logged_in(client, staff_at_second_factor)


def test_second_factor_delay_grows_and_does_not_depend_on_the_address(
    client, staff_at_second_factor, settings
):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "first_delay": 0.2}
    for _ in range(3):
        enter_code(client, wrong_code())
    time.sleep(0.25)
    assert "Code incorrect" in enter_code(client, wrong_code()).content.decode()
    time.sleep(0.25)  # the 4th failure asks for 0.4 s, from any address
    response = client.post(SECOND_FACTOR, {"code": totp_code()}, REMOTE_ADDR="203.0.113.99")
    assert "Trop de codes erronés" in response.content.decode()
    time.sleep(0.2)
    assert enter_code(client, totp_code()).status_code == 302
    assert logged_in(client, staff_at_second_factor)
