"""Staff logins in tests: the second factor as a real login leaves it, and the codes of the test secret.

`force_login` stands for a completed login: for a staff account with a TOTP authenticator, a completed
login includes the code check, so the session carries allauth's "mfa" record as it would after one.
Tests of the second factor itself log in through the real forms with `totp_code()`.
"""

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.http import HttpRequest
from django.test import Client

from accompagnement import second_factor
from tests.accompagnement.factories import TOTP_SECRET


def totp_code(secret=TOTP_SECRET, *, step=0):
    """The code an authenticator app shows now (`step=1`: the next period's)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


class SecondFactorClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if second_factor.needs_second_factor(user) and second_factor.has_totp(user):
            request = HttpRequest()
            request.session = self.session
            record_authentication(request, user, second_factor.MFA_METHOD, type="totp")
            request.session.save()
