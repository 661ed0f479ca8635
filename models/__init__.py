"""The bundled model and how it is made: `python -m models.recipe` (see models/recipe/README.md)."""
