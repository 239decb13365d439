"""A booked citizen's own appointment, reached by an unguessable token: view, confirm, cancel."""
