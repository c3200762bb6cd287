"""Silkpost: the Silk Road Post information exchange platform.

Track-and-trace, partner data exchange, exchange-office operations, multimodal route planning,
customs declarations and analytics for cross-border parcels on the China–Central Asia–Europe
land corridors.
"""

__version__ = "0.1.0"
