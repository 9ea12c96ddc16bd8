"""The courses blueprint's view functions; routes are listed in courses/blueprint.py."""
