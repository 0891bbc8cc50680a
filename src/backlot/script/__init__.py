"""script/: a Fountain or Final Draft file → the Screenplay model (paginated)."""
