"""django-allauth adapter: accounts are created or invited by DGAFP staff, never by public sign-up."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False
