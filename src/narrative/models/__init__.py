"""Article text → annotations: sentences, entities, figures, sentiment, themes, summaries.

Nothing here knows about Prefect, DuckDB or the network; models are loaded once by the caller and
passed in.
"""
