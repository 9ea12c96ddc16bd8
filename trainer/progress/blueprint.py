"""The progress blueprint: its URLs in one table (view functions in progress/views/)."""

from flask import Blueprint

from trainer.progress.views import attendance, certificates, dashboards, study

bp = Blueprint("progress", __name__, template_folder="templates")
GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
CHAPTER = "/modules/<module_slug>/<chapter_slug>"
COURSE = "/courses/<int:course_id>"

bp.add_url_rule(f"{CHAPTER}/sections/<section_id>", view_func=study.mark_section, methods=POST)
bp.add_url_rule(f"{CHAPTER}/exercises/<exercise_id>", view_func=study.answer, methods=POST)

bp.add_url_rule(f"{COURSE}/progress/", view_func=dashboards.course_dashboard, methods=GET)
bp.add_url_rule(f"{COURSE}/progress.csv", view_func=dashboards.course_dashboard_csv, methods=GET)
bp.add_url_rule(f"{COURSE}/progress/<int:user_id>", view_func=dashboards.participant, methods=GET)
bp.add_url_rule("/progress/", view_func=dashboards.overview, methods=GET)

bp.add_url_rule(f"{COURSE}/attendance/<int:session_id>", view_func=attendance.register, methods=BOTH)
bp.add_url_rule(f"{COURSE}/attendance/<int:session_id>/zoom", view_func=attendance.zoom_upload, methods=POST)
bp.add_url_rule(f"{COURSE}/attendance/<int:session_id>/zoom/<token>", view_func=attendance.zoom_preview, methods=BOTH)

bp.add_url_rule(f"{COURSE}/completion", view_func=certificates.completion_page, methods=BOTH)
bp.add_url_rule(f"{COURSE}/completion/issue", view_func=certificates.issue, methods=POST)
bp.add_url_rule("/certificates/<code>", view_func=certificates.verify, methods=GET)
bp.add_url_rule("/certificates/<code>.pdf", view_func=certificates.pdf, methods=GET)
bp.add_url_rule("/certificates/<code>/revoke", view_func=certificates.revoke, methods=POST)
