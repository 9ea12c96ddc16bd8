"""Demo experiences: what participants shared during the self-study weeks after day 1.

The people are the demo's participants (trainer/demo/data.py). Facts about real partnerships
follow /shared/content/module4-facts.md; everything else is the participants' own plans,
questions and opinions, so that nothing here claims what did not happen.

Two posts are good cases in the case library (a trainer marked them, their authors agreed a day
later), and one of them is attached to chapter 1 of the course.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from trainer.accounts.services import get_user_by_email
from trainer.content.registry import get_registry
from trainer.courses.models import Course
from trainer.dbtypes import utcnow
from trainer.experiences import cases, services
from trainer.experiences.models import ChapterCase, Experience
from trainer.extensions import db


@dataclass(frozen=True)
class DemoComment:
    email: str
    hours_later: int
    text: str


@dataclass(frozen=True)
class DemoPost:
    email: str
    days_ago: int
    title: str
    sdgs: tuple[int, ...]
    chapter_slug: str
    text: str
    highlighted: bool = False
    comments: tuple[DemoComment, ...] = ()
    cooperation_kind: str | None = None  # set: a good case in the library, with the author's consent
    attach_to_first_chapter: bool = False


POSTS = (
    DemoPost(
        email="putri.wulandari@example.org",
        days_ago=8,
        title="Composting with Kitakyushu: what made it last in Surabaya",
        sdgs=(11, 12, 17),
        chapter_slug="how-dc-works-in-practice",
        highlighted=True,
        cooperation_kind="city-to-city",
        text="""\
Surabaya and Kitakyushu have worked together on the environment since the 1990s, and waste
became the centre of that work from 2004. The part I want to share is household composting
with the **Takakura method**.

**How it started.** Kitakyushu's experts did not arrive with a finished system. The method was
tested with a local NGO, Pusdakota, in one neighbourhood (Kampung Rungkut Lor) until it worked
with our kitchen waste, our climate and materials people could find nearby.

**What helped it spread, as I see it:**

- neighbours who could show each other a working basket;
- the city gradually taking on the cost of baskets and composting centres;
- joint projects continuing under the Green Sister City agreement signed in 2012.

**What I would tell another city.** Start small with a community partner, and decide from the
first day who pays once the partner's experts go home.

A question for the group: how do you keep a pilot alive after the partner's funding ends?
""",
        comments=(
            DemoComment(
                "jose.delacruz@example.org",
                5,
                "Davao signed its own Green Sister City agreement with Kitakyushu in 2017, so this is very "
                "useful for us. Were the neighbourhood volunteers paid or recognised in some way, or was "
                "it all voluntary?",
            ),
            DemoComment(
                "trainer@example.org",
                20,
                "Thank you, Putri. I would like to use this on day 2, when we discuss modalities and "
                "*how to start*: a pilot with a local NGO first, then the city taking over. Could you "
                "be ready to say in two minutes how the cost moved to the city budget?",
            ),
        ),
    ),
    DemoPost(
        email="maria.santos@example.org",
        days_ago=6,
        title="Reviewing Quezon City's partnership agreements against the SDGs",
        sdgs=(11, 16, 17),
        chapter_slug="designing-dc-with-the-sdgs",
        text="""\
Until now our office has counted partnerships by the number of agreements signed. During the
self-study for chapter 4 I started a table of our sister-city and friendship agreements, with
four columns:

1. the year it was signed, and the last joint activity;
2. the SDGs the activities touched;
3. the department in City Hall that owns the relationship;
4. whether the agreement says anything about results or reporting.

My hunch from the first rows is that the partnerships that stay active are the ones a
department uses for its own work, not only for official visits. I will report back on day 2.

What I would like to propose to our management is a short **decentralised cooperation
policy**: renew or close dormant agreements, name an owner department for each, and ask for a
yearly one-page report linked to our local development plan and the SDGs.

Has anyone written a policy like this? I would be glad to see one, even a draft.
""",
    ),
    DemoPost(
        email="sita.shrestha@example.org",
        days_ago=5,
        title="Dhulikhel's Voluntary Local Review: reporting as a way to find partners",
        sdgs=(1, 3, 4, 6, 17),
        chapter_slug="who-dc-is-for",
        text="""\
In April 2022 Dhulikhel launched its Voluntary Local Review (VLR), prepared with support from
CDKN and ICLEI South Asia; it was presented as the first VLR by a city in South Asia. It
looked at four goals: SDG 1 (poverty), SDG 3 (health), SDG 4 (education) and SDG 6 (water
and sanitation).

What I take from that work for chapter 6, as someone in the planning office:

- **A review needs data that sits with many actors**: ward offices, schools, health
  facilities, service providers. Gathering it is already a partnership exercise.
- **A review is a communication tool.** It shows partners where we stand, with evidence,
  rather than only what we plan to do.
- **Monitoring has to be planned in from the start**; otherwise data has to be pieced
  together afterwards, which is exactly the warning in the chapter.

For a small municipality, I think a VLR is a realistic first step towards decentralised
cooperation linked to the SDGs: it gives partners a shared language and a baseline.
""",
    ),
    DemoPost(
        email="participant@example.org",
        days_ago=4,
        title="Karachi looking for a peer city on urban flooding and drainage",
        sdgs=(6, 11, 13, 17),
        chapter_slug="who-we-work-with",
        text="""\
Heavy monsoon rain floods roads and low-lying neighbourhoods in Karachi, and solid waste in the
drains makes it worse. In our department we are preparing a proposal for a **peer exchange**
with a city that knows the same mix: heavy rain, settlements along the drains and waste in the
channels.

What we could offer:

- experience of working with the provincial government and community organisations in a very
  large city;
- hosting a visit of technical staff.

What we are looking for:

- a partner city in the region, ideally coastal, that has improved drain maintenance or flood
  early warning;
- an exchange between technical staff, not only a visit by officials;
- a small first step we can fund ourselves before we apply for programme money.

Chapter 5 made me think we should bring a university and the waste-collection contractors in
from the start. Does any of your cities have experience with this, and would you be interested
in a first call?
""",
        comments=(
            DemoComment(
                "andi.makkasau@example.org",
                7,
                "Makassar is coastal and has its own drainage problems in the rainy season. I am not in "
                "public works, but I can ask colleagues there whether they would join a first online "
                "call. Which questions would you bring to it?",
            ),
            DemoComment(
                "trainer2@example.org",
                26,
                "A clear start: the problem, what you offer, and a small first step. Before day 3, list "
                "who in Karachi would have to agree before a visit could happen. We will come back to "
                "mapping stakeholders with chapter 5.",
            ),
        ),
    ),
    DemoPost(
        email="somchai.srisuk@example.org",
        days_ago=3,
        title="Bangkok and Yokohama: technical cooperation on a climate master plan",
        sdgs=(11, 13, 17),
        chapter_slug="how-dc-works-in-practice",
        text="""\
Since 2013 Bangkok has had a memorandum of understanding with Yokohama, through Yokohama's
Y-PORT programme, to support our climate change master plan. The memorandum was renewed in 2023.

What I find useful for this course is the **modality**: city-to-city technical cooperation in
which Yokohama brings the know-how of its city departments and of local companies. It is not a
project with a fixed end date, which suits long-term work such as a master plan.

Questions I am still thinking about:

- How do we show what the partnership itself contributed, separately from national programmes?
- How do we keep what we learnt inside our departments when staff move on?

I would like to hear how others record what they learnt from a partner.
""",
    ),
    DemoPost(
        email="siti.rahmawati@example.org",
        days_ago=2,
        title="Association to association: what LOCALISE SDGs taught APEKSI",
        sdgs=(16, 17),
        chapter_slug="why-dc-matters-for-the-global-agenda",
        cooperation_kind="association-to-association",
        attach_to_first_chapter=True,  # it illustrates the "associations" part of chapter 1's definition
        text="""\
From 2018 to 2021 APEKSI took part in **LOCALISE SDGs**, an EU-funded programme with UCLG ASPAC
that worked with 30 local authorities and five local-government associations in Indonesia to
bring the SDGs into local development plans.

For an association, my main lesson was about our own role. We are not only a channel for
training; we can:

- collect what member cities learn and pass it on to the others;
- speak for local governments in national discussions on localising the SDGs;
- connect member cities with partners abroad when they ask for it.

That is the *associations* part of the definition of decentralised cooperation in chapter 1,
and it is easy to forget when we think only of twinning between two cities.

How do other associations in the course choose which member cities to involve first?
""",
    ),
)


def seed_experiences(course: Course) -> None:
    """Add the demo posts that are missing (matched by title). The caller commits."""
    existing = set(_titles(course.id))
    module = get_registry().module(course.module_slug)
    chapters = {chapter.slug for chapter in module.chapters} if module else set()
    now = utcnow()
    for post in POSTS:
        author = get_user_by_email(post.email)
        if post.title in existing or author is None:
            continue
        experience = services.create_experience(
            course.id,
            author.id,
            title=post.title,
            text=post.text,
            country=author.country,
            sdgs=list(post.sdgs),
            chapter_slug=post.chapter_slug if post.chapter_slug in chapters else None,
        )
        experience.created_at = experience.updated_at = now - timedelta(days=post.days_ago)
        services.set_highlighted(experience, post.highlighted)
        _seed_comments(experience, post.comments)
    _seed_cases(course)


def _seed_cases(course: Course) -> None:
    """Mark the demo's good cases, with consent, and attach one to chapter 1; skip what is there."""
    module = get_registry().module(course.module_slug)
    by_title = {
        experience.title: experience
        for experience in db.session.scalars(select(Experience).where(Experience.course_id == course.id))
    }
    for post in POSTS:
        experience = by_title.get(post.title)
        if experience is None or post.cooperation_kind is None:
            continue
        if not experience.good_case:
            cases.mark_good_case(experience, post.cooperation_kind)
        if experience.consent_at is None:
            cases.give_consent(experience)
            experience.consent_at = experience.created_at + timedelta(days=1)
        if post.attach_to_first_chapter and module and module.chapters and cases.is_in_library(experience):
            _attach_once(course, module.chapters[0].slug, experience)


def _attach_once(course: Course, chapter_slug: str, experience: Experience) -> None:
    attached = db.session.scalar(
        select(ChapterCase.id).where(
            ChapterCase.course_id == course.id,
            ChapterCase.chapter_slug == chapter_slug,
            ChapterCase.experience_id == experience.id,
        )
    )
    if attached is None:
        cases.attach_case(course, chapter_slug, experience)


def _seed_comments(experience: Experience, comments: tuple[DemoComment, ...]) -> None:
    for demo in comments:
        author = get_user_by_email(demo.email)
        if author is None:
            continue
        comment = services.add_comment(experience, author.id, demo.text)
        comment.created_at = experience.created_at + timedelta(hours=demo.hours_later)


def _titles(course_id: int) -> list[str]:
    return list(db.session.scalars(select(Experience.title).where(Experience.course_id == course_id)))
