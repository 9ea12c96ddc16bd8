import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.dbtypes import UTCDateTime, utcnow
from trainer.extensions import db


class OrganisationKind(enum.StrEnum):
    CITY = "city"
    MUNICIPALITY = "municipality"
    REGENCY = "regency"  # regency or district
    PROVINCE = "province"  # province or region
    ASSOCIATION = "association"  # local-government association
    NATIONAL = "national"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self])


_KIND_LABELS = {
    OrganisationKind.CITY: _l("City"),
    OrganisationKind.MUNICIPALITY: _l("Municipality"),
    OrganisationKind.REGENCY: _l("Regency or district"),
    OrganisationKind.PROVINCE: _l("Province or region"),
    OrganisationKind.ASSOCIATION: _l("Local-government association"),
    OrganisationKind.NATIONAL: _l("National body"),
    OrganisationKind.OTHER: _l("Other"),
}


class Organisation(db.Model):
    """A city, province, local-government association… in one country."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("normalised_name", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Case-folded, accents and extra spaces removed: "Kota  Surabaya" and "kota surabaya" are one.
    normalised_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(
        Enum(
            OrganisationKind,
            name="organisation_kind",
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda members: [m.value for m in members],
        ),
        default=OrganisationKind.OTHER,
    )
    country: Mapped[str] = mapped_column(String(2))
    # The association this organisation is a member of, if any.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id], lazy="raise")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.country}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (trimmed, lower case) so that lookups are exact.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None until the person sets a password (e.g. an invitation not yet accepted).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    # A coordinator scoped to one local-government association; None: site-wide (the secretariat).
    coordinator_scope_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    position: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The organisation's designated focal point for decentralised cooperation.
    is_focal_point: Mapped[bool] = mapped_column(default=False, server_default="0")
    active: Mapped[bool] = mapped_column(default=True)
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: the course's
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person first sets a password from an invitation (or signs in otherwise).
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A random value behind the private calendar-feed link; replacing it revokes the old link.
    feed_nonce: Mapped[str | None] = mapped_column(String(64))

    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id], lazy="raise")
    coordinator_scope: Mapped[Organisation | None] = relationship(foreign_keys=[coordinator_scope_id], lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Invitation(db.Model):
    """A single-use, expiring link to set a password. Only the token's hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise")
