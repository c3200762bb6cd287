"""The domain core: plain data and pure functions, no I/O, no clock, no id generation of its own.

Everything outside (store, services, API, CLI, simulator) depends on this package; it depends on
nothing of theirs. Identifier modules follow python-stdnum's shape (compact / validate / is_valid).
"""
