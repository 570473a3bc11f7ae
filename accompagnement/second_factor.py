"""DGAFP staff work behind a second factor: a TOTP authenticator (allauth.mfa), or a ProConnect login whose
level (acr) is multi-factor.

The proof is allauth's own record of the session's authentications: a record whose method is "mfa" (allauth
writes it when a TOTP or recovery code is checked at login or reauthentication; we write it when a staff
member enrols, since they have just typed a valid code, and the ProConnect provider writes it for a
multi-factor login). Logging in again starts a new session, so a new proof.
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator

MFA_METHOD = "mfa"
# Where a staff member was going when they were sent to enrol: the recovery codes page offers to go on.
NEXT_SESSION_KEY = "second_factor_next"


def needs_second_factor(user):
    """Staff accounts (the admin and every staff page): members of the network log in with one factor."""
    return bool(user.is_authenticated and user.is_staff)


def session_passed(request):
    """Whether this session's login was confirmed by a second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == MFA_METHOD for record in records)


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def record_enrolment(sender, request, user, authenticator, **kwargs):
    """allauth's `authenticator_added` signal: a TOTP just activated was checked with a valid code, so this
    session has passed the second factor (no second prompt right after enrolment)."""
    if authenticator.type == Authenticator.Type.TOTP and request is not None:
        record_authentication(request, user, MFA_METHOD, type=authenticator.type, id=authenticator.pk)


def may_remove(authenticator):
    """A staff member keeps their TOTP (they may replace their recovery codes, not go without a factor)."""
    return not (authenticator.type == Authenticator.Type.TOTP and needs_second_factor(authenticator.user))
