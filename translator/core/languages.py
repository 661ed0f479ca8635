"""The language pair this newsroom translates: the wire's English into Japanese (ISO 639-1 codes)."""

SOURCE_LANG = "en"
TARGET_LANG = "ja"
