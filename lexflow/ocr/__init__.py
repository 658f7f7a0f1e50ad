"""OCR: the Textract job manager, the local engine and the page/line types both produce."""
