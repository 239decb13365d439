"""The wish-list's citizen pages (issue 15): leave a wish when no time fits, and its link pages."""
