"""Text coming in: the journal page layout, cleaning, sentence segmentation, and the import into the store."""
