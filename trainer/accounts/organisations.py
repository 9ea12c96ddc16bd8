"""Organisations: one row per organisation and country, however its name is typed."""

import re
import unicodedata

from sqlalchemy import func, or_, select

from trainer.accounts.models import Organisation, OrganisationKind
from trainer.extensions import db


def normalise_name(name: str) -> str:
    """'  Kota  Surabaya ' and 'kota surábaya' are the same organisation."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", without_accents).strip()


def get_organisation(name: str, country: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(
            Organisation.normalised_name == normalise_name(name), Organisation.country == country
        )
    )


def get_or_create_organisation(
    name: str, country: str, kind: OrganisationKind = OrganisationKind.OTHER, parent_id: int | None = None
) -> Organisation:
    organisation = get_organisation(name, country)
    if organisation is None:
        organisation = Organisation(
            name=re.sub(r"\s+", " ", name).strip(),
            normalised_name=normalise_name(name),
            country=country,
            kind=kind,
            parent_id=parent_id,
        )
        db.session.add(organisation)
        db.session.flush()
    return organisation


def search_organisations(query: str = "", country: str | None = None, limit: int = 50) -> list[Organisation]:
    stmt = select(Organisation).order_by(Organisation.country, Organisation.name).limit(limit)
    if query:
        stmt = stmt.where(Organisation.normalised_name.contains(normalise_name(query), autoescape=True))
    if country:
        stmt = stmt.where(Organisation.country == country)
    return list(db.session.scalars(stmt))


def member_ids(association_id: int) -> select:
    """A subquery of the association and the organisations that belong to it."""
    return select(Organisation.id).where(
        or_(Organisation.id == association_id, Organisation.parent_id == association_id)
    )


def count_organisations() -> int:
    return db.session.scalar(select(func.count(Organisation.id))) or 0
