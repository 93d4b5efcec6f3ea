-- Runs once, when the PostgreSQL volume is created: the OMS store gets its own database next to n8n's.
CREATE DATABASE oms;
