"""Language: sentence splitting and normal forms (text), the spaCy pipeline loaded once (nlp) and
parsed articles (doc), word lists (lexicon), attributions — who said what, quoted or paraphrased
(attributions) — and claims, their extraction (claims.extract) and their comparison (claims.compare). No Slack, no SQL."""
