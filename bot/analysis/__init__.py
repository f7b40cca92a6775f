"""The analysis: one engine (engine.Analyzer) shared by the CLI, the Slack app and the digest,
copied passages (copying), quotations compared across articles (quotes), storing an article with its story (ingest), story grouping (stories)
and the daily digest's contents (digest). Rendering lives in `present`, SQL in `storage`."""
