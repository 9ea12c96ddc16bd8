"""Signals other features listen to without courses importing them (they sit above it)."""

from blinker import Namespace

_signals = Namespace()

# Sent with (course, user=...) when someone is newly enrolled in a course.
enrolled = _signals.signal("enrolled")
