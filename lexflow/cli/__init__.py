"""The ``lexflow`` command: database, export, status, retry, monitor and migrate for operators."""
