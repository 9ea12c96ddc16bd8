"""Gzip for large pages of course material, so that every page stays under 100 KB transferred.

The whole module on one page, to print, is about 140 KB of HTML, some 90 KB of it the text
itself: no markup diet brings it under 100 KB, gzip brings it to about 37 KB. The content
blueprint applies `gzip_large_html` to its pages; HTML under `GZIP_MIN_BYTES` (every single
chapter) is left alone, as it is not worth the CPU and a reverse proxy may compress it anyway.

Why only course material: compressing a response that holds a secret beside something the
request controls (here the header's language form echoes the query string) lets an attacker who
watches response sizes recover the secret (BREACH). Course material is the same text for every
reader; the only secret on it is the CSRF token, which Flask-WTF re-signs with a timestamp every
second, so it cannot be recovered a byte at a time. Rosters, groups and dashboards (personal
data) are not compressed by the app; they stay under the budget at realistic sizes (the
dashboard shows 50 rows a page).
"""

import gzip

from flask import Response, request

GZIP_MIN_BYTES = 50_000


def gzip_large_html(response: Response) -> Response:
    if (
        response.mimetype != "text/html"
        or response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
    ):
        return response
    body = response.get_data()
    if len(body) < GZIP_MIN_BYTES:
        return response
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] <= 0:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response
