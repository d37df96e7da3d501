"""What every surface shares to reach Slack: delivery, Block Kit helpers and checks,
ids, text, the error handler, the work queue, the chart render pool, the Web API client,
roles and permissions."""
