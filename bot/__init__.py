"""Copydesk's engine and app (import namespace `copydesk.bot`).

Packages, from the input to Slack:

- `reading`: an article from a file, a directory, stdin or a link (reader, guarded fetch, page
  furniture removal);
- `language`: sentences and normal forms (text), the spaCy pipeline (nlp, doc), word lists
  (lexicon), who said what (attributions), what is claimed and how two claims differ (claims);
- `analysis`: the engine that compares an article with the archive (engine), copied passages
  (copying), storing (ingest), stories and the daily digest's contents (stories, digest);
- `present`: reports and digests for a terminal (terminal) and for Slack (blocks, digest,
  Slack's text format and limits);
- `app`: the Slack app (bolt), serving it (server), the Web API client (webapi), the worker pool
  (workers) and the digest scheduler (scheduler).

Beside them: the data model (model), errors (errors), settings (settings) and the CLI (cli).
The Slack listeners live in the top-level `handlers/` package, all SQL in `storage/`.
"""
