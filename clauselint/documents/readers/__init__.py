"""One reader per format; each turns bytes into an Extraction of raw paragraphs."""
