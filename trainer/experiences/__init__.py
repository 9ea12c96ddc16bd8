"""Shared experiences: participants' own stories of decentralised cooperation, and comments."""
