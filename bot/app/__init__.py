"""The Slack app: the Bolt app factory (bolt), serving it over HTTP or Socket Mode (server), the
Web API client and credentials (webapi), the pool that runs slow work after Slack's
acknowledgement (workers) and the daily digest scheduler (scheduler). Listeners are in `handlers`."""
