"""What keeps a running server healthy: timed background jobs, housekeeping and
the health report behind /healthz."""
