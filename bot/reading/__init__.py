"""Reading articles: files, directories, stdin and links (reader), the guarded link fetcher
(fetch) and the removal of page furniture from extracted text (clean). No Slack, no SQL."""
