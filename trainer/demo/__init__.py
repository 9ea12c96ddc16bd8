"""A realistic demo: a Module 4 course shaped like UCLG ASPAC's November 2021 one.

Every capability extends `seed_demo()`, so that `make run` always shows the whole product.
"""
