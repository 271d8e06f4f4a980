"""Warehouse rows → a rendered multipart email (HTML + text + charts) → SMTP or a .eml file."""
