"""The bundled sample corpus, rendered as real sites serve it, and a local HTTP server for it."""
