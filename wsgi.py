"""Entry point for a production WSGI server: `waitress-serve --listen=0.0.0.0:8000 wsgi:app`."""

from docgen import create_app

app = create_app()
