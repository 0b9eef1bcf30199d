"""``curate team grants``: the database grants that keep raw records from readers in team mode."""

from __future__ import annotations

import click

from curate.cli.output import emit, json_option


@click.group("team")
def team() -> None:
    """Team mode (PostgreSQL catalog): zones and database roles."""


@team.command("grants")
@click.option("--steward", "stewards", multiple=True, required=True, metavar="ROLE",
              help="A database role with raw-zone access (repeatable; the first owns the schemas).")
@click.option("--reader", "readers", multiple=True, metavar="ROLE",
              help="A database role for annotators or engineers: curated zone only (repeatable).")
@json_option
def grants(stewards, readers, as_json) -> None:
    """Print the SQL an administrator runs once so readers get approved snapshots and never raw records.

    Then: the steward runs `curate init WS --catalog postgresql://STEWARD@HOST/DB --data-path SHARED --zone raw`;
    each reader `curate init WS --catalog postgresql://READER@HOST/DB --data-path SHARED --zone curated`.
    Make SHARED/raw readable by the stewards' accounts only (file permissions); SHARED/curated by everyone.
    """
    from curate.team.zones import grant_statements

    sql = grant_statements(list(stewards), list(readers))
    emit({"statements": sql}, as_json, lambda d: click.echo(";\n".join(d["statements"]) + ";"))


commands = [team]
