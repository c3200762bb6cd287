"""Silkpost: the Silk Road Post information exchange platform.

Track-and-trace fed by partner posts' event files and API, exchange-office operations,
customs declarations with China customs' messages and acceptance security, multimodal route
planning over the corridor network, a simulator of the corridors, analytics and notices to
partners, for cross-border parcels on the China–Central Asia–Europe land corridors.
"""

__version__ = "0.1.0"
