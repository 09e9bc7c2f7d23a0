"""Facts matched across the outlets of a bundle: figures, quotes, entities, timeline."""
