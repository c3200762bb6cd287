"""Analytics: KPIs per day, lane, port, place and mode over the event log (DuckDB)."""
