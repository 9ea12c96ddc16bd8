"""The courses blueprint: its URLs in one table (the view functions live in courses/views/)."""

from flask import Blueprint

from trainer.courses.views import applications, manage, people

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]

bp.add_url_rule("/new", view_func=manage.new, methods=BOTH)
bp.add_url_rule("/<int:course_id>/edit", view_func=manage.edit, methods=BOTH)

bp.add_url_rule("/<int:course_id>/people/", view_func=people.roster, methods=GET)
bp.add_url_rule("/<int:course_id>/people.csv", view_func=people.export_csv, methods=GET)
bp.add_url_rule("/<int:course_id>/people/new", view_func=people.register_one, methods=BOTH)
bp.add_url_rule("/<int:course_id>/people/import", view_func=people.upload, methods=BOTH)
bp.add_url_rule("/<int:course_id>/people/import/<token>", view_func=people.confirm_import, methods=BOTH)
bp.add_url_rule("/<int:course_id>/people/template.csv", view_func=people.template, methods=GET)
bp.add_url_rule("/<int:course_id>/people/seats", view_func=people.set_seats, methods=POST)
bp.add_url_rule("/<int:course_id>/people/<int:user_id>/resend", view_func=people.resend, methods=POST)
bp.add_url_rule("/<int:course_id>/people/<int:user_id>/role", view_func=people.change_role, methods=BOTH)
bp.add_url_rule("/<int:course_id>/people/<int:user_id>/remove", view_func=people.remove, methods=BOTH)

bp.add_url_rule("/<int:course_id>/applications/", view_func=applications.queue, methods=GET)
bp.add_url_rule(
    "/<int:course_id>/applications/<int:application_id>/<decision>", view_func=applications.decide, methods=POST
)
bp.add_url_rule("/<int:course_id>/apply", view_func=applications.apply, methods=BOTH)
