"""People: users, sign-in, profile."""

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager


def init_login(login_manager: LoginManager) -> None:
    from trainer.accounts.services import get_user

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(lambda user_id: get_user(int(user_id)) if user_id.isdigit() else None)
