"""Texts staff write in the admin: the legal pages, and the footer links to them."""
