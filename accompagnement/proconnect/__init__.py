"""ProConnect, the state's login for civil servants, as a django-allauth provider (README « ProConnect »).

allauth's OpenID Connect provider, made to ProConnect's rules: state and nonce of 48 characters, both
checked; the ID token and the userinfo (a signed JWT) verified against the provider's keys; logout through
ProConnect's end_session_endpoint. A ProConnect identity signs in as the invited member with the same
address, never creates an account.
"""

PROVIDER_ID = "proconnect"
