"""Login throttling that slows an attacker down without locking the account's owner out.

Three limits, each answering one attack:
- a password guessed from one address: the (account, address) pair gets a few free failures, then each new
  try must wait twice as long as the last (2 s, 4 s, 8 s... at most `max_delay`). The owner, at another
  address (or at the same one once they type the right password), is not slowed down;
- passwords sprayed over many accounts from one address: allauth's per-address limits
  (`ACCOUNT_RATE_LIMITS`, "login" and "login_failed" per IP);
- an account attacked from many addresses: its owner receives a notice by email, once per window, so that
  they can change their password; the account itself stays open to them.
The second factor gets the same growing delay per account (the person typing codes already has the
password, so changing addresses must not buy more tries).

The address is `fabrique.core.clientip.client_ip`: a forged X-Forwarded-For does not change it. Counters
live in the cache (Redis in production), shared by every web worker.
"""

import hashlib
import ipaddress
import math
import time
from contextlib import contextmanager

from allauth.account.utils import filter_users_by_email
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fabrique.core.clientip import client_ip
from fabrique.core.emails import send_templated_email

LOCK_SECONDS = 5
LOCK_WAIT_SECONDS = 1.0


def _setting(name):
    return settings.LOGIN_THROTTLE[name]


def _hashed(*parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def address_key(address):
    """An IPv6 client owns a whole /64: counting its addresses one by one would give it 2^64 budgets."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def delay_after(failures):
    """Seconds to wait between the last failure and the next try, after `failures` failures in a row."""
    free = _setting("free_failures")
    if failures < free:
        return 0
    return min(_setting("first_delay") * 2 ** (failures - free), _setting("max_delay"))


@contextmanager
def _locked(key):
    """A short cache lock, so that two tries sent at once cannot both use the same free slot."""
    lock = f"{key}:lock"
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while not cache.add(lock, 1, timeout=LOCK_SECONDS):
        if time.monotonic() > deadline:
            yield False
            return
        time.sleep(0.01)
    try:
        yield True
    finally:
        cache.delete(lock)


class Throttle:
    """The failures in a row of one key and the wait they impose before the next try.

    A try is counted as a failure when it begins (`begin`), and forgotten if it succeeds (`succeeded`): a
    burst of simultaneous tries cannot slip through before the first failure is written down.
    """

    def __init__(self, *parts):
        self.key = "fabrique:throttle:" + _hashed(*parts)

    def begin(self):
        """0 if the try may go ahead (it is counted), else the seconds left to wait (it is not)."""
        with _locked(self.key) as locked:
            if not locked:
                return 1
            state = cache.get(self.key) or {"failures": 0, "last": 0.0}
            now = time.time()
            wait = state["last"] + delay_after(state["failures"]) - now
            if wait > 0:
                return max(1, math.ceil(wait))
            cache.set(self.key, {"failures": state["failures"] + 1, "last": now}, _setting("memory"))
            return 0

    def succeeded(self):
        cache.delete(self.key)


def login_throttle(request, email):
    """The throttle of `email` tried from this request's address."""
    return Throttle("login", email.strip().lower(), address_key(client_ip(request)))


def second_factor_throttle(user):
    return Throttle("second-factor", str(user.pk))


def wait_message(seconds):
    """« 2 secondes », « 4 minutes »: the wait, rounded up, in words."""
    if seconds < 60:
        return ngettext("%(count)d seconde", "%(count)d secondes", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def login_wait_error(seconds):
    return _(
        "Trop de tentatives de connexion à ce compte depuis votre adresse. Par sécurité, patientez "
        "%(wait)s avant de réessayer. Mot de passe oublié ? Utilisez le lien sous le formulaire."
    ) % {"wait": wait_message(seconds)}


def code_wait_error(seconds):
    return _("Trop de codes erronés. Par sécurité, patientez %(wait)s avant de saisir un nouveau code.") % {
        "wait": wait_message(seconds)
    }


def account_failed(email):
    """Count a refused login to `email` (wrong password, or refused while waiting) from any address; the
    owner is told once per window when the count reaches the notice threshold."""
    key = "fabrique:login-failures:" + _hashed(email.strip().lower())
    window = _setting("notice_window")
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this failure opens a new window
        cache.add(key, 1, timeout=window)
        count = 1
    if count == _setting("notice_after"):
        _send_notice(email, count)


def _send_notice(email, count):
    user = next(iter(filter_users_by_email(email, is_active=True, prefer_verified=True)), None)
    if user is None:
        return
    send_templated_email(
        "accompagnement/emails/tentatives_connexion",
        [user.email],
        {
            "user": user,
            "count": count,
            "hours": round(_setting("notice_window") / 3600),
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
        },
    )
