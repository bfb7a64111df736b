-- The statements that follow carry passwords: keep them out of the server log and pg_stat_statements.
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_error_statement = 'panic';
SET pg_stat_statements.track_utility = off;
