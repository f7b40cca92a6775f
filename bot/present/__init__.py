"""Presentation: the analysis report and the digest for a terminal (terminal, digest) and for
Slack as Block Kit within Slack's limits (blocks, digest, limits), and Slack's text format —
escaping, links, what a message asks for (slacktext)."""
