"""The ground floor: mechanisms every app shares and that know no app (see README « Architecture »)."""
