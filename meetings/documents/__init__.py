"""The signed documents: PDFs, their issue, the minute book, verification."""
