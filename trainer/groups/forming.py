"""Breakout groups: forming mixed groups and exporting them for Zoom. Pure functions, no database.

How `form_groups` mixes people (deterministic for a seed, O(N) apart from a usually idle repair):

1. Line everyone up in blocks: countries in seeded random order; inside a country its organisations in
   seeded random order; inside an organisation its people shuffled. A person without an organisation is
   a block of one.
2. Deal the line round-robin into the groups. A run of L consecutive people dealt cyclically lands
   floor(L/n) or ceil(L/n) times in every group, so group sizes, each country and (when an organisation
   sits in one country, the usual case) each organisation differ by at most one between groups.
3. An organisation whose people come from several countries appears in several runs and may repeat in a
   group; a bounded repair pass then swaps two people between groups while that lowers the imbalance,
   organisations first, then countries. Single swaps can get stuck, so in such data a country may
   still differ by two; `balance_report` shows it.
"""

import csv
import io
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

# Zoom's template for "Breakout Room pre-assign" > "Import from CSV": exactly these two columns.
ZOOM_HEADER = ("Pre-assign Room Name", "Email Address")


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    country: str | None
    organisation: str | None
    email: str


class FormingError(ValueError):
    """Groups cannot be formed or exported as asked; the message is meant for the trainer."""


@dataclass(slots=True)
class _Person:
    member: Member
    org: str | None  # normalised; None means "no organisation", which never counts as a repeat
    country: str  # normalised; "" for an unknown country, spread like any other


def _key(value: str | None) -> str:
    # "Ministry of Interior " and "ministry of  interior" are the same organisation to a trainer.
    return " ".join((value or "").split()).casefold()


def _person(member: Member) -> _Person:
    return _Person(member, _key(member.organisation) or None, _key(member.country))


# --- forming -------------------------------------------------------------------------------------------


def form_groups(
    members: list[Member], *, groups: int | None = None, size: int | None = None, seed: int = 0
) -> list[list[Member]]:
    """Split `members` into `groups` groups, or into groups of about `size`, mixing countries and organisations.

    With `size`, the number of groups is len/size rounded half up (at least 1), but never so many that a
    group would hold a single person. Each group is sorted by name for display.

    :raise FormingError: nobody to group, both or neither of groups/size, groups < 1 or > people, size < 2.
    """
    people = _sorted_people(members)
    n = _group_count(len(people), groups, size)
    rng = random.Random(seed)
    dealt: list[list[_Person]] = [[] for _group in range(n)]
    for index, person in enumerate(_line_up(people, rng)):
        dealt[index % n].append(person)
    _repair(dealt)
    return [sorted((p.member for p in group), key=lambda m: (m.name.casefold(), m.id)) for group in dealt]


def _sorted_people(members: list[Member]) -> list[_Person]:
    if not members:
        raise FormingError(_("There is nobody to put into groups yet."))
    # Sorting by id first makes the result independent of the order the caller happened to pass.
    ordered = sorted(members, key=lambda m: m.id)
    if len({m.id for m in ordered}) != len(ordered):
        raise ValueError("form_groups got the same member id twice")  # a caller bug, not a trainer's mistake
    return [_person(m) for m in ordered]


def _group_count(people: int, groups: int | None, size: int | None) -> int:
    if groups is not None and size is not None:
        raise FormingError(_("Choose either a number of groups or a group size, not both."))
    if groups is None and size is None:
        raise FormingError(_("Choose a number of groups or a group size."))
    if groups is not None:
        if groups < 1:
            raise FormingError(_("Make at least one group."))
        if groups > people:
            raise FormingError(
                _("You asked for %(groups)d groups but there are only %(people)d people.", groups=groups, people=people)
            )
        return groups
    assert size is not None
    if size < 2:
        raise FormingError(_("A group needs at least 2 people; you asked for %(size)d.", size=size))
    rounded = (2 * people + size) // (2 * size)  # len/size rounded half up: a tie gives smaller groups
    return max(1, min(rounded, people // 2))  # never a group of one, unless there is only one person


def _line_up(people: list[_Person], rng: random.Random) -> list[_Person]:
    """Everyone in one line: country blocks, organisation blocks inside them, each shuffled by `rng`."""
    by_country: dict[str, list[list[_Person]]] = {}
    for (country, _org), block in sorted(_blocks(people).items()):  # sorted, so only the seed decides
        by_country.setdefault(country, []).append(block)
    line: list[_Person] = []
    countries = sorted(by_country)
    rng.shuffle(countries)
    for country in countries:
        blocks = by_country[country]
        rng.shuffle(blocks)
        for block in blocks:
            rng.shuffle(block)
            line.extend(block)
    return line


def _blocks(people: list[_Person]) -> dict[tuple[str, str], list[_Person]]:
    """People by (country, organisation); someone without an organisation is a block of their own."""
    blocks: dict[tuple[str, str], list[_Person]] = {}
    for person in people:  # already sorted by id
        # "\0" sorts before any organisation and cannot collide with a real name.
        org = person.org if person.org is not None else f"\0{person.member.id:012d}"
        blocks.setdefault((person.country, org), []).append(person)
    return blocks


# --- repair --------------------------------------------------------------------------------------------

Swap = tuple[int, int, int, int]  # group g, index in g, group h, index in h


class _Tally:
    """Who sits where, by organisation and by country, kept current while people are swapped."""

    def __init__(self, groups: list[list[_Person]]):
        self.groups = groups
        self.orgs: dict[str, Counter[int]] = {}
        self.countries: dict[str, Counter[int]] = {}
        for g, group in enumerate(groups):
            for person in group:
                self._count(person, g, 1)

    def _count(self, person: _Person, g: int, step: int) -> None:
        if person.org is not None:
            self.orgs.setdefault(person.org, Counter())[g] += step
        self.countries.setdefault(person.country, Counter())[g] += step

    def swap(self, g: int, a: int, h: int, b: int) -> None:
        pa, pb = self.groups[g][a], self.groups[h][b]
        self._count(pa, g, -1)
        self._count(pa, h, 1)
        self._count(pb, h, -1)
        self._count(pb, g, 1)
        self.groups[g][a], self.groups[h][b] = pb, pa


def _move_cost(counts: Counter[int] | None, source: int, target: int) -> int:
    """Change in sum-of-squares when one person of a kind moves from group `source` to group `target`."""
    if counts is None:
        return 0
    return 2 * (counts[target] - counts[source]) + 2


def _org_counts(tally: _Tally, person: _Person) -> Counter[int] | None:
    return tally.orgs[person.org] if person.org is not None else None  # no organisation: never a repeat


def _swap_cost(tally: _Tally, g: int, pa: _Person, h: int, pb: _Person) -> tuple[int, int]:
    """(organisation, country) change in the sum of squared counts if pa (in g) and pb (in h) swap.

    For a fixed total, a sum of squares is smallest exactly when the counts differ by at most one,
    so a swap with a negative cost always makes the spread more even.
    """
    org = 0
    if pa.org != pb.org:
        org = _move_cost(_org_counts(tally, pa), g, h) + _move_cost(_org_counts(tally, pb), h, g)
    country = 0
    if pa.country != pb.country:
        country = _move_cost(tally.countries[pa.country], g, h) + _move_cost(tally.countries[pb.country], h, g)
    return org, country


def _uneven(where: dict[str, Counter[int]], n: int) -> list[tuple[str, list[int], list[int]]]:
    """Kinds whose counts differ by two or more between groups, with their fullest and emptiest groups."""
    found = []
    for kind in sorted(where):
        counts = where[kind]
        present = [g for g, c in counts.items() if c > 0]
        top = max(counts[g] for g in present)
        low = 0 if len(present) < n else min(counts[g] for g in present)
        if top - low >= 2:
            fullest = [g for g in present if counts[g] == top]
            emptiest = [g for g in range(n) if counts[g] == low]
            found.append((kind, fullest, emptiest))
    return found


def _best_swap(tally: _Tally, kind: str, by_org: bool, fullest: list[int], emptiest: list[int]) -> Swap | None:
    """A swap moving one `kind` out of a full group that lowers (organisation, country) imbalance.

    The first swap that worsens neither is taken at once (with thousands of groups, searching them all
    for the very best swap is slow and rarely better); otherwise the best trade-off found, if any.
    """
    best: Swap | None = None
    best_cost = (0, 0)
    for g in fullest:
        for a, pa in enumerate(tally.groups[g]):
            if (pa.org if by_org else pa.country) != kind:
                continue
            for h in emptiest:
                for b, pb in enumerate(tally.groups[h]):
                    cost = _swap_cost(tally, g, pa, h, pb)
                    if cost < best_cost:  # tuples compare organisations first, then countries
                        best, best_cost = (g, a, h, b), cost
                        if cost[0] <= 0 and cost[1] <= 0:
                            return best
    return best


def _repair(groups: list[list[_Person]]) -> None:
    """Swap people until no single swap evens out organisations (first) or countries (then) any further.

    Every accepted swap strictly lowers (organisation, country) sum of squares, so the loop ends; the
    round limit only guards the running time. For the usual data (each organisation in one country) the
    deal is already even and this finds nothing to do.
    """
    n = len(groups)
    if n < 2:
        return
    tally = _Tally(groups)
    for _round in range(sum(len(g) for g in groups)):
        swap: Swap | None = None
        for by_org, where in ((True, tally.orgs), (False, tally.countries)):
            for kind, fullest, emptiest in _uneven(where, n):
                swap = _best_swap(tally, kind, by_org, fullest, emptiest)
                if swap:
                    break
            if swap:
                break
        if swap is None:
            return
        tally.swap(*swap)


# --- reporting -----------------------------------------------------------------------------------------


def balance_report(groups: list[list[Member]]) -> dict:
    """How even the groups are, for tests and for the trainer who is about to use them.

    - "sizes": people per group; "size_spread": largest minus smallest group.
    - "country_spread": {country: most minus fewest people from it in any group}, for known countries;
      "max_country_spread": the largest of those (0 when none).
    - "org_duplicates": [{"organisation", "group" (0-based), "count"}] for every group holding two or more
      people from one organisation.
    - "avoidable_org_duplicates": organisations that repeat in one group while another group has nobody
      from them; mixing could fix these, so a good grouping has 0.
    """
    people = [[_person(m) for m in group] for group in groups]
    labels = _labels(m for group in groups for m in group)
    tally = _Tally(people)
    n = len(groups)
    sizes = [len(group) for group in groups]
    country_spread = {labels["country", c]: _spread(counts, n) for c, counts in tally.countries.items() if c}
    duplicates = [
        {"organisation": labels["org", org], "group": g, "count": count}
        for org in sorted(tally.orgs)
        for g, count in sorted(tally.orgs[org].items())
        if count >= 2
    ]
    return {
        "sizes": sizes,
        "size_spread": max(sizes) - min(sizes) if sizes else 0,
        "country_spread": dict(sorted(country_spread.items())),
        "max_country_spread": max(country_spread.values(), default=0),
        "org_duplicates": duplicates,
        "avoidable_org_duplicates": sum(1 for counts in tally.orgs.values() if _spread(counts, n) >= 2),
    }


def _spread(counts: Counter[int], n: int) -> int:
    present = [c for c in counts.values() if c > 0]
    if not present:
        return 0
    return max(present) - (min(present) if len(present) == n else 0)


def _labels(members: Iterable[Member]) -> dict[tuple[str, str], str]:
    """The spelling to show for each normalised country and organisation: the one of the lowest member id."""
    labels: dict[tuple[str, str], str] = {}
    for m in sorted(members, key=lambda m: m.id):
        for field, value in (("country", m.country), ("org", m.organisation)):
            if _key(value):
                labels.setdefault((field, _key(value)), " ".join(value.split()))
    return labels


# --- Zoom export ---------------------------------------------------------------------------------------


def zoom_breakout_csv(groups: list[tuple[str, list[Member]]]) -> bytes:
    """The CSV that Zoom's "Breakout Room pre-assign > Import from CSV" accepts: one row per person.

    Zoom's template has the header `Pre-assign Room Name,Email Address` and nothing else; it matches people
    by the email of their Zoom account. The bytes are UTF-8 without a BOM (so the header is read exactly),
    rows end in CRLF. Zoom documents its own limits (at the time of writing 100 rooms, 1000 people).

    :raise FormingError: a room without a name, two rooms with one name (Zoom would merge them), a person
        without an email, or one email in two rooms.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ZOOM_HEADER)
    rooms_seen: set[str] = set()
    emails_seen: dict[str, str] = {}
    for raw_room, members in groups:
        room = _room_name(raw_room, rooms_seen)
        for member in members:
            email = _room_email(member, room, emails_seen)
            if email is not None:
                writer.writerow((room, email))
    return out.getvalue().encode("utf-8")


def _room_name(raw: str, seen: set[str]) -> str:
    room = " ".join(raw.split())  # a line break inside a room name would survive CSV but not Zoom's UI
    if not room:
        raise FormingError(_("Every breakout room needs a name."))
    if room.casefold() in seen:
        raise FormingError(_("Two breakout rooms are both called “%(room)s”; Zoom would merge them.", room=room))
    seen.add(room.casefold())
    return room


def _room_email(member: Member, room: str, seen: dict[str, str]) -> str | None:
    """The email to write for `member`, or None when it is already listed in this room."""
    email = member.email.strip()
    if not email:
        raise FormingError(_("%(name)s has no email address, and Zoom assigns rooms by email.", name=member.name))
    first = seen.get(email.casefold())
    if first == room:
        return None
    if first is not None:
        raise FormingError(
            _("%(email)s is in two rooms: %(first)s and %(second)s.", email=email, first=first, second=room)
        )
    seen[email.casefold()] = room
    return email
