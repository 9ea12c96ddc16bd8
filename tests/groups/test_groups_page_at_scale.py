"""The groups page of a large course: everyone by group, fifty a page; counts over everyone; moving
the people ticked on one page; one group's page (rename, its work); what participants see."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.factories import make_course, make_participant, make_trainer
from tests.groups.helpers import open_card_game
from trainer.accounts.organisations import get_or_create_organisation
from trainer.collation import name_key
from trainer.courses.services import get_course
from trainer.extensions import db
from trainer.groups import services, work
from trainer.groups.models import GroupMember

BUDGET = 100_000
COUNTRIES = ["PH", "ID", "NP", "TH", "IN", "PK", "VN"]
ROW = re.compile(r'<label for="p-(\d+)">([^<]+)</label>')


def build(app, people: int, groups: int, ungrouped: int = 0) -> dict:
    """A course of `people` participants dealt round `groups` groups, the last `ungrouped` in none."""
    with app.app_context():
        course = make_course()
        trainer = make_trainer(course)
        users = [
            make_participant(
                course,
                name=f"Focal Point Number {n:03d} Longer Name",
                country=COUNTRIES[n % 7],
                organisation_id=get_or_create_organisation(f"City of Somewhere {n % 40}", COUNTRIES[n % 7]).id,
            )
            for n in range(people)
        ]
        made = [services.create_group(course, f"Breakout room {g + 1}") for g in range(groups)]
        placed = users[: people - ungrouped]
        for number, group in enumerate(made):
            services.move_people(course, [u.id for u in placed[number::groups]], group.id)
        db.session.commit()
        return {
            "course": course.id,
            "trainer": trainer.email,
            "groups": [g.id for g in made],
            "people": {u.id: u.name for u in users},
            "emails": {u.id: u.email for u in users},
            "outsider": make_participant(make_course()).id,
        }


def members(app, course_id: int) -> dict[int, int]:
    """Who is in which group: user id → group id."""
    with app.app_context():
        rows = db.session.execute(
            select(GroupMember.user_id, GroupMember.group_id).where(GroupMember.course_id == course_id)
        )
        return dict(rows.all())


def rows(page: str) -> list[int]:
    return [int(user_id) for user_id, _name in ROW.findall(page)]


def expected_order(app, world) -> list[int]:
    """Group by group in the groups' order, by name within each (UCA), the people in no group last."""
    groups = members(app, world["course"])
    position = {group_id: number for number, group_id in enumerate(world["groups"])}
    ids = sorted(world["people"])
    return sorted(ids, key=lambda uid: (position.get(groups.get(uid), len(position)), name_key(world["people"][uid])))


@pytest.fixture
def world(app):
    return build(app, people=120, groups=7, ungrouped=10)


def test_everyone_by_group_fifty_a_page_and_page_two_continues_page_one(app, client, login_as, world):
    login_as(world["trainer"])
    url = f"/courses/{world['course']}/groups/"
    pages = [client.get(f"{url}?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    assert [len(rows(page)) for page in pages] == [50, 50, 20]
    assert rows(pages[0]) + rows(pages[1]) + rows(pages[2]) == expected_order(app, world)
    assert "51–100 of 120" in pages[1] and 'rel="prev"' in pages[1] and 'rel="next"' in pages[1]
    # The people in no group come last, after every group.
    last = rows(pages[2])[-10:]
    assert not set(last) & set(members(app, world["course"]))
    # A page out of range shows the nearest one, never an error.
    for wrong in ("99", "0", "-3", "x"):
        response = client.get(f"{url}?page={wrong}")
        assert response.status_code == 200
        assert rows(response.get_data(as_text=True)) == rows(pages[2] if wrong == "99" else pages[0])


def test_counts_describe_everyone_on_every_page(app, client, login_as, world):
    login_as(world["trainer"])
    page = client.get(f"/courses/{world['course']}/groups/?page=3").get_data(as_text=True)
    assert "120 participants · 7 groups · 10 not in a group" in page
    sizes = re.findall(r'<th scope="row"><a href="[^"]+">Breakout room \d+</a></th><td>(\d+)</td>', page)
    assert [int(size) for size in sizes] == [16, 16, 16, 16, 16, 15, 15]  # 110 dealt round 7 groups
    assert re.search(r">Not in a group</a></th><td>10</td>", page)


def test_one_group_its_people_its_rename_form_and_its_work(app, client, login_as, world):
    group_id = world["groups"][2]
    with app.app_context():
        course = get_course(world["course"])
        exercise = open_card_game(course)
        db.session.commit()
        exercise_id = exercise.id
    login_as(world["trainer"])
    page = client.get(f"/courses/{world['course']}/groups/?group={group_id}").get_data(as_text=True)
    in_group = [uid for uid, gid in members(app, world["course"]).items() if gid == group_id]
    assert sorted(rows(page)) == sorted(in_group) and len(in_group) == 16
    assert f'action="/courses/{world["course"]}/groups/{group_id}/rename"' in page and 'value="Breakout room 3"' in page
    assert f"/groups/exercises/{exercise_id}/{group_id}" in page  # the group's work, to open and review
    assert "120 participants · 7 groups" in page  # the counts still describe everyone

    response = client.post(f"/courses/{world['course']}/groups/{group_id}/rename", data={"name": "Mekong"})
    assert response.headers["Location"].endswith(f"/groups/?group={group_id}#people")
    assert '<h3 id="people-title">Mekong</h3>' in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_people_in_no_group_and_filters_that_match_nothing(app, client, login_as, world):
    login_as(world["trainer"])
    url = f"/courses/{world['course']}/groups/"
    alone = client.get(f"{url}?group=none").get_data(as_text=True)
    assert len(rows(alone)) == 10 and not set(rows(alone)) & set(members(app, world["course"]))
    with app.app_context():
        elsewhere = services.create_group(make_course(), "Another course's group").id
        db.session.commit()
    everyone = rows(client.get(url).get_data(as_text=True))
    for wrong in (str(elsewhere), "abc", "99999999999", "²"):
        response = client.get(f"{url}?group={wrong}")
        assert response.status_code == 200 and rows(response.get_data(as_text=True)) == everyone


def test_the_pager_keeps_the_group_filter(app, client, login_as):
    world = build(app, people=70, groups=1)
    login_as(world["trainer"])
    group_id = world["groups"][0]
    first = client.get(f"/courses/{world['course']}/groups/?group={group_id}").get_data(as_text=True)
    link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert f"group={group_id}" in link and "page=2" in link and link.endswith("#people")
    second = client.get(link).get_data(as_text=True)
    assert len(rows(second)) == 20 and not set(rows(first)) & set(rows(second))


def test_a_move_posted_from_page_two_moves_only_the_people_ticked_there_and_comes_back(app, client, login_as, world):
    login_as(world["trainer"])
    url = f"/courses/{world['course']}/groups/"
    page_two = client.get(f"{url}?page=2").get_data(as_text=True)
    ticked = rows(page_two)[:2]
    target = world["groups"][0]
    before = members(app, world["course"])
    assert all(before[uid] != target for uid in ticked)
    response = client.post(
        f"{url}move", data={"user_id": [str(uid) for uid in ticked], "group_id": str(target), "page": "2"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/groups/?page=2#people")
    after = members(app, world["course"])
    assert {uid: after[uid] for uid in ticked} == {uid: target for uid in ticked}
    assert {k: v for k, v in after.items() if k not in ticked} == {k: v for k, v in before.items() if k not in ticked}
    assert "2 people moved to Breakout room 1." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_move_from_a_filtered_page_comes_back_to_it_and_can_take_people_out_of_groups(app, client, login_as, world):
    login_as(world["trainer"])
    group_id = world["groups"][1]
    url = f"/courses/{world['course']}/groups/"
    [first, *_rest] = rows(client.get(f"{url}?group={group_id}").get_data(as_text=True))
    response = client.post(
        f"{url}move", data={"user_id": str(first), "group_id": "none", "page": "1", "group": str(group_id)}
    )
    assert response.headers["Location"].endswith(f"/groups/?group={group_id}#people")
    assert first not in members(app, world["course"])
    assert first in rows(client.get(f"{url}?group=none").get_data(as_text=True))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"group_id": "G"}, "Tick the people to move first."),
        ({"user_id": "U"}, "Choose the group to move them to."),
        ({"user_id": "U", "group_id": "99999"}, "That group does not exist in this course."),
        ({"user_id": "U", "group_id": "abc"}, "That group does not exist in this course."),
    ],
)
def test_a_move_without_people_or_a_group_changes_nothing(app, client, login_as, world, data, message):
    login_as(world["trainer"])
    someone = next(iter(world["people"]))
    data = {k: {"G": str(world["groups"][3]), "U": str(someone)}.get(v, v) for k, v in data.items()}
    before = members(app, world["course"])
    response = client.post(f"/courses/{world['course']}/groups/move", data=data)
    assert response.status_code == 302
    assert members(app, world["course"]) == before
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_move_naming_someone_outside_the_course_moves_nobody(app, client, login_as, world):
    login_as(world["trainer"])
    someone = next(iter(world["people"]))
    before = members(app, world["course"])
    response = client.post(
        f"/courses/{world['course']}/groups/move",
        data={"user_id": [str(someone), str(world["outsider"])], "group_id": str(world["groups"][0])},
    )
    assert response.status_code == 404 and members(app, world["course"]) == before


def test_the_exercise_cards_count_every_group_and_list_the_work_waiting_for_feedback(app, client, login_as, world):
    with app.app_context():
        course = get_course(world["course"])
        exercise = open_card_game(course)
        groups = [services.get_group(course.id, gid) for gid in world["groups"]]
        for group in groups[:3]:
            submission = work.get_submission(exercise, group)
            submission.version, submission.text = 1, "Our answer"
        work.get_submission(exercise, groups[0]).reviewed_at = datetime(2026, 1, 1, tzinfo=UTC)
        work.get_submission(exercise, groups[5])  # opened, nothing saved: not handed in
        db.session.commit()
        exercise_id = exercise.id
    login_as(world["trainer"])
    page = client.get(f"/courses/{world['course']}/groups/?page=3").get_data(as_text=True)
    assert "Handed in by 3 of 7 groups, 1 reviewed." in page
    waiting = page.split("Waiting for feedback:")[1].split("</ul>")[0]
    assert re.findall(r">(Breakout room \d+)</a>", waiting) == ["Breakout room 2", "Breakout room 3"]
    assert f"/groups/exercises/{exercise_id}/{world['groups'][1]}" in waiting


def test_participants_see_their_own_group_only(app, client, login_as, world):
    mine = members(app, world["course"])
    someone = next(uid for uid in world["people"] if uid in mine)
    login_as(world["emails"][someone])
    page = client.get(f"/courses/{world['course']}/groups/").get_data(as_text=True)
    shown = set(re.findall(r"Focal Point Number \d{3} Longer Name", page))
    assert shown == {world["people"][uid] for uid, gid in mine.items() if gid == mine[someone]}
    assert 'name="user_id"' not in page and "Breakout room" in page


def test_the_page_uses_the_same_number_of_queries_at_two_sizes(app, client, login_as, count_queries):
    small = build(app, people=60, groups=6, ungrouped=3)
    large = build(app, people=160, groups=16, ungrouped=9)
    counts = []
    for world in (small, large):
        login_as(world["trainer"])
        with count_queries() as counter:
            page = client.get(f"/courses/{world['course']}/groups/?page=2").get_data(as_text=True)
        assert 'rel="prev"' in page and rows(page)
        counts.append(counter.count)
        client.post("/accounts/logout")
    assert counts[0] == counts[1]


def test_at_330_participants_in_30_groups_every_view_stays_under_the_budget(app, client, login_as):
    world = build(app, people=330, groups=30, ungrouped=20)
    base = f"/courses/{world['course']}/groups/"
    login_as(world["trainer"])
    for path in ("", "?page=4", f"?group={world['groups'][0]}", "?group=none"):
        response = client.get(base + path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and "Content-Encoding" not in response.headers  # personal data
        assert len(response.get_data()) < BUDGET / 2, path
    # The exports still hold everyone.
    csv = client.get(f"{base}zoom.csv").get_data(as_text=True)
    assert csv.count("@example.org") == 310
    printable = client.get(f"{base}print").get_data(as_text=True)
    assert all(name in printable for name in world["people"].values())
    client.post("/accounts/logout")
    login_as(world["emails"][next(iter(world["people"]))])
    assert len(client.get(base).get_data()) < BUDGET / 10
