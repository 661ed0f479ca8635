"""translate: English news pages into Japanese, offline, with Argos Translate packages."""
