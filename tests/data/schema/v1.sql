-- A store of schema version 1, as precedent 0.1.0 wrote it, for
-- tests/cli/crash-schema.sh: later versions must migrate it and keep
-- what v1.history.csv shows.  Made with
--   head -17 datasets/sample.csv; tail -3 datasets/sample.csv  (one file)
--   precedent --db v1.db import --as-of 2026-11-01 FILE; sqlite3 v1.db .dump
-- plus the two header PRAGMAs, which .dump leaves out.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE customers( id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO customers VALUES(1,'Alder Freight');
INSERT INTO customers VALUES(2,'Bluewater Clinics');
INSERT INTO customers VALUES(3,'Nettlebed Outfitters');
CREATE TABLE projects( id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), name TEXT NOT NULL, import_id INTEGER, UNIQUE(customer_id, name));
INSERT INTO projects VALUES(1,1,'analytics-2025',1);
INSERT INTO projects VALUES(2,2,'booking-2024',1);
INSERT INTO projects VALUES(3,3,'booking-2024',1);
CREATE TABLE attr_sets( id INTEGER PRIMARY KEY, attrs TEXT NOT NULL UNIQUE);
INSERT INTO attr_sets VALUES(1,'{"planned_end":"2025-05-02","region":"na","tier":"midmarket","users":"1817"}');
INSERT INTO attr_sets VALUES(2,'{"planned_end":"2025-05-18","region":"na","tier":"midmarket","users":"1817"}');
INSERT INTO attr_sets VALUES(3,'{"planned_end":"2025-05-13","region":"na","tier":"midmarket","users":"1817"}');
INSERT INTO attr_sets VALUES(4,'{"planned_end":"2025-05-10","region":"na","tier":"midmarket","users":"1817"}');
INSERT INTO attr_sets VALUES(5,'{"planned_end":"2025-05-16","region":"na","tier":"midmarket","users":"1817"}');
INSERT INTO attr_sets VALUES(6,'{"planned_end":"2025-05-21","region":"na","tier":"midmarket","users":"1817"}');
INSERT INTO attr_sets VALUES(7,'{"planned_end":"2025-05-19","region":"na","tier":"midmarket","users":"1817"}');
INSERT INTO attr_sets VALUES(8,'{"planned_end":"2024-05-25","region":"na","tier":"enterprise","users":"23363"}');
INSERT INTO attr_sets VALUES(9,'{"planned_end":"2024-06-13","region":"na","tier":"enterprise","users":"23363"}');
INSERT INTO attr_sets VALUES(10,'{"planned_end":"2024-06-14","region":"na","tier":"enterprise","users":"23363"}');
INSERT INTO attr_sets VALUES(11,'{"planned_end":"2024-06-15","region":"na","tier":"enterprise","users":"23363"}');
INSERT INTO attr_sets VALUES(12,'{"planned_end":"2024-07-01","region":"na","tier":"enterprise","users":"23363"}');
INSERT INTO attr_sets VALUES(13,'{"planned_end":"2024-07-10","region":"na","tier":"enterprise","users":"23363"}');
INSERT INTO attr_sets VALUES(14,'{"planned_end":"2024-07-09","region":"na","tier":"enterprise","users":"23363"}');
INSERT INTO attr_sets VALUES(15,'{"planned_end":"2024-07-15","region":"na","tier":"enterprise","users":"23363"}');
INSERT INTO attr_sets VALUES(16,'{"planned_end":"2024-10-07","region":"na","tier":"smb","users":"286"}');
INSERT INTO attr_sets VALUES(17,'{"planned_end":"2024-10-21","region":"na","tier":"smb","users":"286"}');
INSERT INTO attr_sets VALUES(18,'{"planned_end":"2024-10-24","region":"na","tier":"smb","users":"286"}');
CREATE TABLE phases( project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE, name TEXT NOT NULL, start TEXT NOT NULL, end TEXT, as_of TEXT, status TEXT NOT NULL CHECK(status IN ('done', 'ongoing')), attrs_id INTEGER REFERENCES attr_sets(id), import_id INTEGER, line INTEGER, PRIMARY KEY(project_id, name), CHECK((status = 'done') = (end IS NOT NULL))) WITHOUT ROWID;
INSERT INTO phases VALUES(1,'fixes','2025-05-14','2025-05-14',NULL,'done',6,1,7);
INSERT INTO phases VALUES(1,'kickoff','2025-05-02','2025-05-03',NULL,'done',1,1,2);
INSERT INTO phases VALUES(1,'launch','2025-05-18','2025-05-18',NULL,'done',2,1,9);
INSERT INTO phases VALUES(1,'launch_readiness','2025-05-16','2025-05-17',NULL,'done',7,1,8);
INSERT INTO phases VALUES(1,'load_test','2025-05-10','2025-05-18',NULL,'done',5,1,6);
INSERT INTO phases VALUES(1,'load_test_plan','2025-05-06','2025-05-06',NULL,'done',3,1,4);
INSERT INTO phases VALUES(1,'plan_signoff','2025-05-08','2025-05-08',NULL,'done',4,1,5);
INSERT INTO phases VALUES(1,'requirements','2025-05-04','2025-05-07',NULL,'done',2,1,3);
INSERT INTO phases VALUES(2,'fixes','2024-06-28','2024-07-07',NULL,'done',13,1,15);
INSERT INTO phases VALUES(2,'kickoff','2024-05-24','2024-05-27',NULL,'done',8,1,10);
INSERT INTO phases VALUES(2,'launch','2024-07-15','2024-07-15',NULL,'done',15,1,17);
INSERT INTO phases VALUES(2,'launch_readiness','2024-07-05','2024-07-14',NULL,'done',14,1,16);
INSERT INTO phases VALUES(2,'load_test','2024-06-19','2024-07-07',NULL,'done',12,1,14);
INSERT INTO phases VALUES(2,'load_test_plan','2024-06-06','2024-06-11',NULL,'done',10,1,12);
INSERT INTO phases VALUES(2,'plan_signoff','2024-06-12','2024-06-18',NULL,'done',11,1,13);
INSERT INTO phases VALUES(2,'requirements','2024-05-28','2024-06-11',NULL,'done',9,1,11);
INSERT INTO phases VALUES(3,'fixes','2024-10-04','2024-10-21',NULL,'done',16,1,18);
INSERT INTO phases VALUES(3,'launch','2024-10-24','2024-10-25',NULL,'done',18,1,20);
INSERT INTO phases VALUES(3,'launch_readiness','2024-10-19','2024-10-23',NULL,'done',17,1,19);
CREATE TABLE imports( id INTEGER PRIMARY KEY, file TEXT NOT NULL, hash TEXT NOT NULL, time TEXT NOT NULL, as_of TEXT NOT NULL, rows INTEGER NOT NULL, added INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL, rejected INTEGER NOT NULL);
INSERT INTO imports VALUES(1,'v1in.csv','fnv1a64:16bb765d06b6a79d','2026-11-27T09:23:04Z','2026-11-01',19,19,0,0,0);
CREATE TABLE models( id INTEGER PRIMARY KEY, created TEXT NOT NULL, criterion TEXT NOT NULL, reference TEXT NOT NULL, n_projects INTEGER NOT NULL);
CREATE TABLE model_phases( model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE, phase TEXT NOT NULL, family TEXT NOT NULL, p1 REAL, p2 REAL, p3 REAL, n INTEGER NOT NULL, censored INTEGER NOT NULL, loglik REAL, median REAL, p80 REAL, PRIMARY KEY(model_id, phase));
CREATE VIEW project_attrs(project_id, key, value) AS SELECT f.project_id, j.key, min(j.value) FROM phases f JOIN attr_sets a ON a.id = f.attrs_id, json_each(a.attrs) j GROUP BY f.project_id, j.key HAVING count(DISTINCT j.value) = 1;
COMMIT;
PRAGMA application_id=1346585666;
PRAGMA user_version=1;
