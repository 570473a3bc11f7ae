"""The top floor: pages that combine the apps (the member's dashboard, an organisation's page) and the
site's own pages (legal pages, error pages). They may import every app; no app imports them."""
