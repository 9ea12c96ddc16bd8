"""Group work: breakout groups, group exercises, submissions and feedback."""
