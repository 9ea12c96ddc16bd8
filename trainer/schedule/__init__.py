"""A course's schedule: live sessions with agendas, and the self-study periods between them."""
