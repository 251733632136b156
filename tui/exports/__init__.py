"""File writers for exports and reports; the data comes from ``models``."""
