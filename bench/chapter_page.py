"""Chapter page speed and weight, on gunicorn with the demo seeded (SQLite).

Prints requests per second and latency for a trivial route and for each chapter page on the
same server in the same run, the chapter page's throughput as a share of the trivial route's,
and each chapter page's HTML size (raw and gzipped). Run: `make bench` or
`.venv/bin/python bench/chapter_page.py [--requests N]`.
"""

import argparse
import gzip
import platform

from harness import Client, app_env, flask, gunicorn, hammer, sqlite_database

CHAPTERS = [
    "what-is-decentralized-cooperation",
    "why-dc-matters-for-the-global-agenda",
    "how-dc-works-in-practice",
    "designing-dc-with-the-sdgs",
    "who-we-work-with",
    "who-dc-is-for",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(
        f"trainer chapter-page bench · Python {platform.python_version()} · {platform.machine()} · "
        f"gunicorn {args.workers} workers · SQLite · {args.requests} requests × 8 connections"
    )
    with sqlite_database() as url:
        env = app_env(url)
        flask(env, "db", "upgrade")
        flask(env, "demo", "seed")
        with gunicorn(env, args.workers) as port:
            client = Client(port)
            client.sign_in("participant@example.org", "trainer-demo-2021")
            for slug in CHAPTERS:  # warm up: first views record chapter versions
                client.request("GET", f"/modules/module-4/{slug}")
            hammer(port, "/healthz", client.cookie, 200)
            trivial = hammer(port, "/healthz", client.cookie, args.requests)
            chapter = hammer(port, f"/modules/module-4/{CHAPTERS[0]}", client.cookie, args.requests)
            print(trivial.line("trivial route /healthz"))
            print(chapter.line("chapter 1 page", trivial))
            print("\nchapter page weight (HTML only; the stylesheet is one cached file):")
            for slug in CHAPTERS:
                status, body, _ = client.request("GET", f"/modules/module-4/{slug}")
                print(f"  {slug:<40} {len(body) / 1024:6.1f} KiB  gzip {len(gzip.compress(body)) / 1024:5.1f} KiB")
            _, css, _ = client.request("GET", "/static/style.css")
            print(f"  {'style.css':<40} {len(css) / 1024:6.1f} KiB  gzip {len(gzip.compress(css)) / 1024:5.1f} KiB")


if __name__ == "__main__":
    main()
