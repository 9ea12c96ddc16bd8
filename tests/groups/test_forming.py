"""Breakout groups and their Zoom export: pure, without the database or a request."""

import csv
import io
import random
from collections import Counter

import pytest

from trainer.groups.forming import FormingError, Member, balance_report, form_groups, zoom_breakout_csv

COUNTRIES = ["Pakistan", "Philippines", "Indonesia", "Thailand", "Nepal", "Maldives", "India"]


def population(count: int, seed: int, *, orgs_per_country: int = 3, stray: float = 0.0) -> list[Member]:
    """`count` people; each organisation belongs to one country, except a `stray` share who sit elsewhere."""
    rng = random.Random(seed)
    people = []
    for i in range(1, count + 1):
        country = rng.choice(COUNTRIES)
        organisation = f"{country} council {rng.randrange(orgs_per_country)}"
        if rng.random() < stray:  # e.g. a UCLG ASPAC colleague based in another country
            country = rng.choice(COUNTRIES)
        people.append(Member(i, f"Person {i}", country, organisation, f"person{i}@example.org"))
    return people


def cohort() -> list[Member]:
    """30 focal points, 7 countries (4-5 each), several people from the same city or ministry."""
    spec = {
        "Pakistan": ["Lahore", "Lahore", "Punjab LGD", "Karachi"],
        "Philippines": ["Makati", "Makati", "Makati", "DILG", "Iloilo"],
        "Indonesia": ["Surabaya", "Surabaya", "APEKSI", "Bandung"],
        "Thailand": ["Bangkok", "Bangkok", "NMT", "Chiang Mai", "Khon Kaen"],
        "Nepal": ["Kathmandu", "Kathmandu", "MuAN", "Pokhara"],
        "Maldives": ["Male", "Male", "LGA", "Addu"],
        "India": ["Pune", "Pune", "NIUA", "Kochi"],
    }
    people = []
    for country, orgs in spec.items():
        for org in orgs:
            i = len(people) + 1
            people.append(Member(i, f"Focal point {i}", country, f"{org} ({country})", f"fp{i}@example.org"))
    assert len(people) == 30
    return people


def ids(groups: list[list[Member]]) -> list[list[int]]:
    return [[m.id for m in group] for group in groups]


def assert_partition(members: list[Member], groups: list[list[Member]]) -> None:
    assert sorted(m.id for group in groups for m in group) == sorted(m.id for m in members)


# --- forming -------------------------------------------------------------------------------------------


def test_thirty_focal_points_from_seven_countries_into_five_groups():
    members = cohort()
    for seed in range(20):
        groups = form_groups(members, groups=5, seed=seed)
        assert_partition(members, groups)
        assert [len(g) for g in groups] == [6] * 5
        for country in COUNTRIES:  # counted here, not through balance_report, to check it independently
            per_group = [sum(m.country == country for m in g) for g in groups]
            assert max(per_group) - min(per_group) <= 1, (seed, country, per_group)
        for group in groups:  # no organisation has more people than there are groups, so none repeats
            assert len({m.organisation for m in group}) == len(group), seed


@pytest.mark.parametrize("seed", range(12))
def test_sizes_countries_and_organisations_even_across_random_populations(seed):
    rng = random.Random(seed)
    members = population(rng.randrange(5, 120), seed, orgs_per_country=rng.randrange(1, 6))
    groups = form_groups(members, groups=rng.randrange(1, len(members) // 2 + 1), seed=seed)
    assert_partition(members, groups)
    report = balance_report(groups)
    assert report["size_spread"] <= 1
    assert report["max_country_spread"] <= 1
    assert report["avoidable_org_duplicates"] == 0


@pytest.mark.parametrize("seed", range(12))
def test_organisations_spanning_countries_still_do_not_repeat_when_avoidable(seed):
    members = population(60, seed, orgs_per_country=2, stray=0.3)
    report = balance_report(form_groups(members, groups=6, seed=seed))
    assert report["size_spread"] <= 1
    assert report["avoidable_org_duplicates"] == 0
    assert report["max_country_spread"] <= 2  # single swaps can get stuck here; nested data gives <= 1


def test_an_organisation_larger_than_the_group_count_repeats_only_as_much_as_it_must():
    members = [Member(i, f"P{i}", "Nepal", "Kathmandu Metropolitan City", f"p{i}@example.org") for i in range(1, 8)]
    members += [Member(i, f"P{i}", "India", f"City {i}", f"p{i}@example.org") for i in range(8, 16)]
    groups = form_groups(members, groups=3, seed=4)
    assert sorted(sum(m.organisation == "Kathmandu Metropolitan City" for m in g) for g in groups) == [2, 2, 3]
    report = balance_report(groups)
    assert report["avoidable_org_duplicates"] == 0
    assert len(report["org_duplicates"]) == 3  # unavoidable, and still listed for the trainer


def test_same_seed_gives_the_same_groups_whatever_the_input_order():
    members = population(40, 1)
    first = form_groups(members, size=5, seed=7)
    assert ids(form_groups(members, size=5, seed=7)) == ids(first)
    for shuffle_seed in range(5):
        shuffled = members[:]
        random.Random(shuffle_seed).shuffle(shuffled)
        assert ids(form_groups(shuffled, size=5, seed=7)) == ids(first)


def test_different_seeds_usually_give_different_groups():
    members = cohort()
    outcomes = {tuple(map(tuple, ids(form_groups(members, groups=5, seed=seed)))) for seed in range(10)}
    assert len(outcomes) >= 8


@pytest.mark.parametrize(
    ("people", "kwargs", "sizes"),
    [
        (30, {"groups": 5}, [6, 6, 6, 6, 6]),
        (30, {"groups": 4}, [8, 8, 7, 7]),
        (30, {"size": 6}, [6, 6, 6, 6, 6]),
        (30, {"size": 4}, [4, 4, 4, 4, 4, 4, 3, 3]),  # 7.5 rounds up: smaller groups rather than larger
        (30, {"size": 7}, [8, 8, 7, 7]),  # 4.3 groups -> 4
        (10, {"size": 4}, [4, 3, 3]),  # 2.5 -> 3
        (3, {"size": 5}, [3]),  # at least one group
        (3, {"size": 2}, [3]),  # 1.5 -> 2 would leave someone alone
        (1, {"size": 2}, [1]),
        (4, {"groups": 4}, [1, 1, 1, 1]),  # asked for explicitly
    ],
)
def test_groups_or_size(people, kwargs, sizes):
    members = population(people, 3)
    groups = form_groups(members, **kwargs)
    assert sorted((len(g) for g in groups), reverse=True) == sizes
    assert_partition(members, groups)


@pytest.mark.parametrize(
    ("people", "kwargs", "words"),
    [
        (0, {"groups": 2}, "nobody"),
        (0, {"size": 4}, "nobody"),
        (5, {"groups": 6}, "6 groups but there are only 5 people"),
        (5, {"groups": 0}, "at least one group"),
        (5, {"size": 1}, "at least 2 people"),
        (5, {"size": 0}, "at least 2 people"),
        (5, {"groups": 2, "size": 3}, "not both"),
        (5, {}, "Choose a number of groups or a group size"),
    ],
)
def test_errors_are_sentences_for_the_trainer(people, kwargs, words):
    with pytest.raises(FormingError, match=words):
        form_groups(population(people, 0), **kwargs)


def test_forming_error_is_a_value_error_and_duplicate_ids_are_a_caller_bug():
    assert issubclass(FormingError, ValueError)
    member = Member(1, "Ana", "Philippines", "Makati", "ana@example.org")
    with pytest.raises(ValueError, match="same member id"):
        form_groups([member, member], groups=1)


def test_five_thousand_members():
    members = population(5000, 11, orgs_per_country=300, stray=0.05)
    for kwargs in ({"size": 5}, {"groups": 7}):
        groups = form_groups(members, seed=2, **kwargs)
        assert_partition(members, groups)
        report = balance_report(groups)
        assert report["size_spread"] <= 1
        assert report["avoidable_org_duplicates"] == 0


def test_members_without_country_or_organisation():
    members = [
        Member(1, "Ana", None, None, "ana@example.org"),
        Member(2, "Bo", None, None, "bo@example.org"),
        Member(3, "Chai", "Thailand", None, "chai@example.org"),
        Member(4, "Dev", "India", "Pune", "dev@example.org"),
        Member(5, "Eka", None, "Pune", "eka@example.org"),
        Member(6, "Fatima", "Maldives", "  ", "fatima@example.org"),  # blank counts as none
    ]
    groups = form_groups(members, groups=2, seed=5)
    assert_partition(members, groups)
    assert [len(g) for g in groups] == [3, 3]
    assert all(sum(m.organisation == "Pune" for m in g) == 1 for g in groups)  # Pune spans a missing country
    report = balance_report(groups)
    assert report["org_duplicates"] == []  # people without an organisation are not "the same organisation"
    assert set(report["country_spread"]) == {"Thailand", "India", "Maldives"}


def test_groups_are_sorted_by_name_for_display():
    for group in form_groups(cohort(), groups=5):
        assert [m.name.casefold() for m in group] == sorted(m.name.casefold() for m in group)


# --- report --------------------------------------------------------------------------------------------


def test_balance_report_on_hand_made_groups():
    def m(i: int, country: str | None, org: str | None) -> Member:
        return Member(i, f"P{i}", country, org, f"p{i}@example.org")

    groups = [
        [m(1, "Nepal", "Pokhara"), m(2, "Nepal", "pokhara "), m(3, "India", None), m(4, "India", None)],
        [m(5, "India", "NIUA"), m(6, None, None), m(7, "India", "NIUA")],
    ]
    assert balance_report(groups) == {
        "sizes": [4, 3],
        "size_spread": 1,
        "country_spread": {"India": 0, "Nepal": 2},
        "max_country_spread": 2,
        "org_duplicates": [
            {"organisation": "NIUA", "group": 1, "count": 2},
            {"organisation": "Pokhara", "group": 0, "count": 2},
        ],
        "avoidable_org_duplicates": 2,
    }
    assert balance_report([]) == {
        "sizes": [],
        "size_spread": 0,
        "country_spread": {},
        "max_country_spread": 0,
        "org_duplicates": [],
        "avoidable_org_duplicates": 0,
    }


# --- Zoom export ---------------------------------------------------------------------------------------


def read_zoom_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_zoom_csv_round_trip_in_any_script():
    rooms = [
        ("ห้อง 1 กรุงเทพฯ", [Member(1, "สมชาย ใจดี", "Thailand", "BMA", "somchai@example.org")]),
        ("समूह २", [Member(2, "सीता शर्मा", "Nepal", "MuAN", "sita@example.org")]),
        ("第三组", [Member(3, "陈伟", None, None, "chen@example.org"), Member(4, "Ana", None, None, "ana@x.org")]),
        ('Room "4", Makati', [Member(5, "José", "Philippines", "Makati", " jose@example.org ")]),
    ]
    data = zoom_breakout_csv(rooms)
    assert data.startswith(b"Pre-assign Room Name,Email Address\r\n")  # exact header, no BOM
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 6 and b"\n" not in data.replace(b"\r\n", b"")
    assert read_zoom_csv(data) == [
        ["Pre-assign Room Name", "Email Address"],
        ["ห้อง 1 กรุงเทพฯ", "somchai@example.org"],
        ["समूह २", "sita@example.org"],
        ["第三组", "chen@example.org"],
        ["第三组", "ana@x.org"],
        ['Room "4", Makati', "jose@example.org"],
    ]


def test_zoom_csv_from_formed_groups_lists_everyone_once():
    members = cohort()
    groups = form_groups(members, groups=5, seed=1)
    rows = read_zoom_csv(zoom_breakout_csv([(f"Group {i}", g) for i, g in enumerate(groups, start=1)]))
    assert rows[0] == ["Pre-assign Room Name", "Email Address"]
    assert sorted(email for _room, email in rows[1:]) == sorted(m.email for m in members)
    assert Counter(room for room, _email in rows[1:]) == {f"Group {i}": 6 for i in range(1, 6)}


def test_zoom_csv_tidies_room_names_and_skips_a_repeat_in_the_same_room():
    ana = Member(1, "Ana", None, None, "ana@example.org")
    rows = read_zoom_csv(zoom_breakout_csv([("  Group\n1  ", [ana, ana]), ("Group 2", [])]))
    assert rows == [["Pre-assign Room Name", "Email Address"], ["Group 1", "ana@example.org"]]


@pytest.mark.parametrize(
    ("rooms", "words"),
    [
        ([(" ", [])], "needs a name"),
        ([("Group 1", []), ("group 1", [])], "both called"),
        ([("Group 1", [Member(1, "Ana", None, None, "  ")])], "Ana has no email"),
        (
            [
                ("Group 1", [Member(1, "Ana", None, None, "ana@example.org")]),
                ("Group 2", [Member(2, "Ana again", None, None, "ANA@example.org")]),
            ],
            "in two rooms: Group 1 and Group 2",
        ),
    ],
)
def test_zoom_csv_refuses_what_zoom_would_reject_or_merge(rooms, words):
    with pytest.raises(FormingError, match=words):
        zoom_breakout_csv(rooms)
