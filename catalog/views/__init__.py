"""Public views: `catalogue` (home, catalogue, commitment pages, exports) and `browse`
(institutions, themes, categories, organisations, timeline, matrix, about)."""
