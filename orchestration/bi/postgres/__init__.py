"""The BI serving database: a real PostgreSQL that analysts' tools connect to.

The DuckDB file stays the primary published artefact; after every publish its tables are
copied into PostgreSQL and swapped in atomically (``sync``). The server is either a local
cluster under ``$VOICE_MONITOR_HOME/state/postgres`` that ``voice-monitor serve`` starts
(``cluster``), or an existing server named by ``VOICE_MONITOR_POSTGRES_URL``; ``access``
knows where it is, its roles and their passwords. docs/bi.md explains the choices.
"""
