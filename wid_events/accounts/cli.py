from __future__ import annotations

import sys

import click

from wid_events.accounts import services
from wid_events.core.uow import unit_of_work
from wid_events.errors import DomainError


@click.group("users", help="Manage user accounts.")
def users() -> None:
    pass


@users.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default=None, help="The admin's name, shown on badges and in the audit log.")
def create_admin(email: str, password: str, name: str | None) -> None:
    """Create (or reset) a site administrator."""
    try:
        with unit_of_work():
            user = services.create_or_reset_admin(email, password, name)
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"Administrator {user.email} is ready.")


@users.command("token")
@click.argument("email")
@click.option(
    "--days",
    type=int,
    default=services.DEFAULT_TOKEN_DAYS,
    show_default=True,
    help="How many days the token works.",
)
@click.option("--name", default="", help="A label for the token, shown on the account page.")
def token(email: str, days: int, name: str) -> None:
    """Print a new API token for that user (shown once; only its hash is stored)."""
    try:
        with unit_of_work():
            value = services.issue_token(email, days=days, name=name)
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(value)


@users.command("revoke-tokens")
@click.argument("email")
def revoke_tokens(email: str) -> None:
    """Revoke every API token of that user; they get 401 from then on."""
    try:
        with unit_of_work():
            count = services.revoke_tokens(email)
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"{count} token(s) revoked.")


commands = [users]
