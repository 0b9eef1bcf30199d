"""Team mode helpers: the raw and curated zones of a PostgreSQL team catalog (see :mod:`curate.team.zones`)."""
