"""The reach of a Training of Trainers as a tree, and its totals. Pure functions over plain data.

A course trains its participants (one generation); its graduates (certificate holders) run
cascade courses or trainings recorded outside the platform, which train the next generation.
"""

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CourseFact:
    id: int
    title: str
    parent_course_id: int | None
    run_by: int | None  # the graduate who started it (cascade courses)
    confirmed: bool = False


@dataclass(frozen=True)
class PersonFact:
    id: int
    name: str
    country: str | None
    organisation: str | None
    language: str | None


@dataclass(frozen=True)
class RecordFact:
    id: int
    graduate_id: int
    origin_course_id: int
    people_trained: int
    place: str
    country: str | None
    organisation: str | None
    language: str | None
    confirmed: bool = False


@dataclass
class Training:
    """A course or a recorded training in the tree, with what grew from it."""

    kind: str  # "course" | "record"
    id: int
    title: str
    generation: int
    trained: int
    confirmed: bool
    graduates: list["Graduate"] = field(default_factory=list)


@dataclass
class Graduate:
    person: PersonFact
    trainings: list[Training] = field(default_factory=list)


@dataclass
class Reach:
    roots: list[Training]
    by_generation: Counter
    by_country: Counter
    by_organisation: Counter
    by_language: Counter

    @property
    def total(self) -> int:
        return sum(self.by_generation.values())


def build(
    courses: list[CourseFact],
    participants: dict[int, list[PersonFact]],
    graduates: dict[int, list[int]],
    records: list[RecordFact],
    people: dict[int, PersonFact],
    root_ids: list[int] | None = None,
) -> Reach:
    """The tree from the given roots (default: courses with no parent) and its totals.

    :param participants: course id → the people it trained (its participants)
    :param graduates: course id → the user ids holding a valid certificate of it
    """
    children: dict[tuple[int, int], list] = {}
    for course in courses:
        if course.parent_course_id is not None and course.run_by is not None:
            children.setdefault((course.parent_course_id, course.run_by), []).append(course)
    for record in records:
        children.setdefault((record.origin_course_id, record.graduate_id), []).append(record)
    by_id = {course.id: course for course in courses}
    roots = [by_id[i] for i in root_ids] if root_ids is not None else [c for c in courses if c.parent_course_id is None]
    totals = {"generation": Counter(), "country": Counter(), "organisation": Counter(), "language": Counter()}
    seen: set[int] = set()
    trees = [_course_node(c, 1, children, participants, graduates, people, totals, seen) for c in roots]
    return Reach(trees, totals["generation"], totals["country"], totals["organisation"], totals["language"])


def _course_node(course, generation, children, participants, graduates, people, totals, seen) -> Training:
    seen.add(course.id)  # a course is counted once, even if the data had a loop
    trained = participants.get(course.id, [])
    for person in trained:
        _count(totals, generation, 1, person.country, person.organisation, person.language)
    node = Training("course", course.id, course.title, generation, len(trained), course.confirmed)
    for user_id in sorted(graduates.get(course.id, []), key=lambda uid: people[uid].name if uid in people else ""):
        graduate = Graduate(people.get(user_id) or PersonFact(user_id, "?", None, None, None))
        for child in children.get((course.id, user_id), []):
            if isinstance(child, CourseFact):
                if child.id not in seen:
                    graduate.trainings.append(
                        _course_node(child, generation + 1, children, participants, graduates, people, totals, seen)
                    )
            else:
                _count(totals, generation + 1, child.people_trained, child.country, child.organisation, child.language)
                graduate.trainings.append(
                    Training("record", child.id, child.place, generation + 1, child.people_trained, child.confirmed)
                )
        node.graduates.append(graduate)
    return node


def _count(totals, generation: int, n: int, country, organisation, language) -> None:
    totals["generation"][generation] += n
    totals["country"][country or "—"] += n
    totals["organisation"][organisation or "—"] += n
    totals["language"][language or "—"] += n


def branch_roots(courses: list[CourseFact], graduate_id: int) -> list[int]:
    """The courses a graduate runs: the roots of their own branch."""
    return [c.id for c in courses if c.run_by == graduate_id]
