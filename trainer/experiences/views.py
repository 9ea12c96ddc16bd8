from flask import Blueprint

bp = Blueprint("experiences", __name__, url_prefix="/courses/<int:course_id>/experiences", template_folder="templates")
