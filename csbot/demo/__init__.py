"""The demo generator: made-up physician groups and their history as numpy columns.

Pure and deterministic: the same seed, size and `as_of` give the same columns. It reads no
database and writes none; `csbot.store.demo` turns the columns into rows and loads them.
"""
