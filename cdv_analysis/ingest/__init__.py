"""Ingest: read a territory folder (files, territoire.yml, tables, questionnaires, référentiel) into validated, tidy tables."""
