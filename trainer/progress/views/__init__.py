"""View functions of the progress blueprint; URLs are listed in progress/blueprint.py."""
