"""In development, mail queued by a request is sent once the response has gone out."""

from flask import Flask, Response, current_app, g


def init_app(app: Flask) -> None:
    if not app.config["MAIL_SEND_AFTER_REQUEST"]:
        return

    @app.after_request
    def _send_after(response: Response) -> Response:
        if g.get("mail_queued"):
            app_object = current_app._get_current_object()

            def send() -> None:
                from trainer.mail.services import send_outbox

                with app_object.app_context():
                    send_outbox()

            response.call_on_close(send)
        return response
