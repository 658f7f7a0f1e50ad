"""The ``lexflow`` command: database, export, status and retry for operators."""
