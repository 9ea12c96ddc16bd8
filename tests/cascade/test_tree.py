"""The reach tree and its totals, as pure functions over fixtures."""

from trainer.cascade.tree import CourseFact, PersonFact, RecordFact, branch_roots, build


def person(i, country="ID", organisation="Kota Surabaya", language="id"):
    return PersonFact(i, f"Person {i}", country, organisation, language)


PEOPLE = {i: person(i, country=["ID", "PH", "NP"][i % 3], organisation=f"City {i % 4}") for i in range(1, 40)}


def test_three_generations_with_a_graduate_training_in_two_places():
    courses = [
        CourseFact(1, "ToT Asia-Pacific", None, None),
        CourseFact(2, "Cascade in Surabaya", 1, run_by=3, confirmed=True),
        CourseFact(3, "Cascade in Manila", 1, run_by=3),  # the same graduate, a second place
        CourseFact(4, "Second-generation cascade", 2, run_by=10),
    ]
    participants = {
        1: [PEOPLE[i] for i in range(1, 6)],
        2: [PEOPLE[i] for i in range(10, 14)],
        3: [PEOPLE[i] for i in range(20, 23)],
        4: [PEOPLE[i] for i in range(30, 32)],
    }
    graduates = {1: [3, 4], 2: [10]}
    records = [
        RecordFact(
            7,
            graduate_id=4,
            origin_course_id=1,
            people_trained=25,
            place="Dhulikhel",
            country="NP",
            organisation="Dhulikhel Municipality",
            language="ne",
            confirmed=True,
        )
    ]
    reach = build(courses, participants, graduates, records, PEOPLE)
    [root] = reach.roots
    assert (root.title, root.generation, root.trained) == ("ToT Asia-Pacific", 1, 5)
    by_graduate = {g.person.id: g for g in root.graduates}
    assert [t.title for t in by_graduate[3].trainings] == ["Cascade in Surabaya", "Cascade in Manila"]
    assert [(t.kind, t.trained, t.generation) for t in by_graduate[4].trainings] == [("record", 25, 2)]
    surabaya = by_graduate[3].trainings[0]
    assert surabaya.graduates[0].trainings[0].title == "Second-generation cascade"
    assert surabaya.graduates[0].trainings[0].generation == 3
    assert reach.by_generation == {1: 5, 2: 4 + 3 + 25, 3: 2}
    assert reach.total == 39
    assert reach.by_country["NP"] >= 25 and reach.by_language["ne"] == 25


def test_a_course_with_no_graduates_is_a_leaf():
    reach = build([CourseFact(1, "ToT", None, None)], {1: [PEOPLE[1], PEOPLE[2]]}, {}, [], PEOPLE)
    assert reach.roots[0].graduates == [] and reach.total == 2


def test_a_graduate_sees_only_their_branch():
    courses = [
        CourseFact(1, "ToT", None, None),
        CourseFact(2, "Mine", 1, run_by=3),
        CourseFact(3, "Theirs", 1, run_by=4),
    ]
    roots = branch_roots(courses, 3)
    reach = build(courses, {2: [PEOPLE[10]], 3: [PEOPLE[11]]}, {1: [3, 4]}, [], PEOPLE, root_ids=roots)
    assert [r.title for r in reach.roots] == ["Mine"] and reach.total == 1


def test_loops_in_bad_data_do_not_hang():
    courses = [CourseFact(1, "A", 2, run_by=5), CourseFact(2, "B", 1, run_by=5)]
    reach = build(courses, {}, {1: [5], 2: [5]}, [], PEOPLE, root_ids=[1])
    assert reach.total == 0


def test_ten_thousand_people_in_five_generations():
    courses, participants, graduates = [CourseFact(1, "ToT", None, None)], {}, {}
    next_id, person_id, frontier = 2, 100, [1]
    people = {}
    for _generation in range(5):
        new_frontier = []
        for course_id in frontier:
            members = []
            for _ in range(10):
                people[person_id] = person(person_id)
                members.append(people[person_id])
                person_id += 1
            participants[course_id] = members
            graduates[course_id] = [m.id for m in members[:2]]
            for graduate in graduates[course_id]:
                courses.append(CourseFact(next_id, f"Course {next_id}", course_id, run_by=graduate))
                new_frontier.append(next_id)
                next_id += 1
        frontier = new_frontier
    reach = build(courses, participants, graduates, [], people)
    assert reach.by_generation[1] == 10 and reach.by_generation[5] == 10 * 2**4
    assert reach.total == sum(10 * 2**g for g in range(5))
