"""allauth's login stage that asks a TOTP code, except after a ProConnect login at a multi-factor level."""

from allauth.mfa.stages import AuthenticateStage as MFAAuthenticateStage

from accompagnement.proconnect import services


class AuthenticateStage(MFAAuthenticateStage):
    """Same key and page as allauth's (accompagnement.adapters.AccountAdapter.get_login_stages puts it in its
    place). A ProConnect login whose acr is one of mfa_acr_values already passed a second factor at the
    identity provider: it is recorded as this session's second factor and no code is asked."""

    def handle(self):
        acr = services.second_factor_acr(self.login)
        if acr and self.login.user is not None:
            services.record_second_factor(self.request, self.login.user, acr)
            return None, True
        return super().handle()
