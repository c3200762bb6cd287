"""Notices: operators publish changed hours, suspended routes and new rules to the corridors."""
