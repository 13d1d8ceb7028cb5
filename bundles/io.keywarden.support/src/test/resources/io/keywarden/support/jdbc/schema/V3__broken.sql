-- refers to a table that does not exist: the migration must fail and not be recorded
INSERT INTO no_such_table (x) VALUES (1);
