"""The editorial workflow: edits, reviews, approval, publication, the translation memory and the desk's glossary."""
